using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd.Gradients;

/// <summary>
/// The gradient of a large 2-D table (an embedding) in row-sparse form: only the rows a backward pass touched are
/// stored, as (row index, gradient row) pairs. A step over a million-row table then costs only the rows it used.
/// </summary>
/// <remarks>
/// Rows are kept in the order the backward passes produced them and may repeat; the gradient is their sum
/// (<see cref="ToDense"/>). An optimizer may apply the entries one by one: for SGD that is the same update.
/// Entry e's gradient is <see cref="Scale"/>(e) · <see cref="Vector"/>(e): a lookup's entries are its gradient rows
/// (scale 1), and a fused dot product's (word2vec's) are the upstream scalar times the row it was
/// dotted with, so no per-use row is ever written out. Entries refer to tensors of the backward pass (which nothing
/// else writes to) rather than copying them; <see cref="Clear"/> keeps the index buffers, so a training loop stops
/// allocating once they have grown.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
public sealed class RowSparseGradient<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private int[] _rows = new int[16];
    private T[]?[] _arrays = new T[]?[16];
    private int[] _offsets = new int[16];
    private T[] _scales = new T[16];

    internal RowSparseGradient(int tableRows, int width)
    {
        TableRows = tableRows;
        Width = width;
    }

    /// <summary>The number of rows of the whole table.</summary>
    public int TableRows { get; }

    /// <summary>The length of each row.</summary>
    public int Width { get; }

    /// <summary>The number of stored (row, gradient) entries; repeated rows count once per entry.</summary>
    public int Count { get; private set; }

    /// <summary>The table row of each entry.</summary>
    public ReadOnlySpan<int> Rows => _rows.AsSpan(0, Count);

    /// <summary>The vector of entry <paramref name="entry"/>: its gradient (for table row <c>Rows[entry]</c>) is
    /// <see cref="Scale"/>(entry) times this.</summary>
    /// <param name="entry">0 ≤ entry &lt; <see cref="Count"/>.</param>
    public ReadOnlySpan<T> Vector(int entry)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(entry);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(entry, Count);
        return _arrays[entry].AsSpan(_offsets[entry], Width);
    }

    /// <summary>The factor of entry <paramref name="entry"/>'s <see cref="Vector"/>.</summary>
    /// <param name="entry">0 ≤ entry &lt; <see cref="Count"/>.</param>
    public T Scale(int entry)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(entry);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(entry, Count);
        return _scales[entry];
    }

    /// <summary>Writes entry <paramref name="entry"/>'s gradient row into <paramref name="destination"/>.</summary>
    public void CopyGradient(int entry, Span<T> destination) => TensorPrimitives.Multiply(Vector(entry), Scale(entry), destination);

    /// <summary>Removes every entry, keeping the buffers (and letting go of the gradients they referred to).</summary>
    public void Clear()
    {
        Array.Clear(_arrays, 0, Count);
        Count = 0;
    }

    /// <summary>
    /// Adds <paramref name="factor"/> times this gradient into <paramref name="table"/> (the [TableRows, Width] values,
    /// row-major), entry by entry: an SGD step is <c>AddTo(parameter, −lr)</c>. Only the touched rows are read or written.
    /// </summary>
    public void AddTo(Span<T> table, T factor)
    {
        if (table.Length != TableRows * Width)
            throw new ArgumentException($"sparse gradient: a table of {table.Length} values is not {TableRows} × {Width}");
        const int Ahead = 4;
        for (int e = 0; e < Count; e++)
        {
            // Rows are scattered over the table: fetch a few entries ahead while this one is added.
            if (e + Ahead < Count) Kernels.RowPrefetch.Rows<T>(table, _rows.AsSpan(e + Ahead, 1), Width);
            Span<T> row = table.Slice(_rows[e] * Width, Width);
            TensorPrimitives.MultiplyAdd(_arrays[e].AsSpan(_offsets[e], Width), factor * _scales[e], row, row);
        }
    }

    /// <summary>The gradient as a dense [TableRows, Width] tensor (the sum of the entries per row).</summary>
    public Tensor<T> ToDense()
    {
        var dense = new T[TableRows * Width];
        for (int e = 0; e < Count; e++)
        {
            Span<T> row = dense.AsSpan(_rows[e] * Width, Width);
            TensorPrimitives.MultiplyAdd(Vector(e), _scales[e], row, row);
        }

        return new Tensor<T>(dense, [TableRows, Width]);
    }

    /// <summary>Appends the entries of a row-sparse <paramref name="gradient"/> (its vectors referred to, its scales copied).</summary>
    internal void Append(in Gradient<T> gradient)
    {
        int[] rows = gradient.Rows!;
        Reserve(rows.Length);
        Tensor<T> vectors = gradient.Vectors!.Contiguous();
        // The entries outlive the backward pass: their storage must never go back to a pool.
        vectors.Buffer.LeaveToCollector();
        rows.CopyTo(_rows, Count);
        if (gradient.Scales is { } scales) scales.Contiguous().AsReadOnlySpan().CopyTo(_scales.AsSpan(Count));
        else _scales.AsSpan(Count, rows.Length).Fill(T.One);
        for (int e = 0; e < rows.Length; e++)
        {
            _arrays[Count + e] = vectors.Storage;
            _offsets[Count + e] = vectors.Offset + gradient.VectorOf(e) * Width;
        }

        Count += rows.Length;
    }

    private void Reserve(int more)
    {
        if (Count + more <= _rows.Length) return;
        int capacity = Math.Max(_rows.Length * 2, Count + more);
        Array.Resize(ref _rows, capacity);
        Array.Resize(ref _arrays, capacity);
        Array.Resize(ref _offsets, capacity);
        Array.Resize(ref _scales, capacity);
    }
}
