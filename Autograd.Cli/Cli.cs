using System.CommandLine;
using Autograd.Cli.Commands;
using Autograd.Cli.Language;

namespace Autograd.Cli;

/// <summary>The <c>autograd</c> command line: builds the commands and turns every failure into a clear message.</summary>
internal static class Cli
{
    /// <summary>Exit code for a mistake in the input: a malformed program, binding or option.</summary>
    public const int InputError = 2;

    /// <summary>Runs the command line <paramref name="args"/> against the given streams and returns the exit code.</summary>
    public static int Run(string[] args, Terminal terminal)
    {
        var root = new RootCommand("autograd: reverse-mode automatic differentiation. With no command, a short tour.")
        {
            GradCommand.Create(terminal),
            GradCheckCommand.Create(terminal),
            TrainCommand.Create(terminal),
            ModelCommands.Summary(terminal),
            ModelCommands.Predict(terminal),
            ModelCommands.Evaluate(terminal),
            PerceptronCommand.Create(terminal),
            Word2VecCommands.Train(terminal),
            Word2VecCommands.Similar(terminal),
            Word2VecCommands.Analogy(terminal),
            Word2VecCommands.Evaluate(terminal),
        };
        root.SetAction(_ => TourCommand.Run(terminal));
        OptionValues.Apply(root);

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) terminal.Error.WriteLine($"error: {error.Message}");
            terminal.Error.WriteLine("Run 'autograd --help' for usage.");
            return InputError;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration
            {
                Output = terminal.Out,
                Error = terminal.Error,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (ProgramException e)
        {
            terminal.Error.WriteLine(e.Render());
            return InputError;
        }
        catch (CliException e)
        {
            terminal.Error.WriteLine($"error: {e.Message}");
            return InputError;
        }
        catch (InvalidOperationException e)
        {
            // Graphviz missing or failing, and similar environment problems: a message, not a stack trace.
            terminal.Error.WriteLine($"error: {e.Message}");
            return 3;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file that cannot be read or written; the commands check what they can first, this is the rest.
            terminal.Error.WriteLine($"error: {e.Message}");
            return InputError;
        }
        catch (Exception e) when (e is ArgumentException or OutOfMemoryException or OverflowException)
        {
            // A value the library refused (the library names the op and the sizes), or sizes too large to hold.
            terminal.Error.WriteLine($"error: {MessageOf(e)}");
            return InputError;
        }
    }

    /// <summary>An exception's message without .NET's " (Parameter 'x')" suffix, which names a C# parameter the user
    /// never wrote.</summary>
    internal static string MessageOf(Exception e) => e.Message.Split(" (Parameter", 2)[0];
}
