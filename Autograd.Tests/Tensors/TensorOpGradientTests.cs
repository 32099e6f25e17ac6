using System.Reflection;
using Autograd.Checking;

namespace Autograd.Tests.Tensors;

/// <summary>Every tensor op against central differences, to first and second order, in float64.</summary>
public sealed class TensorOpGradientTests
{
    private static IEnumerable<TestCaseData> Specs() =>
        TensorOpSpecs<double>.All.Select(spec => new TestCaseData(spec).SetArgDisplayNames(spec.ToString()));

    [TestCaseSource(nameof(Specs))]
    public void GradCheck(TensorOpSpec<double> spec)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            TensorGradCheckResult result = TensorGradCheck.Check(spec.Apply, spec.Inputs(seed));
            Assert.That(result.Passed, Is.True, () => $"{spec} (seed {seed}): {result.Report()}");
        }
    }

    [TestCaseSource(nameof(Specs))]
    public void GradGradCheck(TensorOpSpec<double> spec)
    {
        TensorGradCheckResult result = TensorGradCheck.GradGradCheck(spec.Apply, spec.Inputs(7), seed: 11);
        Assert.That(result.Passed, Is.True, () => $"{spec}: {result.Report()}");
    }

    /// <summary>
    /// The float32 path is the same generic code; this checks it computes the same values and vector-Jacobian
    /// products as float64, to float32 precision, for every spec.
    /// </summary>
    [TestCaseSource(nameof(SpecIndices))]
    public void Float32AgreesWithFloat64(int index)
    {
        TensorOpSpec<double> spec64 = TensorOpSpecs<double>.All[index];
        TensorOpSpec<float> spec32 = TensorOpSpecs<float>.All[index];
        Tensor<double>[] x64 = [.. spec64.Inputs(5).Select(t => t.RequireGrad())];
        Tensor<float>[] x32 = [.. spec32.Inputs(5).Select(t => t.RequireGrad())];
        Tensor<double> y64 = spec64.Apply(x64);
        Tensor<float> y32 = spec32.Apply(x32);
        AssertClose(y32.ToArray(), y64.ToArray(), $"{spec64}: output");

        Tensor<double> upstream = Tensor.RandomNormal<double>([.. y64.Shape], seed: 3);
        Tensor<double>[] g64 = Autodiff.Grad([y64], x64, [upstream], allowUnused: true);
        Tensor<float>[] g32 = Autodiff.Grad([y32], x32, [Tensor.FromArray(upstream.ToArray().Select(v => (float)v).ToArray(), [.. y32.Shape])], allowUnused: true);
        for (int i = 0; i < g64.Length; i++)
            AssertClose(g32[i].ToArray(), g64[i].ToArray(), $"{spec64}: gradient of input {i}");
    }

    private static IEnumerable<TestCaseData> SpecIndices() =>
        TensorOpSpecs<double>.All.Select((spec, i) => new TestCaseData(i).SetArgDisplayNames(spec.ToString()));

    private static void AssertClose(float[] actual, double[] expected, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        double scale = expected.Length == 0 ? 1 : Math.Max(1, expected.Max(Math.Abs));
        for (int i = 0; i < actual.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(2e-5 * scale), $"{what}, element {i}");
    }

    /// <summary>Methods of <see cref="Tensor{T}"/> that make tensors but have no gradient to check, with the reason.</summary>
    private static readonly Dictionary<string, string> NotDifferentiable = new()
    {
        ["Greater"] = "a 0/1 mask: no gradient, by definition",
        ["Less"] = "a 0/1 mask: no gradient, by definition",
        ["Equal"] = "a 0/1 mask: no gradient, by definition",
        ["ArgMax"] = "indices: no gradient, by definition",
        ["Detach"] = "cuts the graph: tested in TensorAutogradTests",
        ["RequireGrad"] = "marks a leaf: tested in TensorAutogradTests",
        ["RequireSparseGrad"] = "marks a leaf: tested in RowSparseGradientTests",
        ["Contiguous"] = "a copy that keeps the node: tested in TensorTests",
        // The named forms of the elementwise functions: each function of the catalog has specs of its own.
        ["Apply"] = "applies a catalog function: every one has a spec",
        ["Add"] = "the catalog's add",
        ["Subtract"] = "the catalog's sub",
        ["Multiply"] = "the catalog's mul",
        ["Divide"] = "the catalog's div",
        ["Negate"] = "the catalog's neg",
    };

    [Test]
    public void EveryFunctionOfTheCatalogHasASpec()
    {
        var specified = TensorOpSpecs<double>.All.Select(s => s.Name).ToHashSet();
        var missing = Autograd.Functions.FunctionCatalog.All.Select(f => f.Name).Where(name => !specified.Contains(name)).ToList();
        Assert.That(missing, Is.Empty);
        Assert.That(Autograd.Functions.FunctionCatalog.All.Select(f => f.Name), Is.SupersetOf(new[]
        {
            "exp", "log", "sqrt", "abs", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "leaky_relu", "elu", "gelu", "silu",
            "softplus", "log_sigmoid", "log1p", "expm1", "clamp", "minimum", "maximum", "pow", "erf",
        }), "the functions every mode must have");
    }

    [Test]
    public void EveryOpHasASpec()
    {
        var methods = typeof(Tensor<double>)
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m.ReturnType == typeof(Tensor<double>) && !m.IsSpecialName)
            .Select(m => m.Name)
            .ToHashSet();
        var covered = TensorOpSpecs<double>.All.Select(s => s.Name).ToHashSet();
        var missing = methods.Except(covered).Except(NotDifferentiable.Keys).Order().ToList();
        Assert.That(missing, Is.Empty, "ops without a spec in TensorOpSpecs");
    }
}
