using System.Text;
using Autograd.Graph;

namespace Autograd.Visualization;

/// <summary>One edge of a tensor backward pass, as the explanation shows it.</summary>
/// <param name="Node">The op's result.</param>
/// <param name="Input">Which of its inputs the gradient flows into.</param>
/// <param name="Upstream">∂f/∂node, the gradient arriving at the op.</param>
/// <param name="Local">For an elementwise function, ∂node/∂input elementwise (the Jacobian's diagonal) at the broadcast
/// shape; null for other ops, whose Jacobian is not a diagonal.</param>
/// <param name="Contribution">What the op's rule gives the input: the vector-Jacobian product, summed to the input's shape.</param>
public sealed record TensorExplanationStep(Tensor<double> Node, int Input, Tensor<double> Upstream, Tensor<double>? Local, Tensor<double> Contribution);

/// <summary>
/// Explains the backward pass of a float64 tensor graph: for every op, how the upstream gradient is turned into each
/// input's gradient as a vector-Jacobian product, with the shapes involved (for D = W @ X: ∂f/∂W = ∂f/∂D · Xᵀ,
/// [5×3]·[3×10] → [5×10]), never the Jacobian itself, and the numbers where the tensors are small. The words for an
/// elementwise function come from its definition's formula; the numbers from the op's own rule.
/// </summary>
public static class TensorChainRuleExplainer
{
    private const int SmallTensor = 12;

    /// <summary>
    /// The forward pass, the backward pass and the gradients of the graph ending at <paramref name="output"/>, a
    /// one-element tensor whose graph has not been released (record it and explain it before <c>Backward()</c>, or
    /// backpropagate with <c>retainGraph: true</c>). The explanation works out the gradients itself.
    /// </summary>
    /// <exception cref="InvalidOperationException">The graph was released by a backward pass.</exception>
    public static string Explain(Tensor<double> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var names = NodeNames.For(output);
        string f = names[output];
        var text = new StringBuilder("Forward pass\n");
        foreach (var node in names.Order.Cast<Tensor<double>>())
        {
            if (node.IsConstant && node.Rank == 0) continue;
            text.Append("  ").Append(ForwardLine(node, names)).Append('\n');
        }

        text.Append("\nBackward pass (each input's gradient is a vector-Jacobian product of the upstream gradient)\n");
        text.Append($"  ∂{f}/∂{f} = 1\n");
        Dictionary<Node, int> uses = ChainRuleExplainer.Uses(names);

        IReadOnlyList<TensorExplanationStep> steps = Steps(output);
        var contributions = new Dictionary<Tensor<double>, List<Tensor<double>>>(ReferenceEqualityComparer.Instance);
        Tensor<double>? current = null;
        foreach (TensorExplanationStep step in steps)
        {
            if (!ReferenceEquals(step.Node, current))
            {
                current = step.Node;
                if (uses.GetValueOrDefault(current) > 1) text.Append("  ").Append(SumLine(f, names[current], contributions[current])).Append('\n');
                text.Append("  ").Append(Definition(current, names)).Append('\n');
            }

            var input = (Tensor<double>)step.Node.GetInput(step.Input);
            if (!contributions.TryGetValue(input, out var parts)) contributions[input] = parts = [];
            parts.Add(step.Contribution);
            string numbers = Numbers(step);
            text.Append($"    {Target(step, names, uses, f)} = {Rule(step, names, output)}{Broadcast(step.Node, input)}");
            text.Append(numbers.Length > 0 ? $"\n        = {numbers}\n" : "\n");
        }

        text.Append("\nGradients\n");
        var totals = new Dictionary<Tensor<double>, Tensor<double>>(ReferenceEqualityComparer.Instance);
        foreach (TensorExplanationStep step in steps)
        {
            var input = (Tensor<double>)step.Node.GetInput(step.Input);
            if (input.IsLeaf) totals[input] = totals.TryGetValue(input, out var sum) ? sum + step.Contribution : step.Contribution;
        }

        foreach (var node in names.Order.Cast<Tensor<double>>())
        {
            if (!totals.TryGetValue(node, out Tensor<double>? total)) continue;
            text.Append("  ").Append(GradientLine(f, names[node], total, uses.GetValueOrDefault(node))).Append('\n');
        }

        if (VectorNote(output, names) is { } note) text.Append("\nWhy one backward pass\n  ").Append(note).Append('\n');
        return text.ToString();
    }

    /// <summary>An input's gradient as the Gradients section shows it, with the number of uses it was summed over.</summary>
    internal static string GradientLine(string f, string name, Tensor<double> total, int uses) =>
        $"∂{f}/∂{name}   {Shape(total)}{Values(total)}{(uses > 1 ? $" (the sum over its {uses} uses)" : "")}";

    /// <summary>A forward-pass line: the definition, the shape and, for a small tensor, the values.</summary>
    internal static string ForwardLine(Tensor<double> node, NodeNames names) => $"{Definition(node, names)}   {Shape(node)}{Values(node)}";

    /// <summary>
    /// What one backward pass gives when vectors are involved, and why reverse mode suits many inputs and one output;
    /// null when every value of the graph is a single number.
    /// </summary>
    internal static string? VectorNote(Tensor<double> output, NodeNames names)
    {
        if (names.Order.All(node => ((Tensor<double>)node).Size == 1)) return null;
        string f = names[output];
        return $"{f} is one number: one backward pass from ∂{f}/∂{f} = 1 gives its gradient with respect to every input, a "
            + "vector-Jacobian product. A vector output y of m numbers needs one pass per row of its Jacobian, row i seeded "
            + "with the i-th unit vector (autograd jacobian): reverse mode suits many inputs and one output.";
    }

    /// <summary>
    /// Every edge of the backward pass from <paramref name="output"/>, in the engine's order (the output's op first),
    /// with the numbers the engine computes: each op's own rule run on its accumulated upstream gradient, without
    /// recording and without releasing the graph.
    /// </summary>
    /// <exception cref="InvalidOperationException">The graph was released by a backward pass.</exception>
    public static IReadOnlyList<TensorExplanationStep> Steps(Tensor<double> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var steps = new List<TensorExplanationStep>();
        if (!output.RequiresGrad) return steps;
        var pending = new Dictionary<Tensor<double>, Tensor<double>>(ReferenceEqualityComparer.Instance) { [output] = Tensor.Full(output.ShapeArray, 1.0) };
        IReadOnlyList<Graph.Node> order = Graph.GraphTraversal.TopologicalOrder(output);
        using (Autodiff.NoGrad())
        {
            for (int n = order.Count - 1; n >= 0; n--)
            {
                var node = (Tensor<double>)order[n];
                if (node.IsLeaf || !pending.TryGetValue(node, out Tensor<double>? upstream)) continue;
                Tensor<double>?[] grads = node.RunBackward(upstream, retainGraph: true);
                for (int i = 0; i < node.InputCount; i++)
                {
                    Tensor<double> input = node.Input(i);
                    if (grads[i] is not { } grad || !input.RequiresGrad) continue;
                    Tensor<double> contribution = grad.SumToShape(input.ShapeArray);
                    steps.Add(new TensorExplanationStep(node, i, upstream, node.Op?.LocalGradient(node, i), contribution));
                    pending[input] = pending.TryGetValue(input, out var sum) ? sum + contribution : contribution;
                }
            }
        }

        return steps;
    }

    /// <summary>The name of the gradient a step contributes to: <c>∂f/∂x</c>, with <c>(via y)</c> when x has several uses.</summary>
    internal static string Target(TensorExplanationStep step, NodeNames names, IReadOnlyDictionary<Node, int> uses, string f)
    {
        Node input = step.Node.GetInput(step.Input);
        bool repeatedOperand = step.Node.InputCount == 2 && step.Node.GetInput(0) == step.Node.GetInput(1);
        string via = repeatedOperand ? $" (via {names[step.Node]}, {(step.Input == 0 ? "first" : "second")} operand)"
            : uses[input] > 1 ? $" (via {names[step.Node]})" : "";
        return $"∂{f}/∂{names[input]}{via}";
    }

    /// <summary>How the op turns the upstream gradient into the input's, in words and shapes.</summary>
    internal static string Rule(TensorExplanationStep step, NodeNames names, Tensor<double> output)
    {
        Tensor<double> node = step.Node;
        string g = node == output ? "1" : $"∂{names[output]}/∂{names[node]}";
        int i = step.Input;
        if (node.Op is { } op)
        {
            string[] inputNames = [.. Enumerable.Range(0, node.InputCount).Select(k => Operand((Tensor<double>)node.GetInput(k), names))];
            string formula = op.LocalDerivativeFormula(i, inputNames, names[node]);
            return formula switch
            {
                "1" => g,
                "-1" => $"−{g}",
                _ => $"{g} ⊙ {Factor(formula)}",
            };
        }

        if (node.CustomOp is { } custom
            && custom.DescribeGradient(i, g, [.. Enumerable.Range(0, node.InputCount).Select(k => names[node.GetInput(k)])]) is { } described)
            return described;

        string x(int k) => names[node.GetInput(k)];
        string y = names[node];
        var a = (Tensor<double>)node.GetInput(0);
        switch (node.Operation)
        {
            case "sum": return $"{g} copied to every element of {x(0)}, {Shape(a)}";
            case "mean": return $"{g} divided by the count and copied to every element of {x(0)}, {Shape(a)}";
            case "index_select": return $"{g}'s slices added into the looked-up positions of zeros of {Shape(a)}";
            case "max" or "min": return $"{g} routed to the position of each {node.Operation}imum of {x(0)} (shared equally among ties), zeros elsewhere";
            case "softmax": return $"{y} ⊙ ({g} − Σ({g} ⊙ {y}) along the axis)";
            case "log_softmax": return $"{g} − softmax({x(0)}) ⊙ Σ {g} along the axis";
            case "logsumexp": return $"{g} ⊙ softmax({x(0)}) along the axis";
            case "permute": return $"{g} with its axes permuted back, {Shape(a)}";
            case "reshape" or "contiguous": return $"{g} reshaped to {Shape(a)}";
            case "expand": return $"{g} summed over the expanded axes to {Shape(a)}";
            case "narrow": return $"{g} placed back into zeros of {Shape(a)}";
            case "relu_backward": return $"{g} where the ReLU's input is positive, zeros elsewhere";
            case "where": return i == 1 ? $"{g} where the mask is non-zero, zeros elsewhere" : $"{g} where the mask is zero, zeros elsewhere";
            case "matmul":
                var b = (Tensor<double>)node.GetInput(1);
                if (a.Rank != 2 || b.Rank != 2)
                    return i == 0 ? $"{g} · {x(1)}ᵀ" : $"{x(0)}ᵀ · {g}";
                return i == 0
                    ? $"{g} · {x(1)}ᵀ   {Shape(node)}·{Shape(b.Shape[1], b.Shape[0])} → {Shape(a)}"
                    : $"{x(0)}ᵀ · {g}   {Shape(a.Shape[1], a.Shape[0])}·{Shape(node)} → {Shape(b)}";
            default: return $"the vector-Jacobian product of {node.Operation} applied to {g}";
        }
    }

    /// <summary>The upstream gradient of a value used several times: the sum of what each use gave it.</summary>
    internal static string SumLine(string f, string name, IReadOnlyList<Tensor<double>> parts)
    {
        Tensor<double> total = Total(parts);
        string terms = total.Size <= SmallTensor ? string.Join(" + ", parts.Select(p => p.ToText(6))) + " = " + total.ToText(6) : $"the sum of {parts.Count} contributions";
        return $"∂{f}/∂{name} = {terms} (the sum over its {parts.Count} uses)";
    }

    /// <summary>The contributions added in the order the backward pass adds them.</summary>
    internal static Tensor<double> Total(IReadOnlyList<Tensor<double>> parts)
    {
        Tensor<double> total = parts[0];
        for (int i = 1; i < parts.Count; i++) total += parts[i];
        return total;
    }

    /// <summary>The numbers of a step whose tensors are small: upstream ⊙ local = contribution, or the contribution
    /// alone; empty for large tensors.</summary>
    internal static string Numbers(TensorExplanationStep step)
    {
        if (step.Upstream.Size > SmallTensor || step.Contribution.Size > SmallTensor) return "";
        if (step.Local is null || (step.Local.Size <= SmallTensor && IsAll(step.Local, 1)))
            return step.Contribution.ToText(6);
        if (step.Local.Size > SmallTensor) return step.Contribution.ToText(6);
        bool summed = !step.Contribution.Shape.SequenceEqual(step.Node.Shape);
        return $"{step.Upstream.ToText(6)} ⊙ {step.Local.ToText(6)}{(summed ? ", summed" : "")} = {step.Contribution.ToText(6)}";
    }

    private static bool IsAll(Tensor<double> tensor, double value) => tensor.ToArray().All(v => v == value);

    /// <summary>Says when an input was broadcast, so its gradient is summed back to its own shape.</summary>
    internal static string Broadcast(Tensor<double> node, Tensor<double> input) =>
        node.Op is not null && !node.Shape.SequenceEqual(input.Shape)
            ? $", summed over the broadcast axes from {Shape(node)} to {Shape(input)}"
            : "";

    internal static string Definition(Tensor<double> node, NodeNames names)
    {
        if (node.IsLeaf) return node.IsConstant && node.Rank == 0 ? Number(node.Item()) : names[node];
        string[] inputs = [.. Enumerable.Range(0, node.InputCount).Select(i => Operand((Tensor<double>)node.GetInput(i), names))];
        string expression = node.Op is { } op ? op.FormatApplication(inputs)
            : node.Operation == "matmul" ? $"{inputs[0]} @ {inputs[1]}"
            : $"{node.Operation}({string.Join(", ", inputs)})";
        return $"{names[node]} = {expression}";
    }

    // A formula with spaces (1 - y²) is a sum: parenthesize it when it becomes a factor.
    private static string Factor(string formula) =>
        formula.Contains(' ', StringComparison.Ordinal) && !IsOneGroup(formula) ? $"({formula})" : formula;

    private static bool IsOneGroup(string formula) =>
        (formula[0], formula[^1]) is ('(', ')') or ('[', ']') && formula.Count(c => c is '(' or '[') == 1;

    private static string Operand(Tensor<double> tensor, NodeNames names) =>
        tensor.IsConstant && tensor.Rank == 0 ? Number(tensor.Item()) : names[tensor];

    internal static string Shape(Tensor<double> tensor) => tensor.Rank == 0 ? "[]" : Shape([.. tensor.Shape]);

    private static string Shape(params int[] shape) => "[" + string.Join("×", shape) + "]";

    internal static string Values(Tensor<double> tensor) => tensor.Size <= SmallTensor ? " = " + tensor.ToText(6) : "";

    private static string Number(double value) => DisplayFormat.Number(value);
}
