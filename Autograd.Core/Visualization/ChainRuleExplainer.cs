using System.Text;
using Autograd.Graph;
using static Autograd.Visualization.DisplayFormat;

namespace Autograd.Visualization;

/// <summary>One edge of a scalar backward pass, as the explanation shows it.</summary>
/// <param name="Node">The operation's result.</param>
/// <param name="Input">Which of its inputs the gradient flows into.</param>
/// <param name="Upstream">∂f/∂node, the gradient arriving at the operation (1 at the output).</param>
/// <param name="Local">∂node/∂input, the operation's local derivative at the recorded inputs.</param>
/// <param name="Contribution">Upstream · local, what this edge adds to the input's gradient.</param>
public sealed record ScalarExplanationStep(Value Node, int Input, double Upstream, double Local, double Contribution);

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
            text.Append("  ").Append(ForwardLine(node, names)).Append('\n');
        }

        Dictionary<Node, int> uses = Uses(names);
        var contributions = new Dictionary<Node, List<double>>(ReferenceEqualityComparer.Instance);
        text.Append("\nBackward pass (each edge: upstream gradient · local gradient = contribution)\n");
        text.Append($"  ∂{f}/∂{f} = 1\n");
        Node? current = null;
        foreach (ScalarExplanationStep step in Steps(output))
        {
            if (!ReferenceEquals(step.Node, current))
            {
                current = step.Node;
                if (current != output && uses[current] > 1) text.Append("  ").Append(SumLine(f, names[current], contributions[current])).Append('\n');
                text.Append("  ").Append(names.Definition(current)).Append('\n');
            }

            text.Append("    ").Append(EdgeLine(step, names, uses, output)).Append('\n');
            Node input = step.Node.GetInput(step.Input);
            if (!contributions.TryGetValue(input, out var list)) contributions[input] = list = [];
            list.Add(step.Contribution);
        }

        text.Append("\nGradients\n");
        foreach (Node node in names.Order)
        {
            if (!node.IsLeaf || node.IsConstant || node == output) continue;
            if (uses.GetValueOrDefault(node) > 1) text.Append("  ").Append(SumLine(f, names[node], contributions[node])).Append('\n');
            else text.Append($"  ∂{f}/∂{names[node]} = {Number(contributions.TryGetValue(node, out var parts) ? Sum(parts) : 0)}\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// Every edge of the backward pass from <paramref name="output"/> into a non-constant input, in the engine's order
    /// (the output's operation first), with the numbers the backward pass computes. The steps work out the gradients
    /// themselves and read no <see cref="Value.Grad"/> field.
    /// </summary>
    public static IReadOnlyList<ScalarExplanationStep> Steps(Value output)
    {
        ArgumentNullException.ThrowIfNull(output);
        IReadOnlyList<Node> order = GraphTraversal.TopologicalOrder(output);
        var contributions = new Dictionary<Node, List<double>>(ReferenceEqualityComparer.Instance);
        var steps = new List<ScalarExplanationStep>();
        for (int n = order.Count - 1; n >= 0; n--)
        {
            var node = (Value)order[n];
            if (node.IsLeaf) continue;
            double upstream = node == output ? 1 : Sum(contributions[node]);
            for (int i = 0; i < node.InputCount; i++)
            {
                var input = (Value)node.GetInput(i);
                if (input.IsConstant) continue;
                double local = node.Op!.LocalDerivative(node, i);
                // As the backward pass does: a local derivative of 0 contributes 0, whatever the upstream gradient.
                double contribution = local == 0 ? 0 : upstream * local;
                steps.Add(new ScalarExplanationStep(node, i, upstream, local, contribution));
                if (!contributions.TryGetValue(input, out var list)) contributions[input] = list = [];
                list.Add(contribution);
            }
        }

        return steps;
    }

    /// <summary>A forward-pass line: <c>q = x + y = 3</c>, or <c>x = -2</c> for an input.</summary>
    internal static string ForwardLine(Node node, NodeNames names) => $"{names.Definition(node)} = {node.FormatData()}";

    /// <summary>How many edges lead out of each node: a node with several gets a sum.</summary>
    internal static Dictionary<Node, int> Uses(NodeNames names)
    {
        var uses = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        foreach (Node node in names.Order)
            for (int i = 0; i < node.InputCount; i++)
                uses[node.GetInput(i)] = uses.GetValueOrDefault(node.GetInput(i)) + 1;
        return uses;
    }

    /// <summary>The local derivative of a step as a formula in the graph's names (<c>z</c>, <c>1 - t²</c>, or a number).</summary>
    internal static string Formula(ScalarExplanationStep step, NodeNames names) =>
        step.Node.Op!.LocalDerivativeFormula(step.Input, names.InputNames(step.Node), names[step.Node]);

    /// <summary>Whether a local-derivative formula is a plain number, which the explanation does not repeat.</summary>
    internal static bool IsNumber(string formula) =>
        double.TryParse(formula, System.Globalization.CultureInfo.InvariantCulture, out _);

    /// <summary>
    /// The name of the gradient a step contributes to: <c>∂f/∂x</c>, with <c>(via q)</c> when x has several uses
    /// and the operand's place when a node uses x twice.
    /// </summary>
    internal static string Target(ScalarExplanationStep step, NodeNames names, IReadOnlyDictionary<Node, int> uses, string f)
    {
        Node node = step.Node, input = node.GetInput(step.Input);
        string self = names[node];
        // y = x * x uses x on two edges of the same node: name the operand so the two lines differ.
        bool repeatedOperand = node.InputCount == 2 && node.GetInput(0) == node.GetInput(1);
        string via = repeatedOperand ? $" (via {self}, {(step.Input == 0 ? "first" : "second")} operand)"
            : uses[input] > 1 ? $" (via {self})" : "";
        return $"∂{f}/∂{names[input]}{via}";
    }

    /// <summary>An edge's line: <c>∂f/∂x = ∂f/∂q·∂q/∂x = -4·1 = -4</c>, or <c>∂f/∂q = z = -4</c> at the output.</summary>
    internal static string EdgeLine(ScalarExplanationStep step, NodeNames names, IReadOnlyDictionary<Node, int> uses, Node output)
    {
        string f = names[output], self = names[step.Node], input = names[step.Node.GetInput(step.Input)];
        string formula = Formula(step, names);
        var text = new StringBuilder(Target(step, names, uses, f));
        if (step.Node == output)
        {
            // The upstream gradient is the seed 1: the local gradient is the whole contribution.
            text.Append(IsNumber(formula) ? $" = {Number(step.Local)}" : $" = {formula} = {Number(step.Local)}");
        }
        else
        {
            text.Append($" = ∂{f}/∂{self}·∂{self}/∂{input} = {Number(step.Upstream)}·");
            if (!IsNumber(formula)) text.Append(Factor(formula)).Append($" = {Number(step.Upstream)}·");
            text.Append($"{Atom(step.Local)} = {Number(step.Contribution)}");
        }

        return text.ToString();
    }

    /// <summary>A value's gradient as the sum of its uses: <c>∂f/∂y = -4 + 3 = -1 (sum over its 2 uses)</c>.</summary>
    internal static string SumLine(string f, string name, IReadOnlyList<double> parts)
    {
        var text = new StringBuilder($"∂{f}/∂{name} = ");
        for (int i = 0; i < parts.Count; i++)
        {
            if (i > 0) text.Append(parts[i] < 0 ? " - " : " + ");
            text.Append(Number(i > 0 ? Math.Abs(parts[i]) : parts[i]));
        }

        return text.Append($" = {Number(Sum(parts))} (sum over its {parts.Count} uses)").ToString();
    }

    /// <summary>The contributions added in the order the backward pass adds them, so the total is the same number.</summary>
    internal static double Sum(IReadOnlyList<double> parts)
    {
        double total = 0;
        foreach (double part in parts) total += part;
        return total;
    }

    // A formula with spaces (1 - t²) is a sum: parenthesize it when it becomes a factor.
    internal static string Factor(string formula) =>
        formula.Contains(' ', StringComparison.Ordinal) || formula.StartsWith('-') ? $"({formula})" : formula;
}
