using System.Numerics;
using Autograd.NN.Init;

namespace Autograd.NN.Layers;

/// <summary>
/// A lookup table of vectors, one row per id: the forward pass selects rows, and the backward pass adds into only
/// those rows. With <c>sparse</c>, the gradient is kept row-sparse (<see cref="Tensor{T}.SparseGradient"/>).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Embedding<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the table with N(0, 1) rows, as PyTorch does.</summary>
    /// <param name="count">The number of ids.</param>
    /// <param name="dimension">The length of each vector.</param>
    /// <param name="seed">Seed of the initial vectors; when omitted, the next of <see cref="Seeds"/>.</param>
    /// <param name="sparse">Keep the gradient row-sparse.</param>
    public Embedding(int count, int dimension, int? seed = null, bool sparse = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Weight = RegisterParameter("weight", Tensor.RandomNormal<T>([count, dimension], seed ?? Seeds.Next()));
        if (sparse) Weight.RequireSparseGrad();
    }

    /// <summary>The table, [count, dimension].</summary>
    public Tensor<T> Weight { get; }

    /// <summary>The vectors of <paramref name="ids"/>, [ids.Length, dimension].</summary>
    public Tensor<T> Forward(int[] ids) => Weight.IndexSelect(0, ids);

    /// <summary>Looks up ids given as a tensor of whole numbers (any shape); the result has one more axis.</summary>
    public override Tensor<T> Forward(Tensor<T> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        T[] values = input.ToArray();
        var ids = new int[values.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = int.CreateTruncating(values[i]);
            if (T.CreateTruncating(ids[i]) != values[i])
                throw new ArgumentException($"embedding: input element {i} is {values[i]}, not a whole-number id");
        }

        return Forward(ids).Reshape([.. input.Shape, Weight.Shape[1]]);
    }

    /// <inheritdoc/>
    public override string Describe() => $"{Weight.Shape[0]} × {Weight.Shape[1]}";
}
