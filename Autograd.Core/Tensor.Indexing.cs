using Autograd.Custom;
using Autograd.Gradients;
using Autograd.Memory;
using Autograd.Tensors;

namespace Autograd;

// Indexing ops come in adjoint pairs: gather/scatter-add and index-select/index-add. Each pair's rules call the
// other, so gradients of any order exist.
public sealed partial class Tensor<T>
{
    /// <summary>
    /// Picks along <paramref name="axis"/> by position: result[…, j, …] = this[…, index[…, j, …], …] (PyTorch's gather).
    /// The gradient is a scatter-add into the picked positions.
    /// </summary>
    /// <param name="axis">The axis to pick along.</param>
    /// <param name="index">Positions along the axis, row-major, with the shape <paramref name="indexShape"/>.</param>
    /// <param name="indexShape">This tensor's shape with the axis's size replaced by the number of picks.</param>
    public Tensor<T> Gather(int axis, int[] index, params int[] indexShape)
    {
        int a = ShapeMath.NormalizeAxis(axis, Rank, "gather");
        var (outer, m, inner) = CheckIndex(a, index, indexShape, _shape, "gather");
        int n = _shape[a];
        ReadOnlySpan<T> x = Values;
        var values = new T[index.Length];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++)
                for (int i = 0; i < inner; i++)
                {
                    int at = (o * m + j) * inner + i;
                    values[at] = x[(o * n + index[at]) * inner + i];
                }

        int[] input = _shape;
        return Record(new Tensor<T>(values, (int[])indexShape.Clone()), "gather", [this], g => [g.ScatterAdd(a, index, indexShape, input)]);
    }

    /// <summary>
    /// The adjoint of <see cref="Gather"/>: zeros of <paramref name="targetShape"/> with this tensor's elements added at
    /// the given positions along <paramref name="axis"/> (repeated positions add up).
    /// </summary>
    /// <param name="axis">The axis.</param>
    /// <param name="index">Positions, with this tensor's shape.</param>
    /// <param name="indexShape">This tensor's shape.</param>
    /// <param name="targetShape">The result's shape; equal to this one's except along the axis.</param>
    public Tensor<T> ScatterAdd(int axis, int[] index, int[] indexShape, int[] targetShape)
    {
        ArgumentNullException.ThrowIfNull(targetShape);
        int a = ShapeMath.NormalizeAxis(axis, targetShape.Length, "scatter_add");
        if (!ShapeMath.SameShape(indexShape, _shape))
            throw new ArgumentException($"scatter_add: the index shape {ShapeMath.Format(indexShape)} differs from the source shape {ShapeMath.Format(_shape)}");
        var (outer, m, inner) = CheckIndex(a, index, indexShape, targetShape, "scatter_add");
        int n = targetShape[a];
        ReadOnlySpan<T> source = Values;
        var storage = TensorStorage<T>.Allocate(ShapeMath.Size(targetShape), zeroed: true);
        Span<T> values = storage.Span;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++)
                for (int i = 0; i < inner; i++)
                {
                    int at = (o * m + j) * inner + i;
                    values[(o * n + index[at]) * inner + i] += source[at];
                }

        return Record(new Tensor<T>(storage, (int[])targetShape.Clone()), "scatter_add", [this], g => [g.Gather(a, index, indexShape)]);
    }

    /// <summary>
    /// Whole slices along <paramref name="axis"/> at <paramref name="indices"/>, in that order (an embedding lookup when
    /// axis is 0). The gradient adds each slice's gradient back into its row.
    /// </summary>
    /// <param name="axis">The axis.</param>
    /// <param name="indices">Positions along the axis; repeats allowed.</param>
    public Tensor<T> IndexSelect(int axis, int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int a = ShapeMath.NormalizeAxis(axis, Rank, "index_select");
        CheckRange(indices, _shape[a], "index_select");
        return new IndexSelectOp(a, indices).Apply(this);
    }

    /// <summary>
    /// index_select, recorded as a custom op so that its gradient along axis 0 of a 2-D table can be row-sparse: one
    /// entry per looked-up row, referring to the upstream gradient's rows (see <see cref="RequireSparseGrad"/>).
    /// </summary>
    private sealed class IndexSelectOp(int axis, int[] indices) : CustomOp<T>("index_select")
    {
        protected override Tensor<T> Forward(CustomOpContext<T> context, IReadOnlyList<Tensor<T>> inputs)
        {
            Tensor<T> source = inputs[0].Contiguous();
            var (outer, n, inner) = Split(source._shape, axis);
            ReadOnlySpan<T> x = source.Values;
            // Every element is copied in below: no need to zero the array first.
            var storage = TensorStorage<T>.Allocate(outer * indices.Length * inner, zeroed: false);
            Span<T> values = storage.Span;
            for (int o = 0; o < outer; o++)
            {
                ReadOnlySpan<T> slab = x.Slice(o * n * inner, n * inner);
                for (int j = 0; j < indices.Length; j++)
                {
                    // Looked-up rows are scattered (an embedding table): fetch a few ahead of the copy.
                    if (j + 4 < indices.Length) Kernels.RowPrefetch.Rows(slab, indices.AsSpan(j + 4, 1), inner);
                    slab.Slice(indices[j] * inner, inner).CopyTo(values.Slice((o * indices.Length + j) * inner, inner));
                }
            }

            int[] shape = (int[])source._shape.Clone();
            shape[axis] = indices.Length;
            context.State = n;
            return new Tensor<T>(storage, shape);
        }

        protected override Gradient<T>[] Backward(CustomOpContext<T> context, Tensor<T> gradOutput) =>
            [axis == 0 && gradOutput.Rank == 2 ? Gradient<T>.RowSparse(indices, gradOutput) : gradOutput.IndexAdd(axis, indices, (int)context.State!)];
    }

    /// <summary>The adjoint of <see cref="IndexSelect"/>: zeros with <paramref name="size"/> slices along the axis, and
    /// slice j of this tensor added into slice indices[j].</summary>
    /// <param name="axis">The axis.</param>
    /// <param name="indices">Where each slice goes; repeats add up.</param>
    /// <param name="size">The result's size along the axis.</param>
    public Tensor<T> IndexAdd(int axis, int[] indices, int size)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int a = ShapeMath.NormalizeAxis(axis, Rank, "index_add");
        if (_shape[a] != indices.Length)
            throw new ArgumentException($"index_add: {indices.Length} indices for axis {axis} of size {_shape[a]}");
        CheckRange(indices, size, "index_add");
        var (outer, m, inner) = Split(_shape, a);
        ReadOnlySpan<T> source = Values;
        var storage = TensorStorage<T>.Allocate(outer * size * inner, zeroed: true);
        Span<T> values = storage.Span;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++)
            {
                Span<T> target = values.Slice((o * size + indices[j]) * inner, inner);
                System.Numerics.Tensors.TensorPrimitives.Add(target, source.Slice((o * m + j) * inner, inner), target);
            }

        int[] shape = (int[])_shape.Clone();
        shape[a] = size;
        return Record(new Tensor<T>(storage, shape), "index_add", [this], g => [g.IndexSelect(a, indices)]);
    }

    private static (int Outer, int M, int Inner) CheckIndex(int axis, int[] index, int[] indexShape, int[] shape, string op)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(indexShape);
        bool matches = indexShape.Length == shape.Length;
        for (int d = 0; matches && d < shape.Length; d++) matches = d == axis || indexShape[d] == shape[d];
        if (!matches)
            throw new ArgumentException($"{op}: index shape {ShapeMath.Format(indexShape)} must equal {ShapeMath.Format(shape)} except along axis {axis}");
        if (ShapeMath.Size(indexShape) != index.Length)
            throw new ArgumentException($"{op}: {index.Length} indices do not fill the index shape {ShapeMath.Format(indexShape)}");
        CheckRange(index, shape[axis], op);
        return Split(indexShape, axis);
    }

    private static void CheckRange(int[] indices, int size, string op)
    {
        for (int i = 0; i < indices.Length; i++)
            if ((uint)indices[i] >= (uint)size)
                throw new ArgumentOutOfRangeException(nameof(indices), $"{op}: index {indices[i]} at position {i} is outside 0..{size - 1}");
    }
}
