using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Autograd.Kernels;

/// <summary>
/// What a product does to C after the sum: C[i, j] = relu?(C[i, j] + bias[j]). The driver applies it to each tile
/// right after the micro-kernel's last write-back, while the tile is still in L1, so a Linear layer's bias and ReLU
/// cost no pass of their own over the activations.
/// </summary>
internal readonly unsafe struct GemmEpilogue<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The epilogue at the start of <paramref name="bias"/> (null for none), clamping at zero when <paramref name="relu"/>.</summary>
    public GemmEpilogue(T* bias, bool relu)
    {
        Bias = bias;
        Relu = relu;
    }

    /// <summary>The bias of C's first column, or null.</summary>
    public T* Bias { get; }

    /// <summary>Whether negative sums become zero (NaN passes through, as in <c>relu</c>).</summary>
    public bool Relu { get; }

    /// <summary>Whether there is nothing to do.</summary>
    public bool IsNone => Bias == null && !Relu;

    /// <summary>The same epilogue for the columns from <paramref name="column"/> on.</summary>
    public GemmEpilogue<T> From(int column) => new(Bias == null ? null : Bias + column, Relu);

    /// <summary>Applies the epilogue to rows×columns of C at <paramref name="c"/>, whose first column is this epilogue's.</summary>
    public void Apply(T* c, nint ldc, int rows, int columns)
    {
        if (IsNone) return;
        for (int i = 0; i < rows; i++, c += ldc)
        {
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j + Vector512<T>.Count <= columns; j += Vector512<T>.Count)
                {
                    Vector512<T> v = Vector512.Load(c + j);
                    if (Bias != null) v += Vector512.Load(Bias + j);
                    if (Relu) v = Vector512.Max(v, Vector512<T>.Zero);
                    v.Store(c + j);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (; j + Vector256<T>.Count <= columns; j += Vector256<T>.Count)
                {
                    Vector256<T> v = Vector256.Load(c + j);
                    if (Bias != null) v += Vector256.Load(Bias + j);
                    if (Relu) v = Vector256.Max(v, Vector256<T>.Zero);
                    v.Store(c + j);
                }
            }

            for (; j < columns; j++) c[j] = Scalar(c[j], j);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private T Scalar(T value, int column)
    {
        if (Bias != null) value += Bias[column];
        // Vector Max returns NaN for NaN, as T.Max does; a plain comparison would turn NaN into zero.
        return Relu ? T.Max(value, T.Zero) : value;
    }
}
