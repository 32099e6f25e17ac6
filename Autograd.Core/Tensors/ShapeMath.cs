namespace Autograd.Tensors;

/// <summary>Shape arithmetic shared by the tensor ops: sizes, row-major strides, broadcasting, axis checks.</summary>
internal static class ShapeMath
{
    /// <summary>The number of elements of a tensor of <paramref name="shape"/> (1 for a scalar).</summary>
    public static int Size(ReadOnlySpan<int> shape)
    {
        long size = 1;
        foreach (int d in shape) size *= d;
        if (size > Array.MaxLength) throw new ArgumentException($"shape {Format(shape)} has {size} elements, more than an array can hold");
        return (int)size;
    }

    /// <summary>Row-major (C-order) strides: the last axis is contiguous.</summary>
    public static int[] RowMajorStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int stride = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= shape[i];
        }

        return strides;
    }

    /// <summary>Validates a shape given by a caller: no negative dimension.</summary>
    public static int[] Validate(ReadOnlySpan<int> shape, string op)
    {
        foreach (int d in shape)
            if (d < 0) throw new ArgumentException($"{op}: shape {Format(shape)} has a negative dimension");
        return shape.ToArray();
    }

    /// <summary>NumPy broadcasting: shapes are aligned at their last axes; each pair of sizes must agree or one be 1.</summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast; the message names the op and both shapes.</exception>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string op)
    {
        int rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: shapes {Format(a)} and {Format(b)} cannot be broadcast: sizes {da} and {db} differ at axis {i - rank}");
            shape[i] = da == 1 ? db : da;
        }

        return shape;
    }

    /// <summary>The strides that read a tensor of <paramref name="shape"/>/<paramref name="strides"/> as if it had the
    /// broadcast shape <paramref name="target"/>: 0 along every axis it is repeated.</summary>
    public static int[] BroadcastStrides(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, ReadOnlySpan<int> target)
    {
        var result = new int[target.Length];
        int shift = target.Length - shape.Length;
        for (int i = 0; i < target.Length; i++)
            result[i] = i < shift || shape[i - shift] == 1 ? 0 : strides[i - shift];
        return result;
    }

    /// <summary>Turns a possibly negative axis into 0..rank−1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is outside −rank..rank−1 (a tensor of rank 0 has no axes).</exception>
    public static int NormalizeAxis(int axis, int rank, string op)
    {
        int normalized = axis < 0 ? axis + rank : axis;
        if (normalized < 0 || normalized >= rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, rank == 0
                ? $"{op}: axis {axis} is out of range for a tensor of rank 0, which has no axes"
                : $"{op}: axis {axis} is out of range for a tensor of rank {rank}");
        return normalized;
    }

    /// <summary>A shape as text, for example <c>[5,10]</c>.</summary>
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(",", shape.ToArray()) + "]";

    /// <summary>True when the two shapes are equal.</summary>
    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);
}
