using System.Numerics;
using Autograd.Functions;
using Autograd.Kernels;
using Autograd.Tensors;

namespace Autograd;

// The elementwise functions' definitions (Autograd.Functions) applied to tensors, with NumPy broadcasting: the kernel
// runs on the broadcast shape, the rule is written for it, and the engine sums each gradient back to its input's shape.
public sealed partial class Tensor<T> : IDifferentiable<Tensor<T>>
{
    /// <summary>Applies the elementwise function <paramref name="function"/> to every element, recording its gradient rule.</summary>
    internal static Tensor<T> Map<TFunction>(TFunction function, Tensor<T> x) where TFunction : struct, IUnaryFunction
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = new Tensor<T>(Elementwise.Unary(x.Elements, function.Compute), x._shape);
        return Record(y, UnaryOp<TFunction>.Of(function), [x], g => [function.Gradient(g, x, y)]);
    }

    /// <summary>Applies the function <paramref name="function"/> of two operands elementwise, broadcasting them, and
    /// records a gradient rule for each.</summary>
    internal static Tensor<T> Map<TFunction>(TFunction function, Tensor<T> a, Tensor<T> b) where TFunction : struct, IBinaryFunction
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int[] shape = ShapeMath.Broadcast(a._shape, b._shape, function.Name);
        var y = new Tensor<T>(Elementwise.Binary<T, FunctionOperator<T, TFunction>>(a.Elements, b.Elements, shape), shape);
        return RecordEach(y, BinaryOp<TFunction>.Instance, [a, b], g => function.GradientA(g, a, b, y), g => function.GradientB(g, a, b, y));
    }

    // Users apply a definition with x.Apply(function) (Differentiable); these are what rules written once for every
    // type call.
    static Tensor<T> IDifferentiable<Tensor<T>>.Apply<TFunction>(TFunction function, Tensor<T> x) => Map(function, x);

    static Tensor<T> IDifferentiable<Tensor<T>>.Apply<TFunction>(TFunction function, Tensor<T> a, Tensor<T> b) => Map(function, a, b);

    /// <summary>a + b, broadcasting.</summary>
    public static Tensor<T> operator +(Tensor<T> a, Tensor<T> b) => Map(new Functions.Add(), a, b);

    /// <summary>a − b, broadcasting.</summary>
    public static Tensor<T> operator -(Tensor<T> a, Tensor<T> b) => Map(new Functions.Subtract(), a, b);

    /// <summary>a ⊙ b elementwise, broadcasting.</summary>
    public static Tensor<T> operator *(Tensor<T> a, Tensor<T> b) => Map(new Functions.Multiply(), a, b);

    /// <summary>a / b elementwise, broadcasting.</summary>
    public static Tensor<T> operator /(Tensor<T> a, Tensor<T> b) => Map(new Functions.Divide(), a, b);

    /// <summary>−x.</summary>
    public static Tensor<T> operator -(Tensor<T> x) => Map(new Functions.Negate(), x);

    /// <summary>x + c for a constant c.</summary>
    public static Tensor<T> operator +(Tensor<T> x, T c) => Map(new Functions.Add(), x, Constant(c));

    /// <summary>c + x for a constant c.</summary>
    public static Tensor<T> operator +(T c, Tensor<T> x) => Map(new Functions.Add(), Constant(c), x);

    /// <summary>x − c for a constant c.</summary>
    public static Tensor<T> operator -(Tensor<T> x, T c) => Map(new Functions.Subtract(), x, Constant(c));

    /// <summary>c − x for a constant c.</summary>
    public static Tensor<T> operator -(T c, Tensor<T> x) => Map(new Functions.Subtract(), Constant(c), x);

    /// <summary>x · c for a constant c.</summary>
    public static Tensor<T> operator *(Tensor<T> x, T c) => Map(new Functions.Multiply(), x, Constant(c));

    /// <summary>c · x for a constant c.</summary>
    public static Tensor<T> operator *(T c, Tensor<T> x) => Map(new Functions.Multiply(), Constant(c), x);

    /// <summary>x / c for a constant c.</summary>
    public static Tensor<T> operator /(Tensor<T> x, T c) => Map(new Functions.Divide(), x, Constant(c));

    /// <summary>c / x for a constant c.</summary>
    public static Tensor<T> operator /(T c, Tensor<T> x) => Map(new Functions.Divide(), Constant(c), x);

    // The forms with a double constant serve rules written once for every type (IDifferentiable); callers in float
    // code use the ones above.
    static Tensor<T> IDifferentiable<Tensor<T>>.operator +(Tensor<T> a, double b) => a + FromDouble(b);

    static Tensor<T> IDifferentiable<Tensor<T>>.operator +(double a, Tensor<T> b) => FromDouble(a) + b;

    static Tensor<T> IDifferentiable<Tensor<T>>.operator -(Tensor<T> a, double b) => a - FromDouble(b);

    static Tensor<T> IDifferentiable<Tensor<T>>.operator -(double a, Tensor<T> b) => FromDouble(a) - b;

    static Tensor<T> IDifferentiable<Tensor<T>>.operator *(Tensor<T> a, double b) => a * FromDouble(b);

    static Tensor<T> IDifferentiable<Tensor<T>>.operator *(double a, Tensor<T> b) => FromDouble(a) * b;

    static Tensor<T> IDifferentiable<Tensor<T>>.operator /(Tensor<T> a, double b) => a / FromDouble(b);

    static Tensor<T> IDifferentiable<Tensor<T>>.operator /(double a, Tensor<T> b) => FromDouble(a) / b;

    static Tensor<T> IDifferentiable<Tensor<T>>.Constant(double value) => Constant(FromDouble(value));

    static Tensor<T> IDifferentiable<Tensor<T>>.ZerosLike(Tensor<T> shaped) => Tensor.Zeros<T>(shaped._shape);

    static Tensor<T> IDifferentiable<Tensor<T>>.Equal(Tensor<T> a, Tensor<T> b) => a.Equal(b);

    static Tensor<T> IDifferentiable<Tensor<T>>.WherePositive(Tensor<T> x, Tensor<T> g) => ReluBackward(g, x);

    static Tensor<T> IDifferentiable<Tensor<T>>.Greater(Tensor<T> a, Tensor<T> b) => Tensor.Greater(a, b);

    static Tensor<T> IDifferentiable<Tensor<T>>.Less(Tensor<T> a, Tensor<T> b) => Tensor.Less(a, b);

    static Tensor<T> IDifferentiable<Tensor<T>>.Where(Tensor<T> condition, Tensor<T> whenTrue, Tensor<T> whenFalse) =>
        Tensor.Where(condition, whenTrue, whenFalse);

    private static Tensor<T> Constant(T value) => new([value], []);

    /// <summary>A comparison or other operator applied elementwise with broadcasting, outside the graph.</summary>
    internal static Tensor<T> Binary<TOp>(Tensor<T> a, Tensor<T> b, string op) where TOp : IBinaryOperator<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int[] shape = ShapeMath.Broadcast(a._shape, b._shape, op);
        return new Tensor<T>(Elementwise.Binary<T, TOp>(a.Elements, b.Elements, shape), shape);
    }
}
