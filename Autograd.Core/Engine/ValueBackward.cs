using Autograd.Graph;

namespace Autograd.Engine;

/// <summary>
/// Scalar backpropagation as <see cref="BackwardEngine"/> runs it for <see cref="Value.Backward"/>: each operation
/// node's pending gradient is its own <see cref="Value.Grad"/> (zeroed when the pass starts, and left there, so every
/// intermediate keeps its gradient), a rule is its <see cref="Op"/>'s contributions, and a contribution is added into
/// the input's <see cref="Value.Grad"/>, leaves included. Constants take none.
/// </summary>
internal readonly struct ValueBackward(Value root) : IBackwardKind<Value, double, (double A, double B)>
{
    /// <summary>Backpropagates from <paramref name="root"/>, an operation node, with seed gradient 1.</summary>
    public static void Run(Value root)
    {
        var kind = new ValueBackward(root);
        BackwardEngine.Run<Value, double, (double A, double B), ValueBackward>(ref kind, [root]);
    }

    /// <summary>Leaves have nothing to propagate; a contribution reaches them directly.</summary>
    public bool ListsLeaves => false;

    /// <inheritdoc/>
    public int InputCount(Value node) => node.InputCount;

    /// <inheritdoc/>
    public Value Input(Value node, int index) => node.InputAt(index);

    /// <inheritdoc/>
    public void Begin(ReadOnlySpan<TraversalBuffers<Value>.Entry> order)
    {
        // Intermediate gradients are recomputed; those of leaves accumulate across passes.
        foreach (var entry in order) entry.Node.Grad = 0;
        root.Grad = 1;
    }

    /// <inheritdoc/>
    public bool TryTakeUpstream(Value node, out double upstream, out bool runsRule)
    {
        upstream = node.Grad;
        runsRule = true;
        return true;
    }

    /// <inheritdoc/>
    public double ApplyHooks(Value node, double upstream) => upstream;

    /// <summary>Nothing to keep: the pending gradient already is the node's Grad.</summary>
    public void Keep(Value node, double upstream)
    {
    }

    /// <inheritdoc/>
    public (double A, double B) RunRule(Value node, double upstream) => node.Op!.Contributions(node, upstream);

    /// <inheritdoc/>
    public void Deliver(Value node, in (double A, double B) contributions)
    {
        // Constants take no gradient (shared constants would otherwise collect sums from unrelated graphs).
        Value a = node.InputA!;
        if (!a.IsConstant) a.Grad += contributions.A;
        if (node.InputB is { IsConstant: false } b) b.Grad += contributions.B;
    }
}

/// <summary>
/// Scalar backpropagation as <see cref="BackwardEngine"/> runs it for <see cref="Autodiff.Grad(Value, Value[])"/>:
/// pending gradients live in a dictionary of the pass, so no node's <see cref="Value.Grad"/> is read or written, and
/// the gradients of the inputs asked for are returned.
/// </summary>
internal readonly struct ValueGrad : IBackwardKind<Value, double, (double A, double B)>
{
    private readonly Dictionary<Value, double> _pending = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Value, int> _wanted = new(ReferenceEqualityComparer.Instance);
    private readonly double[] _results;

    private ValueGrad(Value output, Value[] inputs)
    {
        // An input named twice gets the gradient of its first slot in both.
        for (int i = 0; i < inputs.Length; i++) _wanted.TryAdd(inputs[i], i);
        _results = new double[inputs.Length];
        _pending[output] = 1;
    }

    /// <summary>∂output/∂input for each of <paramref name="inputs"/> (0 where the output does not depend on it).</summary>
    public static double[] Run(Value output, Value[] inputs)
    {
        var kind = new ValueGrad(output, inputs);
        BackwardEngine.Run<Value, double, (double A, double B), ValueGrad>(ref kind, [output]);
        for (int i = 0; i < inputs.Length; i++) kind._results[i] = kind._results[kind._wanted[inputs[i]]];
        return kind._results;
    }

    /// <summary>Leaves are listed: an input asked for may be one.</summary>
    public bool ListsLeaves => true;

    /// <inheritdoc/>
    public int InputCount(Value node) => node.InputCount;

    /// <inheritdoc/>
    public Value Input(Value node, int index) => node.InputAt(index);

    /// <inheritdoc/>
    public void Begin(ReadOnlySpan<TraversalBuffers<Value>.Entry> order)
    {
    }

    /// <inheritdoc/>
    public bool TryTakeUpstream(Value node, out double upstream, out bool runsRule)
    {
        runsRule = !node.IsLeaf;
        return _pending.Remove(node, out upstream);
    }

    /// <inheritdoc/>
    public double ApplyHooks(Value node, double upstream) => upstream;

    /// <inheritdoc/>
    public void Keep(Value node, double upstream)
    {
        if (_wanted.TryGetValue(node, out int slot)) _results[slot] = upstream;
    }

    /// <inheritdoc/>
    public (double A, double B) RunRule(Value node, double upstream) => node.Op!.Contributions(node, upstream);

    /// <inheritdoc/>
    public void Deliver(Value node, in (double A, double B) contributions)
    {
        Add(node.InputA!, contributions.A);
        if (node.InputB is { } b) Add(b, contributions.B);
    }

    private void Add(Value input, double contribution)
    {
        if (input.IsConstant) return;
        _pending[input] = _pending.TryGetValue(input, out double sum) ? sum + contribution : contribution;
    }
}
