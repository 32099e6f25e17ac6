using System.Numerics.Tensors;
using Autograd.Kernels;
using Autograd.Memory;
using Autograd.Tensors;

namespace Autograd;

// The fused embedding dot product of word2vec-style objectives: one op instead of a lookup, a product and a sum,
// with direct kernels for the usual first-order pass and the composed rule when the backward pass is recorded.
public sealed partial class Tensor<T>
{
    /// <summary>
    /// Dot products of each row of this [n, d] tensor with rows of <paramref name="table"/> [V, d]:
    /// result[i, j] = this[i] · table[rows[i·k + j]], of shape [n, k] with k = rows.Length / n.
    /// ∂/∂this[i] = Σⱼ g[i, j]·table[rows[i·k + j]] and ∂/∂table[r] = Σ over uses of r of g[i, j]·this[i]; the table's
    /// part is row-sparse when it takes sparse gradients (<see cref="RequireSparseGrad"/>).
    /// </summary>
    /// <param name="table">The table whose rows are dotted with this tensor's rows.</param>
    /// <param name="rows">k table rows per row of this tensor, row-major; repeats allowed.</param>
    public Tensor<T> DotRows(Tensor<T> table, int[] rows)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        if (Rank != 2 || table.Rank != 2 || _shape[1] != table._shape[1])
            throw new ArgumentException($"dot_rows: needs [n, d] rows and a [V, d] table, not {ShapeMath.Format(_shape)} and {ShapeMath.Format(table._shape)}");
        int n = _shape[0], d = _shape[1], size = table._shape[0];
        if (n == 0 ? rows.Length != 0 : rows.Length % n != 0)
            throw new ArgumentException($"dot_rows: {rows.Length} table rows do not divide evenly among {n} rows");
        CheckRange(rows, size, "dot_rows");
        int k = n == 0 ? 0 : rows.Length / n;

        Tensor<T> h = Contiguous(), t = table.Contiguous();
        ReadOnlySpan<T> hv = h.Values, tv = t.Values;
        var storage = TensorStorage<T>.Allocate(rows.Length, zeroed: false);
        T[] values = storage.Array!;
        for (int i = 0; i < n; i++)
        {
            // The table rows are scattered: ask for the next example's while this one's are multiplied.
            if (i + 1 < n) RowPrefetch.Rows(tv, rows.AsSpan((i + 1) * k, k), d);
            ReadOnlySpan<T> row = hv.Slice(i * d, d);
            for (int j = 0; j < k; j++) values[i * k + j] = TensorPrimitives.Dot(row, tv.Slice(rows[i * k + j] * d, d));
        }

        return RecordEach(new Tensor<T>(storage, [n, k]), "dot_rows", [this, table],
            g => GradMode.IsEnabled
                ? (table.IndexSelect(0, rows).Reshape(n, k, d) * g.Unsqueeze(2)).Sum(1)
                : new Tensor<T>(RowsGradient(g, t.Values, rows, n, k, d), [n, d]),
            g =>
            {
                if (GradMode.IsEnabled) return (h.Unsqueeze(1) * g.Unsqueeze(2)).Reshape(n * k, d).IndexAdd(0, rows, size);
                // Sparse tables keep one factored entry per use, g[i, j]·this[i]; otherwise the uses are added into a dense gradient.
                if (table.TryAddScaledSparseGradient(rows, h, g.Contiguous().AsReadOnlySpan(), usesPerVector: k)) return null;

                return new Tensor<T>(TableGradient(g, h.Values, n, k, d), [n * k, d]).IndexAdd(0, rows, size);
            });
    }

    /// <summary>∂/∂this[i] = Σⱼ g[i, j]·table[rows[i·k + j]].</summary>
    private static TensorStorage<T> RowsGradient(Tensor<T> g, ReadOnlySpan<T> table, int[] rows, int n, int k, int d)
    {
        ReadOnlySpan<T> gv = g.Contiguous().Values;
        // The first use of each row writes it, the others add to it: the array need not be zeroed first.
        var storage = TensorStorage<T>.Allocate(n * d, zeroed: k == 0);
        T[] result = storage.Array!;
        for (int i = 0; i < n && k > 0; i++)
        {
            if (i + 1 < n) RowPrefetch.Rows(table, rows.AsSpan((i + 1) * k, k), d);
            Span<T> target = result.AsSpan(i * d, d);
            TensorPrimitives.Multiply(table.Slice(rows[i * k] * d, d), gv[i * k], target);
            for (int j = 1; j < k; j++) TensorPrimitives.MultiplyAdd(table.Slice(rows[i * k + j] * d, d), gv[i * k + j], target, target);
        }

        return storage;
    }

    /// <summary>The table's gradient per use: g[i, j]·this[i] for use i·k + j.</summary>
    private static TensorStorage<T> TableGradient(Tensor<T> g, ReadOnlySpan<T> hidden, int n, int k, int d)
    {
        ReadOnlySpan<T> gv = g.Contiguous().Values;
        var storage = TensorStorage<T>.Allocate(n * k * d, zeroed: false);
        T[] result = storage.Array!;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++)
                TensorPrimitives.Multiply(hidden.Slice(i * d, d), gv[i * k + j], result.AsSpan((i * k + j) * d, d));
        return storage;
    }
}
