using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Autograd.Cli.Language;

namespace Autograd.Cli.Commands;

/// <summary>
/// <c>autograd jacobian</c> and <c>autograd hessian</c>: the full first derivatives of a vector output and the second
/// derivatives of a scalar one, block by block for every pair of inputs, shaped as PyTorch's
/// <c>torch.autograd.functional.jacobian</c> and <c>hessian</c> shape theirs. Programs run on float64 tensors; a
/// number binding is a 0-d tensor.
/// </summary>
internal static class DerivativeCommands
{
    /// <summary>Why the Jacobian takes one backward pass per output element, printed under the table.</summary>
    private const string ReverseModeNote =
        "Row i of each block is one backward pass seeded with the i-th unit vector, a vector-Jacobian product: m output "
        + "elements take m passes however many inputs there are, so reverse mode suits many inputs and one output.";

    /// <summary>Builds <c>autograd jacobian PROGRAM [NAME=VALUE ...]</c>.</summary>
    public static Command Jacobian(Terminal terminal) => Create(terminal, "jacobian",
        "The Jacobian of a program's vector output with respect to every input (row i: the gradient of output element i).",
        "Print one JSON object {\"value\": ..., \"jacobian\": {NAME: ...}} and nothing else.", RunJacobian);

    /// <summary>Builds <c>autograd hessian PROGRAM [NAME=VALUE ...]</c>.</summary>
    public static Command Hessian(Terminal terminal) => Create(terminal, "hessian",
        "The Hessian of a program's single-number output: one block of second derivatives for every pair of inputs.",
        "Print one JSON object {\"value\": ..., \"hessian\": {NAME: {NAME: ...}}} and nothing else.", RunHessian);

    private static Command Create(Terminal terminal, string name, string description, string jsonDescription,
        Func<CompiledProgram, List<KeyValuePair<string, Tensor<double>>>, bool, Terminal, int> run)
    {
        var program = new Argument<string>("PROGRAM") { Description = "Statements 'name = expression' separated by ';' or line breaks; the last one is the output. '-' reads the program from standard input." };
        var bindings = new Argument<string[]>("NAME=VALUE") { Description = "The inputs: numbers or JSON nested lists, for example x=[1,2] y=0.5.", Arity = ArgumentArity.ZeroOrMore };
        var json = new Option<bool>("--json") { Description = jsonDescription };
        var command = new Command(name, description) { program, bindings, json };
        command.SetAction(parsed =>
        {
            CompiledProgram compiled = ProgramInput.Compile(parsed.GetRequiredValue(program), terminal);
            var inputs = ProgramInput.ParseTensorBindings(parsed.GetValue(bindings) ?? []);
            if (inputs.Count == 0) throw new CliException($"{name} needs at least one input: bind one as NAME=VALUE, for example x=[1,2]");
            return run(compiled, inputs, parsed.GetValue(json), terminal);
        });
        return command;
    }

    private static int RunJacobian(CompiledProgram compiled, List<KeyValuePair<string, Tensor<double>>> inputs, bool json, Terminal terminal)
    {
        TensorEvaluation evaluation = Evaluate(compiled, inputs, differentiable: -1);
        Tensor<double> output = evaluation.Output;
        string f = OutputName(compiled, evaluation);
        if (output.Rank == 0)
            throw new CliException($"jacobian needs a vector output, but '{f}' is a single number: use 'autograd grad' for its gradient or 'autograd hessian' for its second derivatives");

        var blocks = new List<(string Name, Tensor<double> Block)>();
        for (int j = 0; j < inputs.Count; j++)
        {
            int which = j;
            Tensor<double> block = Autodiff.Jacobian(x => Evaluate(compiled, With(inputs, which, x), which).Output, inputs[j].Value);
            CheckFinite(block, $"the Jacobian of '{f}' with respect to '{inputs[j].Key}'");
            blocks.Add((inputs[j].Key, block));
        }

        if (json)
        {
            terminal.Out.WriteLine(Json(output, "jacobian", w =>
            {
                foreach (var (name, block) in blocks)
                {
                    w.WritePropertyName(name);
                    WriteNested(w, block);
                }
            }));
            return 0;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{f} = {output.ToText(6)}   {Shape(output)}\n");
        foreach (var (name, block) in blocks)
        {
            Tensor<double> input = inputs.First(i => i.Key == name).Value;
            text.Append(CultureInfo.InvariantCulture, $"\n∂{f}/∂{name}   {Shape(output)}×{Shape(input)} → {Shape(block)}   (row i: the gradient of {f}[i])\n");
            text.Append(Table(block, Elements(f, output), Elements(name, input)));
        }

        text.Append('\n').Append(ReverseModeNote).Append('\n');
        terminal.Out.Write(text.ToString());
        return 0;
    }

    private static int RunHessian(CompiledProgram compiled, List<KeyValuePair<string, Tensor<double>>> inputs, bool json, Terminal terminal)
    {
        TensorEvaluation evaluation = Evaluate(compiled, inputs, differentiable: -1);
        Tensor<double> output = evaluation.Output;
        string f = OutputName(compiled, evaluation);
        if (output.Size != 1)
            throw new CliException($"hessian needs a single-number output, but '{f}' has shape {Shape(output)}: use 'autograd jacobian' for a vector output, or end with f = sum({f})");

        var blocks = new (string Row, string Column, Tensor<double> Block)[inputs.Count * inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
            for (int j = 0; j < inputs.Count; j++)
            {
                Tensor<double> block = HessianBlock(compiled, inputs, i, j);
                CheckFinite(block, $"the second derivative of '{f}' with respect to '{inputs[i].Key}' and '{inputs[j].Key}'");
                blocks[i * inputs.Count + j] = (inputs[i].Key, inputs[j].Key, block);
            }

        if (json)
        {
            terminal.Out.WriteLine(Json(output, "hessian", w =>
            {
                for (int i = 0; i < inputs.Count; i++)
                {
                    w.WriteStartObject(inputs[i].Key);
                    for (int j = 0; j < inputs.Count; j++)
                    {
                        w.WritePropertyName(inputs[j].Key);
                        WriteNested(w, blocks[i * inputs.Count + j].Block);
                    }

                    w.WriteEndObject();
                }
            }));
            return 0;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{f} = {Format(output.Item())}\n");
        if (inputs.All(p => p.Value.Rank == 0))
        {
            // Numbers only: every block is one number, so the Hessian is one symmetric table.
            string[] names = [.. inputs.Select(p => p.Key)];
            Tensor<double> matrix = Tensor.FromArray([.. blocks.Select(b => b.Block.Item())], names.Length, names.Length);
            text.Append(CultureInfo.InvariantCulture, $"\n∂²{f}/∂row∂column\n").Append(Table(matrix, names, names));
            terminal.Out.Write(text.ToString());
            return 0;
        }

        foreach (var (row, column, block) in blocks)
        {
            Tensor<double> a = inputs.First(p => p.Key == row).Value, b = inputs.First(p => p.Key == column).Value;
            string name = row == column ? $"∂²{f}/∂{row}²" : $"∂²{f}/∂{row}∂{column}";
            text.Append(CultureInfo.InvariantCulture, $"\n{name}   {Shape(a)}×{Shape(b)} → {Shape(block)}\n");
            text.Append(Table(block, Elements(row, a), Elements(column, b)));
        }

        terminal.Out.Write(text.ToString());
        return 0;
    }

    /// <summary>
    /// ∂²f/∂xᵢ∂xⱼ: the Jacobian, with respect to xⱼ, of the gradient with respect to xᵢ, recorded so that it can be
    /// differentiated again; input i's shape followed by input j's, as PyTorch's <c>hessian</c> gives it.
    /// </summary>
    private static Tensor<double> HessianBlock(CompiledProgram compiled, List<KeyValuePair<string, Tensor<double>>> inputs, int i, int j) =>
        Autodiff.Jacobian(xj =>
        {
            // On the diagonal xᵢ is xⱼ; off it, xᵢ is a leaf of its own and xⱼ stays in the recorded gradient.
            Tensor<double> xi = i == j ? xj : inputs[i].Value.Detach().RequireGrad();
            var bound = With(inputs, j, xj);
            if (i != j) bound[i] = KeyValuePair.Create(inputs[i].Key, xi);
            Tensor<double> output = Evaluator.Run(compiled, bound).Output;
            return output.RequiresGrad
                ? Autodiff.Grad([output], [xi], createGraph: true, allowUnused: true)[0]
                : Tensor.Zeros<double>(xi.Shape.ToArray());
        }, inputs[j].Value);

    /// <summary>Runs the program with every input a constant except input <paramref name="differentiable"/> (none for -1).</summary>
    private static TensorEvaluation Evaluate(CompiledProgram compiled, List<KeyValuePair<string, Tensor<double>>> inputs, int differentiable)
    {
        var bound = inputs.Select((p, k) => KeyValuePair.Create(p.Key, k == differentiable ? p.Value : p.Value.Detach())).ToList();
        return Evaluator.Run(compiled, bound);
    }

    private static List<KeyValuePair<string, Tensor<double>>> With(List<KeyValuePair<string, Tensor<double>>> inputs, int index, Tensor<double> value) =>
        [.. inputs.Select((p, k) => KeyValuePair.Create(p.Key, k == index ? value : p.Value.Detach()))];

    private static string OutputName(CompiledProgram compiled, TensorEvaluation evaluation) =>
        evaluation.OutputName ?? evaluation.Output.Label ?? compiled.Instructions[^1].Name ?? "out";

    private static void CheckFinite(Tensor<double> block, string what)
    {
        double[] values = block.ToArray();
        int at = Array.FindIndex(values, v => !double.IsFinite(v));
        if (at >= 0)
            throw new CliException($"{what} is not finite ({Format(values[at])} at element {at}); check the program's domain (log, sqrt, division)");
    }

    /// <summary>One JSON object: the value (a number, or nested lists) and the named blocks.</summary>
    private static string Json(Tensor<double> output, string key, Action<Utf8JsonWriter> blocks)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("value");
            WriteNested(writer, output);
            writer.WriteStartObject(key);
            blocks(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A tensor as nested lists (a number for a 0-d tensor), in shortest round-trip form.</summary>
    private static void WriteNested(Utf8JsonWriter writer, Tensor<double> tensor)
    {
        double[] values = tensor.ToArray();
        int[] shape = tensor.Shape.ToArray();
        int index = 0;
        Write(0);

        void Write(int axis)
        {
            if (axis == shape.Length)
            {
                writer.WriteNumberValue(values[index++]);
                return;
            }

            writer.WriteStartArray();
            for (int i = 0; i < shape[axis]; i++) Write(axis + 1);
            writer.WriteEndArray();
        }
    }

    /// <summary>A block as a table: one row per element of the first shape, one column per element of the second.</summary>
    private static string Table(Tensor<double> block, string[] rows, string[] columns)
    {
        double[] values = block.ToArray();
        string[][] cells = [.. rows.Select((_, r) => columns.Select((_, c) => Format6(values[r * columns.Length + c])).ToArray())];
        int first = rows.Max(r => r.Length);
        int[] widths = [.. columns.Select((c, k) => Math.Max(c.Length, cells.Max(row => row[k].Length)))];
        var text = new StringBuilder();
        text.Append(' ', first + 2);
        for (int c = 0; c < columns.Length; c++) text.Append("  ").Append(columns[c].PadLeft(widths[c]));
        text.Append('\n');
        for (int r = 0; r < rows.Length; r++)
        {
            text.Append("  ").Append(rows[r].PadRight(first));
            for (int c = 0; c < columns.Length; c++) text.Append("  ").Append(cells[r][c].PadLeft(widths[c]));
            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The names of a tensor's elements in row-major order: <c>x</c> for a 0-d tensor, <c>x[0]</c>, <c>W[1,2]</c>.</summary>
    private static string[] Elements(string name, Tensor<double> tensor)
    {
        int[] shape = tensor.Shape.ToArray();
        var names = new string[tensor.Size];
        var index = new int[shape.Length];
        for (int k = 0; k < names.Length; k++)
        {
            names[k] = shape.Length == 0 ? name : $"{name}[{string.Join(",", index)}]";
            for (int axis = shape.Length - 1; axis >= 0; axis--)
            {
                if (++index[axis] < shape[axis]) break;
                index[axis] = 0;
            }
        }

        return names;
    }

    private static string Shape(Tensor<double> tensor) => "[" + string.Join("×", tensor.Shape.ToArray()) + "]";

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Format6(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
