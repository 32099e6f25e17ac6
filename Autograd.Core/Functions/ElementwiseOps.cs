using Autograd.Functions;
using Autograd.Graph;

namespace Autograd.Functions;

/// <summary>An elementwise function of one operand as the graph records it, made from its definition.</summary>
/// <typeparam name="TFunction">The function's definition.</typeparam>
public sealed class UnaryOp<TFunction> : Op where TFunction : struct, IUnaryFunction
{
    /// <summary>The op made last for this definition: parameterless definitions share one op object.</summary>
    private static UnaryOp<TFunction>? s_last;

    private UnaryOp(TFunction function) : base(function.Name) => Function = function;

    /// <summary>The definition, with its parameters.</summary>
    public TFunction Function { get; }

    /// <summary>The op for <paramref name="function"/>, shared while the parameters stay the same.</summary>
    internal static UnaryOp<TFunction> Of(TFunction function)
    {
        UnaryOp<TFunction>? last = s_last;
        if (last is not null && EqualityComparer<TFunction>.Default.Equals(last.Function, function)) return last;
        return s_last = new UnaryOp<TFunction>(function);
    }

    internal override (double A, double B) Contributions(Value output, double upstream) =>
        (output.InputA!.IsConstant ? 0 : Contribution(output, 0, upstream), 0);

    /// <inheritdoc/>
    public override double LocalDerivative(Value output, int index) => Contribution(output, index, 1);

    internal override double Contribution(Value output, int index, double upstream) =>
        Function.Gradient(new Real(upstream), new Real(output.InputA!.Data), new Real(output.Data)).Value;

    internal override string LocalDerivativeFormula(int index, IReadOnlyList<string> inputNames, string outputName) =>
        Function.Formula(inputNames[0], outputName);

    internal override string FormatDefinition(IReadOnlyList<string> inputNames) => Function.Format(inputNames[0]);

    internal override Tensor<double> LocalGradient(Tensor<double> node, int index)
    {
        using (Autodiff.NoGrad()) return Function.Gradient(Tensor.Full(node.ShapeArray, 1.0), node.Input(0), node);
    }
}

/// <summary>An elementwise function of two operands as the graph records it, made from its definition.</summary>
/// <typeparam name="TFunction">The function's definition.</typeparam>
public sealed class BinaryOp<TFunction> : Op where TFunction : struct, IBinaryFunction
{
    private BinaryOp() : base(default(TFunction).Name) { }

    /// <summary>The one op object of this definition (binary functions have no parameters).</summary>
    internal static BinaryOp<TFunction> Instance { get; } = new();

    /// <inheritdoc/>
    public override string Label => default(TFunction).Symbol ?? Name;

    internal override (double A, double B) Contributions(Value output, double upstream) =>
        (output.InputA!.IsConstant ? 0 : Contribution(output, 0, upstream), output.InputB!.IsConstant ? 0 : Contribution(output, 1, upstream));

    /// <inheritdoc/>
    public override double LocalDerivative(Value output, int index) => Contribution(output, index, 1);

    internal override double Contribution(Value output, int index, double upstream)
    {
        Real g = new(upstream), a = new(output.InputA!.Data), b = new(output.InputB!.Data), y = new(output.Data);
        TFunction function = default;
        return (index == 0 ? function.GradientA(g, a, b, y) : function.GradientB(g, a, b, y)).Value;
    }

    internal override string LocalDerivativeFormula(int index, IReadOnlyList<string> inputNames, string outputName) =>
        default(TFunction).Formula(index, inputNames[0], inputNames[1], outputName);

    internal override string FormatDefinition(IReadOnlyList<string> inputNames) =>
        default(TFunction).Symbol is { } symbol ? $"{inputNames[0]} {symbol} {inputNames[1]}" : $"{Name}({inputNames[0]}, {inputNames[1]})";

    internal override Tensor<double> LocalGradient(Tensor<double> node, int index)
    {
        TFunction function = default;
        Tensor<double> ones = Tensor.Full(node.ShapeArray, 1.0), a = node.Input(0), b = node.Input(1);
        using (Autodiff.NoGrad()) return index == 0 ? function.GradientA(ones, a, b, node) : function.GradientB(ones, a, b, node);
    }
}
