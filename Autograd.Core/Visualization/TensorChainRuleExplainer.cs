using System.Text;

namespace Autograd.Visualization;

/// <summary>
/// Explains the backward pass of a float64 tensor graph in words: for every op, how the upstream gradient is turned
/// into each input's gradient as a vector-Jacobian product, with the shapes involved (for D = W @ X:
/// ∂f/∂W = ∂f/∂D · Xᵀ, [5×3]·[3×10] → [5×10]), never the Jacobian itself.
/// </summary>
public static class TensorChainRuleExplainer
{
    private const int SmallTensor = 12;

    /// <summary>
    /// The forward pass, the backward pass and the gradients of the graph ending at <paramref name="output"/>, a
    /// one-element tensor on which <c>Backward()</c> has run (intermediate gradients are shown when retained).
    /// </summary>
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

        for (int n = names.Order.Count - 1; n >= 0; n--)
        {
            var node = (Tensor<double>)names.Order[n];
            if (node.IsLeaf) continue;
            text.Append("  ").Append(Definition(node, names)).Append('\n');
            for (int i = 0; i < node.InputCount; i++)
            {
                var input = (Tensor<double>)node.GetInput(i);
                if (!input.RequiresGrad) continue;
                // h * h uses h on both edges of one node: name the operand so the two lines differ.
                bool repeatedOperand = node.InputCount == 2 && node.GetInput(0) == node.GetInput(1);
                string via = repeatedOperand ? $" (via {names[node]}, {(i == 0 ? "first" : "second")} operand)"
                    : uses[input] > 1 ? $" (via {names[node]})" : "";
                string upstream = node == output ? "1" : $"∂{f}/∂{names[node]}";
                text.Append($"    ∂{f}/∂{names[input]}{via} = {Rule(node, i, upstream, names)}{Broadcast(node, input)}\n");
            }
        }

        text.Append("\nGradients\n");
        foreach (var node in names.Order.Cast<Tensor<double>>())
        {
            if (!node.IsLeaf || !node.RequiresGrad || node.Grad is null) continue;
            string sum = uses.GetValueOrDefault(node) > 1 ? $" (the sum over its {uses[node]} uses)" : "";
            text.Append($"  ∂{f}/∂{names[node]}   {Shape(node.Grad)}{Values(node.Grad)}{sum}\n");
        }

        return text.ToString();
    }

    /// <summary>How the op turns the upstream gradient into input <paramref name="i"/>'s, in words and shapes.</summary>
    private static string Rule(Tensor<double> node, int i, string g, NodeNames names)
    {
        string x(int k) => names[node.GetInput(k)];
        string y = names[node];
        var a = (Tensor<double>)node.GetInput(0);
        switch (node.Operation)
        {
            case "add": return g;
            case "sub": return i == 0 ? g : $"−{g}";
            case "neg": return $"−{g}";
            case "mul": return $"{g} ⊙ {x(1 - i)}";
            case "div": return i == 0 ? $"{g} ⊘ {x(1)}" : $"−{g} ⊙ {x(0)} ⊘ {x(1)}²";
            case "exp": return $"{g} ⊙ {y}";
            case "log": return $"{g} ⊘ {x(0)}";
            case "sqrt": return $"{g} ⊘ (2·{y})";
            case "abs": return $"{g} ⊙ sign({x(0)})";
            case "tanh": return $"{g} ⊙ (1 − {y}²)";
            case "sigmoid": return $"{g} ⊙ {y} ⊙ (1 − {y})";
            case "log_sigmoid": return $"{g} ⊙ σ(−{x(0)})";
            case "relu": return $"{g} ⊙ [{x(0)} > 0]";
            case "pow": return node.InputCount == 1 ? $"{g} ⊙ p·{x(0)}^(p−1)" : i == 0 ? $"{g} ⊙ {x(1)}·{x(0)}^({x(1)}−1)" : $"{g} ⊙ {y}·log {x(0)}";
            case "sum": return $"{g} copied to every element of {x(0)}, {Shape(a)}";
            case "dot_rows": return i == 0 ? $"Σ over each row's table rows of {g} · {x(1)}[row]" : $"{g} · {x(0)}[i] added into each used row of {x(1)}";
            case "max": return $"{g} routed to the position of each maximum of {x(0)}, zeros elsewhere";
            case "softmax": return $"{y} ⊙ ({g} − Σ({g} ⊙ {y}) along the axis)";
            case "log_softmax": return $"{g} − softmax({x(0)}) ⊙ Σ {g} along the axis";
            case "permute": return $"{g} with its axes permuted back, {Shape(a)}";
            case "reshape" or "expand" or "squeeze" or "unsqueeze": return $"{g} reshaped to {Shape(a)}";
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

    /// <summary>Says when an input was broadcast, so its gradient is summed back to its own shape.</summary>
    private static string Broadcast(Tensor<double> node, Tensor<double> input) =>
        node.Operation is "add" or "sub" or "mul" or "div" or "pow" && !node.Shape.SequenceEqual(input.Shape)
            ? $", summed over the broadcast axes from {Shape(node)} to {Shape(input)}"
            : "";

    private static string Definition(Tensor<double> node, NodeNames names)
    {
        if (node.IsLeaf) return node.IsConstant && node.Rank == 0 ? Number(node.Item()) : names[node];
        string[] inputs = [.. Enumerable.Range(0, node.InputCount).Select(i => Operand((Tensor<double>)node.GetInput(i), names))];
        string infix = node.Operation switch
        {
            "add" => "+",
            "sub" => "-",
            "mul" => "*",
            "div" => "/",
            "matmul" => "@",
            _ => "",
        };
        string expression = infix.Length > 0 && inputs.Length == 2 ? $"{inputs[0]} {infix} {inputs[1]}" : $"{node.Operation}({string.Join(", ", inputs)})";
        return $"{names[node]} = {expression}";
    }

    private static string Operand(Tensor<double> tensor, NodeNames names) =>
        tensor.IsConstant && tensor.Rank == 0 ? Number(tensor.Item()) : names[tensor];

    private static string Shape(Tensor<double> tensor) => tensor.Rank == 0 ? "[]" : Shape([.. tensor.Shape]);

    private static string Shape(params int[] shape) => "[" + string.Join("×", shape) + "]";

    private static string Values(Tensor<double> tensor) => tensor.Size <= SmallTensor ? " = " + tensor.ToText(6) : "";

    private static string Number(double value) => DisplayFormat.Number(value);
}
