using System.Numerics;
using Autograd.Kernels;

namespace Autograd.Tests.Kernels;

/// <summary>
/// The blocked GEMM against a naive float64 triple loop: every transpose combination, sizes on and off the tile
/// edges, padded leading dimensions, every kernel the machine can run (AVX-512, AVX2+FMA, portable), one and two
/// threads. The 256-bit kernels run here even on an AVX-512 machine; <see cref="VectorPathProcessTests"/> also checks
/// the choice the runtime makes when AVX-512 is turned off.
/// </summary>
public class MatrixProductTests
{
    // Around the tile edges (MR = 6 or 12, NR = 8, 16 or 32, the portable 4×4) and past one micro-kernel in every
    // direction.
    private static readonly int[] Sizes = [1, 2, 5, 6, 7, 8, 9, 12, 13, 16, 17, 32, 33, 70];
    private static readonly int[] Depths = [0, 1, 7, 9, 16, 24, 45];

    private static IEnumerable<TestCaseData> Layouts()
    {
        foreach (bool transposeA in new[] { false, true })
            foreach (bool transposeB in new[] { false, true })
                foreach (string path in Enum.GetNames<VectorPath>())
                    yield return new TestCaseData(transposeA, transposeB, path);
    }

    [TestCaseSource(nameof(Layouts))]
    public void SingleMatchesTheReferenceOnSmallSizes(bool transposeA, bool transposeB, string path) =>
        SmallSizes<float>(transposeA, transposeB, Enum.Parse<VectorPath>(path));

    [TestCaseSource(nameof(Layouts))]
    public void DoubleMatchesTheReferenceOnSmallSizes(bool transposeA, bool transposeB, string path) =>
        SmallSizes<double>(transposeA, transposeB, Enum.Parse<VectorPath>(path));

    // Past the blocking: m > MC, k > KC (so C is accumulated over depth blocks), and n > NC for the wide one;
    // all above the threshold (64³ multiply-adds) where two threads split the work.
    [TestCase(160, 100, 30)]
    [TestCase(70, 67, 90)]
    [TestCase(20, 300, 50)]
    [TestCase(20, 30, 600)]
    [TestCase(9, 4100, 8)]
    [TestCase(32, 500, 784)]
    [TestCase(512, 10, 400)]
    public void LargeProductsMatchTheReferenceOnOneAndTwoThreads(int m, int n, int k)
    {
        foreach (VectorPath path in VectorizedPaths())
        {
            foreach (bool transposeA in new[] { false, true })
                foreach (bool transposeB in new[] { false, true })
                {
                    var single = Problem<float>.Create(m, n, k, transposeA, transposeB, seed: m + n + k);
                    single.AssertMatchesReference(threads: 1, path);
                    single.AssertMatchesReference(threads: 2, path);
                }

            Problem<double>.Create(m, n, k, transposeA: false, transposeB: true, seed: m * n + k).AssertMatchesReference(threads: 2, path);
        }
    }

    /// <summary>The vectorized paths this machine can run: both on an AVX-512 machine, AVX2 alone on an AVX2 one.</summary>
    private static IEnumerable<VectorPath> VectorizedPaths() =>
        new[] { VectorPath.Avx512, VectorPath.Avx2 }.Where(VectorPaths.CanRun);

    private static string[] Paths() => Enum.GetNames<VectorPath>();

    // The bias and ReLU a Linear layer fuses into the product: through the packed kernels (tiles on and off the edges,
    // several depth blocks, so only the last may apply them), the float32 dot products of a small batch times Wᵀ, and
    // k = 0, where C is the bias alone.
    [TestCaseSource(nameof(Paths))]
    public void BiasAndReluAreAppliedToEveryElementOnce(string pathName)
    {
        VectorPath path = Enum.Parse<VectorPath>(pathName);
        Assume.That(VectorPaths.CanRun(path), $"this machine cannot run {path}");
        foreach (var (m, n, k, transposeB) in new[] { (5, 7, 3, false), (37, 45, 600, false), (32, 200, 300, true), (130, 70, 600, true), (4, 9, 0, true) })
            foreach (bool relu in new[] { false, true })
                foreach (int threads in new[] { 1, 2 })
                {
                    Problem<float>.Create(m, n, k, transposeA: false, transposeB, seed: m + n).AssertEpilogueMatchesReference(threads, path, relu);
                    Problem<double>.Create(m, n, k, transposeA: false, transposeB, seed: m + n).AssertEpilogueMatchesReference(threads, path, relu);
                }
    }

    [Test]
    public void ResultsAreBitIdenticalAcrossRunsAndThreadCounts()
    {
        // KC depends on k alone, so each element is summed in one order however C is shared among threads; a small
        // batch times Bᵀ (dot products, split by columns or, when C is tall, by rows) sums each element in one tree.
        // (40, 20, 1000) has too many rows for dot products, though each half of its rows has few enough; (300, 10,
        // 401) is a narrow C, dot products whatever its rows.
        foreach (var (m, n, k) in new[] { (150, 170, 700), (300, 40, 130), (32, 130, 203), (32, 20, 2001), (40, 20, 1000), (300, 10, 401) })
            foreach (bool transposeA in new[] { false, true })
            {
                var problem = Problem<float>.Create(m, n, k, transposeA, transposeB: !transposeA, seed: 7);
                foreach (VectorPath path in VectorizedPaths())
                {
                    float[] once = problem.Run(threads: 2, path);
                    float[] again = problem.Run(threads: 2, path);
                    float[] alone = problem.Run(threads: 1, path);
                    Assert.That(again, Is.EqualTo(once).AsCollection, $"{path}: same thread count");
                    Assert.That(alone, Is.EqualTo(once).AsCollection, $"{path}: one thread and two");
                }
            }
    }

    [Test]
    public void ResultsAreBitIdenticalOnBothVectorPaths()
    {
        // A Linear layer's x·Wᵀ gives the same numbers on AVX-512 and AVX2 machines: the 512-bit dot-product tile keeps
        // the 256-bit one's eight lanes per element (a small batch, a narrow C, tiles on and off their edges), and the
        // packed kernels sum each element over p in order, in one depth block on both paths when k is at most 256.
        // (Deeper packed products are blocked at 256 on one path and 512 on the other, so their sums may round apart.)
        Assume.That(VectorPaths.CanRun(VectorPath.Avx512), "this machine cannot run AVX-512");
        var cases = new[]
        {
            (32, 500, 784, false), (31, 13, 45, false), (9, 7, 1, false), (300, 10, 401, false), (37, 3, 17, false),
            (150, 170, 200, false), (150, 170, 200, true), (70, 67, 90, true),
        };
        foreach (var (m, n, k, transposeA) in cases)
            foreach (int threads in new[] { 1, 2 })
            {
                var problem = Problem<float>.Create(m, n, k, transposeA, transposeB: !transposeA, seed: m + k);
                Assert.That(problem.Run(threads, VectorPath.Avx512), Is.EqualTo(problem.Run(threads, VectorPath.Avx2)).AsCollection,
                    $"{m}×{n}×{k}, transposeA {transposeA}, {threads} threads");
            }
    }

    [Test]
    public void ThePublicEntryUsesTheConfiguredThreads()
    {
        var problem = Problem<float>.Create(96, 80, 70, transposeA: false, transposeB: true, seed: 3);
        float[] expected = problem.Run(threads: 1, VectorPaths.Best);
        float[] c = problem.FreshC();
        MatrixProduct.Multiply<float>(problem.TransposeA, problem.TransposeB, problem.M, problem.N, problem.K,
            problem.A, problem.Lda, problem.B, problem.Ldb, c, problem.Ldc);
        Assert.That(c, Is.EqualTo(expected).AsCollection);
    }

    [Test]
    public void ShortSpansAreRejected()
    {
        var a = new float[6];
        var b = new float[6];
        var c = new float[4];
        Assert.Throws<ArgumentException>(() => MatrixProduct.Multiply<float>(false, false, 2, 2, 3, a.AsSpan(0, 5), 3, b, 2, c, 2));
        Assert.Throws<ArgumentException>(() => MatrixProduct.Multiply<float>(false, false, 2, 2, 3, a, 3, b, 2, c.AsSpan(0, 3), 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => MatrixProduct.Multiply<float>(false, false, 2, 2, 3, a, 2, b, 2, c, 2));
    }

    private static void SmallSizes<T>(bool transposeA, bool transposeB, VectorPath path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assume.That(VectorPaths.CanRun(path), $"this machine cannot run {path}");
        int seed = 0;
        foreach (int m in Sizes)
            foreach (int n in Sizes)
                foreach (int k in Depths)
                    Problem<T>.Create(m, n, k, transposeA, transposeB, seed++).AssertMatchesReference(threads: 1, path);
    }

    /// <summary>
    /// One product with padded leading dimensions; C starts as NaN so that every element must be overwritten, and
    /// the padding columns of C must come back untouched.
    /// </summary>
    private sealed class Problem<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private const int Padding = 3;

        private (double[] Expected, double[] Tolerance)? _reference;

        private Problem(bool transposeA, bool transposeB, int m, int n, int k, T[] a, int lda, T[] b, int ldb)
        {
            (TransposeA, TransposeB, M, N, K, A, Lda, B, Ldb) = (transposeA, transposeB, m, n, k, a, lda, b, ldb);
            Ldc = n + Padding;
        }

        public bool TransposeA { get; }

        public bool TransposeB { get; }

        public int M { get; }

        public int N { get; }

        public int K { get; }

        public T[] A { get; }

        public int Lda { get; }

        public T[] B { get; }

        public int Ldb { get; }

        public int Ldc { get; }

        public static Problem<T> Create(int m, int n, int k, bool transposeA, bool transposeB, int seed)
        {
            var random = new Random(seed);
            (int aRows, int aColumns) = transposeA ? (k, m) : (m, k);
            (int bRows, int bColumns) = transposeB ? (n, k) : (k, n);
            int lda = aColumns + Padding, ldb = bColumns + 1;
            return new Problem<T>(transposeA, transposeB, m, n, k,
                RandomMatrix(random, aRows, aColumns, lda), lda, RandomMatrix(random, bRows, bColumns, ldb), ldb);
        }

        public T[] FreshC()
        {
            var c = new T[Math.Max(0, (M - 1) * Ldc + N)];
            Array.Fill(c, T.NaN);
            return c;
        }

        public T[] Run(int threads, VectorPath path)
        {
            T[] c = FreshC();
            MatrixProduct.Multiply<T>(TransposeA, TransposeB, M, N, K, A, Lda, B, Ldb, c, Ldc, threads, path);
            return c;
        }

        /// <summary>C = relu?(op(A)·op(B) + bias) against the reference with the bias added (and clamped): relu moves
        /// no value further from another, so the product's tolerance holds.</summary>
        public void AssertEpilogueMatchesReference(int threads, VectorPath path, bool relu)
        {
            var random = new Random(M * 31 + N);
            T[] bias = [.. Enumerable.Range(0, N).Select(_ => T.CreateChecked(random.NextDouble() * 2 - 1))];
            T[] c = FreshC();
            MatrixProduct.Multiply<T>(TransposeA, TransposeB, M, N, K, A, Lda, B, Ldb, c, Ldc, threads, path, bias, relu);
            (double[] product, double[] productTolerance) = Reference();
            double epsilon = typeof(T) == typeof(float) ? 1.2e-7 : 2.3e-16;
            double[] expected = new double[product.Length], tolerance = new double[product.Length];
            for (int i = 0; i < M; i++)
                for (int j = 0; j < N; j++)
                {
                    double value = product[i * N + j] + double.CreateChecked(bias[j]);
                    expected[i * N + j] = relu ? Math.Max(value, 0) : value;
                    // The addition rounds once more.
                    tolerance[i * N + j] = productTolerance[i * N + j] + 2 * epsilon * (Math.Abs(product[i * N + j]) + Math.Abs(double.CreateChecked(bias[j])));
                }

            AssertClose(c, expected, tolerance, threads, path);
        }

        public void AssertMatchesReference(int threads, VectorPath path)
        {
            T[] c = Run(threads, path);
            (double[] expected, double[] tolerance) = Reference();
            AssertClose(c, expected, tolerance, threads, path);
        }

        private void AssertClose(T[] c, double[] expected, double[] tolerance, int threads, VectorPath path)
        {
            for (int i = 0; i < M; i++)
            {
                for (int j = 0; j < N; j++)
                {
                    double actual = double.CreateChecked(c[i * Ldc + j]);
                    if (!(Math.Abs(actual - expected[i * N + j]) <= tolerance[i * N + j]))
                        Assert.Fail($"{Describe(threads, path)}: C[{i}, {j}] = {actual}, expected {expected[i * N + j]} ± {tolerance[i * N + j]}");
                }

                for (int j = N; j < Ldc && i * Ldc + j < c.Length; j++)
                {
                    if (!T.IsNaN(c[i * Ldc + j]))
                        Assert.Fail($"{Describe(threads, path)}: wrote into the padding of C at row {i}, column {j}");
                }
            }
        }

        /// <summary>The float64 triple loop, and per element the classic bound K·ε·Σ|aᵢₚbₚⱼ| (doubled, for room).</summary>
        private (double[] Expected, double[] Tolerance) Reference()
        {
            if (_reference is { } known) return known;
            double epsilon = typeof(T) == typeof(float) ? 1.2e-7 : 2.3e-16;
            double[] a = ToDouble(A), b = ToDouble(B);
            var expected = new double[M * N];
            var tolerance = new double[M * N];
            for (int i = 0; i < M; i++)
            {
                for (int j = 0; j < N; j++)
                {
                    double sum = 0, magnitude = 0;
                    for (int p = 0; p < K; p++)
                    {
                        double term = (TransposeA ? a[p * Lda + i] : a[i * Lda + p]) * (TransposeB ? b[j * Ldb + p] : b[p * Ldb + j]);
                        sum += term;
                        magnitude += Math.Abs(term);
                    }

                    expected[i * N + j] = sum;
                    tolerance[i * N + j] = 2 * (K + 1) * epsilon * magnitude + 1e-30;
                }
            }

            _reference = (expected, tolerance);
            return _reference.Value;
        }

        private static double[] ToDouble(T[] values) => Array.ConvertAll(values, double.CreateChecked);

        private string Describe(int threads, VectorPath path) =>
            $"{typeof(T).Name} m={M} n={N} k={K} transposeA={TransposeA} transposeB={TransposeB} threads={threads} path={path}";

        /// <summary>Uniform values in [-1, 1); the padding past <paramref name="columns"/> is NaN, so reading it would show.</summary>
        private static T[] RandomMatrix(Random random, int rows, int columns, int leading)
        {
            var values = new T[rows * leading];
            for (int i = 0; i < values.Length; i++)
                values[i] = i % leading < columns ? T.CreateChecked(random.NextDouble() * 2 - 1) : T.NaN;
            return values;
        }
    }
}
