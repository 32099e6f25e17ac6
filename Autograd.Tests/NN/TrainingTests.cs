using Autograd.Checking;
using Autograd.NN;
using Autograd.NN.Data;
using Autograd.NN.Init;
using Autograd.NN.Layers;
using Autograd.NN.Objectives;
using Autograd.NN.Optimizers;
using Autograd.NN.Training;

namespace Autograd.Tests.NN;

/// <summary>Training end to end on the classic synthetic problems, and the pieces of Fit.</summary>
public sealed class TrainingTests
{
    private static Sequential<float> Mlp(int inputs, int hidden, int outputs, int seed) => new(
        new Linear<float>(inputs, hidden, seed, Initialization.HeNormal), new Tanh<float>(),
        new Linear<float>(hidden, hidden, seed + 1, Initialization.HeNormal), new Tanh<float>(),
        new Linear<float>(hidden, outputs, seed + 2));

    [Test]
    public void XorIsSolved()
    {
        var model = Mlp(2, 8, 2, seed: 1);
        var trainer = new Trainer<float>(model).Compile(new Adam<float>(model.Parameters(), 0.05), LossKind.CrossEntropy, MetricKind.Accuracy);
        var history = trainer.Fit(SyntheticData.Xor(), new FitOptions<float> { Epochs = 300, BatchSize = 4 });
        Assert.That(trainer.Evaluate(SyntheticData.Xor()).Metric, Is.EqualTo(1.0));
        Assert.That(history[^1].Loss, Is.LessThan(0.05));
    }

    [Test]
    public void SpiralsAreSolved()
    {
        Dataset<float> spirals = SyntheticData.Spirals(perClass: 100, classes: 3, noise: 0.2, seed: 4);
        var model = Mlp(2, 64, 3, seed: 2);
        var trainer = new Trainer<float>(model).Compile(new Adam<float>(model.Parameters(), 0.01), LossKind.CrossEntropy, MetricKind.Accuracy);
        trainer.Fit(spirals, new FitOptions<float> { Epochs = 200, BatchSize = 32, Seed = 1 });
        Assert.That(trainer.Evaluate(spirals).Metric, Is.GreaterThan(0.95));

        // A linear model cannot do it: the problem is really non-linear.
        var linear = new Linear<float>(2, 3, seed: 3);
        var linearTrainer = new Trainer<float>(linear).Compile(new Adam<float>(linear.Parameters(), 0.01), LossKind.CrossEntropy, MetricKind.Accuracy);
        linearTrainer.Fit(spirals, new FitOptions<float> { Epochs = 100, BatchSize = 32, Seed = 1 });
        Assert.That(linearTrainer.Evaluate(spirals).Metric, Is.LessThan(0.7));
    }

    [Test]
    public void TwoMoonsWithBinaryCrossEntropy()
    {
        Dataset<float> moons = SyntheticData.TwoMoons(400, noise: 0.1, seed: 5);
        var model = Mlp(2, 16, 1, seed: 7);
        var trainer = new Trainer<float>(model).Compile(new Adam<float>(model.Parameters(), 0.02), LossKind.BinaryCrossEntropy, MetricKind.Accuracy);
        trainer.Fit(moons, new FitOptions<float> { Epochs = 60, BatchSize = 32, Seed = 2, ValidationSplit = 0.25 });
        Assert.That(trainer.Evaluate(moons).Metric, Is.GreaterThan(0.97));
    }

    [Test]
    public void EarlyStoppingStopsAndRestoresTheBestWeights()
    {
        // A large learning rate on a tiny regression makes the validation loss bounce, so patience runs out.
        var features = Enumerable.Range(0, 40).Select(i => (float)(i / 40.0)).ToArray();
        var targets = features.Select(x => 2 * x - 1).ToArray();
        var data = new Dataset<float>(features, 1, targets, 1);
        var model = new Linear<float>(1, 1, seed: 1);
        var trainer = new Trainer<float>(model).Compile(new Sgd<float>(model.Parameters(), 2.5), LossKind.MeanSquaredError);
        var history = trainer.Fit(data, new FitOptions<float>
        {
            Epochs = 200, BatchSize = 40, Shuffle = false, ValidationSplit = 0.25,
            EarlyStopping = new EarlyStopping(Patience: 3),
        });

        Assert.That(history, Has.Count.LessThan(200), "stopped early");
        double best = history.Min(e => e.ValidationLoss!.Value);
        var (_, validation) = data.Split(0.25);
        Assert.That(trainer.Evaluate(validation).Loss, Is.EqualTo(best).Within(1e-6), "the best epoch's weights are back");
    }

    [Test]
    public void ProgressIsReportedAfterEveryBatch()
    {
        var reports = new List<TrainingProgress>();
        var model = new Linear<float>(2, 2, seed: 1);
        var trainer = new Trainer<float>(model).Compile(new Sgd<float>(model.Parameters(), 0.1), LossKind.CrossEntropy);
        trainer.Fit(SyntheticData.LinearlySeparable(50, 0.1, seed: 1), new FitOptions<float> { Epochs = 2, BatchSize = 16, Progress = new SynchronousProgress(reports) });
        Assert.That(reports, Has.Count.EqualTo(2 * 4));
        Assert.That(reports[^1].SamplesDone, Is.EqualTo(50));
        Assert.That(reports[^1].Remaining, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void ScheduleSetsTheLearningRatePerEpoch()
    {
        var model = new Linear<float>(2, 2, seed: 1);
        var trainer = new Trainer<float>(model).Compile(new Sgd<float>(model.Parameters(), 0.1), LossKind.CrossEntropy);
        var history = trainer.Fit(SyntheticData.Xor(), new FitOptions<float> { Epochs = 5, BatchSize = 4, Schedule = LearningRateSchedule.Step(2, 0.5) });
        Assert.That(history.Select(e => e.LearningRate), Is.EqualTo(new[] { 0.1, 0.1, 0.05, 0.05, 0.025 }).Within(1e-12));
    }

    [Test]
    public void GaussianNoiseAugmentationPerturbsTrainingInputsOnly()
    {
        Func<Tensor<float>, Tensor<float>> noise = Augmentations.GaussianNoise<float>(0.1, seed: 3);
        Tensor<float> x = Tensor.Zeros<float>(1000, 2);
        float[] noisy = noise(x).ToArray();
        double std = Math.Sqrt(noisy.Average(v => v * (double)v));
        Assert.That(std, Is.EqualTo(0.1).Within(0.01));
    }

    [Test]
    public void BinaryCrossEntropyWithLogitsHasPyTorchsGradientAtALogitOfZero()
    {
        // torch: BCEWithLogits of z = [[0], [0]] against y = [[1], [0]] has gradient [-0.25, 0.25] = (σ(0) − y)/2.
        var logits = Tensor.Zeros<double>(2, 1).RequireGrad();
        Losses.BinaryCrossEntropyWithLogits(logits, Tensor.FromArray([1.0, 0], 2, 1)).Backward();
        Assert.That(logits.Grad!.ToArray(), Is.EqualTo(new[] { -0.25, 0.25 }));
    }

    [Test]
    public void AdamCorrectsTheBiasOfEachParameterFromItsOwnFirstUpdate()
    {
        // torch.optim.Adam(lr=0.1): a has a gradient of 1 in three steps, b only in the third; a = 0.7000000030000006,
        // b = 0.900000001 (b's first update is a full step of lr, as a's was).
        var a = Tensor.FromArray([1.0]).RequireGrad();
        var b = Tensor.FromArray([1.0]).RequireGrad();
        var adam = new Adam<double>([a, b], learningRate: 0.1);
        for (int step = 0; step < 3; step++)
        {
            adam.ZeroGrad();
            a.Grad = Tensor.FromArray([1.0]);
            if (step == 2) b.Grad = Tensor.FromArray([1.0]);
            adam.Step();
        }

        Assert.That(a.Item(), Is.EqualTo(0.7000000030000006).Within(1e-15));
        Assert.That(b.Item(), Is.EqualTo(0.900000001).Within(1e-15));
    }

    [Test]
    public void LossesGradcheckAndMatchTheirFormulas()
    {
        var logits = Tensor.FromArray([2.0, -1, 0.5, -3, 0.1, 4], 3, 2);
        var targets = Tensor.FromArray([1.0, 0, 1, 1, 0, 0], 3, 2);
        double expectedBce = logits.ToArray().Zip(targets.ToArray(), (z, y) => -(y * Math.Log(1 / (1 + Math.Exp(-z))) + (1 - y) * Math.Log(1 - 1 / (1 + Math.Exp(-z))))).Average();
        Assert.That(Losses.BinaryCrossEntropyWithLogits(logits, targets).Item(), Is.EqualTo(expectedBce).Within(1e-12));

        int[] labels = [1, 0, 1];
        double expectedCe = Enumerable.Range(0, 3).Average(r =>
        {
            double a = logits[r, 0], b = logits[r, 1];
            return -(labels[r] == 0 ? a : b) + Math.Log(Math.Exp(a) + Math.Exp(b));
        });
        Assert.That(Losses.CrossEntropy(logits, labels).Item(), Is.EqualTo(expectedCe).Within(1e-12));
        Assert.That(Losses.CrossEntropy(logits, Tensor.OneHot<double>(labels, 2)).Item(), Is.EqualTo(expectedCe).Within(1e-12));

        // Extreme logits stay finite.
        var extreme = Tensor.FromArray([1000.0, -1000], 1, 2);
        Assert.That(double.IsFinite(Losses.BinaryCrossEntropyWithLogits(extreme, Tensor.FromArray([0.0, 1], 1, 2)).Item()));
        Assert.That(Losses.CrossEntropy(extreme, [1]).Item(), Is.EqualTo(2000).Within(1e-9));

        foreach (var loss in new Func<Tensor<double>[], Tensor<double>>[]
        {
            x => Losses.BinaryCrossEntropyWithLogits(x[0], targets),
            x => Losses.CrossEntropy(x[0], labels),
            x => Losses.MeanSquaredError(x[0], targets),
            x => Losses.SumOfSquares(x[0], targets),
            x => Losses.MeanAbsoluteError(x[0], targets),
        })
        {
            TensorGradCheckResult result = TensorGradCheck.Check(loss, [logits]);
            Assert.That(result.Passed, result.Report());
        }
    }

    [Test]
    public void LossesRefuseMismatchedShapes()
    {
        var error = Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(Tensor.Zeros<float>(4, 1), Tensor.Zeros<float>(4)));
        Assert.That(error!.Message, Does.Contain("[4,1]").And.Contain("[4]"));
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests want the reports in order, at once.</summary>
    private sealed class SynchronousProgress(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }
}
