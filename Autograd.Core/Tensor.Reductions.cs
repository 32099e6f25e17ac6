using System.Numerics.Tensors;
using Autograd.Tensors;

namespace Autograd;

// Reductions over all elements or along axes, with keepDim. Max routes its gradient to the position of the
// maximum (the first, on ties), as PyTorch's max along a dimension does.
public sealed partial class Tensor<T>
{
    /// <summary>The sum of all elements (a scalar). ∂/∂x = 1 everywhere.</summary>
    public Tensor<T> Sum()
    {
        T total = TensorPrimitives.Sum(Values);
        int[] shape = _shape;
        return Record(new Tensor<T>([total], []), "sum", [this], g => [g.Expand(shape)]);
    }

    /// <summary>Sums along <paramref name="axis"/>.</summary>
    /// <param name="axis">The axis (negative counts from the end).</param>
    /// <param name="keepDim">Keep the reduced axis with size 1.</param>
    public Tensor<T> Sum(int axis, bool keepDim = false) => Sum([axis], keepDim);

    /// <summary>Sums along several axes.</summary>
    /// <param name="axes">The axes, each once.</param>
    /// <param name="keepDim">Keep the reduced axes with size 1.</param>
    public Tensor<T> Sum(int[] axes, bool keepDim = false)
    {
        bool[] reduced = ReducedAxes(axes, "sum");
        T[]? values = null;
        int[] current = (int[])_shape.Clone();
        for (int a = Rank - 1; a >= 0; a--)
        {
            if (!reduced[a]) continue;
            var (outer, n, inner) = Split(current, a);
            values = Kernels.Reduce.Sum(values is null ? Values : values, outer, n, inner);
            current[a] = 1;
        }

        values ??= Values.ToArray();

        int[] kept = current, input = _shape;
        var y = new Tensor<T>(values, keepDim ? kept : Drop(kept, reduced));
        return Record(y, "sum", [this], g => [g.Reshape(kept).Expand(input)]);
    }

    /// <summary>The mean of all elements (NaN for a tensor with none, as in PyTorch).</summary>
    public Tensor<T> Mean() => Sum() / T.CreateTruncating(Size);

    /// <summary>Means along <paramref name="axis"/>.</summary>
    /// <param name="axis">The axis.</param>
    /// <param name="keepDim">Keep the reduced axis with size 1.</param>
    public Tensor<T> Mean(int axis, bool keepDim = false) => Mean([axis], keepDim);

    /// <summary>Means along several axes.</summary>
    /// <param name="axes">The axes.</param>
    /// <param name="keepDim">Keep the reduced axes with size 1.</param>
    public Tensor<T> Mean(int[] axes, bool keepDim = false)
    {
        bool[] reduced = ReducedAxes(axes, "mean");
        int count = 1;
        for (int a = 0; a < Rank; a++) if (reduced[a]) count *= _shape[a];
        return Sum(axes, keepDim) / T.CreateTruncating(count);
    }

    /// <summary>The largest element (a scalar). Its gradient is shared equally among the positions that hold it, as
    /// in PyTorch: with ties the maximum is not differentiable, and the even share is the subgradient that keeps
    /// max(x, x) and x symmetric.</summary>
    public Tensor<T> Max() => Extremum(largest: true);

    /// <summary>Maxima along <paramref name="axis"/>; each gradient goes to the position of its maximum (the first, with ties).</summary>
    /// <param name="axis">The axis.</param>
    /// <param name="keepDim">Keep the reduced axis with size 1.</param>
    public Tensor<T> Max(int axis, bool keepDim = false) => Extremum(axis, keepDim, largest: true);

    /// <summary>The smallest element (a scalar); its gradient is shared equally among the positions that hold it.</summary>
    public Tensor<T> Min() => Extremum(largest: false);

    /// <summary>Minima along <paramref name="axis"/>; each gradient goes to the position of its minimum (the first, with ties).</summary>
    /// <param name="axis">The axis.</param>
    /// <param name="keepDim">Keep the reduced axis with size 1.</param>
    public Tensor<T> Min(int axis, bool keepDim = false) => Extremum(axis, keepDim, largest: false);

    private Tensor<T> Extremum(int axis, bool keepDim, bool largest)
    {
        string op = largest ? "max" : "min";
        int a = ShapeMath.NormalizeAxis(axis, Rank, op);
        if (_shape[a] == 0) throw new ArgumentException($"{op}: axis {axis} of shape {ShapeMath.Format(_shape)} is empty");
        var (outer, n, inner) = Split(_shape, a);
        // The minimum is found as the maximum of the negated values (negation is exact, and the tie rules are the same).
        var (values, indices) = Kernels.Reduce.Max(largest ? Values : Negated(), outer, n, inner);
        if (!largest) TensorPrimitives.Negate(values, values);
        int[] kept = (int[])_shape.Clone();
        kept[a] = 1;
        var y = new Tensor<T>(values, keepDim ? kept : Drop(kept, [.. Enumerable.Range(0, Rank).Select(i => i == a)]));
        int[] input = _shape;
        return Record(y, op, [this], g => [g.Reshape(kept).ScatterAdd(a, indices, kept, input)]);
    }

    private Tensor<T> Extremum(bool largest)
    {
        string op = largest ? "max" : "min";
        if (Size == 0) throw new ArgumentException($"{op}: the tensor of shape {ShapeMath.Format(_shape)} is empty");
        // TensorPrimitives propagates NaN, as PyTorch's max and min do.
        T extreme = largest ? TensorPrimitives.Max(Values) : TensorPrimitives.Min(Values);
        return Record(new Tensor<T>([extreme], []), op, [this], g => [g * TieShares(extreme)]);
    }

    /// <summary>1/k at each of the k positions holding <paramref name="extreme"/> (NaN, which max and min propagate,
    /// matching NaN), 0 elsewhere. Built only when a backward pass asks for it: recorded tensors never change.</summary>
    private Tensor<T> TieShares(T extreme)
    {
        ReadOnlySpan<T> x = Values;
        var shares = new T[Size];
        int count = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] == extreme || (T.IsNaN(x[i]) && T.IsNaN(extreme)))
            {
                shares[i] = T.One;
                count++;
            }
        }

        TensorPrimitives.Multiply(shares, T.One / T.CreateTruncating(count), shares);
        return new Tensor<T>(shares, _shape);
    }

    private ReadOnlySpan<T> Negated()
    {
        var negated = new T[Size];
        TensorPrimitives.Negate(Values, negated);
        return negated;
    }

    /// <summary>The position of the maximum along <paramref name="axis"/> for every other index, row-major.</summary>
    /// <param name="axis">The axis.</param>
    public int[] ArgMax(int axis)
    {
        int a = ShapeMath.NormalizeAxis(axis, Rank, "argmax");
        var (outer, n, inner) = Split(_shape, a);
        return Kernels.Reduce.Max(Values, outer, n, inner).Indices;
    }

    /// <summary>log Σ exp(x) along <paramref name="axis"/>, computed as m + log Σ exp(x − m) with m the maximum, so it
    /// neither overflows nor underflows.</summary>
    /// <param name="axis">The axis.</param>
    /// <param name="keepDim">Keep the reduced axis with size 1.</param>
    public Tensor<T> LogSumExp(int axis, bool keepDim = false)
    {
        // The shift m is a constant for differentiation: the result does not depend on it. An infinite maximum shifts
        // by 0 instead, as in PyTorch, so that a row of −∞ gives −∞ and a row holding +∞ gives +∞, not ∞ − ∞ = NaN.
        Tensor<T> m = Max(axis, keepDim: true).Detach();
        Span<T> shift = m.AsSpan();
        for (int i = 0; i < shift.Length; i++)
            if (!T.IsFinite(shift[i])) shift[i] = T.Zero;
        Tensor<T> result = m + (this - m).Exp().Sum(axis, keepDim: true).Log();
        return keepDim ? result : result.Squeeze(axis);
    }

    /// <summary>Sums a broadcast gradient back to <paramref name="shape"/>: over leading axes and over axes that were 1.</summary>
    internal Tensor<T> SumToShape(int[] shape)
    {
        if (ShapeMath.SameShape(_shape, shape)) return this;
        int leading = Rank - shape.Length;
        var axes = new List<int>();
        for (int a = 0; a < Rank; a++)
            if (a < leading || (shape[a - leading] == 1 && _shape[a] != 1)) axes.Add(a);
        Tensor<T> summed = axes.Count == 0 ? this : Sum([.. axes], keepDim: true);
        return summed.Reshape(shape);
    }

    /// <summary>The elements in row-major order: a view of the storage when contiguous, else a copy.</summary>
    private ReadOnlySpan<T> Values => IsContiguous ? Storage.AsSpan(Offset, Size) : ContiguousValues().Storage;

    private bool[] ReducedAxes(int[] axes, string op)
    {
        ArgumentNullException.ThrowIfNull(axes);
        var reduced = new bool[Rank];
        foreach (int axis in axes)
        {
            int a = ShapeMath.NormalizeAxis(axis, Rank, op);
            if (reduced[a]) throw new ArgumentException($"{op}: axis {axis} is given twice");
            reduced[a] = true;
        }

        return reduced;
    }

    private static (int Outer, int N, int Inner) Split(int[] shape, int axis)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        return (outer, shape[axis], inner);
    }

    private static int[] Drop(int[] shape, bool[] drop) => [.. shape.Where((_, i) => !drop[i])];
}
