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
    internal static long NewMark() => Interlocked.Increment(ref s_lastMark);

    private static List<Node> Sort(Node root, bool includeLeaves) => Sort([root], includeLeaves);

    private static List<Node> Sort(IReadOnlyList<Node> roots, bool includeLeaves)
    {
        var order = new List<Node>();
        // A fresh stamp per walk marks visited operation nodes without a hash set: one field compare per edge.
        long mark = NewMark();
        HashSet<Node>? seenLeaves = includeLeaves ? new HashSet<Node>(ReferenceEqualityComparer.Instance) : null;
        var stack = new List<(Node Node, int NextInput)>();
        foreach (Node root in roots)
        {
            if (root.IsLeaf)
            {
                if (seenLeaves is not null && seenLeaves.Add(root)) order.Add(root);
                continue;
            }

            if (root.VisitMark == mark) continue;
            root.VisitMark = mark;
            stack.Add((root, 0));
            Walk(stack, order, seenLeaves, mark);
        }

        return order;
    }

    private static void Walk(List<(Node Node, int NextInput)> stack, List<Node> order, HashSet<Node>? seenLeaves, long mark)
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
            else if (input.VisitMark != mark)
            {
                input.VisitMark = mark;
                stack.Add((input, 0));
            }
        }
    }
}
