using System.Globalization;
using Autograd.NN;
using Autograd.NN.Init;
using Autograd.NN.Layers;

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
        CheckMemory(layers, sizes);
        Initialization initialization = activation is "relu" or "leaky_relu" ? Initialization.HeNormal : Initialization.XavierUniform;
        var model = new Sequential<float>();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            model.Add(new Linear<float>(sizes[i], sizes[i + 1], seed + i, initialization));
            if (i + 2 < sizes.Length) model.Add(Activation(activation));
        }

        return model;
    }

    /// <summary>
    /// Refuses, before drawing a single weight, a model whose parameters with their gradients and an optimizer's two
    /// moments (16 bytes a parameter) exceed the memory this process may use: it would page for hours or be killed.
    /// A layer too large for one array is left to the tensor, which names its shape.
    /// </summary>
    private static void CheckMemory(string text, int[] sizes)
    {
        long parameters = 0;
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            long weights = (long)sizes[i] * sizes[i + 1];
            if (weights > Array.MaxLength) return;
            parameters += weights + sizes[i + 1];
        }

        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (parameters * 16 > available)
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"--layers {text}: {parameters:N0} parameters need {parameters * 16 / 1e9:0.#} GB with their gradients and the optimizer's state, but {available / 1e9:0.#} GB is available"));
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
