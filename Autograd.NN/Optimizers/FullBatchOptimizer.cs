using System.Numerics;

namespace Autograd.NN.Optimizers;

/// <summary>
/// The base of full-batch optimizers (L-BFGS, nonlinear conjugate gradient): they see the parameters as one flat
/// vector and call a closure that zeroes the gradients, computes the loss, runs <c>Backward()</c> and returns the
/// loss, as many times as their line search needs.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public abstract class FullBatchOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Tensor<T>[] _parameters;

    /// <summary>Creates the optimizer over <paramref name="parameters"/>.</summary>
    protected FullBatchOptimizer(IEnumerable<Tensor<T>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = [.. parameters];
        if (_parameters.Length == 0) throw new ArgumentException($"{GetType().Name}: no parameters to optimize");
        Size = _parameters.Sum(p => p.Size);
    }

    /// <summary>The number of scalar parameters.</summary>
    public int Size { get; }

    /// <summary>The number of closure evaluations so far.</summary>
    public int Evaluations { get; private set; }

    /// <summary>Runs up to the configured number of iterations; returns the loss at the start of the step.</summary>
    /// <param name="closure">Zeroes the gradients, computes the loss, calls <c>Backward()</c> and returns the loss.</param>
    public double Step(Func<Tensor<T>> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        return Iterate(closure);
    }

    /// <summary>The optimizer's iterations for one <see cref="Step"/>; returns the loss at the start.</summary>
    protected abstract double Iterate(Func<Tensor<T>> closure);

    /// <summary>Evaluates the closure at the current parameters: the loss, with the flat gradient written to <paramref name="gradient"/>.</summary>
    protected double Evaluate(Func<Tensor<T>> closure, double[] gradient)
    {
        ArgumentNullException.ThrowIfNull(closure);
        Evaluations++;
        double loss = double.CreateTruncating(closure().Item());
        int offset = 0;
        foreach (Tensor<T> p in _parameters)
        {
            if (p.Grad is null) Array.Clear(gradient, offset, p.Size);
            else
            {
                T[] g = p.Grad.ToArray();
                for (int i = 0; i < g.Length; i++) gradient[offset + i] = double.CreateTruncating(g[i]);
            }

            offset += p.Size;
        }

        return loss;
    }

    /// <summary>Adds step·direction to the parameters.</summary>
    protected void Move(double step, double[] direction)
    {
        int offset = 0;
        foreach (Tensor<T> p in _parameters)
        {
            Span<T> values = p.AsSpan();
            for (int i = 0; i < values.Length; i++) values[i] += T.CreateTruncating(step * direction[offset + i]);
            offset += values.Length;
        }
    }

    /// <summary>The parameters as one vector.</summary>
    protected double[] Flatten()
    {
        var x = new double[Size];
        int offset = 0;
        foreach (Tensor<T> p in _parameters)
        {
            T[] v = p.ToArray();
            for (int i = 0; i < v.Length; i++) x[offset + i] = double.CreateTruncating(v[i]);
            offset += v.Length;
        }

        return x;
    }

    /// <summary>Sets the parameters from one vector.</summary>
    protected void Assign(double[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int offset = 0;
        foreach (Tensor<T> p in _parameters)
        {
            Span<T> values = p.AsSpan();
            for (int i = 0; i < values.Length; i++) values[i] = T.CreateTruncating(x[offset + i]);
            offset += values.Length;
        }
    }

    /// <summary>The dot product of two vectors.</summary>
    protected static double Dot(double[] a, double[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>max |v_i|.</summary>
    protected static double MaxAbs(double[] v) => v.Max(Math.Abs);

    /// <summary>
    /// A line search along <paramref name="direction"/> satisfying the strong Wolfe conditions
    /// (f(x + t·d) ≤ f(x) + c₁·t·gᵀd and |g(x + t·d)ᵀd| ≤ c₂·|gᵀd|), by bracketing and cubic-interpolation zoom
    /// (Nocedal and Wright, Algorithms 3.5 and 3.6). Leaves the parameters at the accepted point, with its loss and
    /// gradient in <paramref name="loss"/> and <paramref name="gradient"/>; returns the step t.
    /// </summary>
    protected double StrongWolfe(Func<Tensor<T>> closure, double[] direction, double initialStep, ref double loss, double[] gradient,
        double c1 = 1e-4, double c2 = 0.9, int maxEvaluations = 25, double toleranceChange = 1e-9)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        double[] start = Flatten();
        double f0 = loss, d0 = Dot(gradient, direction);
        double[] g = new double[Size];
        double tPrevious = 0, fPrevious = f0, dPrevious = d0, t = initialStep;
        double tLow = 0, fLow = f0, dLow = d0, tHigh = 0, fHigh = 0, dHigh = 0;
        double[] gLow = (double[])gradient.Clone();
        bool bracketed = false;
        double fT = f0, dT = d0;
        int evaluations = 0;

        double At(double step, double[] into)
        {
            Assign(start);
            Move(step, direction);
            evaluations++;
            return Evaluate(closure, into);
        }

        // Bracketing phase: grow t until the interval [tLow, tHigh] must contain an acceptable step.
        while (evaluations < maxEvaluations)
        {
            fT = At(t, g);
            dT = Dot(g, direction);
            if (fT > f0 + c1 * t * d0 || (evaluations > 1 && fT >= fPrevious))
            {
                (tLow, fLow, dLow, tHigh, fHigh, dHigh) = (tPrevious, fPrevious, dPrevious, t, fT, dT);
                bracketed = true;
                break;
            }

            if (Math.Abs(dT) <= -c2 * d0) return Accept(t, fT, g, ref loss, gradient);

            if (dT >= 0)
            {
                (tLow, fLow, dLow, tHigh, fHigh, dHigh) = (t, fT, dT, tPrevious, fPrevious, dPrevious);
                Array.Copy(g, gLow, Size);
                bracketed = true;
                break;
            }

            (tPrevious, fPrevious, dPrevious) = (t, fT, dT);
            Array.Copy(g, gLow, Size);
            (tLow, fLow, dLow) = (t, fT, dT);
            // Still descending steeply: try a longer step.
            t *= 2;
        }

        if (!bracketed) return Accept(t, fT, g, ref loss, gradient);

        // Zoom phase: shrink the bracket by cubic interpolation until the strong Wolfe conditions hold.
        while (evaluations < maxEvaluations && Math.Abs(tHigh - tLow) * MaxAbs(direction) >= toleranceChange)
        {
            double lo = Math.Min(tLow, tHigh), hi = Math.Max(tLow, tHigh);
            t = Cubic(tLow, fLow, dLow, tHigh, fHigh, dHigh, lo, hi);
            // Keep the trial away from the ends so the bracket keeps shrinking.
            double margin = 0.1 * (hi - lo);
            if (t < lo + margin || t > hi - margin) t = (lo + hi) / 2;
            fT = At(t, g);
            dT = Dot(g, direction);
            if (fT > f0 + c1 * t * d0 || fT >= fLow)
            {
                (tHigh, fHigh, dHigh) = (t, fT, dT);
                continue;
            }

            if (Math.Abs(dT) <= -c2 * d0) return Accept(t, fT, g, ref loss, gradient);

            if (dT * (tHigh - tLow) >= 0) (tHigh, fHigh, dHigh) = (tLow, fLow, dLow);
            (tLow, fLow, dLow) = (t, fT, dT);
            Array.Copy(g, gLow, Size);
        }

        // Out of evaluations: settle on the best point found.
        Assign(start);
        Move(tLow, direction);
        loss = fLow;
        Array.Copy(gLow, gradient, Size);
        return tLow;
    }

    /// <summary>Takes the trial point (where the parameters already are) as the line search's result.</summary>
    private double Accept(double t, double f, double[] at, ref double loss, double[] gradient)
    {
        loss = f;
        Array.Copy(at, gradient, Size);
        return t;
    }

    /// <summary>
    /// The minimizer of the cubic through (t1, f1, d1) and (t2, f2, d2), clamped to [lo, hi]; the bisection point when
    /// the cubic has no minimizer there.
    /// </summary>
    private static double Cubic(double t1, double f1, double d1, double t2, double f2, double d2, double lo, double hi)
    {
        double e1 = d1 + d2 - 3 * (f1 - f2) / (t1 - t2);
        double square = e1 * e1 - d1 * d2;
        if (square < 0) return (lo + hi) / 2;
        double e2 = Math.Sign(t2 - t1) * Math.Sqrt(square);
        double t = t2 - (t2 - t1) * ((d2 + e2 - e1) / (d2 - d1 + 2 * e2));
        return double.IsFinite(t) ? Math.Clamp(t, lo, hi) : (lo + hi) / 2;
    }
}
