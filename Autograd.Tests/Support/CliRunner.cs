

namespace Autograd.Tests.Support;

/// <summary>What a command printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error);

/// <summary>Runs the <c>autograd</c> command line in-process with captured streams.</summary>
internal static class CliRunner
{
    public static CliResult Run(string[] args, string standardInput = "")
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        int exit = Autograd.Cli.Cli.Run(args, new Autograd.Cli.Terminal(new StringReader(standardInput), output, error));
        return new CliResult(exit, output.ToString(), error.ToString());
    }

    public static CliResult Run(params string[] args) => Run(args, "");
}
