using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd.Kernels;

/// <summary>Reductions along one axis of a row-major buffer viewed as [outer, n, inner].</summary>
internal static class Reduce
{
    /// <summary>Sums over the middle axis: result[o, i] = Σₖ x[o, k, i].</summary>
    public static T[] Sum<T>(ReadOnlySpan<T> x, int outer, int n, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new T[outer * inner];
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) result[o] = TensorPrimitives.Sum(x.Slice(o * n, n));
            return result;
        }

        // Add whole rows: each row of `inner` elements is contiguous, so the additions vectorize.
        for (int o = 0; o < outer; o++)
        {
            Span<T> target = result.AsSpan(o * inner, inner);
            for (int k = 0; k < n; k++) TensorPrimitives.Add(target, x.Slice((o * n + k) * inner, inner), target);
        }

        return result;
    }

    /// <summary>Maxima over the middle axis and where they are (the first, on ties).</summary>
    public static (T[] Values, int[] Indices) Max<T>(ReadOnlySpan<T> x, int outer, int n, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[outer * inner];
        var indices = new int[outer * inner];
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                ReadOnlySpan<T> row = x.Slice(o * n, n);
                int at = TensorPrimitives.IndexOfMax(row);
                // IndexOfMax ranks +0 above −0, which are equal: the first zero is then the first maximum.
                if (T.IsZero(row[at])) at = FirstZero(row, at);
                values[o] = row[at];
                indices[o] = at;
                continue;
            }

            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                T bestValue = x[o * n * inner + i];
                for (int k = 1; k < n; k++)
                {
                    T candidate = x[(o * n + k) * inner + i];
                    // NaN wins, so that a NaN maximum is reported rather than hidden.
                    if (candidate > bestValue || (T.IsNaN(candidate) && !T.IsNaN(bestValue)))
                    {
                        best = k;
                        bestValue = candidate;
                    }
                }

                values[o * inner + i] = bestValue;
                indices[o * inner + i] = best;
            }
        }

        return (values, indices);
    }

    private static int FirstZero<T>(ReadOnlySpan<T> row, int last) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < last; j++)
            if (T.IsZero(row[j])) return j;
        return last;
    }
}
