using System.Numerics.Tensors;
using Autograd.Memory;

namespace Autograd.Bench.Tensors;

/// <summary>
/// One SGD training step of the anchor's 784-500-400-10 ReLU MLP with softmax cross-entropy, written with raw
/// engine ops (the same work as <c>torch_anchor.py</c>'s <c>mlp step</c>): forward, backward, update, zero, inside a
/// <see cref="TensorScope"/> so that steps after the first allocate nothing large. Weights are [out, in] and enter as
/// x·Wᵀ, as in <c>torch.nn.Linear</c> and Autograd.NN's Linear.
/// </summary>
public sealed class MlpTrainingStep
{
    private static readonly int[] Sizes = [784, 500, 400, 10];
    private readonly Tensor<float>[] _weights;
    private readonly Tensor<float>[] _biases;
    private readonly Tensor<float> _inputs;
    private readonly int[] _labels;

    /// <summary>A model with PyTorch-style uniform(±1/√fan_in) initialization and one fixed random batch.</summary>
    /// <param name="batch">Samples per step.</param>
    /// <param name="seed">Seed for the weights and the batch.</param>
    public MlpTrainingStep(int batch, int seed = 1)
    {
        Batch = batch;
        _weights = new Tensor<float>[Sizes.Length - 1];
        _biases = new Tensor<float>[Sizes.Length - 1];
        for (int l = 0; l < _weights.Length; l++)
        {
            double bound = 1 / Math.Sqrt(Sizes[l]);
            _weights[l] = Tensor.RandomUniform<float>([Sizes[l + 1], Sizes[l]], seed + 2 * l, -bound, bound).RequireGrad();
            _biases[l] = Tensor.RandomUniform<float>([Sizes[l + 1]], seed + 2 * l + 1, -bound, bound).RequireGrad();
        }

        _inputs = Tensor.RandomNormal<float>([batch, Sizes[0]], seed + 100);
        var random = new Random(seed + 101);
        _labels = [.. Enumerable.Range(0, batch).Select(_ => random.Next(Sizes[^1]))];
    }

    /// <summary>Samples per step.</summary>
    public int Batch { get; }

    /// <summary>Runs one step with learning rate <paramref name="learningRate"/> and returns the loss before it.</summary>
    public float Step(float learningRate = 0.01f)
    {
        // The step's activations and gradients recycle the previous step's arrays.
        using var scope = new TensorScope();
        Tensor<float> h = _inputs;
        for (int l = 0; l < _weights.Length; l++)
        {
            // x·Wᵀ + b with the hidden layers' ReLU, in one op: bias and ReLU are applied as the product writes C.
            h = Tensor.Linear(h, _weights[l], _biases[l], relu: l < _weights.Length - 1);
        }

        // Cross-entropy: the mean over the batch of −log softmax at each sample's label.
        Tensor<float> loss = -h.LogSoftmax(1).Gather(1, _labels, Batch, 1).Mean();
        loss.Backward();
        foreach (Tensor<float> p in _weights.Concat(_biases))
        {
            TensorPrimitives.MultiplyAdd(p.Grad!.AsReadOnlySpan(), -learningRate, p.AsSpan(), p.AsSpan());
            p.ZeroGrad();
        }

        return loss.Item();
    }
}
