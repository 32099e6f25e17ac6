using Autograd;

namespace Autograd.Bench.Scalar;

/// <summary>
/// The scalar-engine workloads measured by both the BenchmarkDotNet suite and the quick figures,
/// so that the two always time the same graph.
/// </summary>
public static class ScalarWorkloads
{
    /// <summary>
    /// The anchor's per-op overhead chain: 1,000 times <c>v = v·1.0001 + 0.0001</c> (2,000 ops), then backward.
    /// Mirrors <c>torch_anchor.py</c> so the two figures are the same work.
    /// </summary>
    /// <returns>The gradient of the chain's output with respect to its input.</returns>
    public static double Chain(int links)
    {
        var x = new Value(0.5);
        Value v = x;
        for (var i = 0; i < links; i++)
            v = v * 1.0001 + 0.0001;
        v.Backward();
        return x.Grad;
    }

    /// <summary>Operations recorded by <see cref="Chain"/> (one multiply and one add per link).</summary>
    public static long ChainOps(int links) => 2L * links;

    /// <summary>
    /// A micrograd-style dense layer: <paramref name="outputs"/> tanh neurons over <paramref name="inputs"/>
    /// inputs (z = tanh(w·a + b)), summed into one output and differentiated.
    /// </summary>
    /// <returns>The gradient of the sum with respect to the first weight.</returns>
    public static double DenseLayer(DenseLayerParameters layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        layer.ZeroGrad();
        Value total = Value.Constant(0);
        for (var j = 0; j < layer.Outputs; j++)
        {
            Value z = layer.Biases[j];
            for (var i = 0; i < layer.Inputs; i++)
                z += layer.Weights[j][i] * layer.Activations[i];
            total += z.Tanh();
        }
        total.Backward();
        return layer.Weights[0][0].Grad;
    }

    /// <summary>Operations recorded by one <see cref="DenseLayer"/> pass.</summary>
    public static long DenseLayerOps(int inputs, int outputs) => outputs * (2L * inputs + 2);
}

/// <summary>The leaves of a dense layer of scalar neurons: weights, biases and the incoming activations.</summary>
public sealed class DenseLayerParameters
{
    /// <summary>Creates a layer with deterministic pseudo-random weights.</summary>
    public DenseLayerParameters(int inputs, int outputs, int seed = 1)
    {
        var random = new Random(seed);
        Inputs = inputs;
        Outputs = outputs;
        Weights = new Value[outputs][];
        for (var j = 0; j < outputs; j++)
        {
            Weights[j] = new Value[inputs];
            for (var i = 0; i < inputs; i++)
                Weights[j][i] = new Value(random.NextDouble() * 2 - 1);
        }
        Biases = new Value[outputs];
        for (var j = 0; j < outputs; j++)
            Biases[j] = new Value(0);
        Activations = new Value[inputs];
        for (var i = 0; i < inputs; i++)
            Activations[i] = new Value(random.NextDouble());
    }

    /// <summary>Number of inputs per neuron.</summary>
    public int Inputs { get; }

    /// <summary>Number of neurons.</summary>
    public int Outputs { get; }

    /// <summary>Weights, one row per neuron.</summary>
    public Value[][] Weights { get; }

    /// <summary>One bias per neuron.</summary>
    public Value[] Biases { get; }

    /// <summary>The incoming activations (leaves, so they receive gradients too).</summary>
    public Value[] Activations { get; }

    /// <summary>Clears every leaf's gradient before the next pass.</summary>
    public void ZeroGrad()
    {
        foreach (var row in Weights)
            foreach (var w in row)
                w.Grad = 0;
        foreach (var b in Biases)
            b.Grad = 0;
        foreach (var a in Activations)
            a.Grad = 0;
    }
}
