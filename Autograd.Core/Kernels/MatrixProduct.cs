using System.Numerics;

namespace Autograd.Kernels;

/// <summary>The one entry the tensor ops use for C = op(A)·op(B), row-major with leading dimensions.</summary>
/// <remarks>
/// A blocked, packed GEMM (see <see cref="GemmDriver"/>) with a register-tiled micro-kernel for AVX-512 or AVX2+FMA
/// (chosen at run time, see <see cref="VectorPaths.Best"/>), or for a few
/// rows or columns of a product with a transposed float32 B, dot products that read both operands in place (see
/// <see cref="DotProductGemm"/>); split over up to <see cref="Parallelism.MaxThreads"/> threads by columns (or rows)
/// of C. Every C element is summed in the same order whatever the thread count, so results are bit-identical across
/// runs and thread counts.
/// </remarks>
internal static unsafe class MatrixProduct
{
    /// <summary>Products below this many multiply-adds (64³) run on the calling thread: a split would cost more than it saves.</summary>
    private const long ParallelThreshold = 64L * 64 * 64;

    /// <summary>C[m×n] = op(A)[m×k]·op(B)[k×n], overwriting C.</summary>
    /// <remarks>
    /// op(A) = A when <paramref name="transposeA"/> is false (A stored m×k, element (i, p) at a[i·lda + p]) and Aᵀ when
    /// it is true (A stored k×m, element (i, p) at a[p·lda + i]); likewise op(B) with B stored k×n or n×k. C is m×n
    /// with element (i, j) at c[i·ldc + j].
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or a leading dimension is narrower than its rows.</exception>
    /// <exception cref="ArgumentException">A span is too short for the matrix it holds.</exception>
    public static void Multiply<T>(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, Parallelism.MaxThreads, VectorPaths.Best);

    /// <summary>
    /// C[i, j] = relu?((op(A)·op(B))[i, j] + bias[j]): a Linear layer's product, bias and ReLU in one pass over C
    /// (see <see cref="GemmEpilogue{T}"/>); <paramref name="bias"/> holds the n values added to each row of C, or is
    /// empty for none, and <paramref name="relu"/> says whether negative results become zero.
    /// </summary>
    public static void Multiply<T>(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, ReadOnlySpan<T> bias, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, Parallelism.MaxThreads, VectorPaths.Best, bias, relu);

    /// <summary>
    /// <see cref="Multiply{T}(bool, bool, int, int, int, ReadOnlySpan{T}, int, ReadOnlySpan{T}, int, Span{T}, int)"/>
    /// on at most <paramref name="maxThreads"/> threads with the kernels of <paramref name="path"/> (tests run every
    /// path the machine can; one it cannot runs the portable kernel).
    /// </summary>
    public static void Multiply<T>(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, int maxThreads, VectorPath path,
        ReadOnlySpan<T> bias = default, bool relu = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        if (m == 0 || n == 0) return;
        CheckMatrix(c.Length, m, n, ldc, nameof(c));
        if (!bias.IsEmpty && bias.Length != n)
            throw new ArgumentException($"the bias has {bias.Length} values, not one for each of the {n} columns", nameof(bias));
        if (k == 0)
        {
            for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
            fixed (T* pc = c, pBias = bias)
                new GemmEpilogue<T>(bias.IsEmpty ? null : pBias, relu).Apply(pc, ldc, m, n);
            return;
        }

        CheckMatrix(a.Length, transposeA ? k : m, transposeA ? m : k, lda, nameof(a));
        CheckMatrix(b.Length, transposeB ? n : k, transposeB ? k : n, ldb, nameof(b));

        fixed (T* pa = a, pb = b, pc = c, pBias = bias)
        {
            var epilogue = new GemmEpilogue<T>(bias.IsEmpty ? null : pBias, relu);
            var problem = new Problem<T>(transposeA, transposeB, m, n, k, pa, lda, pb, ldb, pc, ldc, epilogue);
            // Each path's kernels are written for the registers its ISA has; a path the process cannot run falls
            // back to the portable kernel.
            switch (VectorPaths.CanRun(path) ? path : VectorPath.Portable)
            {
                case VectorPath.Avx512 when typeof(T) == typeof(float):
                    Split<float, Avx512Kernel<float>>(problem.As<float>(), maxThreads);
                    return;
                case VectorPath.Avx512 when typeof(T) == typeof(double):
                    Split<double, Avx512Kernel<double>>(problem.As<double>(), maxThreads);
                    return;
                case VectorPath.Avx2 when typeof(T) == typeof(float):
                    Split<float, FmaKernel<float>>(problem.As<float>(), maxThreads);
                    return;
                case VectorPath.Avx2 when typeof(T) == typeof(double):
                    Split<double, FmaKernel<double>>(problem.As<double>(), maxThreads);
                    return;
                default:
                    Split<T, PortableKernel<T>>(problem, maxThreads);
                    return;
            }
        }
    }

    /// <summary>
    /// Shares the product among threads: each takes a contiguous run of NR-column slivers of C (or MR-row slivers,
    /// when C is taller than wide) and runs the whole blocked GEMM on it with its own packing buffers.
    /// </summary>
    private static void Split<T, TKernel>(Problem<T> problem, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IGemmKernel<T>
    {
        long work = (long)problem.M * problem.N * problem.K;
        bool byColumns = problem.N >= problem.M;
        int tiles = byColumns
            ? (problem.N + TKernel.Columns - 1) / TKernel.Columns
            : (problem.M + TKernel.Rows - 1) / TKernel.Rows;
        int threads = work < ParallelThreshold ? 1 : (int)Math.Min(Math.Min(maxThreads, tiles), work / ParallelThreshold);
        // Chosen for the whole product, not per part: a part of a tall C has fewer rows than the whole, and summing
        // some parts one way and the rest another would make the result depend on the thread count.
        bool dotProducts = (typeof(TKernel) == typeof(FmaKernel<float>) || typeof(TKernel) == typeof(Avx512Kernel<float>)) && DotProductGemm.Suits(problem.TransposeA, problem.TransposeB, problem.M, problem.N);
        if (threads <= 1)
        {
            RunPart<T, TKernel>(problem, dotProducts);
            return;
        }

        // One part per thread: finer parts would balance a late worker better, but each repacks all of A (or B),
        // which measured slower on two cores.
        GemmWorkers.Run(new SplitJob<T, TKernel>(problem, threads, tiles, byColumns, dotProducts), threads - 1);
    }

    /// <summary>Part t of <c>threads</c>: a contiguous run of whole tiles along the split dimension.</summary>
    private sealed class SplitJob<T, TKernel>(Problem<T> problem, int parts, int tiles, bool byColumns, bool dotProducts) : GemmJob(parts)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IGemmKernel<T>
    {
        protected override void RunPart(int part)
        {
            int width = byColumns ? TKernel.Columns : TKernel.Rows;
            int start = (int)((long)tiles * part / Count) * width;
            int end = (int)((long)tiles * (part + 1) / Count) * width;
            RunPart<T, TKernel>(byColumns
                ? problem.Columns(start, Math.Min(end, problem.N))
                : problem.Rows(start, Math.Min(end, problem.M)), dotProducts);
        }
    }

    private static void RunPart<T, TKernel>(Problem<T> p, bool dotProducts)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IGemmKernel<T>
    {
        if (dotProducts)
        {
            // x·Wᵀ of a small batch or of a narrow layer: the rows of A and B are read in place, not packed.
            if (typeof(TKernel) == typeof(Avx512Kernel<float>))
                DotProductGemm.Run<DotProductTile512>(p.M, p.N, p.K, (float*)p.A, p.Lda, (float*)p.B, p.Ldb, (float*)p.C, p.Ldc);
            else
                DotProductGemm.Run<DotProductTile256>(p.M, p.N, p.K, (float*)p.A, p.Lda, (float*)p.B, p.Ldb, (float*)p.C, p.Ldc);
            // This part of C (at most 32 rows, or 16 columns) is still in L2.
            p.Epilogue.Apply(p.C, p.Ldc, p.M, p.N);
            return;
        }

        GemmWorkspace workspace = GemmWorkspace.Rent();
        try
        {
            GemmDriver.Run<T, TKernel>(p.TransposeA, p.TransposeB, p.M, p.N, p.K, p.A, p.Lda, p.B, p.Ldb, p.C, p.Ldc, workspace, p.Epilogue);
        }
        finally
        {
            GemmWorkspace.Return(workspace);
        }
    }

    private static void CheckMatrix(int length, int rows, int columns, int leading, string name)
    {
        if (leading < columns || leading < 1)
            throw new ArgumentOutOfRangeException(name, $"leading dimension {leading} is narrower than the {columns} columns of the stored matrix");
        if (rows > 0 && columns > 0 && length < (long)(rows - 1) * leading + columns)
            throw new ArgumentException($"a {rows}×{columns} matrix with leading dimension {leading} needs {(long)(rows - 1) * leading + columns} values, not {length}", name);
    }

    /// <summary>One GEMM call's operands as pointers, so that a thread's share is a sub-problem of the same form.</summary>
    private readonly struct Problem<T>(bool transposeA, bool transposeB, int m, int n, int k, T* a, nint lda, T* b, nint ldb, T* c, nint ldc,
        GemmEpilogue<T> epilogue)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public bool TransposeA { get; } = transposeA;

        public bool TransposeB { get; } = transposeB;

        public int M { get; } = m;

        public int N { get; } = n;

        public int K { get; } = k;

        public T* A { get; } = a;

        public nint Lda { get; } = lda;

        public T* B { get; } = b;

        public nint Ldb { get; } = ldb;

        public T* C { get; } = c;

        public nint Ldc { get; } = ldc;

        public GemmEpilogue<T> Epilogue { get; } = epilogue;

        /// <summary>Columns [start, end) of C: the same A, a slice of op(B).</summary>
        public Problem<T> Columns(int start, int end) =>
            new(TransposeA, TransposeB, M, end - start, K, A, Lda, TransposeB ? B + start * Ldb : B + start, Ldb, C + start, Ldc, Epilogue.From(start));

        /// <summary>Rows [start, end) of C: a slice of op(A), the same B.</summary>
        public Problem<T> Rows(int start, int end) =>
            new(TransposeA, TransposeB, end - start, N, K, TransposeA ? A + start : A + start * Lda, Lda, B, Ldb, C + start * Ldc, Ldc, Epilogue);

        /// <summary>The same problem over the same memory, typed as <typeparamref name="TOther"/> (which must be T).</summary>
        public Problem<TOther> As<TOther>() where TOther : unmanaged, IFloatingPointIeee754<TOther> =>
            new(TransposeA, TransposeB, M, N, K, (TOther*)A, Lda, (TOther*)B, Ldb, (TOther*)C, Ldc, new GemmEpilogue<TOther>((TOther*)Epilogue.Bias, Epilogue.Relu));
    }
}
