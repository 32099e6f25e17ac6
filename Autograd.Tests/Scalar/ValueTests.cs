using Autograd.Graph;

namespace Autograd.Tests.Scalar;

public class ValueTests
{
    [Test]
    public void ClassicExampleGivesTheTextbookGradients()
    {
        var x = new Value(-2, "x");
        var y = new Value(5, "y");
        var z = new Value(-4, "z");
        Value q = x + y;
        Value f = q * z;
        f.Backward();

        Assert.Multiple(() =>
        {
            Assert.That(q.Data, Is.EqualTo(3));
            Assert.That(f.Data, Is.EqualTo(-12));
            Assert.That(q.Grad, Is.EqualTo(-4));
            Assert.That(z.Grad, Is.EqualTo(3));
            Assert.That(x.Grad, Is.EqualTo(-4));
            Assert.That(y.Grad, Is.EqualTo(-4));
        });
    }

    [Test]
    public void AValueUsedOnTwoEdgesReceivesBothContributions()
    {
        var x = new Value(3, "x");
        var y = new Value(-2, "y");
        Value f = x * y + y; // ∂f/∂y = x + 1
        f.Backward();
        Assert.That(y.Grad, Is.EqualTo(4));

        var a = new Value(5);
        Value b = a + a; // the same input on both edges of one op
        b.Backward();
        Assert.That(a.Grad, Is.EqualTo(2));
    }

    [Test]
    public void CompoundAssignmentRecordsANewNode()
    {
        var c0 = new Value(1, "c");
        Value c = c0;
        c += c + 1; // c = c + (c + 1): a new node, not a mutation of c0
        Assert.That(c, Is.Not.SameAs(c0));
        Assert.That(c0.Data, Is.EqualTo(1));
        Assert.That(c.Data, Is.EqualTo(3));
        c.Backward();
        Assert.That(c0.Grad, Is.EqualTo(2));
    }

    [Test]
    public void LeafGradientsAccumulateUntilZeroGrad()
    {
        var x = new Value(2);
        Value f = x * x;
        f.Backward();
        f.Backward();
        Assert.That(x.Grad, Is.EqualTo(8), "two backward passes add up on the leaf, as in PyTorch");

        f.ZeroGrad();
        Assert.That(x.Grad, Is.EqualTo(8), "ZeroGrad clears the node it is called on, as on tensors");
        x.ZeroGrad();
        Assert.That(x.Grad, Is.Zero);
        f.Backward();
        Assert.That(x.Grad, Is.EqualTo(4));
    }

    [Test]
    public void AutodiffZeroGradClearsAWholeGraphOfValuesOrOfTensors()
    {
        var a = new Value(2);
        var b = new Value(3);
        Value f = a * b + a;
        f.Backward();
        Autodiff.ZeroGrad(f);
        Assert.That(new[] { a.Grad, b.Grad, f.Grad }, Is.All.Zero);

        Tensor<double> w = Tensor.FromArray([1.0, 2]).RequireGrad(), x = Tensor.FromArray([3.0, 4]).RequireGrad();
        Tensor<double> g = (w * x).Sum();
        g.Backward();
        Autodiff.ZeroGrad(g);
        Assert.That(new[] { w.Grad, x.Grad }, Is.All.Null);
    }

    [Test]
    public void IntermediateGradientsAreRecomputedNotAccumulated()
    {
        var x = new Value(2);
        Value h = x * 3;
        Value f = h * h;
        f.Backward();
        f.Backward();
        Assert.That(h.Grad, Is.EqualTo(12), "∂f/∂h = 2h, not twice that");
    }

    [Test]
    public void OnlyLeavesMayChangeTheirData()
    {
        var w = new Value(1);
        w.Data -= 0.5;
        Assert.That(w.Data, Is.EqualTo(0.5));
        Value y = w * 2;
        var error = Assert.Throws<InvalidOperationException>(() => y.Data = 3);
        Assert.That(error!.Message, Does.Contain("'*'"));
    }

    [Test]
    public void BackwardOnALeafSeedsOne()
    {
        var x = new Value(7);
        x.Backward();
        Assert.That(x.Grad, Is.EqualTo(1));
    }

    [Test]
    public void AMillionNodeChainRunsBackwardOnASmallStack()
    {
        // 256 KiB of stack would overflow at a few thousand frames of a recursive sort.
        double grad = 0, data = 0;
        var thread = new Thread(() =>
        {
            var x = new Value(0.5, "x");
            Value v = x;
            for (int i = 0; i < 1_000_000; i++) v = v + 1;
            v.Backward();
            grad = x.Grad;
            data = v.Data;
        }, maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();

        Assert.That(data, Is.EqualTo(1_000_000.5));
        Assert.That(grad, Is.EqualTo(1));
    }

    [Test]
    public void DeepChainOfFunctionsMatchesTheClosedForm()
    {
        // v ← v·1.0001 + 0.0001, 10,000 times: ∂v/∂x = 1.0001^10000.
        var x = new Value(0.5);
        Value v = x;
        for (int i = 0; i < 10_000; i++) v = v * 1.0001 + 0.0001;
        v.Backward();
        Assert.That(x.Grad, Is.EqualTo(Math.Pow(1.0001, 10_000)).Within(1e-9).Percent);
    }

    [Test]
    public void ConstantsAreMarkedAndDoubleOperandsBecomeConstants()
    {
        var x = new Value(2);
        Value y = 3 * x;
        Assert.That(y.GetInput(0).IsConstant, Is.True);
        Assert.That(y.GetInput(1).IsConstant, Is.False);
        Assert.That(x.IsLeaf, Is.True);
        Assert.That(y.IsLeaf, Is.False);
        Assert.Throws<ArgumentOutOfRangeException>(() => y.GetInput(2));
        Value c = Value.Constant(5);
        Assert.That((c.IsConstant, c.IsLeaf, c.InputCount), Is.EqualTo((true, true, 0)));
        Assert.That((x.IsConstant, x.InputCount), Is.EqualTo((false, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.GetInput(0));
        Assert.That((c * 2).IsConstant, Is.True, "an operation on constants only gives a constant");
    }

    [Test]
    public void ARecordedOperationAllocatesOneNodeOf72Bytes()
    {
        // The scalar engine's speed is mostly allocation: a node is header and method table (16 bytes), label, visit
        // mark, op, two inputs, value and gradient (8 each), and nothing more.
        var x = new Value(0.5);
        Value v = x;
        for (var i = 0; i < 100; i++) v = v * x;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) v = v * x;
        long perOperation = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000;
        Assert.That(perOperation, Is.EqualTo(72));
    }

    [Test]
    public void SubgradientsAtKinksFollowPyTorch()
    {
        var x = new Value(0);
        Value f = x.Relu() + x.Abs();
        f.Backward();
        Assert.That(x.Grad, Is.Zero);

        var b = new Value(0);
        var e = new Value(2);
        Value p = b.Pow(e); // ∂/∂e = 0^2·ln 0 is taken as its limit 0
        p.Backward();
        Assert.That(e.Grad, Is.Zero);
        Assert.That(b.Grad, Is.Zero);
    }

    [Test]
    public void SigmoidIsStableForLargeInputs()
    {
        Assert.That(new Value(-1000).Sigmoid().Data, Is.EqualTo(0));
        Assert.That(new Value(1000).Sigmoid().Data, Is.EqualTo(1));
        var x = new Value(-800);
        Value s = x.Sigmoid();
        s.Backward();
        Assert.That(double.IsFinite(x.Grad), Is.True);
    }

    [Test]
    public void ACustomOperationTakesPartInBackpropagation()
    {
        var x = new Value(0.3);
        Value y = new Softplus().Apply(x);
        y.Backward();
        Assert.That(y.Data, Is.EqualTo(Math.Log(1 + Math.Exp(0.3))).Within(1e-15));
        Assert.That(x.Grad, Is.EqualTo(1 / (1 + Math.Exp(-0.3))).Within(1e-15));
    }

    private sealed class Softplus() : UnaryScalarOp("softplus")
    {
        public override double Forward(double x) => Math.Log(1 + Math.Exp(x));
        public override double Derivative(double x, double y) => 1 / (1 + Math.Exp(-x));
        public override string DerivativeFormula(string x, string y) => $"sigmoid({x})";
    }

    [Test]
    public void RepeatedConstantsAreSharedWithoutMixingGradients()
    {
        var x = new Value(3);
        var y = new Value(-2);
        Value f = x * 2 + y * 2 + x * 2;
        f.Backward();
        Assert.That(x.Grad, Is.EqualTo(4));
        Assert.That(y.Grad, Is.EqualTo(2));

        // A second, unrelated graph using the same constant is unaffected by the first.
        var z = new Value(5);
        Value g = z * 2;
        g.Backward();
        Assert.That(z.Grad, Is.EqualTo(2));
        var two = (Value)g.GetInput(1);
        Assert.That(two.IsConstant, Is.True);
        Assert.That(two.Grad, Is.Zero, "constants take no gradient");
        Assert.Throws<InvalidOperationException>(() => two.Data = 3);
    }
}
