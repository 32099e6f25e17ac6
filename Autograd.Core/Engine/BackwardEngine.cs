using Autograd.Graph;

namespace Autograd.Engine;

/// <summary>
/// The one backward pass, for scalar and tensor nodes alike: sorts the graph once
/// (<see cref="GraphTraversal.Sort{TNode, TShape}"/>), then walks it in reverse, and at each node takes its accumulated
/// upstream gradient, runs its hooks, keeps the gradient where it is retained or asked for, runs the node's rule
/// (which releases what the rule saved unless the graph is retained) and delivers each input's contribution, to be
/// summed where a node feeds several consumers. What differs between node kinds is the kind (an <see cref="IBackwardKind{TNode, TGrad, TContributions}"/>)
/// of a pass.
/// </summary>
/// <remarks>
/// The kind is a struct and a type parameter, so the JIT compiles the walk once per kind with every call resolved
/// and most inlined: a scalar pass, where the walk is the whole cost of a node, runs as fast as a loop
/// written for <see cref="Value"/> alone.
/// </remarks>
internal static class BackwardEngine
{
    /// <summary>Backpropagates from <paramref name="roots"/>, whose seed gradients <paramref name="kind"/> already holds.</summary>
    public static void Run<TNode, TGrad, TContributions, TKind>(ref TKind kind, ReadOnlySpan<TNode> roots)
        where TNode : Node
        where TKind : struct, IBackwardKind<TNode, TGrad, TContributions>
    {
        var buffers = TraversalBuffers<TNode>.Rent();
        try
        {
            int count = GraphTraversal.Sort<TNode, TKind>(kind, roots, buffers);
            TraversalBuffers<TNode>.Entry[] order = buffers.Order;
            kind.Begin(order.AsSpan(0, count));
            for (int i = count - 1; i >= 0; i--)
            {
                TNode node = order[i].Node;
                if (!kind.TryTakeUpstream(node, out TGrad upstream, out bool runsRule)) continue;
                upstream = kind.ApplyHooks(node, upstream);
                kind.Keep(node, upstream);
                if (!runsRule) continue;
                kind.Deliver(node, kind.RunRule(node, upstream));
            }
        }
        finally
        {
            buffers.Return();
        }
    }
}

/// <summary>
/// What one kind of backward pass supplies to <see cref="BackwardEngine"/>: how inputs are read (for the sort), where
/// pending gradients live, how a rule runs and how contributions add up. Implemented by structs.
/// </summary>
/// <typeparam name="TNode">The node type.</typeparam>
/// <typeparam name="TGrad">A gradient of one node.</typeparam>
/// <typeparam name="TContributions">What a node's rule returns: the contributions to all of its inputs.</typeparam>
internal interface IBackwardKind<TNode, TGrad, TContributions> : IGraphShape<TNode> where TNode : Node
{
    /// <summary>Called once with the sorted nodes, before the reverse walk.</summary>
    void Begin(ReadOnlySpan<TraversalBuffers<TNode>.Entry> order);

    /// <summary>
    /// Takes the gradient accumulated for <paramref name="node"/>; false when none reached it or the pass wants
    /// nothing from it. <paramref name="runsRule"/> is false where the node's rule need not run (a leaf, or a node
    /// that leads to no input asked for).
    /// </summary>
    bool TryTakeUpstream(TNode node, out TGrad upstream, out bool runsRule);

    /// <summary>Runs the hooks registered on <paramref name="node"/>; each may replace the gradient.</summary>
    TGrad ApplyHooks(TNode node, TGrad upstream);

    /// <summary>Keeps the gradient where the node retains it, or where the pass returns it.</summary>
    void Keep(TNode node, TGrad upstream);

    /// <summary>Runs <paramref name="node"/>'s rule on its upstream gradient, releasing what it saved unless the graph is retained.</summary>
    TContributions RunRule(TNode node, TGrad upstream);

    /// <summary>Adds each input's contribution to what that input has received from <paramref name="node"/>'s other
    /// consumers; called once per node, so that a kind with a fixed number of inputs reads them without a loop.</summary>
    void Deliver(TNode node, in TContributions contributions);
}
