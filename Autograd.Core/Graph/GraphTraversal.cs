using System.Runtime.CompilerServices;

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
    public static IReadOnlyList<Node> TopologicalOrder(Node root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var buffers = TraversalBuffers<Node>.Rent();
        try
        {
            int count = Sort<Node, AnyNode>(default, [root], buffers);
            var order = new Node[count];
            for (int i = 0; i < count; i++) order[i] = buffers.Order[i].Node;
            return order;
        }
        finally
        {
            buffers.Return();
        }
    }

    /// <summary>
    /// The one topological sort, used by the graph writers and by every backward pass: writes the nodes that
    /// <paramref name="roots"/> depend on (themselves included) into <see cref="TraversalBuffers{TNode}.Order"/>,
    /// each after all of its inputs, and returns how many there are. Inputs are visited first to last.
    /// </summary>
    /// <remarks>
    /// Operation nodes are marked through <see cref="VisitedNodes"/>. Leaves are never marked: they are the nodes that
    /// graphs built on different threads commonly share (parameters), and a walk that lists them
    /// (<see cref="IGraphShape{TNode}.ListsLeaves"/>) remembers them in a set of its own. <typeparamref name="TShape"/>
    /// is a struct, so the walk is compiled for each node type and reads inputs without virtual calls where it can.
    /// Its members are instance members: the walk's code is shared between reference node types, and there a call
    /// to a static abstract member goes through a runtime lookup and is not inlined.
    /// </remarks>
    internal static int Sort<TNode, TShape>(TShape shape, ReadOnlySpan<TNode> roots, TraversalBuffers<TNode> buffers)
        where TNode : Node
        where TShape : struct, IGraphShape<TNode>
    {
        using var visited = VisitedNodes.Begin();
        int count = 0;
        foreach (TNode root in roots)
        {
            if (shape.InputCount(root) == 0)
            {
                if (shape.ListsLeaves && buffers.SeenLeaves.Add(root)) count = Append(buffers, count, root);
            }
            else if (visited.Add(root))
            {
                count = Walk(shape, root, buffers, count, visited);
            }
        }

        buffers.Count = count;
        return count;
    }

    /// <summary>
    /// Appends to the order, after <paramref name="count"/> entries, every node <paramref name="root"/> depends on that
    /// no earlier walk of this sort listed, then the root; returns the new count.
    /// </summary>
    // Not inlined into Sort: with the loop over roots around it, its own variables would not all fit in registers.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Walk<TNode, TShape>(TShape shape, TNode root, TraversalBuffers<TNode> buffers, int count, VisitedNodes visited)
        where TNode : Node
        where TShape : struct, IGraphShape<TNode>
    {
        TraversalBuffers<TNode>.Frame[] stack = buffers.Stack;
        TraversalBuffers<TNode>.Entry[] order = buffers.Order;
        int depth = 0;
        stack[depth++] = new(root, shape.InputCount(root));
        while (depth > 0)
        {
            ref TraversalBuffers<TNode>.Frame top = ref stack[depth - 1];
            if (top.NextInput == top.InputCount)
            {
                // Every input done: the node follows everything it depends on.
                TNode node = top.Node;
                top = default;
                depth--;
                if (count == order.Length) order = buffers.GrowOrder();
                order[count++] = new(node);
                continue;
            }

            TNode input = shape.Input(top.Node, top.NextInput++);
            int inputCount = shape.InputCount(input);
            if (inputCount == 0)
            {
                if (shape.ListsLeaves && buffers.SeenLeaves.Add(input))
                {
                    count = Append(buffers, count, input);
                    order = buffers.Order;
                }
            }
            else if (visited.Add(input))
            {
                if (depth == stack.Length) stack = buffers.GrowStack();
                stack[depth++] = new(input, inputCount);
            }
        }

        return count;
    }

    /// <summary>Appends <paramref name="node"/> to the order after <paramref name="count"/> entries; returns the new count.</summary>
    private static int Append<TNode>(TraversalBuffers<TNode> buffers, int count, TNode node) where TNode : Node
    {
        if (count == buffers.Order.Length) buffers.GrowOrder();
        buffers.Order[count] = new(node);
        return count + 1;
    }

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

    /// <summary>Any node, through its virtual input accessors: the shape of the graph writers' walk, leaves listed.</summary>
    private readonly struct AnyNode : IGraphShape<Node>
    {
        public bool ListsLeaves => true;

        public int InputCount(Node node) => node.InputCount;

        public Node Input(Node node, int index) => node.GetInput(index);
    }
}

/// <summary>
/// How <see cref="GraphTraversal.Sort{TNode, TShape}"/> reads the nodes of one kind: implemented by structs, so the
/// JIT specializes the walk for each and a node type with fixed input fields (<see cref="Value"/>) is read directly.
/// The members read no state of the struct.
/// </summary>
/// <typeparam name="TNode">The node type.</typeparam>
internal interface IGraphShape<TNode> where TNode : Node
{
    /// <summary>True when the walk lists leaves too; false when it lists operation nodes only.</summary>
    bool ListsLeaves { get; }

    /// <summary>The number of inputs of <paramref name="node"/>; zero for a leaf.</summary>
    int InputCount(TNode node);

    /// <summary>The input of <paramref name="node"/> at <paramref name="index"/> (0 ≤ index &lt; InputCount).</summary>
    TNode Input(TNode node, int index);
}

/// <summary>
/// The stack and the order of a topological sort, reused per thread (and node type) so that a training loop's
/// backward passes allocate nothing once warmed up. Taken from the thread while in use: a rule or hook that runs a
/// backward pass of its own gets buffers of its own instead of clearing these.
/// </summary>
/// <typeparam name="TNode">The node type.</typeparam>
internal sealed class TraversalBuffers<TNode> where TNode : Node
{
    [ThreadStatic] private static TraversalBuffers<TNode>? t_cached;

    private HashSet<Node>? _seenLeaves;

    /// <summary>The walk's stack: a node and the index of its next input to visit.</summary>
    public Frame[] Stack { get; private set; } = new Frame[256];

    /// <summary>The nodes in topological order (the first <c>count</c> entries that the sort returned).</summary>
    public Entry[] Order { get; private set; } = new Entry[256];

    /// <summary>How many entries of <see cref="Order"/> the last sort wrote.</summary>
    public int Count { get; set; }

    /// <summary>The leaves a walk that lists them has seen, empty at the start of a walk.</summary>
    public HashSet<Node> SeenLeaves => _seenLeaves ??= new HashSet<Node>(ReferenceEqualityComparer.Instance);

    /// <summary>This thread's buffers, or new ones while they are in use.</summary>
    public static TraversalBuffers<TNode> Rent()
    {
        TraversalBuffers<TNode> buffers = t_cached ?? new TraversalBuffers<TNode>();
        t_cached = null;
        return buffers;
    }

    /// <summary>Drops the references to the walked graph, so the buffers do not keep it alive, and gives them back to the thread.</summary>
    public void Return()
    {
        Array.Clear(Order, 0, Count);
        Count = 0;
        _seenLeaves?.Clear();
        t_cached = this;
    }

    /// <summary>Doubles the stack, keeping its frames.</summary>
    // Not inlined, so that the walk's loop keeps its variables in registers.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public Frame[] GrowStack()
    {
        Frame[] stack = Stack;
        Array.Resize(ref stack, stack.Length * 2);
        return Stack = stack;
    }

    /// <summary>Doubles the order, keeping its entries.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public Entry[] GrowOrder()
    {
        Entry[] order = Order;
        Array.Resize(ref order, order.Length * 2);
        return Order = order;
    }

    /// <summary>A node on the walk's stack. A struct, so storing it needs no array covariance check.</summary>
    public struct Frame(TNode node, int inputCount)
    {
        /// <summary>The node.</summary>
        public TNode Node = node;

        /// <summary>The index of the next input to visit.</summary>
        public int NextInput;

        /// <summary>How many inputs the node has: read once, when it is pushed.</summary>
        public readonly int InputCount = inputCount;
    }

    /// <summary>A node in the order. A struct, so storing it needs no array covariance check.</summary>
    public readonly struct Entry(TNode node)
    {
        /// <summary>The node.</summary>
        public readonly TNode Node = node;
    }
}
