using System.Numerics;
using Autograd.Gradients;
using Autograd.Graph;
using Autograd.Tensors;

namespace Autograd.Engine;

/// <summary>
/// Tensor backpropagation as <see cref="BackwardEngine"/> runs it, for <see cref="Tensor{T}.Backward"/> and
/// <see cref="Autodiff.Grad{T}(Tensor{T}[], Tensor{T}[], Tensor{T}[], bool, bool, bool)"/>: pending gradients live in
/// a dictionary of the pass (graphs walked on several threads may share nodes), a rule is the node's recorded rule or
/// its custom op's, and a contribution is summed back to its input's shape before it is added. A rule's row-sparse
/// gradient goes as it is into a table that takes sparse gradients when the pass fills leaves and does not record
/// itself, and is added into a dense gradient everywhere else.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal struct TensorBackward<T> : IBackwardKind<Tensor<T>, Tensor<T>, TensorBackward<T>.Contributions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Dictionary<Node, Tensor<T>> _pending = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Node, int>? _wanted;
    private readonly Tensor<T>?[]? _results;
    private readonly bool _retainGraph;
    private readonly bool _createGraph;
    private HashSet<Node>? _leadsToInputs;

    private TensorBackward(Tensor<T>[]? inputs, bool retainGraph, bool createGraph)
    {
        _retainGraph = retainGraph;
        _createGraph = createGraph;
        if (inputs is null) return;
        _wanted = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        // An input named twice gets the gradient of its first slot in both.
        for (int i = 0; i < inputs.Length; i++) _wanted.TryAdd(inputs[i], i);
        _results = new Tensor<T>?[inputs.Length];
    }

    /// <summary>
    /// Backpropagates from <paramref name="outputs"/>. With <paramref name="inputs"/> null, gradients are added to
    /// the leaves' <see cref="Tensor{T}.Grad"/> (Backward); otherwise the gradients of those inputs are returned and
    /// no <c>Grad</c> is touched (Grad).
    /// </summary>
    public static Tensor<T>?[]? Run(
        Tensor<T>[] outputs, Tensor<T>[]? outputGrads, Tensor<T>[]? inputs, bool retainGraph, bool createGraph, string caller)
    {
        if (outputGrads is not null && outputGrads.Length != outputs.Length)
            throw new ArgumentException($"{caller}: {outputs.Length} outputs but {outputGrads.Length} output gradients");

        var kind = new TensorBackward<T>(inputs, retainGraph, createGraph);
        for (int i = 0; i < outputs.Length; i++)
        {
            Tensor<T> output = outputs[i];
            if (!output.RequiresGrad)
                throw new InvalidOperationException($"{caller}: output {i} does not require gradients: no tensor it was computed from has RequiresGrad set (or it was computed under NoGrad)");
            Tensor<T> seed = outputGrads?[i] ?? (output.Size == 1
                ? Tensor.Full(output.ShapeArray, T.One)
                : throw new InvalidOperationException(
                    $"{caller}: the output has shape {ShapeMath.Format(output.ShapeArray)}; a gradient can be implicit only for a single element. Pass the output gradient (∂L/∂output, same shape), or reduce the output first, e.g. with Sum()."));
            if (!ShapeMath.SameShape(seed.ShapeArray, output.ShapeArray))
                throw new ArgumentException($"{caller}: the output gradient has shape {ShapeMath.Format(seed.ShapeArray)} but the output has shape {ShapeMath.Format(output.ShapeArray)}");
            // The caller's gradient may reach a leaf's Grad unchanged (through an add, say), and the caller still holds
            // it: a leaf gets a copy, as in PyTorch, so that neither side sees the other's later writes. One that is
            // itself recorded (a double-backward trick) stays in the graph; no leaf may own it or add into it in place.
            if (outputGrads?[i] is not null)
            {
                if (seed.RequiresGrad) seed.Buffer.LeaveToCollector();
                else seed = new Tensor<T>(seed.ToArray(), seed.ShapeArray);
            }
            kind.Accumulate(output, seed);
        }

        // A pass that records itself turns recording on; any other turns it off for this thread only.
        using (createGraph ? GradMode.Set(true) : default(GradModeScope))
        using (createGraph ? default : GradMode.Suppress())
        {
            BackwardEngine.Run<Tensor<T>, Tensor<T>, Contributions, TensorBackward<T>>(ref kind, outputs);
        }

        Tensor<T>?[]? results = kind._results;
        if (inputs is not null)
            for (int i = 0; i < inputs.Length; i++) results![i] ??= results[kind._wanted![inputs[i]]];
        return results;
    }

    /// <summary>Leaves are listed: their gradients are taken from the pending ones like any node's.</summary>
    public readonly bool ListsLeaves => true;

    /// <inheritdoc/>
    public readonly int InputCount(Tensor<T> node) => node.InputCount;

    /// <inheritdoc/>
    public readonly Tensor<T> Input(Tensor<T> node, int index) => node.Input(index);

    /// <summary>Row-sparse gradients stay sparse only where they end: in a leaf's SparseGradient, in a pass that does not record.</summary>
    private readonly bool KeepsSparse => _wanted is null && !_createGraph;

    /// <inheritdoc/>
    public void Begin(ReadOnlySpan<TraversalBuffers<Tensor<T>>.Entry> order)
    {
        if (_wanted is null) return;
        // Grad runs only the rules on a path to the inputs it was asked for, as torch.autograd.grad does: the rest of
        // the graph is neither computed nor released, and its hooks do not fire.
        _leadsToInputs = new HashSet<Node>(_wanted.Keys, ReferenceEqualityComparer.Instance);
        foreach (var entry in order)
            if (AnyInputIn(entry.Node, _leadsToInputs)) _leadsToInputs.Add(entry.Node);
    }

    /// <inheritdoc/>
    public readonly bool TryTakeUpstream(Tensor<T> node, out Tensor<T> upstream, out bool runsRule)
    {
        if (!_pending.Remove(node, out Tensor<T>? pending))
        {
            upstream = null!;
            runsRule = false;
            return false;
        }

        upstream = pending;
        runsRule = !node.IsLeaf && (_leadsToInputs is null || AnyInputIn(node, _leadsToInputs));
        return runsRule || _wanted is null || _wanted.ContainsKey(node);
    }

    /// <inheritdoc/>
    public readonly Tensor<T> ApplyHooks(Tensor<T> node, Tensor<T> upstream) => node.ApplyHooks(upstream);

    /// <inheritdoc/>
    public readonly void Keep(Tensor<T> node, Tensor<T> upstream)
    {
        if (_wanted is not null)
        {
            if (_wanted.TryGetValue(node, out int slot)) _results![slot] = upstream;
        }
        else if (node.RetainsGrad)
        {
            node.AccumulateGrad(upstream, _createGraph);
        }
    }

    /// <summary>
    /// Runs a node's rule; under anomaly detection the rule's own ops are not checked one by one: a NaN is blamed on
    /// the rule (with its op's creation stack) once its gradients are out, as PyTorch names the failing backward function.
    /// </summary>
    public readonly Contributions RunRule(Tensor<T> node, Tensor<T> upstream)
    {
        using (GradMode.DetectAnomaly ? GradMode.SetAnomaly(false) : default)
        {
            return node.CustomOp is not null
                ? new Contributions(null, node.RunCustomBackward(upstream, _retainGraph))
                : new Contributions(node.RunBackward(upstream, _retainGraph), null);
        }
    }

    /// <inheritdoc/>
    public readonly void Deliver(Tensor<T> node, in Contributions contributions)
    {
        for (int i = 0; i < node.InputCount; i++) Deliver(node, i, contributions);
    }

    private readonly void Deliver(Tensor<T> node, int index, in Contributions contributions)
    {
        Tensor<T> input = node.Input(index);
        // Only inputs that take part: those that require gradients and, for Grad, lead to an input asked for.
        if (!input.RequiresGrad || (_leadsToInputs is not null && !_leadsToInputs.Contains(input))) return;
        if (contributions.Dense is { } dense)
        {
            if (dense[index] is { } inputGrad) Add(node, index, inputGrad);
            return;
        }

        Gradient<T> gradient = contributions.Custom![index];
        if (gradient.IsNone) return;
        if (!gradient.IsRowSparse) Add(node, index, gradient.Dense!);
        else if (KeepsSparse && input.IsLeaf && input.TakesSparseGradient) input.AddSparseGradient(gradient);
        else Add(node, index, gradient.ToDense(input.ShapeArray[0]));
    }

    /// <summary>Sums input <paramref name="index"/>'s gradient from <paramref name="node"/>'s rule back to its shape and adds it to what it has received.</summary>
    private readonly void Add(Tensor<T> node, int index, Tensor<T> inputGrad)
    {
        Tensor<T> input = node.Input(index);
        inputGrad = inputGrad.SumToShape(input.ShapeArray);
        if (GradMode.DetectAnomaly) Anomaly.CheckBackward(node, index, inputGrad);
        Accumulate(input, inputGrad);
    }

    private readonly void Accumulate(Tensor<T> node, Tensor<T> grad) =>
        _pending[node] = _pending.TryGetValue(node, out Tensor<T>? sum) ? sum + grad : grad;

    private static bool AnyInputIn(Node node, HashSet<Node> nodes)
    {
        for (int i = 0; i < node.InputCount; i++)
            if (nodes.Contains(node.GetInput(i))) return true;
        return false;
    }

    /// <summary>What a node's rule returned: a gradient (or null) per input, or a custom op's gradients, which may be row-sparse.</summary>
    internal readonly record struct Contributions(Tensor<T>?[]? Dense, Gradient<T>[]? Custom);
}
