using System.Text.RegularExpressions;
using Autograd.Tests.Support;

namespace Autograd.Tests.Cli;

public class TourTests
{
    [Test]
    public void NoArgumentsShowTheTour()
    {
        var result = CliRunner.Run();
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Error, Is.Empty);
        // The last digits of a finite difference depend on the math library: keep the error columns out of the snapshot.
        Snapshot.Verify(Regex.Replace(result.Out, @"\d\.\de[+-]\d\d", "<error>"));
    }

    [Test]
    public void HelpListsTheCommands()
    {
        var result = CliRunner.Run("--help");
        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.Out, Does.Contain("grad").And.Contain("gradcheck"));
    }
}
