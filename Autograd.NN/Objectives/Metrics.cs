using System.Numerics;

namespace Autograd.NN.Objectives;

/// <summary>Evaluation metrics on plain numbers (no gradients).</summary>
public static class Metrics
{
    /// <summary>The index of the largest score in each row of [batch, classes] scores.</summary>
    public static int[] PredictedClasses<T>(Tensor<T> scores) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Rank != 2) throw new ArgumentException($"predicted classes: needs [batch, classes] scores, not shape [{string.Join(",", scores.Shape)}]");
        int rows = scores.Shape[0], classes = scores.Shape[1];
        T[] values = scores.ToArray();
        var predicted = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (values[r * classes + c] > values[r * classes + best]) best = c;
            predicted[r] = best;
        }

        return predicted;
    }

    /// <summary>The fraction of rows whose largest score is at the label.</summary>
    public static double Accuracy<T>(Tensor<T> scores, int[] labels) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(labels);
        int[] predicted = PredictedClasses(scores);
        if (predicted.Length != labels.Length) throw new ArgumentException($"accuracy: {predicted.Length} rows but {labels.Length} labels");
        return labels.Length == 0 ? 0 : predicted.Where((p, i) => p == labels[i]).Count() / (double)labels.Length;
    }

    /// <summary>The fraction of binary predictions (probability or logit above the threshold) equal to 0/1 targets.</summary>
    public static double BinaryAccuracy<T>(Tensor<T> scores, Tensor<T> targets, double threshold = 0.5) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(targets);
        T[] s = scores.ToArray(), t = targets.ToArray();
        if (s.Length != t.Length) throw new ArgumentException($"binary accuracy: {s.Length} scores but {t.Length} targets");
        int correct = 0;
        for (int i = 0; i < s.Length; i++)
            if ((double.CreateTruncating(s[i]) > threshold) == (double.CreateTruncating(t[i]) > 0.5)) correct++;
        return s.Length == 0 ? 0 : correct / (double)s.Length;
    }

    /// <summary>The mean absolute difference between predictions and targets.</summary>
    public static double MeanAbsoluteError<T>(Tensor<T> prediction, Tensor<T> target) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        T[] p = prediction.ToArray(), t = target.ToArray();
        if (p.Length != t.Length) throw new ArgumentException($"mae: {p.Length} predictions but {t.Length} targets");
        double sum = 0;
        for (int i = 0; i < p.Length; i++) sum += Math.Abs(double.CreateTruncating(p[i]) - double.CreateTruncating(t[i]));
        return p.Length == 0 ? 0 : sum / p.Length;
    }

    /// <summary>counts[actual, predicted] over the rows.</summary>
    public static int[,] ConfusionMatrix(int[] labels, int[] predicted, int classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(predicted);
        if (labels.Length != predicted.Length) throw new ArgumentException($"confusion matrix: {labels.Length} labels but {predicted.Length} predictions");
        var counts = new int[classes, classes];
        for (int i = 0; i < labels.Length; i++) counts[labels[i], predicted[i]]++;
        return counts;
    }
}
