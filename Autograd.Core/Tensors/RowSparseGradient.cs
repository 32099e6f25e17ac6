using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

/// <summary>
/// The gradient of a large 2-D table (an embedding) in row-sparse form: only the rows a backward pass touched are
/// stored, as (row index, gradient row) pairs. A step over a million-row table then costs only the rows it used.
/// </summary>
/// <remarks>
/// Rows are kept in the order the backward passes produced them and may repeat; the gradient is their sum
/// (<see cref="ToDense"/>). An optimizer may apply the entries one by one: for SGD that is the same update.
/// Entries refer to the gradient tensors the backward pass made (which nothing else writes to) rather than copying
/// them; <see cref="Clear"/> keeps the index buffers, so a training loop stops allocating once they have grown.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
public sealed class RowSparseGradient<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private int[] _rows = new int[16];
    private T[]?[] _arrays = new T[]?[16];
    private int[] _offsets = new int[16];

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

    /// <summary>The gradient of entry <paramref name="entry"/> (for table row <c>Rows[entry]</c>).</summary>
    /// <param name="entry">0 ≤ entry &lt; <see cref="Count"/>.</param>
    public ReadOnlySpan<T> Values(int entry)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(entry);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(entry, Count);
        return _arrays[entry].AsSpan(_offsets[entry], Width);
    }

    /// <summary>Removes every entry, keeping the buffers (and letting go of the gradients they referred to).</summary>
    public void Clear()
    {
        Array.Clear(_arrays, 0, Count);
        Count = 0;
    }

    /// <summary>The gradient as a dense [TableRows, Width] tensor (the sum of the entries per row).</summary>
    public Tensor<T> ToDense()
    {
        var dense = new T[TableRows * Width];
        for (int e = 0; e < Count; e++)
        {
            Span<T> row = dense.AsSpan(_rows[e] * Width, Width);
            TensorPrimitives.Add(row, Values(e), row);
        }

        return new Tensor<T>(dense, [TableRows, Width]);
    }

    /// <summary>Appends one entry per index: row <c>rows[j]</c> receives <c>gradient[j, :]</c> (referred to, not copied).</summary>
    internal void Add(int[] rows, Tensor<T> gradient)
    {
        if (Count + rows.Length > _rows.Length)
        {
            int capacity = Math.Max(_rows.Length * 2, Count + rows.Length);
            Array.Resize(ref _rows, capacity);
            Array.Resize(ref _arrays, capacity);
            Array.Resize(ref _offsets, capacity);
        }

        Tensor<T> values = gradient.Contiguous();
        rows.CopyTo(_rows, Count);
        for (int j = 0; j < rows.Length; j++)
        {
            _arrays[Count + j] = values.Storage;
            _offsets[Count + j] = values.Offset + j * Width;
        }

        Count += rows.Length;
    }
}
