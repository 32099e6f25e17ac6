using System.Numerics;

namespace Autograd.Functions;

/// <summary>Special functions that <see cref="Math"/> lacks, to double precision, and a loop for spans of them.</summary>
internal static class ScalarMath
{
    /// <summary>1/√π.</summary>
    public const double InverseSqrtPi = 0.56418958354775628695;

    /// <summary>1/√2.</summary>
    public const double InverseSqrt2 = 0.70710678118654752440;

    /// <summary>1/√(2π).</summary>
    public const double InverseSqrt2Pi = 0.39894228040143267794;

    /// <summary>The error function, erf x = 2/√π ∫₀ˣ e^−t² dt.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        if (Math.Abs(x) < 2.5) return SeriesErf(x);
        double tail = ContinuedFractionErfc(Math.Abs(x));
        return x > 0 ? 1 - tail : tail - 1;
    }

    /// <summary>The complementary error function 1 − erf x, without the cancellation of the subtraction for large x.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return x;
        if (Math.Abs(x) < 2.5) return 1 - SeriesErf(x);
        double tail = ContinuedFractionErfc(Math.Abs(x));
        return x > 0 ? tail : 2 - tail;
    }

    // erf x = 2/√π · e^−x² · Σ 2ⁿx²ⁿ⁺¹ / (1·3·…·(2n+1)): every term positive, so nothing cancels (for |x| < 2.5,
    // about 60 terms).
    private static double SeriesErf(double x)
    {
        double twoXSquared = 2 * x * x, term = x, sum = x;
        for (int n = 1; n < 200 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
        {
            term *= twoXSquared / (2 * n + 1);
            sum += term;
        }

        return 2 * InverseSqrtPi * Math.Exp(-x * x) * sum;
    }

    // erfc x = e^−x²/√π · 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …)))) for x ≥ 2.5, evaluated from the tail
    // (Abramowitz and Stegun 7.1.14); 80 levels are far more than double precision needs there.
    private static double ContinuedFractionErfc(double x)
    {
        if (x > 27) return 0;
        double t = x;
        for (int k = 80; k >= 1; k--) t = x + k / 2.0 / t;
        return InverseSqrtPi * Math.Exp(-x * x) / t;
    }

    /// <summary>ln(1 + x), accurate for tiny x where 1 + x rounds (Goldberg's correction).</summary>
    public static double Log1p(double x)
    {
        double u = 1 + x;
        if (u == 1) return x;
        if (double.IsInfinity(u)) return u;
        return Math.Log(u) * x / (u - 1);
    }

    /// <summary>eˣ − 1, accurate for tiny x where eˣ rounds to 1 (Kahan's correction).</summary>
    public static double Expm1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1) return x;
        double um1 = u - 1;
        if (um1 == -1 || double.IsInfinity(u)) return um1;
        return um1 * x / Math.Log(u);
    }

    /// <summary>σ(x) = 1/(1 + e^−x) in two branches, so that e^−x never overflows.</summary>
    public static double Sigmoid(double x)
    {
        if (x >= 0) return 1 / (1 + Math.Exp(-x));
        double e = Math.Exp(x);
        return e / (1 + e);
    }

    /// <summary>y[i] = f(x[i]), through double: for functions without a vectorized kernel.</summary>
    public static void Map<T>(ReadOnlySpan<T> x, Span<T> y, Func<double, double> f) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = T.CreateTruncating(f(double.CreateTruncating(x[i])));
    }
}
