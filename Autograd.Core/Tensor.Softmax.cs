using System.Buffers;
using System.Numerics.Tensors;
using Autograd.Memory;
using Autograd.Tensors;

namespace Autograd;

// softmax and log_softmax have fused, max-shifted kernels and rules in terms of their output, as in PyTorch.
public sealed partial class Tensor<T>
{
    /// <summary>
    /// softmax along <paramref name="axis"/>: y = e^(x − m) / Σ e^(x − m) with m the maximum, so large inputs do not
    /// overflow. ∂L/∂x = y ⊙ (g − Σ g ⊙ y).
    /// </summary>
    /// <param name="axis">The axis whose entries sum to 1.</param>
    public Tensor<T> Softmax(int axis)
    {
        Tensor<T> y = RowWise(axis, log: false, "softmax");
        int a = ShapeMath.NormalizeAxis(axis, Rank, "softmax");
        return Record(y, "softmax", [this], g => [y * (g - (g * y).Sum(a, keepDim: true))]);
    }

    /// <summary>
    /// log softmax along <paramref name="axis"/>: y = x − m − log Σ e^(x − m). ∂L/∂x = g − e^y ⊙ Σ g.
    /// </summary>
    /// <param name="axis">The axis normalized over.</param>
    public Tensor<T> LogSoftmax(int axis)
    {
        Tensor<T> y = RowWise(axis, log: true, "log_softmax");
        int a = ShapeMath.NormalizeAxis(axis, Rank, "log_softmax");
        return Record(y, "log_softmax", [this], g => [g - y.Exp() * g.Sum(a, keepDim: true)]);
    }

    /// <summary>Runs the softmax kernel over every row along <paramref name="axis"/>, moving that axis last if needed.</summary>
    private Tensor<T> RowWise(int axis, bool log, string op)
    {
        if (Rank == 0) throw new ArgumentException($"{op}: needs a tensor with at least one axis, not a scalar");
        int a = ShapeMath.NormalizeAxis(axis, Rank, op);
        int last = Rank - 1;
        Tensor<T> moved = a == last ? this : SwapView(a, last);
        var storage = TensorStorage<T>.Allocate(moved.Size, zeroed: false);
        Span<T> values = storage.Span;
        Kernels.Strided.Copy(moved.Elements, values);
        int n = _shape[a];
        if (n > 0) SoftmaxRows(values, values.Length / n, n, log);
        var result = new Tensor<T>(storage, moved._shape);
        return a == last ? result : result.SwapView(a, last).ContiguousValues();
    }

    private Tensor<T> SwapView(int a, int b)
    {
        int[] shape = (int[])_shape.Clone(), strides = (int[])Strides.Clone();
        (shape[a], shape[b]) = (shape[b], shape[a]);
        (strides[a], strides[b]) = (strides[b], strides[a]);
        return View(Offset, shape, strides);
    }

    private static void SoftmaxRows(Span<T> values, int rows, int n, bool log)
    {
        T[]? scratch = log ? ArrayPool<T>.Shared.Rent(n) : null;
        for (int r = 0; r < rows; r++)
        {
            Span<T> row = values.Slice(r * n, n);
            T max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, row);
            if (log)
            {
                Span<T> exps = scratch.AsSpan(0, n);
                TensorPrimitives.Exp(row, exps);
                TensorPrimitives.Subtract(row, T.Log(TensorPrimitives.Sum(exps)), row);
            }
            else
            {
                TensorPrimitives.Exp(row, row);
                TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
            }
        }

        if (scratch is not null) ArrayPool<T>.Shared.Return(scratch);
    }
}
