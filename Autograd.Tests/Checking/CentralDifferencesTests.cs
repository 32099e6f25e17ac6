using Autograd.Checking;

namespace Autograd.Tests.Checking;

/// <summary>The one central-difference routine, and the three public entry points that use it.</summary>
public class CentralDifferencesTests
{
    private const double H = 1e-3;

    [Test]
    public void EachCoordinateGivesTheQuotientsOfEveryOutputElement()
    {
        // f(a, b) = (a³, a·b). The central difference of a³ is ((a + h)³ − (a − h)³) / 2h = 3a² + h² exactly: the h² is
        // there, a one-sided difference would add 3ah as well.
        double[] point = [1.5, -2];
        var calls = new List<double[]>();
        double[][] quotients = CentralDifferences.Estimate(x =>
        {
            calls.Add(x);
            return [x[0] * x[0] * x[0], x[0] * x[1]];
        }, point, H);

        // The arrays f kept still hold the steps: each call had an array of its own.
        Assert.That(point, Is.EqualTo(new[] { 1.5, -2 }));
        Assert.That(calls.Select(x => x[0] - point[0]), Is.EqualTo(new[] { H, -H, 0, 0 }).Within(1e-15));
        Assert.That(calls.Select(x => x[1] - point[1]), Is.EqualTo(new[] { 0, 0, H, -H }).Within(1e-15));
        Assert.That(quotients[0], Is.EqualTo(new[] { 3 * 1.5 * 1.5 + H * H, -2 }).Within(1e-10));
        Assert.That(quotients[1], Is.EqualTo(new[] { 0, 1.5 }).Within(1e-10));
    }

    [Test]
    public void GradCheckTensorGradCheckAndNumericalJacobianGiveTheSameNumbers()
    {
        // f(a, b) = a³ + b³, whose central differences are 3a² + h² and 3b² + h².
        double[] point = [0.7, -1.3];
        double[] expected = [3 * 0.7 * 0.7 + H * H, 3 * 1.3 * 1.3 + H * H];
        // A negative absolute tolerance makes every entry a mismatch, so the tensor check reports every estimate.
        var everyEntry = new GradCheckOptions(Epsilon: H, AbsoluteTolerance: -1, RelativeTolerance: 0);

        double[] scalar = [.. GradCheck.Check(v => v[0] * v[0] * v[0] + v[1] * v[1] * v[1], point, everyEntry).Entries.Select(e => e.Numerical)];
        double[] jacobian = Autodiff.NumericalJacobian(x => (x * x * x).Sum(), Tensor.FromArray(point), H).ToArray();
        TensorGradCheckResult oneTensor = TensorGradCheck.Check(x => (x[0] * x[0] * x[0]).Sum(), [Tensor.FromArray(point)], everyEntry);
        TensorGradCheckResult twoTensors = TensorGradCheck.Check(
            x => (x[0] * x[0] * x[0]).Sum() + (x[1] * x[1] * x[1]).Sum(), [Tensor.FromArray([point[0]]), Tensor.FromArray([point[1]])], everyEntry);

        Assert.That(scalar, Is.EqualTo(expected).Within(1e-10));
        Assert.That(jacobian, Is.EqualTo(scalar));
        Assert.That(oneTensor.Mismatches.Select(m => m.Numerical), Is.EqualTo(scalar));
        Assert.That(twoTensors.Mismatches.Select(m => m.Numerical), Is.EqualTo(scalar));
        Assert.That(twoTensors.Mismatches.Select(m => (m.Input, m.InputElement)), Is.EqualTo(new[] { (0, 0), (1, 0) }));
        Assert.That(twoTensors.EntriesChecked, Is.EqualTo(2));
    }
}
