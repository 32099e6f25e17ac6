using System.Numerics;
using Autograd.Custom;
using Autograd.Gradients;
using Autograd.Tensors;

namespace Autograd.Graph;

/// <summary>
/// The graph side of a recorded tensor: the op that made it, its inputs, and its gradient rule (a built-in rule, or
/// the context of a <see cref="CustomOp{T}"/>), with what the rule saved until a backward pass releases it. A leaf has
/// none.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class Recording<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly long _leafInputWrites;
    private BackwardRule<T>? _rule;
    private bool _released;

    public Recording(Tensor<T>[] inputs, string operation, Op? definition, BackwardRule<T>? rule, CustomOpContext<T>? custom)
    {
        Inputs = inputs;
        Operation = operation;
        Definition = definition;
        _rule = rule;
        Custom = custom;
        _leafInputWrites = LeafWrites(inputs);
        if (GradMode.DetectAnomaly) CreationStack = Environment.StackTrace;
    }

    /// <summary>The tensors the result was computed from.</summary>
    public Tensor<T>[] Inputs { get; }

    /// <summary>The op's name, as recorded.</summary>
    public string Operation { get; }

    /// <summary>The elementwise function's definition, for an op made from one.</summary>
    public Op? Definition { get; }

    /// <summary>The context of the custom op that recorded the result, or null.</summary>
    public CustomOpContext<T>? Custom { get; }

    /// <summary>The stack where the op was recorded, kept only under anomaly detection.</summary>
    public string? CreationStack { get; }

    /// <summary>Runs a built-in rule, releasing what it saved unless the graph is retained.</summary>
    public Tensor<T>?[] RunRule(Tensor<T> gradOutput, bool retainGraph)
    {
        CheckBackwardAllowed();
        BackwardRule<T> rule = _rule!;
        if (!retainGraph)
        {
            _rule = null;
            _released = true;
        }

        return rule(gradOutput);
    }

    /// <summary>Runs the custom op's rule, releasing what it saved unless the graph is retained.</summary>
    public Gradient<T>[] RunCustomRule(Tensor<T> gradOutput, bool retainGraph)
    {
        CheckBackwardAllowed();
        CustomOpContext<T> context = Custom!;
        if (!retainGraph) _released = true;
        try
        {
            return context.Op.RunBackward(context, gradOutput);
        }
        finally
        {
            if (!retainGraph) context.Release();
        }
    }

    private void CheckBackwardAllowed()
    {
        if (_released)
            throw new InvalidOperationException(
                $"Trying to backpropagate through the graph a second time: the tensors saved by '{Operation}' were released after the first backward pass. Pass retainGraph: true to the first Backward or Grad call to backpropagate through it again.");
        if (LeafWrites(Inputs) != _leafInputWrites) throw WrittenInPlace();
    }

    /// <summary>
    /// The sum of the write counts of an op's leaf inputs. Counts only grow, so an unchanged sum means no leaf input
    /// was written since the op was recorded. Results of ops are never written, so only leaves need watching.
    /// </summary>
    private static long LeafWrites(Tensor<T>[] inputs)
    {
        long writes = 0;
        foreach (Tensor<T> input in inputs)
            if (input.IsLeaf) writes += input.Writes;
        return writes;
    }

    private InvalidOperationException WrittenInPlace()
    {
        // Only a leaf written at least once can have changed; the sum does not say which one did.
        var leaves = Inputs.Where(input => input.IsLeaf && input.Writes > 0).Distinct().Select(input =>
            $"{(input.Label is { } label ? $"'{label}' " : "")}({Tensor<T>.DType} {ShapeMath.Format(input.ShapeArray)})").ToList();
        string which = leaves.Count == 1 ? $"its input {leaves[0]}" : $"one of its inputs {string.Join(", ", leaves)}";
        return new InvalidOperationException(
            $"'{Operation}' cannot compute its gradient: {which} was written in place (through AsSpan) after '{Operation}' used it, so backward would mix old and new values. Write a tensor only after the backward passes through the graphs that use it (as an optimizer step does), or run the forward pass again.");
    }
}
