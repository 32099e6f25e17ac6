using System.Numerics;
using Autograd.NN.Init;

namespace Autograd.NN.Layers;

/// <summary>
/// A fully connected (dense) layer: y = a·Wᵀ + b for a batch of rows a, i.e. each unit computes w·a + b.
/// The weight is stored [out, in] as in PyTorch, so saved weights load there unchanged.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Linear<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the layer with seeded weights and zero biases.</summary>
    /// <param name="inFeatures">Inputs per sample.</param>
    /// <param name="outFeatures">Units (outputs per sample).</param>
    /// <param name="seed">Seed of the weights; when omitted, the next of <see cref="Seeds"/>.</param>
    /// <param name="initialization">How the weights are drawn (PyTorch's default when omitted).</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    public Linear(int inFeatures, int outFeatures, int? seed = null, Initialization initialization = Initialization.PyTorchDefault, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Initialization = initialization;
        Weight = RegisterParameter("weight", Initializers.Create<T>(initialization, [outFeatures, inFeatures], inFeatures, outFeatures, seed ?? Seeds.Next()));
        if (bias)
        {
            // PyTorch draws biases like weights; zeros are the Keras default and the classic texts' choice.
            Bias = RegisterParameter("bias", Tensor.Zeros<T>(outFeatures));
        }
    }

    private Linear(Tensor<T> weight, Tensor<T>? bias)
    {
        (OutFeatures, InFeatures) = (weight.Shape[0], weight.Shape[1]);
        Weight = RegisterParameter("weight", weight);
        if (bias is not null) Bias = RegisterParameter("bias", bias);
    }

    /// <summary>
    /// A layer with the given weight and bias (for example, read from a model file): no weights are drawn, so
    /// nothing is allocated beyond the tensors given, which become the layer's parameters.
    /// </summary>
    /// <param name="weight">The weight, [out, in].</param>
    /// <param name="bias">The bias, [out], or null for a layer without one.</param>
    /// <exception cref="ArgumentException">The shapes are not [out, in] and [out] with in, out ≥ 1.</exception>
    public static Linear<T> FromWeights(Tensor<T> weight, Tensor<T>? bias)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Shape.Count != 2 || weight.Shape[0] < 1 || weight.Shape[1] < 1)
            throw new ArgumentException($"linear: the weight has shape [{string.Join(",", weight.Shape)}], not [out, in] with both at least 1");
        if (bias is not null && !bias.Shape.SequenceEqual([weight.Shape[0]]))
            throw new ArgumentException($"linear: the bias has shape [{string.Join(",", bias.Shape)}], but the weight needs [{weight.Shape[0]}]");
        return new Linear<T>(weight, bias);
    }

    /// <summary>Inputs per sample.</summary>
    public int InFeatures { get; }

    /// <summary>Outputs per sample.</summary>
    public int OutFeatures { get; }

    /// <summary>How the weights were drawn.</summary>
    public Initialization Initialization { get; }

    /// <summary>The weight, [out, in].</summary>
    public Tensor<T> Weight { get; }

    /// <summary>The bias, [out], or null.</summary>
    public Tensor<T>? Bias { get; }

    /// <inheritdoc/>
    public override Tensor<T> Forward(Tensor<T> input) => Functional.Linear(input, Weight, Bias);

    /// <inheritdoc/>
    public override string Describe() => $"{InFeatures} → {OutFeatures}";
}

/// <summary>The functional forms of the layers, for models written without modules.</summary>
public static partial class Functional
{
    /// <summary>y = x·Wᵀ + b, with W stored [out, in].</summary>
    /// <param name="input">[batch, in] (or [in]).</param>
    /// <param name="weight">[out, in].</param>
    /// <param name="bias">[out] or null.</param>
    public static Tensor<T> Linear<T>(Tensor<T> input, Tensor<T> weight, Tensor<T>? bias) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        // One op: the product reads W transposed in place and adds the bias as it writes each tile.
        return Tensor.Linear(input, weight, bias);
    }
}
