using System.Globalization;
using Autograd.NN;

namespace Autograd.Cli.Training;

/// <summary>Builds a multi-layer perceptron from <c>--layers</c> and <c>--activation</c>.</summary>
internal static class ModelBuilder
{
    /// <summary>Dense layers of the given sizes with the activation between them (none after the last).</summary>
    /// <exception cref="CliException">The sizes or the activation are malformed.</exception>
    public static Sequential<float> Build(string layers, string activation, int seed, int inputs, int outputs)
    {
        int[] sizes = ParseSizes(layers);
        if (sizes[0] != inputs) throw new CliException($"--layers starts with {sizes[0]} inputs, but the data has {inputs} features per sample");
        if (sizes[^1] != outputs) throw new CliException($"--layers ends with {sizes[^1]} outputs, but the data and loss need {outputs}");
        Initialization initialization = activation is "relu" or "leaky_relu" ? Initialization.HeNormal : Initialization.XavierUniform;
        var model = new Sequential<float>();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            model.Add(new Linear<float>(sizes[i], sizes[i + 1], seed + i, initialization));
            if (i + 2 < sizes.Length) model.Add(Activation(activation));
        }

        return model;
    }

    private static Module<float> Activation(string name) => name switch
    {
        "relu" => new ReLU<float>(),
        "tanh" => new Tanh<float>(),
        "sigmoid" => new Sigmoid<float>(),
        "leaky_relu" => new LeakyReLU<float>(),
        _ => throw new CliException($"unknown activation '{name}': use relu, tanh, sigmoid or leaky_relu"),
    };

    private static int[] ParseSizes(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
                throw new CliException($"--layers '{text}': entry {i + 1} ('{parts[i]}') is not a positive whole number");
        if (sizes.Length < 2) throw new CliException($"--layers '{text}': give at least the input and output sizes, e.g. 784,500,400,10");
        return sizes;
    }
}
