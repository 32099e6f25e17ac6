using System.Numerics;

namespace Autograd.Kernels;

/// <summary>Copies between strided views and row-major buffers.</summary>
internal static class Strided
{
    /// <summary>Copies the elements of <paramref name="source"/> in row-major order into <paramref name="destination"/>.</summary>
    public static void Copy<T>(Tensor<T> source, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int size = source.Size;
        if (size == 0) return;
        int rank = source.Rank;
        if (source.IsContiguous)
        {
            source.Storage.AsSpan(source.Offset, size).CopyTo(destination);
            return;
        }

        int[] shape = source.ShapeArray, strides = source.Strides;
        int inner = shape[rank - 1], innerStride = strides[rank - 1];
        var index = new int[rank];
        int offset = source.Offset;
        T[] storage = source.Storage;
        for (int start = 0; start < size; start += inner)
        {
            Span<T> row = destination.Slice(start, inner);
            if (innerStride == 1) storage.AsSpan(offset, inner).CopyTo(row);
            else if (innerStride == 0) row.Fill(storage[offset]);
            else for (int j = 0; j < inner; j++) row[j] = storage[offset + j * innerStride];
            Advance(index, shape, strides, ref offset, rank - 2);
        }
    }

    /// <summary>Steps a row-major odometer over axes 0..<paramref name="lastAxis"/>, keeping a storage offset in step.</summary>
    public static void Advance(int[] index, int[] shape, int[] strides, ref int offset, int lastAxis)
    {
        for (int axis = lastAxis; axis >= 0; axis--)
        {
            offset += strides[axis];
            if (++index[axis] < shape[axis]) return;
            offset -= strides[axis] * shape[axis];
            index[axis] = 0;
        }
    }
}

/// <summary>Writes row-major values into the positions of a strided view.</summary>
internal static class StridedWrite
{
    /// <summary>Adds (or, with <paramref name="add"/> false, copies) the elements of <paramref name="source"/>, in
    /// row-major order, into the elements of <paramref name="destination"/> (a view of the same shape).</summary>
    public static void Into<T>(Tensor<T> source, Tensor<T> destination, bool add) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int size = source.Size;
        if (size == 0) return;
        var values = new T[size];
        Strided.Copy(source, values);
        int rank = destination.Rank;
        if (rank == 0)
        {
            destination.Storage[destination.Offset] = add ? destination.Storage[destination.Offset] + values[0] : values[0];
            return;
        }

        int[] shape = destination.ShapeArray, strides = destination.Strides;
        int inner = shape[rank - 1], innerStride = strides[rank - 1];
        var index = new int[rank];
        int offset = destination.Offset;
        T[] storage = destination.Storage;
        for (int start = 0; start < size; start += inner)
        {
            for (int j = 0; j < inner; j++)
            {
                ref T target = ref storage[offset + j * innerStride];
                target = add ? target + values[start + j] : values[start + j];
            }

            Strided.Advance(index, shape, strides, ref offset, rank - 2);
        }
    }
}
