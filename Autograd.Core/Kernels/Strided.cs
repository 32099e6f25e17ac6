using System.Numerics;
using Autograd.Tensors;

namespace Autograd.Kernels;

/// <summary>
/// Elements as kernels read and write them: the array, where element [0, 0, …] is, and each axis's size and stride
/// (0 along a broadcast axis). Kernels take these (<see cref="Tensor{T}.Elements"/>), never a tensor, so they see
/// neither its graph side nor its gradient side.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal readonly struct StridedView<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public StridedView(T[] storage, int offset, int[] shape, int[] strides)
    {
        Storage = storage;
        Offset = offset;
        Shape = shape;
        Strides = strides;
        Size = ShapeMath.Size(shape);
    }

    /// <summary>The array the elements live in.</summary>
    public T[] Storage { get; }

    /// <summary>Where element [0, 0, …] is.</summary>
    public int Offset { get; }

    /// <summary>The size of each axis.</summary>
    public int[] Shape { get; }

    /// <summary>How far apart neighbours along each axis are.</summary>
    public int[] Strides { get; }

    /// <summary>The number of elements.</summary>
    public int Size { get; }

    /// <summary>The number of axes.</summary>
    public int Rank => Shape.Length;

    /// <summary>True when the elements are row-major without gaps from <see cref="Offset"/>.</summary>
    public bool IsContiguous
    {
        get
        {
            int expected = 1;
            for (int i = Shape.Length - 1; i >= 0; i--)
            {
                if (Shape[i] != 1 && Strides[i] != expected) return false;
                expected *= Shape[i];
            }

            return true;
        }
    }

    /// <summary>The elements of a contiguous view.</summary>
    public Span<T> Span => Storage.AsSpan(Offset, Size);
}

/// <summary>Copies between strided views and row-major buffers, over one row-major walk.</summary>
internal static class Strided
{
    /// <summary>Copies the elements of <paramref name="source"/> in row-major order into <paramref name="destination"/>.</summary>
    public static void Copy<T>(StridedView<T> source, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int size = source.Size;
        if (size == 0) return;
        if (source.IsContiguous)
        {
            source.Span.CopyTo(destination);
            return;
        }

        int rank = source.Rank;
        int[] shape = source.Shape;
        int inner = shape[rank - 1], innerStride = source.Strides[rank - 1];
        var index = new int[rank];
        Span<int> offset = [source.Offset];
        ReadOnlySpan<int[]> strides = [source.Strides];
        T[] storage = source.Storage;
        for (int start = 0; start < size; start += inner)
        {
            Span<T> row = destination.Slice(start, inner);
            if (innerStride == 1) storage.AsSpan(offset[0], inner).CopyTo(row);
            else if (innerStride == 0) row.Fill(storage[offset[0]]);
            else for (int j = 0; j < inner; j++) row[j] = storage[offset[0] + j * innerStride];
            Advance(index, shape, rank - 2, strides, offset);
        }
    }

    /// <summary>
    /// Steps a row-major odometer over axes 0..<paramref name="lastAxis"/> of <paramref name="shape"/>, keeping the
    /// storage offsets of several views in step, each with its own strides (0 along an axis it is broadcast over).
    /// Every kernel that walks strided or broadcast elements row by row uses this one loop.
    /// </summary>
    public static void Advance(int[] index, int[] shape, int lastAxis, ReadOnlySpan<int[]> strides, Span<int> offsets)
    {
        for (int axis = lastAxis; axis >= 0; axis--)
        {
            for (int k = 0; k < offsets.Length; k++) offsets[k] += strides[k][axis];
            if (++index[axis] < shape[axis]) return;
            for (int k = 0; k < offsets.Length; k++) offsets[k] -= strides[k][axis] * shape[axis];
            index[axis] = 0;
        }
    }

    /// <summary>Adds (or, with <paramref name="add"/> false, copies) the elements of <paramref name="source"/>, in
    /// row-major order, into the elements of <paramref name="destination"/> (a view of the same shape).</summary>
    public static void Into<T>(StridedView<T> source, StridedView<T> destination, bool add) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int size = source.Size;
        if (size == 0) return;
        var values = new T[size];
        Copy(source, values);
        int rank = destination.Rank;
        T[] storage = destination.Storage;
        if (rank == 0)
        {
            storage[destination.Offset] = add ? storage[destination.Offset] + values[0] : values[0];
            return;
        }

        int[] shape = destination.Shape;
        int inner = shape[rank - 1], innerStride = destination.Strides[rank - 1];
        var index = new int[rank];
        Span<int> offset = [destination.Offset];
        ReadOnlySpan<int[]> strides = [destination.Strides];
        for (int start = 0; start < size; start += inner)
        {
            for (int j = 0; j < inner; j++)
            {
                ref T target = ref storage[offset[0] + j * innerStride];
                target = add ? target + values[start + j] : values[start + j];
            }

            Advance(index, shape, rank - 2, strides, offset);
        }
    }
}
