using System.Numerics;
using Autograd.Checking;
using Autograd.Custom;
using Autograd.Functions;
using Autograd.Gradients;
using Autograd.Visualization;

namespace Autograd.Tests.Custom;

/// <summary>Ops written outside the engine: elementwise definitions and <see cref="CustomOp{T}"/>s, checked against
/// central differences, the composed ops they replace, and the engine's modes.</summary>
public sealed class CustomOpTests
{
    /// <summary>softplus as a user's elementwise definition: one struct gives values and tensors their method.</summary>
    private readonly record struct MySoftplus : IUnaryFunction
    {
        public string Name => "my_softplus";

        public double Compute(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));

        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < x.Length; i++) y[i] = T.CreateTruncating(Compute(double.CreateTruncating(x[i])));
        }

        // d/dx log(1 + eˣ) = σ(x), written with engine functions so that it differentiates again.
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> => g * TNum.Apply(new Sigmoid(), x);

        public string Formula(string x, string y) => $"σ({x})";
    }

    /// <summary>softplus as a custom op whose backward rule is written with tensor ops.</summary>
    private sealed class SoftplusOp() : CustomOp<double>("softplus_op")
    {
        protected override Tensor<double> Forward(CustomOpContext<double> context, IReadOnlyList<Tensor<double>> inputs)
        {
            context.SaveForBackward(inputs[0]);
            return inputs[0].Softplus();
        }

        protected override Gradient<double>[] Backward(CustomOpContext<double> context, Tensor<double> gradOutput) =>
            [gradOutput * context.SavedTensors[0].Sigmoid()];
    }

    /// <summary>Rounds in the forward pass and lets the gradient through unchanged (the straight-through estimator).</summary>
    private sealed class StraightThroughRound() : CustomOp<double>("round_ste")
    {
        protected override Tensor<double> Forward(CustomOpContext<double> context, IReadOnlyList<Tensor<double>> inputs) =>
            Tensor.FromArray([.. inputs[0].ToArray().Select(v => Math.Round(v))], [.. inputs[0].Shape]);

        protected override Gradient<double>[] Backward(CustomOpContext<double> context, Tensor<double> gradOutput) => [gradOutput];
    }

    /// <summary>x·σ(x) fused: one pass forward, and a hand-written backward over raw elements (once differentiable).</summary>
    private sealed class FusedSilu() : CustomOp<double>("fused_silu")
    {
        public override bool IsOnceDifferentiable => true;

        protected override Tensor<double> Forward(CustomOpContext<double> context, IReadOnlyList<Tensor<double>> inputs)
        {
            double[] x = inputs[0].ToArray();
            context.SaveForBackward(inputs[0]);
            return Tensor.FromArray([.. x.Select(v => v / (1 + Math.Exp(-v)))], [.. inputs[0].Shape]);
        }

        protected override Gradient<double>[] Backward(CustomOpContext<double> context, Tensor<double> gradOutput)
        {
            double[] x = context.SavedTensors[0].ToArray(), g = gradOutput.ToArray();
            var dx = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                double s = 1 / (1 + Math.Exp(-x[i]));
                dx[i] = g[i] * s * (1 + x[i] * (1 - s));
            }

            return [Tensor.FromArray(dx, [.. gradOutput.Shape])];
        }

        public override string DescribeGradient(int input, string upstream, IReadOnlyList<string> inputNames) =>
            $"{upstream} ⊙ σ({inputNames[0]})·(1 + {inputNames[0]}·(1 − σ({inputNames[0]})))";
    }

    /// <summary>A bilinear form xᵀ·A·y of two inputs, to check rules per input and inputs that need no gradient.</summary>
    private sealed class Bilinear() : CustomOp<double>("bilinear")
    {
        protected override Tensor<double> Forward(CustomOpContext<double> context, IReadOnlyList<Tensor<double>> inputs)
        {
            context.SaveForBackward(inputs[0], inputs[1], inputs[2]);
            return inputs[0].MatMul(inputs[1]).MatMul(inputs[2]);
        }

        protected override Gradient<double>[] Backward(CustomOpContext<double> context, Tensor<double> gradOutput)
        {
            var (x, a, y) = (context.SavedTensors[0], context.SavedTensors[1], context.SavedTensors[2]);
            return [
                context.NeedsInputGrad(0) ? gradOutput * a.MatMul(y) : null,
                context.NeedsInputGrad(1) ? gradOutput * x.Unsqueeze(1).MatMul(y.Unsqueeze(0)) : null,
                context.NeedsInputGrad(2) ? gradOutput * x.MatMul(a) : null,
            ];
        }
    }

    /// <summary>A lookup whose table gradient is row-sparse.</summary>
    private sealed class Lookup(int[] rows) : CustomOp<double>("lookup")
    {
        protected override Tensor<double> Forward(CustomOpContext<double> context, IReadOnlyList<Tensor<double>> inputs) =>
            inputs[0].IndexSelect(0, rows);

        protected override Gradient<double>[] Backward(CustomOpContext<double> context, Tensor<double> gradOutput) =>
            [Gradient<double>.RowSparse(rows, gradOutput)];
    }

    /// <summary>An op whose backward rule breaks the contract in a way chosen by the test.</summary>
    private sealed class Broken(Func<Tensor<double>, Gradient<double>[]> backward) : CustomOp<double>("broken")
    {
        protected override Tensor<double> Forward(CustomOpContext<double> context, IReadOnlyList<Tensor<double>> inputs) => inputs[0] * 2;

        protected override Gradient<double>[] Backward(CustomOpContext<double> context, Tensor<double> gradOutput) => backward(gradOutput);
    }

    /// <summary>An op that hands its input back as its output.</summary>
    private sealed class Identity() : CustomOp<double>("identity")
    {
        protected override Tensor<double> Forward(CustomOpContext<double> context, IReadOnlyList<Tensor<double>> inputs) => inputs[0];

        protected override Gradient<double>[] Backward(CustomOpContext<double> context, Tensor<double> gradOutput) => [gradOutput];
    }

    /// <summary>An identity op that runs a probe inside its forward computation.</summary>
    private sealed class Probe(Action probe) : CustomOp<double>("probe")
    {
        protected override Tensor<double> Forward(CustomOpContext<double> context, IReadOnlyList<Tensor<double>> inputs)
        {
            probe();
            return inputs[0];
        }

        protected override Gradient<double>[] Backward(CustomOpContext<double> context, Tensor<double> gradOutput) => [gradOutput];
    }

    private static Tensor<double> Point(int seed, params int[] shape) => Tensor.RandomNormal<double>(shape, seed);

    [Test]
    public void AUserDefinitionWorksOnValuesAndTensorsAndAgreesWithTheBuiltInSoftplus()
    {
        var x = new Value(0.7);
        Value y = x.Apply(new MySoftplus());
        y.Backward();
        var reference = new Value(0.7);
        reference.Softplus().Backward();
        Assert.That(y.Data, Is.EqualTo(reference.Softplus().Data).Within(1e-15));
        Assert.That(x.Grad, Is.EqualTo(reference.Grad).Within(1e-15));
        Assert.That(y.Operation, Is.EqualTo("my_softplus"));

        Tensor<double> point = Point(1, 3, 4);
        Assert.That(TensorGradCheck.Check(t => t[0].Apply(new MySoftplus()).Sum(), [point]).Passed);
        Assert.That(TensorGradCheck.GradGradCheck(t => t[0].Apply(new MySoftplus()), [point]).Passed);
        Assert.That(GradCheck.Check(v => v[0].Apply(new MySoftplus()) * v[0], [-0.3]).Passed);
    }

    [Test]
    public void ACustomOpWithATensorBackwardPassesGradcheckAndGradgradcheck()
    {
        Tensor<double> point = Point(2, 2, 5);
        Assert.That(TensorGradCheck.Check(t => new SoftplusOp().Apply(t[0]), [point]).Report(), Does.StartWith("all"));
        Assert.That(TensorGradCheck.GradGradCheck(t => new SoftplusOp().Apply(t[0]), [point]).Report(), Does.StartWith("all"));

        Tensor<double> x = point.Detach().RequireGrad(), composed = point.Detach().RequireGrad();
        new SoftplusOp().Apply(x).Sum().Backward();
        composed.Softplus().Sum().Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(composed.Grad!.ToArray()).Within(1e-15));
    }

    [Test]
    public void AStraightThroughRoundPassesTheGradientThroughUnchanged()
    {
        Tensor<double> x = Tensor.FromArray([0.2, 1.7, -2.4, 3.5]).RequireGrad();
        Tensor<double> weights = Tensor.FromArray([1.0, -2, 3, 0.5]);
        Tensor<double> rounded = new StraightThroughRound().Apply(x);
        Assert.That(rounded.ToArray(), Is.EqualTo(new[] { 0.0, 2, -2, 4 }));
        (rounded * weights).Sum().Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(weights.ToArray()));
    }

    [Test]
    public void AFusedSiluWithARawBackwardAgreesWithTheComposedOps()
    {
        Tensor<double> point = Point(3, 4, 3);
        Tensor<double> fused = point.Detach().RequireGrad(), composed = point.Detach().RequireGrad();
        Tensor<double> upstream = Point(4, 4, 3);
        Tensor<double> y = new FusedSilu().Apply(fused);
        Assert.That(y.ToArray(), Is.EqualTo((composed * composed.Sigmoid()).ToArray()).Within(1e-15));
        y.Backward(upstream);
        (composed * composed.Sigmoid()).Backward(upstream);
        Assert.That(fused.Grad!.ToArray(), Is.EqualTo(composed.Grad!.ToArray()).Within(1e-14));
        Assert.That(TensorGradCheck.Check(t => new FusedSilu().Apply(t[0]), [point]).Passed);
    }

    [Test]
    public void DifferentiatingAOnceDifferentiableBackwardIsAnErrorNamingTheOp()
    {
        Tensor<double> point = Point(5, 3);
        var error = Assert.Throws<InvalidOperationException>(() => TensorGradCheck.GradGradCheck(t => new FusedSilu().Apply(t[0]), [point]));
        Assert.That(error!.Message, Does.Contain("'fused_silu' is once differentiable"));

        Tensor<double> x = point.Detach().RequireGrad();
        Tensor<double> grad = Autodiff.Grad(new FusedSilu().Apply(x).Sum(), x, createGraph: true);
        Assert.That(grad.ToArray(), Is.EqualTo(Autodiff.Grad((x * x.Sigmoid()).Sum(), x).ToArray()).Within(1e-14), "the first derivative is still right");
        error = Assert.Throws<InvalidOperationException>(() => grad.Sum().Backward());
        Assert.That(error!.Message, Does.Contain("'fused_silu' is once differentiable"));
    }

    [Test]
    public void EachInputGetsItsOwnRuleAndOnlyInputsThatNeedGradientsAreAskedFor()
    {
        Tensor<double> x = Point(6, 3), a = Point(7, 3, 3), y = Point(8, 3);
        Assert.That(TensorGradCheck.Check(t => new Bilinear().Apply(t[0], t[1], t[2]), [x, a, y]).Passed);
        Assert.That(TensorGradCheck.GradGradCheck(t => new Bilinear().Apply(t[0], t[1], t[2]), [x, a, y]).Passed);

        Tensor<double> onlyX = x.Detach().RequireGrad();
        new Bilinear().Apply(onlyX, a, y).Backward();
        Assert.That(onlyX.Grad!.ToArray(), Is.EqualTo(a.MatMul(y).ToArray()).Within(1e-14));
        Assert.That(a.Grad, Is.Null);
    }

    [Test]
    public void ACustomOpShowsByNameInEveryGraphDumpAndInTheExplanation()
    {
        Tensor<double> x = Tensor.FromArray([0.5, -1.0]).RequireGrad();
        x.Label = "x";
        Tensor<double> f = new FusedSilu().Apply(x).Sum();
        Assert.That(DotWriter.Write(f), Does.Contain("fused_silu"));
        Assert.That(MermaidWriter.Write(f), Does.Contain("fused_silu"));
        Assert.That(TreeWriter.Write(f), Does.Contain("fused_silu"));
        string explanation = TensorChainRuleExplainer.Explain(f);
        Assert.That(explanation, Does.Contain("fused_silu(x)"));
        Assert.That(explanation, Does.Contain("σ(x)·(1 + x·(1 − σ(x)))"), "the op's own wording of its rule");
        IReadOnlyList<TensorExplanationStep> steps = TensorChainRuleExplainer.Steps(f);
        Assert.That(steps[^1].Contribution.ToArray(), Is.EqualTo(Autodiff.Grad((x * x.Sigmoid()).Sum(), x).ToArray()).Within(1e-14));
    }

    [Test]
    public void RecordingIsOffInAForwardComputationUntilEnableGradTurnsItOn()
    {
        var seen = new List<bool>();
        Tensor<double> x = Tensor.FromArray([1.0]).RequireGrad();
        Tensor<double> y = new Probe(() =>
        {
            seen.Add(Autodiff.IsGradEnabled);
            using (Autodiff.EnableGrad()) seen.Add(Autodiff.IsGradEnabled);
            seen.Add(Autodiff.IsGradEnabled);
        }).Apply(x);
        Assert.That(seen, Is.EqualTo(new[] { false, true, false }));
        Assert.That(Autodiff.IsGradEnabled, "recording is on again after the op");
        Assert.That(y.RequiresGrad);

        // The backward pass turns recording off for its rules, on this thread only.
        using var other = new ManualResetEventSlim();
        bool otherThreadRecords = false;
        y.RegisterHook(g =>
        {
            seen.Add(Autodiff.IsGradEnabled);
            var thread = new Thread(() => { otherThreadRecords = Autodiff.IsGradEnabled; other.Set(); });
            thread.Start();
            other.Wait();
            return null;
        });
        (y * 2).Sum().Backward();
        Assert.That(seen[^1], Is.False);
        Assert.That(otherThreadRecords);
    }

    [Test]
    public void NoGradRecordsNothingAndAnomalyModeNamesTheCustomOp()
    {
        Tensor<double> x = Tensor.FromArray([1.0, 2]).RequireGrad();
        using (Autodiff.NoGrad())
        {
            Tensor<double> y = new SoftplusOp().Apply(x);
            Assert.That(y.RequiresGrad, Is.False);
            Assert.That(y.IsLeaf);
        }

        Tensor<double> bad = Tensor.FromArray([-1.0]).RequireGrad();
        using (Autodiff.DetectAnomaly())
        {
            var forward = Assert.Throws<ArithmeticException>(() => new Broken(g => [g]).Apply(bad.Log()));
            Assert.That(forward!.Message, Does.Contain("'log'"));
            Tensor<double> y = new Broken(g => [g * double.NaN]).Apply(bad);
            var backward = Assert.Throws<ArithmeticException>(() => y.Backward());
            Assert.That(backward!.Message, Does.Contain("'broken'"));
        }
    }

    [Test]
    public void ABackwardThatBreaksTheContractGetsAClearError()
    {
        Tensor<double> x = Tensor.FromArray([1.0, 2, 3]).RequireGrad();
        var count = Assert.Throws<InvalidOperationException>(() => new Broken(g => []).Apply(x).Sum().Backward());
        Assert.That(count!.Message, Does.Contain("'broken': Backward returned 0 gradients for 1 inputs"));
        var shape = Assert.Throws<InvalidOperationException>(() => new Broken(g => [g.Sum()]).Apply(x).Sum().Backward());
        Assert.That(shape!.Message, Does.Contain("shape [] for input 0 of shape [3]"));
        Tensor<double> table = Tensor.Zeros<double>(2, 2).RequireGrad();
        var width = Assert.Throws<InvalidOperationException>(() =>
            new Broken(g => [Gradient<double>.RowSparse([0], Tensor.Zeros<double>(1, 3))]).Apply(table).Sum().Backward());
        Assert.That(width!.Message, Does.Contain("row-sparse gradient of width 3"));
        var row = Assert.Throws<InvalidOperationException>(() =>
            new Broken(g => [Gradient<double>.RowSparse([5], Tensor.Zeros<double>(1, 2))]).Apply(table).Sum().Backward());
        Assert.That(row!.Message, Does.Contain("row 5, outside its 2 rows"));

        Tensor<double> once = new SoftplusOp().Apply(x).Sum();
        once.Backward();
        var again = Assert.Throws<InvalidOperationException>(() => once.Backward());
        Assert.That(again!.Message, Does.Contain("second time"));
    }

    [Test]
    public void AForwardThatReturnsItsInputStillRecordsANewNode()
    {
        Tensor<double> x = Tensor.FromArray([1.0, 2]).RequireGrad();
        Tensor<double> y = new Identity().Apply(x);
        Assert.That(y, Is.Not.SameAs(x));
        Assert.That(x.IsLeaf);
        (y * y).Sum().Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 2.0, 4 }));
    }

    [Test]
    public void ARowSparseGradientGoesIntoASparseTableAndIsDenseEverywhereElse()
    {
        int[] rows = [3, 1, 3];
        Tensor<double> values = Point(9, 5, 2);
        Tensor<double> sparse = values.Detach().RequireSparseGrad(), dense = values.Detach().RequireGrad();
        Tensor<double> weights = Point(10, 3, 2);
        (new Lookup(rows).Apply(sparse) * weights).Sum().Backward();
        (dense.IndexSelect(0, rows) * weights).Sum().Backward();
        Assert.That(sparse.Grad, Is.Null);
        Assert.That(sparse.SparseGradient!.Count, Is.EqualTo(3));
        Assert.That(sparse.SparseGradient.ToDense().ToArray(), Is.EqualTo(dense.Grad!.ToArray()).Within(1e-15));

        // Grad and recorded passes get the dense gradient; recorded, it differentiates again.
        Tensor<double> viaGrad = Autodiff.Grad((new Lookup(rows).Apply(sparse) * weights).Sum(), sparse);
        Assert.That(viaGrad.ToArray(), Is.EqualTo(dense.Grad!.ToArray()).Within(1e-15));
        Assert.That(TensorGradCheck.GradGradCheck(t => new Lookup(rows).Apply(t[0]).Pow(2), [values]).Passed);
    }

    [Test]
    public void ConcurrentBackwardPassesThroughOneOpObjectAddUp()
    {
        Tensor<double> shared = Point(11, 8).RequireGrad();
        var op = new SoftplusOp();
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ => op.Apply(shared).Sum().Backward());
        double[] expected = [.. shared.Sigmoid().ToArray().Select(s => 64 * s)];
        Assert.That(shared.Grad!.ToArray(), Is.EqualTo(expected).Within(1e-12));
    }
}
