using System.Globalization;
using System.Text;
using System.Text.Json;
using Autograd.Graph;
using static Autograd.Visualization.DisplayFormat;

namespace Autograd.Visualization;

/// <summary>
/// One self-contained HTML page (styles, script and graph inline, nothing fetched) that steps through a computation:
/// the graph laid out left to right, a forward phase filling in values node by node, then the backward pass edge by
/// edge in the engine's order with the upstream gradient, the local derivative, their product and the sums over a
/// value's uses. Its words and numbers are those of <see cref="ChainRuleExplainer"/> and
/// <see cref="TensorChainRuleExplainer"/>, made from the same steps.
/// </summary>
public static class ChainRulePage
{
    private const double BoxHeight = 54, CharWidth = 7.2, MinBox = 64, MaxBox = 236;
    private const int BoxChars = 30;

    /// <summary>The page for the scalar graph ending at <paramref name="output"/>.</summary>
    /// <param name="output">The output value; the page works out the gradients itself, as the explanation does.</param>
    /// <param name="title">The heading, for example the program's text; null for the output's definition.</param>
    public static string Write(Value output, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var names = NodeNames.For(output);
        string f = names[output];
        Dictionary<Node, int> uses = ChainRuleExplainer.Uses(names);
        var page = new PageModel(names, title ?? names.Definition(output), "scalar", names.Definition);

        foreach (Node node in names.Order)
        {
            var value = (Value)node;
            page.AddNode(node, value.FormatData(), $"= {value.FormatData()}", Exact(value.Data));
        }

        AddForward(page, node => !node.IsConstant, node => ChainRuleExplainer.ForwardLine(node, names));
        page.Seed(f, "1", [$"∂{f}/∂{f} = 1"], null);

        IReadOnlyList<ScalarExplanationStep> steps = ChainRuleExplainer.Steps(output);
        var contributions = new Dictionary<Node, List<double>>(ReferenceEqualityComparer.Instance);
        int[] remaining = Remaining(steps.Select(s => s.Node.GetInput(s.Input)), page);
        Node? current = null;
        foreach (ScalarExplanationStep step in steps)
        {
            Node node = step.Node, input = node.GetInput(step.Input);
            if (!ReferenceEquals(node, current))
            {
                current = node;
                if (node != output && uses[node] > 1) AddSum(page, node, f, contributions[node]);
            }

            string formula = ChainRuleExplainer.Formula(step, names);
            string self = names[node], target = ChainRuleExplainer.Target(step, names, uses, f);
            string local = ChainRuleExplainer.IsNumber(formula) ? Number(step.Local) : $"{formula} = {Number(step.Local)}";
            var lines = new List<(string, string)>
            {
                ("upstream", node == output ? $"∂{f}/∂{f} = 1" : $"∂{f}/∂{self} = {Number(step.Upstream)}"),
                ("local", $"∂{self}/∂{names[input]} = {local}"),
                ("product", $"{target} = {Number(step.Upstream)} · {Atom(step.Local)} = {Number(step.Contribution)}"),
            };
            if (!contributions.TryGetValue(input, out var parts)) contributions[input] = parts = [];
            parts.Add(step.Contribution);
            bool last = --remaining[page.Id(input)] == 0;
            // A value used once knows its gradient now; one used several times when its contributions are summed.
            (string, string, object?)? grad = parts.Count == 1 && last ? (Number(step.Contribution), "", Exact(step.Contribution)) : null;
            page.Edge(node, step.Input, $"{names[input]} → {self}", lines, ChainRuleExplainer.EdgeLine(step, names, uses, output), grad);
            if (last && parts.Count > 1 && input.IsLeaf) AddSum(page, input, f, parts);
        }

        page.Finish(f);
        return page.Html();

        void AddSum(PageModel page, Node node, string f, List<double> parts)
        {
            string line = ChainRuleExplainer.SumLine(f, names[node], parts);
            double total = ChainRuleExplainer.Sum(parts);
            page.Sum(node, names[node], [("sum", line)], line, (Number(total), "", Exact(total)));
        }
    }

    /// <summary>The page for the float64 tensor graph ending at <paramref name="output"/>, a one-element tensor whose
    /// graph has not been released (record it and write the page before <c>Backward()</c>, or backpropagate with
    /// <c>retainGraph: true</c>).</summary>
    /// <param name="output">The output tensor.</param>
    /// <param name="title">The heading, for example the program's text; null for the output's definition.</param>
    /// <exception cref="InvalidOperationException">The graph was released by a backward pass.</exception>
    public static string Write(Tensor<double> output, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var names = NodeNames.For(output);
        string f = names[output];
        Dictionary<Node, int> uses = ChainRuleExplainer.Uses(names);
        var page = new PageModel(names, title ?? TensorChainRuleExplainer.Definition(output, names), "tensor",
            node => TensorChainRuleExplainer.Definition((Tensor<double>)node, names));
        foreach (var node in names.Order.Cast<Tensor<double>>())
            page.AddNode(node, Describe(node), $"{TensorChainRuleExplainer.Shape(node)} {TensorChainRuleExplainer.Values(node).TrimStart(' ', '=')}".TrimEnd(),
                node.IsLeaf && !node.IsConstant ? Exact(node) : null);

        AddForward(page, node => !(node.IsConstant && ((Tensor<double>)node).Rank == 0), node => TensorChainRuleExplainer.ForwardLine((Tensor<double>)node, names));
        page.Seed(f, "1", [$"∂{f}/∂{f} = 1"], TensorChainRuleExplainer.VectorNote(output, names));

        IReadOnlyList<TensorExplanationStep> steps = TensorChainRuleExplainer.Steps(output);
        var contributions = new Dictionary<Node, List<Tensor<double>>>(ReferenceEqualityComparer.Instance);
        int[] remaining = Remaining(steps.Select(s => s.Node.GetInput(s.Input)), page);
        Node? current = null;
        foreach (TensorExplanationStep step in steps)
        {
            Tensor<double> node = step.Node, input = node.Input(step.Input);
            if (!ReferenceEquals(node, current))
            {
                current = node;
                if (uses.GetValueOrDefault(node) > 1) AddSum(page, node, contributions[node]);
            }

            string target = TensorChainRuleExplainer.Target(step, names, uses, f);
            string rule = TensorChainRuleExplainer.Rule(step, names, output);
            string broadcast = TensorChainRuleExplainer.Broadcast(node, input);
            string numbers = TensorChainRuleExplainer.Numbers(step);
            var lines = new List<(string, string)>
            {
                ("upstream", node == output ? $"∂{f}/∂{f} = 1" : $"∂{f}/∂{names[node]}   {Describe(step.Upstream)}"),
            };
            if (step.Local is { } localGradient)
                lines.Add(("local", $"∂{names[node]}/∂{names[input]}, elementwise   {Describe(localGradient)}"));
            lines.Add(("vjp", $"{target} = {rule}"));
            if (broadcast.Length > 0) lines.Add(("broadcast", broadcast[2..]));
            if (numbers.Length > 0) lines.Add(("numbers", numbers));
            lines.Add(("product", $"{target}   {Describe(step.Contribution)}"));

            if (!contributions.TryGetValue(input, out var parts)) contributions[input] = parts = [];
            parts.Add(step.Contribution);
            bool last = --remaining[page.Id(input)] == 0;
            (string, string, object?)? grad = parts.Count == 1 && last ? Gradient(input, step.Contribution) : null;
            string explain = $"{target} = {rule}{broadcast}" + (numbers.Length > 0 ? $"\n    = {numbers}" : "");
            page.Edge(node, step.Input, $"{names[input]} → {names[node]}", lines, explain, grad);
            if (last && parts.Count > 1 && input.IsLeaf) AddSum(page, input, parts);
        }

        page.Finish(f);
        return page.Html();

        void AddSum(PageModel page, Node node, List<Tensor<double>> parts)
        {
            string line = TensorChainRuleExplainer.SumLine(f, names[node], parts);
            Tensor<double> total = TensorChainRuleExplainer.Total(parts);
            // An input's sum is printed under Gradients, an intermediate's before its op's steps.
            string explain = node.IsLeaf ? TensorChainRuleExplainer.GradientLine(f, names[node], total, parts.Count) : line;
            page.Sum(node, names[node], [("sum", line)], explain, Gradient(node, total));
        }
    }

    // Exact values only for the inputs, whose gradients --json prints; the others show six digits.
    private static (string, string, object?) Gradient(Node node, Tensor<double> gradient) =>
        (TensorChainRuleExplainer.Shape(gradient), TensorChainRuleExplainer.Values(gradient).TrimStart(' ', '='), node.IsLeaf ? Exact(gradient) : null);

    private static string Describe(Tensor<double> tensor) => TensorChainRuleExplainer.Shape(tensor) + TensorChainRuleExplainer.Values(tensor);

    private static double Exact(double value) => value;

    private static ExactTensor Exact(Tensor<double> tensor) => new ExactTensor([.. tensor.Shape], tensor.ToArray());

    /// <summary>How many contributions each node will receive, so the page knows when its gradient is complete.</summary>
    private static int[] Remaining(IEnumerable<Node> inputs, PageModel page)
    {
        var count = new int[page.NodeCount];
        foreach (Node input in inputs) count[page.Id(input)]++;
        return count;
    }

    private static void AddForward(PageModel page, Func<Node, bool> shown, Func<Node, string> line)
    {
        foreach (Node node in page.Names.Order)
            if (shown(node)) page.Forward(node, line(node));
    }

    /// <summary>A tensor's exact values for the page's data, which tests compare with <c>--json</c>.</summary>
    private sealed record ExactTensor(int[] Shape, double[] Values);

    /// <summary>The nodes, edges and steps of a page, written as JSON into it.</summary>
    private sealed class PageModel(NodeNames names, string heading, string mode, Func<Node, string> definition)
    {
        // A long program is cut in the heading; its statements are all on the page as the forward steps.
        private readonly string _title = heading.Length <= 200 ? heading : heading[..199] + "…";

        private readonly Dictionary<Node, int> _ids = new(ReferenceEqualityComparer.Instance);
        private readonly List<(Node Node, string Value, string Box, object? Exact)> _nodes = [];
        private readonly List<Step> _steps = [];

        public NodeNames Names { get; } = names;

        public int NodeCount => _nodes.Count;

        public int Id(Node node) => _ids[node];

        public void AddNode(Node node, string value, string box, object? exact)
        {
            _ids[node] = _nodes.Count;
            _nodes.Add((node, value, box, exact));
        }

        public void Forward(Node node, string line) =>
            _steps.Add(new Step("forward", node.IsLeaf ? $"Input {Names[node]}" : $"Compute {Names[node]}", Id(node), [], [("forward", line)], line) { Value = Id(node) });

        public void Seed(string f, string grad, string[] lines, string? note)
        {
            int output = _nodes.Count - 1;
            var text = lines.Select(l => ("seed", l)).ToList();
            if (note is not null) text.Add(("note", note));
            _steps.Add(new Step("backward", $"Seed ∂{f}/∂{f} = 1", output, [], text, lines[0]) { Grad = (output, grad, "", 1.0) });
        }

        public void Edge(Node node, int input, string title, List<(string, string)> lines, string explain, (string, string, object?)? grad)
        {
            int from = Id(node.GetInput(input)), to = Id(node);
            var step = new Step("backward", title, from, [EdgeId(node, input)], lines, explain);
            if (grad is { } g) step.Grad = (from, g.Item1, g.Item2, g.Item3);
            _steps.Add(step);
        }

        public void Sum(Node node, string name, List<(string, string)> lines, string explain, (string, string, object?) grad)
        {
            var edges = new List<int>();
            foreach (Node consumer in Names.Order)
                for (int i = 0; i < consumer.InputCount; i++)
                    if (consumer.GetInput(i) == node) edges.Add(EdgeId(consumer, i));
            _steps.Add(new Step("backward", $"Sum into {name}", Id(node), edges, lines, explain) { Grad = (Id(node), grad.Item1, grad.Item2, grad.Item3) });
        }

        public void Finish(string f)
        {
            var lines = new List<(string, string)>();
            foreach (var (node, _, _, _) in _nodes)
                if (node.IsLeaf && !node.IsConstant && _steps.Any(s => s.Grad?.Node == Id(node)))
                {
                    var last = _steps.Last(s => s.Grad?.Node == Id(node)).Grad!.Value;
                    lines.Add(("gradient", $"∂{f}/∂{Names[node]} = {(last.Values.Length > 0 ? last.Values : last.Text)}"));
                }

            _steps.Add(new Step("done", "Gradients", _nodes.Count - 1, [], lines, ""));
        }

        /// <summary>Edges are numbered by consumer, then by input, in topological order.</summary>
        private int EdgeId(Node consumer, int input)
        {
            int id = 0;
            foreach (Node node in Names.Order)
            {
                if (node == consumer) return id + input;
                id += node.InputCount;
            }

            throw new InvalidOperationException("the node is not in the graph");
        }

        public string Html()
        {
            // Each node's gradient line as its box shows it once known: the text of the step that completes it.
            string f = Names[_nodes[^1].Node];
            var gradients = new string?[_nodes.Count];
            foreach (Step step in _steps)
                if (step.Grad is { } g) gradients[g.Node] = Box($"∂{f}/∂{Names[_nodes[g.Node].Node]} = {(g.Values.Length > 0 ? $"{g.Text} {g.Values}" : g.Text)}");
            double[] widths = [.. _nodes.Select((n, i) =>
                Math.Clamp(CharWidth * new[] { Box(Label(n.Node)).Length, Box(n.Box).Length, gradients[i]?.Length ?? 0 }.Max() + 20, MinBox, MaxBox))];
            var (x, y, width, height) = GraphLayout.Place(Names.Order, widths, BoxHeight);

            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("title", _title);
                json.WriteString("mode", mode);
                json.WriteString("output", Names[_nodes[^1].Node]);
                json.WriteNumber("width", Math.Round(width, 1));
                json.WriteNumber("height", Math.Round(height, 1));
                json.WriteNumber("boxHeight", BoxHeight);
                json.WriteStartArray("nodes");
                for (int i = 0; i < _nodes.Count; i++)
                {
                    var (node, value, box, exact) = _nodes[i];
                    json.WriteStartObject();
                    json.WriteString("name", Names[node]);
                    json.WriteString("label", Box(Label(node)));
                    json.WriteString("definition", node.IsLeaf ? Names[node] : definition(node));
                    json.WriteString("kind", node.IsConstant ? "constant" : node.IsLeaf ? "input" : i == _nodes.Count - 1 ? "output" : "op");
                    json.WriteString("value", value);
                    json.WriteString("valueShort", Box(box));
                    if (gradients[i] is { } gradient) json.WriteString("gradShort", gradient);
                    if (exact is not null) WriteExact(json, "exact", exact);
                    json.WriteNumber("x", Math.Round(x[i], 1));
                    json.WriteNumber("y", Math.Round(y[i], 1));
                    json.WriteNumber("w", Math.Round(widths[i], 1));
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteStartArray("edges");
                foreach (Node node in Names.Order)
                    for (int k = 0; k < node.InputCount; k++)
                    {
                        json.WriteStartArray();
                        json.WriteNumberValue(Id(node.GetInput(k)));
                        json.WriteNumberValue(Id(node));
                        json.WriteEndArray();
                    }

                json.WriteEndArray();
                json.WriteStartArray("steps");
                foreach (Step step in _steps) step.Write(json);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            // The default encoder escapes <, > and &, so the data cannot close its script element.
            string data = Encoding.UTF8.GetString(buffer.ToArray());
            return ChainRulePageTemplate.Html
                .Replace("{{TITLE}}", System.Net.WebUtility.HtmlEncode(_title), StringComparison.Ordinal)
                .Replace("{{DATA}}", data, StringComparison.Ordinal);
        }

        /// <summary>What a node's box shows first: its name and, for an operation, the operation.</summary>
        private string Label(Node node) =>
            node.IsLeaf ? Names[node] : definition(node) is { Length: <= BoxChars } full ? full : $"{Names[node]} = {node.Operation}";

        private static string Box(string text) => text.Length <= BoxChars ? text : text[..(BoxChars - 1)] + "…";

        private static void WriteExact(Utf8JsonWriter json, string name, object exact)
        {
            json.WritePropertyName(name);
            switch (exact)
            {
                case double number:
                    json.WriteNumberValue(number);
                    break;
                case ExactTensor tensor:
                    json.WriteStartObject();
                    json.WriteStartArray("shape");
                    foreach (int d in tensor.Shape) json.WriteNumberValue(d);
                    json.WriteEndArray();
                    json.WriteStartArray("values");
                    foreach (double v in tensor.Values) json.WriteNumberValue(v);
                    json.WriteEndArray();
                    json.WriteEndObject();
                    break;
                default:
                    json.WriteStringValue(Convert.ToString(exact, CultureInfo.InvariantCulture));
                    break;
            }
        }

        private sealed class Step(string phase, string title, int node, List<int> edges, List<(string Role, string Text)> lines, string explain)
        {
            public int? Value { get; init; }

            public (int Node, string Text, string Values, object? Exact)? Grad { get; set; }

            public void Write(Utf8JsonWriter json)
            {
                json.WriteStartObject();
                json.WriteString("phase", phase);
                json.WriteString("title", title);
                json.WriteNumber("node", node);
                json.WriteStartArray("edges");
                foreach (int edge in edges) json.WriteNumberValue(edge);
                json.WriteEndArray();
                json.WriteStartArray("lines");
                foreach (var (role, text) in lines)
                {
                    json.WriteStartArray();
                    json.WriteStringValue(role);
                    json.WriteStringValue(text);
                    json.WriteEndArray();
                }

                json.WriteEndArray();
                json.WriteString("explain", explain);
                if (Value is { } value) json.WriteNumber("value", value);
                if (Grad is { } grad)
                {
                    json.WriteStartObject("grad");
                    json.WriteNumber("node", grad.Node);
                    json.WriteString("text", grad.Values.Length > 0 ? $"{grad.Text} {grad.Values}".Trim() : grad.Text);
                    if (grad.Exact is not null) WriteExact(json, "exact", grad.Exact);
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }
        }
    }
}
