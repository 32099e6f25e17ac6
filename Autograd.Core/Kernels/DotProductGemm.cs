using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Autograd.Kernels;

/// <summary>
/// C[m×n] = A[m×k]·Bᵀ for float32 with B stored n×k row by row (a Linear layer's x·Wᵀ) and only a few rows of A or of
/// B: each C element is the dot product of a row of A and a row of B, so both are read in place, front to back,
/// instead of being packed for so few rows or columns.
/// </summary>
/// <remarks>
/// The loops are written once here; the register tile that runs inside them (<see cref="DotProductTile256"/> or
/// <see cref="DotProductTile512"/>) takes a few rows of A against a group of four rows of B. Each C element sums
/// its own lanes in a fixed tree, whatever the tile it falls in, so the result does not depend on how C is shared
/// among threads. The 12×32 packed kernel, faster on a 32×784·(500×784)ᵀ product with the weights in cache, gains
/// nothing in a batch-32 training step, where packing reads the weights from L3.
/// </remarks>
internal static unsafe class DotProductGemm
{
    /// <summary>The most rows of A for which reading B in place beats packing it: A's rows stay in L2 and every four
    /// rows of B read them again.</summary>
    public const int MaxRows = 32;

    /// <summary>The most rows of B (columns of C) for which reading A in place beats packing it, whatever the rows of
    /// A: all of B stays in L1 while each tile of A, read once, meets every group of B.</summary>
    public const int MaxColumns = 16;

    /// <summary>Whether a float32 product of this shape and layout runs here.</summary>
    public static bool Suits(bool transposeA, bool transposeB, int m, int n) =>
        !transposeA && transposeB && (m <= MaxRows || n <= MaxColumns);

    /// <summary>C[i, j] = Σₚ a[i·lda + p]·b[j·ldb + p] for i &lt; m, j &lt; n, overwriting C, with the tiles of
    /// <typeparamref name="TTile"/>.</summary>
    // Optimized at first call: a kernel's unoptimized first-tier code runs about ten times slower, and each call's
    // loop is too short for on-stack replacement, so training's first second would run on it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TTile>(int m, int n, int k, float* a, nint lda, float* b, nint ldb, float* c, nint ldc)
        where TTile : IDotProductTile
    {
        if (m > MaxRows)
        {
            RunNarrow<TTile>(m, n, k, a, lda, b, ldb, c, ldc);
            return;
        }

        for (int j = 0; j < n; j += 4)
        {
            int rowsAhead = Math.Min(4, n - j - 4);
            // Tiles of TTile.Rows rows of A, the last few split as the packed kernel splits its last rows.
            for (int i = 0, rows, tile = 0; i < m; i += rows, tile++)
            {
                rows = GemmDriver.SliverRows(m - i, TTile.Rows);
                RunTile<TTile>(rows, k, a + i * lda, lda, b, ldb, j, n, c + i * ldc + j, ldc, Ahead(b + j * ldb, tile, ldb, rowsAhead));
            }
        }
    }

    /// <summary>
    /// The loops of <see cref="Run{TTile}"/> the other way round, for a C of many rows and few columns (a classifier's
    /// output layer): each tile of A is read from memory once and meets every group of B, all of which stays in L1.
    /// While group g runs, it asks L2 for row g of the next tile of A.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunNarrow<TTile>(int m, int n, int k, float* a, nint lda, float* b, nint ldb, float* c, nint ldc)
        where TTile : IDotProductTile
    {
        for (int i = 0, rows; i < m; i += rows)
        {
            rows = GemmDriver.SliverRows(m - i, TTile.Rows);
            float* ai = a + i * lda, next = ai + rows * lda;
            int rowsAhead = Math.Min(TTile.Rows, m - i - rows);
            for (int j = 0, group = 0; j < n; j += 4, group++)
                RunTile<TTile>(rows, k, ai, lda, b, ldb, j, n, c + i * ldc + j, ldc, group < rowsAhead ? next + group * lda : ai);
        }
    }

    /// <summary>The tile of <paramref name="rows"/> rows of A from <paramref name="a"/> and the group of (up to four)
    /// rows of B from row <paramref name="j"/>, into C at <paramref name="c"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunTile<TTile>(int rows, int k, float* a, nint lda, float* b, nint ldb, int j, int n,
        float* c, nint ldc, float* ahead)
        where TTile : IDotProductTile
    {
        int columns = Math.Min(4, n - j);
        // An edge group of fewer than four rows of B repeats its last row and drops the repeated sums.
        float* b0 = b + j * ldb;
        TTile.Run(rows, k, a, lda, new DotProductGroup(b0, b0 + Math.Min(1, columns - 1) * ldb,
            b0 + Math.Min(2, columns - 1) * ldb, b0 + Math.Min(3, columns - 1) * ldb, columns), c, ldc, ahead);
    }

    /// <summary>
    /// The row of the next group of four rows of B that tile <paramref name="tile"/> asks for while it runs (the first
    /// four tiles of a group ask for one row each; later tiles, and the last group, for the current rows, already in
    /// L1). In a training step the weights come from L3, and without this the first tile of each group waits on them.
    /// </summary>
    private static float* Ahead(float* b0, int tile, nint ldb, int rowsAhead) =>
        tile < rowsAhead ? b0 + (4 + tile) * ldb : b0;
}

/// <summary>A group of four rows of B (an edge group repeats its last row) and how many of its sums C keeps.</summary>
internal readonly unsafe struct DotProductGroup(float* b0, float* b1, float* b2, float* b3, int columns)
{
    public float* B0 { get; } = b0;

    public float* B1 { get; } = b1;

    public float* B2 { get; } = b2;

    public float* B3 { get; } = b3;

    /// <summary>The rows of B that are real, 1 to 4: the columns of C the tile writes.</summary>
    public int Columns { get; } = columns;

    /// <summary>Writes the sums of the real rows to C from <paramref name="c"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(Vector128<float> sums, float* c)
    {
        if (Columns == 4)
        {
            sums.Store(c);
            return;
        }

        for (int j = 0; j < Columns; j++) c[j] = sums.GetElement(j);
    }
}

/// <summary>A register tile of <see cref="DotProductGemm"/>: up to <see cref="Rows"/> rows of A against a group of
/// four rows of B.</summary>
internal unsafe interface IDotProductTile
{
    /// <summary>The rows of A a full tile takes.</summary>
    static abstract int Rows { get; }

    /// <summary>C[r, j] = Σₚ a[r·lda + p]·Bⱼ[p] for r &lt; <paramref name="rows"/>, j &lt; the group's columns;
    /// meanwhile asks for the line at <paramref name="ahead"/> and those after it, one line every sixteen p.</summary>
    static abstract void Run(int rows, int k, float* a, nint lda, in DotProductGroup b, float* c, nint ldc, float* ahead);
}
