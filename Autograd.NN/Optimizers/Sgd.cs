using System.Numerics;
using System.Numerics.Tensors;
using Autograd.Gradients;

namespace Autograd.NN.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum (heavy-ball or Nesterov) and L2 weight decay, as PyTorch's
/// <c>SGD</c>: d = g + λp; b = μb + d (b = d on the first step); d = d + μb (Nesterov) or b; p ← p − η·d.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Sgd<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly StateBuffers _momentum;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ (0 for plain SGD).</param>
    /// <param name="nesterov">Use Nesterov momentum (needs μ &gt; 0).</param>
    /// <param name="weightDecay">λ, the L2 penalty added to the gradient.</param>
    public Sgd(IEnumerable<Tensor<T>> parameters, double learningRate, double momentum = 0, bool nesterov = false, double weightDecay = 0)
        : base(parameters, learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(momentum);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        if (nesterov && momentum == 0) throw new ArgumentException("sgd: Nesterov momentum needs a momentum above 0");
        Momentum = momentum;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
        _momentum = new StateBuffers(Parameters.Count);
    }

    /// <summary>μ.</summary>
    public double Momentum { get; }

    /// <summary>Whether the momentum is Nesterov's.</summary>
    public bool Nesterov { get; }

    /// <summary>λ.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc/>
    protected override void Update(int index, Span<T> parameter, ReadOnlySpan<T> gradient)
    {
        T lr = T.CreateTruncating(LearningRate);
        if (Momentum == 0 && WeightDecay == 0)
        {
            TensorPrimitives.MultiplyAdd(gradient, -lr, parameter, parameter);
            return;
        }

        T mu = T.CreateTruncating(Momentum), decay = T.CreateTruncating(WeightDecay);
        T[] buffer = _momentum.Get(index, parameter.Length, out bool first);
        // Without momentum the buffer is just d: treating every step as the first keeps a past infinity out of it.
        UpdateKernels.SgdMomentum<T>(parameter, gradient, buffer, lr, mu, decay, first || Momentum == 0, Nesterov);
    }

    /// <inheritdoc/>
    protected override void UpdateSparse(int index, Tensor<T> parameter, RowSparseGradient<T> gradient)
    {
        if (Momentum != 0 || WeightDecay != 0)
            throw new NotSupportedException("sgd: row-sparse gradients are supported without momentum and weight decay, as in PyTorch's sparse SGD");
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(gradient);
        // Repeated rows are applied one after another: for SGD that equals applying their sum.
        gradient.AddTo(parameter.AsSpan(), -T.CreateTruncating(LearningRate));
    }
}
