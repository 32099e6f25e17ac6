using System.Text;

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
            text.Append("  ").Append(Definition(node, names)).Append("   ").Append(Shape(node)).Append(Values(node)).Append('\n');
        }

        text.Append("\nBackward pass (each input's gradient is a vector-Jacobian product of the upstream gradient)\n");
        text.Append($"  ∂{f}/∂{f} = 1\n");
        var uses = new Dictionary<Tensor<double>, int>(ReferenceEqualityComparer.Instance);
        foreach (var node in names.Order.Cast<Tensor<double>>())
            for (int i = 0; i < node.InputCount; i++)
            {
                var input = (Tensor<double>)node.GetInput(i);
                uses[input] = uses.GetValueOrDefault(input) + 1;
            }

        IReadOnlyList<TensorExplanationStep> steps = Steps(output);
        var contributions = new Dictionary<Tensor<double>, List<Tensor<double>>>(ReferenceEqualityComparer.Instance);
        Tensor<double>? current = null;
        foreach (TensorExplanationStep step in steps)
        {
            if (!ReferenceEquals(step.Node, current))
            {
                current = step.Node;
                if (uses.GetValueOrDefault(current) > 1) AppendSum(text, f, names[current], contributions[current]);
                text.Append("  ").Append(Definition(current, names)).Append('\n');
            }

            var input = (Tensor<double>)step.Node.GetInput(step.Input);
            if (!contributions.TryGetValue(input, out var parts)) contributions[input] = parts = [];
            parts.Add(step.Contribution);
            bool repeatedOperand = step.Node.InputCount == 2 && step.Node.GetInput(0) == step.Node.GetInput(1);
            string via = repeatedOperand ? $" (via {names[step.Node]}, {(step.Input == 0 ? "first" : "second")} operand)"
                : uses[input] > 1 ? $" (via {names[step.Node]})" : "";
            string upstream = step.Node == output ? "1" : $"∂{f}/∂{names[step.Node]}";
            text.Append($"    ∂{f}/∂{names[input]}{via} = {Rule(step, upstream, names)}{Broadcast(step.Node, input)}{Numbers(step)}\n");
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
            string sum = uses.GetValueOrDefault(node) > 1 ? $" (the sum over its {uses[node]} uses)" : "";
            text.Append($"  ∂{f}/∂{names[node]}   {Shape(total)}{Values(total)}{sum}\n");
        }

        return text.ToString();
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

    /// <summary>How the op turns the upstream gradient into the input's, in words and shapes.</summary>
    private static string Rule(TensorExplanationStep step, string g, NodeNames names)
    {
        Tensor<double> node = step.Node;
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
    private static void AppendSum(StringBuilder text, string f, string name, List<Tensor<double>> parts)
    {
        Tensor<double> total = parts[0];
        for (int i = 1; i < parts.Count; i++) total += parts[i];
        string terms = total.Size <= SmallTensor ? string.Join(" + ", parts.Select(p => p.ToText(6))) + " = " + total.ToText(6) : $"the sum of {parts.Count} contributions";
        text.Append($"  ∂{f}/∂{name} = {terms} (the sum over its {parts.Count} uses)\n");
    }

    /// <summary>The numbers of a step whose tensors are small: upstream ⊙ local = contribution, or the contribution alone.</summary>
    private static string Numbers(TensorExplanationStep step)
    {
        if (step.Upstream.Size > SmallTensor || step.Contribution.Size > SmallTensor) return "";
        if (step.Local is null || (step.Local.Size <= SmallTensor && IsAll(step.Local, 1)))
            return $"\n        = {step.Contribution.ToText(6)}";
        if (step.Local.Size > SmallTensor) return $"\n        = {step.Contribution.ToText(6)}";
        bool summed = !step.Contribution.Shape.SequenceEqual(step.Node.Shape);
        return $"\n        = {step.Upstream.ToText(6)} ⊙ {step.Local.ToText(6)}{(summed ? ", summed" : "")} = {step.Contribution.ToText(6)}";
    }

    private static bool IsAll(Tensor<double> tensor, double value) => tensor.ToArray().All(v => v == value);

    /// <summary>Says when an input was broadcast, so its gradient is summed back to its own shape.</summary>
    private static string Broadcast(Tensor<double> node, Tensor<double> input) =>
        node.Op is not null && !node.Shape.SequenceEqual(input.Shape)
            ? $", summed over the broadcast axes from {Shape(node)} to {Shape(input)}"
            : "";

    private static string Definition(Tensor<double> node, NodeNames names)
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

    private static string Shape(Tensor<double> tensor) => tensor.Rank == 0 ? "[]" : Shape([.. tensor.Shape]);

    private static string Shape(params int[] shape) => "[" + string.Join("×", shape) + "]";

    private static string Values(Tensor<double> tensor) => tensor.Size <= SmallTensor ? " = " + tensor.ToText(6) : "";

    private static string Number(double value) => DisplayFormat.Number(value);
}
