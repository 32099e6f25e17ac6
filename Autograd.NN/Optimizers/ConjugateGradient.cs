using System.Numerics;

namespace Autograd.NN.Optimizers;

/// <summary>
/// Nonlinear conjugate gradient (Polak–Ribière with the PR+ restart: β = max(0, gₖᵀ(gₖ − gₖ₋₁)/‖gₖ₋₁‖²)) with a
/// strong-Wolfe line search; the direction restarts as steepest descent whenever it stops being a descent direction.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="parameters">The parameters.</param>
/// <param name="maxIterations">Iterations per <see cref="FullBatchOptimizer{T}.Step"/>.</param>
/// <param name="toleranceGrad">Stop when max |gᵢ| falls to this.</param>
public sealed class ConjugateGradient<T>(IEnumerable<Tensor<T>> parameters, int maxIterations = 20, double toleranceGrad = 1e-7)
    : FullBatchOptimizer<T>(parameters) where T : unmanaged, IFloatingPointIeee754<T>
{
    private double[]? _direction;
    private double[]? _previousGradient;
    private double _previousStep = 1;

    /// <inheritdoc/>
    protected override double Iterate(Func<Tensor<T>> closure)
    {
        var gradient = new double[Size];
        double loss = Evaluate(closure, gradient);
        double initialLoss = loss;
        for (int iteration = 0; iteration < maxIterations && MaxAbs(gradient) > toleranceGrad; iteration++)
        {
            if (_direction is null || _previousGradient is null)
            {
                _direction = [.. gradient.Select(g => -g)];
            }
            else
            {
                double beta = Math.Max(0, (Dot(gradient, gradient) - Dot(gradient, _previousGradient)) / Dot(_previousGradient, _previousGradient));
                for (int i = 0; i < Size; i++) _direction[i] = -gradient[i] + beta * _direction[i];
                if (Dot(gradient, _direction) >= 0) _direction = [.. gradient.Select(g => -g)];
            }

            _previousGradient = (double[])gradient.Clone();
            double slope = Dot(gradient, _direction);
            // The first trial step assumes the decrease will match the last one's (Nocedal and Wright, eq. 3.60).
            double trial = iteration == 0 && _previousStep == 1 ? Math.Min(1, 1 / gradient.Sum(Math.Abs)) : _previousStep;
            // CG needs a tighter curvature condition than quasi-Newton methods (c₂ = 0.1).
            _previousStep = StrongWolfe(closure, _direction, trial, ref loss, gradient, c2: 0.1);
        }

        return initialLoss;
    }
}
