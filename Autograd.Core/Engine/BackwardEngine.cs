using System.Numerics;
using Autograd.Gradients;
using Autograd.Graph;
using Autograd.Tensors;

namespace Autograd.Engine;

/// <summary>
/// Reverse-mode differentiation of tensor graphs: walks the operation nodes in reverse topological order, runs each
/// node's gradient rule on its accumulated upstream gradient, sums broadcast gradients back to each input's shape,
/// and accumulates where a tensor feeds several consumers. A rule's row-sparse gradient goes as it is into a table
/// that takes sparse gradients when the pass fills leaves and does not record itself, and is added into a dense
/// gradient everywhere else. Shared by <see cref="Tensor{T}.Backward"/> and
/// <see cref="Autodiff.Grad{T}(Tensor{T}[], Tensor{T}[], Tensor{T}[], bool, bool, bool)"/>.
/// </summary>
internal static class BackwardEngine
{
    /// <summary>
    /// Backpropagates from <paramref name="outputs"/>. With <paramref name="inputs"/> null, gradients are added to
    /// the leaves' <see cref="Tensor{T}.Grad"/> (Backward); otherwise the gradients of those inputs are returned and
    /// no <c>Grad</c> is touched (Grad).
    /// </summary>
    public static Tensor<T>?[]? Run<T>(
        Tensor<T>[] outputs, Tensor<T>[]? outputGrads, Tensor<T>[]? inputs, bool retainGraph, bool createGraph, string caller)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (outputGrads is not null && outputGrads.Length != outputs.Length)
            throw new ArgumentException($"{caller}: {outputs.Length} outputs but {outputGrads.Length} output gradients");

        var pending = new Dictionary<Node, Tensor<T>>(ReferenceEqualityComparer.Instance);
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
            Accumulate(pending, output, seed);
        }

        Dictionary<Node, int>? wanted = null;
        Tensor<T>?[]? results = null;
        if (inputs is not null)
        {
            wanted = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
            // An input named twice gets the gradient of its first slot in both.
            for (int i = 0; i < inputs.Length; i++) wanted.TryAdd(inputs[i], i);
            results = new Tensor<T>?[inputs.Length];
        }

        List<Node> order = GraphTraversal.OperationOrder(outputs);
        HashSet<Node>? leadsToInputs = wanted is null ? null : LeadingTo(order, wanted);
        // Row-sparse gradients stay sparse only where they end: in a leaf's SparseGradient, in a pass that does not record.
        bool keepsSparse = inputs is null && !createGraph;
        // A pass that records itself turns recording on; any other turns it off for this thread only.
        using (createGraph ? GradMode.Set(true) : default(GradModeScope))
        using (createGraph ? default : GradMode.Suppress())
        {
            for (int n = order.Count - 1; n >= 0; n--)
            {
                var node = (Tensor<T>)order[n];
                if (!pending.Remove(node, out Tensor<T>? grad)) continue;
                // Grad runs only the rules on a path to the inputs it was asked for, as torch.autograd.grad does:
                // the rest of the graph is neither computed nor released, and its hooks do not fire.
                bool runs = leadsToInputs is null || AnyInputIn(node, leadsToInputs);
                if (!runs && !wanted!.ContainsKey(node)) continue;
                grad = node.ApplyHooks(grad);
                if (wanted is not null && wanted.TryGetValue(node, out int slot)) results![slot] = grad;
                if (wanted is null && node.RetainsGrad) node.AccumulateGrad(grad, createGraph);
                if (!runs) continue;

                if (node.CustomOp is not null)
                {
                    Gradient<T>[] gradients = RunRule(node, grad, retainGraph, static (node, grad, retain) => node.RunCustomBackward(grad, retain));
                    for (int i = 0; i < gradients.Length; i++)
                    {
                        Tensor<T> input = node.Input(i);
                        Gradient<T> gradient = gradients[i];
                        if (gradient.IsNone || !Reaches(input, leadsToInputs)) continue;
                        if (!gradient.IsRowSparse)
                        {
                            Deliver(pending, node, i, gradient.Dense!);
                        }
                        else if (keepsSparse && input.IsLeaf && input.TakesSparseGradient)
                        {
                            input.AddSparseGradient(gradient);
                        }
                        else
                        {
                            Deliver(pending, node, i, gradient.ToDense(input.ShapeArray[0]));
                        }
                    }
                }
                else
                {
                    Tensor<T>?[] inputGrads = RunRule(node, grad, retainGraph, static (node, grad, retain) => node.RunBackward(grad, retain));
                    for (int i = 0; i < node.InputCount; i++)
                        if (inputGrads[i] is { } inputGrad && Reaches(node.Input(i), leadsToInputs)) Deliver(pending, node, i, inputGrad);
                }
            }

            // What is left is the leaves' gradients (and those of outputs that are leaves).
            foreach (var (node, remaining) in pending)
            {
                var leaf = (Tensor<T>)node;
                if (wanted is not null)
                {
                    if (wanted.TryGetValue(leaf, out int slot)) results![slot] = leaf.ApplyHooks(remaining);
                }
                else if (leaf.RequiresGrad)
                {
                    leaf.AccumulateGrad(leaf.ApplyHooks(remaining), createGraph);
                }
            }
        }

        if (inputs is not null)
            for (int i = 0; i < inputs.Length; i++) results![i] ??= results[wanted![inputs[i]]];
        return results;
    }

    /// <summary>The nodes from which a path leads to one of <paramref name="wanted"/> (the wanted nodes included), given
    /// the operation nodes in topological order.</summary>
    private static HashSet<Node> LeadingTo(List<Node> order, Dictionary<Node, int> wanted)
    {
        var leading = new HashSet<Node>(wanted.Keys, ReferenceEqualityComparer.Instance);
        foreach (Node node in order)
            if (AnyInputIn(node, leading)) leading.Add(node);
        return leading;
    }

    /// <summary>Runs a node's rule; under anomaly detection the rule's own ops are not checked one by one: a NaN is
    /// blamed on the rule (with its op's creation stack) once its gradients are out, as PyTorch names the failing
    /// backward function.</summary>
    private static TResult RunRule<T, TResult>(Tensor<T> node, Tensor<T> grad, bool retainGraph, Func<Tensor<T>, Tensor<T>, bool, TResult> rule)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!GradMode.DetectAnomaly) return rule(node, grad, retainGraph);
        using (GradMode.SetAnomaly(false)) return rule(node, grad, retainGraph);
    }

    /// <summary>True when <paramref name="input"/> takes part: it requires gradients and, for Grad, leads to an input asked for.</summary>
    private static bool Reaches<T>(Tensor<T> input, HashSet<Node>? leadsToInputs) where T : unmanaged, IFloatingPointIeee754<T> =>
        input.RequiresGrad && (leadsToInputs is null || leadsToInputs.Contains(input));

    /// <summary>Sums input <paramref name="index"/>'s gradient from <paramref name="node"/>'s rule back to its shape and adds it to what it has received.</summary>
    private static void Deliver<T>(Dictionary<Node, Tensor<T>> pending, Tensor<T> node, int index, Tensor<T> inputGrad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Tensor<T> input = node.Input(index);
        inputGrad = inputGrad.SumToShape(input.ShapeArray);
        if (GradMode.DetectAnomaly) Anomaly.CheckBackward(node, index, inputGrad);
        Accumulate(pending, input, inputGrad);
    }

    private static bool AnyInputIn(Node node, HashSet<Node> nodes)
    {
        for (int i = 0; i < node.InputCount; i++)
            if (nodes.Contains(node.GetInput(i))) return true;
        return false;
    }

    private static void Accumulate<T>(Dictionary<Node, Tensor<T>> pending, Tensor<T> node, Tensor<T> grad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        pending[node] = pending.TryGetValue(node, out Tensor<T>? sum) ? sum + grad : grad;
    }
}
