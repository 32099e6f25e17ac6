using System.Numerics;
using Autograd.Kernels;
using Autograd.Memory;
using Autograd.Tensors;

namespace Autograd;

// Matrix products. For D = A·B the vector-Jacobian products are dA = dD·Bᵀ and dB = Aᵀ·dD: the Jacobian itself is
// never built. Transposes are views; the GEMM kernel reads them through its transpose flags without copying.
public sealed partial class Tensor<T>
{
    /// <summary>The matrix product this @ other (see <see cref="Tensor.MatMul{T}(Tensor{T}, Tensor{T})"/>).</summary>
    /// <param name="other">The right operand.</param>
    public Tensor<T> MatMul(Tensor<T> other) => Tensor.MatMul(this, other);

    /// <summary>The inner product of two vectors, Σ aᵢbᵢ.</summary>
    /// <param name="other">A vector of the same length.</param>
    public Tensor<T> Dot(Tensor<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Rank != 1 || other.Rank != 1 || _shape[0] != other._shape[0])
            throw new ArgumentException($"dot: needs two vectors of one length, not {ShapeMath.Format(_shape)} and {ShapeMath.Format(other._shape)}");
        return Tensor.MatMul(this, other);
    }

    /// <summary>The outer product of two vectors: result[i, j] = aᵢ·bⱼ.</summary>
    /// <param name="other">The second vector.</param>
    public Tensor<T> Outer(Tensor<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Rank != 1 || other.Rank != 1)
            throw new ArgumentException($"outer: needs two vectors, not {ShapeMath.Format(_shape)} and {ShapeMath.Format(other._shape)}");
        return Unsqueeze(1) * other.Unsqueeze(0);
    }
}

public static partial class Tensor
{
    /// <summary>
    /// The matrix product with NumPy's rules: 2-D @ 2-D is the matrix product; a 1-D operand is a row (left) or a
    /// column (right) vector whose axis is removed from the result; higher ranks are stacks of matrices whose
    /// leading (batch) axes broadcast.
    /// </summary>
    /// <param name="a">The left operand, [..., m, k] or [k].</param>
    /// <param name="b">The right operand, [..., k, n] or [k].</param>
    /// <exception cref="ArgumentException">The inner dimensions differ or the batch axes do not broadcast.</exception>
    public static Tensor<T> MatMul<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank == 0 || b.Rank == 0)
            throw new ArgumentException($"matmul: {ShapeMath.Format(a.ShapeArray)} @ {ShapeMath.Format(b.ShapeArray)}: both operands need at least one axis");
        if (a.Rank == 1 && b.Rank == 1)
        {
            CheckInner(a, b, a.ShapeArray[0], b.ShapeArray[0]);
            return MatMul(a.Unsqueeze(0), b.Unsqueeze(1)).Reshape();
        }

        if (a.Rank == 1) return MatMul(a.Unsqueeze(0), b).Squeeze(-2);
        if (b.Rank == 1) return MatMul(a, b.Unsqueeze(-1)).Squeeze(-1);
        CheckInner(a, b, a.ShapeArray[^1], b.ShapeArray[^2]);

        Tensor<T> y = a.Rank == 2 && b.Rank == 2 ? Multiply2D(a, b) : MultiplyBatched(a, b);
        // A transposed operand (Wᵀ in x·Wᵀ, the Linear layer) gets its gradient as the transpose of a row-major
        // product, so the gradient that reaches W through the transpose is row-major like W, as in PyTorch: an
        // optimizer reads it without a copy and a second backward adds into it in place.
        return Tensor<T>.RecordEach(y, "matmul", [a, b],
            g => IsTransposedMatrix(a) ? MatMul(b, g.Transpose()).Transpose() : MatMul(g, b.Transpose()),
            g => IsTransposedMatrix(b) ? MatMul(g.Transpose(), a).Transpose() : MatMul(a.Transpose(), g));
    }

    /// <summary>
    /// A Linear layer as one op: y = x·Wᵀ + b, then max(0, y) when <paramref name="relu"/> is set, with W stored
    /// [out, in] as in <c>torch.nn.Linear</c>. The bias and the ReLU are applied to each tile of the product as it is
    /// written, not in passes of their own. With g' = g where y &gt; 0 (all of g without the ReLU), the gradients are
    /// dx = g'·W, dW = g'ᵀ·x and db = Σ over the batch of g'.
    /// </summary>
    /// <param name="input">x, [batch, in]; other ranks are computed as the composed ops.</param>
    /// <param name="weight">W, [out, in].</param>
    /// <param name="bias">b, [out], or null.</param>
    /// <param name="relu">Whether to clamp the result at zero (the subgradient 0 at the kink, as <c>relu</c>).</param>
    /// <exception cref="ArgumentException">The shapes do not fit together.</exception>
    public static Tensor<T> Linear<T>(Tensor<T> input, Tensor<T> weight, Tensor<T>? bias = null, bool relu = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        bool fusable = input.Rank == 2 && weight.Rank == 2 && input.ShapeArray[1] == weight.ShapeArray[1]
            && (bias is null || (bias.Rank == 1 && bias.ShapeArray[0] == weight.ShapeArray[0] && bias.IsContiguous));
        if (!fusable)
        {
            // The same result as the composed ops, whose shape checks give the usual messages.
            Tensor<T> composed = MatMul(input, weight.Transpose());
            if (bias is not null) composed += bias;
            return relu ? composed.Relu() : composed;
        }

        int m = input.ShapeArray[0], k = input.ShapeArray[1], n = weight.ShapeArray[0];
        var c = TensorStorage<T>.Allocate(m * n, zeroed: k == 0);
        if (m > 0 && n > 0)
        {
            var left = Operand<T>.Of(input);
            var right = Operand<T>.Of(weight.Transpose());
            ReadOnlySpan<T> shift = bias is null ? default : bias.AsReadOnlySpan();
            MatrixProduct.Multiply(left.Transposed, right.Transposed, m, n, k, left.Span, left.Leading, right.Span, right.Leading, c.Span, n, shift, relu);
        }

        var y = new Tensor<T>(c, [m, n]);
        Tensor<T>[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        bool[] needed = [.. inputs.Select(t => t.RequiresGrad)];
        return Tensor<T>.Record(y, "linear", inputs, g =>
        {
            // y > 0 exactly where x·Wᵀ + b > 0, so the saved output gives the ReLU's mask.
            Tensor<T> passed = relu ? Tensor<T>.ReluBackward(g, y) : g;
            var grads = new Tensor<T>?[inputs.Length];
            if (needed[0]) grads[0] = MatMul(passed, weight);
            // gᵀ·x is row-major [out, in] like W, so an optimizer reads it without a copy.
            if (needed[1]) grads[1] = MatMul(passed.Transpose(), input);
            if (inputs.Length > 2 && needed[2]) grads[2] = passed.Sum(0);
            return grads;
        });
    }

    /// <summary>Whether a matrix is laid out column by column (the transpose of a row-major one), not row by row.</summary>
    private static bool IsTransposedMatrix<T>(Tensor<T> matrix) where T : unmanaged, IFloatingPointIeee754<T> =>
        matrix.Rank == 2 && matrix.ShapeArray[0] > 1 && matrix.ShapeArray[1] > 1 && matrix.Strides[0] == 1 && matrix.Strides[1] >= matrix.ShapeArray[0];

    private static void CheckInner<T>(Tensor<T> a, Tensor<T> b, int ka, int kb) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (ka != kb)
            throw new ArgumentException($"matmul: {ShapeMath.Format(a.ShapeArray)} @ {ShapeMath.Format(b.ShapeArray)}: inner dimensions {ka} and {kb} differ");
    }

    /// <summary>Throws unless <paramref name="count"/> products of m×n fit in one array (their size would overflow an int).</summary>
    private static void CheckResultSize<T>(Tensor<T> a, Tensor<T> b, long count, long m, long n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (count * m * n > Array.MaxLength)
            throw new ArgumentException($"matmul: {ShapeMath.Format(a.ShapeArray)} @ {ShapeMath.Format(b.ShapeArray)}: the result has {count * m * n} elements, more than an array can hold");
    }

    private static Tensor<T> Multiply2D<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = a.ShapeArray[0], k = a.ShapeArray[1], n = b.ShapeArray[1];
        CheckResultSize(a, b, 1, m, n);
        // The product overwrites every element of C (k = 0 needs the zeros).
        var c = TensorStorage<T>.Allocate(m * n, zeroed: k == 0);
        if (m == 0 || n == 0 || k == 0) return new Tensor<T>(c, [m, n]);
        var left = Operand<T>.Of(a);
        var right = Operand<T>.Of(b);
        MatrixProduct.Multiply(left.Transposed, right.Transposed, m, n, k, left.Span, left.Leading, right.Span, right.Leading, c.Span, n);
        return new Tensor<T>(c, [m, n]);
    }

    private static Tensor<T> MultiplyBatched<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = a.ShapeArray[^2], k = a.ShapeArray[^1], n = b.ShapeArray[^1];
        // A stack of matrices times one matrix is one tall product when the stack is contiguous (and k > 0, so that
        // the rows of the stack can be counted from its size).
        if (b.Rank == 2 && a.IsContiguous && k > 0)
        {
            Tensor<T> tall = Multiply2D(new Tensor<T>(a.Buffer, a.Offset, [a.Size / k, k], [k, 1]), b);
            return new Tensor<T>(tall.Buffer, [.. a.ShapeArray[..^1], n]);
        }

        int[] batch = ShapeMath.Broadcast(a.ShapeArray.AsSpan(0, a.Rank - 2), b.ShapeArray.AsSpan(0, b.Rank - 2), "matmul");
        int count = ShapeMath.Size(batch);
        CheckResultSize(a, b, count, m, n);
        int[] sa = ShapeMath.BroadcastStrides(a.ShapeArray.AsSpan(0, a.Rank - 2), a.Strides.AsSpan(0, a.Rank - 2), batch);
        int[] sb = ShapeMath.BroadcastStrides(b.ShapeArray.AsSpan(0, b.Rank - 2), b.Strides.AsSpan(0, b.Rank - 2), batch);
        var result = TensorStorage<T>.Allocate(count * m * n, zeroed: k == 0);
        Span<T> c = result.Span;
        var index = new int[batch.Length];
        int oa = a.Offset, ob = b.Offset;
        for (int i = 0; i < count; i++)
        {
            var left = Operand<T>.Of(new Tensor<T>(a.Buffer, oa, [m, k], a.Strides[^2..]));
            var right = Operand<T>.Of(new Tensor<T>(b.Buffer, ob, [k, n], b.Strides[^2..]));
            MatrixProduct.Multiply(left.Transposed, right.Transposed, m, n, k, left.Span, left.Leading, right.Span, right.Leading, c.Slice(i * m * n, m * n), n);
            for (int axis = batch.Length - 1; axis >= 0; axis--)
            {
                oa += sa[axis];
                ob += sb[axis];
                if (++index[axis] < batch[axis]) break;
                oa -= sa[axis] * batch[axis];
                ob -= sb[axis] * batch[axis];
                index[axis] = 0;
            }
        }

        return new Tensor<T>(result, [.. batch, m, n]);
    }

    /// <summary>A matrix as GEMM reads it: row-major with a leading dimension, or the transpose of one (a view).</summary>
    private readonly ref struct Operand<T>(ReadOnlySpan<T> span, int leading, bool transposed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        public ReadOnlySpan<T> Span { get; } = span;

        public int Leading { get; } = leading;

        public bool Transposed { get; } = transposed;

        public static Operand<T> Of(Tensor<T> matrix)
        {
            int rows = matrix.ShapeArray[0], columns = matrix.ShapeArray[1];
            int rowStride = matrix.Strides[0], columnStride = matrix.Strides[1];
            if (columnStride == 1 || columns == 1)
            {
                int leading = rows == 1 ? columns : rowStride;
                if (leading >= columns && leading > 0) return new Operand<T>(matrix.Storage.AsSpan(matrix.Offset), leading, false);
            }

            if (rowStride == 1 || rows == 1)
            {
                int leading = columns == 1 ? rows : columnStride;
                if (leading >= rows && leading > 0) return new Operand<T>(matrix.Storage.AsSpan(matrix.Offset), leading, true);
            }

            // Broadcast (stride 0) or otherwise strided views are copied once.
            return new Operand<T>(matrix.ContiguousValues().AsReadOnlySpan(), columns, false);
        }
    }
}
