using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Autograd.Cli.Language;
using Autograd.Visualization;

namespace Autograd.Cli.Commands;

/// <summary><c>autograd grad PROGRAM [NAME=VALUE ...]</c>: the program's value and the gradient of every input.</summary>
internal static class GradCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Terminal terminal)
    {
        var program = new Argument<string>("PROGRAM") { Description = "Statements 'name = expression' separated by ';' or line breaks; the last one is the output. '-' reads the program from standard input." };
        var bindings = new Argument<string[]>("NAME=VALUE") { Description = "The inputs, for example x=-2 y=5.", Arity = ArgumentArity.ZeroOrMore };
        var json = new Option<bool>("--json") { Description = "Print one JSON object {\"value\": ..., \"grad\": {...}} and nothing else." };
        var explain = new Option<bool>("--explain") { Description = "Explain the backward pass step by step with the chain rule." };
        var tree = new Option<bool>("--tree") { Description = "Print the computation graph as a text tree." };
        var dot = new Option<string?>("--dot") { Description = "Write the graph in Graphviz DOT to FILE.", HelpName = "FILE" };
        var svg = new Option<string?>("--svg") { Description = "Render the graph to an SVG picture in FILE (needs Graphviz's dot; graphs of up to 1,000 values, stopped after 30 s).", HelpName = "FILE" };
        var mermaid = new Option<string?>("--mermaid") { Description = "Write the graph as a Mermaid flowchart to FILE.", HelpName = "FILE" };
        var html = new Option<string?>("--html") { Description = "Write a self-contained HTML page to FILE that steps through the forward and backward passes.", HelpName = "FILE" };

        var command = new Command("grad", "Compute a program's value and the gradient of its output with respect to every input.")
        {
            program, bindings, json, explain, tree, dot, svg, mermaid, html,
        };
        command.SetAction(parsed =>
        {
            bool asJson = parsed.GetValue(json);
            if (asJson && (parsed.GetValue(explain) || parsed.GetValue(tree)))
                throw new CliException("--json prints only the JSON object; leave out --explain and --tree, or --json");

            string[] rawBindings = parsed.GetValue(bindings) ?? [];
            CompiledProgram compiled = ProgramInput.Compile(parsed.GetRequiredValue(program), terminal);
            if (TensorMode.Applies(compiled, rawBindings))
            {
                TensorEvaluation tensors = TensorMode.Differentiate(compiled, ProgramInput.ParseTensorBindings(rawBindings));
                WriteGraphFiles(tensors.Output, parsed.GetValue(dot), parsed.GetValue(mermaid), parsed.GetValue(svg), parsed.GetValue(html),
                    () => ChainRulePage.Write(tensors.Output, compiled.Source.Trim()), terminal);
                if (asJson)
                {
                    terminal.Out.WriteLine(TensorMode.Json(tensors));
                    return 0;
                }

                if (parsed.GetValue(tree)) terminal.Out.WriteLine(TreeWriter.Write(tensors.Output));
                terminal.Out.Write(parsed.GetValue(explain) ? TensorChainRuleExplainer.Explain(tensors.Output) : TensorMode.Summary(tensors));
                return 0;
            }

            var inputs = ProgramInput.ParseBindings(rawBindings);
            Evaluation evaluation = Differentiate(compiled, inputs);

            WriteGraphFiles(evaluation.Output, parsed.GetValue(dot), parsed.GetValue(mermaid), parsed.GetValue(svg), parsed.GetValue(html),
                () => ChainRulePage.Write(evaluation.Output, compiled.Source.Trim()), terminal);

            if (asJson)
            {
                terminal.Out.WriteLine(ToJson(evaluation));
                return 0;
            }

            if (parsed.GetValue(tree)) terminal.Out.WriteLine(TreeWriter.Write(evaluation.Output));
            if (parsed.GetValue(explain)) terminal.Out.Write(ChainRuleExplainer.Explain(evaluation.Output));
            else terminal.Out.Write(Summary(evaluation));
            return 0;
        });
        return command;
    }

    /// <summary>Runs the program, backpropagates from its output and checks that every gradient is finite.</summary>
    /// <exception cref="ProgramException">The program is wrong, or a value or gradient is not a finite number.</exception>
    public static Evaluation Differentiate(CompiledProgram compiled, IReadOnlyList<KeyValuePair<string, double>> inputs)
    {
        Evaluation evaluation = Evaluator.Run(compiled, inputs);
        evaluation.Output.Label ??= "out";
        evaluation.Output.Backward();
        if (NumberDomain.CheckGradients(compiled, evaluation) is { } error) throw error;
        return evaluation;
    }

    /// <summary>The value and gradients, exact (round-trip) numbers, one per line.</summary>
    public static string Summary(Evaluation evaluation)
    {
        string f = evaluation.OutputName ?? evaluation.Output.Label!;
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{f} = {R(evaluation.Output.Data)}\n");
        foreach (var (name, leaf) in evaluation.Inputs)
            text.Append(CultureInfo.InvariantCulture, $"∂{f}/∂{name} = {R(leaf.Grad)}\n");
        return text.ToString();
    }

    private static string ToJson(Evaluation evaluation)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            // Utf8JsonWriter writes doubles in their shortest round-trip form.
            writer.WriteNumber("value", evaluation.Output.Data);
            writer.WriteStartObject("grad");
            foreach (var (name, leaf) in evaluation.Inputs) writer.WriteNumber(name, leaf.Grad);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteGraphFiles(Autograd.Graph.Node output, string? dot, string? mermaid, string? svg, string? html, Func<string> page, Terminal terminal)
    {
        // Every path is checked before any is written, so a bad one leaves no partial set behind.
        foreach (var (path, option, format, extensions) in new[]
        {
            (dot, "--dot", "Graphviz DOT text", OutputFormats.Dot),
            (mermaid, "--mermaid", "a Mermaid flowchart", OutputFormats.Mermaid),
            (svg, "--svg", "an SVG picture", OutputFormats.Svg),
            (html, "--html", "an HTML page", OutputFormats.Html),
        })
        {
            if (path is null) continue;
            CliFiles.CheckWritable(path, option);
            OutputFormats.Check(path, option, format, extensions);
        }

        WriteFile(html, page, terminal);
        WriteFile(dot, () => DotWriter.Write(output), terminal);
        WriteFile(mermaid, () => MermaidWriter.Write(output), terminal);
        WriteFile(svg, () => RenderSvg(output), terminal);
    }

    /// <summary>
    /// The most values --svg hands to Graphviz: dot's layout time grows steeply with size and fan-out (a program of
    /// 2,000 statements took a minute), so a larger graph is refused at once instead of after the timeout.
    /// </summary>
    internal const int MaxSvgNodes = 1000;

    private static string RenderSvg(Autograd.Graph.Node output)
    {
        int nodes = Autograd.Graph.GraphTraversal.TopologicalOrder(output).Count;
        const string Instead = "write the graph with --dot FILE, which takes any size, and render it with Graphviz yourself (sfdp -Tsvg copes with large graphs)";
        if (nodes > MaxSvgNodes)
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--svg: the graph has {nodes:N0} values, more than the {MaxSvgNodes:N0} Graphviz lays out in reasonable time; {Instead}"));
        try
        {
            return GraphvizRenderer.RenderSvg(DotWriter.Write(output), SvgTimeout);
        }
        catch (TimeoutException e)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--svg: {e.Message} laying out {nodes:N0} values; {Instead}"));
        }
    }

    /// <summary>How long --svg lets Graphviz run; tests shorten it.</summary>
    internal static TimeSpan SvgTimeout { get; set; } = GraphvizRenderer.DefaultTimeout;

    private static void WriteFile(string? path, Func<string> content, Terminal terminal)
    {
        if (path is null) return;
        CliFiles.WriteAllText(path, content());
        terminal.Error.WriteLine($"wrote {path}");
    }

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
