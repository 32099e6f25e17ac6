using System.Globalization;
using System.Text.RegularExpressions;
using Autograd.Tests.Support;
using Autograd.Tests.Tensors;
using Autograd.Visualization;

namespace Autograd.Tests.Ops;

/// <summary>
/// The numbers an explanation shows are the engine's: for every op, in scalar and in tensor mode, the upstream,
/// local and downstream numbers of each step, and the gradients it ends with, equal what backpropagation computes.
/// </summary>
public sealed partial class ExplanationNumbersTests
{
    private static IEnumerable<TestCaseData> Functions() =>
        FunctionTestCases.All.Select(f => new TestCaseData(f).SetArgDisplayNames(f.ToString()));

    private static IEnumerable<TestCaseData> TensorSpecs() =>
        TensorOpSpecs<double>.All.Select(spec => new TestCaseData(spec).SetArgDisplayNames(spec.ToString()));

    [TestCaseSource(nameof(Functions))]
    public void ScalarExplanationEndsWithTheEngineGradients(FunctionTestCase function)
    {
        var random = new Random(3);
        Value[] x = [.. Enumerable.Range(0, function.Function.Operands).Select(i => new Value(TensorOpSpec<double>.Draw(random, function.Domain, 1)[0], $"x{i}"))];
        // A second use of x0 after the function, so that the explanation also sums contributions.
        Value f = (function.Apply(x) * 1.5 + x[0] * x[0]).Named("f");
        string text = ChainRuleExplainer.Explain(f);
        f.Backward();

        string gradients = text[text.IndexOf("\nGradients\n", StringComparison.Ordinal)..];
        foreach (Value input in x)
        {
            Match line = Regex.Match(gradients, $@"∂f/∂{input.Label} = (?:.* = )?(\S+)(?: \(sum over its \d+ uses\))?\n");
            Assert.That(line.Success, Is.True, $"{input.Label} in:\n{text}");
            double shown = double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.That(shown, Is.EqualTo(input.Grad).Within(1e-5 * Math.Max(1, Math.Abs(input.Grad))), $"{function}: ∂f/∂{input.Label}\n{text}");
        }
    }

    [TestCaseSource(nameof(Functions))]
    public void ScalarStepsAreUpstreamTimesLocal(FunctionTestCase function)
    {
        var random = new Random(5);
        Value[] x = [.. Enumerable.Range(0, function.Function.Operands).Select(i => new Value(TensorOpSpec<double>.Draw(random, function.Domain, 1)[0], $"x{i}"))];
        Value y = function.Apply(x);
        Value f = (y * 1.5).Named("f");
        string text = ChainRuleExplainer.Explain(f);
        f.Backward();
        for (int i = 0; i < x.Length; i++)
        {
            // ∂f/∂x0 = ∂f/∂t1·∂t1/∂x0 = 1.5·formula = 1.5·local = contribution
            double local = y.Op!.LocalDerivative(y, i);
            Match line = Regex.Match(text, $@"∂f/∂x{i}(?: \(via [^)]*\))? = ∂f/∂\S+·∂\S+/∂x{i} = 1\.5·(?:.* = 1\.5·)?\(?(\S+?)\)? = (\S+)\n");
            Assert.That(line.Success, Is.True, $"the step into x{i} in:\n{text}");
            Assert.That(double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture), Is.EqualTo(local).Within(1e-5 * Math.Max(1, Math.Abs(local))));
            Assert.That(double.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture), Is.EqualTo(x[i].Grad).Within(1e-5 * Math.Max(1, Math.Abs(x[i].Grad))));
        }
    }

    [TestCaseSource(nameof(TensorSpecs))]
    public void TensorStepsAreTheEngineGradients(TensorOpSpec<double> spec)
    {
        Tensor<double>[] x = [.. spec.Inputs(9).Select(t => t.RequireGrad())];
        for (int i = 0; i < x.Length; i++) x[i].Label = $"x{i}";
        Tensor<double> y = spec.Apply(x);
        Tensor<double> f = (y * Tensor.RandomNormal<double>([.. y.Shape], seed: 4)).Sum();
        IReadOnlyList<TensorExplanationStep> steps = TensorChainRuleExplainer.Steps(f);
        Tensor<double>[] expected = Autodiff.Grad([f], x, retainGraph: true, allowUnused: true);

        for (int i = 0; i < x.Length; i++)
        {
            double[] total = new double[x[i].Size];
            foreach (TensorExplanationStep step in steps.Where(s => ReferenceEquals(s.Node.GetInput(s.Input), x[i])))
            {
                double[] part = step.Contribution.ToArray();
                for (int k = 0; k < total.Length; k++) total[k] += part[k];
            }

            Assert.That(total, Is.EqualTo(expected[i].ToArray()).Within(1e-12), $"{spec}: the steps into x{i}");
        }

        foreach (TensorExplanationStep step in steps.Where(s => s.Local is not null))
        {
            // For an elementwise function the step is the upstream gradient times the local derivative, summed to the
            // input's shape where it was broadcast.
            Tensor<double> product = (step.Upstream * step.Local!).SumToShape([.. step.Node.GetInput(step.Input) is Tensor<double> input ? input.Shape : []]);
            Assert.That(step.Contribution.ToArray(), Is.EqualTo(product.ToArray()).Within(1e-12), $"{spec}: {step.Node.Operation}, input {step.Input}");
        }

        Assert.That(TensorChainRuleExplainer.Explain(f), Does.Contain("Gradients"));
    }

    [Test]
    public void TheOutputOfAnAliasIsNamedByItsStatement()
    {
        Assert.That(CliRunner.Run("grad", "f = x", "x=2").Out, Is.EqualTo("f = 2\n∂f/∂x = 1\n"));
        Assert.That(CliRunner.Run("grad", "f = x", "x=[2]").Out, Is.EqualTo("f = 2\n∂f/∂x = [1]\n"));
    }

    [Test]
    public void ANonFiniteTensorGradientNamesItsOp()
    {
        CliResult result = CliRunner.Run("grad", "f = sum(sqrt(x) * 2)", "x=[0, 1]");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("the gradient that sqrt passes to 'x' is not finite"));
    }
}
