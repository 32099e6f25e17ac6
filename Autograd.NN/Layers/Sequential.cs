using System.Numerics;

namespace Autograd.NN.Layers;

/// <summary>Layers applied one after another; sub-modules are named by position (<c>0</c>, <c>1</c>, …) as in PyTorch.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Sequential<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<Module<T>> _layers = [];

    /// <summary>Creates the chain.</summary>
    /// <param name="layers">The layers, first applied first.</param>
    public Sequential(params IEnumerable<Module<T>> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (Module<T> layer in layers) Add(layer);
    }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Module<T>> Layers => _layers;

    /// <summary>Appends a layer; returns this chain for fluent building.</summary>
    public Sequential<T> Add(Module<T> layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    /// <inheritdoc/>
    public override Tensor<T> Forward(Tensor<T> input) => ForwardTo(input, _layers.Count);

    /// <summary>
    /// The output of the first <paramref name="layerCount"/> layers: the features a trained network computes at
    /// that depth, read without retraining.
    /// </summary>
    /// <param name="input">The network's input.</param>
    /// <param name="layerCount">How many layers to apply (0 returns the input).</param>
    public Tensor<T> ForwardTo(Tensor<T> input, int layerCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layerCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(layerCount, _layers.Count);
        Tensor<T> x = input;
        for (int i = 0; i < layerCount; i++) x = _layers[i].Forward(x);
        return x;
    }
}
