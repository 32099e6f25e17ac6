using System.Globalization;
using System.Numerics;
using Autograd.Kernels;

namespace Autograd.Tests.Kernels;

/// <summary>
/// One kernel computation on fixed inputs, with its float64 reference and a per-element tolerance. Run in this process
/// and in a child process with AVX-512 turned off, so that both vector paths are checked on one machine.
/// </summary>
internal sealed record KernelCheck(string Name, Func<double[]> Compute, Lazy<(double[] Expected, double[] Tolerance)> Reference);

/// <summary>The kernel checks, and the child process's side: printing their results.</summary>
internal static class KernelChecks
{
    /// <summary>Every check: products of both types in every layout, on and off the tile edges, one and two threads.</summary>
    public static IEnumerable<KernelCheck> All()
    {
        // (m, n, k): off every tile edge; a small batch times Wᵀ (the dot-product kernel for float32); a batch of
        // 128 through the packed path; deeper than one depth block of every kernel.
        (int M, int N, int K)[] shapes = [(37, 45, 300), (32, 200, 300), (128, 100, 300), (70, 60, 600)];
        foreach (var (m, n, k) in shapes)
            foreach (bool transposeA in new[] { false, true })
                foreach (bool transposeB in new[] { false, true })
                {
                    int seed = m + 3 * n + 7 * k + (transposeA ? 1 : 0) + (transposeB ? 2 : 0);
                    foreach (KernelCheck check in Product<float>(m, n, k, transposeA, transposeB, seed)) yield return check;
                    foreach (KernelCheck check in Product<double>(m, n, k, transposeA, transposeB, seed)) yield return check;
                }
    }

    /// <summary>
    /// The child process's output: a line naming the vector path, then a line per check, its name and its values in
    /// round-trip form.
    /// </summary>
    public static void Print(TextWriter output)
    {
        output.WriteLine($"path {VectorPaths.Best}");
        foreach (KernelCheck check in All())
            output.WriteLine($"{check.Name} {string.Join(' ', check.Compute().Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}");
    }

    /// <summary>Reads what <see cref="Print"/> wrote: the vector path and each check's values by name.</summary>
    public static (string Path, Dictionary<string, double[]> Results) Parse(string text)
    {
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var results = new Dictionary<string, double[]>();
        foreach (string line in lines.Skip(1))
        {
            string[] fields = line.Split(' ');
            results[fields[0]] = [.. fields.Skip(1).Select(f => double.Parse(f, CultureInfo.InvariantCulture))];
        }

        return (lines[0]["path ".Length..], results);
    }

    /// <summary>C = op(A)·op(B) on one and on two threads, against one reference.</summary>
    private static IEnumerable<KernelCheck> Product<T>(int m, int n, int k, bool transposeA, bool transposeB, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        T[] a = RandomValues<T>(random, m * k), b = RandomValues<T>(random, k * n);
        int lda = transposeA ? m : k, ldb = transposeB ? k : n;
        var reference = new Lazy<(double[], double[])>(() =>
            {
                // The float64 triple loop and the classic bound K·ε·Σ|aᵢₚbₚⱼ|, doubled for room.
                double epsilon = typeof(T) == typeof(float) ? 1.2e-7 : 2.3e-16;
                var expected = new double[m * n];
                var tolerance = new double[m * n];
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        double sum = 0, magnitude = 0;
                        for (int p = 0; p < k; p++)
                        {
                            double term = double.CreateChecked(transposeA ? a[p * lda + i] : a[i * lda + p])
                                * double.CreateChecked(transposeB ? b[j * ldb + p] : b[p * ldb + j]);
                            sum += term;
                            magnitude += Math.Abs(term);
                        }

                        expected[i * n + j] = sum;
                        tolerance[i * n + j] = 2 * (k + 1) * epsilon * magnitude + 1e-30;
                    }

                return (expected, tolerance);
            });
        T[] bias = RandomValues<T>(random, n);
        // A Linear layer's bias and ReLU, applied as the product writes C: relu(C + bias) within the product's
        // tolerance, plus the addition's own rounding.
        var withEpilogue = new Lazy<(double[], double[])>(() =>
        {
            (double[] product, double[] productTolerance) = reference.Value;
            double epsilon = typeof(T) == typeof(float) ? 1.2e-7 : 2.3e-16;
            double[] expected = new double[m * n], tolerance = new double[m * n];
            for (int i = 0; i < m * n; i++)
            {
                double shift = double.CreateChecked(bias[i % n]);
                expected[i] = Math.Max(product[i] + shift, 0);
                tolerance[i] = productTolerance[i] + 2 * epsilon * (Math.Abs(product[i]) + Math.Abs(shift));
            }

            return (expected, tolerance);
        });
        string shape = $"{typeof(T).Name}_{m}x{n}x{k}_{(transposeA ? "T" : "N")}{(transposeB ? "T" : "N")}";
        foreach (int threads in new[] { 1, 2 })
        {
            yield return new KernelCheck($"gemm_{shape}_threads{threads}", () =>
            {
                var c = new T[m * n];
                MatrixProduct.Multiply<T>(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, n, threads, VectorPaths.Best);
                return Array.ConvertAll(c, double.CreateChecked);
            }, reference);
            yield return new KernelCheck($"gemm_bias_relu_{shape}_threads{threads}", () =>
            {
                var c = new T[m * n];
                MatrixProduct.Multiply<T>(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, n, threads, VectorPaths.Best, bias, relu: true);
                return Array.ConvertAll(c, double.CreateChecked);
            }, withEpilogue);
        }
    }

    private static T[] RandomValues<T>(Random random, int count) where T : IFloatingPointIeee754<T> =>
        [.. Enumerable.Range(0, count).Select(_ => T.CreateChecked(random.NextDouble() * 2 - 1))];
}
