using System.Text;
using System.Text.Json;
using Autograd.Tests.Support;

namespace Autograd.Tests.Cli;

public class GradCommandTests
{
    private const string Classic = "q = x + y; f = q * z";

    [Test]
    public void PrintsTheValueAndEveryGradient()
    {
        var result = CliRunner.Run("grad", Classic, "x=-2", "y=5", "z=-4");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Is.EqualTo("f = -12\n∂f/∂x = -4\n∂f/∂y = -4\n∂f/∂z = 3\n"));
    }

    [Test]
    public void JsonIsExactlyOneObjectWithRoundTripNumbers()
    {
        var result = CliRunner.Run("grad", "f = x / 3 + y", "x=1", "y=0.1", "--json");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Is.EqualTo("{\"value\":0.43333333333333335,\"grad\":{\"x\":0.3333333333333333,\"y\":1}}\n"));

        using var document = JsonDocument.Parse(result.Out);
        Assert.That(document.RootElement.GetProperty("value").GetDouble(), Is.EqualTo(1.0 / 3 + 0.1));
        Assert.That(document.RootElement.GetProperty("grad").GetProperty("x").GetDouble(), Is.EqualTo(1.0 / 3));
    }

    [Test]
    public void ExplainShowsTheChainRuleSteps()
    {
        var result = CliRunner.Run("grad", Classic, "x=-2", "y=5", "z=-4", "--explain");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Snapshot.Verify(result.Out);
    }

    [Test]
    public void WritesTheGraphFiles()
    {
        string folder = Directory.CreateTempSubdirectory("autograd-cli-").FullName;
        try
        {
            string dot = Path.Combine(folder, "g.dot"), mermaid = Path.Combine(folder, "g.mmd"), svg = Path.Combine(folder, "g.svg");
            var result = CliRunner.Run("grad", Classic, "x=-2", "y=5", "z=-4", "--dot", dot, "--mermaid", mermaid, "--svg", svg);
            if (result.ExitCode == 3 && Environment.GetEnvironmentVariable("CI") is null)
            {
                Assert.That(result.Error, Does.Contain("Graphviz"));
                return;
            }

            Assert.That(result.ExitCode, Is.Zero, result.Error);
            Assert.That(File.ReadAllText(dot), Does.StartWith("digraph autograd {"));
            Assert.That(File.ReadAllText(mermaid), Does.StartWith("flowchart LR"));
            string picture = File.ReadAllText(svg);
            Assert.That(picture, Does.Contain("<svg"));
            Assert.That(picture, Does.Contain("data &#45;12").Or.Contain("data -12"), "the picture shows values");
            Assert.That(picture, Does.Contain("grad &#45;4").Or.Contain("grad -4"), "and gradients");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void NamesMayBeReboundAndTheLastStatementIsTheOutput()
    {
        var result = CliRunner.Run("grad", "c = x; c = c + 1\nc = c * c  # (x + 1)²\n", "x=2", "--json");
        Assert.That(result.Out, Is.EqualTo("{\"value\":9,\"grad\":{\"x\":6}}\n"));
    }

    [Test]
    public void PrecedenceFollowsMathematics()
    {
        // ^ is right-associative and binds tighter than unary minus.
        Assert.That(Value("-x^2", "x=3"), Is.EqualTo(-9));
        Assert.That(Value("2^3^2"), Is.EqualTo(512));
        Assert.That(Value("2^-1"), Is.EqualTo(0.5));
        Assert.That(Value("1 - 2 - 3"), Is.EqualTo(-4));
        Assert.That(Value("12 / 3 / 2"), Is.EqualTo(2));
        Assert.That(Value("1 + 2 * 3"), Is.EqualTo(7));
        Assert.That(Value("(1 + 2) * 3"), Is.EqualTo(9));
        Assert.That(Value("--x", "x=4"), Is.EqualTo(4));
        Assert.That(Value("1.5e2 + .5"), Is.EqualTo(150.5));
    }

    [Test]
    public void AnExponentOfConstantsAloneIsAConstantSoANegativeBaseHasADerivative()
    {
        // d/dx x^-1 = -x^-2 and d/dx x^(1/3) = x^(-2/3)/3 at x = -2 and 8; a base's derivative needs no ln(base) for
        // a constant exponent, but -1 is a negation of 1 and 1/3 a division.
        var result = CliRunner.Run("grad", "f = x ^ -1 + y ^ (1/3)", "x=-2", "y=8", "--json");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using (var document = JsonDocument.Parse(result.Out))
        {
            JsonElement grad = document.RootElement.GetProperty("grad");
            Assert.That(document.RootElement.GetProperty("value").GetDouble(), Is.EqualTo(1.5).Within(1e-15));
            Assert.That(grad.GetProperty("x").GetDouble(), Is.EqualTo(-0.25));
            Assert.That(grad.GetProperty("y").GetDouble(), Is.EqualTo(1.0 / 12).Within(1e-15));
        }

        // An exponent that depends on an input still has ln(base) in its derivative, which a negative base makes NaN.
        result = CliRunner.Run("grad", "f = x ^ -y", "x=-2", "y=1");
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error, Does.Contain("with respect to its second input is NaN"));
    }

    [Test]
    public void ABareExpressionIsTheOutputAndAnUnusedInputHasGradientZero()
    {
        var result = CliRunner.Run("grad", "x * x", "x=3", "unused=1");
        Assert.That(result.Out, Is.EqualTo("out = 9\n∂out/∂x = 6\n∂out/∂unused = 0\n"));
    }

    [Test]
    public void AHundredThousandStatementChainOnStandardInputIsExact()
    {
        var program = new StringBuilder("s = x\n");
        for (int i = 1; i < 100_000; i++) program.Append("s = s + x\n");
        var result = CliRunner.Run(["grad", "-", "x=0.5", "--json"], program.ToString());
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Is.EqualTo("{\"value\":50000,\"grad\":{\"x\":100000}}\n"));
    }

    [Test]
    public void NestedParenthesesWithinTheLimitGiveTheRightAnswer()
    {
        string program = new string('(', 900) + "x + 1" + new string(')', 900) + " * 2";
        var result = CliRunner.Run("grad", program, "x=1", "--json");
        Assert.That(result.Out, Is.EqualTo("{\"value\":4,\"grad\":{\"x\":2}}\n"), result.Error);
    }

    [Test]
    public void ParenthesesNestedTooDeeplyGiveAClearError()
    {
        string program = new string('(', 100_000) + "x" + new string(')', 100_000);
        var result = CliRunner.Run("grad", program, "x=1");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.StartWith("error: the expression nests more than 1000 levels deep"));
        Assert.That(result.Out, Is.Empty);
    }

    private static double Value(string program, params string[] bindings)
    {
        var result = CliRunner.Run(["grad", program, .. bindings, "--json"]);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using var document = JsonDocument.Parse(result.Out);
        return document.RootElement.GetProperty("value").GetDouble();
    }
}
