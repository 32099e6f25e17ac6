using System.Numerics;

namespace Autograd.NN.Optimizers;

/// <summary>
/// RMSprop with Keras's defaults (η = 0.001, ρ = 0.9, ε = 1e-7): v = ρv + (1 − ρ)g²; p ← p − η·g / (√v + ε).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class RmsProp<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly StateBuffers _squares;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="rho">ρ, the decay of the running mean of squared gradients.</param>
    /// <param name="epsilon">ε, added to the root for stability.</param>
    public RmsProp(IEnumerable<Tensor<T>> parameters, double learningRate = 1e-3, double rho = 0.9, double epsilon = 1e-7)
        : base(parameters, learningRate)
    {
        if (rho is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(rho), rho, "rmsprop: rho must be in [0, 1)");
        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        Rho = rho;
        Epsilon = epsilon;
        _squares = new StateBuffers(Parameters.Count);
    }

    /// <summary>ρ.</summary>
    public double Rho { get; }

    /// <summary>ε.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    protected override void Update(int index, Span<T> parameter, ReadOnlySpan<T> gradient)
    {
        T lr = T.CreateTruncating(LearningRate), rho = T.CreateTruncating(Rho), eps = T.CreateTruncating(Epsilon);
        T[] v = _squares.Get(index, parameter.Length, out _);
        for (int i = 0; i < parameter.Length; i++)
        {
            T g = gradient[i];
            v[i] = rho * v[i] + (T.One - rho) * g * g;
            parameter[i] -= lr * g / (T.Sqrt(v[i]) + eps);
        }
    }
}
