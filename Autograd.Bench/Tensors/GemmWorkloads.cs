using System.Numerics;
using Autograd;
using Autograd.Memory;

namespace Autograd.Bench.Tensors;

/// <summary>
/// The matrix-product workload measured by both the BenchmarkDotNet suite and the quick figures: C = A·B for square
/// float32 (or float64) matrices through the public tensor API, with gradient recording off.
/// </summary>
public static class GemmWorkloads
{
    /// <summary>Two n×n standard-normal float32 operands, the same for a given n on every run.</summary>
    public static (Tensor<float> A, Tensor<float> B) Operands(int n) => Operands<float>(n);

    /// <summary>Two n×n standard-normal operands of type <typeparamref name="T"/>, the same for a given n on every run.</summary>
    public static (Tensor<T> A, Tensor<T> B) Operands<T>(int n) where T : unmanaged, IFloatingPointIeee754<T> =>
        (Tensor.RandomNormal<T>([n, n], seed: 1), Tensor.RandomNormal<T>([n, n], seed: 2));

    /// <summary>
    /// One product A·B without recording a graph node, in a <see cref="TensorScope"/> so that repeated products reuse
    /// one result array (as PyTorch's allocator reuses the block a dropped result frees).
    /// </summary>
    /// <returns>An element of the product (returned so that the work cannot be optimized away).</returns>
    public static T Multiply<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        using (Autodiff.NoGrad())
        using (new TensorScope())
            return a.MatMul(b).AsReadOnlySpan()[0];
    }

    /// <summary>Floating-point operations in one n×n·n×n product (a multiply and an add per term).</summary>
    public static double Flops(int n) => 2.0 * n * n * n;

    /// <summary>
    /// GFLOP/s of the square float32 product, from <paramref name="medianSeconds"/>, a timer that returns the median
    /// wall time of an action over the given number of repetitions.
    /// </summary>
    public static double GigaflopsPerSecond(int n, Func<Action, int, double> medianSeconds) =>
        GigaflopsPerSecond<float>(n, medianSeconds);

    /// <summary>GFLOP/s of the square product in <typeparamref name="T"/>; see <see cref="GigaflopsPerSecond(int, Func{Action, int, double})"/>.</summary>
    public static double GigaflopsPerSecond<T>(int n, Func<Action, int, double> medianSeconds) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(medianSeconds);
        var (a, b) = Operands<T>(n);
        // About a second of timed work whatever n is, and never fewer than five runs.
        int repetitions = Math.Max(5, (int)(4e10 / Flops(n)));
        double seconds = medianSeconds(() => Multiply(a, b), repetitions);
        return Flops(n) / seconds / 1e9;
    }
}
