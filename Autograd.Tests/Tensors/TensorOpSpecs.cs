using System.Numerics;
using Autograd.NN.Word2Vec;

namespace Autograd.Tests.Tensors;

/// <summary>Where an op's inputs are drawn from, so that checks stay inside its domain and away from its kinks.</summary>
public enum Domain
{
    /// <summary>Standard normal.</summary>
    Any,

    /// <summary>Uniform in [0.5, 2]: log, sqrt, a base raised to a tensor power, divisors.</summary>
    Positive,

    /// <summary>|x| uniform in [0.2, 1.5] with a random sign: abs, relu, clamp and other kinks at 0.</summary>
    AwayFromZero,

    /// <summary>A shuffled ramp with gaps of 0.1: max and min, whose argmax must not change under a small step.</summary>
    Distinct,

    /// <summary>Uniform in [−1.2, 1.2]: tan, away from its poles.</summary>
    Bounded,
}

/// <summary>One op under test: its inputs' shapes and domain, and the function that applies it.</summary>
/// <param name="Name">The op's name (the <see cref="Tensor{T}"/> method), used to find ops without a spec.</param>
/// <param name="Case">What this case varies (shapes, axis, broadcasting).</param>
/// <param name="Shapes">One shape per input.</param>
/// <param name="Apply">The op applied to the inputs.</param>
/// <param name="Domain">Where the inputs are drawn from.</param>
/// <typeparam name="T">The element type the op is applied in.</typeparam>
public sealed record TensorOpSpec<T>(string Name, string Case, int[][] Shapes, Func<Tensor<T>[], Tensor<T>> Apply, Domain Domain = Domain.Any)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Inputs for this spec, deterministic for a seed (the same values, rounded, for every element type).</summary>
    public Tensor<T>[] Inputs(int seed)
    {
        var random = new Random(seed);
        return [.. Shapes.Select(shape => Tensor.FromArray(Draw(random, Domain, shape.Aggregate(1, (a, b) => a * b)).Select(T.CreateTruncating).ToArray(), shape))];
    }

    /// <summary><paramref name="size"/> values drawn from <paramref name="domain"/>.</summary>
    public static double[] Draw(Random random, Domain domain, int size)
    {
        var values = new double[size];
        for (int i = 0; i < size; i++)
        {
            values[i] = domain switch
            {
                Domain.Positive => 0.5 + 1.5 * random.NextDouble(),
                Domain.AwayFromZero => (0.2 + 1.3 * random.NextDouble()) * (random.Next(2) == 0 ? -1 : 1),
                Domain.Distinct => 0.1 * i - 0.05 * size,
                Domain.Bounded => 2.4 * random.NextDouble() - 1.2,
                _ => NormalSample(random),
            };
        }

        if (domain == Domain.Distinct) random.Shuffle(values);
        return values;
    }

    private static double NormalSample(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {Case}";
}

/// <summary>The table of every differentiable tensor op, with the shapes that exercise broadcasting and size-1 axes.</summary>
/// <typeparam name="T">The element type: the same table runs in float64 (gradient checks) and float32.</typeparam>
public static class TensorOpSpecs<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static TensorOpSpec<T> S(string name, string variant, int[][] shapes, Func<Tensor<T>[], Tensor<T>> apply, Domain domain = Domain.Any) =>
        new(name, variant, shapes, apply, domain);

    private static T C(double value) => T.CreateTruncating(value);

    /// <summary>Every spec.</summary>
    public static IReadOnlyList<TensorOpSpec<T>> All { get; } =
    [
        // Every elementwise function of the catalog, on a matrix (two operands: a matrix and a broadcast row).
        .. Ops.FunctionTestCases.All.Select(f => f.Function.Operands == 1
            ? S(f.Function.Name, $"matrix {f}", [[2, 3]], x => f.Apply(x), f.Domain)
            : S(f.Function.Name, $"row broadcast {f}", [[2, 3], [3]], x => f.Apply(x), f.Domain)),

        // Arithmetic with NumPy broadcasting in both directions, size-1 axes and constants.
        S("add", "both broadcast", [[4, 1], [1, 3]], x => x[0] + x[1]),
        S("add", "scalar tensor", [[2, 3], []], x => x[0] + x[1]),
        S("add", "constant", [[2, 3]], x => x[0] + C(1.5)),
        S("sub", "broadcast 3-d", [[2, 1, 3], [4, 1]], x => x[0] - x[1]),
        S("sub", "constant on the left", [[3]], x => C(2) - x[0]),
        S("mul", "column broadcast", [[3, 1], [3, 4]], x => x[0] * x[1]),
        S("mul", "the same tensor twice", [[5]], x => x[0] * x[0]),
        S("div", "constant numerator", [[4]], x => C(1) / x[0], Domain.Positive),
        S("pow", "broadcast exponent", [[2, 3], [1]], x => x[0].Pow(x[1]), Domain.Positive),
        S("pow", "fractional exponent", [[4]], x => x[0].Pow(-0.5), Domain.Positive),
        S("maximum", "with a constant", [[2, 3]], x => x[0].Maximum(0.3)),
        S("minimum", "column broadcast", [[3, 1], [3, 4]], x => x[0].Minimum(x[1])),
        S("log_sigmoid", "large magnitudes", [[4]], x => (x[0] * C(40)).LogSigmoid()),
        // Relu's backward masks the upstream gradient by the input; either may be a broadcast (stride-0) view.
        S("relu", "summed (broadcast upstream gradient)", [[2, 3]], x => x[0].Relu().Sum(), Domain.AwayFromZero),
        S("relu", "of a broadcast input", [[3, 1]], x => x[0].Expand(3, 4).Relu() * Weights(3, 4), Domain.AwayFromZero),
        S("relu", "of a broadcast input, summed", [[3, 1]], x => x[0].Expand(3, 4).Relu().Sum(1), Domain.AwayFromZero),
        S("Where", "mask broadcast", [[2, 3], [2, 3], [3]], x => Tensor.Where(Tensor.Greater(x[0], x[2]), x[1], x[2])),

        // Reductions.
        S("Sum", "all", [[2, 3]], x => x[0].Sum()),
        S("Sum", "axis 0", [[2, 3]], x => x[0].Sum(0)),
        S("Sum", "axis -1 keepDim", [[2, 3, 2]], x => x[0].Sum(-1, keepDim: true)),
        S("Sum", "axes 0 and 2", [[2, 3, 2]], x => x[0].Sum([0, 2])),
        S("Mean", "all", [[2, 3]], x => x[0].Mean()),
        S("Mean", "axis 1 keepDim", [[2, 3]], x => x[0].Mean(1, keepDim: true)),
        S("Mean", "axes 0 and 1", [[2, 3, 2]], x => x[0].Mean([0, 1])),
        S("Max", "all", [[3, 4]], x => x[0].Max(), Domain.Distinct),
        S("Max", "axis 1", [[3, 4]], x => x[0].Max(1), Domain.Distinct),
        S("Max", "axis 0 keepDim", [[3, 4]], x => x[0].Max(0, keepDim: true), Domain.Distinct),
        S("Min", "all", [[3, 4]], x => x[0].Min(), Domain.Distinct),
        S("Min", "axis 0", [[3, 4]], x => x[0].Min(0), Domain.Distinct),
        S("LogSumExp", "axis 1", [[3, 4]], x => x[0].LogSumExp(1)),
        S("LogSumExp", "axis 0 keepDim", [[3, 4]], x => x[0].LogSumExp(0, keepDim: true)),

        // Linear algebra.
        S("MatMul", "matrix · matrix", [[3, 4], [4, 2]], x => x[0].MatMul(x[1])),
        S("MatMul", "matrix · vector", [[3, 4], [4]], x => x[0].MatMul(x[1])),
        S("MatMul", "vector · matrix", [[4], [4, 2]], x => x[0].MatMul(x[1])),
        S("MatMul", "batched", [[2, 3, 4], [2, 4, 2]], x => x[0].MatMul(x[1])),
        S("MatMul", "batched · shared matrix", [[2, 3, 4], [4, 2]], x => x[0].MatMul(x[1])),
        S("MatMul", "transposed operands", [[4, 3], [2, 4]], x => x[0].Transpose().MatMul(x[1].Transpose())),
        S("MatMul", "matrix · transposed weight (Linear)", [[3, 4], [2, 4]], x => x[0].MatMul(x[1].Transpose())),
        S("MatMul", "transposed matrix · matrix", [[4, 3], [4, 2]], x => x[0].Transpose().MatMul(x[1])),
        S("Linear", "x·Wᵀ + b", [[3, 4], [2, 4], [2]], x => Tensor.Linear(x[0], x[1], x[2])),
        S("Linear", "x·Wᵀ", [[3, 4], [5, 4]], x => Tensor.Linear(x[0], x[1])),
        S("Linear", "relu(x·Wᵀ + b)", [[13, 7], [33, 7], [33]], x => Tensor.Linear(x[0], x[1], x[2], relu: true) * Weights(13, 33)),
        S("Linear", "of a transposed input", [[4, 3], [2, 4], [2]], x => Tensor.Linear(x[0].Transpose(), x[1], x[2], relu: true)),
        S("Linear", "of a batch of vectors (composed)", [[2, 3, 4], [2, 4], [2]], x => Tensor.Linear(x[0], x[1], x[2], relu: true)),
        S("Dot", "vectors", [[5], [5]], x => x[0].Dot(x[1])),
        S("Outer", "vectors", [[3], [4]], x => x[0].Outer(x[1])),

        // Shape.
        S("Reshape", "to 3×2", [[2, 3]], x => x[0].Reshape(3, 2) * Weights(3, 2)),
        S("Reshape", "inferred -1", [[2, 3, 2]], x => x[0].Reshape(-1, 4) * Weights(3, 4)),
        S("Expand", "size-1 axis", [[3, 1]], x => x[0].Expand(3, 4) * Weights(3, 4)),
        S("Expand", "new leading axis", [[3]], x => x[0].Expand(2, 3) * Weights(2, 3)),
        S("Squeeze", "axis 1", [[3, 1]], x => x[0].Squeeze(1) * Weights(3)),
        S("Unsqueeze", "axis 0", [[3]], x => x[0].Unsqueeze(0) * Weights(1, 3)),
        S("Permute", "3-d", [[2, 3, 4]], x => x[0].Permute(2, 0, 1) * Weights(4, 2, 3)),
        S("Transpose", "matrix", [[2, 3]], x => x[0].Transpose() * Weights(3, 2)),
        S("Transpose", "axes 0 and 2", [[2, 3, 4]], x => x[0].Transpose(0, 2) * Weights(4, 3, 2)),
        S("Narrow", "axis 1", [[3, 5]], x => x[0].Narrow(1, 1, 3) * Weights(3, 3)),
        S("Concat", "axis 0", [[2, 3], [1, 3]], x => Tensor.Concat([x[0], x[1]], 0) * Weights(3, 3)),
        S("Concat", "axis 1", [[2, 3], [2, 2]], x => Tensor.Concat([x[0], x[1]], 1) * Weights(2, 5)),
        S("Stack", "axis 1", [[2, 3], [2, 3]], x => Tensor.Stack([x[0], x[1]], 1) * Weights(2, 2, 3)),

        // Indexing.
        S("DotRows", "rows with repeats", [[3, 4], [5, 4]], x => x[0].DotRows(x[1], [0, 4, 4, 2, 1, 0, 3, 3, 1]) * Weights(3, 3)),
        S("DotRows", "one row each", [[2, 3], [4, 3]], x => x[0].DotRows(x[1], [3, 3])),
        S("EmbeddingBag", "mean, repeats and an empty bag", [[5, 3]], x => x[0].EmbeddingBag([4, 0, 4, 2, 1, 3], [0, 3, 3, 5]) * Weights(4, 3)),
        S("EmbeddingBag", "sum", [[4, 2]], x => x[0].EmbeddingBag([1, 3, 3, 0], [0, 1], EmbeddingBagMode.Sum) * Weights(2, 2)),
        S("IndexSelect", "rows with repeats", [[4, 3]], x => x[0].IndexSelect(0, [2, 0, 2, 3]) * Weights(4, 3)),
        S("IndexSelect", "columns", [[3, 4]], x => x[0].IndexSelect(1, [3, 1]) * Weights(3, 2)),
        S("IndexAdd", "rows with repeats", [[3, 2]], x => x[0].IndexAdd(0, [1, 1, 3], 4) * Weights(4, 2)),
        S("Gather", "axis 1", [[3, 4]], x => x[0].Gather(1, [0, 3, 1, 1, 2, 2], 3, 2) * Weights(3, 2)),
        S("ScatterAdd", "axis 1", [[3, 2]], x => x[0].ScatterAdd(1, [0, 3, 1, 1, 2, 2], [3, 2], [3, 4]) * Weights(3, 4)),

        // Softmax family.
        S("Softmax", "axis 1", [[3, 4]], x => x[0].Softmax(1) * Weights(3, 4)),
        S("Softmax", "axis 0", [[3, 4]], x => x[0].Softmax(0) * Weights(3, 4)),
        S("LogSoftmax", "axis -1", [[2, 5]], x => x[0].LogSoftmax(-1) * Weights(2, 5)),
        S("LogSoftmax", "axis 0 of 3-d", [[3, 2, 2]], x => x[0].LogSoftmax(0) * Weights(3, 2, 2)),
    ];

    /// <summary>
    /// Fixed, distinct weights: multiplying a linear op's output by them makes its gradgradcheck non-trivial
    /// and catches elements routed to the wrong place (a sum of outputs would not notice a permutation).
    /// </summary>
    private static Tensor<T> Weights(params int[] shape) =>
        Tensor.Arange<T>(1, 1 + shape.Aggregate(1, (a, b) => a * b)).Reshape(shape) / C(7);
}
