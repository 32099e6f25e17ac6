using System.Numerics;

namespace Autograd.NN.Data;

/// <summary>
/// Samples as rows of a feature matrix [n, features], with either class labels (classification) or target rows
/// [n, outputs] (regression). Batches are copied out in a seeded shuffled order.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Dataset<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _features;
    private readonly T[]? _targets;

    /// <summary>Creates a classification set.</summary>
    /// <param name="features">Row-major features, <paramref name="featureCount"/> per sample.</param>
    /// <param name="featureCount">Features per sample.</param>
    /// <param name="labels">One class per sample, 0 ≤ label &lt; <paramref name="classes"/>.</param>
    /// <param name="classes">The number of classes.</param>
    public Dataset(T[] features, int featureCount, int[] labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (features.Length != labels.Length * featureCount)
            throw new ArgumentException($"dataset: {features.Length} feature values are not {labels.Length} samples × {featureCount} features");
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentException($"dataset: label {labels[i]} of sample {i} is outside 0..{classes - 1}");
        (_features, FeatureCount, Labels, Classes, Count) = (features, featureCount, labels, classes, labels.Length);
    }

    /// <summary>Creates a regression set.</summary>
    /// <param name="features">Row-major features.</param>
    /// <param name="featureCount">Features per sample.</param>
    /// <param name="targets">Row-major targets, <paramref name="targetCount"/> per sample.</param>
    /// <param name="targetCount">Targets per sample.</param>
    public Dataset(T[] features, int featureCount, T[] targets, int targetCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetCount, 1);
        int n = features.Length / featureCount;
        if (features.Length != n * featureCount || targets.Length != n * targetCount)
            throw new ArgumentException($"dataset: {features.Length} feature values and {targets.Length} target values do not make whole samples of {featureCount} and {targetCount}");
        (_features, FeatureCount, _targets, TargetCount, Count) = (features, featureCount, targets, targetCount, n);
    }

    /// <summary>The number of samples.</summary>
    public int Count { get; }

    /// <summary>Features per sample.</summary>
    public int FeatureCount { get; }

    /// <summary>Class labels, or null for a regression set.</summary>
    public int[]? Labels { get; }

    /// <summary>The number of classes (0 for a regression set).</summary>
    public int Classes { get; }

    /// <summary>Targets per sample (0 for a classification set).</summary>
    public int TargetCount { get; }

    /// <summary>The features, row-major.</summary>
    public ReadOnlySpan<T> Features => _features;

    /// <summary>The regression targets, row-major (empty for a classification set).</summary>
    public ReadOnlySpan<T> Targets => _targets;

    /// <summary>All features as a [Count, FeatureCount] tensor.</summary>
    public Tensor<T> FeatureTensor() => Tensor.FromArray(_features, Count, FeatureCount);

    /// <summary>All regression targets as a [Count, TargetCount] tensor.</summary>
    public Tensor<T> TargetTensor() => _targets is null
        ? throw new InvalidOperationException("dataset: a classification set has labels, not target rows")
        : Tensor.FromArray(_targets, Count, TargetCount);

    /// <summary>The samples at <paramref name="indices"/>, in that order.</summary>
    public Dataset<T> Subset(ReadOnlySpan<int> indices)
    {
        var features = new T[indices.Length * FeatureCount];
        for (int i = 0; i < indices.Length; i++)
            _features.AsSpan(indices[i] * FeatureCount, FeatureCount).CopyTo(features.AsSpan(i * FeatureCount));
        if (Labels is not null)
        {
            var labels = new int[indices.Length];
            for (int i = 0; i < indices.Length; i++) labels[i] = Labels[indices[i]];
            return new Dataset<T>(features, FeatureCount, labels, Classes);
        }

        var targets = new T[indices.Length * TargetCount];
        for (int i = 0; i < indices.Length; i++)
            _targets.AsSpan(indices[i] * TargetCount, TargetCount).CopyTo(targets.AsSpan(i * TargetCount));
        return new Dataset<T>(features, FeatureCount, targets, TargetCount);
    }

    /// <summary>How many samples <see cref="Split"/> holds out for <paramref name="fraction"/> (rounded to nearest).</summary>
    public int ValidationCount(double fraction) => (int)Math.Round(Count * fraction);

    /// <summary>Splits off the last <paramref name="fraction"/> of the samples (Keras's validation_split: no shuffling).</summary>
    public (Dataset<T> Train, Dataset<T> Validation) Split(double fraction)
    {
        if (fraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "split: the fraction must be in (0, 1)");
        int validation = ValidationCount(fraction);
        if (validation == 0 || validation == Count) throw new ArgumentException($"split: {fraction} of {Count} samples leaves one side empty");
        int[] all = [.. Enumerable.Range(0, Count)];
        return (Subset(all.AsSpan(0, Count - validation)), Subset(all.AsSpan(Count - validation)));
    }

    /// <summary>
    /// The sample order of one epoch: shuffled with <paramref name="random"/> (Fisher–Yates) or in order when null.
    /// </summary>
    public int[] Order(Random? random)
    {
        int[] order = [.. Enumerable.Range(0, Count)];
        random?.Shuffle(order);
        return order;
    }
}
