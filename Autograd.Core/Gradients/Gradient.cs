using System.Numerics;
using System.Numerics.Tensors;
using Autograd.Memory;
using Autograd.Tensors;

namespace Autograd.Gradients;

/// <summary>
/// The gradient a backward rule gives one input: nothing, a dense tensor of the input's shape, or, for a 2-D table
/// (an embedding), row-sparse entries. Entry e adds <c>scale(e) · vectors[vector(e), :]</c> to table row
/// <c>rows[e]</c>; rows may repeat, and the gradient is the sum of the entries.
/// </summary>
/// <remarks>
/// The engine decides what happens to row-sparse entries: a table made with <see cref="Tensor{T}.RequireSparseGrad"/>
/// keeps them as they are in its <see cref="Tensor{T}.SparseGradient"/> during <see cref="Tensor{T}.Backward"/>, so a
/// step over a million-row table costs only the rows it used; everywhere else (another input, <see cref="Autodiff.Grad{T}(Tensor{T}[], Tensor{T}[], Tensor{T}[], bool, bool, bool)"/>,
/// a recorded pass) they are added into a dense gradient, with tensor ops when the pass is recorded. A tensor converts
/// to a dense <see cref="Gradient{T}"/> implicitly.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
public readonly struct Gradient<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Gradient(Tensor<T>? dense, int[]? rows, Tensor<T>? vectors, Tensor<T>? scales, int[]? vectorOfEntry, int entriesPerVector)
    {
        Dense = dense;
        Rows = rows;
        Vectors = vectors;
        Scales = scales;
        VectorOfEntry = vectorOfEntry;
        EntriesPerVector = entriesPerVector;
    }

    /// <summary>No gradient for this input (it needs none, or the output does not depend on it).</summary>
    public static Gradient<T> None => default;

    /// <summary>The dense gradient, or null when there is none or it is row-sparse.</summary>
    public Tensor<T>? Dense { get; }

    /// <summary>The table row of each entry of a row-sparse gradient; null otherwise.</summary>
    public int[]? Rows { get; }

    /// <summary>The rows entries refer to, [vectors, width]; null unless row-sparse.</summary>
    public Tensor<T>? Vectors { get; }

    /// <summary>One factor per entry, or null when every entry's factor is 1.</summary>
    public Tensor<T>? Scales { get; }

    /// <summary>Which row of <see cref="Vectors"/> each entry refers to, or null when it is entry / <see cref="EntriesPerVector"/>.</summary>
    public int[]? VectorOfEntry { get; }

    /// <summary>How many consecutive entries refer to the same vector when <see cref="VectorOfEntry"/> is null.</summary>
    public int EntriesPerVector { get; }

    /// <summary>True when there is no gradient.</summary>
    public bool IsNone => Dense is null && Rows is null;

    /// <summary>True for the row-sparse form.</summary>
    public bool IsRowSparse => Rows is not null;

    /// <summary>A dense gradient (null means none).</summary>
    /// <param name="gradient">∂L/∂input, of the input's shape.</param>
    public static implicit operator Gradient<T>(Tensor<T>? gradient) => new(gradient, null, null, null, null, 0);

    /// <summary>A dense gradient (null means none).</summary>
    /// <param name="gradient">∂L/∂input, of the input's shape.</param>
    public static Gradient<T> FromTensor(Tensor<T>? gradient) => gradient;

    /// <summary>Row-sparse: table row <c>rows[j]</c> receives <c>values[j, :]</c>, as a lookup's gradient does.</summary>
    /// <param name="rows">The table row of each gradient row; repeats add up.</param>
    /// <param name="values">The gradient rows, [rows.Length, width].</param>
    /// <exception cref="ArgumentException">The counts do not agree.</exception>
    public static Gradient<T> RowSparse(int[] rows, Tensor<T> values)
    {
        ArgumentNullException.ThrowIfNull(rows);
        CheckVectors(values, rows.Length);
        if (values.Shape[0] != rows.Length)
            throw new ArgumentException($"row-sparse gradient: {rows.Length} rows but {values.Shape[0]} gradient rows");
        return new(null, rows, values, null, null, 1);
    }

    /// <summary>
    /// Row-sparse in factored form: entry e adds <c>scales[e] · vectors[e / entriesPerVector, :]</c> to table row
    /// <c>rows[e]</c>, so that a fused op never writes out one row per use (word2vec's dot products give each used
    /// row the upstream scalar times the vector it was dotted with).
    /// </summary>
    /// <param name="rows">The table row of each entry.</param>
    /// <param name="vectors">The vectors, [rows.Length / entriesPerVector, width].</param>
    /// <param name="scales">One factor per entry, as many elements as <paramref name="rows"/>.</param>
    /// <param name="entriesPerVector">How many consecutive entries share each vector.</param>
    /// <exception cref="ArgumentException">The counts do not agree.</exception>
    public static Gradient<T> ScaledRows(int[] rows, Tensor<T> vectors, Tensor<T> scales, int entriesPerVector)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(entriesPerVector, 1);
        CheckVectors(vectors, rows.Length);
        CheckScales(scales, rows.Length);
        if ((long)vectors.Shape[0] * entriesPerVector != rows.Length)
            throw new ArgumentException($"row-sparse gradient: {rows.Length} entries are not {entriesPerVector} per vector for {vectors.Shape[0]} vectors");
        return new(null, rows, vectors, scales, null, entriesPerVector);
    }

    /// <summary>Row-sparse in factored form: entry e adds <c>scales[e] · vectors[vectorOfEntry[e], :]</c> to table row <c>rows[e]</c>.</summary>
    /// <param name="rows">The table row of each entry.</param>
    /// <param name="vectors">The vectors, [count, width].</param>
    /// <param name="scales">One factor per entry.</param>
    /// <param name="vectorOfEntry">The vector of each entry.</param>
    /// <exception cref="ArgumentException">The counts do not agree or a vector index is out of range.</exception>
    public static Gradient<T> ScaledRows(int[] rows, Tensor<T> vectors, Tensor<T> scales, int[] vectorOfEntry)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(vectorOfEntry);
        CheckVectors(vectors, rows.Length);
        CheckScales(scales, rows.Length);
        if (vectorOfEntry.Length != rows.Length)
            throw new ArgumentException($"row-sparse gradient: {rows.Length} entries but {vectorOfEntry.Length} vector indices");
        foreach (int v in vectorOfEntry)
            if ((uint)v >= (uint)vectors.Shape[0])
                throw new ArgumentException($"row-sparse gradient: vector index {v} is outside the {vectors.Shape[0]} vectors");
        return new(null, rows, vectors, scales, vectorOfEntry, 0);
    }

    private static void CheckVectors(Tensor<T> vectors, int entries)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Rank != 2)
            throw new ArgumentException($"row-sparse gradient: the vectors must be [count, width], not {ShapeMath.Format(vectors.ShapeArray)} (for {entries} entries)");
    }

    private static void CheckScales(Tensor<T> scales, int entries)
    {
        ArgumentNullException.ThrowIfNull(scales);
        if (scales.Size != entries)
            throw new ArgumentException($"row-sparse gradient: {entries} entries but {scales.Size} scales");
    }

    /// <summary>The vector entry <paramref name="entry"/> refers to.</summary>
    internal int VectorOf(int entry) => VectorOfEntry?[entry] ?? entry / EntriesPerVector;

    /// <summary>Checks a row-sparse gradient against the table it is for: 2-D, the same width, rows in range.</summary>
    internal void CheckTable(int[] tableShape, string op, int input)
    {
        if (tableShape.Length != 2 || tableShape[1] != Vectors!.Shape[1])
            throw new InvalidOperationException(
                $"'{op}' gave input {input} of shape {ShapeMath.Format(tableShape)} a row-sparse gradient of width {Vectors!.Shape[1]}; row-sparse gradients are for 2-D tables of the same width");
        foreach (int row in Rows!)
            if ((uint)row >= (uint)tableShape[0])
                throw new InvalidOperationException($"'{op}' gave input {input} a row-sparse gradient for row {row}, outside its {tableShape[0]} rows");
    }

    /// <summary>
    /// The sum of the entries as a dense [tableRows, width] tensor: with tensor ops when recording is on (so the gradient
    /// can be differentiated again), otherwise directly.
    /// </summary>
    internal Tensor<T> ToDense(int tableRows)
    {
        Tensor<T> vectors = Vectors!;
        int width = vectors.Shape[1], count = Rows!.Length;
        if (GradMode.IsEnabled)
        {
            Tensor<T> values = VectorOfEntry is null && EntriesPerVector == 1 ? vectors : vectors.IndexSelect(0, EntryVectors());
            if (Scales is { } scales) values *= scales.Reshape(count, 1);
            return values.IndexAdd(0, Rows, tableRows);
        }

        var storage = TensorStorage<T>.Allocate(tableRows * width, zeroed: true);
        Span<T> dense = storage.Span;
        ReadOnlySpan<T> v = vectors.Contiguous().AsReadOnlySpan();
        ReadOnlySpan<T> s = Scales is { } sc ? sc.Contiguous().AsReadOnlySpan() : default;
        for (int e = 0; e < count; e++)
        {
            Span<T> row = dense.Slice(Rows[e] * width, width);
            TensorPrimitives.MultiplyAdd(v.Slice(VectorOf(e) * width, width), Scales is null ? T.One : s[e], row, row);
        }

        return new Tensor<T>(storage, [tableRows, width]);
    }

    private int[] EntryVectors()
    {
        if (VectorOfEntry is not null) return VectorOfEntry;
        var vectorOf = new int[Rows!.Length];
        for (int e = 0; e < vectorOf.Length; e++) vectorOf[e] = e / EntriesPerVector;
        return vectorOf;
    }
}
