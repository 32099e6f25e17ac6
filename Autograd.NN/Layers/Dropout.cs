using System.Numerics;
using Autograd.NN.Init;

namespace Autograd.NN.Layers;

/// <summary>
/// Inverted dropout: in training mode each element is zeroed with probability p and the survivors are scaled by
/// 1/(1 − p), so evaluation mode is the identity and needs no rescaling.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Dropout<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Random _random;

    /// <summary>Creates the layer.</summary>
    /// <param name="probability">The probability of dropping an element, in [0, 1).</param>
    /// <param name="seed">Seed of the masks; when omitted, the next of <see cref="Seeds"/>.</param>
    public Dropout(double probability = 0.5, int? seed = null)
    {
        if (!(probability >= 0 && probability < 1))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "dropout: the probability must be in [0, 1)");
        Probability = probability;
        _random = new Random(seed ?? Seeds.Next());
    }

    /// <summary>The probability of dropping an element.</summary>
    public double Probability { get; }

    /// <inheritdoc/>
    public override Tensor<T> Forward(Tensor<T> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!Training || Probability == 0) return input;
        var mask = new T[input.Size];
        T keep = T.CreateTruncating(1 / (1 - Probability));
        for (int i = 0; i < mask.Length; i++) mask[i] = _random.NextDouble() < Probability ? T.Zero : keep;
        // The mask is a constant: the gradient flows through the kept elements, scaled the same way.
        return input * Tensor.FromArray(mask, [.. input.Shape]);
    }

    /// <inheritdoc/>
    public override string Describe() => $"p = {Probability}";
}
