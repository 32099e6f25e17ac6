using System.Numerics;
using System.Numerics.Tensors;
using Autograd.Memory;
using Autograd.Tensors;

namespace Autograd.Kernels;

/// <summary>A binary elementwise operation over whole spans, in the three forms broadcasting needs.</summary>
internal interface IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>One element.</summary>
    static abstract T Invoke(T x, T y);

    /// <summary>d[i] = op(x[i], y[i]).</summary>
    static abstract void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination);

    /// <summary>d[i] = op(x[i], y).</summary>
    static abstract void Invoke(ReadOnlySpan<T> x, T y, Span<T> destination);

    /// <summary>d[i] = op(x, y[i]).</summary>
    static abstract void Invoke(T x, ReadOnlySpan<T> y, Span<T> destination);
}

/// <summary>A unary elementwise map over a span.</summary>
internal delegate void SpanMap<T>(ReadOnlySpan<T> source, Span<T> destination);

/// <summary>Elementwise kernels: a broadcasting driver that hands whole rows to SIMD span operations.</summary>
internal static class Elementwise
{
    /// <summary>op(a, b) over the broadcast <paramref name="shape"/>, row by row along the last axis.</summary>
    public static TensorStorage<T> Binary<T, TOp>(StridedView<T> a, StridedView<T> b, int[] shape)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : IBinaryOperator<T>
    {
        int size = ShapeMath.Size(shape);
        // Every element is written below: skip zeroing what is about to be overwritten.
        TensorStorage<T> result = TensorStorage<T>.Allocate(size, zeroed: false);
        Span<T> destination = result.Span;
        if (size == 0) return result;

        if (a.IsContiguous && b.IsContiguous)
        {
            ReadOnlySpan<T> x = a.Span, y = b.Span;
            if (a.Size == size && b.Size == size) { TOp.Invoke(x, y, destination); return result; }
            if (a.Size == size && b.Size == 1) { TOp.Invoke(x, y[0], destination); return result; }
            if (a.Size == 1 && b.Size == size) { TOp.Invoke(x[0], y, destination); return result; }
        }

        int rank = shape.Length;
        int[] sa = ShapeMath.BroadcastStrides(a.Shape, a.Strides, shape);
        int[] sb = ShapeMath.BroadcastStrides(b.Shape, b.Strides, shape);
        int inner = shape[rank - 1], ia = sa[rank - 1], ib = sb[rank - 1];
        var index = new int[rank];
        // Both offsets step over the outer axes together; each view uses its own (possibly zero) strides.
        Span<int> offsets = [a.Offset, b.Offset];
        ReadOnlySpan<int[]> strides = [sa, sb];
        T[] storageA = a.Storage, storageB = b.Storage;
        for (int start = 0; start < size; start += inner)
        {
            int oa = offsets[0], ob = offsets[1];
            Span<T> row = destination.Slice(start, inner);
            if (ia == 1 && ib == 1) TOp.Invoke(storageA.AsSpan(oa, inner), storageB.AsSpan(ob, inner), row);
            else if (ia == 1 && ib == 0) TOp.Invoke(storageA.AsSpan(oa, inner), storageB[ob], row);
            else if (ia == 0 && ib == 1) TOp.Invoke(storageA[oa], storageB.AsSpan(ob, inner), row);
            else for (int j = 0; j < inner; j++) row[j] = TOp.Invoke(storageA[oa + j * ia], storageB[ob + j * ib]);
            Strided.Advance(index, shape, rank - 2, strides, offsets);
        }

        return result;
    }

    /// <summary>map(x) over every element, in row-major order.</summary>
    public static TensorStorage<T> Unary<T>(StridedView<T> x, SpanMap<T> map) where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorStorage<T> result = TensorStorage<T>.Allocate(x.Size, zeroed: false);
        Span<T> destination = result.Span;
        if (x.IsContiguous) map(x.Span, destination);
        else
        {
            Strided.Copy(x, destination);
            map(destination, destination);
        }

        return result;
    }

    /// <summary>destination += source, in place, for two views of one shape (destination contiguous).</summary>
    public static void AddInto<T>(StridedView<T> destination, StridedView<T> source) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> target = destination.Span;
        if (source.IsContiguous) TensorPrimitives.Add(target, source.Span, target);
        else Strided.Into(source, destination, add: true);
    }
}

/// <summary>1 where x &gt; y, else 0.</summary>
internal readonly struct GreaterOperator<T> : IComparison<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x > y ? T.One : T.Zero;
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Comparison.Apply<T, GreaterOperator<T>>(x, y, d);
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> d) => Comparison.Apply<T, GreaterOperator<T>>(x, y, d);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> d) => Comparison.Apply<T, GreaterOperator<T>>(x, y, d);
    public static Vector<T> Mask(Vector<T> x, Vector<T> y) => Vector.GreaterThan(x, y);
}

/// <summary>x where y &gt; 0, else 0 (relu's backward: the upstream gradient passed where the input was positive).</summary>
internal readonly struct PassWherePositiveOperator<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => y > T.Zero ? x : T.Zero;

    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
    {
        int i = 0;
        for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
            (new Vector<T>(x[i..]) & Vector.GreaterThan(new Vector<T>(y[i..]), Vector<T>.Zero)).CopyTo(d[i..]);
        for (; i < d.Length; i++) d[i] = Invoke(x[i], y[i]);
    }

    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> d)
    {
        if (y > T.Zero) x.CopyTo(d);
        else d.Clear();
    }

    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = Invoke(x, y[i]);
    }
}

/// <summary>1 where x = y, else 0.</summary>
internal readonly struct EqualOperator<T> : IComparison<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x == y ? T.One : T.Zero;
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Comparison.Apply<T, EqualOperator<T>>(x, y, d);
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> d) => Comparison.Apply<T, EqualOperator<T>>(x, y, d);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> d) => Comparison.Apply<T, EqualOperator<T>>(x, y, d);
    public static Vector<T> Mask(Vector<T> x, Vector<T> y) => Vector.Equals(x, y);
}

/// <summary>A comparison that yields 1 where it holds and 0 elsewhere, a SIMD mask at a time.</summary>
internal interface IComparison<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>All-ones lanes where the comparison holds.</summary>
    static abstract Vector<T> Mask(Vector<T> x, Vector<T> y);
}

/// <summary>Drives an <see cref="IComparison{T}"/> over spans with <see cref="Vector{T}"/>, the tail element by element.</summary>
internal static class Comparison
{
    public static void Apply<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IComparison<T>
    {
        int i = 0;
        for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
            Vector.ConditionalSelect(TOp.Mask(new Vector<T>(x[i..]), new Vector<T>(y[i..])), Vector<T>.One, Vector<T>.Zero).CopyTo(d[i..]);
        for (; i < d.Length; i++) d[i] = TOp.Invoke(x[i], y[i]);
    }

    public static void Apply<T, TOp>(ReadOnlySpan<T> x, T y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IComparison<T>
    {
        var vy = new Vector<T>(y);
        int i = 0;
        for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
            Vector.ConditionalSelect(TOp.Mask(new Vector<T>(x[i..]), vy), Vector<T>.One, Vector<T>.Zero).CopyTo(d[i..]);
        for (; i < d.Length; i++) d[i] = TOp.Invoke(x[i], y);
    }

    public static void Apply<T, TOp>(T x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IComparison<T>
    {
        var vx = new Vector<T>(x);
        int i = 0;
        for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
            Vector.ConditionalSelect(TOp.Mask(vx, new Vector<T>(y[i..])), Vector<T>.One, Vector<T>.Zero).CopyTo(d[i..]);
        for (; i < d.Length; i++) d[i] = TOp.Invoke(x, y[i]);
    }
}

/// <summary>A binary function's definition as a broadcasting kernel: its span forms, and one element through double.</summary>
internal readonly struct FunctionOperator<T, TFunction> : IBinaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TFunction : struct, Functions.IBinaryFunction
{
    public static T Invoke(T x, T y) => T.CreateTruncating(default(TFunction).Compute(double.CreateTruncating(x), double.CreateTruncating(y)));

    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => default(TFunction).Compute(x, y, d);

    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> d) => default(TFunction).Compute(x, y, d);

    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> d) => default(TFunction).Compute(x, y, d);
}
