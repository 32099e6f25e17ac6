using System.Text;
using Autograd.Graph;
using static Autograd.Visualization.DisplayFormat;

namespace Autograd.Visualization;

/// <summary>
/// A step-by-step chain-rule explanation of a backward pass through scalar values: the forward pass line by line,
/// then, from the output back to the inputs, every edge as upstream gradient · local gradient = contribution, and
/// the sums where a value feeds several consumers.
/// </summary>
public static class ChainRuleExplainer
{
    /// <summary>Explains the backward pass from <paramref name="output"/>.</summary>
    /// <param name="output">The output value. The explanation works out the gradients itself, so it neither needs
    /// nor reads the <see cref="Value.Grad"/> fields, which repeated or overlapping backward passes accumulate.</param>
    public static string Explain(Value output)
    {
        var names = NodeNames.For(output);
        string f = names[output];
        var text = new StringBuilder();

        text.Append("Forward pass\n");
        foreach (Node node in names.Order)
        {
            if (node.IsConstant) continue;
            text.Append("  ").Append(names.Definition(node));
            text.Append(" = ").Append(node.FormatData()).Append('\n');
        }

        // How many edges lead into each node: a node with several gets a sum line.
        var uses = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        var contributions = new Dictionary<Node, List<double>>(ReferenceEqualityComparer.Instance);
        foreach (Node node in names.Order)
            for (int i = 0; i < node.InputCount; i++)
                uses[node.GetInput(i)] = uses.GetValueOrDefault(node.GetInput(i)) + 1;

        text.Append("\nBackward pass (each edge: upstream gradient · local gradient = contribution)\n");
        text.Append($"  ∂{f}/∂{f} = 1\n");
        for (int n = names.Order.Count - 1; n >= 0; n--)
        {
            var node = (Value)names.Order[n];
            if (node.IsLeaf) continue;
            string self = names[node];
            double upstream = node == output ? 1 : Sum(contributions[node]);
            if (node != output && uses[node] > 1) AppendSum(text, f, self, contributions[node], upstream);
            text.Append("  ").Append(names.Definition(node)).Append('\n');

            string[] inputNames = names.InputNames(node);
            for (int i = 0; i < node.InputCount; i++)
            {
                var input = (Value)node.GetInput(i);
                if (input.IsConstant) continue;
                double local = node.Op!.LocalDerivative(node, i);
                // As the backward pass does: a local derivative of 0 contributes 0, whatever the upstream gradient.
                double contribution = local == 0 ? 0 : upstream * local;
                string formula = node.Op.LocalDerivativeFormula(i, inputNames, self);
                bool formulaIsNumber = double.TryParse(formula, System.Globalization.CultureInfo.InvariantCulture, out _);

                text.Append($"    ∂{f}/∂{inputNames[i]}");
                // y = x * x uses x on two edges of the same node: name the operand so the two lines differ.
                bool repeatedOperand = node.InputCount == 2 && node.GetInput(0) == node.GetInput(1);
                if (repeatedOperand) text.Append($" (via {self}, {(i == 0 ? "first" : "second")} operand)");
                else if (uses[input] > 1) text.Append($" (via {self})");
                if (node == output)
                {
                    // The upstream gradient is the seed 1: the local gradient is the whole contribution.
                    text.Append(formulaIsNumber ? $" = {Number(local)}" : $" = {formula} = {Number(local)}");
                }
                else
                {
                    text.Append($" = ∂{f}/∂{self}·∂{self}/∂{inputNames[i]} = {Number(upstream)}·");
                    if (!formulaIsNumber) text.Append(Factor(formula)).Append($" = {Number(upstream)}·");
                    text.Append($"{Atom(local)} = {Number(contribution)}");
                }

                text.Append('\n');
                if (!contributions.TryGetValue(input, out var list)) contributions[input] = list = [];
                list.Add(contribution);
            }
        }

        text.Append("\nGradients\n");
        foreach (Node node in names.Order)
        {
            if (!node.IsLeaf || node.IsConstant || node == output) continue;
            var leaf = (Value)node;
            double total = contributions.TryGetValue(leaf, out var parts) ? Sum(parts) : 0;
            if (uses.GetValueOrDefault(leaf) > 1) AppendSum(text, f, names[leaf], contributions[leaf], total);
            else text.Append($"  ∂{f}/∂{names[leaf]} = {Number(total)}\n");
        }

        return text.ToString();
    }

    /// <summary>The contributions added in the order the backward pass adds them, so the total is the same number.</summary>
    private static double Sum(List<double> parts)
    {
        double total = 0;
        foreach (double part in parts) total += part;
        return total;
    }

    private static void AppendSum(StringBuilder text, string f, string name, List<double> parts, double total)
    {
        text.Append($"  ∂{f}/∂{name} = ");
        for (int i = 0; i < parts.Count; i++)
        {
            if (i > 0) text.Append(parts[i] < 0 ? " - " : " + ");
            text.Append(Number(i > 0 ? Math.Abs(parts[i]) : parts[i]));
        }

        text.Append($" = {Number(total)} (sum over its {parts.Count} uses)\n");
    }

    // A formula with spaces (1 - t²) is a sum: parenthesize it when it becomes a factor.
    private static string Factor(string formula) =>
        formula.Contains(' ', StringComparison.Ordinal) || formula.StartsWith('-') ? $"({formula})" : formula;
}
