using System.CommandLine;
using Autograd.Checking;
using Autograd.Cli.Language;

namespace Autograd.Cli.Commands;

/// <summary><c>autograd gradcheck PROGRAM [NAME=VALUE ...]</c>: backprop against central differences, per input.</summary>
internal static class GradCheckCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Terminal terminal)
    {
        var program = new Argument<string>("PROGRAM") { Description = "The program, as for 'grad'; '-' reads it from standard input." };
        var bindings = new Argument<string[]>("NAME=VALUE") { Description = "The point at which to check, for example x=-2 y=5.", Arity = ArgumentArity.ZeroOrMore };
        var eps = new Option<double>("--eps") { Description = "The central-difference step h.", DefaultValueFactory = _ => GradCheckOptions.Default.Epsilon };
        var atol = new Option<double>("--atol") { Description = "Absolute tolerance.", DefaultValueFactory = _ => GradCheckOptions.Default.AbsoluteTolerance };
        var rtol = new Option<double>("--rtol") { Description = "Relative tolerance.", DefaultValueFactory = _ => GradCheckOptions.Default.RelativeTolerance };

        var command = new Command("gradcheck", "Compare each input's backprop gradient with a central-difference estimate; exit code 1 on a mismatch.")
        {
            program, bindings, eps, atol, rtol,
        };
        command.SetAction(parsed =>
        {
            var options = new GradCheckOptions(parsed.GetValue(eps), parsed.GetValue(atol), parsed.GetValue(rtol));
            if (!(options.Epsilon > 0 && double.IsFinite(options.Epsilon)) || !(options.AbsoluteTolerance >= 0 && double.IsFinite(options.AbsoluteTolerance))
                || !(options.RelativeTolerance >= 0 && double.IsFinite(options.RelativeTolerance)))
                throw new CliException("--eps must be a positive number, and --atol and --rtol numbers that are not negative");
            string[] rawBindings = parsed.GetValue(bindings) ?? [];
            CompiledProgram compiled = ProgramInput.Compile(parsed.GetRequiredValue(program), terminal);
            if (TensorMode.Applies(compiled, rawBindings))
            {
                var tensors = ProgramInput.ParseTensorBindings(rawBindings);
                TensorGradCheckResult tensorResult = TensorMode.Check(compiled, tensors, options);
                terminal.Out.Write(TensorMode.Report(tensorResult, tensors));
                return tensorResult.Passed ? 0 : 1;
            }

            var inputs = ProgramInput.ParseBindings(rawBindings);
            GradCheckResult result = Run(compiled, inputs, options);
            terminal.Out.Write(result.Report());
            return result.Passed ? 0 : 1;
        });
        return command;
    }

    /// <summary>Checks every input of <paramref name="compiled"/> at <paramref name="inputs"/>.</summary>
    public static GradCheckResult Run(CompiledProgram compiled, IReadOnlyList<KeyValuePair<string, double>> inputs, GradCheckOptions options)
    {
        // Run once with the checks of 'grad', so a NaN or an unbound name is reported as such, not as a mismatch.
        GradCommand.Differentiate(compiled, inputs);
        try
        {
            return GradCheck.Check(
                leaves => Evaluator.Run(compiled, [.. inputs.Select(input => KeyValuePair.Create(input.Key, leaves[input.Key]))]).Output,
                inputs, options);
        }
        catch (ProgramException e)
        {
            // The program ran at the given point, so this run was at a step beside it.
            throw e.AtDifferenceStep(options.Epsilon);
        }
    }
}
