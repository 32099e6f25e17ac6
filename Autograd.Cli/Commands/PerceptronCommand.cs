using System.CommandLine;
using System.Globalization;
using Autograd.NN;
using Autograd.NN.Data;
using Autograd.NN.Layers;
using Autograd.NN.Plotting;

namespace Autograd.Cli.Commands;

/// <summary>
/// <c>autograd perceptron</c>: Rosenblatt's rule on a linearly separable set, with the decision boundary drawn.
/// </summary>
internal static class PerceptronCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Terminal terminal)
    {
        var points = new Option<int>("--points") { Description = "Samples in the synthetic set.", DefaultValueFactory = _ => 100 };
        var margin = new Option<double>("--margin") { Description = "Smallest distance of a sample from the true boundary.", DefaultValueFactory = _ => 0.1 };
        var seed = new Option<int>("--seed") { Description = "Seed of the data.", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int>("--epochs") { Description = "The most passes over the data.", DefaultValueFactory = _ => 100 };
        var svg = new Option<string?>("--svg") { Description = "Draw the samples and the learned boundary to FILE.", HelpName = "FILE" };
        var command = new Command("perceptron", "Train a perceptron with Rosenblatt's rule (not gradient-based) on linearly separable points and draw its boundary.")
        {
            points, margin, seed, epochs, svg,
        };
        command.SetAction(parsed =>
        {
            int count = parsed.GetValue(points);
            if (count < 2) throw new CliException("--points must be at least 2");
            if (parsed.GetValue(epochs) < 1) throw new CliException("--epochs must be at least 1");
            double marginValue = parsed.GetValue(margin);
            if (!(marginValue >= 0 && marginValue < SyntheticData.MaxMargin))
                throw new CliException($"--margin must be in [0, {SyntheticData.MaxMargin}): the samples lie in [-2, 2]², and a wider margin leaves too little room on one side of the line");
            if (parsed.GetValue(svg) is string drawTo)
            {
                CliFiles.CheckWritable(drawTo, "--svg");
                OutputFormats.Check(drawTo, "--svg", "an SVG picture", OutputFormats.Svg);
            }
            Dataset<float> data = SyntheticData.LinearlySeparable(count, marginValue, parsed.GetValue(seed));
            var perceptron = new Perceptron(2);
            IReadOnlyList<int> mistakes = perceptron.Train(data, parsed.GetValue(epochs));
            terminal.Out.WriteLine("epoch  mistakes");
            for (int e = 0; e < mistakes.Count; e++) terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{e + 1,5}  {mistakes[e],8}"));
            terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"w = ({perceptron.Weights[0]:0.###}, {perceptron.Weights[1]:0.###}), b = {perceptron.Bias:0.###}: {(mistakes[^1] == 0 ? "every sample on its side" : $"{mistakes[^1]} mistakes in the last epoch")}"));
            if (parsed.GetValue(svg) is { } path)
            {
                var samples = Enumerable.Range(0, data.Count).Select(s => ((double)data.Features[2 * s], (double)data.Features[2 * s + 1], data.Labels![s])).ToList();
                CliFiles.WriteAllText(path, SvgChart.Scatter("Perceptron decision boundary", samples, (perceptron.Weights[0], perceptron.Weights[1], perceptron.Bias)));
                terminal.Error.WriteLine($"wrote {path}");
            }

            return mistakes[^1] == 0 ? 0 : 1;
        });
        return command;
    }
}
