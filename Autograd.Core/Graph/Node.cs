namespace Autograd.Graph;

/// <summary>
/// A node of the dynamic computation graph: a value together with the operation that produced it and the
/// nodes it was computed from. Scalar <see cref="Value"/> nodes and tensor nodes share this abstraction, so
/// graph traversal, backpropagation order and the graph writers are defined once.
/// </summary>
/// <remarks>A node is immutable once recorded: its operation and inputs never change.</remarks>
public abstract class Node
{
    /// <summary>Creates a node; only the engine's node types derive from this class.</summary>
    private protected Node(string? label) => Label = label;

    /// <summary>
    /// A display name for this node (for example the variable it was assigned to). It does not take part in
    /// the computation, so it may be set at any time.
    /// </summary>
    public string? Label { get; set; }

    /// <summary>The symbol or name of the operation that produced this node, or an empty string for a leaf.</summary>
    public abstract string Operation { get; }

    /// <summary>The number of nodes this node was computed from; zero for a leaf.</summary>
    public abstract int InputCount { get; }

    /// <summary>Returns the input at <paramref name="index"/> (0 ≤ index &lt; <see cref="InputCount"/>).</summary>
    /// <param name="index">The position of the input among this node's inputs.</param>
    public abstract Node GetInput(int index);

    /// <summary>True when the node was not produced by an operation: a variable or a constant.</summary>
    public bool IsLeaf => InputCount == 0;

    /// <summary>True for a constant leaf, whose gradient nobody asks for; writers show only its value.</summary>
    public abstract bool IsConstant { get; }

    /// <summary>
    /// Clears this node's own gradient, and only this node's, as PyTorch's <c>x.grad = None</c> and micrograd's
    /// <c>p.grad = 0</c> do. To clear every node a result was computed from, use <see cref="Autodiff.ZeroGrad(Node)"/>.
    /// </summary>
    public abstract void ZeroGrad();

    /// <summary>Stamp of the last backward traversal that visited this node (see <see cref="GraphTraversal"/>).</summary>
    internal long VisitMark;

    /// <summary>The node's value as short text for the graph writers.</summary>
    internal abstract string FormatData();

    /// <summary>The node's gradient as short text for the graph writers.</summary>
    internal abstract string FormatGrad();

    /// <summary>How a constant is named in formulas (its value, for example <c>2</c>).</summary>
    internal virtual string ConstantName() => FormatData();

    /// <summary>How this node is written in terms of its inputs' names, for example <c>x + y</c> or <c>tanh(x)</c>.</summary>
    /// <param name="inputNames">The display names (or values) of the inputs, in input order.</param>
    public abstract string FormatDefinition(IReadOnlyList<string> inputNames);

    /// <inheritdoc/>
    public override string ToString() => Label is null ? FormatData() : $"{Label} = {FormatData()}";
}
