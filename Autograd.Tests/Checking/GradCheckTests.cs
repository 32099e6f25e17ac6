using Autograd.Checking;
using Autograd.Graph;

namespace Autograd.Tests.Checking;

public class GradCheckTests
{
    [Test]
    public void AWrongDerivativeIsReportedByName()
    {
        var wrong = new WrongSquare();
        var result = GradCheck.Check(
            inputs => inputs["a"] * 2 + wrong.Apply(inputs["b"]),
            [KeyValuePair.Create("a", 1.5), KeyValuePair.Create("b", 0.7)]);

        Assert.That(result.Passed, Is.False);
        Assert.That(result.Mismatches, Is.EqualTo(new[] { "b" }));
        Assert.That(result.Entries[0].Passed, Is.True);
        Assert.That(result.Entries[1].Numerical, Is.EqualTo(1.4).Within(1e-8));
        Assert.That(result.Entries[1].Backprop, Is.EqualTo(0.7).Within(1e-15));
        Assert.That(result.Report(), Does.Contain("MISMATCH in b"));
    }

    [Test]
    public void GradGradCheckFindsABackwardThatIsWrongInTheUpstreamGradient()
    {
        // y = 3x whose backward cuts the upstream gradient out of the graph: its first derivatives are right, and so
        // are its second derivatives in x (zero), but vᵀ·∂y/∂x no longer depends on v as it must.
        static Tensor<double> Triple(Tensor<double> x)
        {
            Tensor<double> y;
            using (Autodiff.NoGrad()) y = x * 3.0;
            return Tensor<double>.Record(y, "triple", [x], g => [g.Detach() * 3.0]);
        }

        Tensor<double>[] point = [Tensor.RandomNormal<double>([2, 3], seed: 1)];
        Assert.That(TensorGradCheck.Check(x => Triple(x[0]), point).Passed, Is.True);
        TensorGradCheckResult second = TensorGradCheck.GradGradCheck(x => Triple(x[0]), point);
        Assert.That(second.Passed, Is.False);
        Assert.That(second.Mismatches.Select(m => m.Input).Distinct(), Is.EqualTo(new[] { 1 }), second.Report());
    }

    [Test]
    public void AKinkIsAMismatchAtItsCorner()
    {
        // relu at 0: backprop takes the subgradient 0, the central difference sees 0.5.
        var result = GradCheck.Check(v => v[0].Relu(), [0.0]);
        Assert.That(result.Passed, Is.False);
        Assert.That(result.Entries[0].Numerical, Is.EqualTo(0.5).Within(1e-9));
    }

    [Test]
    public void TolerancesFollowTheOptions()
    {
        var wrong = new WrongSquare();
        var loose = new GradCheckOptions(AbsoluteTolerance: 1, RelativeTolerance: 0);
        Assert.That(GradCheck.Check(v => wrong.Apply(v[0]), [0.7], loose).Passed, Is.True);
        Assert.That(GradCheck.Check(v => wrong.Apply(v[0]), [0.7]).Passed, Is.False);
    }

    [Test]
    public void ErrorsAreAbsoluteAndRelative()
    {
        var entry = new GradCheckEntry("x", 0, Backprop: 2, Numerical: 2.5, Passed: false);
        Assert.That(entry.AbsoluteError, Is.EqualTo(0.5));
        Assert.That(entry.RelativeError, Is.EqualTo(0.2));
        Assert.That(new GradCheckEntry("x", 0, 0, 0, true).RelativeError, Is.Zero);
    }

    /// <summary>x² with the derivative x instead of 2x: a deliberately wrong rule.</summary>
    private sealed class WrongSquare() : UnaryScalarOp("square")
    {
        public override double Forward(double x) => x * x;
        public override double Derivative(double x, double y) => x;
        public override string DerivativeFormula(string x, string y) => x;
    }
}
