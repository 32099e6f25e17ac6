using Autograd.Checking;
using Autograd.Memory;

namespace Autograd.Tests.Tensors;

/// <summary>The autodiff API on tensors: backward, functional gradients, graph release, no-grad, hooks, anomaly mode.</summary>
public sealed class TensorAutogradTests
{
    private static Tensor<double> Vector(params double[] values) => Tensor.FromArray(values);

    [Test]
    public void BackwardOnANonScalarAsksForTheOutputGradient()
    {
        Tensor<double> x = Vector(1, 2, 3).RequireGrad();
        var error = Assert.Throws<InvalidOperationException>(() => (x * 2.0).Backward());
        Assert.That(error!.Message, Does.Contain("[3]").And.Contain("Sum()"));
    }

    [Test]
    public void BackwardWithAnExplicitOutputGradientIsAVectorJacobianProduct()
    {
        Tensor<double> x = Vector(1, 2, 3).RequireGrad();
        (x * x).Backward(Vector(1, 10, 100));
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 2.0, 40, 600 }));
    }

    [Test]
    public void LeafGradientsAccumulateUntilZeroGrad()
    {
        Tensor<double> x = Vector(1, 2).RequireGrad();
        (x * 3.0).Sum().Backward();
        (x * 3.0).Sum().Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 6.0, 6 }));
        x.ZeroGrad();
        Assert.That(x.Grad, Is.Null);
    }

    [Test]
    public void ASecondBackwardWithoutRetainGraphSaysSo()
    {
        Tensor<double> x = Vector(1, 2).RequireGrad();
        Tensor<double> y = x.Exp().Sum();
        y.Backward();
        var error = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.That(error!.Message, Does.Contain("second time").And.Contain("retainGraph"));
    }

    [Test]
    public void RetainGraphAllowsASecondBackward()
    {
        Tensor<double> x = Vector(1, 2).RequireGrad();
        Tensor<double> y = x.Exp().Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 2 * Math.Exp(1), 2 * Math.Exp(2) }).Within(1e-12));
    }

    [Test]
    public void WritingAParameterBetweenForwardAndBackwardIsAnError()
    {
        // PyTorch's "modified by an inplace operation": an optimizer step taken before backward would otherwise give a
        // gradient computed from the new weights and the old activations.
        Tensor<double> w = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 2, 2).RequireGrad();
        w.Label = "W";
        Tensor<double> x = Tensor.FromArray(new double[] { 1, -1 }, 1, 2);
        Tensor<double> loss = x.MatMul(w).Exp().Sum();
        w.AsSpan()[0] = 5;
        var error = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.That(error!.Message, Does.Contain("'matmul'").And.Contain("its input 'W' (float64 [2,2])").And.Contain("written in place"));
        Assert.That(w.Grad, Is.Null, "nothing was accumulated");
    }

    [Test]
    public void WritingAnInputBetweenForwardAndBackwardIsAnErrorToo()
    {
        // The weight gradient x^T g reads the batch x: reusing its array for the next batch before backward is the same mistake.
        Tensor<double> w = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 2, 2).RequireGrad();
        Tensor<double> x = Tensor.FromArray(new double[] { 1, -1 }, 1, 2);
        Tensor<double> loss = x.MatMul(w).Sum();
        x.AsSpan()[0] = 7;
        Assert.That(() => loss.Backward(), Throws.InvalidOperationException.With.Message.Contains("written in place"));

        // A view made without recording (x needs no gradient) shares x's count, and x shares the view's.
        Tensor<double> batch = Vector(1, -1);
        Tensor<double> viaView = batch.Reshape(1, 2).MatMul(w).Sum();
        batch.AsSpan()[0] = 7;
        Assert.That(() => viaView.Backward(), Throws.InvalidOperationException.With.Message.Contains("written in place"));
        Tensor<double> rows = Vector(1, -1, 2, 0).Reshape(2, 2);
        Tensor<double> viaBase = rows.Transpose().MatMul(w).Sum();
        rows.Reshape(4).AsSpan()[3] = 5;
        Assert.That(() => viaBase.Backward(), Throws.InvalidOperationException.With.Message.Contains("written in place"));
    }

    [Test]
    public void WritingAfterBackwardAndRecordingAgainIsTheUsualStep()
    {
        Tensor<double> w = Vector(1, 2).RequireGrad();
        for (int step = 0; step < 3; step++)
        {
            (w * w).Sum().Backward();
            Span<double> values = w.AsSpan();
            for (int i = 0; i < values.Length; i++) values[i] -= 0.25 * w.Grad!.AsReadOnlySpan()[i];
            w.ZeroGrad();
        }

        Assert.That(w.ToArray(), Is.EqualTo(new[] { 0.125, 0.25 }));
        Tensor<double> retained = (w * w).Sum();
        retained.Backward(retainGraph: true);
        w.AsSpan()[0] = 1;
        Assert.That(() => retained.Backward(), Throws.InvalidOperationException.With.Message.Contains("written in place"),
            "a retained graph is checked again");
    }

    [Test]
    public void ReadingThroughTheReadOnlySpanOrADetachedAliasIsNotAWrite()
    {
        Tensor<double> w = Vector(1, 2).RequireGrad();
        Tensor<double> loss = (w * w).Sum();
        Assert.That(w.AsReadOnlySpan()[1], Is.EqualTo(2));
        Tensor<double> alias = w.Detach();
        alias.AsSpan()[0] = 3;
        loss.Backward();
        Assert.That(w.Grad!.ToArray(), Is.EqualTo(new[] { 6.0, 4 }), "an alias counts its own writes; its values are shared");
    }

    [Test]
    public void NoGradRecordsNothingAndIsPerThread()
    {
        Tensor<double> x = Vector(1, 2).RequireGrad();
        using var scopeEntered = new ManualResetEventSlim();
        bool otherThreadRecords = false;
        // A thread already running when this thread enters NoGrad is not affected by it.
        var other = new Thread(() =>
        {
            scopeEntered.Wait();
            otherThreadRecords = (x * 2.0).RequiresGrad;
        });
        other.Start();
        using (Autodiff.NoGrad())
        {
            Assert.That((x * 2.0).RequiresGrad, Is.False);
            scopeEntered.Set();
            other.Join();
        }

        Assert.That(otherThreadRecords, Is.True);

        Assert.That((x * 2.0).RequiresGrad, Is.True);
    }

    [Test]
    public void DetachCutsTheGraph()
    {
        Tensor<double> x = Vector(1, 2).RequireGrad();
        Tensor<double> y = (x * x).Detach();
        Assert.That(y.RequiresGrad, Is.False);
        Assert.That(y.IsLeaf, Is.True);
        ((x + y) * 1.0).Sum().Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 1.0, 1 }));
    }

    [Test]
    public void HooksSeeAndMayReplaceTheGradient()
    {
        Tensor<double> x = Vector(1, 2).RequireGrad();
        Tensor<double> h = x * 3.0;
        Tensor<double>? seen = null;
        using (h.RegisterHook(g => { seen = g; return g * 10.0; }))
            h.Sum().Backward();
        Assert.That(seen!.ToArray(), Is.EqualTo(new[] { 1.0, 1 }));
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 30.0, 30 }));
    }

    [Test]
    public void OnlyLeavesMayChangeRequiresGrad()
    {
        Tensor<double> y = Vector(1).RequireGrad() * 2.0;
        Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
    }

    [Test]
    public void GradOfGradGivesSecondDerivatives()
    {
        Tensor<double> x = Vector(0.5, -1.2).RequireGrad();
        Tensor<double> y = (x.Pow(3.0) + (x * 2.0).Exp()).Sum();
        Tensor<double> dy = Autodiff.Grad(y, x, createGraph: true);
        Tensor<double> d2y = Autodiff.Grad(dy.Sum(), x);
        double[] xs = [0.5, -1.2];
        Assert.That(dy.ToArray(), Is.EqualTo(xs.Select(v => 3 * v * v + 2 * Math.Exp(2 * v)).ToArray()).Within(1e-12));
        Assert.That(d2y.ToArray(), Is.EqualTo(xs.Select(v => 6 * v + 4 * Math.Exp(2 * v)).ToArray()).Within(1e-12));
    }

    [Test]
    public void JacobianMatchesCentralDifferences()
    {
        static Tensor<double> F(Tensor<double> x) => (x.MatMul(Tensor.FromArray([1.0, 2, -1, 0.5, 3, 1], 3, 2)).Tanh() * x.Narrow(0, 0, 2)).Softmax(0);
        Tensor<double> x = Vector(0.3, -0.8, 1.1);
        double[] analytic = Autodiff.Jacobian(F, x).ToArray(), numerical = Autodiff.NumericalJacobian(F, x).ToArray();
        Assert.That(analytic, Has.Length.EqualTo(6));
        Assert.That(analytic, Is.EqualTo(numerical).Within(1e-8));
    }

    [Test]
    public void HessianOfAQuadraticFormIsTheSymmetrizedMatrix()
    {
        var a = Tensor.FromArray([2.0, 1, 0, 3], 2, 2);
        Tensor<double> hessian = Autodiff.Hessian(x => x.MatMul(a).Dot(x), Vector(0.7, -0.4));
        Assert.That(hessian.ToArray(), Is.EqualTo(new[] { 4.0, 1, 1, 6 }).Within(1e-12));
    }

    [Test]
    public void HvpJvpAndVjpAgreeWithTheFullMatrices()
    {
        static Tensor<double> F(Tensor<double> x) => (x * x.Exp()).Sum() + x.Narrow(0, 0, 1).Pow(3.0).Sum() * x.Narrow(0, 1, 1).Sum();
        static Tensor<double> G(Tensor<double> x) => x.Outer(x).Sigmoid().Sum(0);
        Tensor<double> x = Vector(0.4, -0.3, 0.9);
        Tensor<double> v = Vector(1.0, -2, 0.5);

        double[] h = Autodiff.Hessian(F, x).ToArray();
        double[] expectedHvp = [.. Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 3).Sum(j => h[i * 3 + j] * v[j]))];
        Assert.That(Autodiff.Hvp(F, x, v).ToArray(), Is.EqualTo(expectedHvp).Within(1e-12));

        double[] j = Autodiff.NumericalJacobian(G, x).ToArray();
        double[] expectedJvp = [.. Enumerable.Range(0, 3).Select(o => Enumerable.Range(0, 3).Sum(i => j[o * 3 + i] * v[i]))];
        double[] expectedVjp = [.. Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 3).Sum(o => v[o] * j[o * 3 + i]))];
        Assert.That(Autodiff.Jvp(G, x, v).Jvp.ToArray(), Is.EqualTo(expectedJvp).Within(1e-7));
        Assert.That(Autodiff.Vjp(G, x, v).Vjp.ToArray(), Is.EqualTo(expectedVjp).Within(1e-7));
    }

    [Test]
    public void GradCheckReportNamesTheInputAndElementThatDisagree()
    {
        // A deliberately wrong gradient: a hook doubles what flows into the second input.
        TensorGradCheckResult result = TensorGradCheck.Check(
            xs =>
            {
                Tensor<double> b = xs[1] * 1.0;
                b.RegisterHook(g => g * 2.0);
                return (xs[0] * b).Sum();
            },
            [Vector(1, 2), Vector(3, 4)]);
        Assert.That(result.Passed, Is.False);
        Assert.That(result.Mismatches.Select(m => (m.Input, m.InputElement)), Is.EqualTo(new[] { (1, 0), (1, 1) }));
        Assert.That(result.Report(), Does.Contain("input 1, element 0"));
    }

    [Test]
    public void AnomalyModeNamesTheOpAndWhereItWasCreated()
    {
        Tensor<double> x = Vector(1, -1).RequireGrad();
        using (Autodiff.DetectAnomaly())
        {
            var forward = Assert.Throws<ArithmeticException>(() => x.Log());
            Assert.That(forward!.Message, Does.Contain("'log'").And.Contain("NaN"));

            Tensor<double> y = Vector(0, 4).RequireGrad();
            var backward = Assert.Throws<ArithmeticException>(() => y.Sqrt().Sum().Backward());
            Assert.That(backward!.Message, Does.Contain("'sqrt'").And.Contain(nameof(AnomalyModeNamesTheOpAndWhereItWasCreated)));
        }
    }

    [Test]
    public void AWeightUsedTransposedGetsARowMajorGradientThatAccumulatesInPlace()
    {
        // y = x·Wᵀ with W [out, in], as a Linear layer: dW = Gᵀ·x, stored row-major like W itself. In a scope,
        // gradients belong to their tensor, so a second backward adds into the first.
        using var scope = new TensorScope();
        Tensor<double> w = Tensor.RandomNormal<double>([3, 5], seed: 1).RequireGrad();
        Tensor<double> x = Tensor.RandomNormal<double>([4, 5], seed: 2);
        Tensor<double> g = Tensor.RandomNormal<double>([4, 3], seed: 3);
        Tensor<double> loss = (x.MatMul(w.Transpose()) * g).Sum();
        loss.Backward(retainGraph: true);
        Assert.That(w.Grad!.IsContiguous, Is.True);
        double[] expected = new double[15];
        for (int o = 0; o < 3; o++)
            for (int i = 0; i < 5; i++)
                for (int s = 0; s < 4; s++)
                    expected[o * 5 + i] += g[s, o] * x[s, i];
        Assert.That(w.Grad.ToArray(), Is.EqualTo(expected).Within(1e-12));

        Tensor<double> first = w.Grad;
        loss.Backward();
        Assert.That(w.Grad, Is.SameAs(first), "the second gradient is added into the first, not into a new tensor");
        Assert.That(w.Grad.ToArray(), Is.EqualTo(expected.Select(v => 2 * v).ToArray()).Within(1e-12));
    }

    [Test]
    public void Float32OpsMatchFloat64()
    {
        var random = Tensor.RandomNormal<double>([4, 5], seed: 9);
        Tensor<float> x32 = Tensor.FromArray(random.ToArray().Select(v => (float)v).ToArray(), 4, 5).RequireGrad();
        Tensor<double> x64 = random.Detach().RequireGrad();
        x32.MatMul(x32.Transpose()).Tanh().LogSoftmax(1).Sum().Backward();
        x64.MatMul(x64.Transpose()).Tanh().LogSoftmax(1).Sum().Backward();
        Assert.That(x32.Grad!.ToArray().Select(v => (double)v), Is.EqualTo(x64.Grad!.ToArray()).Within(1e-5));
    }

    [Test]
    public void GradGivesADuplicatedInputItsGradientInEverySlot()
    {
        // torch.autograd.grad((x*x).sum(), [x, x]) gives 2x twice.
        Tensor<double> x = Vector(1, 2, 3).RequireGrad();
        Tensor<double>[] grads = Autodiff.Grad([(x * x).Sum()], [x, x]);
        Assert.That(grads[0].ToArray(), Is.EqualTo(new[] { 2.0, 4, 6 }));
        Assert.That(grads[1].ToArray(), Is.EqualTo(new[] { 2.0, 4, 6 }));
    }

    [Test]
    public void BackwardWithCreateGraphKeepsTheGraphForTheRecordedGradients()
    {
        // torch: retain_graph defaults to create_graph, so the recorded gradient 3x² can be differentiated: 6x.
        Tensor<double> x = Vector(1, 2, 3).RequireGrad();
        (x * x * x).Sum().Backward(createGraph: true);
        Tensor<double> g = x.Grad!;
        x.Grad = null;
        g.Sum().Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 6.0, 12, 18 }));
    }

    [Test]
    public void VjpWithCreateGraphIsAFunctionOfTheCallersInput()
    {
        Tensor<double> x = Vector(1, 2, 3).RequireGrad();
        var (_, vjp) = Autodiff.Vjp(t => t * t * t, x, Vector(1, 1, 1), createGraph: true);
        Assert.That(Autodiff.Grad(vjp.Sum(), x).ToArray(), Is.EqualTo(new[] { 6.0, 12, 18 }));
    }

    [Test]
    public void ProductsOfAFunctionThatIgnoresItsInputAreZero()
    {
        // torch.autograd.functional.vjp/jvp/hvp return zeros, as Jacobian and Hessian here do.
        Tensor<double> x = Vector(1, 2, 3);
        Tensor<double> Constant(Tensor<double> _) => Vector(1, 2);
        Assert.That(Autodiff.Vjp(Constant, x, Vector(1, 1)).Vjp.ToArray(), Is.EqualTo(new[] { 0.0, 0, 0 }));
        Assert.That(Autodiff.Jvp(Constant, x, Vector(1, 1, 1)).Jvp.ToArray(), Is.EqualTo(new[] { 0.0, 0 }));
        Assert.That(Autodiff.Hvp(_ => Tensor.FromArray(new[] { 5.0 }), x, Vector(1, 1, 1)).ToArray(), Is.EqualTo(new[] { 0.0, 0, 0 }));
    }

    [Test]
    public void ProductsRefuseAVectorOfTheWrongShape()
    {
        // Broadcasting v would silently compute another product (torch: "v has invalid size").
        Tensor<double> x = Vector(1, 2, 3);
        var hvp = Assert.Throws<ArgumentException>(() => Autodiff.Hvp(t => (t * t * t).Sum(), x, Vector(1)));
        Assert.That(hvp!.Message, Does.Contain("Hvp: v has shape [1] but x has shape [3]"));
        var jvp = Assert.Throws<ArgumentException>(() => Autodiff.Jvp(t => t * 2.0, x, Vector(1, 1)));
        Assert.That(jvp!.Message, Does.Contain("Jvp: v has shape [2] but x has shape [3]"));
        var vjp = Assert.Throws<ArgumentException>(() => Autodiff.Vjp(t => t.Sum(), x, Vector(1, 1, 1)));
        Assert.That(vjp!.Message, Does.Contain("Vjp: v has shape [3] but f(x) has shape []"));
    }

    [Test]
    public void GradRunsOnlyThePartOfTheGraphThatLeadsToItsInputs()
    {
        // torch.autograd.grad leaves the rest of the graph alive and does not touch other leaves or their hooks.
        Tensor<double> a = Vector(1, 2).RequireGrad();
        Tensor<double> h = a * a;
        Assert.That(Autodiff.Grad((h * h).Sum(), h).ToArray(), Is.EqualTo(new[] { 2.0, 8 }));
        h.Sum().Backward();
        Assert.That(a.Grad!.ToArray(), Is.EqualTo(new[] { 2.0, 4 }), "a*a was not released by Grad");

        Tensor<double> x = Vector(1, 2).RequireGrad(), w = Vector(3, 4).RequireGrad();
        int calls = 0;
        w.RegisterHook(g => { calls++; return g; });
        Autodiff.Grad((x * w).Sum(), x);
        Assert.That(calls, Is.Zero);
    }

    [Test]
    public void GradOfAnInputThatDoesNotRequireGradientsSaysSo()
    {
        Tensor<double> x = Vector(1, 2).RequireGrad(), c = Vector(3, 4);
        var error = Assert.Throws<InvalidOperationException>(() => Autodiff.Grad([(x * c).Sum()], [c], allowUnused: true));
        Assert.That(error!.Message, Does.Contain("input 0 (shape [2]) does not require gradients"));
    }

    [Test]
    public void BackwardPassesOnSeveralThreadsAddIntoASharedParameter()
    {
        // PyTorch accumulates under a lock; every pass's part must arrive.
        Tensor<float> w = Tensor.Ones<float>(1000).RequireGrad();
        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < 200; i++)
            {
                using var scope = new TensorScope();
                (w * 1f).Sum().Backward();
            }
        });
        Assert.That(w.Grad!.ToArray(), Is.All.EqualTo(800f));
    }

    [Test]
    public void GraphsWalkedOnSeveralThreadsMayShareNodes()
    {
        // Two threads differentiate through one shared intermediate; neither may see the other's visit marks.
        Tensor<double> w = Tensor.Ones<double>(4).RequireGrad();
        Tensor<double> h = w * 2.0;
        var results = new System.Collections.Concurrent.ConcurrentBag<double>();
        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < 100; i++)
            {
                Tensor<double> z = h;
                for (int j = 0; j < 200; j++) z = z + h;
                results.Add(Autodiff.Grad([z.Sum()], [h], retainGraph: true)[0].ToArray()[0]);
            }
        });
        Assert.That(results, Is.All.EqualTo(201.0));
    }
}
