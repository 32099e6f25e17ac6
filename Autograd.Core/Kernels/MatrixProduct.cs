using System.Numerics;

namespace Autograd.Kernels;

/// <summary>The one entry the tensor ops use for C = op(A)·op(B), row-major with leading dimensions.</summary>
internal static class MatrixProduct
{
    /// <summary>C[m×n] = op(A)[m×k]·op(B)[k×n], overwriting C.</summary>
    public static void Multiply<T>(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            Span<T> row = c.Slice(i * ldc, n);
            row.Clear();
            for (int p = 0; p < k; p++)
            {
                T aip = transposeA ? a[p * lda + i] : a[i * lda + p];
                for (int j = 0; j < n; j++) row[j] += aip * (transposeB ? b[j * ldb + p] : b[p * ldb + j]);
            }
        }
    }
}
