using Autograd.Checking;
using Autograd.Cli.Language;
using Autograd.Visualization;

namespace Autograd.Cli.Commands;

/// <summary>What <c>autograd</c> with no arguments shows: the (x + y)·z example, its graph, its gradients, the
/// chain-rule explanation, and a gradient check of a sigmoid neuron.</summary>
internal static class TourCommand
{
    private const string Example = "q = x + y; f = q * z";
    private const string Neuron = "z = w1*a1 + w2*a2 + b; out = sigmoid(z)";

    /// <summary>Prints the tour.</summary>
    public static int Run(Terminal terminal)
    {
        TextWriter o = terminal.Out;
        var inputs = ProgramInput.ParseBindings(["x=-2", "y=5", "z=-4"]);
        Evaluation evaluation = GradCommand.Differentiate(Compiler.Compile(Example), inputs);

        o.WriteLine("autograd: reverse-mode automatic differentiation for .NET");
        o.WriteLine();
        o.WriteLine("The classic example, q = x + y and f = q·z at x = -2, y = 5, z = -4:");
        o.WriteLine();
        o.WriteLine($"  autograd grad \"{Example}\" x=-2 y=5 z=-4 --tree --explain");
        o.WriteLine();
        o.WriteLine("The computation graph, output first, with each value's data and gradient:");
        o.WriteLine();
        o.Write(Indent(TreeWriter.Write(evaluation.Output)));
        o.WriteLine();
        o.Write(Indent(ChainRuleExplainer.Explain(evaluation.Output)));
        o.WriteLine();

        o.WriteLine("Checking backprop against numerical differentiation, for a sigmoid neuron:");
        o.WriteLine();
        o.WriteLine($"  autograd gradcheck \"{Neuron}\" w1=0.5 a1=2 w2=-1.5 a2=0.3 b=0.1");
        o.WriteLine();
        var neuronInputs = ProgramInput.ParseBindings(["w1=0.5", "a1=2", "w2=-1.5", "a2=0.3", "b=0.1"]);
        GradCheckResult check = GradCheckCommand.Run(Compiler.Compile(Neuron), neuronInputs, GradCheckOptions.Default);
        o.Write(Indent(check.Report()));
        o.WriteLine();

        o.WriteLine("Next:");
        o.WriteLine($"  autograd grad \"{Example}\" x=-2 y=5 z=-4 --svg graph.svg   (a picture; needs Graphviz)");
        o.WriteLine($"  autograd grad \"{Example}\" x=-2 y=5 z=-4 --json");
        o.WriteLine("  autograd --help");
        return check.Passed ? 0 : 1;
    }

    private static string Indent(string text) =>
        string.Concat(text.Split('\n').Select(line => line.Length == 0 ? "\n" : "  " + line + "\n")).TrimEnd('\n') + "\n";
}
