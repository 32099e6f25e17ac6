using Autograd.Functions;

namespace Autograd.Graph;

/// <summary>
/// An operation as the graph records it: its name, how an application is written, and its local derivatives, for the
/// backward pass of scalar values and for explanations. The elementwise functions are <see cref="UnaryOp{TFunction}"/>
/// and <see cref="BinaryOp{TFunction}"/>, made from their definitions; <see cref="UnaryScalarOp"/> and
/// <see cref="BinaryScalarOp"/> take a derivative given as a plain number (once differentiable).
/// </summary>
public abstract class Op
{
    /// <summary>Creates an operation with a name.</summary>
    /// <param name="name">The function name, for example <c>tanh</c> or <c>add</c>.</param>
    protected Op(string name) => Name = name;

    /// <summary>The function name, for example <c>tanh</c> or <c>add</c>.</summary>
    public string Name { get; }

    /// <summary>What graph dumps show for the operation: the symbol of an infix operation (<c>+</c>), else the name.</summary>
    public virtual string Label => Name;

    /// <summary>
    /// The scalar rule: upstream × local derivative for each input of <paramref name="output"/> (B is 0 for one input),
    /// which the backward engine adds to the inputs' gradients. Constant inputs take none, so theirs is not computed.
    /// </summary>
    internal abstract (double A, double B) Contributions(Value output, double upstream);

    /// <summary>∂output/∂input for the input at <paramref name="index"/>, at the recorded inputs.</summary>
    /// <param name="output">A value this operation produced.</param>
    /// <param name="index">0 for the first input, 1 for the second.</param>
    public abstract double LocalDerivative(Value output, int index);

    /// <summary>What the backward pass adds to input <paramref name="index"/> for an upstream gradient <paramref name="upstream"/>.</summary>
    internal abstract double Contribution(Value output, int index, double upstream);

    /// <summary>The local derivative for the input at <paramref name="index"/> as a formula in the nodes' names.</summary>
    internal abstract string LocalDerivativeFormula(int index, IReadOnlyList<string> inputNames, string outputName);

    /// <summary>How an application of this operation is written, for example <c>x + y</c> or <c>tanh(x)</c>.</summary>
    internal abstract string FormatDefinition(IReadOnlyList<string> inputNames);

    /// <summary>How an application is written, for example <c>x + y</c> or <c>tanh(x)</c>.</summary>
    /// <param name="inputNames">The operands' names.</param>
    public string FormatApplication(IReadOnlyList<string> inputNames) => FormatDefinition(inputNames);

    /// <summary>For an elementwise function recorded on tensors: ∂node/∂input elementwise, at the broadcast shape; null otherwise.</summary>
    internal virtual Tensor<double>? LocalGradient(Tensor<double> node, int index) => null;
}

/// <summary>A scalar operation of one input, y = f(x), whose derivative f′ is given as a number (once differentiable).</summary>
public abstract class UnaryScalarOp : Op
{
    /// <summary>Creates a unary operation with a display name.</summary>
    /// <param name="name">The function name shown in graph dumps.</param>
    protected UnaryScalarOp(string name) : base(name) { }

    /// <summary>The forward rule y = f(x).</summary>
    /// <param name="x">The input.</param>
    public abstract double Forward(double x);

    /// <summary>The local derivative dy/dx at input <paramref name="x"/>, where <paramref name="y"/> = f(x).</summary>
    /// <param name="x">The input.</param>
    /// <param name="y">The output, for rules that are cheaper in terms of it (exp, tanh, sigmoid).</param>
    public abstract double Derivative(double x, double y);

    /// <summary>dy/dx as a formula in the names of the input and the output (for the chain-rule explanation).</summary>
    /// <param name="x">The input's display name.</param>
    /// <param name="y">The output's display name.</param>
    public abstract string DerivativeFormula(string x, string y);

    /// <summary>Records y = f(x) in the graph.</summary>
    /// <param name="x">The input node.</param>
    /// <exception cref="ArgumentNullException"><paramref name="x"/> is null.</exception>
    public Value Apply(Value x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Value.Record(Forward(x.Data), this, x);
    }

    internal override (double A, double B) Contributions(Value output, double upstream) =>
        (output.InputA!.IsConstant ? 0 : Contribution(output, 0, upstream), 0);

    /// <inheritdoc/>
    public override double LocalDerivative(Value output, int index) => Derivative(output.InputA!.Data, output.Data);

    // A local derivative of 0 contributes nothing, even against an infinite upstream gradient: ∞·0 would be NaN.
    internal override double Contribution(Value output, int index, double upstream)
    {
        double local = LocalDerivative(output, index);
        return local == 0 ? 0 : upstream * local;
    }

    internal override string LocalDerivativeFormula(int index, IReadOnlyList<string> inputNames, string outputName) =>
        DerivativeFormula(inputNames[0], outputName);

    internal override string FormatDefinition(IReadOnlyList<string> inputNames) => $"{Name}({inputNames[0]})";
}

/// <summary>A scalar operation of two inputs, y = f(a, b), whose partial derivatives are given as numbers (once differentiable).</summary>
public abstract class BinaryScalarOp : Op
{
    /// <summary>Creates a binary operation with a display name.</summary>
    /// <param name="name">The symbol shown in graph dumps.</param>
    /// <param name="infix">True to write applications as <c>a name b</c>, false as <c>name(a, b)</c>.</param>
    protected BinaryScalarOp(string name, bool infix) : base(name) => Infix = infix;

    /// <summary>True when applications are written <c>a name b</c> rather than <c>name(a, b)</c>.</summary>
    public bool Infix { get; }

    /// <summary>The forward rule y = f(a, b).</summary>
    /// <param name="a">The first input.</param>
    /// <param name="b">The second input.</param>
    public abstract double Forward(double a, double b);

    /// <summary>The partial derivatives (∂y/∂a, ∂y/∂b) at (a, b), where y = f(a, b).</summary>
    /// <param name="a">The first input.</param>
    /// <param name="b">The second input.</param>
    /// <param name="y">The output.</param>
    public abstract (double DyDa, double DyDb) Derivatives(double a, double b, double y);

    /// <summary>∂y/∂a (index 0) or ∂y/∂b (index 1) as a formula in the nodes' names.</summary>
    /// <param name="index">0 for the first input, 1 for the second.</param>
    /// <param name="a">The first input's display name.</param>
    /// <param name="b">The second input's display name.</param>
    /// <param name="y">The output's display name.</param>
    public abstract string DerivativeFormula(int index, string a, string b, string y);

    /// <summary>Records y = f(a, b) in the graph.</summary>
    /// <param name="a">The first input node.</param>
    /// <param name="b">The second input node.</param>
    /// <exception cref="ArgumentNullException"><paramref name="a"/> or <paramref name="b"/> is null.</exception>
    public Value Apply(Value a, Value b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Value.Record(Forward(a.Data, b.Data), this, a, b);
    }

    internal override (double A, double B) Contributions(Value output, double upstream) =>
        (output.InputA!.IsConstant ? 0 : Contribution(output, 0, upstream), output.InputB!.IsConstant ? 0 : Contribution(output, 1, upstream));

    /// <inheritdoc/>
    public override double LocalDerivative(Value output, int index)
    {
        var (dyda, dydb) = Derivatives(output.InputA!.Data, output.InputB!.Data, output.Data);
        return index == 0 ? dyda : dydb;
    }

    internal override double Contribution(Value output, int index, double upstream)
    {
        double local = LocalDerivative(output, index);
        return local == 0 ? 0 : upstream * local;
    }

    internal override string LocalDerivativeFormula(int index, IReadOnlyList<string> inputNames, string outputName) =>
        DerivativeFormula(index, inputNames[0], inputNames[1], outputName);

    internal override string FormatDefinition(IReadOnlyList<string> inputNames) =>
        Infix ? $"{inputNames[0]} {Name} {inputNames[1]}" : $"{Name}({inputNames[0]}, {inputNames[1]})";
}
