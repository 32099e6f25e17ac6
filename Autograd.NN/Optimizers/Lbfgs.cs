using System.Numerics;

namespace Autograd.NN.Optimizers;

/// <summary>
/// Limited-memory BFGS for full-batch problems, as PyTorch's <c>LBFGS</c>: the two-loop recursion over the last
/// <c>historySize</c> (s, y) pairs with the initial scaling sᵀy/yᵀy, a first step of min(1, 1/‖g‖₁)·η, and either a
/// fixed step η or a strong-Wolfe line search.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Lbfgs<T> : FullBatchOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<double[]> _steps = [];
    private readonly List<double[]> _gradientChanges = [];
    private readonly List<double> _curvatures = [];
    private double[]? _direction;
    private double[]? _previousGradient;
    private double _stepLength;
    private double _scaling = 1;
    private int _iterations;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">η, the step (or the line search's first trial step).</param>
    /// <param name="maxIterations">Iterations per <see cref="FullBatchOptimizer{T}.Step"/>.</param>
    /// <param name="historySize">Pairs kept for the inverse-Hessian estimate.</param>
    /// <param name="toleranceGrad">Stop when max |gᵢ| falls to this.</param>
    /// <param name="toleranceChange">Stop when the step or the loss changes by less than this.</param>
    /// <param name="strongWolfe">Use the strong-Wolfe line search (otherwise fixed steps).</param>
    public Lbfgs(IEnumerable<Tensor<T>> parameters, double learningRate = 1, int maxIterations = 20, int historySize = 100,
        double toleranceGrad = 1e-7, double toleranceChange = 1e-9, bool strongWolfe = false)
        : base(parameters)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(learningRate);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIterations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(historySize, 1);
        (LearningRate, MaxIterations, HistorySize, ToleranceGrad, ToleranceChange, UsesStrongWolfe) =
            (learningRate, maxIterations, historySize, toleranceGrad, toleranceChange, strongWolfe);
    }

    /// <summary>η.</summary>
    public double LearningRate { get; }

    /// <summary>Iterations per step.</summary>
    public int MaxIterations { get; }

    /// <summary>Pairs kept.</summary>
    public int HistorySize { get; }

    /// <summary>The gradient tolerance.</summary>
    public double ToleranceGrad { get; }

    /// <summary>The change tolerance.</summary>
    public double ToleranceChange { get; }

    /// <summary>Whether steps come from the strong-Wolfe line search.</summary>
    public bool UsesStrongWolfe { get; }

    /// <inheritdoc/>
    protected override double Iterate(Func<Tensor<T>> closure)
    {
        var gradient = new double[Size];
        double loss = Evaluate(closure, gradient);
        double initialLoss = loss;
        if (MaxAbs(gradient) <= ToleranceGrad) return initialLoss;
        int evaluations = 1, maxEvaluations = MaxIterations * 5 / 4;

        for (int iteration = 1; iteration <= MaxIterations; iteration++)
        {
            _iterations++;
            if (_iterations == 1)
            {
                _direction = [.. gradient.Select(g => -g)];
                _scaling = 1;
            }
            else
            {
                Remember(gradient);
                _direction = TwoLoop(gradient);
            }

            _previousGradient = (double[])gradient.Clone();
            double previousLoss = loss;
            double[] direction = _direction;
            double t = _iterations == 1 ? Math.Min(1, 1 / gradient.Sum(Math.Abs)) * LearningRate : LearningRate;
            double slope = Dot(gradient, direction);
            if (slope > -ToleranceChange) break;

            if (UsesStrongWolfe)
            {
                int before = Evaluations;
                t = StrongWolfe(closure, direction, t, ref loss, gradient, toleranceChange: ToleranceChange);
                evaluations += Evaluations - before;
            }
            else
            {
                Move(t, direction);
                // The last iteration's point is evaluated by the next step, as PyTorch does.
                if (iteration != MaxIterations)
                {
                    loss = Evaluate(closure, gradient);
                    evaluations++;
                }
            }

            _stepLength = t;
            if (iteration == MaxIterations || evaluations >= maxEvaluations) break;
            if (MaxAbs(gradient) <= ToleranceGrad) break;
            if (MaxAbs(direction) * Math.Abs(t) <= ToleranceChange) break;
            if (Math.Abs(loss - previousLoss) < ToleranceChange) break;
        }

        return initialLoss;
    }

    /// <summary>Adds the pair s = t·d, y = g − g_previous when its curvature sᵀy is positive (keeping the estimate positive definite).</summary>
    private void Remember(double[] gradient)
    {
        double[] s = [.. _direction!.Select(d => d * _stepLength)];
        double[] y = [.. gradient.Select((g, i) => g - _previousGradient![i])];
        double ys = Dot(y, s);
        if (ys <= 1e-10) return;
        if (_steps.Count == HistorySize)
        {
            _steps.RemoveAt(0);
            _gradientChanges.RemoveAt(0);
            _curvatures.RemoveAt(0);
        }

        _steps.Add(s);
        _gradientChanges.Add(y);
        _curvatures.Add(1 / ys);
        _scaling = ys / Dot(y, y);
    }

    /// <summary>The two-loop recursion: −H·g for the limited-memory inverse-Hessian estimate H.</summary>
    private double[] TwoLoop(double[] gradient)
    {
        int count = _steps.Count;
        var alpha = new double[count];
        double[] q = [.. gradient.Select(g => -g)];
        for (int i = count - 1; i >= 0; i--)
        {
            alpha[i] = Dot(_steps[i], q) * _curvatures[i];
            for (int j = 0; j < q.Length; j++) q[j] -= alpha[i] * _gradientChanges[i][j];
        }

        for (int j = 0; j < q.Length; j++) q[j] *= _scaling;
        for (int i = 0; i < count; i++)
        {
            double beta = Dot(_gradientChanges[i], q) * _curvatures[i];
            for (int j = 0; j < q.Length; j++) q[j] += (alpha[i] - beta) * _steps[i][j];
        }

        return q;
    }
}
