using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Autograd.Kernels;

/// <summary>
/// The AVX-512 tile of <see cref="DotProductGemm"/>: eight rows of A by four rows of B in sixteen zmm accumulators,
/// each holding two C elements' eight lanes, so that every C element is summed exactly as
/// <see cref="DotProductTile256"/> sums it and results are bit-identical on AVX2 and AVX-512 machines.
/// </summary>
/// <remarks>
/// A step of eight p puts rows i and i + 1 of A into the two halves of one zmm vector and broadcasts each row of B
/// into both halves of another: twelve loads and eight inserts for sixteen FMAs, which take eight cycles at Zen 5's
/// two a cycle, in 21 of the 32 zmm registers. The last k mod 8 values come in through masked loads. An odd last row
/// of A repeats itself in the upper half and drops those sums. Each row count is a method of its own, not inlined
/// into the loops: inlined, .NET 10's JIT kept the accumulators of a 512-bit tile on the stack and stored them after
/// every FMA. In a batch-32 training step this tile is as fast as one that sums sixteen lanes per element (which
/// would make results differ between the two paths), and faster than a six-row tile or than filling the upper half
/// by an insert or a masked load that reads memory (12 % and 16 % slower steps).
/// </remarks>
internal readonly unsafe struct DotProductTile512 : IDotProductTile
{
    public static int Rows => 8;

    public static void Run(int rows, int k, float* a, nint lda, in DotProductGroup b, float* c, nint ldc, float* ahead)
    {
        switch (rows)
        {
            case 8: Tile<RowCount8>(k, a, lda, b, c, ldc, ahead); break;
            case 7: Tile<RowCount7>(k, a, lda, b, c, ldc, ahead); break;
            case 6: Tile<RowCount6>(k, a, lda, b, c, ldc, ahead); break;
            case 5: Tile<RowCount5>(k, a, lda, b, c, ldc, ahead); break;
            case 4: Tile<RowCount4>(k, a, lda, b, c, ldc, ahead); break;
            case 3: Tile<RowCount3>(k, a, lda, b, c, ldc, ahead); break;
            case 2: Tile<RowCount2>(k, a, lda, b, c, ldc, ahead); break;
            default: Tile<RowCount1>(k, a, lda, b, c, ldc, ahead); break;
        }
    }

    // Optimized at first call: a kernel's unoptimized first-tier code runs about ten times slower, and each call's
    // loop is too short for on-stack replacement, so training's first second would run on it.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TRows>(int k, float* a, nint lda, in DotProductGroup b, float* c, nint ldc, float* ahead)
        where TRows : struct, IRowCount
    {
        // Row r of the tile, or the last row for rows past the end (their sums are not stored).
        float* a0 = a, a1 = Row<TRows>(a, 1, lda), a2 = Row<TRows>(a, 2, lda), a3 = Row<TRows>(a, 3, lda);
        float* a4 = Row<TRows>(a, 4, lda), a5 = Row<TRows>(a, 5, lda), a6 = Row<TRows>(a, 6, lda), a7 = Row<TRows>(a, 7, lda);
        float* b0 = b.B0, b1 = b.B1, b2 = b.B2, b3 = b.B3;
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<float> x0, x1, x2, x3, y;
        int p = 0;
        for (; p + 8 <= k; p += 8)
        {
            // One line in two steps of the next group's row: by the time that group starts, its rows are in L2.
            if ((p & 8) == 0) Sse.Prefetch1(ahead + p);
            x0 = Pair(a0 + p, a1 + p);
            x1 = TRows.Count > 2 ? Pair(a2 + p, a3 + p) : default;
            x2 = TRows.Count > 4 ? Pair(a4 + p, a5 + p) : default;
            x3 = TRows.Count > 6 ? Pair(a6 + p, a7 + p) : default;
            y = Broadcast(b0 + p);
            c00 = Avx512F.FusedMultiplyAdd(x0, y, c00);
            if (TRows.Count > 2) c10 = Avx512F.FusedMultiplyAdd(x1, y, c10);
            if (TRows.Count > 4) c20 = Avx512F.FusedMultiplyAdd(x2, y, c20);
            if (TRows.Count > 6) c30 = Avx512F.FusedMultiplyAdd(x3, y, c30);
            y = Broadcast(b1 + p);
            c01 = Avx512F.FusedMultiplyAdd(x0, y, c01);
            if (TRows.Count > 2) c11 = Avx512F.FusedMultiplyAdd(x1, y, c11);
            if (TRows.Count > 4) c21 = Avx512F.FusedMultiplyAdd(x2, y, c21);
            if (TRows.Count > 6) c31 = Avx512F.FusedMultiplyAdd(x3, y, c31);
            y = Broadcast(b2 + p);
            c02 = Avx512F.FusedMultiplyAdd(x0, y, c02);
            if (TRows.Count > 2) c12 = Avx512F.FusedMultiplyAdd(x1, y, c12);
            if (TRows.Count > 4) c22 = Avx512F.FusedMultiplyAdd(x2, y, c22);
            if (TRows.Count > 6) c32 = Avx512F.FusedMultiplyAdd(x3, y, c32);
            y = Broadcast(b3 + p);
            c03 = Avx512F.FusedMultiplyAdd(x0, y, c03);
            if (TRows.Count > 2) c13 = Avx512F.FusedMultiplyAdd(x1, y, c13);
            if (TRows.Count > 4) c23 = Avx512F.FusedMultiplyAdd(x2, y, c23);
            if (TRows.Count > 6) c33 = Avx512F.FusedMultiplyAdd(x3, y, c33);
        }

        if (p < k)
        {
            // The same step over the last k mod 8 values; masked lanes load zeros and touch no memory. Written out
            // again, as in the 256-bit tile: a shared step taking sixteen accumulators by ref would keep them in memory.
            Vector256<float> tailMask = DotProductTile256.TailMask(k - p);
            x0 = Vector512.Create(Avx.MaskLoad(a0 + p, tailMask), Avx.MaskLoad(a1 + p, tailMask));
            x1 = TRows.Count > 2 ? Vector512.Create(Avx.MaskLoad(a2 + p, tailMask), Avx.MaskLoad(a3 + p, tailMask)) : default;
            x2 = TRows.Count > 4 ? Vector512.Create(Avx.MaskLoad(a4 + p, tailMask), Avx.MaskLoad(a5 + p, tailMask)) : default;
            x3 = TRows.Count > 6 ? Vector512.Create(Avx.MaskLoad(a6 + p, tailMask), Avx.MaskLoad(a7 + p, tailMask)) : default;
            y = Twice(Avx.MaskLoad(b0 + p, tailMask));
            c00 = Avx512F.FusedMultiplyAdd(x0, y, c00);
            if (TRows.Count > 2) c10 = Avx512F.FusedMultiplyAdd(x1, y, c10);
            if (TRows.Count > 4) c20 = Avx512F.FusedMultiplyAdd(x2, y, c20);
            if (TRows.Count > 6) c30 = Avx512F.FusedMultiplyAdd(x3, y, c30);
            y = Twice(Avx.MaskLoad(b1 + p, tailMask));
            c01 = Avx512F.FusedMultiplyAdd(x0, y, c01);
            if (TRows.Count > 2) c11 = Avx512F.FusedMultiplyAdd(x1, y, c11);
            if (TRows.Count > 4) c21 = Avx512F.FusedMultiplyAdd(x2, y, c21);
            if (TRows.Count > 6) c31 = Avx512F.FusedMultiplyAdd(x3, y, c31);
            y = Twice(Avx.MaskLoad(b2 + p, tailMask));
            c02 = Avx512F.FusedMultiplyAdd(x0, y, c02);
            if (TRows.Count > 2) c12 = Avx512F.FusedMultiplyAdd(x1, y, c12);
            if (TRows.Count > 4) c22 = Avx512F.FusedMultiplyAdd(x2, y, c22);
            if (TRows.Count > 6) c32 = Avx512F.FusedMultiplyAdd(x3, y, c32);
            y = Twice(Avx.MaskLoad(b3 + p, tailMask));
            c03 = Avx512F.FusedMultiplyAdd(x0, y, c03);
            if (TRows.Count > 2) c13 = Avx512F.FusedMultiplyAdd(x1, y, c13);
            if (TRows.Count > 4) c23 = Avx512F.FusedMultiplyAdd(x2, y, c23);
            if (TRows.Count > 6) c33 = Avx512F.FusedMultiplyAdd(x3, y, c33);
        }

        b.Store(DotProductTile256.Sum4(c00.GetLower(), c01.GetLower(), c02.GetLower(), c03.GetLower()), c + 0 * ldc);
        if (TRows.Count > 1) b.Store(DotProductTile256.Sum4(c00.GetUpper(), c01.GetUpper(), c02.GetUpper(), c03.GetUpper()), c + 1 * ldc);
        if (TRows.Count > 2) b.Store(DotProductTile256.Sum4(c10.GetLower(), c11.GetLower(), c12.GetLower(), c13.GetLower()), c + 2 * ldc);
        if (TRows.Count > 3) b.Store(DotProductTile256.Sum4(c10.GetUpper(), c11.GetUpper(), c12.GetUpper(), c13.GetUpper()), c + 3 * ldc);
        if (TRows.Count > 4) b.Store(DotProductTile256.Sum4(c20.GetLower(), c21.GetLower(), c22.GetLower(), c23.GetLower()), c + 4 * ldc);
        if (TRows.Count > 5) b.Store(DotProductTile256.Sum4(c20.GetUpper(), c21.GetUpper(), c22.GetUpper(), c23.GetUpper()), c + 5 * ldc);
        if (TRows.Count > 6) b.Store(DotProductTile256.Sum4(c30.GetLower(), c31.GetLower(), c32.GetLower(), c33.GetLower()), c + 6 * ldc);
        if (TRows.Count > 7) b.Store(DotProductTile256.Sum4(c30.GetUpper(), c31.GetUpper(), c32.GetUpper(), c33.GetUpper()), c + 7 * ldc);
    }

    /// <summary>Row <paramref name="r"/> of a tile of TRows rows, or its last row when r is past the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* Row<TRows>(float* a, int r, nint lda)
        where TRows : struct, IRowCount => a + Math.Min(r, TRows.Count - 1) * lda;

    /// <summary>The eight values at <paramref name="address"/> in both halves (read as four doubles: the same bits,
    /// and the form AVX-512F has without DQ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Broadcast(float* address) => Avx512F.BroadcastVector256ToVector512((double*)address).AsSingle();

    /// <summary>The eight values at <paramref name="lower"/> in the lower half and those at <paramref name="upper"/> in
    /// the upper.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pair(float* lower, float* upper) =>
        Vector512.Create(Avx.LoadVector256(lower), Avx.LoadVector256(upper));

    /// <summary>The same eight values in both halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Twice(Vector256<float> v) => Vector512.Create(v, v);
}
