using Autograd.NN;
using Autograd.NN.Init;
using Autograd.NN.Layers;
using Autograd.NN.Objectives;
using Autograd.NN.Optimizers;

namespace Autograd.Tests.NN;

/// <summary>The classic examples end to end through Autograd.NN, checked against independent computations.</summary>
public sealed class ClassicNetworkTests
{
    [Test]
    public void TwoLayerNetworkTrainsExactlyLikeHandDerivedGradients()
    {
        // N = 3 samples, D_in = 3, H = 2 sigmoid units, D_out = 1; summed squared loss; plain SGD, lr 1e-4; 20 steps.
        double[,] x = { { 0.5, -1.2, 0.3 }, { 1.5, 0.2, -0.7 }, { -0.4, 0.9, 1.1 } };
        double[] y = [1.0, -0.5, 0.25];
        var model = new Sequential<double>(
            new Linear<double>(3, 2, seed: 1, initialization: Initialization.Normal, bias: false),
            new Sigmoid<double>(),
            new Linear<double>(2, 1, seed: 2, initialization: Initialization.Normal, bias: false));
        var first = (Linear<double>)model.Layers[0];
        var second = (Linear<double>)model.Layers[2];

        // The hand-derived loop works on copies: w1 [D_in × H] = first.Weightᵀ, w2 [H] = second.Weight row.
        double[,] w1 = new double[3, 2];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 2; j++)
                w1[i, j] = first.Weight[j, i];
        double[] w2 = [second.Weight[0, 0], second.Weight[0, 1]];

        var optimizer = new Sgd<double>(model.Parameters(), learningRate: 1e-4);
        var input = Tensor.FromArray(x);
        var target = Tensor.FromArray(y, 3, 1);
        double previousLoss = double.PositiveInfinity;
        for (int step = 0; step < 20; step++)
        {
            optimizer.ZeroGrad();
            Tensor<double> loss = Losses.SumOfSquares(model.Forward(input), target);
            loss.Backward();
            optimizer.Step();

            double handLoss = HandStep(x, y, w1, w2, learningRate: 1e-4);
            Assert.That(loss.Item(), Is.EqualTo(handLoss).Within(1e-12), $"loss at step {step}");
            Assert.That(loss.Item(), Is.LessThan(previousLoss), $"the loss goes down at step {step}");
            previousLoss = loss.Item();
        }

        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 2; j++)
                Assert.That(first.Weight[j, i], Is.EqualTo(w1[i, j]).Within(1e-12));
        Assert.That(second.Weight[0, 0], Is.EqualTo(w2[0]).Within(1e-12));
        Assert.That(second.Weight[0, 1], Is.EqualTo(w2[1]).Within(1e-12));
    }

    /// <summary>One step with the textbook gradients; returns the loss before the update.</summary>
    private static double HandStep(double[,] x, double[] y, double[,] w1, double[] w2, double learningRate)
    {
        int n = y.Length, dIn = w1.GetLength(0), hidden = w1.GetLength(1);
        var h = new double[n, hidden];
        var yPred = new double[n];
        double loss = 0;
        for (int s = 0; s < n; s++)
        {
            for (int j = 0; j < hidden; j++)
            {
                double z = 0;
                for (int i = 0; i < dIn; i++) z += x[s, i] * w1[i, j];
                h[s, j] = 1 / (1 + Math.Exp(-z));
                yPred[s] += h[s, j] * w2[j];
            }

            loss += (yPred[s] - y[s]) * (yPred[s] - y[s]);
        }

        // grad_y_pred = 2(y_pred − y); grad_w2 = hᵀ·grad_y_pred; grad_h = grad_y_pred·w2ᵀ; grad_w1 = xᵀ·(grad_h ⊙ h ⊙ (1 − h)).
        var gradW2 = new double[hidden];
        var gradW1 = new double[dIn, hidden];
        for (int s = 0; s < n; s++)
        {
            double gradYPred = 2 * (yPred[s] - y[s]);
            for (int j = 0; j < hidden; j++)
            {
                gradW2[j] += h[s, j] * gradYPred;
                double gradZ = gradYPred * w2[j] * h[s, j] * (1 - h[s, j]);
                for (int i = 0; i < dIn; i++) gradW1[i, j] += x[s, i] * gradZ;
            }
        }

        for (int j = 0; j < hidden; j++)
        {
            w2[j] -= learningRate * gradW2[j];
            for (int i = 0; i < dIn; i++) w1[i, j] -= learningRate * gradW1[i, j];
        }

        return loss;
    }

    [Test]
    public void LayersBuiltWithoutASeedStartDifferentAndManualSeedRepeatsThem()
    {
        // As in PyTorch, two layers of one shape do not start with the same weights; torch.manual_seed's role is
        // Seeds.ManualSeed's. (Tests run one at a time, so no other test takes seeds in between.)
        Seeds.ManualSeed(42);
        var first = new Linear<double>(8, 8);
        var second = new Linear<double>(8, 8);
        Assert.That(second.Weight.ToArray(), Is.Not.EqualTo(first.Weight.ToArray()));

        Seeds.ManualSeed(42);
        Assert.That(new Linear<double>(8, 8).Weight.ToArray(), Is.EqualTo(first.Weight.ToArray()));
        Assert.That(new Linear<double>(8, 8).Weight.ToArray(), Is.EqualTo(second.Weight.ToArray()));
        double[] seeded = new Linear<double>(8, 8, seed: 7).Weight.ToArray();
        Assert.That(new Linear<double>(8, 8, seed: 7).Weight.ToArray(), Is.EqualTo(seeded), "an explicit seed does not use the sequence");
    }

    [Test]
    public void SummaryCountsTheKerasExample()
    {
        var model = new Sequential<float>(
            new Linear<float>(13, 64, seed: 1), new ReLU<float>(),
            new Linear<float>(64, 64, seed: 2), new ReLU<float>(),
            new Linear<float>(64, 1, seed: 3));
        string summary = model.Summary(13);
        Assert.That(summary, Does.Contain("896").And.Contain("4,160").And.Contain("65").And.Contain("Total parameters: 5,121"));
        Assert.That(summary, Does.Contain("[None, 64]").And.Contain("[None, 1]"));
    }

    [Test]
    public void ParametersAreNamedLikePyTorch()
    {
        var model = new Sequential<float>(new Linear<float>(2, 3), new Tanh<float>(), new Linear<float>(3, 1, bias: false));
        Assert.That(model.NamedParameters().Select(p => p.Key), Is.EqualTo(new[] { "0.weight", "0.bias", "2.weight" }));
        Assert.That(model.ParameterCount(), Is.EqualTo(2 * 3 + 3 + 3));
    }

    [Test]
    public void IntermediateFeaturesAreReadWithoutRetraining()
    {
        var model = new Sequential<double>(new Linear<double>(2, 4, seed: 5), new ReLU<double>(), new Linear<double>(4, 1, seed: 6));
        var x = Tensor.FromArray([0.3, -0.2], 1, 2);
        Tensor<double> features = model.ForwardTo(x, 2);
        Tensor<double> expected = model.Layers[1].Forward(model.Layers[0].Forward(x));
        Assert.That(features.ToArray(), Is.EqualTo(expected.ToArray()));
        Assert.That(model.Layers[2].Forward(features).ToArray(), Is.EqualTo(model.Forward(x).ToArray()));
    }

    [Test]
    public void DropoutIsInvertedInTrainingAndTheIdentityInEvaluation()
    {
        var dropout = new Dropout<double>(0.25, seed: 3);
        Tensor<double> x = Tensor.Ones<double>(10_000).RequireGrad();
        Tensor<double> y = dropout.Forward(x);
        double[] values = y.ToArray();
        Assert.That(values.Distinct().Order(), Is.EqualTo(new[] { 0.0, 1 / 0.75 }));
        Assert.That(values.Count(v => v == 0) / 10_000.0, Is.EqualTo(0.25).Within(0.02));
        Assert.That(values.Average(), Is.EqualTo(1).Within(0.03), "the expected output equals the input");
        y.Sum().Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(values), "the gradient passes the kept elements with the same scale");

        dropout.Eval();
        Assert.That(dropout.Forward(x), Is.SameAs(x));
    }

    [Test]
    public void InitializersHaveTheirPublishedSpread()
    {
        static double Std(Tensor<double> t) { double[] v = t.ToArray(); double m = v.Average(); return Math.Sqrt(v.Average(a => (a - m) * (a - m))); }
        int[] shape = [400, 300];
        Assert.That(Std(Initializers.Create<double>(Initialization.Normal, shape, 300, 400, 1)), Is.EqualTo(1 / Math.Sqrt(300)).Within(0.002));
        Assert.That(Std(Initializers.Create<double>(Initialization.HeNormal, shape, 300, 400, 1)), Is.EqualTo(Math.Sqrt(2.0 / 300)).Within(0.002));
        Assert.That(Std(Initializers.Create<double>(Initialization.XavierUniform, shape, 300, 400, 1)), Is.EqualTo(Math.Sqrt(2.0 / 700)).Within(0.002));
        double[] once = Initializers.Create<double>(Initialization.HeUniform, shape, 300, 400, 7).ToArray();
        double[] again = Initializers.Create<double>(Initialization.HeUniform, shape, 300, 400, 7).ToArray();
        Assert.That(again, Is.EqualTo(once), "seeded");
    }
}
