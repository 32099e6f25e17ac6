using System.Numerics;

namespace Autograd.NN;

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

    /// <summary>Inputs per sample.</summary>
    public int InFeatures { get; }

    /// <summary>Outputs per sample.</summary>
    public int OutFeatures { get; }

    /// <summary>How the weights were drawn.</summary>
    public Initialization Initialization { get; }

    /// <summary>The weight, [out, in].</summary>
    public Tensor<T> Weight { get; private set; }

    /// <summary>The bias, [out], or null.</summary>
    public Tensor<T>? Bias { get; private set; }

    /// <inheritdoc/>
    public override Tensor<T> Forward(Tensor<T> input) => Functional.Linear(input, Weight, Bias);

    /// <inheritdoc/>
    public override string Describe() => $"{InFeatures} → {OutFeatures}";

    /// <summary>Points the layer at new weight tensors (after loading).</summary>
    internal void Load(Tensor<T> weight, Tensor<T>? bias)
    {
        ReplaceParameter("weight", weight);
        Weight = weight;
        if (bias is not null)
        {
            ReplaceParameter("bias", bias);
            Bias = bias;
        }
    }
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
        return Tensor<T>.Linear(input, weight, bias);
    }
}
