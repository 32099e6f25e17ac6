using Autograd.Checking;

namespace Autograd.Tests.Scalar;

/// <summary>Every scalar op, checked against central differences at many random points away from its kinks.</summary>
public class ScalarGradCheckTests
{
    /// <summary>One row per op: how to apply it, and the domain its inputs are drawn from.</summary>
    public sealed record OpSpec(string Name, int Arity, Func<Value[], Value> Apply, double Low, double High, Func<double[], bool>? Avoid = null)
    {
        public override string ToString() => Name;
    }

    public static readonly OpSpec[] Ops =
    [
        new("add", 2, v => v[0] + v[1], -5, 5),
        new("subtract", 2, v => v[0] - v[1], -5, 5),
        new("multiply", 2, v => v[0] * v[1], -5, 5),
        new("divide", 2, v => v[0] / v[1], -5, 5, x => Math.Abs(x[1]) < 0.2),
        new("power", 2, v => v[0].Pow(v[1]), 0.2, 3),
        new("power of constant", 1, v => v[0].Pow(3.5), 0.1, 4),
        new("power of negative constant", 1, v => v[0].Pow(-2), 0.3, 4),
        new("integer power of negative base", 1, v => v[0].Pow(3), -3, 3),
        new("negate", 1, v => -v[0], -5, 5),
        new("exp", 1, v => v[0].Exp(), -5, 5),
        new("log", 1, v => v[0].Log(), 0.05, 10),
        new("sqrt", 1, v => v[0].Sqrt(), 0.05, 10),
        new("abs", 1, v => v[0].Abs(), -5, 5, x => Math.Abs(x[0]) < 1e-3),
        new("sin", 1, v => v[0].Sin(), -5, 5),
        new("cos", 1, v => v[0].Cos(), -5, 5),
        new("tanh", 1, v => v[0].Tanh(), -4, 4),
        new("sigmoid", 1, v => v[0].Sigmoid(), -8, 8),
        new("relu", 1, v => v[0].Relu(), -5, 5, x => Math.Abs(x[0]) < 1e-3),
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
    public void EveryPrimitiveHasASpec()
    {
        var primitives = typeof(ScalarOps).GetFields().Select(f => f.Name).Append(nameof(ScalarOps.PowerOf)).ToList();
        var specified = Ops.Select(o => o.Name.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()).ToList();
        foreach (string primitive in primitives)
        {
            string key = primitive.ToUpperInvariant() switch { "POWEROF" => "POWEROFCONSTANT", var other => other };
            Assert.That(specified, Does.Contain(key), $"ScalarOps.{primitive} has no gradient-check spec");
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

    private static double[] Sample(Random random, OpSpec op)
    {
        while (true)
        {
            var point = new double[op.Arity];
            for (int i = 0; i < point.Length; i++) point[i] = op.Low + random.NextDouble() * (op.High - op.Low);
            if (op.Avoid?.Invoke(point) != true) return point;
        }
    }
}
