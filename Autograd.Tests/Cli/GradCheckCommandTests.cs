using Autograd.Tests.Support;

namespace Autograd.Tests.Cli;

public class GradCheckCommandTests
{
    [Test]
    public void AgreeingGradientsExitZeroWithATable()
    {
        var result = CliRunner.Run("gradcheck", "z = w1*a1 + w2*a2 + b; out = sigmoid(z)", "w1=0.5", "a1=2", "w2=-1.5", "a2=0.3", "b=0.1");
        Assert.That(result.ExitCode, Is.Zero, result.Out + result.Error);
        string[] lines = result.Out.TrimEnd('\n').Split('\n');
        Assert.That(lines[0], Does.StartWith("input").And.Contain("backprop").And.Contain("numerical"));
        Assert.That(lines.Skip(1).Take(5).Select(l => l.Split(' ')[0]), Is.EqualTo(new[] { "w1", "a1", "w2", "a2", "b" }));
        Assert.That(lines[^1], Does.EndWith("all gradients agree"));
    }

    [Test]
    public void AMismatchExitsOneAndNamesTheInput()
    {
        // At the kink of relu the subgradient 0 differs from the central difference 0.5.
        var result = CliRunner.Run("gradcheck", "f = relu(x) + y * y", "x=0", "y=3");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Out, Does.EndWith("MISMATCH in x\n"));
    }

    [Test]
    public void ToleranceOptionsAreUsed()
    {
        var result = CliRunner.Run("gradcheck", "f = relu(x)", "x=0", "--atol", "1");
        Assert.That(result.ExitCode, Is.Zero, result.Out);
        Assert.That(CliRunner.Run("gradcheck", "f = x", "x=0", "--eps", "0").ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void ProgramErrorsAreReportedAsSuch()
    {
        var result = CliRunner.Run("gradcheck", "f = log(x)", "x=-1");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.StartWith("error: log(-1) is NaN"));
    }
}
