using Autograd.Engine;
using Autograd.Functions;
using Autograd.Graph;
using Autograd.Visualization;

namespace Autograd;

/// <summary>
/// A scalar node of the computation graph, in the style of micrograd: a <see cref="double"/>, its gradient, the
/// operation that produced it and its inputs. Every arithmetic operation on values records a new node;
/// <see cref="Backward"/> then fills in ∂output/∂node for every node the output depends on.
/// </summary>
/// <remarks>
/// Values are immutable once recorded: <c>c += c + 1</c> means <c>c = c + (c + 1)</c> and makes a new node,
/// as in micrograd and PyTorch. Only a leaf's <see cref="Data"/> may be changed, as an optimizer does. As in
/// micrograd, gradients are added without locks: run backward passes over graphs that share values on one thread
/// at a time (tensor gradients, unlike these, may be accumulated from several threads).
/// </remarks>
public sealed class Value : Node, IDifferentiable<Value>
{
    private readonly Op? _op;
    private double _data;

    /// <summary>Creates a leaf: a variable whose gradient backpropagation computes.</summary>
    /// <param name="data">The value.</param>
    /// <param name="label">An optional display name, for example <c>x</c>.</param>
    public Value(double data, string? label = null) : base(label) => _data = data;

    private Value(double data, bool isConstant) : base(null)
    {
        _data = data;
        // A constant is marked by holding itself as its first input, where a flag field would make every node
        // 8 bytes larger (80 instead of 72), and nodes are allocated by the million.
        if (isConstant) InputA = this;
    }

    /// <summary>Records the result of <paramref name="op"/> applied to one or two inputs.</summary>
    private Value(double data, Op op, Value a, Value? b) : base(null)
    {
        _data = data;
        _op = op;
        InputA = a;
        InputB = b;
    }

    /// <summary>Creates a constant leaf, such as the 2 in <c>x * 2</c>: shown by its value in graph dumps.</summary>
    /// <param name="data">The constant.</param>
    public static Value Constant(double data) => new(data, isConstant: true);

    /// <summary>Recently used constants of this thread, by value: the operators with a <see cref="double"/> operand reuse them.</summary>
    [ThreadStatic] private static Value?[]? t_constants;

    /// <summary>
    /// A constant node for <paramref name="data"/>, shared with earlier uses of the same value on this thread.
    /// Constants never change and receive no gradient, so sharing them is invisible, and a chain such as
    /// <c>v * 1.0001 + 0.0001</c> repeated a million times records one node per operation instead of two.
    /// </summary>
    internal static Value SharedConstant(double data)
    {
        Value?[] cache = t_constants ??= new Value?[64];
        long bits = BitConverter.DoubleToInt64Bits(data);
        int slot = (int)((ulong)bits * 0x9E3779B97F4A7C15UL >> 58);
        Value? cached = cache[slot];
        if (cached is not null && BitConverter.DoubleToInt64Bits(cached._data) == bits) return cached;
        return cache[slot] = new Value(data, isConstant: true);
    }

    /// <summary>The value. Settable on variables only (a recorded result or a constant never changes).</summary>
    /// <exception cref="InvalidOperationException">Set on a value that an operation produced, or on a constant.</exception>
    public double Data
    {
        get => _data;
        set
        {
            if (_op is not null)
                throw new InvalidOperationException(
                    $"Cannot change the data of '{Label ?? _op.Label}': it was recorded as the result of '{_op.Label}'; only leaves can be updated.");
            if (IsConstant)
                throw new InvalidOperationException($"Cannot change the constant {_data}: constants are fixed; use new Value(...) for a variable.");
            _data = value;
        }
    }

    /// <summary>∂output/∂this, filled in by <see cref="Backward"/>; accumulates on leaves until <see cref="ZeroGrad"/> (of this value, or <see cref="Autodiff.ZeroGrad(Node)"/> of a result computed from it).</summary>
    public double Grad { get; set; }

    /// <summary>The operation that produced this value, or null for a leaf.</summary>
    public Op? Op => _op;

    /// <summary>The first input of a recorded value; for a constant, the constant itself (see <see cref="IsConstant"/>); for a variable, null.</summary>
    internal Value? InputA { get; }

    /// <summary>The second input of a recorded value of two inputs; otherwise null.</summary>
    internal Value? InputB { get; }

    /// <summary>The input at <paramref name="index"/> (0 or 1, below <see cref="InputCount"/>), without a range check: for the engine's walks.</summary>
    internal Value InputAt(int index) => index == 0 ? InputA! : InputB!;

    /// <inheritdoc/>
    public override string Operation => _op?.Label ?? "";

    /// <inheritdoc/>
    public override int InputCount => _op is null ? 0 : InputB is null ? 1 : 2;

    /// <inheritdoc/>
    public override bool IsConstant => ReferenceEquals(InputA, this);

    /// <inheritdoc/>
    public override Node GetInput(int index) => index switch
    {
        0 when _op is not null => InputA!,
        1 when InputB is not null => InputB,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, $"'{Operation}' has {InputCount} input(s)."),
    };

    /// <summary>
    /// Backpropagation from this value: sets ∂this/∂this = 1, then visits the graph in reverse topological order
    /// and adds upstream gradient × local derivative to every input, so a value used several times receives the sum
    /// of its contributions. Gradients of intermediate values are recomputed; gradients of leaves accumulate.
    /// </summary>
    public void Backward()
    {
        if (_op is null)
        {
            Grad += 1;
            return;
        }

        ValueBackward.Run(this);
    }

    /// <inheritdoc/>
    public override void ZeroGrad() => Grad = 0;

    /// <summary>Gives this value a display name and returns it, for fluent use: <c>(x + y).Named("q")</c>.</summary>
    /// <param name="label">The display name.</param>
    public Value Named(string label)
    {
        Label = label;
        return this;
    }

    /// <summary>Records a + b.</summary>
    public static Value operator +(Value a, Value b) => Map(new Add(), a, b);

    /// <summary>Records a + b with a constant b.</summary>
    public static Value operator +(Value a, double b) => Map(new Add(), a, SharedConstant(b));

    /// <summary>Records a + b with a constant a.</summary>
    public static Value operator +(double a, Value b) => Map(new Add(), SharedConstant(a), b);

    /// <summary>Records a − b.</summary>
    public static Value operator -(Value a, Value b) => Map(new Subtract(), a, b);

    /// <summary>Records a − b with a constant b.</summary>
    public static Value operator -(Value a, double b) => Map(new Subtract(), a, SharedConstant(b));

    /// <summary>Records a − b with a constant a.</summary>
    public static Value operator -(double a, Value b) => Map(new Subtract(), SharedConstant(a), b);

    /// <summary>Records a · b.</summary>
    public static Value operator *(Value a, Value b) => Map(new Multiply(), a, b);

    /// <summary>Records a · b with a constant b.</summary>
    public static Value operator *(Value a, double b) => Map(new Multiply(), a, SharedConstant(b));

    /// <summary>Records a · b with a constant a.</summary>
    public static Value operator *(double a, Value b) => Map(new Multiply(), SharedConstant(a), b);

    /// <summary>Records a / b.</summary>
    public static Value operator /(Value a, Value b) => Map(new Divide(), a, b);

    /// <summary>Records a / b with a constant b.</summary>
    public static Value operator /(Value a, double b) => Map(new Divide(), a, SharedConstant(b));

    /// <summary>Records a / b with a constant a.</summary>
    public static Value operator /(double a, Value b) => Map(new Divide(), SharedConstant(a), b);

    /// <summary>Records −a.</summary>
    public static Value operator -(Value a) => Map(new Negate(), a);

    /// <summary>Records the elementwise function <paramref name="function"/> applied to <paramref name="x"/>.</summary>
    internal static Value Map<TFunction>(TFunction function, Value x) where TFunction : struct, IUnaryFunction
    {
        ArgumentNullException.ThrowIfNull(x);
        return Record(function.Compute(x._data), UnaryOp<TFunction>.Of(function), x);
    }

    /// <summary>Records the function <paramref name="function"/> of two operands applied to <paramref name="a"/> and <paramref name="b"/>.</summary>
    internal static Value Map<TFunction>(TFunction function, Value a, Value b) where TFunction : struct, IBinaryFunction
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Record(function.Compute(a._data, b._data), BinaryOp<TFunction>.Instance, a, b);
    }

    // Users apply a definition with x.Apply(function) (Differentiable); these are what rules written once for every
    // type call.
    static Value IDifferentiable<Value>.Apply<TFunction>(TFunction function, Value x) => Map(function, x);

    static Value IDifferentiable<Value>.Apply<TFunction>(TFunction function, Value a, Value b) => Map(function, a, b);

    /// <summary>
    /// The node for <paramref name="data"/> computed by <paramref name="op"/> from <paramref name="x"/>: recorded,
    /// unless <paramref name="x"/> is a constant (a constant, which no gradient reaches) or recording is off
    /// (<see cref="Autodiff.NoGrad"/>: a new leaf).
    /// </summary>
    internal static Value Record(double data, Op op, Value x)
    {
        if (x.IsConstant) return new Value(data, isConstant: true);
        if (!GradMode.IsEnabled) return new Value(data);
        return new Value(data, op, x, null);
    }

    /// <summary>
    /// The node for <paramref name="data"/> computed by <paramref name="op"/> from <paramref name="a"/> and
    /// <paramref name="b"/>: recorded, unless both are constants or recording is off, as for one input.
    /// </summary>
    internal static Value Record(double data, Op op, Value a, Value b)
    {
        if (a.IsConstant && b.IsConstant) return new Value(data, isConstant: true);
        if (!GradMode.IsEnabled) return new Value(data);
        return new Value(data, op, a, b);
    }

    static Value IDifferentiable<Value>.Constant(double value) => SharedConstant(value);

    static Value IDifferentiable<Value>.ZerosLike(Value shaped) => SharedConstant(0);

    static Value IDifferentiable<Value>.Greater(Value a, Value b) => SharedConstant(a._data > b._data ? 1 : 0);

    static Value IDifferentiable<Value>.Less(Value a, Value b) => SharedConstant(a._data < b._data ? 1 : 0);

    static Value IDifferentiable<Value>.Equal(Value a, Value b) => SharedConstant(a._data == b._data ? 1 : 0);

    static Value IDifferentiable<Value>.Where(Value condition, Value whenTrue, Value whenFalse) =>
        condition._data != 0 ? whenTrue : whenFalse;

    static Value IDifferentiable<Value>.WherePositive(Value x, Value g) => x._data > 0 ? g : SharedConstant(0);

    internal override string FormatData() => DisplayFormat.Number(_data);

    internal override string FormatGrad() => DisplayFormat.Number(Grad);

    /// <inheritdoc/>
    public override string FormatDefinition(IReadOnlyList<string> inputNames) =>
        _op?.FormatDefinition(inputNames) ?? Label ?? FormatData();
}
