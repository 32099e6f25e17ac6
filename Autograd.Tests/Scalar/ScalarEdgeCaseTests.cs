using Autograd.Graph;
using Autograd.Visualization;

namespace Autograd.Tests.Scalar;

/// <summary>The scalar engine at the edges of its ops, against PyTorch 1.13 on the same expressions (noted beside each).</summary>
public sealed class ScalarEdgeCaseTests
{
    [Test]
    public void AbsOfNaNBackpropagatesWithoutThrowing()
    {
        // torch: abs(log(-1)) is nan, and the gradient reaching a is 0.
        var a = new Value(-1);
        Value y = a.Log().Abs();
        Assert.That(y.Data, Is.NaN);
        y.Backward();
        Assert.That(a.Grad, Is.Zero);
    }

    [Test]
    public void ReluPassesNaNAndADeadReluStopsAnInfiniteGradient()
    {
        // torch: relu(nan) is nan; for a = -1, log(relu(a)) is -inf and a's gradient is 0 (not inf·0 = nan).
        Assert.That(new Value(double.NaN).Relu().Data, Is.NaN);
        var a = new Value(-1);
        a.Relu().Log().Backward();
        Assert.That(a.Grad, Is.Zero);
    }

    [Test]
    public void DivisionByATinyOrHugeNumberHasAnExactGradient()
    {
        // torch: x / x at 1e-160 has gradient 0; for a / b at a = b = 1e-160, ∂/∂b = -1e160 (b² underflows to 0).
        var x = new Value(1e-160);
        (x / x).Backward();
        Assert.That(x.Grad, Is.Zero);

        var a = new Value(1e-160);
        var b = new Value(1e-160);
        (a / b).Backward();
        Assert.That(b.Grad, Is.EqualTo(-1e160));
    }

    [Test]
    public void TheExplanationWorksOutItsOwnGradientsWhateverTheGradFieldsHold()
    {
        // f = a·a at a = 2: ∂f/∂a = 2 + 2 = 4, however many backward passes have run (Grad would say 8 after two).
        var a = new Value(2, "a");
        Value f = (a * a).Named("f");
        f.Backward();
        f.Backward();
        Assert.That(a.Grad, Is.EqualTo(8), "leaf gradients accumulate, as in PyTorch");
        string explanation = ChainRuleExplainer.Explain(f);
        Assert.That(explanation, Does.Contain("∂f/∂a = 2 + 2 = 4"));
        Assert.That(explanation, Does.Not.Contain("8"));
        Value r = ((new Value(6, "p") / new Value(3, "q")).Named("t") * new Value(5, "s")).Named("r");
        Assert.That(ChainRuleExplainer.Explain(r), Does.Contain("= 5·(-p/q²) = 5·(-0.666667)"));
    }

    [Test]
    public void ABackwardPassInsideACustomDerivativeLeavesTheOuterPassIntact()
    {
        // The outer pass still has x + 1 to visit when the custom op's derivative runs its own pass.
        var x = new Value(3);
        Value y = new SquareByBackward().Apply(x + 1) * 2;
        y.Backward();
        Assert.That(x.Grad, Is.EqualTo(16), "d/dx 2(x + 1)² = 4(x + 1)");
    }

    /// <summary>y = x², whose derivative is found by a backward pass of its own.</summary>
    private sealed class SquareByBackward() : UnaryScalarOp("square")
    {
        public override double Forward(double x) => x * x;

        public override double Derivative(double x, double y)
        {
            var inner = new Value(x);
            (inner * inner).Backward();
            return inner.Grad;
        }

        public override string DerivativeFormula(string x, string y) => $"2·{x}";
    }

    [Test]
    public void ANullOperandIsAnArgumentError()
    {
        var x = new Value(1);
        Assert.Throws<ArgumentNullException>(() => _ = x + null!);
        Assert.Throws<ArgumentNullException>(() => _ = x.Pow(null!));
    }
}
