using System.Numerics;
using Autograd.Kernels;
using Autograd.Memory;
using Autograd.Tensors;

namespace Autograd;

// Shape ops. Reshape, expand, permute and narrow are views that share storage; their gradient rules undo the view.
public sealed partial class Tensor<T>
{
    /// <summary>The same elements in a new shape (a view when contiguous); one dimension may be −1 to be inferred.</summary>
    /// <param name="shape">The new shape; its size must equal this tensor's.</param>
    public Tensor<T> Reshape(params int[] shape)
    {
        int[] target = InferShape(shape);
        Tensor<T> source = IsContiguous ? this : ContiguousValues();
        var y = source.View(source.Offset, target, ShapeMath.RowMajorStrides(target));
        int[] original = _shape;
        return Record(y, "reshape", [this], g => [g.Reshape(original)]);
    }

    /// <summary>Repeats size-1 axes (and adds leading axes) to reach <paramref name="shape"/>, as a view; NumPy's broadcast_to.</summary>
    /// <param name="shape">The target shape; this tensor's shape must broadcast to it.</param>
    public Tensor<T> Expand(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int[] result = ShapeMath.Broadcast(_shape, shape, "expand");
        if (!ShapeMath.SameShape(result, shape) || shape.Length < Rank)
            throw new ArgumentException($"expand: shape {ShapeMath.Format(_shape)} cannot be expanded to {ShapeMath.Format(shape)}");
        int[] target = (int[])shape.Clone();
        var y = View(Offset, target, ShapeMath.BroadcastStrides(_shape, Strides, target));
        int[] original = _shape;
        return Record(y, "expand", [this], g => [g.SumToShape(original)]);
    }

    /// <summary>Removes the size-1 axis <paramref name="axis"/>.</summary>
    /// <param name="axis">The axis (negative counts from the end).</param>
    public Tensor<T> Squeeze(int axis)
    {
        int a = ShapeMath.NormalizeAxis(axis, Rank, "squeeze");
        if (_shape[a] != 1) throw new ArgumentException($"squeeze: axis {axis} of shape {ShapeMath.Format(_shape)} has size {_shape[a]}, not 1");
        return Reshape([.. _shape[..a], .. _shape[(a + 1)..]]);
    }

    /// <summary>Inserts a size-1 axis at <paramref name="axis"/> (0..rank; negative counts from the end).</summary>
    /// <param name="axis">Where the new axis goes.</param>
    public Tensor<T> Unsqueeze(int axis)
    {
        int a = ShapeMath.NormalizeAxis(axis, Rank + 1, "unsqueeze");
        return Reshape([.. _shape[..a], 1, .. _shape[a..]]);
    }

    /// <summary>Reorders the axes: result axis i is this tensor's axis <paramref name="axes"/>[i]. A view.</summary>
    /// <param name="axes">A permutation of 0..rank−1.</param>
    public Tensor<T> Permute(params int[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Length != Rank) throw new ArgumentException($"permute: {axes.Length} axes given for a tensor of rank {Rank}");
        var shape = new int[Rank];
        var strides = new int[Rank];
        var inverse = new int[Rank];
        var seen = new bool[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int a = ShapeMath.NormalizeAxis(axes[i], Rank, "permute");
            if (seen[a]) throw new ArgumentException($"permute: axis {a} appears twice in [{string.Join(",", axes)}]");
            seen[a] = true;
            shape[i] = _shape[a];
            strides[i] = Strides[a];
            inverse[a] = i;
        }

        var y = View(Offset, shape, strides);
        return Record(y, "permute", [this], g => [g.Permute(inverse)]);
    }

    /// <summary>Swaps two axes (a view).</summary>
    /// <param name="axis0">One axis.</param>
    /// <param name="axis1">The other.</param>
    public Tensor<T> Transpose(int axis0, int axis1)
    {
        int a = ShapeMath.NormalizeAxis(axis0, Rank, "transpose"), b = ShapeMath.NormalizeAxis(axis1, Rank, "transpose");
        int[] axes = [.. Enumerable.Range(0, Rank)];
        (axes[a], axes[b]) = (axes[b], axes[a]);
        return Permute(axes);
    }

    /// <summary>Swaps the last two axes (the matrix transpose; a vector is returned as it is).</summary>
    public Tensor<T> Transpose() => Rank < 2 ? this : Transpose(-2, -1);

    /// <summary>Elements start..start+length−1 along <paramref name="axis"/> (a view).</summary>
    /// <param name="axis">The axis to slice.</param>
    /// <param name="start">The first index kept.</param>
    /// <param name="length">How many are kept.</param>
    public Tensor<T> Narrow(int axis, int start, int length)
    {
        int a = ShapeMath.NormalizeAxis(axis, Rank, "narrow");
        if (start < 0 || length < 0 || start + length > _shape[a])
            throw new ArgumentOutOfRangeException(nameof(start), $"narrow: [{start}, {start + length}) is outside axis {axis} of size {_shape[a]}");
        int[] shape = (int[])_shape.Clone();
        shape[a] = length;
        var y = View(Offset + start * Strides[a], shape, Strides);
        int[] full = _shape;
        return Record(y, "narrow", [this], g => [g.NarrowAdjoint(a, start, full)]);
    }

    /// <summary>The adjoint of <see cref="Narrow"/>: zeros of <paramref name="fullShape"/> with this tensor at start..start+length along <paramref name="axis"/>.</summary>
    private Tensor<T> NarrowAdjoint(int axis, int start, int[] fullShape)
    {
        var y = new Tensor<T>(TensorStorage<T>.Allocate(ShapeMath.Size(fullShape), zeroed: true), fullShape);
        Strided.Into(Elements, y.NarrowView(axis, start, _shape[axis]).Elements, add: false);
        int length = _shape[axis];
        return Record(y, "narrow_backward", [this], g => [g.Narrow(axis, start, length)]);
    }

    internal Tensor<T> NarrowView(int axis, int start, int length)
    {
        int[] shape = (int[])_shape.Clone();
        shape[axis] = length;
        return View(Offset + start * Strides[axis], shape, Strides);
    }

    /// <summary>A row-major copy of this tensor's values, outside the graph.</summary>
    internal Tensor<T> ContiguousValues()
    {
        var values = TensorStorage<T>.Allocate(Size, zeroed: false);
        Strided.Copy(Elements, values.Span);
        return new Tensor<T>(values, _shape);
    }

    private int[] InferShape(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int[] target = (int[])shape.Clone();
        int inferred = Array.IndexOf(target, -1);
        if (inferred >= 0 && Array.IndexOf(target, -1, inferred + 1) >= 0)
            throw new ArgumentException($"reshape: only one dimension of {ShapeMath.Format(shape)} may be -1");
        if (inferred >= 0)
        {
            int known = 1;
            for (int i = 0; i < target.Length; i++) if (i != inferred) known *= target[i];
            if (known == 0 || Size % known != 0)
                throw new ArgumentException($"reshape: cannot view shape {ShapeMath.Format(_shape)} ({Size} elements) as {ShapeMath.Format(shape)}");
            target[inferred] = Size / known;
        }

        ShapeMath.Validate(target, "reshape");
        if (ShapeMath.Size(target) != Size)
            throw new ArgumentException($"reshape: cannot view shape {ShapeMath.Format(_shape)} ({Size} elements) as {ShapeMath.Format(shape)} ({ShapeMath.Size(target)} elements)");
        return target;
    }
}

public static partial class Tensor
{
    /// <summary>Joins tensors along an existing axis; all other axes must agree.</summary>
    /// <param name="tensors">The tensors, at least one.</param>
    /// <param name="axis">The axis to join along.</param>
    public static Tensor<T> Concat<T>(IReadOnlyList<Tensor<T>> tensors, int axis) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("concat: no tensors given");
        Tensor<T> first = tensors[0];
        int a = ShapeMath.NormalizeAxis(axis, first.Rank, "concat");
        int total = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            Tensor<T> t = tensors[i];
            bool compatible = t.Rank == first.Rank;
            for (int d = 0; compatible && d < t.Rank; d++) compatible = d == a || t.ShapeArray[d] == first.ShapeArray[d];
            if (!compatible)
                throw new ArgumentException($"concat: tensor {i} has shape {ShapeMath.Format(t.ShapeArray)}, which does not match {ShapeMath.Format(first.ShapeArray)} outside axis {a}");
            total += t.ShapeArray[a];
        }

        int[] shape = (int[])first.ShapeArray.Clone();
        shape[a] = total;
        var y = new Tensor<T>(TensorStorage<T>.Allocate(ShapeMath.Size(shape), zeroed: false), shape);
        var starts = new int[tensors.Count];
        for (int i = 0, start = 0; i < tensors.Count; start += tensors[i].ShapeArray[a], i++)
        {
            starts[i] = start;
            Strided.Into(tensors[i].Elements, y.NarrowView(a, start, tensors[i].ShapeArray[a]).Elements, add: false);
        }

        Tensor<T>[] inputs = [.. tensors];
        return Tensor<T>.Record(y, "concat", inputs, g =>
        {
            var grads = new Tensor<T>?[inputs.Length];
            for (int i = 0; i < inputs.Length; i++) grads[i] = g.Narrow(a, starts[i], inputs[i].ShapeArray[a]);
            return grads;
        });
    }

    /// <summary>Joins tensors of one shape along a new axis.</summary>
    /// <param name="tensors">The tensors, at least one, all of one shape.</param>
    /// <param name="axis">Where the new axis goes.</param>
    public static Tensor<T> Stack<T>(IReadOnlyList<Tensor<T>> tensors, int axis) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("stack: needs at least one tensor");
        for (int i = 1; i < tensors.Count; i++)
            if (!ShapeMath.SameShape(tensors[i].ShapeArray, tensors[0].ShapeArray))
                throw new ArgumentException($"stack: tensor {i} has shape {ShapeMath.Format(tensors[i].ShapeArray)}, but tensor 0 has {ShapeMath.Format(tensors[0].ShapeArray)}; stacked tensors must have one shape");
        return Concat([.. tensors.Select(t => t.Unsqueeze(axis))], axis);
    }
}
