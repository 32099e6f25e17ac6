using System.Text.Json;
using Autograd.Cli.Language;

namespace Autograd.Tests.Scalar;

/// <summary>
/// Programs whose values and gradients PyTorch computed in float64 (Reference/make_scalar_reference.py); each is
/// run through the CLI's compiler and the scalar engine and must agree to 1e-12.
/// </summary>
public class PyTorchReferenceTests
{
    public sealed record ReferenceCase(string Program, Dictionary<string, double> Bindings, double Value, Dictionary<string, double> Grad)
    {
        public override string ToString() => Program;
    }

    private static readonly JsonSerializerOptions s_json = new() { PropertyNameCaseInsensitive = true };

    private sealed record ReferenceFile(string Generator, List<ReferenceCase> Cases);

    public static IEnumerable<ReferenceCase> Cases()
    {
        string path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Reference", "scalar_reference.json");
        var file = JsonSerializer.Deserialize<ReferenceFile>(File.ReadAllText(path), s_json);
        return file!.Cases;
    }

    [TestCaseSource(nameof(Cases))]
    public void ValueAndGradientsMatchPyTorch(ReferenceCase reference)
    {
        var evaluation = Evaluator.Run(Compiler.Compile(reference.Program), [.. reference.Bindings]);
        evaluation.Output.Backward();

        Assert.That(evaluation.Output.Data, Is.EqualTo(reference.Value).Within(1e-12 * Math.Max(1, Math.Abs(reference.Value))));
        foreach (var (name, leaf) in evaluation.Inputs)
        {
            double expected = reference.Grad[name];
            Assert.That(leaf.Grad, Is.EqualTo(expected).Within(1e-12 * Math.Max(1, Math.Abs(expected))), $"∂/∂{name}");
        }
    }

    [Test]
    public void TheReferenceFileHasEveryCase() => Assert.That(Cases().Count(), Is.GreaterThanOrEqualTo(16));
}
