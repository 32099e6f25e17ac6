using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Autograd.Kernels;

/// <summary>
/// C[m×n] = A[m×k]·Bᵀ for float32 with B stored n×k row by row (a Linear layer's x·Wᵀ) and only a few rows of A or of
/// B: each C element is the dot product of a row of A and a row of B, so both are read in place, front to back,
/// instead of being packed for so few rows or columns.
/// </summary>
/// <remarks>
/// A tile is three rows of A by four rows of B in twelve ymm accumulators; a step of eight p loads the three A
/// vectors once and each B vector once for three FMAs, and the last k mod 8 values come in through masked loads. Each
/// C element sums its own eight lanes, then adds them pairwise in a fixed tree, whatever the tile it falls in, so the
/// result does not depend on how C is shared among threads.
/// It stays 256-bit on AVX-512 machines: a 512-bit version of this tile ran at 132 GFLOP/s on a 32×784·(500×784)ᵀ
/// product with both operands 64-byte aligned but at 91 with them as .NET allocates arrays (8-byte aligned), where
/// nearly every 64-byte load straddles two cache lines, against 105 for this one; and the 12×32 packed kernel, faster
/// on that product with the weights in cache, gained nothing in a batch-32 training step, where packing reads the
/// weights from L3.
/// </remarks>
internal static unsafe class DotProductGemm
{
    /// <summary>The most rows of A for which reading B in place beats packing it: A's rows stay in L2 and every four
    /// rows of B read them again.</summary>
    public const int MaxRows = 32;

    /// <summary>Whether a product of this shape and layout runs here (the caller has chosen the AVX2+FMA or AVX-512
    /// kernels; this one is 256-bit on both).</summary>
    public static bool Suits(bool transposeA, bool transposeB, int m, int n) =>
        !transposeA && transposeB && (m <= MaxRows || n <= MaxColumns);

    /// <summary>The most rows of B (columns of C) for which reading A in place beats packing it, whatever the rows of
    /// A: all of B stays in L1 while each tile of A, read once, meets every group of B.</summary>
    public const int MaxColumns = 16;

    /// <summary>C[i, j] = Σₚ a[i·lda + p]·b[j·ldb + p] for i &lt; m, j &lt; n, overwriting C.</summary>
    public static void Run(int m, int n, int k, float* a, nint lda, float* b, nint ldb, float* c, nint ldc)
    {
        Vector256<float> tailMask = TailMask(k % 8);
        if (m > MaxRows)
        {
            RunNarrow(m, n, k, tailMask, a, lda, b, ldb, c, ldc);
            return;
        }

        for (int j = 0; j < n; j += 4)
        {
            int rowsAhead = Math.Min(4, n - j - 4);
            // Tiles of three rows of A, the last four or five split as the packed kernel splits its last rows.
            for (int i = 0, rows, tile = 0; i < m; i += rows, tile++)
            {
                rows = GemmDriver.SliverRows(m - i, 3);
                RunTile(rows, k, tailMask, a + i * lda, lda, b, ldb, j, n, c + i * ldc + j, ldc, Ahead(b + j * ldb, tile, ldb, rowsAhead));
            }
        }
    }

    /// <summary>
    /// The loops of <see cref="Run"/> the other way round, for a C of many rows and few columns (a classifier's output
    /// layer): each tile of A is read from memory once and meets every group of B, all of which stays in L1. While
    /// group g runs, it asks L2 for row g of the next tile of A.
    /// </summary>
    private static void RunNarrow(int m, int n, int k, Vector256<float> tailMask, float* a, nint lda, float* b, nint ldb, float* c, nint ldc)
    {
        for (int i = 0, rows; i < m; i += rows)
        {
            rows = GemmDriver.SliverRows(m - i, 3);
            float* ai = a + i * lda, next = ai + rows * lda;
            int rowsAhead = Math.Min(3, m - i - rows);
            for (int j = 0, group = 0; j < n; j += 4, group++)
                RunTile(rows, k, tailMask, ai, lda, b, ldb, j, n, c + i * ldc + j, ldc, group < rowsAhead ? next + group * lda : ai);
        }
    }

    /// <summary>The tile of <paramref name="rows"/> rows of A from <paramref name="a"/> and the group of (up to four)
    /// rows of B from row <paramref name="j"/>, into C at <paramref name="c"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunTile(int rows, int k, Vector256<float> tailMask, float* a, nint lda, float* b, nint ldb, int j, int n,
        float* c, nint ldc, float* ahead)
    {
        int columns = Math.Min(4, n - j);
        // An edge group of fewer than four rows of B repeats its last row and drops the repeated sums.
        float* b0 = b + j * ldb;
        float* b1 = b0 + Math.Min(1, columns - 1) * ldb;
        float* b2 = b0 + Math.Min(2, columns - 1) * ldb;
        float* b3 = b0 + Math.Min(3, columns - 1) * ldb;
        switch (rows)
        {
            case 3: Tile<RowCount3>(k, tailMask, a, lda, b0, b1, b2, b3, c, ldc, columns, ahead); break;
            case 2: Tile<RowCount2>(k, tailMask, a, lda, b0, b1, b2, b3, c, ldc, columns, ahead); break;
            default: Tile<RowCount1>(k, tailMask, a, lda, b0, b1, b2, b3, c, ldc, columns, ahead); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TRows>(int k, Vector256<float> tailMask, float* a, nint lda,
        float* b0, float* b1, float* b2, float* b3, float* c, nint ldc, int columns, float* ahead)
        where TRows : struct, IRowCount
    {
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda;
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

        Store(Sum4(c00, c01, c02, c03), c, columns);
        if (TRows.Count > 1) Store(Sum4(c10, c11, c12, c13), c + ldc, columns);
        if (TRows.Count > 2) Store(Sum4(c20, c21, c22, c23), c + 2 * ldc, columns);
    }

    /// <summary>
    /// The row of the next group of four rows of B that tile <paramref name="tile"/> asks for while it runs (the first
    /// four tiles of a group ask for one row each; later tiles, and the last group, for the current rows, already in
    /// L1). In a training step the weights come from L3, and without this the first tile of each group waits on them.
    /// </summary>
    private static float* Ahead(float* b0, int tile, nint ldb, int rowsAhead) =>
        tile < rowsAhead ? b0 + (4 + tile) * ldb : b0;

    /// <summary>The four lane sums of v0 … v3, each as ((l0+l1)+(l2+l3)) + ((l4+l5)+(l6+l7)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Sum4(Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3)
    {
        Vector256<float> sums = Avx.HorizontalAdd(Avx.HorizontalAdd(v0, v1), Avx.HorizontalAdd(v2, v3));
        return Sse.Add(sums.GetLower(), sums.GetUpper());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector128<float> sums, float* c, int columns)
    {
        if (columns == 4)
        {
            sums.Store(c);
            return;
        }

        for (int j = 0; j < columns; j++) c[j] = sums.GetElement(j);
    }

    /// <summary>All bits set in the first <paramref name="count"/> lanes, for loading the last k mod 8 values.</summary>
    private static Vector256<float> TailMask(int count) =>
        Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();
}
