using Autograd.Graph;

namespace Autograd;

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
    public int InputCount(Value node) => node.InputA is null ? 0 : node.InputB is null ? 1 : 2;

    /// <inheritdoc/>
    public Value Input(Value node, int index) => index == 0 ? node.InputA! : node.InputB!;

    public void Begin(ReadOnlySpan<TraversalBuffers<Value>.Entry> order)
    {
        // Intermediate gradients are recomputed; those of leaves accumulate across passes.
        foreach (var entry in order) entry.Node.Grad = 0;
        root.Grad = 1;
    }

    public bool TryTakeUpstream(Value node, out double upstream, out bool runsRule)
    {
        upstream = node.Grad;
        runsRule = true;
        return true;
    }

    public double ApplyHooks(Value node, double upstream) => upstream;

    public void Keep(Value node, double upstream)
    {
    }

    public (double A, double B) RunRule(Value node, double upstream) => node.Op!.Contributions(node, upstream);

    public void Deliver(Value node, int index, in (double A, double B) contributions)
    {
        Value input = index == 0 ? node.InputA! : node.InputB!;
        // Constants take no gradient (shared constants would otherwise collect sums from unrelated graphs).
        if (!input.IsConstant) input.Grad += index == 0 ? contributions.A : contributions.B;
    }
}
