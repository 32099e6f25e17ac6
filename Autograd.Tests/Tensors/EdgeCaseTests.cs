using Autograd.Memory;

namespace Autograd.Tests.Tensors;

/// <summary>
/// Ops at the edges of their domains, each against what PyTorch 1.13 gives on the same input (values noted beside
/// each case): infinities, signed zeros, empty axes, rank 0, and a caller's output gradient.
/// </summary>
public sealed class EdgeCaseTests
{
    [Test]
    public void LogSumExpOfRowsWithAnInfiniteMaximumIsThatInfinity()
    {
        // torch: logsumexp(1) = [-inf, inf]; grad [[nan, nan], [0, nan]].
        double inf = double.PositiveInfinity;
        Tensor<double> x = Tensor.FromArray(new[] { -inf, -inf, 1, inf }, 2, 2).RequireGrad();
        Tensor<double> y = x.LogSumExp(1);
        Assert.That(y.ToArray(), Is.EqualTo(new[] { double.NegativeInfinity, double.PositiveInfinity }));
        y.Sum().Backward();
        double[] grad = x.Grad!.ToArray();
        Assert.That(grad[2], Is.Zero);
        Assert.That(new[] { grad[0], grad[1], grad[3] }, Has.All.NaN);
    }

    [Test]
    public void BatchedMatrixProductsWithAnEmptyInnerDimensionAreZero()
    {
        // torch: zeros(2, 3, 0) @ zeros(0, 4) is zeros(2, 3, 4).
        Tensor<double> a = Tensor.Zeros<double>(2, 3, 0).RequireGrad(), b = Tensor.Zeros<double>(0, 4).RequireGrad();
        Tensor<double> c = a.MatMul(b);
        Assert.That(c.Shape, Is.EqualTo(new[] { 2, 3, 4 }));
        Assert.That(c.ToArray(), Has.All.Zero);
        c.Sum().Backward();
        Assert.That(a.Grad!.Shape, Is.EqualTo(new[] { 2, 3, 0 }));
        Assert.That(b.Grad!.Shape, Is.EqualTo(new[] { 0, 4 }));
    }

    [TestCase(0)]
    [TestCase(-1)]
    public void AnAxisOfARankZeroTensorIsAClearError(int axis)
    {
        Tensor<double> scalar = Tensor.Scalar(2.0);
        foreach (Func<Tensor<double>> op in new Func<Tensor<double>>[]
                 {
                     () => scalar.Sum(axis), () => scalar.Mean(axis), () => scalar.Max(axis), () => scalar.LogSumExp(axis),
                     () => scalar.Squeeze(axis), () => scalar.Narrow(axis, 0, 1),
                 })
        {
            var error = Assert.Catch<ArgumentException>(() => op());
            Assert.That(error!.Message, Does.Contain($"axis {axis} is out of range for a tensor of rank 0"));
        }
    }

    [Test]
    public void ClampAndWhereGiveZeroGradientWhereTheirInputIsNotTaken()
    {
        // sqrt guarded at 0: the upstream gradient there is +inf, and the element not taken gets 0 (torch: 0), not NaN.
        Tensor<double> x = Tensor.Parse<double>("[-1, 0.25, 2]").RequireGrad();
        x.Clamp(0, 1).Sqrt().Sum().Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 0, 1.0, 0 }));

        Tensor<double> y = Tensor.Parse<double>("[-1, 0.25]").RequireGrad();
        Tensor.Where(Tensor.Greater(y, Tensor.Scalar(0.0)), y, Tensor.Scalar(0.0)).Sqrt().Sum().Backward();
        Assert.That(y.Grad!.ToArray(), Is.EqualTo(new[] { 0, 1.0 }));
    }

    [Test]
    public void SignedZerosTieAndTheFirstTakesTheGradient()
    {
        // torch: max([-0., 0.]) sends the gradient to index 0; min([0.131, 0., 0., -0.]) to index 1.
        Tensor<double> x = Tensor.FromArray(new[] { -0.0, 0.0 }).RequireGrad();
        x.Max(0).Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 1.0, 0 }));

        Tensor<double> y = Tensor.FromArray(new[] { 0.131, 0.0, 0.0, -0.0 }).RequireGrad();
        y.Min(0).Backward();
        Assert.That(y.Grad!.ToArray(), Is.EqualTo(new[] { 0, 1.0, 0, 0 }));
        Assert.That(Tensor.FromArray(new[] { -0.0, 0.0, -0.0 }).ArgMax(0), Is.EqualTo(new[] { 0 }));
    }

    [Test]
    public void TheCallersOutputGradientIsNeverWrittenInto()
    {
        Tensor<double> z = Tensor.Parse<double>("[1, 2, 3]").RequireGrad(), c = Tensor.Parse<double>("[1, 1, 1]");
        using (new TensorScope())
        {
            Tensor<double> g = Tensor.Ones<double>(3);
            (z + c).Backward(g);
            (z + c).Backward(g);
            Assert.That(g.ToArray(), Is.EqualTo(new[] { 1.0, 1, 1 }));
            Assert.That(z.Grad!.ToArray(), Is.EqualTo(new[] { 2.0, 2, 2 }));
            z.ZeroGrad();
            Assert.That(g.ToArray(), Is.EqualTo(new[] { 1.0, 1, 1 }), "clearing z's gradient leaves the caller's tensor readable");
        }
    }

    [Test]
    public void TheMeanOfNothingIsNaN()
    {
        // torch: zeros(0).mean() and zeros(2, 0).mean(1) are nan.
        Assert.That(Tensor.Zeros<double>(0).Mean().Item(), Is.NaN);
        Assert.That(Tensor.Zeros<double>(2, 0).Mean(1).ToArray(), Has.All.NaN);
    }

    [Test]
    public void LogSigmoidKeepsTheDigitsOfItsGradientForLargeInputs()
    {
        // torch: d/dx logsigmoid(x) at 40 is 4.248354255291589e-18 (σ(−40)); 1 − e^y cancels to 0 there.
        Tensor<double> x = Tensor.Scalar(40.0).RequireGrad();
        x.LogSigmoid().Backward();
        Assert.That(x.Grad!.Item(), Is.EqualTo(4.248354255291589e-18).Within(1e-30));
    }

    [Test]
    public void TheMaximumOfAllElementsSharesItsGradientAmongTies()
    {
        // torch: [1,3,3,2].max() → grad [0, .5, .5, 0]; min likewise; the Hessian of max(x)² at [2,2] is [[.5,.5],[.5,.5]].
        Tensor<double> x = Tensor.FromArray(new double[] { 1, 3, 3, 2 }).RequireGrad();
        x.Max().Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 0, 0.5, 0.5, 0 }));

        Tensor<double> y = Tensor.FromArray(new double[] { 0, 0, 4 }).RequireGrad();
        y.Min().Backward();
        Assert.That(y.Grad!.ToArray(), Is.EqualTo(new[] { 0.5, 0.5, 0 }));
        Assert.That(y.Grad!.ToArray().Select(double.IsNegative), Is.All.False, "no −0 from a negation");

        // torch: [1, nan, 2].max() = nan, grad [0, 1, 0].
        Tensor<double> withNaN = Tensor.FromArray(new[] { 1, double.NaN, 2 }).RequireGrad();
        Tensor<double> top = withNaN.Max();
        Assert.That(double.IsNaN(top.Item()), Is.True);
        top.Backward();
        Assert.That(withNaN.Grad!.ToArray(), Is.EqualTo(new[] { 0.0, 1, 0 }));

        Tensor<double> hessian = Autodiff.Hessian(t => t.Max() * t.Max(), Tensor.FromArray(new double[] { 2, 2 }));
        Assert.That(hessian.ToArray(), Is.EqualTo(new[] { 0.5, 0.5, 0.5, 0.5 }));

        Tensor<double> along = Tensor.FromArray(new double[] { 0, 0, 4 }).RequireGrad();
        along.Min(0).Backward();
        Assert.That(along.Grad!.ToArray(), Is.EqualTo(new[] { 1.0, 0, 0 }), "along an axis the first position takes it, as in torch");
        Assert.That(along.Grad!.ToArray().Select(double.IsNegative), Is.All.False);
    }

    [Test]
    public void TheDivisorsGradientStaysFiniteWhereItsSquareUnderflows()
    {
        // torch: a = b = 1e-200, ∂(a/b)/∂b = −(a/b)/b = −1e200 (b² underflows to 0 and −a/b² would be −∞).
        Tensor<double> a = Tensor.FromArray(new[] { 1e-200 }).RequireGrad(), b = Tensor.FromArray(new[] { 1e-200 }).RequireGrad();
        (a / b).Sum().Backward();
        Assert.That(b.Grad!.Item(), Is.EqualTo(-1e200).Within(1e185));
        Assert.That(a.Grad!.Item(), Is.EqualTo(1e200).Within(1e185));
    }

    [Test]
    public void TheMixedSecondDerivativeOfAPowerAtAZeroExponentIsOneOverTheBase()
    {
        // y = a^b at a = 2, b = 0: ∂²y/∂b∂a = a^(b−1)(1 + b ln a) = 1/2 in either order (PyTorch 1.13 gives 0 one way).
        Tensor<double> a = Tensor.FromArray(new[] { 2.0 }).RequireGrad(), b = Tensor.FromArray(new[] { 0.0 }).RequireGrad();
        Tensor<double> dyda = Autodiff.Grad(a.Pow(b).Sum(), a, createGraph: true);
        Assert.That(dyda.Item(), Is.EqualTo(0.0));
        Assert.That(Autodiff.Grad(dyda.Sum(), b).Item(), Is.EqualTo(0.5).Within(1e-15));
        Tensor<double> dydb = Autodiff.Grad(a.Pow(b).Sum(), b, createGraph: true);
        Assert.That(Autodiff.Grad(dydb.Sum(), a).Item(), Is.EqualTo(0.5).Within(1e-15));

        // At a = b = 0 the first derivative stays 0, not NaN.
        Tensor<double> zero = Tensor.FromArray(new[] { 0.0 }).RequireGrad(), power = Tensor.FromArray(new[] { 0.0 });
        zero.Pow(power).Sum().Backward();
        Assert.That(zero.Grad!.Item(), Is.EqualTo(0.0));
    }

    [Test]
    public void ALeafsGradientIsNotTheCallersOutputGradient()
    {
        // torch: x.backward(g) with g still held gives x.grad a copy; writing g afterwards leaves x.grad alone.
        Tensor<double> x = Tensor.FromArray(new double[] { 1, 2, 3 }).RequireGrad();
        Tensor<double> g = Tensor.FromArray(new double[] { 1, 1, 1 });
        (x + 0.0).Backward(g);
        g.AsSpan().Fill(100);
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 1.0, 1, 1 }));
    }
}
