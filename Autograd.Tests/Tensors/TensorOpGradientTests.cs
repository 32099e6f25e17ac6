using System.Reflection;
using Autograd.Checking;

namespace Autograd.Tests.Tensors;

/// <summary>Every tensor op against central differences, to first and second order, in float64.</summary>
public sealed class TensorOpGradientTests
{
    private static IEnumerable<TestCaseData> Specs() =>
        TensorOpSpecs.All.Select(spec => new TestCaseData(spec).SetArgDisplayNames(spec.ToString()));

    [TestCaseSource(nameof(Specs))]
    public void GradCheck(TensorOpSpec spec)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            TensorGradCheckResult result = TensorGradCheck.Check(spec.Apply, spec.Inputs(seed));
            Assert.That(result.Passed, Is.True, () => $"{spec} (seed {seed}): {result.Report()}");
        }
    }

    [TestCaseSource(nameof(Specs))]
    public void GradGradCheck(TensorOpSpec spec)
    {
        TensorGradCheckResult result = TensorGradCheck.GradGradCheck(spec.Apply, spec.Inputs(7), seed: 11);
        Assert.That(result.Passed, Is.True, () => $"{spec}: {result.Report()}");
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
        ["Contiguous"] = "a copy that keeps the node: tested in TensorTests",
    };

    [Test]
    public void EveryOpHasASpec()
    {
        var methods = typeof(Tensor<double>)
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m.ReturnType == typeof(Tensor<double>) && !m.IsSpecialName)
            .Select(m => m.Name)
            .ToHashSet();
        var covered = TensorOpSpecs.All.Select(s => s.Name).ToHashSet();
        var missing = methods.Except(covered).Except(NotDifferentiable.Keys).Order().ToList();
        Assert.That(missing, Is.Empty, "ops without a spec in TensorOpSpecs");
    }
}
