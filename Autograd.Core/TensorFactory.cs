using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Autograd.Memory;
using Autograd.Tensors;

namespace Autograd;

/// <summary>Creating tensors: from arrays and nested literals, constant fills, ranges, seeded random draws, eye, one-hot.</summary>
public static partial class Tensor
{
    /// <summary>A vector holding <paramref name="values"/> (the array is copied).</summary>
    /// <param name="values">The elements.</param>
    public static Tensor<T> FromArray<T>(T[] values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(values);
        return FromArray(values, values.Length);
    }

    /// <summary>A tensor of <paramref name="shape"/> holding <paramref name="values"/> in row-major order (the array is copied).</summary>
    /// <param name="values">The elements, row-major.</param>
    /// <param name="shape">The shape; its size must equal the number of values. An empty shape makes a scalar (0-d) tensor.</param>
    public static Tensor<T> FromArray<T>(T[] values, params int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(shape);
        int[] dims = ShapeMath.Validate(shape, "FromArray");
        if (ShapeMath.Size(dims) != values.Length)
            throw new ArgumentException($"FromArray: {values.Length} values do not fill shape {ShapeMath.Format(dims)} ({ShapeMath.Size(dims)} elements)");
        var data = TensorStorage<T>.Allocate(values.Length, zeroed: false);
        values.CopyTo(data.Span);
        return new Tensor<T>(data, dims);
    }

    /// <summary>A matrix from a two-dimensional array.</summary>
    /// <param name="values">The rows and columns.</param>
    public static Tensor<T> FromArray<T>(T[,] values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0), columns = values.GetLength(1);
        var data = new T[rows * columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++) data[i * columns + j] = values[i, j];
        return new Tensor<T>(data, [rows, columns]);
    }

    /// <summary>A tensor of rank 0 holding one value.</summary>
    /// <param name="value">The value.</param>
    public static Tensor<T> Scalar<T>(T value) where T : unmanaged, IFloatingPointIeee754<T> => new([value], []);

    /// <summary>
    /// Parses a nested-list literal such as <c>[[1, 2], [3, 4]]</c> (JSON numbers; a bare number gives a scalar).
    /// </summary>
    /// <param name="literal">The literal.</param>
    /// <exception cref="FormatException">The text is not a rectangular nested list of numbers; the message says where.</exception>
    public static Tensor<T> Parse<T>(string literal) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(literal);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(literal);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            // The reader's first sentence says what is wrong; its position is 0-based bytes within the line.
            string what = e.Message.Split(". ", 2)[0].TrimEnd('.');
            string at = e.BytePositionInLine is long column ? $" (at character {column + 1})" : "";
            throw new FormatException($"'{Shorten(literal)}' is not a nested list of numbers: {what}{at}", e);
        }

        var shape = new List<int>();
        for (JsonElement probe = root; probe.ValueKind == JsonValueKind.Array; probe = probe.GetArrayLength() > 0 ? probe[0] : default)
        {
            shape.Add(probe.GetArrayLength());
            if (probe.GetArrayLength() == 0) break;
        }

        var values = new List<T>();
        Collect(root, 0, "");
        return new Tensor<T>([.. values], [.. shape]);

        void Collect(JsonElement element, int depth, string path)
        {
            if (depth == shape.Count)
            {
                if (element.ValueKind != JsonValueKind.Number)
                    throw new FormatException($"tensor literal: expected a number at {Where(path)}, found {Shorten(element.GetRawText())}");
                if (!element.TryGetDouble(out double number) || !double.IsFinite(number))
                    throw new FormatException($"tensor literal: the number {Shorten(element.GetRawText())} at {Where(path)} is beyond the range of a float64");
                values.Add(T.CreateTruncating(number));
                return;
            }

            if (element.ValueKind != JsonValueKind.Array)
                throw new FormatException($"tensor literal: expected a list of {shape[depth]} elements at {Where(path)}, as the first element of each level sets the shape {ShapeMath.Format([.. shape])}, found {Shorten(element.GetRawText())}");
            if (element.GetArrayLength() != shape[depth])
                throw new FormatException($"tensor literal: the list at {Where(path)} has {element.GetArrayLength()} elements, but the shape {ShapeMath.Format([.. shape])} set by the first element of each level needs {shape[depth]}");
            int i = 0;
            foreach (JsonElement item in element.EnumerateArray()) Collect(item, depth + 1, $"{path}[{i++}]");
        }

        static string Where(string path) => path.Length == 0 ? "the top level" : path;
    }

    /// <summary>At most 40 characters of <paramref name="text"/>, so that a long literal does not flood a message.</summary>
    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/>.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="value">The fill value.</param>
    public static Tensor<T> Full<T>(int[] shape, T value) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] dims = ShapeMath.Validate(shape, "Full");
        var data = TensorStorage<T>.Allocate(ShapeMath.Size(dims), zeroed: false);
        data.Span.Fill(value);
        return new Tensor<T>(data, dims);
    }

    /// <summary>
    /// A tensor whose elements are not initialized (PyTorch's <c>torch.empty</c>): for a result that the caller writes
    /// in full through <see cref="Tensor{T}.AsSpan"/>, such as a custom op's output. Inside a <see cref="TensorScope"/>
    /// its elements come from the scope's pool, so they may hold anything.
    /// </summary>
    /// <param name="shape">The shape.</param>
    public static Tensor<T> Empty<T>(params int[] shape) where T : unmanaged, IFloatingPointIeee754<T> =>
        new(TensorStorage<T>.Allocate(ShapeMath.Size(ShapeMath.Validate(shape, "Empty")), zeroed: false), (int[])shape.Clone());

    /// <summary>A tensor of zeros.</summary>
    /// <param name="shape">The shape.</param>
    public static Tensor<T> Zeros<T>(params int[] shape) where T : unmanaged, IFloatingPointIeee754<T> =>
        new(TensorStorage<T>.Allocate(ShapeMath.Size(ShapeMath.Validate(shape, "Zeros")), zeroed: true), (int[])shape.Clone());

    /// <summary>A tensor of ones.</summary>
    /// <param name="shape">The shape.</param>
    public static Tensor<T> Ones<T>(params int[] shape) where T : unmanaged, IFloatingPointIeee754<T> => Full(shape, T.One);

    /// <summary>The values start, start + step, … below <paramref name="stop"/> (above it for a negative step).</summary>
    /// <param name="start">The first value.</param>
    /// <param name="stop">The exclusive end.</param>
    /// <param name="step">The spacing; not zero.</param>
    public static Tensor<T> Arange<T>(double start, double stop, double step = 1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (step == 0 || !double.IsFinite(step)) throw new ArgumentException("Arange: the step must be finite and non-zero", nameof(step));
        int count = Math.Max(0, (int)Math.Ceiling((stop - start) / step));
        var data = new T[count];
        for (int i = 0; i < count; i++) data[i] = T.CreateTruncating(start + i * step);
        return new Tensor<T>(data, [count]);
    }

    /// <summary>The identity matrix of size <paramref name="n"/>.</summary>
    /// <param name="n">Rows and columns.</param>
    public static Tensor<T> Eye<T>(int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var data = new T[n * n];
        for (int i = 0; i < n; i++) data[i * n + i] = T.One;
        return new Tensor<T>(data, [n, n]);
    }

    /// <summary>One row per index, with a 1 in the index's column: shape [indices, classes].</summary>
    /// <param name="indices">Class indices, each in 0..classes−1.</param>
    /// <param name="classes">The number of classes.</param>
    public static Tensor<T> OneHot<T>(int[] indices, int classes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(indices);
        var data = new T[indices.Length * classes];
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(indices), $"OneHot: index {indices[i]} at position {i} is outside 0..{classes - 1}");
            data[i * classes + indices[i]] = T.One;
        }

        return new Tensor<T>(data, [indices.Length, classes]);
    }

    /// <summary>Draws from the normal distribution N(mean, std²), deterministically for a given seed.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="seed">The seed; the same seed gives the same tensor on every run.</param>
    /// <param name="mean">The mean.</param>
    /// <param name="std">The standard deviation.</param>
    public static Tensor<T> RandomNormal<T>(int[] shape, int seed, double mean = 0, double std = 1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] dims = ShapeMath.Validate(shape, "RandomNormal");
        var random = new Random(seed);
        var storage = TensorStorage<T>.Allocate(ShapeMath.Size(dims), zeroed: false);
        Span<T> data = storage.Span;
        for (int i = 0; i < data.Length; i += 2)
        {
            // Box–Muller: two independent normals from two uniforms; 1 − u keeps the logarithm's argument above 0.
            double radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            double angle = 2 * Math.PI * random.NextDouble();
            data[i] = T.CreateTruncating(mean + std * radius * Math.Cos(angle));
            if (i + 1 < data.Length) data[i + 1] = T.CreateTruncating(mean + std * radius * Math.Sin(angle));
        }

        return new Tensor<T>(storage, dims);
    }

    /// <summary>Draws uniformly from [low, high), deterministically for a given seed.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="low">The inclusive lower bound.</param>
    /// <param name="high">The exclusive upper bound.</param>
    public static Tensor<T> RandomUniform<T>(int[] shape, int seed, double low = 0, double high = 1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] dims = ShapeMath.Validate(shape, "RandomUniform");
        var random = new Random(seed);
        var storage = TensorStorage<T>.Allocate(ShapeMath.Size(dims), zeroed: false);
        Span<T> data = storage.Span;
        for (int i = 0; i < data.Length; i++) data[i] = T.CreateTruncating(low + (high - low) * random.NextDouble());
        return new Tensor<T>(storage, dims);
    }

    /// <summary>Formats a number the way tensors print, invariant culture.</summary>
    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
