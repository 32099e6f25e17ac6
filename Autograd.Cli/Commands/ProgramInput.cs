using System.Globalization;
using Autograd.Cli.Language;

namespace Autograd.Cli.Commands;

/// <summary>What the program-taking commands share: reading the program and parsing its <c>NAME=VALUE</c> bindings.</summary>
internal static class ProgramInput
{
    /// <summary>The program text: the argument itself, or standard input when it is <c>-</c>.</summary>
    public static string ReadSource(string program, Terminal terminal) => program == "-" ? terminal.In.ReadToEnd() : program;

    /// <summary>Reads and compiles the program argument.</summary>
    public static CompiledProgram Compile(string program, Terminal terminal) => Compiler.Compile(ReadSource(program, terminal));

    /// <summary>Parses <c>NAME=VALUE</c> bindings of numbers, keeping their order.</summary>
    /// <exception cref="CliException">A binding is malformed, its value is not a finite number, or a name repeats.</exception>
    public static List<KeyValuePair<string, double>> ParseBindings(IEnumerable<string> bindings) =>
        [.. Split(bindings).Select(b => KeyValuePair.Create(b.Key, Number(b.Key, b.Value)))];

    /// <summary>
    /// Parses bindings for tensor mode: a JSON nested list (<c>W=[[1,2],[3,4]]</c>) is a float64 tensor, a number a
    /// 0-d tensor.
    /// </summary>
    /// <exception cref="CliException">A binding is malformed; the message names it.</exception>
    public static List<KeyValuePair<string, Tensor<double>>> ParseTensorBindings(IEnumerable<string> bindings) =>
        [.. Split(bindings).Select(b => KeyValuePair.Create(b.Key, IsList(b.Value) ? List(b.Key, b.Value) : Tensor.Scalar(Number(b.Key, b.Value))))];

    /// <summary>Whether any binding's value is a list, which makes the program run on tensors.</summary>
    public static bool HasTensorBinding(IEnumerable<string> bindings) =>
        bindings.Any(b => b.IndexOf('=', StringComparison.Ordinal) is int i && i >= 0 && IsList(b[(i + 1)..]));

    private static bool IsList(string text) => text.TrimStart().StartsWith('[');

    private static List<KeyValuePair<string, string>> Split(IEnumerable<string> bindings)
    {
        var parsed = new List<KeyValuePair<string, string>>();
        foreach (string binding in bindings)
        {
            if (binding.StartsWith('-'))
                throw new CliException($"unknown option '{binding}' (see --help for the options)");
            int equals = binding.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
                throw new CliException($"malformed binding '{binding}': write NAME=VALUE, for example x=-2");
            string name = binding[..equals], text = binding[(equals + 1)..];
            if (!Lexer.IsName(name))
                throw new CliException($"malformed binding '{binding}': '{name}' is not a name (letters, digits and _, not starting with a digit)");
            if (FunctionTable.Exists(name))
                throw new CliException($"malformed binding '{binding}': '{name}' is a function name");
            if (parsed.Any(p => p.Key == name))
                throw new CliException($"'{name}' is bound twice");
            parsed.Add(KeyValuePair.Create(name, text));
        }

        return parsed;
    }

    private static double Number(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw new CliException($"malformed binding '{name}={text}': '{text}' is not a finite number");

    private static Tensor<double> List(string name, string text)
    {
        try
        {
            Tensor<double> tensor = Tensor.Parse<double>(text);
            if (tensor.ToArray().Any(v => !double.IsFinite(v))) throw new FormatException("it holds a number that is not finite");
            return tensor;
        }
        catch (FormatException e)
        {
            throw new CliException($"malformed binding '{name}': {e.Message}");
        }
    }
}
