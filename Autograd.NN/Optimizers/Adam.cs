using System.Numerics;

namespace Autograd.NN.Optimizers;

/// <summary>
/// Adam (Kingma and Ba), with PyTorch's defaults (η = 0.001, β = (0.9, 0.999), ε = 1e-8):
/// m = β₁m + (1 − β₁)g; v = β₂v + (1 − β₂)g²; p ← p − η·m̂ / (√v̂ + ε) with the bias corrections
/// m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), t counting the updates of each parameter. Weight decay is either L2 (added to g, <c>Adam</c>) or decoupled
/// (p ← p − ηλp before the step, <see cref="AdamW{T}"/>).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public class Adam<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly StateBuffers _first;
    private readonly StateBuffers _second;
    private readonly bool _decoupled;

    // t of the bias corrections, per parameter as in PyTorch: a parameter that first gets a gradient late (a head
    // unfrozen later, a branch unused at first) starts its corrections at t = 1, not at the optimizer's step count.
    private readonly int[] _updates;

    /// <summary>Creates the optimizer with L2 weight decay.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="beta1">β₁.</param>
    /// <param name="beta2">β₂.</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="weightDecay">λ.</param>
    public Adam(IEnumerable<Tensor<T>> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
        : this(parameters, learningRate, beta1, beta2, epsilon, weightDecay, decoupled: false)
    {
    }

    /// <summary>Creates the optimizer, with decoupled or L2 weight decay.</summary>
    private protected Adam(IEnumerable<Tensor<T>> parameters, double learningRate, double beta1, double beta2, double epsilon, double weightDecay, bool decoupled)
        : base(parameters, learningRate)
    {
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "adam: beta1 must be in [0, 1)");
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "adam: beta2 must be in [0, 1)");
        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        _decoupled = decoupled;
        _first = new StateBuffers(Parameters.Count);
        _second = new StateBuffers(Parameters.Count);
        _updates = new int[Parameters.Count];
    }

    /// <summary>β₁.</summary>
    public double Beta1 { get; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Epsilon { get; }

    /// <summary>λ.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc/>
    protected override void Update(int index, Span<T> parameter, ReadOnlySpan<T> gradient)
    {
        T[] m = _first.Get(index, parameter.Length, out _), v = _second.Get(index, parameter.Length, out _);
        T b1 = T.CreateTruncating(Beta1), b2 = T.CreateTruncating(Beta2), eps = T.CreateTruncating(Epsilon);
        T lr = T.CreateTruncating(LearningRate), decay = T.CreateTruncating(WeightDecay);
        int t = ++_updates[index];
        T correction1 = T.CreateTruncating(1 - Math.Pow(Beta1, t));
        T root2 = T.CreateTruncating(Math.Sqrt(1 - Math.Pow(Beta2, t)));
        UpdateKernels.Adam<T>(parameter, gradient, m, v, new AdamScalars<T>(lr, b1, b2, eps, decay, _decoupled, correction1, root2));
    }
}

/// <summary>Adam with decoupled weight decay (Loshchilov and Hutter), PyTorch's default λ = 0.01.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class AdamW<T> : Adam<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="beta1">β₁.</param>
    /// <param name="beta2">β₂.</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="weightDecay">λ.</param>
    public AdamW(IEnumerable<Tensor<T>> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0.01)
        : base(parameters, learningRate, beta1, beta2, epsilon, weightDecay, decoupled: true)
    {
    }
}
