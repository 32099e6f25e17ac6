using System.Globalization;
using System.Text.RegularExpressions;
using Autograd.Cli.Language;

namespace Autograd.Cli.Commands;

/// <summary>What the program-taking commands share: reading the program and parsing its <c>NAME=VALUE</c> bindings.</summary>
internal static partial class ProgramInput
{
    /// <summary>The program text: the argument itself, or standard input when it is <c>-</c>.</summary>
    public static string ReadSource(string program, Terminal terminal) => program == "-" ? terminal.In.ReadToEnd() : program;

    /// <summary>Reads and compiles the program argument.</summary>
    public static CompiledProgram Compile(string program, Terminal terminal) => Compiler.Compile(ReadSource(program, terminal));

    /// <summary>Parses <c>NAME=VALUE</c> bindings, keeping their order.</summary>
    /// <exception cref="CliException">A binding is malformed, its value is not a finite number, or a name repeats.</exception>
    public static List<KeyValuePair<string, double>> ParseBindings(IEnumerable<string> bindings)
    {
        var parsed = new List<KeyValuePair<string, double>>();
        foreach (string binding in bindings)
        {
            if (binding.StartsWith('-'))
                throw new CliException($"unknown option '{binding}' (see --help for the options)");
            int equals = binding.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
                throw new CliException($"malformed binding '{binding}': write NAME=VALUE, for example x=-2");
            string name = binding[..equals], text = binding[(equals + 1)..];
            if (!NamePattern().IsMatch(name))
                throw new CliException($"malformed binding '{binding}': '{name}' is not a name (letters, digits and _, not starting with a digit)");
            if (Functions.Arity(name) is not null)
                throw new CliException($"malformed binding '{binding}': '{name}' is a function name");
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                throw new CliException($"malformed binding '{binding}': '{text}' is not a finite number");
            if (parsed.Any(p => p.Key == name))
                throw new CliException($"'{name}' is bound twice");
            parsed.Add(KeyValuePair.Create(name, value));
        }

        return parsed;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex NamePattern();
}
