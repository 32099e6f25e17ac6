using System.Diagnostics;
using System.Numerics;
using Autograd.Memory;
using Autograd.NN.Data;
using Autograd.NN.Layers;
using Autograd.NN.Objectives;
using Autograd.NN.Optimizers;

namespace Autograd.NN.Training;

/// <summary>The loss a <see cref="Trainer{T}"/> minimizes.</summary>
public enum LossKind
{
    /// <summary>Softmax cross-entropy of logits against class labels.</summary>
    CrossEntropy,

    /// <summary>Binary cross-entropy of one logit per sample against 0/1 labels.</summary>
    BinaryCrossEntropy,

    /// <summary>Mean squared error against target rows.</summary>
    MeanSquaredError,

    /// <summary>Mean absolute error against target rows.</summary>
    MeanAbsoluteError,

    /// <summary>Σ (prediction − target)² against target rows.</summary>
    SumOfSquares,
}

/// <summary>A metric reported beside the loss.</summary>
public enum MetricKind
{
    /// <summary>The fraction of correctly classified samples.</summary>
    Accuracy,

    /// <summary>The mean absolute error of a regression.</summary>
    MeanAbsoluteError,
}

/// <summary>Stops training when the validation loss has not improved for <paramref name="Patience"/> epochs.</summary>
/// <param name="Patience">Epochs without improvement before stopping.</param>
/// <param name="RestoreBestWeights">Put back the weights of the best epoch when stopping (and at the end).</param>
/// <param name="MinDelta">The smallest decrease that counts as an improvement.</param>
public sealed record EarlyStopping(int Patience, bool RestoreBestWeights = true, double MinDelta = 0);

/// <summary>How <see cref="Trainer{T}.Fit"/> runs.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class FitOptions<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per gradient step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Seed of the per-epoch shuffling.</summary>
    public int Seed { get; init; }

    /// <summary>Whether to shuffle the samples every epoch.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>The fraction of the training set, taken from its end, held out for validation (Keras's validation_split).</summary>
    public double ValidationSplit { get; init; }

    /// <summary>An explicit validation set (instead of a split).</summary>
    public Dataset<T>? Validation { get; init; }

    /// <summary>Early stopping on the validation loss, or null.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>Transforms each training batch's inputs (e.g. <see cref="Augmentations.GaussianNoise{T}"/>); not applied to validation.</summary>
    public Func<Tensor<T>, Tensor<T>>? Augment { get; init; }

    /// <summary>The learning rate per epoch, or null for a constant rate.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Receives a report after every batch.</summary>
    public IProgress<TrainingProgress>? Progress { get; init; }
}

/// <summary>Where training is, reported after every batch.</summary>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="Epochs">The number of epochs.</param>
/// <param name="SamplesDone">Samples processed in this epoch.</param>
/// <param name="SamplesPerEpoch">Samples per epoch.</param>
/// <param name="Loss">The running mean loss of this epoch.</param>
/// <param name="SamplesPerSecond">Throughput of this epoch so far.</param>
/// <param name="Remaining">Estimated time left for the whole run.</param>
public sealed record TrainingProgress(int Epoch, int Epochs, int SamplesDone, int SamplesPerEpoch, double Loss, double SamplesPerSecond, TimeSpan Remaining);

/// <summary>The figures of one epoch.</summary>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="Loss">The mean training loss.</param>
/// <param name="Metric">The training metric (accuracy or MAE), if one was compiled.</param>
/// <param name="ValidationLoss">The validation loss, when there is a validation set.</param>
/// <param name="ValidationMetric">The validation metric.</param>
/// <param name="LearningRate">The learning rate used.</param>
/// <param name="Seconds">Wall time of the epoch.</param>
public sealed record EpochRecord(int Epoch, double Loss, double? Metric, double? ValidationLoss, double? ValidationMetric, double LearningRate, double Seconds);

/// <summary>The loss and metric of a model on a data set.</summary>
/// <param name="Loss">The mean loss.</param>
/// <param name="Metric">The metric, if one was compiled.</param>
public sealed record EvaluationResult(double Loss, double? Metric);

/// <summary>
/// Keras-style training on top of the explicit loop: <see cref="Compile"/>, then <see cref="Fit"/>,
/// <see cref="Evaluate"/> and <see cref="Predict"/>. Every step is forward, loss, <c>Backward()</c>,
/// <c>optimizer.Step()</c>, <c>ZeroGrad()</c>.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="model">The model to train.</param>
public sealed class Trainer<T>(Module<T> model) where T : unmanaged, IFloatingPointIeee754<T>
{
    private Optimizer<T>? _optimizer;

    /// <summary>The model.</summary>
    public Module<T> Model { get; } = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>The loss set by <see cref="Compile"/>.</summary>
    public LossKind Loss { get; private set; }

    /// <summary>The metric set by <see cref="Compile"/>, or null.</summary>
    public MetricKind? Metric { get; private set; }

    /// <summary>Chooses the optimizer, the loss and an optional metric.</summary>
    public Trainer<T> Compile(Optimizer<T> optimizer, LossKind loss, MetricKind? metric = null)
    {
        _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Loss = loss;
        Metric = metric;
        return this;
    }

    /// <summary>Trains on <paramref name="train"/> and returns the per-epoch history.</summary>
    /// <exception cref="TrainingDivergedException">A step's loss was NaN or infinite; the model's weights are then unusable.</exception>
    public IReadOnlyList<EpochRecord> Fit(Dataset<T> train, FitOptions<T>? options = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        Optimizer<T> optimizer = _optimizer ?? throw new InvalidOperationException("fit: call Compile(optimizer, loss) first");
        options ??= new FitOptions<T>();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        Dataset<T>? validation = options.Validation;
        if (options.ValidationSplit > 0) (train, validation) = train.Split(options.ValidationSplit);
        if (options.EarlyStopping is not null && validation is null)
            throw new ArgumentException("fit: early stopping watches the validation loss; give a validation set or a validation split");

        var random = new Random(options.Seed);
        double initialRate = optimizer.LearningRate;
        var history = new List<EpochRecord>();
        double bestLoss = double.PositiveInfinity;
        T[][]? bestWeights = null;
        int epochsWithoutImprovement = 0;
        var run = Stopwatch.StartNew();
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            if (options.Schedule is not null) optimizer.LearningRate = options.Schedule.RateAt(epoch, initialRate);
            var clock = Stopwatch.StartNew();
            Model.Train();
            int[] order = train.Order(options.Shuffle ? random : null);
            double lossSum = 0;
            var outputs = new List<(Tensor<T> Output, Dataset<T> Batch)>();
            for (int start = 0; start < order.Length; start += options.BatchSize)
            {
                // Each step's activations and gradients reuse the arrays of the step before.
                using var scope = new TensorScope();
                Dataset<T> batch = train.Subset(order.AsSpan(start, Math.Min(options.BatchSize, order.Length - start)));
                Tensor<T> input = batch.FeatureTensor();
                if (options.Augment is not null) input = options.Augment(input);
                optimizer.ZeroGrad();
                Tensor<T> output = Model.Forward(input);
                Tensor<T> loss = ComputeLoss(Loss, output, batch);
                loss.Backward();
                optimizer.Step();
                double batchLoss = double.CreateTruncating(loss.Item());
                if (!double.IsFinite(batchLoss))
                    throw new TrainingDivergedException(epoch + 1, start / options.BatchSize + 1, start, batchLoss);
                lossSum += batchLoss * batch.Count;
                if (Metric is not null) outputs.Add((scope.Keep(output.Detach()), batch));
                int done = start + batch.Count;
                double rate = done / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                double remainingSamples = (options.Epochs - epoch - 1) * (double)order.Length + (order.Length - done);
                options.Progress?.Report(new TrainingProgress(epoch + 1, options.Epochs, done, order.Length, lossSum / done, rate, TimeSpan.FromSeconds(remainingSamples / rate)));
            }

            double? metric = Metric is null ? null : MetricOf(outputs);
            EvaluationResult? validated = validation is null ? null : Evaluate(validation, options.BatchSize);
            history.Add(new EpochRecord(epoch + 1, lossSum / order.Length, metric, validated?.Loss, validated?.Metric, optimizer.LearningRate, clock.Elapsed.TotalSeconds));

            if (options.EarlyStopping is { } stopping && validated is not null)
            {
                if (validated.Loss < bestLoss - stopping.MinDelta)
                {
                    bestLoss = validated.Loss;
                    epochsWithoutImprovement = 0;
                    if (stopping.RestoreBestWeights) bestWeights = [.. Model.Parameters().Select(p => p.ToArray())];
                }
                else if (++epochsWithoutImprovement >= stopping.Patience)
                {
                    break;
                }
            }
        }

        if (bestWeights is not null)
        {
            int i = 0;
            foreach (Tensor<T> p in Model.Parameters()) bestWeights[i++].CopyTo(p.AsSpan());
        }

        Model.Eval();
        return history;
    }

    /// <summary>The loss and metric on <paramref name="data"/>, in evaluation mode, without recording a graph.</summary>
    public EvaluationResult Evaluate(Dataset<T> data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        bool training = Model.Training;
        Model.Eval();
        double lossSum = 0;
        var outputs = new List<(Tensor<T>, Dataset<T>)>();
        using (Autodiff.NoGrad())
        {
            int[] order = data.Order(null);
            for (int start = 0; start < data.Count; start += batchSize)
            {
                using var scope = new TensorScope();
                Dataset<T> batch = data.Subset(order.AsSpan(start, Math.Min(batchSize, data.Count - start)));
                Tensor<T> output = Model.Forward(batch.FeatureTensor());
                lossSum += double.CreateTruncating(ComputeLoss(Loss, output, batch).Item()) * batch.Count;
                outputs.Add((scope.Keep(output), batch));
            }
        }

        if (training) Model.Train();
        return new EvaluationResult(lossSum / Math.Max(data.Count, 1), Metric is null ? null : MetricOf(outputs));
    }

    /// <summary>The model's outputs for the rows of <paramref name="inputs"/>, in evaluation mode, without a graph.</summary>
    public Tensor<T> Predict(Tensor<T> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        bool training = Model.Training;
        Model.Eval();
        using (Autodiff.NoGrad())
        {
            Tensor<T> output = Model.Forward(inputs);
            if (training) Model.Train();
            return output;
        }
    }

    /// <summary>The loss of <paramref name="output"/> on <paramref name="batch"/>.</summary>
    public static Tensor<T> ComputeLoss(LossKind kind, Tensor<T> output, Dataset<T> batch)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(batch);
        return kind switch
        {
            LossKind.CrossEntropy => Losses.CrossEntropy(output, RequireLabels(batch, kind)),
            LossKind.BinaryCrossEntropy => Losses.BinaryCrossEntropyWithLogits(output, LabelColumn(batch, kind)),
            LossKind.MeanSquaredError => Losses.MeanSquaredError(output, batch.TargetTensor()),
            LossKind.MeanAbsoluteError => Losses.MeanAbsoluteError(output, batch.TargetTensor()),
            LossKind.SumOfSquares => Losses.SumOfSquares(output, batch.TargetTensor()),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown loss"),
        };
    }

    private double MetricOf(List<(Tensor<T> Output, Dataset<T> Batch)> outputs)
    {
        double sum = 0;
        int count = 0;
        foreach (var (output, batch) in outputs)
        {
            double value = Metric switch
            {
                MetricKind.Accuracy when Loss == LossKind.BinaryCrossEntropy => Metrics.BinaryAccuracy(output, LabelColumn(batch, Loss), threshold: 0),
                MetricKind.Accuracy => Metrics.Accuracy(output, RequireLabels(batch, Loss)),
                _ => Metrics.MeanAbsoluteError(output, batch.TargetTensor()),
            };
            sum += value * batch.Count;
            count += batch.Count;
        }

        return sum / Math.Max(count, 1);
    }

    private static int[] RequireLabels(Dataset<T> batch, LossKind kind) =>
        batch.Labels ?? throw new InvalidOperationException($"{kind}: needs class labels, but the data set has regression targets");

    private static Tensor<T> LabelColumn(Dataset<T> batch, LossKind kind)
    {
        int[] labels = RequireLabels(batch, kind);
        return Tensor.FromArray([.. labels.Select(l => T.CreateTruncating(l))], labels.Length, 1);
    }
}

/// <summary>Input transformations applied to training batches.</summary>
public static class Augmentations
{
    /// <summary>Adds N(0, <paramref name="std"/>²) noise to every input, with its own seeded generator.</summary>
    public static Func<Tensor<T>, Tensor<T>> GaussianNoise<T>(double std, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        return input =>
        {
            var noise = Tensor.RandomNormal<T>([.. input.Shape], random.Next(), 0, std);
            return input + noise;
        };
    }
}
