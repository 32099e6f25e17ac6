namespace Autograd.Graph;

/// <summary>
/// Iterative, deterministic walks over a computation graph. No recursion is used anywhere, so a chain of
/// millions of nodes is walked without growing the call stack.
/// </summary>
public static class GraphTraversal
{
    private static long s_lastMark;

    /// <summary>
    /// Returns every node <paramref name="root"/> depends on, itself included, in topological order: each node
    /// comes after all of its inputs. Inputs are visited first to last, so the order is the same on every run.
    /// </summary>
    /// <param name="root">The node whose ancestry is listed (usually the output of a computation).</param>
    public static IReadOnlyList<Node> TopologicalOrder(Node root) => Sort(root, includeLeaves: true);

    /// <summary>
    /// The operation nodes (non-leaves) that <paramref name="root"/> depends on, in topological order. This is
    /// what backpropagation walks, in reverse.
    /// </summary>
    /// <remarks>
    /// Leaves are not listed, and therefore not marked: they are the only nodes that graphs built on different
    /// threads commonly share (parameters), and a leaf has nothing to propagate.
    /// </remarks>
    internal static List<Node> OperationOrder(Node root) => Sort([root], includeLeaves: false);

    /// <summary>The operation nodes that any of <paramref name="roots"/> depends on, in topological order.</summary>
    internal static List<Node> OperationOrder(IReadOnlyList<Node> roots) => Sort(roots, includeLeaves: false);

    /// <summary>A stamp no earlier walk used, for marking visited nodes in <see cref="Node.VisitMark"/>.</summary>
    private static long NewMark() => Interlocked.Increment(ref s_lastMark);

    private static int s_activeWalks;

    /// <summary>
    /// The set of nodes one walk has visited. A walk that runs alone stamps <see cref="Node.VisitMark"/>, one field
    /// compare per edge; while another walk runs (graphs built and walked on several threads may share nodes), a walk
    /// keeps a hash set of its own instead, so that no walk overwrites the marks of another. Dispose it when the walk ends.
    /// </summary>
    internal readonly struct VisitedNodes : IDisposable
    {
        private readonly long _mark;
        private readonly HashSet<Node>? _set;

        private VisitedNodes(long mark, HashSet<Node>? set)
        {
            _mark = mark;
            _set = set;
        }

        /// <summary>Starts a walk: marks when no other walk is running, a set otherwise.</summary>
        public static VisitedNodes Begin() =>
            Interlocked.Increment(ref s_activeWalks) == 1
                ? new VisitedNodes(NewMark(), null)
                : new VisitedNodes(0, new HashSet<Node>(ReferenceEqualityComparer.Instance));

        /// <summary>Marks <paramref name="node"/> as visited; false when it already was.</summary>
        public bool Add(Node node)
        {
            if (_set is not null) return _set.Add(node);
            if (node.VisitMark == _mark) return false;
            node.VisitMark = _mark;
            return true;
        }

        /// <summary>Ends the walk.</summary>
        public void Dispose() => Interlocked.Decrement(ref s_activeWalks);
    }

    private static List<Node> Sort(Node root, bool includeLeaves) => Sort([root], includeLeaves);

    private static List<Node> Sort(IReadOnlyList<Node> roots, bool includeLeaves)
    {
        var order = new List<Node>();
        using var visited = VisitedNodes.Begin();
        HashSet<Node>? seenLeaves = includeLeaves ? new HashSet<Node>(ReferenceEqualityComparer.Instance) : null;
        var stack = new List<(Node Node, int NextInput)>();
        foreach (Node root in roots)
        {
            if (root.IsLeaf)
            {
                if (seenLeaves is not null && seenLeaves.Add(root)) order.Add(root);
                continue;
            }

            if (!visited.Add(root)) continue;
            stack.Add((root, 0));
            Walk(stack, order, seenLeaves, visited);
        }

        return order;
    }

    private static void Walk(List<(Node Node, int NextInput)> stack, List<Node> order, HashSet<Node>? seenLeaves, VisitedNodes visited)
    {
        while (stack.Count > 0)
        {
            int top = stack.Count - 1;
            var (node, next) = stack[top];
            if (next == node.InputCount)
            {
                stack.RemoveAt(top);
                order.Add(node);
                continue;
            }

            stack[top] = (node, next + 1);
            Node input = node.GetInput(next);
            if (input.IsLeaf)
            {
                if (seenLeaves is not null && seenLeaves.Add(input)) order.Add(input);
            }
            else if (visited.Add(input))
            {
                stack.Add((input, 0));
            }
        }
    }
}
