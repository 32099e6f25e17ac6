using System.Numerics;

namespace Autograd.NN.Word2Vec;

/// <summary>
/// The word2vec objectives as engine ops on two embedding tables (input vectors and output vectors), for a batch
/// of training examples at once. Their gradients come from <c>Backward()</c> through the row lookups, so with
/// tables made by <see cref="Tensor{T}.RequireSparseGrad"/> a step touches only the rows of the batch. Losses are
/// sums over the batch, as word2vec applies one SGD step of rate α per example.
/// </summary>
public static class Word2VecLosses
{
    /// <summary>
    /// The hidden vector of each skip-gram example: the input vector of its center word, [batch, d].
    /// </summary>
    public static Tensor<T> SkipGramHidden<T>(Tensor<T> inputVectors, int[] centers) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(inputVectors);
        return inputVectors.IndexSelect(0, centers);
    }

    /// <summary>
    /// The hidden vector of each CBOW example: the mean of its context words' input vectors, [batch, d]
    /// (an <see cref="EmbeddingRowOps.EmbeddingBag"/>). Example b's context words are
    /// <c>contexts[offsets[b] .. offsets[b + 1])</c>; every example has at least one.
    /// </summary>
    /// <param name="inputVectors">The input table [V, d].</param>
    /// <param name="contexts">The context words of all examples, one example after another.</param>
    /// <param name="offsets">Where each example's context words start.</param>
    /// <param name="undividedUpdate">
    /// When true, each context vector receives the hidden vector's whole gradient rather than its 1/c share, as
    /// word2vec's and gensim's CBOW (cbow_mean=1) update it: the value is detach(sum)/c + (sum − detach(sum)), which
    /// equals the mean while its gradient reaches the sum unscaled. When false, the plain mean and its exact gradient.
    /// </param>
    public static Tensor<T> CbowHidden<T>(Tensor<T> inputVectors, int[] contexts, int[] offsets, bool undividedUpdate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(inputVectors);
        ArgumentNullException.ThrowIfNull(contexts);
        ArgumentNullException.ThrowIfNull(offsets);
        int batch = offsets.Length;
        for (int b = 0; b < batch; b++)
            if ((b + 1 < batch ? offsets[b + 1] : contexts.Length) <= offsets[b])
                throw new ArgumentException($"cbow: every example needs at least one context word; example {b} has none");
        if (!undividedUpdate) return inputVectors.EmbeddingBag(contexts, offsets, EmbeddingBagMode.Mean);

        var inverseCounts = new T[batch];
        for (int b = 0; b < batch; b++) inverseCounts[b] = T.One / T.CreateTruncating((b + 1 < batch ? offsets[b + 1] : contexts.Length) - offsets[b]);
        Tensor<T> sums = inputVectors.EmbeddingBag(contexts, offsets, EmbeddingBagMode.Sum);
        Tensor<T> fixedSums = sums.Detach();
        return fixedSums * Tensor.FromArray(inverseCounts, batch, 1) + (sums - fixedSums);
    }

    /// <summary>
    /// Negative sampling (Mikolov et al., 2013): −Σ [log σ(u_target·h) + Σ_k log σ(−u_noise,k·h)], with
    /// <paramref name="negatives"/> holding <paramref name="k"/> noise words per example.
    /// </summary>
    public static Tensor<T> NegativeSampling<T>(Tensor<T> hidden, Tensor<T> outputVectors, int[] targets, int[] negatives, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(outputVectors);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(negatives);
        int batch = hidden.Shape[0];
        if (targets.Length != batch || negatives.Length != batch * k)
            throw new ArgumentException($"negative sampling: {batch} examples need {batch} targets and {batch * k} noise words, got {targets.Length} and {negatives.Length}");
        // One fused lookup-and-dot per example over [target, noise₁ … noise_k]; the noise scores enter negated.
        var rows = new int[batch * (k + 1)];
        for (int b = 0; b < batch; b++)
        {
            rows[b * (k + 1)] = targets[b];
            Array.Copy(negatives, b * k, rows, b * (k + 1) + 1, k);
        }

        var signs = new T[k + 1];
        Array.Fill(signs, -T.One);
        signs[0] = T.One;
        return -(hidden.DotRows(outputVectors, rows) * Tensor.FromArray(signs, 1, k + 1)).LogSigmoid().Sum();
    }

    /// <summary>
    /// Hierarchical softmax over a Huffman tree: −Σ log σ((1 − 2·bit)·u_node·h) along each example's path, word2vec's
    /// convention (bit 0 means the left branch, predicted by σ(u·h)). The path steps of all examples are listed one
    /// after another: step s belongs to example <paramref name="exampleOfStep"/>[s], visits inner node
    /// <paramref name="nodes"/>[s] and takes branch <paramref name="bits"/>[s].
    /// </summary>
    public static Tensor<T> HierarchicalSoftmax<T>(Tensor<T> hidden, Tensor<T> innerVectors, int[] exampleOfStep, int[] nodes, byte[] bits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(innerVectors);
        ArgumentNullException.ThrowIfNull(bits);
        if (exampleOfStep.Length != nodes.Length || nodes.Length != bits.Length)
            throw new ArgumentException($"hierarchical softmax: {exampleOfStep.Length} steps, {nodes.Length} nodes and {bits.Length} bits must agree");
        Tensor<T> signs = Tensor.FromArray([.. bits.Select(b => b == 0 ? T.One : -T.One)], bits.Length, 1);
        Tensor<T> dots = hidden.IndexSelect(0, exampleOfStep).DotRows(innerVectors, nodes);
        return -(dots * signs).LogSigmoid().Sum();
    }

    /// <summary>The full softmax over the vocabulary: −Σ log softmax(h·Uᵀ)[target]. Costs O(V) per example: for teaching and small vocabularies.</summary>
    public static Tensor<T> FullSoftmax<T>(Tensor<T> hidden, Tensor<T> outputVectors, int[] targets) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(outputVectors);
        ArgumentNullException.ThrowIfNull(targets);
        return -hidden.MatMul(outputVectors.Transpose()).LogSoftmax(1).Gather(1, targets, targets.Length, 1).Sum();
    }
}
