using Autograd.Graph;

namespace Autograd.Visualization;

/// <summary>
/// Display names for every node of a graph, shared by all writers: a node's label, made unique when a label is
/// reused (rebinding <c>c = c + 1</c> gives <c>c</c> and <c>c_2</c>); a constant's value; <c>t1</c>, <c>t2</c>, …
/// for unnamed intermediates.
/// </summary>
internal sealed class NodeNames
{
    private readonly Dictionary<Node, string> _names = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Node, int> _ids = new(ReferenceEqualityComparer.Instance);

    /// <summary>Names the nodes of <paramref name="order"/>, a topological order of one graph.</summary>
    public NodeNames(IReadOnlyList<Node> order)
    {
        Order = order;
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (Node node in order)
            if (node.Label is not null) taken.Add(node.Label);

        var used = new HashSet<string>(StringComparer.Ordinal);
        int nextTemporary = 1;
        for (int i = 0; i < order.Count; i++)
        {
            Node node = order[i];
            _ids[node] = i;
            string name;
            if (node.Label is { } label)
            {
                name = label;
                for (int k = 2; !used.Add(name); k++) name = $"{label}_{k}";
            }
            else if (node.IsConstant)
            {
                name = DisplayFormat.Atom(node.ConstantName());
            }
            else
            {
                do name = $"t{nextTemporary++}"; while (taken.Contains(name) || !used.Add(name));
            }

            _names[node] = name;
        }
    }

    /// <summary>The graph's nodes in topological order (inputs before the nodes made from them).</summary>
    public IReadOnlyList<Node> Order { get; }

    /// <summary>The display name of <paramref name="node"/>.</summary>
    public string this[Node node] => _names[node];

    /// <summary>A stable identifier for writers that need one (<c>n0</c>, <c>n1</c>, …, in topological order).</summary>
    public string Id(Node node) => $"n{_ids[node]}";

    /// <summary>The display names of <paramref name="node"/>'s inputs, in input order.</summary>
    public string[] InputNames(Node node)
    {
        var names = new string[node.InputCount];
        for (int i = 0; i < names.Length; i++) names[i] = _names[node.GetInput(i)];
        return names;
    }

    /// <summary>How <paramref name="node"/> is computed, for example <c>q = x + y</c>.</summary>
    public string Definition(Node node) =>
        node.IsLeaf ? this[node] : $"{this[node]} = {node.FormatDefinition(InputNames(node))}";

    /// <summary>Names the nodes of the graph that ends at <paramref name="root"/>.</summary>
    public static NodeNames For(Node root) => new(GraphTraversal.TopologicalOrder(root));
}
