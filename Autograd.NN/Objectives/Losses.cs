using System.Numerics;

namespace Autograd.NN.Objectives;

/// <summary>
/// Loss functions, each composed from engine ops: their gradients come from the ops' own rules, not from
/// hand-written derivatives. Inputs are a batch along axis 0.
/// </summary>
public static class Losses
{
    /// <summary>The classic Σ (prediction − target)², summed over every element.</summary>
    public static Tensor<T> SumOfSquares<T>(Tensor<T> prediction, Tensor<T> target) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Tensor<T> error = Difference(prediction, target, "sum of squares");
        return (error * error).Sum();
    }

    /// <summary>Mean squared error: the mean over every element of (prediction − target)².</summary>
    public static Tensor<T> MeanSquaredError<T>(Tensor<T> prediction, Tensor<T> target) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Tensor<T> error = Difference(prediction, target, "mse");
        return (error * error).Mean();
    }

    /// <summary>Mean absolute error: the mean of |prediction − target| (subgradient 0 where they are equal).</summary>
    public static Tensor<T> MeanAbsoluteError<T>(Tensor<T> prediction, Tensor<T> target) where T : unmanaged, IFloatingPointIeee754<T> =>
        Difference(prediction, target, "mae").Abs().Mean();

    /// <summary>
    /// Binary cross-entropy of logits z against 0/1 targets y, averaged: softplus(z) − z·y with softplus(z) =
    /// −log σ(−z), the value of PyTorch's <c>BCEWithLogitsLoss</c>, which never takes the log of 0 or overflows e^z.
    /// Its gradient is (σ(z) − y)/N everywhere, z = 0 included.
    /// </summary>
    public static Tensor<T> BinaryCrossEntropyWithLogits<T>(Tensor<T> logits, Tensor<T> target) where T : unmanaged, IFloatingPointIeee754<T>
    {
        SameShape(logits, target, "binary cross-entropy");
        // Not max(z, 0) + log(1 + e^−|z|): at z = 0 the kinks of max and |z| both take subgradient 0, which gave −y
        // instead of σ(0) − y.
        return (-(-logits).LogSigmoid() - logits * target).Mean();
    }

    /// <summary>
    /// Categorical cross-entropy of logits [batch, classes] against class indices, averaged over the batch:
    /// −log softmax(z)[label], through the stable log_softmax.
    /// </summary>
    public static Tensor<T> CrossEntropy<T>(Tensor<T> logits, int[] labels) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(logits);
        return NegativeLogLikelihood(logits.LogSoftmax(-1), labels);
    }

    /// <summary>Categorical cross-entropy of logits against one-hot (or soft) target rows, averaged over the batch.</summary>
    public static Tensor<T> CrossEntropy<T>(Tensor<T> logits, Tensor<T> targetDistribution) where T : unmanaged, IFloatingPointIeee754<T>
    {
        SameShape(logits, targetDistribution, "cross-entropy");
        return -(logits.LogSoftmax(-1) * targetDistribution).Sum() / T.CreateTruncating(logits.Shape[0]);
    }

    /// <summary>Negative log-likelihood of log-probabilities [batch, classes] at the labels, averaged over the batch.</summary>
    public static Tensor<T> NegativeLogLikelihood<T>(Tensor<T> logProbabilities, int[] labels) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(logProbabilities);
        ArgumentNullException.ThrowIfNull(labels);
        if (logProbabilities.Rank != 2 || logProbabilities.Shape[0] != labels.Length)
            throw new ArgumentException($"nll: needs [batch, classes] scores and one label per row, not shape [{string.Join(",", logProbabilities.Shape)}] with {labels.Length} labels");
        int classes = logProbabilities.Shape[1];
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels), $"nll: label {labels[i]} at row {i} is outside 0..{classes - 1}");
        return -logProbabilities.Gather(1, labels, labels.Length, 1).Mean();
    }

    private static Tensor<T> Difference<T>(Tensor<T> prediction, Tensor<T> target, string loss) where T : unmanaged, IFloatingPointIeee754<T>
    {
        SameShape(prediction, target, loss);
        return prediction - target;
    }

    /// <summary>A loss compares like with like: silently broadcasting [n, 1] against [n] would make an [n, n] loss.</summary>
    private static void SameShape<T>(Tensor<T> prediction, Tensor<T> target, string loss) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (!prediction.Shape.SequenceEqual(target.Shape))
            throw new ArgumentException($"{loss}: prediction shape [{string.Join(",", prediction.Shape)}] and target shape [{string.Join(",", target.Shape)}] differ");
    }
}
