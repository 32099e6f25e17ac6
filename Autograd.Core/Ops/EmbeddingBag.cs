using System.Numerics.Tensors;
using Autograd.Kernels;
using Autograd.Memory;
using Autograd.Tensors;

namespace Autograd;

/// <summary>How <see cref="Tensor{T}.EmbeddingBag"/> combines the rows of a bag.</summary>
public enum EmbeddingBagMode
{
    /// <summary>The sum of the bag's rows.</summary>
    Sum,

    /// <summary>The mean of the bag's rows (an empty bag gives zeros).</summary>
    Mean,
}

// Bags of embedding rows summed or averaged in one op (PyTorch's embedding_bag): the CBOW hidden layer, bag-of-words
// features. A lookup followed by a segment sum would write every looked-up row out and back; this op does not.
public sealed partial class Tensor<T>
{
    /// <summary>
    /// Sums or averages bags of rows of this [V, d] table: bag b holds rows <c>indices[offsets[b] .. offsets[b + 1])</c>
    /// (the last bag runs to the end), and result[b] = Σ table[row] (divided by the bag's size for
    /// <see cref="EmbeddingBagMode.Mean"/>), of shape [bags, d]. ∂/∂table[r] = Σ over uses of r in bag b of
    /// g[b] (times 1/size for the mean), row-sparse when the table takes sparse gradients.
    /// </summary>
    /// <param name="indices">The table rows of all bags, one bag after another; repeats allowed.</param>
    /// <param name="offsets">Where each bag starts in <paramref name="indices"/>: non-decreasing, the first 0.</param>
    /// <param name="mode">Sum or mean.</param>
    public Tensor<T> EmbeddingBag(int[] indices, int[] offsets, EmbeddingBagMode mode = EmbeddingBagMode.Mean)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(offsets);
        if (Rank != 2) throw new ArgumentException($"embedding_bag: needs a [V, d] table, not {ShapeMath.Format(_shape)}");
        int size = _shape[0], d = _shape[1], bags = offsets.Length;
        CheckRange(indices, size, "embedding_bag");
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

        Tensor<T> table = Contiguous();
        ReadOnlySpan<T> tv = table.Values;
        var storage = TensorStorage<T>.Allocate(bags * d, zeroed: true);
        T[] values = storage.Array!;
        for (int u = 0; u < indices.Length; u++)
        {
            if (u + 4 < indices.Length) RowPrefetch.Rows(tv, indices.AsSpan(u + 4, 1), d);
            Span<T> target = values.AsSpan(bagOfUse[u] * d, d);
            TensorPrimitives.MultiplyAdd(tv.Slice(indices[u] * d, d), weights[u], target, target);
        }

        Tensor<T> self = this;
        return RecordEach(new Tensor<T>(storage, [bags, d]), "embedding_bag", [this], g =>
        {
            if (!GradMode.IsEnabled && self.TryAddScaledSparseGradient(indices, g, weights, bagOfUse)) return null;
            return (g.IndexSelect(0, bagOfUse) * new Tensor<T>(weights, [indices.Length, 1])).IndexAdd(0, indices, size);
        });
    }
}
