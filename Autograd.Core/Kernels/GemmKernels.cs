using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Autograd.Kernels;

/// <summary>
/// A GEMM micro-kernel and the cache blocking that feeds it: C[rows×columns] (+)= Ã·B̃ for one tile, where Ã is an
/// <see cref="Rows"/>-row sliver and B̃ a <see cref="Columns"/>-column sliver of the packed panels.
/// </summary>
/// <remarks>
/// Packed layouts: the A sliver holds, for each p in [0, kc), the <see cref="Rows"/> values A[0..Rows, p]; the B sliver
/// holds, for each p, the <see cref="Columns"/> values B[p, 0..Columns]. Edge slivers are padded with zeros, so a
/// kernel may compute a full tile and write back only its valid rows (each kernel here skips the rows an edge tile
/// lacks). A kernel always writes full rows: the driver sends a tile narrower than <see cref="Columns"/> through a
/// scratch tile.
/// </remarks>
internal unsafe interface IGemmKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>MR: rows of C per tile.</summary>
    static abstract int Rows { get; }

    /// <summary>NR: columns of C per tile.</summary>
    static abstract int Columns { get; }

    /// <summary>KC: the depth of one packed block; a B sliver (KC×NR) stays in L1 while A slivers stream past it.</summary>
    static abstract int DepthBlock { get; }

    /// <summary>MC: the most rows of one packed A block (MC×KC), sized to stay in L2; the rows of C are split into
    /// blocks of equal height no taller than this.</summary>
    static abstract int RowBlock { get; }

    /// <summary>NC: columns of one packed B panel (KC×NC), sized for the shared L3.</summary>
    static abstract int ColumnBlock { get; }

    /// <summary>
    /// C[i, j] = (accumulate ? C[i, j] : 0) + Σₚ Ã[i, p]·B̃[p, j] for i &lt; <paramref name="rows"/>, j &lt; <see cref="Columns"/>.
    /// </summary>
    static abstract void Run(int kc, T* a, T* b, T* c, nint ldc, int rows, bool accumulate);
}

/// <summary>
/// The AVX2+FMA kernels for float32 and float64: a 6-row tile two 256-bit vectors wide (6×16 floats, 6×8 doubles) in
/// twelve ymm accumulators, B rows loaded, A values broadcast.
/// </summary>
/// <remarks>
/// Per step of p: two loads of B, six broadcasts of A and twelve FMAs. Zen 3 issues two FMAs a cycle with a 4-cycle
/// latency, so eight or more independent accumulators keep both pipes busy; twelve leave three of the sixteen ymm
/// registers for the B rows and the broadcast.
/// </remarks>
internal readonly unsafe struct FmaKernel<T> : IGemmKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Rows => 6;

    public static int Columns => 2 * Vector256<T>.Count;

    // float32, Zen 3 (32 KB L1d, 512 KB L2): a 512×16 B sliver is 32 KB, a 144×512 A block 288 KB, the 512×2048 B
    // panel 4 MB of the shared L3. A deep KC halves the passes over C against KC = 256; on this noisy shared machine
    // it measured no slower and often faster. MC = 144 keeps a batch of 128 in one block (2 % faster steps than 120).
    // float64: a 256×8 B sliver is 16 KB of L1d, the 120×256 A block 240 KB of L2, the 256×2048 B panel 4 MB of L3.
    public static int DepthBlock => typeof(T) == typeof(float) ? 512 : 256;

    public static int RowBlock => typeof(T) == typeof(float) ? 144 : 120;

    public static int ColumnBlock => 2048;

    // Optimized at first call: a kernel's unoptimized first-tier code runs about ten times slower, and each call's
    // loop is too short for on-stack replacement, so training's first second would run on it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, T* c, nint ldc, int rows, bool accumulate)
    {
        // An edge tile of fewer rows runs only the FMAs of its rows: a batch of 32 is five full tiles and one of two
        // rows, which would otherwise cost as much as a full one.
        switch (rows)
        {
            case 6: Tile<RowCount6>(kc, a, b, c, ldc, accumulate); break;
            case 5: Tile<RowCount5>(kc, a, b, c, ldc, accumulate); break;
            case 4: Tile<RowCount4>(kc, a, b, c, ldc, accumulate); break;
            case 3: Tile<RowCount3>(kc, a, b, c, ldc, accumulate); break;
            case 2: Tile<RowCount2>(kc, a, b, c, ldc, accumulate); break;
            default: Tile<RowCount1>(kc, a, b, c, ldc, accumulate); break;
        }
    }

    /// <summary>One tile of <typeparamref name="TRows"/>.Count rows; the JIT drops the work of the rows beyond it.</summary>
    /// <remarks>Never inlined, so that nothing a caller does (a stackalloc, say) can push its accumulators out of
    /// registers: see <see cref="GemmDriver"/>'s RunNarrow.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TRows>(int kc, T* a, T* b, T* c, nint ldc, bool accumulate)
        where TRows : struct, IRowCount
    {
        int lanes = Vector256<T>.Count;
        // The tile of C is read (or written) only after the loop; asking for its lines now hides the miss.
        T* row = c;
        for (int i = 0; i < TRows.Count; i++, row += ldc)
        {
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + 2 * lanes - 1);
        }

        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<T> b0 = Vector256.LoadAligned(b);
            Vector256<T> b1 = Vector256.LoadAligned(b + lanes);
            Vector256<T> ai = Vector256.Create(a[0]);
            c00 = MultiplyAdd(ai, b0, c00);
            c01 = MultiplyAdd(ai, b1, c01);
            if (TRows.Count > 1)
            {
                ai = Vector256.Create(a[1]);
                c10 = MultiplyAdd(ai, b0, c10);
                c11 = MultiplyAdd(ai, b1, c11);
            }

            if (TRows.Count > 2)
            {
                ai = Vector256.Create(a[2]);
                c20 = MultiplyAdd(ai, b0, c20);
                c21 = MultiplyAdd(ai, b1, c21);
            }

            if (TRows.Count > 3)
            {
                ai = Vector256.Create(a[3]);
                c30 = MultiplyAdd(ai, b0, c30);
                c31 = MultiplyAdd(ai, b1, c31);
            }

            if (TRows.Count > 4)
            {
                ai = Vector256.Create(a[4]);
                c40 = MultiplyAdd(ai, b0, c40);
                c41 = MultiplyAdd(ai, b1, c41);
            }

            if (TRows.Count > 5)
            {
                ai = Vector256.Create(a[5]);
                c50 = MultiplyAdd(ai, b0, c50);
                c51 = MultiplyAdd(ai, b1, c51);
            }

            a += 6;
            b += 2 * lanes;
        }

        StoreRow(c, c00, c01, accumulate);
        if (TRows.Count > 1) StoreRow(c + ldc, c10, c11, accumulate);
        if (TRows.Count > 2) StoreRow(c + 2 * ldc, c20, c21, accumulate);
        if (TRows.Count > 3) StoreRow(c + 3 * ldc, c30, c31, accumulate);
        if (TRows.Count > 4) StoreRow(c + 4 * ldc, c40, c41, accumulate);
        if (TRows.Count > 5) StoreRow(c + 5 * ldc, c50, c51, accumulate);
    }

    /// <summary>a·b + c in one rounding: the JIT keeps the branch of T's type and drops the other.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> MultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float))
            return Fma.MultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return Fma.MultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(T* c, Vector256<T> low, Vector256<T> high, bool accumulate)
    {
        if (accumulate)
        {
            low += Vector256.Load(c);
            high += Vector256.Load(c + Vector256<T>.Count);
        }

        low.Store(c);
        high.Store(c + Vector256<T>.Count);
    }
}

/// <summary>
/// The portable kernel for machines without AVX2/FMA: a 4×4 scalar tile over the same packed layout. Correct
/// everywhere, fast nowhere; it exists so the blocked driver is the only code path.
/// </summary>
internal readonly unsafe struct PortableKernel<T> : IGemmKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Rows => 4;

    public static int Columns => 4;

    public static int DepthBlock => 256;

    public static int RowBlock => 64;

    public static int ColumnBlock => 1024;

    public static void Run(int kc, T* a, T* b, T* c, nint ldc, int rows, bool accumulate)
    {
        T* tile = stackalloc T[16];
        for (int i = 0; i < 16; i++) tile[i] = T.Zero;
        for (int p = 0; p < kc; p++)
        {
            for (int i = 0; i < 4; i++)
            {
                T ai = a[i];
                tile[i * 4 + 0] += ai * b[0];
                tile[i * 4 + 1] += ai * b[1];
                tile[i * 4 + 2] += ai * b[2];
                tile[i * 4 + 3] += ai * b[3];
            }

            a += 4;
            b += 4;
        }

        GemmTile.WriteBack(tile, 4, c, ldc, rows, 4, accumulate);
    }
}

/// <summary>A row count known when the JIT compiles a kernel, so that the work of absent rows is not emitted.</summary>
internal interface IRowCount
{
    /// <summary>The number of rows.</summary>
    static abstract int Count { get; }
}

/// <summary>One row.</summary>
internal readonly struct RowCount1 : IRowCount
{
    public static int Count => 1;
}

/// <summary>Two rows.</summary>
internal readonly struct RowCount2 : IRowCount
{
    public static int Count => 2;
}

/// <summary>Three rows.</summary>
internal readonly struct RowCount3 : IRowCount
{
    public static int Count => 3;
}

/// <summary>Four rows.</summary>
internal readonly struct RowCount4 : IRowCount
{
    public static int Count => 4;
}

/// <summary>Five rows.</summary>
internal readonly struct RowCount5 : IRowCount
{
    public static int Count => 5;
}

/// <summary>Six rows.</summary>
internal readonly struct RowCount6 : IRowCount
{
    public static int Count => 6;
}

/// <summary>Helpers shared by the micro-kernels and the driver.</summary>
internal static unsafe class GemmTile
{
    /// <summary>Writes the valid rows×columns corner of a finished tile into C, adding to it when accumulating.</summary>
    public static void WriteBack<T>(T* tile, int tileColumns, T* c, nint ldc, int rows, int columns, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        {
            T* source = tile + i * tileColumns;
            T* destination = c + i * ldc;
            if (accumulate)
                for (int j = 0; j < columns; j++) destination[j] += source[j];
            else
                for (int j = 0; j < columns; j++) destination[j] = source[j];
        }
    }
}
