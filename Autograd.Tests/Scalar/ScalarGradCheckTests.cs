using Autograd.Checking;
using Autograd.Tests.Tensors;

namespace Autograd.Tests.Scalar;

/// <summary>Every scalar op, checked against central differences at many random points away from its kinks.</summary>
public class ScalarGradCheckTests
{
    /// <summary>One row per op: how to apply it, and the domain its inputs are drawn from.</summary>
    public sealed record OpSpec(string Name, int Arity, Func<Value[], Value> Apply, Domain Domain)
    {
        public override string ToString() => Name;
    }

    /// <summary>Every elementwise function of the catalog, drawn from its domain, and a few variants of the power.</summary>
    public static readonly OpSpec[] Ops =
    [
        .. Autograd.Tests.Ops.FunctionTestCases.All.Select(f => new OpSpec(f.ToString(), f.Function.Operands, f.Apply, f.Domain)),
        new("power of negative constant", 1, v => v[0].Pow(-2), Domain.Positive),
        new("integer power of negative base", 1, v => v[0].Pow(3), Domain.Any),
        new("fractional power", 1, v => v[0].Pow(3.5), Domain.Positive),
    ];

    [TestCaseSource(nameof(Ops))]
    public void OpMatchesCentralDifferences(OpSpec op)
    {
        var random = new Random(op.Name.Length * 7919 + op.Arity);
        for (int trial = 0; trial < 200; trial++)
        {
            double[] point = Sample(random, op);
            GradCheckResult result = GradCheck.Check(op.Apply, point);
            Assert.That(result.Passed, Is.True, () => $"{op.Name} at ({string.Join(", ", point)}):\n{result.Report()}");
        }
    }

    [Test]
    public void CompositionsMatchCentralDifferences()
    {
        Func<Value[], Value>[] functions =
        [
            v => (v[0] * v[1] + v[2]).Tanh() * v[0] - (v[1] / (v[2].Pow(2) + 1)).Exp(),
            v => ((v[0] - v[1]).Pow(2) + 1e-2).Sqrt().Log() + v[2].Sigmoid() * v[0].Sin(),
            v => (v[0] * v[0] * v[0] + v[0] * v[1] + v[1].Cos()) / (1 + v[2].Abs() + v[2].Pow(2)),
            v =>
            {
                // A tiny two-neuron network with a shared input.
                Value h1 = (v[0] * 0.5 + v[1] * -1.5 + 0.1).Tanh();
                Value h2 = (v[0] * -0.3 + v[2] * 0.8).Sigmoid();
                return (h1 * v[2] + h2 * v[1] - 0.25).Pow(2);
            },
        ];

        var random = new Random(42);
        foreach (var (function, index) in functions.Select((f, i) => (f, i)))
        {
            for (int trial = 0; trial < 100; trial++)
            {
                double[] point = [random.NextDouble() * 4 - 2, random.NextDouble() * 4 - 2, random.NextDouble() * 4 - 2];
                GradCheckResult result = GradCheck.Check(function, point);
                Assert.That(result.Passed, Is.True, () => $"composition {index}:\n{result.Report()}");
            }
        }
    }

    private static double[] Sample(Random random, OpSpec op) =>
        [.. Enumerable.Range(0, op.Arity).Select(_ => TensorOpSpec<double>.Draw(random, op.Domain, 1)[0])];
}
