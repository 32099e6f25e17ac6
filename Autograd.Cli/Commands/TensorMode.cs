using System.Globalization;
using System.Text;
using System.Text.Json;
using Autograd.Checking;
using Autograd.Cli.Language;
using Autograd.Graph;

namespace Autograd.Cli.Commands;

/// <summary>
/// <c>grad</c> and <c>gradcheck</c> on tensors: when a binding is a JSON list or the program uses <c>@</c> or a
/// tensor function, the program runs on float64 tensors.
/// </summary>
internal static class TensorMode
{
    /// <summary>Whether the program and its bindings call for tensors.</summary>
    public static bool Applies(CompiledProgram compiled, IEnumerable<string> bindings) =>
        compiled.UsesTensorOperations || ProgramInput.HasTensorBinding(bindings);

    /// <summary>Runs the program, checks that its output is one number, and backpropagates, keeping every gradient.</summary>
    /// <exception cref="ProgramException">The program is wrong, its output is not a single number, or a value is not finite.</exception>
    public static TensorEvaluation Differentiate(CompiledProgram compiled, IReadOnlyList<KeyValuePair<string, Tensor<double>>> bindings)
    {
        var leaves = bindings.Select(b => KeyValuePair.Create(b.Key, Leaf(b.Key, b.Value))).ToList();
        TensorEvaluation evaluation = Evaluator.Run(compiled, leaves);
        Tensor<double> output = evaluation.Output;
        if (output.Size != 1)
        {
            string shape = $"has shape [{string.Join(",", output.Shape)}]; gradients need a single number";
            // One backward pass is one vector-Jacobian product: say so, and where the whole Jacobian is.
            const string Rows = "; one backward pass gives one row of a vector output's Jacobian (a vector-Jacobian product), and autograd jacobian gives every row";
            // An unnamed output is the last statement, an expression: its text names it.
            string expression = compiled.Instructions[^1].Name ?? "the output";
            throw new ProgramException(
                output.Label is { } name
                    ? $"the output '{name}' {shape}: end with f = sum({name}) (or sum({name} * G) for a weighted sum){Rows}"
                    : $"the output {expression} {shape}: write f = sum({expression}) (or sum(({expression}) * G) for a weighted sum){Rows}",
                compiled.Source, evaluation.Positions.GetValueOrDefault(output), showCaret: false);
        }

        output.Label ??= "out";
        if (!output.RequiresGrad) return evaluation;
        // Keep the intermediate gradients, so the graph dumps and the explanation can show them.
        foreach (Node node in GraphTraversal.TopologicalOrder(output))
            if (!node.IsLeaf) ((Tensor<double>)node).RetainGrad();
        // The graph is kept for the explanation, which runs each op's rule again to show its numbers.
        output.Backward(retainGraph: true);
        CheckGradients(compiled, evaluation);
        return evaluation;
    }

    /// <summary>
    /// Names the op where the backward pass first stops being finite: the op nearest the output whose own gradient is
    /// finite but that passes a non-finite one to an input (sqrt at 0, say), as scalar mode does.
    /// </summary>
    private static void CheckGradients(CompiledProgram compiled, TensorEvaluation evaluation)
    {
        IReadOnlyList<Node> order = GraphTraversal.TopologicalOrder(evaluation.Output);
        for (int n = order.Count - 1; n >= 0; n--)
        {
            var node = (Tensor<double>)order[n];
            if (node.IsLeaf || node.Grad is not { } grad || !AllFinite(grad)) continue;
            for (int i = 0; i < node.InputCount; i++)
            {
                var input = (Tensor<double>)node.GetInput(i);
                if (input.Grad is not { } inputGrad || AllFinite(inputGrad)) continue;
                string into = input.Label is { } label ? $"'{label}'" : "its input";
                throw new ProgramException(
                    $"the gradient that {node.Operation} passes to {into} is not finite; check the program's domain (log, sqrt, division)",
                    compiled.Source, evaluation.Positions.GetValueOrDefault(node), showCaret: false);
            }
        }
    }

    private static bool AllFinite(Tensor<double> tensor) => tensor.ToArray().All(double.IsFinite);

    private static Tensor<double> Leaf(string name, Tensor<double> value)
    {
        Tensor<double> leaf = value.Detach().RequireGrad();
        leaf.Label = name;
        return leaf;
    }

    /// <summary>The value and every input's gradient as text; matrices one row a line.</summary>
    public static string Summary(TensorEvaluation evaluation)
    {
        string f = evaluation.OutputName ?? evaluation.Output.Label!;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{f} = {Format(evaluation.Output.Item())}\n");
        foreach (var (name, leaf) in evaluation.Inputs)
        {
            string prefix = $"∂{f}/∂{name} = ";
            text.Append(prefix).Append(Layout(Gradient(leaf), prefix.Length)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>One JSON object: the value and every input's gradient (nested lists, or a number for a 0-d input).</summary>
    public static string Json(TensorEvaluation evaluation)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("value", evaluation.Output.Item());
            writer.WriteStartObject("grad");
            foreach (var (name, leaf) in evaluation.Inputs)
            {
                writer.WritePropertyName(name);
                Tensor<double> grad = Gradient(leaf);
                WriteNested(writer, grad.ToArray(), [.. grad.Shape], 0, 0);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Backprop against central differences for every element of every input.</summary>
    public static TensorGradCheckResult Check(CompiledProgram compiled, IReadOnlyList<KeyValuePair<string, Tensor<double>>> bindings, GradCheckOptions options)
    {
        Differentiate(compiled, bindings);
        string[] names = [.. bindings.Select(b => b.Key)];
        try
        {
            return TensorGradCheck.Check(
                xs => Evaluator.Run(compiled, [.. names.Select((n, i) => KeyValuePair.Create(n, xs[i]))]).Output,
                [.. bindings.Select(b => b.Value)], options);
        }
        catch (ProgramException e)
        {
            // The program ran at the given point, so this run was at a step beside it.
            throw e.AtDifferenceStep(options.Epsilon);
        }
    }

    /// <summary>The check's table: one row per disagreeing element, and the verdict.</summary>
    public static string Report(TensorGradCheckResult result, IReadOnlyList<KeyValuePair<string, Tensor<double>>> bindings)
    {
        var text = new StringBuilder();
        foreach (JacobianMismatch m in result.Mismatches)
            text.Append(CultureInfo.InvariantCulture,
                $"{bindings[m.Input].Key}[{m.InputElement}]: backprop {Format(m.Backprop)}, numerical {Format(m.Numerical)}\n");
        GradCheckOptions o = result.Options;
        text.Append(CultureInfo.InvariantCulture,
            $"h = {o.Epsilon:G}, pass when |backprop - numerical| <= {o.AbsoluteTolerance:G} + {o.RelativeTolerance:G}·|numerical|: ");
        text.Append(result.Passed
            ? $"all {result.EntriesChecked} gradient elements agree\n"
            : $"{result.Mismatches.Count} of {result.EntriesChecked} gradient elements disagree\n");
        return text.ToString();
    }

    private static Tensor<double> Gradient(Tensor<double> leaf) => leaf.Grad ?? Tensor.Zeros<double>([.. leaf.Shape]);

    private static void WriteNested(Utf8JsonWriter writer, double[] values, int[] shape, int axis, int offset)
    {
        if (axis == shape.Length)
        {
            writer.WriteNumberValue(values[offset]);
            return;
        }

        int stride = shape.Skip(axis + 1).Aggregate(1, (a, b) => a * b);
        writer.WriteStartArray();
        for (int i = 0; i < shape[axis]; i++) WriteNested(writer, values, shape, axis + 1, offset + i * stride);
        writer.WriteEndArray();
    }

    /// <summary>Nested lists in shortest round-trip form; a matrix's rows on separate lines, aligned under the first.</summary>
    private static string Layout(Tensor<double> tensor, int indent)
    {
        if (tensor.Rank != 2 || tensor.Shape[0] < 2) return tensor.ToText();
        int columns = tensor.Shape[1];
        double[] values = tensor.ToArray();
        var rows = Enumerable.Range(0, tensor.Shape[0])
            .Select(r => "[" + string.Join(", ", values.Skip(r * columns).Take(columns).Select(Format)) + "]");
        return "[" + string.Join(",\n" + new string(' ', indent + 1), rows) + "]";
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
