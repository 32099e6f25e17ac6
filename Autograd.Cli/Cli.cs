using System.CommandLine;
using Autograd.Cli.Commands;
using Autograd.Cli.Language;

namespace Autograd.Cli;

/// <summary>The <c>autograd</c> command line: builds the commands and turns every failure into a clear message.</summary>
internal static class Cli
{
    /// <summary>Exit code for a check that ran and failed: <c>gradcheck</c> found a gradient that disagrees.</summary>
    public const int CheckFailed = 1;

    /// <summary>
    /// Exit code for a mistake in the input: a malformed program, binding or option, a file that is missing, not a
    /// regular file or not valid, or a run that diverged.
    /// </summary>
    public const int InputError = 2;

    /// <summary>Exit code for a problem with the machine rather than the input: Graphviz missing or failing.</summary>
    public const int EnvironmentError = 3;

    /// <summary>Exit code for an error the commands did not foresee: a bug (BSD's EX_SOFTWARE), reported with its type.</summary>
    public const int InternalError = 70;

    /// <summary>The exit codes as the help and the README list them.</summary>
    public const string ExitCodes = "Exit codes: 0 success; 1 gradcheck found a mismatch; 2 bad input (arguments, options, "
        + "files, or a diverged run); 3 a missing or failing external tool (Graphviz); 70 an internal error.";

    /// <summary>Runs the command line <paramref name="args"/> against the given streams and returns the exit code.</summary>
    public static int Run(string[] args, Terminal terminal)
    {
        var root = new RootCommand($"autograd: reverse-mode automatic differentiation. With no command, a short tour. {ExitCodes}")
        {
            GradCommand.Create(terminal),
            GradCheckCommand.Create(terminal),
            DerivativeCommands.Jacobian(terminal),
            DerivativeCommands.Hessian(terminal),
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
            return EnvironmentError;
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
        catch (Exception e)
        {
            // Every input mistake has its own message above; reaching this is a bug. One line still, with the type
            // so that a report names it, and its own exit code so that scripts do not take it for bad input.
            terminal.Error.WriteLine($"error: internal error ({e.GetType().Name}): {e.Message}");
            return InternalError;
        }
    }

    /// <summary>An exception's message without .NET's " (Parameter 'x')" suffix, which names a C# parameter the user
    /// never wrote.</summary>
    internal static string MessageOf(Exception e) => e.Message.Split(" (Parameter", 2)[0];
}
