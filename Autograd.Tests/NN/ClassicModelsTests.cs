using System.Xml.Linq;
using Autograd.Checking;
using Autograd.NN;
using Autograd.NN.Data;
using Autograd.NN.Layers;
using Autograd.NN.Objectives;
using Autograd.NN.Optimizers;
using Autograd.NN.Plotting;
using Autograd.NN.Training;

namespace Autograd.Tests.NN;

/// <summary>The perceptron, its logistic twin, and the Elman network trained through time.</summary>
public sealed class ClassicModelsTests
{
    [Test]
    public void PerceptronSeparatesALinearlySeparableSetAndDrawsItsBoundary()
    {
        Dataset<float> data = SyntheticData.LinearlySeparable(200, margin: 0.1, seed: 2);
        var perceptron = new Perceptron(2);
        IReadOnlyList<int> mistakes = perceptron.Train(data, maxEpochs: 1000);
        Assert.That(mistakes[^1], Is.Zero, "the rule converges on separable data");
        for (int s = 0; s < data.Count; s++)
            Assert.That(perceptron.Predict(data.Features.Slice(2 * s, 2)), Is.EqualTo(data.Labels![s]));

        string svg = SvgChart.Scatter("perceptron", [.. Enumerable.Range(0, data.Count).Select(s => ((double)data.Features[2 * s], (double)data.Features[2 * s + 1], data.Labels![s]))],
            (perceptron.Weights[0], perceptron.Weights[1], perceptron.Bias));
        XDocument document = XDocument.Parse(svg);
        Assert.That(document.Descendants().Count(e => e.Name.LocalName == "circle"), Is.EqualTo(200));
        Assert.That(document.Descendants().Count(e => e.Name.LocalName == "line" && e.Attribute("stroke-dasharray") is not null), Is.EqualTo(1));
    }

    [Test]
    public void TheLogisticTwinLearnsTheSameSetByGradientDescent()
    {
        Dataset<float> data = SyntheticData.LinearlySeparable(200, margin: 0.1, seed: 2);
        Linear<float> unit = Perceptron.LogisticTwin(2, seed: 1);
        var trainer = new Trainer<float>(unit).Compile(new Sgd<float>(unit.Parameters(), 0.5), LossKind.BinaryCrossEntropy, MetricKind.Accuracy);
        trainer.Fit(data, new FitOptions<float> { Epochs = 100, BatchSize = 20 });
        Assert.That(trainer.Evaluate(data).Metric, Is.GreaterThanOrEqualTo(0.99));
    }

    [Test]
    public void ElmanNetworkBackpropagatesThroughTime()
    {
        var rnn = new ElmanRnn<double>(inputSize: 2, hiddenSize: 3, seed: 4);
        Tensor<double> sequence = Tensor.RandomNormal<double>([2, 4, 2], seed: 5);
        Tensor<double>[] weights = [.. rnn.Parameters().Select(p => p.Detach())];   // input.weight, input.bias, recurrent.weight
        // Gradcheck the unrolled graph with respect to the sequence and every weight.
        TensorGradCheckResult result = TensorGradCheck.Check(
            xs => (Functional.ElmanRnn(xs[0], xs[1], xs[2], xs[3]) * Tensor.Arange<double>(1, 25).Reshape(2, 4, 3) / 10.0).Sum(),
            [sequence, .. weights]);
        Assert.That(result.Passed, result.Report());
    }

    [Test]
    public void ElmanNetworkLearnsToRecallTheInputTwoStepsBack()
    {
        // Each sequence is ±1 bits; the target at step t is the bit from step t − 2: only a memory can do it.
        const int batch = 64, steps = 8;
        var random = new Random(3);
        var bits = new float[batch * steps];
        for (int i = 0; i < bits.Length; i++) bits[i] = random.Next(2) * 2 - 1;
        var targets = new float[batch * (steps - 2)];
        for (int b = 0; b < batch; b++)
            for (int t = 2; t < steps; t++)
                targets[b * (steps - 2) + t - 2] = bits[b * steps + t - 2];
        Tensor<float> input = Tensor.FromArray(bits, batch, steps, 1);
        Tensor<float> target = Tensor.FromArray(targets, batch, steps - 2, 1);

        var rnn = new ElmanRnn<float>(1, 16, seed: 7);
        var readout = new Linear<float>(16, 1, seed: 8);
        var optimizer = new Adam<float>(rnn.Parameters().Concat(readout.Parameters()), 0.02);
        double first = 0, last = 0;
        for (int step = 0; step < 300; step++)
        {
            optimizer.ZeroGrad();
            Tensor<float> states = rnn.Forward(input).Narrow(1, 2, steps - 2);
            Tensor<float> loss = Losses.MeanSquaredError(readout.Forward(states), target);
            loss.Backward();
            optimizer.Step();
            if (step == 0) first = loss.Item();
            last = loss.Item();
        }

        Assert.That(first, Is.GreaterThan(0.5));
        Assert.That(last, Is.LessThan(0.05), "the delayed bits are recalled");
    }
}
