using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Autograd.Kernels;

/// <summary>
/// The AVX2+FMA tile of <see cref="DotProductGemm"/>: three rows of A by four rows of B in twelve ymm accumulators.
/// </summary>
/// <remarks>
/// A step of eight p loads the three A vectors once and each B vector once for three FMAs, and the last k mod 8
/// values come in through masked loads. Each C element sums its eight lanes pairwise in a fixed tree.
/// </remarks>
internal readonly unsafe struct DotProductTile256 : IDotProductTile
{
    public static int Rows => 3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(int rows, int k, float* a, nint lda, in DotProductGroup b, float* c, nint ldc, float* ahead)
    {
        switch (rows)
        {
            case 3: Tile<RowCount3>(k, a, lda, b, c, ldc, ahead); break;
            case 2: Tile<RowCount2>(k, a, lda, b, c, ldc, ahead); break;
            default: Tile<RowCount1>(k, a, lda, b, c, ldc, ahead); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TRows>(int k, float* a, nint lda, in DotProductGroup b, float* c, nint ldc, float* ahead)
        where TRows : struct, IRowCount
    {
        Vector256<float> tailMask = TailMask(k % 8);
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda;
        float* b0 = b.B0, b1 = b.B1, b2 = b.B2, b3 = b.B3;
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<float> c20 = default, c21 = default, c22 = default, c23 = default;
        int p = 0;
        for (; p + 8 <= k; p += 8)
        {
            // Twelve accumulators, three A vectors and one B vector at a time fill the sixteen ymm registers.
            // One line in two steps of the next group's row: by the time that group starts, its rows are in L2.
            if ((p & 8) == 0) Sse.Prefetch1(ahead + p);
            Vector256<float> x0 = Avx.LoadVector256(a0 + p);
            Vector256<float> x1 = TRows.Count > 1 ? Avx.LoadVector256(a1 + p) : default;
            Vector256<float> x2 = TRows.Count > 2 ? Avx.LoadVector256(a2 + p) : default;
            Vector256<float> y = Avx.LoadVector256(b0 + p);
            c00 = Fma.MultiplyAdd(x0, y, c00);
            if (TRows.Count > 1) c10 = Fma.MultiplyAdd(x1, y, c10);
            if (TRows.Count > 2) c20 = Fma.MultiplyAdd(x2, y, c20);
            y = Avx.LoadVector256(b1 + p);
            c01 = Fma.MultiplyAdd(x0, y, c01);
            if (TRows.Count > 1) c11 = Fma.MultiplyAdd(x1, y, c11);
            if (TRows.Count > 2) c21 = Fma.MultiplyAdd(x2, y, c21);
            y = Avx.LoadVector256(b2 + p);
            c02 = Fma.MultiplyAdd(x0, y, c02);
            if (TRows.Count > 1) c12 = Fma.MultiplyAdd(x1, y, c12);
            if (TRows.Count > 2) c22 = Fma.MultiplyAdd(x2, y, c22);
            y = Avx.LoadVector256(b3 + p);
            c03 = Fma.MultiplyAdd(x0, y, c03);
            if (TRows.Count > 1) c13 = Fma.MultiplyAdd(x1, y, c13);
            if (TRows.Count > 2) c23 = Fma.MultiplyAdd(x2, y, c23);
        }

        if (p < k)
        {
            // The same step over the last k mod 8 values; masked lanes load zeros. It is written out again because
            // passing the twelve accumulators to a shared step by ref kept them in memory and halved the speed.
            Vector256<float> x0 = Avx.MaskLoad(a0 + p, tailMask);
            Vector256<float> x1 = TRows.Count > 1 ? Avx.MaskLoad(a1 + p, tailMask) : default;
            Vector256<float> x2 = TRows.Count > 2 ? Avx.MaskLoad(a2 + p, tailMask) : default;
            Vector256<float> y = Avx.MaskLoad(b0 + p, tailMask);
            c00 = Fma.MultiplyAdd(x0, y, c00);
            if (TRows.Count > 1) c10 = Fma.MultiplyAdd(x1, y, c10);
            if (TRows.Count > 2) c20 = Fma.MultiplyAdd(x2, y, c20);
            y = Avx.MaskLoad(b1 + p, tailMask);
            c01 = Fma.MultiplyAdd(x0, y, c01);
            if (TRows.Count > 1) c11 = Fma.MultiplyAdd(x1, y, c11);
            if (TRows.Count > 2) c21 = Fma.MultiplyAdd(x2, y, c21);
            y = Avx.MaskLoad(b2 + p, tailMask);
            c02 = Fma.MultiplyAdd(x0, y, c02);
            if (TRows.Count > 1) c12 = Fma.MultiplyAdd(x1, y, c12);
            if (TRows.Count > 2) c22 = Fma.MultiplyAdd(x2, y, c22);
            y = Avx.MaskLoad(b3 + p, tailMask);
            c03 = Fma.MultiplyAdd(x0, y, c03);
            if (TRows.Count > 1) c13 = Fma.MultiplyAdd(x1, y, c13);
            if (TRows.Count > 2) c23 = Fma.MultiplyAdd(x2, y, c23);
        }

        b.Store(Sum4(c00, c01, c02, c03), c);
        if (TRows.Count > 1) b.Store(Sum4(c10, c11, c12, c13), c + ldc);
        if (TRows.Count > 2) b.Store(Sum4(c20, c21, c22, c23), c + 2 * ldc);
    }


    /// <summary>The four lane sums of v0 … v3, each as ((l0+l1)+(l2+l3)) + ((l4+l5)+(l6+l7)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Sum4(Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3)
    {
        Vector256<float> sums = Avx.HorizontalAdd(Avx.HorizontalAdd(v0, v1), Avx.HorizontalAdd(v2, v3));
        return Sse.Add(sums.GetLower(), sums.GetUpper());
    }

    /// <summary>All bits set in the first <paramref name="count"/> lanes, for loading the last k mod 8 values.</summary>
    internal static Vector256<float> TailMask(int count) =>
        Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();
}
