using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Autograd.Kernels;

/// <summary>
/// The AVX-512 kernels for float32 and float64: a 12-row tile two 512-bit vectors wide (12×32 floats, 12×16
/// doubles) in 24 zmm accumulators, B rows loaded, A values broadcast.
/// </summary>
/// <remarks>
/// Per step of p: two loads of B, twelve broadcasts of A and 24 FMAs. Zen 5 issues two 512-bit FMAs a cycle with a
/// 4-cycle latency, so at least eight independent accumulators are needed; 24 of the 32 zmm registers leave room for
/// the two B vectors and the broadcast, and the fourteen loads of a step fit in the twelve cycles its FMAs take at two
/// a cycle. Edge tiles of fewer rows run only the FMAs of their rows, as the 256-bit kernels do.
/// </remarks>
internal readonly unsafe struct Avx512Kernel<T> : IGemmKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Rows => 12;

    public static int Columns => 2 * Vector512<T>.Count;

    // Zen 5 (48 KB L1d, 1 MB L2 per core): a 256×32 float32 B sliver is 32 KB of L1d, a 288×256 A block 288 KB of
    // L2, the 256×2048 B panel 2 MB of the shared L3. float64 halves the sliver's columns, so the same depth fills
    // the same bytes.
    public static int DepthBlock => 256;

    public static int RowBlock => 288;

    public static int ColumnBlock => 2048;

    // Optimized at first call: a kernel's unoptimized first-tier code runs about ten times slower, and each call's
    // loop is too short for on-stack replacement, so training's first second would run on it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, T* c, nint ldc, int rows, bool accumulate)
    {
        switch (rows)
        {
            case 12: Tile<RowCount12>(kc, a, b, c, ldc, accumulate); break;
            case 11: Tile<RowCount11>(kc, a, b, c, ldc, accumulate); break;
            case 10: Tile<RowCount10>(kc, a, b, c, ldc, accumulate); break;
            case 9: Tile<RowCount9>(kc, a, b, c, ldc, accumulate); break;
            case 8: Tile<RowCount8>(kc, a, b, c, ldc, accumulate); break;
            case 7: Tile<RowCount7>(kc, a, b, c, ldc, accumulate); break;
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
        int rows = TRows.Count;
        int lanes = Vector512<T>.Count;
        // The tile of C is read (or written) only after the loop; asking for its lines now hides the miss.
        T* row = c;
        for (int i = 0; i < rows; i++, row += ldc)
        {
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + 2 * lanes - 1);
        }

        Vector512<T> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default;
        Vector512<T> c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default;
        Vector512<T> c6a = default, c6b = default, c7a = default, c7b = default, c8a = default, c8b = default;
        Vector512<T> c9a = default, c9b = default, c10a = default, c10b = default, c11a = default, c11b = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<T> b0 = Vector512.LoadAligned(b);
            Vector512<T> b1 = Vector512.LoadAligned(b + lanes);
            Vector512<T> ai = Vector512.Create(a[0]);
            c0a = MultiplyAdd(ai, b0, c0a);
            c0b = MultiplyAdd(ai, b1, c0b);
            if (TRows.Count > 1)
            {
                ai = Vector512.Create(a[1]);
                c1a = MultiplyAdd(ai, b0, c1a);
                c1b = MultiplyAdd(ai, b1, c1b);
            }

            if (TRows.Count > 2)
            {
                ai = Vector512.Create(a[2]);
                c2a = MultiplyAdd(ai, b0, c2a);
                c2b = MultiplyAdd(ai, b1, c2b);
            }

            if (TRows.Count > 3)
            {
                ai = Vector512.Create(a[3]);
                c3a = MultiplyAdd(ai, b0, c3a);
                c3b = MultiplyAdd(ai, b1, c3b);
            }

            if (TRows.Count > 4)
            {
                ai = Vector512.Create(a[4]);
                c4a = MultiplyAdd(ai, b0, c4a);
                c4b = MultiplyAdd(ai, b1, c4b);
            }

            if (TRows.Count > 5)
            {
                ai = Vector512.Create(a[5]);
                c5a = MultiplyAdd(ai, b0, c5a);
                c5b = MultiplyAdd(ai, b1, c5b);
            }

            if (TRows.Count > 6)
            {
                ai = Vector512.Create(a[6]);
                c6a = MultiplyAdd(ai, b0, c6a);
                c6b = MultiplyAdd(ai, b1, c6b);
            }

            if (TRows.Count > 7)
            {
                ai = Vector512.Create(a[7]);
                c7a = MultiplyAdd(ai, b0, c7a);
                c7b = MultiplyAdd(ai, b1, c7b);
            }

            if (TRows.Count > 8)
            {
                ai = Vector512.Create(a[8]);
                c8a = MultiplyAdd(ai, b0, c8a);
                c8b = MultiplyAdd(ai, b1, c8b);
            }

            if (TRows.Count > 9)
            {
                ai = Vector512.Create(a[9]);
                c9a = MultiplyAdd(ai, b0, c9a);
                c9b = MultiplyAdd(ai, b1, c9b);
            }

            if (TRows.Count > 10)
            {
                ai = Vector512.Create(a[10]);
                c10a = MultiplyAdd(ai, b0, c10a);
                c10b = MultiplyAdd(ai, b1, c10b);
            }

            if (TRows.Count > 11)
            {
                ai = Vector512.Create(a[11]);
                c11a = MultiplyAdd(ai, b0, c11a);
                c11b = MultiplyAdd(ai, b1, c11b);
            }

            a += 12;
            b += 2 * lanes;
        }

        StoreRow(c, c0a, c0b, accumulate);
        if (TRows.Count > 1) StoreRow(c + ldc, c1a, c1b, accumulate);
        if (TRows.Count > 2) StoreRow(c + 2 * ldc, c2a, c2b, accumulate);
        if (TRows.Count > 3) StoreRow(c + 3 * ldc, c3a, c3b, accumulate);
        if (TRows.Count > 4) StoreRow(c + 4 * ldc, c4a, c4b, accumulate);
        if (TRows.Count > 5) StoreRow(c + 5 * ldc, c5a, c5b, accumulate);
        if (TRows.Count > 6) StoreRow(c + 6 * ldc, c6a, c6b, accumulate);
        if (TRows.Count > 7) StoreRow(c + 7 * ldc, c7a, c7b, accumulate);
        if (TRows.Count > 8) StoreRow(c + 8 * ldc, c8a, c8b, accumulate);
        if (TRows.Count > 9) StoreRow(c + 9 * ldc, c9a, c9b, accumulate);
        if (TRows.Count > 10) StoreRow(c + 10 * ldc, c10a, c10b, accumulate);
        if (TRows.Count > 11) StoreRow(c + 11 * ldc, c11a, c11b, accumulate);
    }

    /// <summary>a·b + c in one rounding: the JIT keeps the branch of T's type and drops the other.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> MultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(float))
            return Avx512F.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return Avx512F.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(T* c, Vector512<T> low, Vector512<T> high, bool accumulate)
    {
        if (accumulate)
        {
            low += Vector512.Load(c);
            high += Vector512.Load(c + Vector512<T>.Count);
        }

        low.Store(c);
        high.Store(c + Vector512<T>.Count);
    }
}

/// <summary>Seven rows.</summary>
internal readonly struct RowCount7 : IRowCount
{
    public static int Count => 7;
}

/// <summary>Eight rows.</summary>
internal readonly struct RowCount8 : IRowCount
{
    public static int Count => 8;
}

/// <summary>Nine rows.</summary>
internal readonly struct RowCount9 : IRowCount
{
    public static int Count => 9;
}

/// <summary>Ten rows.</summary>
internal readonly struct RowCount10 : IRowCount
{
    public static int Count => 10;
}

/// <summary>Eleven rows.</summary>
internal readonly struct RowCount11 : IRowCount
{
    public static int Count => 11;
}

/// <summary>Twelve rows.</summary>
internal readonly struct RowCount12 : IRowCount
{
    public static int Count => 12;
}
