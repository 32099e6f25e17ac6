namespace Autograd.Tests.Tensors;

/// <summary>The classic vector-backprop examples, with their hand-derived gradients as the independent check.</summary>
public sealed class SeedExampleTests
{
    private static void AssertEqual(Tensor<double> actual, Tensor<double> expected, double tolerance = 1e-12)
    {
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape));
        double[] a = actual.ToArray(), e = expected.ToArray();
        for (int i = 0; i < a.Length; i++)
            Assert.That(a[i], Is.EqualTo(e[i]).Within(tolerance), $"element {i}");
    }

    /// <summary>Naive triple loop, independent of the engine's matrix product.</summary>
    private static Tensor<double> NaiveMatMul(Tensor<double> a, Tensor<double> b)
    {
        int m = a.Shape[0], k = a.Shape[1], n = b.Shape[1];
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++)
                    c[i * n + j] += a[i, p] * b[p, j];
        return Tensor.FromArray(c, m, n);
    }

    private static Tensor<double> NaiveTranspose(Tensor<double> a)
    {
        int m = a.Shape[0], n = a.Shape[1];
        var t = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                t[j * m + i] = a[i, j];
        return Tensor.FromArray(t, n, m);
    }

    [Test]
    public void MatrixProductGradientsAreTheTransposedProducts()
    {
        // D = W·X with W 5×10 and X 10×3; L = Σ D ⊙ G so that ∂L/∂D = G.
        Tensor<double> w = Tensor.RandomNormal<double>([5, 10], seed: 1).RequireGrad();
        Tensor<double> x = Tensor.RandomNormal<double>([10, 3], seed: 2).RequireGrad();
        Tensor<double> g = Tensor.RandomNormal<double>([5, 3], seed: 3);
        Tensor<double> d = w.MatMul(x);
        (d * g).Sum().Backward();

        AssertEqual(w.Grad!, NaiveMatMul(g, NaiveTranspose(x)));   // dW = dD·Xᵀ
        AssertEqual(x.Grad!, NaiveMatMul(NaiveTranspose(w), g));   // dX = Wᵀ·dD
        Assert.That(w.Grad!.Shape, Is.EqualTo(new[] { 5, 10 }));
        Assert.That(x.Grad!.Shape, Is.EqualTo(new[] { 10, 3 }));
    }

    [Test]
    public void TwoLayerSigmoidNetworkMatchesHandDerivedGradients()
    {
        // The classic two-layer network: h = σ(x·w1), y_pred = h·w2, loss = Σ (y_pred − y)².
        Tensor<double> x = Tensor.RandomNormal<double>([64, 100], seed: 4);
        Tensor<double> y = Tensor.RandomNormal<double>([64, 10], seed: 5);
        Tensor<double> w1 = (Tensor.RandomNormal<double>([100, 30], seed: 6) * 0.1).Detach().RequireGrad();
        Tensor<double> w2 = (Tensor.RandomNormal<double>([30, 10], seed: 7) * 0.1).Detach().RequireGrad();

        Tensor<double> h = x.MatMul(w1).Sigmoid();
        Tensor<double> yPred = h.MatMul(w2);
        Tensor<double> loss = (yPred - y).Pow(2.0).Sum();
        loss.Backward();

        // By hand, with plain loops for the elementwise parts.
        Tensor<double> hv = h.Detach(), w2v = w2.Detach();
        double[] gradYPred = (yPred.Detach() - y).ToArray().Select(v => 2 * v).ToArray();
        Tensor<double> gradYPredT = Tensor.FromArray(gradYPred, 64, 10);
        Tensor<double> gradW2 = NaiveMatMul(NaiveTranspose(hv), gradYPredT);
        double[] gradH = NaiveMatMul(gradYPredT, NaiveTranspose(w2v)).ToArray();
        double[] hValues = hv.ToArray();
        double[] gradZ = gradH.Select((gh, i) => gh * hValues[i] * (1 - hValues[i])).ToArray();
        Tensor<double> gradW1 = NaiveMatMul(NaiveTranspose(x), Tensor.FromArray(gradZ, 64, 30));

        AssertEqual(w2.Grad!, gradW2);
        AssertEqual(w1.Grad!, gradW1);
    }
}
