using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Autograd.Kernels;

/// <summary>
/// The blocked GEMM of the BLIS/GotoBLAS design for one thread's share of C: C[m×n] = op(A)[m×k]·op(B)[k×n].
/// </summary>
/// <remarks>
/// Five loops around the micro-kernel: columns of C in NC panels; depth in KC blocks, packing a KC×NC panel of B
/// (L3); rows in MC blocks, packing an MC×KC block of A (L2); then NR-column slivers of B (L1), each multiplied by
/// every MR-row sliver of A. When all rows fit one MC block (a small batch), B is packed a sliver at a time instead.
/// Packing reads op(A) and op(B) through the transpose flags, so the micro-kernel sees one layout. Each C element is
/// summed over the KC blocks in ascending order and within a block in ascending p, and KC depends only on k, so the
/// result does not depend on how C is shared among threads.
/// </remarks>
internal static unsafe class GemmDriver
{
    /// <summary>The depth of every block for a given k: KC blocks of equal size (the last may be shorter by under one step).</summary>
    public static int DepthBlock<T, TKernel>(int k)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IGemmKernel<T>
    {
        int blocks = (k + TKernel.DepthBlock - 1) / TKernel.DepthBlock;
        return (k + blocks - 1) / blocks;
    }

    /// <summary>
    /// C[m×n] = op(A)·op(B) on the calling thread, with the packing buffers of <paramref name="workspace"/>, then the
    /// <paramref name="epilogue"/> on each tile as the last depth block leaves it.
    /// </summary>
    public static void Run<T, TKernel>(bool transposeA, bool transposeB, int m, int n, int k,
        T* a, nint lda, T* b, nint ldb, T* c, nint ldc, GemmWorkspace workspace, GemmEpilogue<T> epilogue)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IGemmKernel<T>
    {
        int mr = TKernel.Rows, nr = TKernel.Columns;
        int kcMax = DepthBlock<T, TKernel>(k);
        // Row blocks of equal height rather than full ones and a remainder: a last block of a few rows would stream
        // the whole packed panel of B from L3 for little work (a batch of 128 was 120 rows and 8).
        int rowBlocks = (m + TKernel.RowBlock - 1) / TKernel.RowBlock;
        int mcMax = RoundUp((m + rowBlocks - 1) / rowBlocks, mr);
        int ncMax = Math.Min(TKernel.ColumnBlock, RoundUp(n, nr));
        T* packedA = workspace.PackedA<T>(mcMax * kcMax);
        T* packedB = workspace.PackedB<T>(ncMax * kcMax);

        for (int jc = 0; jc < n; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n - jc);
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                T* bBlock = transposeB ? b + jc * ldb + pc : b + pc * ldb + jc;
                bool accumulate = pc > 0;
                // The epilogue runs once, on the finished sums.
                GemmEpilogue<T> last = pc + kc >= k ? epilogue.From(jc) : default;
                if (m <= mcMax)
                {
                    // One block of rows (a small batch): each B sliver is packed just before the few tiles that use
                    // it, into a buffer that stays in L1, instead of packing the whole panel and reading it back.
                    PackA<T, TKernel>(transposeA, m, kc, transposeA ? a + pc * lda : a + pc, lda, packedA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int columns = Math.Min(nr, nc - jr);
                        PackB<T, TKernel>(transposeB, kc, columns, transposeB ? bBlock + jr * ldb : bBlock + jr, ldb, packedB);
                        RunColumn<T, TKernel>(kc, m, packedA, packedB, c + jc + jr, ldc, columns, accumulate, last.From(jr));
                    }

                    continue;
                }

                PackB<T, TKernel>(transposeB, kc, nc, bBlock, ldb, packedB);
                for (int ic = 0; ic < m; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, m - ic);
                    PackA<T, TKernel>(transposeA, mc, kc, transposeA ? a + pc * lda + ic : a + ic * lda + pc, lda, packedA);
                    for (int jr = 0; jr < nc; jr += nr)
                        RunColumn<T, TKernel>(kc, mc, packedA, packedB + jr * kc, c + ic * ldc + jc + jr, ldc, Math.Min(nr, nc - jr), accumulate, last.From(jr));
                }
            }
        }
    }

    /// <summary>
    /// Multiplies every A sliver of a packed mc×kc block by one packed B sliver, into mc rows of C, and applies the
    /// epilogue to each tile while it is in L1.
    /// </summary>
    private static void RunColumn<T, TKernel>(int kc, int mc, T* packedA, T* bSliver, T* c, nint ldc, int columns, bool accumulate,
        GemmEpilogue<T> epilogue)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IGemmKernel<T>
    {
        int mr = TKernel.Rows;
        for (int ir = 0, rows; ir < mc; ir += rows, packedA += mr * kc)
        {
            rows = SliverRows(mc - ir, mr);
            if (columns == TKernel.Columns)
                TKernel.Run(kc, packedA, bSliver, c + ir * ldc, ldc, rows, accumulate);
            else
                RunNarrow<T, TKernel>(kc, packedA, bSliver, c + ir * ldc, ldc, rows, columns, accumulate);
            epilogue.Apply(c + ir * ldc, ldc, rows, columns);
        }
    }

    /// <summary>
    /// A tile narrower than the kernel, at the right edge of C: computed full width into a scratch tile, whose
    /// valid columns are then added or copied into C.
    /// </summary>
    /// <remarks>
    /// Done here, once for every kernel, and not in the kernels' tile methods: a stackalloc after their loop made the
    /// JIT spill every accumulator on every step unless dynamic PGO told it the loop was hot, so that without dynamic
    /// PGO (DOTNET_TieredPGO=0) the products ran at a quarter to two fifths of their speed.
    /// </remarks>
    private static void RunNarrow<T, TKernel>(int kc, T* packedA, T* bSliver, T* c, nint ldc, int rows, int columns, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IGemmKernel<T>
    {
        T* tile = stackalloc T[TKernel.Rows * TKernel.Columns];
        TKernel.Run(kc, packedA, bSliver, tile, TKernel.Columns, rows, accumulate: false);
        GemmTile.WriteBack(tile, TKernel.Columns, c, ldc, rows, columns, accumulate);
    }

    /// <summary>
    /// Packs the mc×kc block of op(A) at <paramref name="a"/> into slivers of the rows <see cref="SliverRows"/> gives,
    /// each MR values a step: a sliver starting at row i holds, for each p, op(A)[i .. i+MR, p], zero past its rows.
    /// </summary>
    private static void PackA<T, TKernel>(bool transposed, int mc, int kc, T* a, nint lda, T* destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IGemmKernel<T>
    {
        int mr = TKernel.Rows;
        for (int ir = 0, rows; ir < mc; ir += rows, destination += mr * kc)
        {
            rows = SliverRows(mc - ir, mr);
            if (transposed)
            {
                // op(A)[i, p] = A[p, i]: each step of p is a contiguous run of the sliver's rows.
                T* source = a + ir;
                for (int p = 0; p < kc; p++, source += lda)
                    CopyPadded(source, destination + p * mr, rows, mr);
            }
            else if (rows == 6 && mr == 6 && typeof(T) == typeof(float) && Avx.IsSupported)
            {
                PackSixRows((float*)(a + ir * lda), lda, kc, (float*)destination);
            }
            else if (rows == 12 && mr == 12 && typeof(T) == typeof(float) && Avx.IsSupported)
            {
                PackTwelveRows((float*)(a + ir * lda), lda, kc, (float*)destination);
            }
            else if (rows == 12 && mr == 12 && typeof(T) == typeof(double) && Avx.IsSupported)
            {
                PackTwelveRows((double*)(a + ir * lda), lda, kc, (double*)destination);
            }
            else if (rows == 6 && mr == 6)
            {
                T* r0 = a + ir * lda;
                T* r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda;
                T* d = destination;
                for (int p = 0; p < kc; p++, d += 6)
                {
                    d[0] = r0[p];
                    d[1] = r1[p];
                    d[2] = r2[p];
                    d[3] = r3[p];
                    d[4] = r4[p];
                    d[5] = r5[p];
                }
            }
            else
            {
                for (int r = 0; r < mr; r++)
                {
                    T* d = destination + r;
                    if (r < rows)
                    {
                        T* source = a + (ir + r) * lda;
                        for (int p = 0; p < kc; p++) d[p * mr] = source[p];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++) d[p * mr] = T.Zero;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs the kc×nc block of op(B) at <paramref name="b"/> into NR-column slivers: sliver s holds, for each p,
    /// op(B)[p, s·NR .. s·NR+NR], zero past the last column.
    /// </summary>
    private static void PackB<T, TKernel>(bool transposed, int kc, int nc, T* b, nint ldb, T* destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IGemmKernel<T>
    {
        int nr = TKernel.Columns;
        for (int jr = 0; jr < nc; jr += nr, destination += nr * kc)
        {
            int columns = Math.Min(nr, nc - jr);
            if (transposed && typeof(T) == typeof(float) && nr % 8 == 0 && columns == nr && Avx.IsSupported)
            {
                PackTransposedSliver((float*)(b + jr * ldb), ldb, kc, nr, (float*)destination);
            }
            else if (transposed)
            {
                // op(B)[p, j] = B[j, p]: read each of the sliver's rows of B contiguously, store it as a column.
                for (int j = 0; j < nr; j++)
                {
                    T* d = destination + j;
                    if (j < columns)
                    {
                        T* source = b + (jr + j) * ldb;
                        for (int p = 0; p < kc; p++) d[p * nr] = source[p];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++) d[p * nr] = T.Zero;
                    }
                }
            }
            else
            {
                // Each step of p reads one line of a different row, a pattern the hardware prefetcher does not run
                // ahead of; asking now for the line two slivers on (the adjacent one comes with the line pair)
                // hides most of the wait when B is not in cache, as the weights of a small-batch step are not.
                T* source = b + jr;
                for (int p = 0; p < kc; p++, source += ldb)
                {
                    if (Sse.IsSupported) Sse.Prefetch0(source + 2 * nr);
                    CopyPadded(source, destination + p * nr, columns, nr);
                }
            }
        }
    }

    /// <summary>
    /// Packs a full <paramref name="nr"/>-column sliver (a multiple of 8) of a transposed float32 B:
    /// destination[p·nr + j] = b[j·ldb + p]. Eight steps of p at a time, each 8×8 block is transposed in registers, so
    /// both reads and writes are whole vectors.
    /// </summary>
    private static void PackTransposedSliver(float* b, nint ldb, int kc, int nr, float* destination)
    {
        int p = 0;
        for (; p + 8 <= kc; p += 8)
        {
            for (int block = 0; block < nr / 8; block++)
            {
                float* rows = b + block * 8 * ldb + p;
                // Every other step, each of the eight rows asks for its line four lines on: the sliver reads its rows
                // (W's, from L3 in a training step) in as many streams as it has columns, more than the hardware
                // prefetcher follows (a batch-128 step 3-4 % faster; two lines on gained a little less, eight no more).
                if ((p & 8) == 0 && Sse.IsSupported)
                {
                    for (int r = 0; r < 8; r++) Sse.Prefetch0(rows + r * ldb + 64);
                }

                Transpose8(
                    Avx.LoadVector256(rows), Avx.LoadVector256(rows + ldb), Avx.LoadVector256(rows + 2 * ldb), Avx.LoadVector256(rows + 3 * ldb),
                    Avx.LoadVector256(rows + 4 * ldb), Avx.LoadVector256(rows + 5 * ldb), Avx.LoadVector256(rows + 6 * ldb), Avx.LoadVector256(rows + 7 * ldb),
                    destination + p * nr + block * 8, nr);
            }
        }

        for (; p < kc; p++)
            for (int j = 0; j < nr; j++) destination[p * nr + j] = b[j * ldb + p];
    }

    /// <summary>
    /// Packs six full rows of a row-major float32 A: destination[p·6 + r] = a[r·lda + p]. Eight steps of p at a time,
    /// the six rows (and two zero rows) are transposed in registers and written as eight-value runs six apart, each
    /// run's two spare values overwritten by the next; the last group is left to the scalar tail so that nothing is
    /// written past the sliver.
    /// </summary>
    private static void PackSixRows(float* a, nint lda, int kc, float* destination)
    {
        Vector256<float> zero = Vector256<float>.Zero;
        int p = 0;
        for (; p + 8 < kc; p += 8)
        {
            float* rows = a + p;
            Transpose8(
                Avx.LoadVector256(rows), Avx.LoadVector256(rows + lda), Avx.LoadVector256(rows + 2 * lda),
                Avx.LoadVector256(rows + 3 * lda), Avx.LoadVector256(rows + 4 * lda), Avx.LoadVector256(rows + 5 * lda),
                zero, zero, destination + p * 6, 6);
        }

        for (; p < kc; p++)
            for (int r = 0; r < 6; r++) destination[p * 6 + r] = a[r * lda + p];
    }

    /// <summary>
    /// Packs twelve full rows of a row-major float32 A (the AVX-512 kernel's sliver): destination[p·12 + r] =
    /// a[r·lda + p]. Eight steps of p at a time, rows 0–7 are transposed in registers as one 8×8 block and rows 8–11
    /// as two 4×4 blocks, so every read is a whole vector and every write one of eight or four values; one value at a
    /// time, the twelve strided writes of each step were most of the packing time.
    /// </summary>
    private static void PackTwelveRows(float* a, nint lda, int kc, float* destination)
    {
        int p = 0;
        for (; p + 8 <= kc; p += 8)
        {
            float* rows = a + p;
            float* d = destination + p * 12;
            Transpose8(
                Avx.LoadVector256(rows), Avx.LoadVector256(rows + lda), Avx.LoadVector256(rows + 2 * lda), Avx.LoadVector256(rows + 3 * lda),
                Avx.LoadVector256(rows + 4 * lda), Avx.LoadVector256(rows + 5 * lda), Avx.LoadVector256(rows + 6 * lda), Avx.LoadVector256(rows + 7 * lda),
                d, 12);
            Vector256<float> r8 = Avx.LoadVector256(rows + 8 * lda), r9 = Avx.LoadVector256(rows + 9 * lda);
            Vector256<float> r10 = Avx.LoadVector256(rows + 10 * lda), r11 = Avx.LoadVector256(rows + 11 * lda);
            Vector256<float> t0 = Avx.UnpackLow(r8, r9), t1 = Avx.UnpackHigh(r8, r9);
            Vector256<float> t2 = Avx.UnpackLow(r10, r11), t3 = Avx.UnpackHigh(r10, r11);
            // Each half of s holds rows 8–11 at one p: the lower half at p + i, the upper at p + i + 4.
            Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
            Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
            s0.GetLower().Store(d + 8);
            s1.GetLower().Store(d + 12 + 8);
            s2.GetLower().Store(d + 24 + 8);
            s3.GetLower().Store(d + 36 + 8);
            s0.GetUpper().Store(d + 48 + 8);
            s1.GetUpper().Store(d + 60 + 8);
            s2.GetUpper().Store(d + 72 + 8);
            s3.GetUpper().Store(d + 84 + 8);
        }

        for (; p < kc; p++)
            for (int r = 0; r < 12; r++) destination[p * 12 + r] = a[r * lda + p];
    }

    /// <summary>
    /// <see cref="PackTwelveRows(float*, nint, int, float*)"/> for float64: four steps of p at a time, the twelve rows
    /// as three 4×4 blocks transposed in registers.
    /// </summary>
    private static void PackTwelveRows(double* a, nint lda, int kc, double* destination)
    {
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            for (int block = 0; block < 3; block++)
            {
                double* rows = a + block * 4 * lda + p;
                Vector256<double> r0 = Avx.LoadVector256(rows), r1 = Avx.LoadVector256(rows + lda);
                Vector256<double> r2 = Avx.LoadVector256(rows + 2 * lda), r3 = Avx.LoadVector256(rows + 3 * lda);
                Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
                Vector256<double> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
                double* d = destination + p * 12 + block * 4;
                Avx.Permute2x128(t0, t2, 0x20).Store(d);
                Avx.Permute2x128(t1, t3, 0x20).Store(d + 12);
                Avx.Permute2x128(t0, t2, 0x31).Store(d + 24);
                Avx.Permute2x128(t1, t3, 0x31).Store(d + 36);
            }
        }

        for (; p < kc; p++)
            for (int r = 0; r < 12; r++) destination[p * 12 + r] = a[r * lda + p];
    }

    /// <summary>Writes the transpose of the 8×8 block with rows r0 … r7 as eight rows <paramref name="stride"/> values apart, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7, float* destination, nint stride)
    {
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(s0, s4, 0x20).Store(destination);
        Avx.Permute2x128(s1, s5, 0x20).Store(destination + stride);
        Avx.Permute2x128(s2, s6, 0x20).Store(destination + 2 * stride);
        Avx.Permute2x128(s3, s7, 0x20).Store(destination + 3 * stride);
        Avx.Permute2x128(s0, s4, 0x31).Store(destination + 4 * stride);
        Avx.Permute2x128(s1, s5, 0x31).Store(destination + 5 * stride);
        Avx.Permute2x128(s2, s6, 0x31).Store(destination + 6 * stride);
        Avx.Permute2x128(s3, s7, 0x31).Store(destination + 7 * stride);
    }

    /// <summary>Copies <paramref name="count"/> values and zeroes the rest of a <paramref name="width"/>-wide run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPadded<T>(T* source, T* destination, int count, int width) where T : unmanaged
    {
        if (count == width)
        {
            Unsafe.CopyBlockUnaligned(destination, source, (uint)(width * sizeof(T)));
            return;
        }

        int j = 0;
        for (; j < count; j++) destination[j] = source[j];
        for (; j < width; j++) destination[j] = default;
    }

    /// <summary>
    /// The rows of the A sliver that starts <paramref name="remaining"/> rows before the end of a block: MR, except that
    /// a last MR + 1 or MR + 2 rows are split in two halves, because a tile of one or two rows waits on its loads of B
    /// (a batch of 32 becomes four tiles of six and two of four, not five of six and one of two).
    /// </summary>
    internal static int SliverRows(int remaining, int mr) =>
        remaining > mr + 2 || remaining <= mr ? Math.Min(mr, remaining) : (remaining + 1) / 2;

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}

/// <summary>
/// One thread's packing buffers, 64-byte aligned in pinned arrays that grow to the largest size asked for and are
/// then reused, so steady-state products allocate nothing.
/// </summary>
internal sealed unsafe class GemmWorkspace
{
    private const int Alignment = 64;

    [ThreadStatic]
    private static GemmWorkspace? t_cached;

    private byte[] _a = [];
    private byte[] _b = [];

    /// <summary>Takes this thread's workspace (a new one if a caller on this thread already holds it).</summary>
    public static GemmWorkspace Rent()
    {
        GemmWorkspace workspace = t_cached ?? new GemmWorkspace();
        t_cached = null;
        return workspace;
    }

    /// <summary>Gives a workspace back to the calling thread for its next product.</summary>
    public static void Return(GemmWorkspace workspace) => t_cached = workspace;

    /// <summary>An aligned buffer for at least <paramref name="count"/> values of packed A.</summary>
    public T* PackedA<T>(int count) where T : unmanaged => (T*)Aligned(ref _a, count * sizeof(T));

    /// <summary>An aligned buffer for at least <paramref name="count"/> values of packed B.</summary>
    public T* PackedB<T>(int count) where T : unmanaged => (T*)Aligned(ref _b, count * sizeof(T));

    private static byte* Aligned(ref byte[] buffer, int bytes)
    {
        if (buffer.Length < bytes + Alignment)
            buffer = GC.AllocateUninitializedArray<byte>(bytes + Alignment, pinned: true);

        // Arrays on the pinned object heap never move, so the address stays valid for the array's lifetime.
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (byte*)((address + Alignment - 1) & ~(nuint)(Alignment - 1));
    }
}
