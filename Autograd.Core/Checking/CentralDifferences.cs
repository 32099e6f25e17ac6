using System.Numerics;

namespace Autograd.Checking;

/// <summary>
/// The numerical side of <see cref="GradCheck"/>, <see cref="TensorGradCheck"/> and
/// <see cref="Autodiff.NumericalJacobian{T}"/>: central differences, one coordinate at a time.
/// </summary>
internal static class CentralDifferences
{
    /// <summary>
    /// (f(x + h·eⱼ) − f(x − h·eⱼ)) / 2h for every coordinate j of <paramref name="point"/>: element [j][o] estimates
    /// ∂fₒ/∂xⱼ, computed in <typeparamref name="T"/>.
    /// </summary>
    /// <remarks>
    /// f is called at x + h·eⱼ and then at x − h·eⱼ, coordinate by coordinate, each time with an array of its own that
    /// it may keep. What f throws (a step that leaves its domain, when x lies within h of the edge) reaches the caller
    /// unchanged, and a step that gives NaN or infinity instead gives a quotient that is not finite.
    /// </remarks>
    /// <param name="f">The function, from the coordinates to the output elements.</param>
    /// <param name="point">The point x; left unchanged.</param>
    /// <param name="epsilon">The step h.</param>
    public static T[][] Estimate<T>(Func<T[], T[]> f, T[] point, double epsilon)
        where T : IFloatingPointIeee754<T>
    {
        T h = T.CreateTruncating(epsilon);
        T twoH = T.CreateTruncating(2) * h;
        var quotients = new T[point.Length][];
        for (int j = 0; j < point.Length; j++)
        {
            T[] plus = f(Step(point, j, h));
            T[] minus = f(Step(point, j, -h));
            quotients[j] = new T[plus.Length];
            for (int o = 0; o < plus.Length; o++) quotients[j][o] = (plus[o] - minus[o]) / twoH;
        }

        return quotients;
    }

    /// <summary>A copy of <paramref name="point"/> with <paramref name="step"/> added to coordinate <paramref name="j"/>.</summary>
    private static T[] Step<T>(T[] point, int j, T step)
        where T : IFloatingPointIeee754<T>
    {
        var stepped = (T[])point.Clone();
        stepped[j] += step;
        return stepped;
    }
}
