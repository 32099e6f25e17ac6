using System.Text.Json;
using Autograd.Tests.Support;

namespace Autograd.Tests.Cli;

/// <summary>
/// <c>autograd jacobian</c> and <c>autograd hessian</c> against torch.autograd.functional.jacobian and hessian in
/// float64 (Reference/make_jacobian_reference.py): every block, shaped as PyTorch's, to 1e-9; and their errors.
/// </summary>
public sealed class DerivativeCommandTests
{
    private const double Tolerance = 1e-9;

    /// <summary>A program, its bindings, and PyTorch's value and blocks.</summary>
    public sealed record ReferenceCase(string Kind, string Program, Dictionary<string, JsonElement> Bindings, JsonElement Value,
        Dictionary<string, JsonElement>? Jacobian, Dictionary<string, Dictionary<string, JsonElement>>? Hessian)
    {
        public string[] Arguments => [Kind, Program, .. Bindings.Select(b => $"{b.Key}={JsonSerializer.Serialize(b.Value)}"), "--json"];

        public override string ToString() => $"{Kind} {Program}";
    }

    private sealed record ReferenceFile(string Generator, List<ReferenceCase> Cases);

    private static readonly JsonSerializerOptions s_json = new() { PropertyNameCaseInsensitive = true };

    private static readonly Lazy<ReferenceFile> s_file = new(() =>
    {
        string path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Reference", "jacobian_reference.json");
        return JsonSerializer.Deserialize<ReferenceFile>(File.ReadAllText(path), s_json)!;
    });

    public static IEnumerable<ReferenceCase> Cases() => s_file.Value.Cases;

    [TestCaseSource(nameof(Cases))]
    public void AgreesWithPyTorch(ReferenceCase reference)
    {
        CliResult result = CliRunner.Run(reference.Arguments);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using JsonDocument actual = JsonDocument.Parse(result.Out);
        JsonElement root = actual.RootElement;
        AssertClose(root.GetProperty("value"), reference.Value, "value");
        if (reference.Kind == "jacobian")
        {
            JsonElement blocks = root.GetProperty("jacobian");
            Assert.That(blocks.EnumerateObject().Select(p => p.Name), Is.EqualTo(reference.Jacobian!.Keys));
            foreach (var (name, expected) in reference.Jacobian!) AssertClose(blocks.GetProperty(name), expected, $"∂/∂{name}");
        }
        else
        {
            JsonElement rows = root.GetProperty("hessian");
            Assert.That(rows.EnumerateObject().Select(p => p.Name), Is.EqualTo(reference.Hessian!.Keys));
            foreach (var (row, columns) in reference.Hessian!)
                foreach (var (column, expected) in columns)
                    AssertClose(rows.GetProperty(row).GetProperty(column), expected, $"∂²/∂{row}∂{column}");
        }
    }

    [Test]
    public void TheReferencesIncludeTheMatrixProductAndASoftmaxLayer()
    {
        Assert.That(Cases().Select(c => c.Program), Has.Member("D = W @ X"));
        Assert.That(Cases().Count(c => c.Program.Contains("softmax", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(2));
        Assert.That(Cases().Count(c => c.Kind == "hessian"), Is.GreaterThanOrEqualTo(3));
    }

    [Test]
    public void TheMatrixProductsJacobianHasTheOutputShapeFollowedByTheInputShape()
    {
        ReferenceCase matmul = Cases().First(c => c.Program == "D = W @ X");
        using JsonDocument json = JsonDocument.Parse(CliRunner.Run(matmul.Arguments).Out);
        Assert.That(Shape(json.RootElement.GetProperty("jacobian").GetProperty("W")), Is.EqualTo(new[] { 5, 3, 5, 10 }));
        Assert.That(Shape(json.RootElement.GetProperty("jacobian").GetProperty("X")), Is.EqualTo(new[] { 5, 3, 10, 3 }));
    }

    [Test]
    public void TheTableNamesEveryElementAndSaysWhatARowIs()
    {
        CliResult result = CliRunner.Run("jacobian", "y = x * x", "x=[1,2]");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Snapshot.Verify(result.Out);
    }

    [Test]
    public void TheHessianTableHasOneBlockPerPairOfInputs()
    {
        CliResult result = CliRunner.Run("hessian", "f = x * sum(y ^ 2)", "x=0.5", "y=[1,-2]");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Snapshot.Verify(result.Out);
    }

    [TestCase("jacobian", "f = x * y", "x=1", "y=2", "jacobian needs a vector output, but 'f' is a single number")]
    [TestCase("hessian", "p = x * 2", "x=[1,2]", "y=0", "hessian needs a single-number output, but 'p' has shape [2]")]
    [TestCase("jacobian", "y = log(x)", "x=[0,1]", "z=0", "at element 0")]
    [TestCase("hessian", "f = sum(x) + y", "x=[1,2]", "y=[1", "malformed binding 'y'")]
    public void MistakesGiveOneClearLine(string command, string program, string first, string second, string message)
    {
        CliResult result = CliRunner.Run(command, program, first, second);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Out, Is.Empty);
            Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.LessThanOrEqualTo(2), result.Error);
            Assert.That(result.Error, Does.Contain(message));
            Assert.That(result.Error, Does.Not.Contain("   at "));
        });
    }

    [Test]
    public void AnInputIsNeeded()
    {
        CliResult result = CliRunner.Run("hessian", "f = 2 * 3");
        Assert.That(result.Error, Does.Contain("hessian needs at least one input"));
        Assert.That(result.ExitCode, Is.EqualTo(2));
    }

    private static int[] Shape(JsonElement nested)
    {
        var shape = new List<int>();
        for (JsonElement e = nested; e.ValueKind == JsonValueKind.Array; e = e[0]) shape.Add(e.GetArrayLength());
        return [.. shape];
    }

    private static void AssertClose(JsonElement actual, JsonElement expected, string where)
    {
        Assert.That(actual.ValueKind, Is.EqualTo(expected.ValueKind), $"{where}: nesting differs");
        if (expected.ValueKind == JsonValueKind.Number)
        {
            double a = actual.GetDouble(), e = expected.GetDouble();
            Assert.That(Math.Abs(a - e), Is.LessThanOrEqualTo(Tolerance * Math.Max(1, Math.Abs(e))), $"{where}: {a} against PyTorch's {e}");
            return;
        }

        Assert.That(actual.GetArrayLength(), Is.EqualTo(expected.GetArrayLength()), $"{where}: length differs");
        for (int i = 0; i < expected.GetArrayLength(); i++) AssertClose(actual[i], expected[i], $"{where}[{i}]");
    }
}
