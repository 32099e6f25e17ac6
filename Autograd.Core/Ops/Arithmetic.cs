using System.Numerics;
using Autograd.Kernels;
using Autograd.Tensors;

namespace Autograd;

// Arithmetic with NumPy broadcasting. Each op's forward kernel and gradient rule sit together; the engine sums a
// broadcast gradient back to its input's shape, so the rules are written for the broadcast shape.
public sealed partial class Tensor<T>
{
    /// <summary>a + b, broadcasting. ∂/∂a = 1, ∂/∂b = 1.</summary>
    public static Tensor<T> Add(Tensor<T> a, Tensor<T> b) =>
        Record(Binary<AddOperator<T>>(a, b, "add"), "add", [a, b], g => [g, g]);

    /// <summary>a − b, broadcasting. ∂/∂a = 1, ∂/∂b = −1.</summary>
    public static Tensor<T> Subtract(Tensor<T> a, Tensor<T> b) =>
        Record(Binary<SubtractOperator<T>>(a, b, "sub"), "sub", [a, b], g => [g, -g]);

    /// <summary>a ⊙ b (elementwise), broadcasting. ∂/∂a = b, ∂/∂b = a.</summary>
    public static Tensor<T> Multiply(Tensor<T> a, Tensor<T> b) =>
        RecordEach(Binary<MultiplyOperator<T>>(a, b, "mul"), "mul", [a, b], g => g * b, g => g * a);

    /// <summary>a / b (elementwise), broadcasting. ∂/∂a = 1/b, ∂/∂b = −a/b², computed as −(a/b)/b: b² underflows to 0
    /// for |b| below 1e-154 (float64), where the quotient and the gradient are still finite.</summary>
    public static Tensor<T> Divide(Tensor<T> a, Tensor<T> b) =>
        RecordEach(Binary<DivideOperator<T>>(a, b, "div"), "div", [a, b], g => g / b, g => -(g * (a / b)) / b);

    /// <summary>−x. ∂/∂x = −1.</summary>
    public static Tensor<T> Negate(Tensor<T> x) =>
        Record(new Tensor<T>(Elementwise.Unary(x, System.Numerics.Tensors.TensorPrimitives.Negate), x._shape), "neg", [x], g => [-g]);

    /// <summary>a^b elementwise with a differentiable exponent. ∂/∂a = b·a^(b−1), ∂/∂b = a^b·ln a.</summary>
    public Tensor<T> Pow(Tensor<T> exponent)
    {
        Tensor<T> a = this, b = exponent;
        Tensor<T> y = Binary<PowerOperator<T>>(a, b, "pow");
        // At a = b = 0 the base's derivative is 0 (not 0·0^−1 = NaN); at a = 0, b ≥ 0 the exponent's is 0 (not 0·ln 0),
        // as in PyTorch. The first guard is only where a = 0 too (PyTorch masks every b = 0): elsewhere b·a^(b−1) is
        // already 0 at b = 0, and masking it would zero its derivative in b, 1/a, in second derivatives.
        return RecordEach(y, "pow", [a, b],
            g => Where(b.Equal(Zero) * a.Equal(Zero), Zero, g * b * a.Pow(b - One)),
            g => Where(a.Equal(Zero) * (One - Less(b, Zero)), Zero, g * y * a.Log()));
    }

    /// <summary>x^p elementwise for a constant p. ∂/∂x = p·x^(p−1).</summary>
    /// <param name="exponent">The constant exponent p.</param>
    public Tensor<T> Pow(T exponent)
    {
        Tensor<T> x = this;
        var y = new Tensor<T>(Elementwise.Unary(x, (s, d) => System.Numerics.Tensors.TensorPrimitives.Pow(s, exponent, d)), _shape);
        return Record(y, "pow", [x], g => [T.IsZero(exponent) ? g * Zero : g * exponent * x.Pow(exponent - T.One)]);
    }

    /// <summary>a + b, broadcasting.</summary>
    public static Tensor<T> operator +(Tensor<T> a, Tensor<T> b) => Add(a, b);

    /// <summary>a − b, broadcasting.</summary>
    public static Tensor<T> operator -(Tensor<T> a, Tensor<T> b) => Subtract(a, b);

    /// <summary>a ⊙ b elementwise, broadcasting.</summary>
    public static Tensor<T> operator *(Tensor<T> a, Tensor<T> b) => Multiply(a, b);

    /// <summary>a / b elementwise, broadcasting.</summary>
    public static Tensor<T> operator /(Tensor<T> a, Tensor<T> b) => Divide(a, b);

    /// <summary>−x.</summary>
    public static Tensor<T> operator -(Tensor<T> x) => Negate(x);

    /// <summary>x + c for a constant c.</summary>
    public static Tensor<T> operator +(Tensor<T> x, T c) => Add(x, Constant(c));

    /// <summary>c + x for a constant c.</summary>
    public static Tensor<T> operator +(T c, Tensor<T> x) => Add(Constant(c), x);

    /// <summary>x − c for a constant c.</summary>
    public static Tensor<T> operator -(Tensor<T> x, T c) => Subtract(x, Constant(c));

    /// <summary>c − x for a constant c.</summary>
    public static Tensor<T> operator -(T c, Tensor<T> x) => Subtract(Constant(c), x);

    /// <summary>x · c for a constant c.</summary>
    public static Tensor<T> operator *(Tensor<T> x, T c) => Multiply(x, Constant(c));

    /// <summary>c · x for a constant c.</summary>
    public static Tensor<T> operator *(T c, Tensor<T> x) => Multiply(Constant(c), x);

    /// <summary>x / c for a constant c.</summary>
    public static Tensor<T> operator /(Tensor<T> x, T c) => Divide(x, Constant(c));

    /// <summary>c / x for a constant c.</summary>
    public static Tensor<T> operator /(T c, Tensor<T> x) => Divide(Constant(c), x);

    private static Tensor<T> Zero => Constant(T.Zero);

    private static Tensor<T> One => Constant(T.One);

    private static Tensor<T> Constant(T value) => new([value], []);

    private static Tensor<T> Binary<TOp>(Tensor<T> a, Tensor<T> b, string op) where TOp : IBinaryOperator<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int[] shape = ShapeMath.Broadcast(a._shape, b._shape, op);
        return new Tensor<T>(Elementwise.Binary<T, TOp>(a, b, shape), shape);
    }
}
