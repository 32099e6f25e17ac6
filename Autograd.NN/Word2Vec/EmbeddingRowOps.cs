using System.Numerics;
using System.Numerics.Tensors;
using Autograd.Custom;
using Autograd.Gradients;
using Autograd.Kernels;

namespace Autograd.NN.Word2Vec;

/// <summary>How <see cref="EmbeddingRowOps.EmbeddingBag"/> combines the rows of a bag.</summary>
public enum EmbeddingBagMode
{
    /// <summary>The sum of the bag's rows.</summary>
    Sum,

    /// <summary>The mean of the bag's rows (an empty bag gives zeros).</summary>
    Mean,
}

/// <summary>
/// The fused embedding ops of word2vec's objectives, as custom ops: a lookup followed by a product and a sum would
/// write every looked-up row out and back, these do not. Their table gradients are row-sparse, so a table made with
/// <see cref="Tensor{T}.RequireSparseGrad"/> receives one factored entry per use and a step touches only the rows it
/// used; when the backward pass records itself, the rules are the composed tensor ops, so they differentiate again.
/// </summary>
public static class EmbeddingRowOps
{
    /// <summary>
    /// Dot products of each row of <paramref name="hidden"/> [n, d] with rows of <paramref name="table"/> [V, d]:
    /// result[i, j] = hidden[i] · table[rows[i·k + j]], of shape [n, k] with k = rows.Length / n.
    /// ∂/∂hidden[i] = Σⱼ g[i, j]·table[rows[i·k + j]] and ∂/∂table[r] = Σ over uses of r of g[i, j]·hidden[i].
    /// </summary>
    /// <param name="hidden">The rows dotted with table rows, [n, d].</param>
    /// <param name="table">The table whose rows are dotted with them, [V, d].</param>
    /// <param name="rows">k table rows per row of <paramref name="hidden"/>, row-major; repeats allowed.</param>
    /// <exception cref="ArgumentException">The shapes do not fit or a row is out of range.</exception>
    public static Tensor<T> DotRows<T>(this Tensor<T> hidden, Tensor<T> table, int[] rows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        if (hidden.Rank != 2 || table.Rank != 2 || hidden.Shape[1] != table.Shape[1])
            throw new ArgumentException($"dot_rows: needs [n, d] rows and a [V, d] table, not {Format(hidden)} and {Format(table)}");
        int n = hidden.Shape[0];
        if (n == 0 ? rows.Length != 0 : rows.Length % n != 0)
            throw new ArgumentException($"dot_rows: {rows.Length} table rows do not divide evenly among {n} rows");
        CheckRange(rows, table.Shape[0], "dot_rows");
        return new DotRowsOp<T>(rows, n == 0 ? 0 : rows.Length / n).Apply(hidden, table);
    }

    /// <summary>
    /// Sums or averages bags of rows of <paramref name="table"/> [V, d] (PyTorch's <c>embedding_bag</c>): bag b holds
    /// rows <c>indices[offsets[b] .. offsets[b + 1])</c> (the last bag runs to the end), and result[b] = Σ table[row]
    /// (divided by the bag's size for <see cref="EmbeddingBagMode.Mean"/>), of shape [bags, d].
    /// ∂/∂table[r] = Σ over uses of r in bag b of g[b] (times 1/size for the mean).
    /// </summary>
    /// <param name="table">The table, [V, d].</param>
    /// <param name="indices">The table rows of all bags, one bag after another; repeats allowed.</param>
    /// <param name="offsets">Where each bag starts in <paramref name="indices"/>: non-decreasing, the first 0.</param>
    /// <param name="mode">Sum or mean.</param>
    /// <exception cref="ArgumentException">The table is not 2-D, an index is out of range or the offsets do not rise from 0.</exception>
    public static Tensor<T> EmbeddingBag<T>(this Tensor<T> table, int[] indices, int[] offsets, EmbeddingBagMode mode = EmbeddingBagMode.Mean)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(offsets);
        if (table.Rank != 2) throw new ArgumentException($"embedding_bag: needs a [V, d] table, not {Format(table)}");
        CheckRange(indices, table.Shape[0], "embedding_bag");
        int bags = offsets.Length;
        for (int b = 0; b < bags; b++)
            if ((b == 0 ? offsets[0] != 0 : offsets[b] < offsets[b - 1]) || offsets[b] > indices.Length)
                throw new ArgumentException($"embedding_bag: offsets must start at 0 and rise to at most {indices.Length}; offset {b} is {offsets[b]}");

        // Each use's bag and weight (1, or 1/size of its bag for the mean): the backward rule scales by these.
        var bagOfUse = new int[indices.Length];
        var weights = new T[indices.Length];
        for (int b = 0; b < bags; b++)
        {
            int start = offsets[b], end = b + 1 < bags ? offsets[b + 1] : indices.Length;
            T weight = mode == EmbeddingBagMode.Mean && end > start ? T.One / T.CreateTruncating(end - start) : T.One;
            for (int u = start; u < end; u++) (bagOfUse[u], weights[u]) = (b, weight);
        }

        return new EmbeddingBagOp<T>(indices, bagOfUse, Tensor.FromArray(weights), bags).Apply(table);
    }

    private static string Format<T>(Tensor<T> tensor) where T : unmanaged, IFloatingPointIeee754<T> => $"[{string.Join(", ", tensor.Shape)}]";

    private static void CheckRange(int[] indices, int size, string op)
    {
        for (int i = 0; i < indices.Length; i++)
            if ((uint)indices[i] >= (uint)size)
                throw new ArgumentOutOfRangeException(nameof(indices), $"{op}: index {indices[i]} at position {i} is outside 0..{size - 1}");
    }

    /// <summary>dot_rows: direct kernels for the usual first-order pass, the composed rule when the pass is recorded.</summary>
    private sealed class DotRowsOp<T>(int[] rows, int k) : CustomOp<T>("dot_rows") where T : unmanaged, IFloatingPointIeee754<T>
    {
        protected override Tensor<T> Forward(CustomOpContext<T> context, IReadOnlyList<Tensor<T>> inputs)
        {
            Tensor<T> h = inputs[0].Contiguous(), t = inputs[1].Contiguous();
            int n = h.Shape[0], d = h.Shape[1];
            ReadOnlySpan<T> hv = h.AsReadOnlySpan(), tv = t.AsReadOnlySpan();
            Tensor<T> result = Tensor.Empty<T>(n, k);
            Span<T> values = result.AsSpan();
            for (int i = 0; i < n; i++)
            {
                // The table rows are scattered: ask for the next example's while this one's are multiplied.
                if (i + 1 < n) RowPrefetch.Rows(tv, rows.AsSpan((i + 1) * k, k), d);
                ReadOnlySpan<T> row = hv.Slice(i * d, d);
                for (int j = 0; j < k; j++) values[i * k + j] = TensorPrimitives.Dot(row, tv.Slice(rows[i * k + j] * d, d));
            }

            // The inputs themselves, so that a recorded backward pass differentiates through them.
            context.SaveForBackward(inputs[0], inputs[1]);
            return result;
        }

        protected override Gradient<T>[] Backward(CustomOpContext<T> context, Tensor<T> gradOutput)
        {
            Tensor<T> hidden = context.SavedTensors[0], table = context.SavedTensors[1];
            int n = hidden.Shape[0], d = hidden.Shape[1];
            if (Autodiff.IsGradEnabled)
                return [
                    context.NeedsInputGrad(0) ? (table.IndexSelect(0, rows).Reshape(n, k, d) * gradOutput.Unsqueeze(2)).Sum(1) : null,
                    context.NeedsInputGrad(1) ? (hidden.Unsqueeze(1) * gradOutput.Unsqueeze(2)).Reshape(n * k, d).IndexAdd(0, rows, table.Shape[0]) : null,
                ];

            Tensor<T> g = gradOutput.Contiguous();
            return [
                context.NeedsInputGrad(0) ? HiddenGradient(g.AsReadOnlySpan(), table.Contiguous().AsReadOnlySpan(), n, d) : null,
                // One factored entry per use: g[i, j] times hidden row i, which is never written out row by row.
                context.NeedsInputGrad(1) && k > 0 ? Gradient<T>.ScaledRows(rows, hidden.Contiguous(), g, entriesPerVector: k) : Gradient<T>.None,
            ];
        }

        /// <summary>∂/∂hidden[i] = Σⱼ g[i, j]·table[rows[i·k + j]].</summary>
        private Tensor<T> HiddenGradient(ReadOnlySpan<T> g, ReadOnlySpan<T> table, int n, int d)
        {
            // The first use of each row writes it, the others add to it: the elements need no zeroing first.
            Tensor<T> result = k == 0 ? Tensor.Zeros<T>(n, d) : Tensor.Empty<T>(n, d);
            Span<T> values = result.AsSpan();
            for (int i = 0; i < n && k > 0; i++)
            {
                if (i + 1 < n) RowPrefetch.Rows(table, rows.AsSpan((i + 1) * k, k), d);
                Span<T> target = values.Slice(i * d, d);
                TensorPrimitives.Multiply(table.Slice(rows[i * k] * d, d), g[i * k], target);
                for (int j = 1; j < k; j++) TensorPrimitives.MultiplyAdd(table.Slice(rows[i * k + j] * d, d), g[i * k + j], target, target);
            }

            return result;
        }

        public override string DescribeGradient(int input, string upstream, IReadOnlyList<string> inputNames) => input == 0
            ? $"Σ over each row's table rows of {upstream} · {inputNames[1]}[row]"
            : $"{upstream} · {inputNames[0]}[i] added into each used row of {inputNames[1]}";
    }

    /// <summary>embedding_bag: the bags summed directly; the table's gradient one scaled entry per use.</summary>
    private sealed class EmbeddingBagOp<T>(int[] indices, int[] bagOfUse, Tensor<T> weights, int bags) : CustomOp<T>("embedding_bag")
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        protected override Tensor<T> Forward(CustomOpContext<T> context, IReadOnlyList<Tensor<T>> inputs)
        {
            Tensor<T> table = inputs[0].Contiguous();
            int d = table.Shape[1];
            ReadOnlySpan<T> tv = table.AsReadOnlySpan(), w = weights.AsReadOnlySpan();
            Tensor<T> result = Tensor.Zeros<T>(bags, d);
            Span<T> values = result.AsSpan();
            for (int u = 0; u < indices.Length; u++)
            {
                if (u + 4 < indices.Length) RowPrefetch.Rows(tv, indices.AsSpan(u + 4, 1), d);
                Span<T> target = values.Slice(bagOfUse[u] * d, d);
                TensorPrimitives.MultiplyAdd(tv.Slice(indices[u] * d, d), w[u], target, target);
            }

            context.State = inputs[0].Shape[0];
            return result;
        }

        protected override Gradient<T>[] Backward(CustomOpContext<T> context, Tensor<T> gradOutput)
        {
            if (Autodiff.IsGradEnabled)
                return [(gradOutput.IndexSelect(0, bagOfUse) * weights.Reshape(indices.Length, 1)).IndexAdd(0, indices, (int)context.State!)];
            return [Gradient<T>.ScaledRows(indices, gradOutput, weights, bagOfUse)];
        }

        public override string DescribeGradient(int input, string upstream, IReadOnlyList<string> inputNames) =>
            $"each bag's row of {upstream} (scaled by 1/size for the mean) added into the rows of {inputNames[0]} it holds";
    }
}
