using System.Text.Json;
using Autograd.NN;
using Autograd.NN.Objectives;
using Autograd.NN.Optimizers;

namespace Autograd.Tests.NN;

/// <summary>Each optimizer follows PyTorch's trajectory on the same problem (Reference/make_optimizer_reference.py).</summary>
public sealed class OptimizerReferenceTests
{
    private static JsonElement Reference()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Reference", "optimizer_reference.json")));
        return document.RootElement.Clone();
    }

    private static IEnumerable<TestCaseData> Runs() =>
        Reference().GetProperty("runs").EnumerateArray().Select((run, i) =>
            new TestCaseData(i).SetArgDisplayNames($"{run.GetProperty("optimizer").GetString()} {run.GetProperty("options")}"));

    private static double[] Numbers(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetDouble())];

    private static double Option(JsonElement options, string name, double fallback) =>
        options.TryGetProperty(name, out JsonElement value) ? value.GetDouble() : fallback;

    private static Optimizer<double> Create(string name, JsonElement o, Tensor<double>[] parameters) => name switch
    {
        "sgd" => new Sgd<double>(parameters, Option(o, "lr", 0), Option(o, "momentum", 0),
            o.TryGetProperty("nesterov", out JsonElement n) && n.GetBoolean(), Option(o, "weight_decay", 0)),
        "rmsprop" => new RmsProp<double>(parameters, Option(o, "lr", 0), Option(o, "alpha", 0.9), Option(o, "eps", 1e-7)),
        "adam" => new Adam<double>(parameters, Option(o, "lr", 1e-3), Betas(o).Beta1, Betas(o).Beta2, Option(o, "eps", 1e-8), Option(o, "weight_decay", 0)),
        "adamw" => new AdamW<double>(parameters, Option(o, "lr", 1e-3), Betas(o).Beta1, Betas(o).Beta2, Option(o, "eps", 1e-8), Option(o, "weight_decay", 0.01)),
        _ => throw new ArgumentException($"no optimizer '{name}'"),
    };

    private static (double Beta1, double Beta2) Betas(JsonElement o) =>
        o.TryGetProperty("betas", out JsonElement betas) ? (betas[0].GetDouble(), betas[1].GetDouble()) : (0.9, 0.999);

    [TestCaseSource(nameof(Runs))]
    public void FollowsPyTorchsTrajectory(int runIndex)
    {
        JsonElement reference = Reference();
        JsonElement run = reference.GetProperty("runs")[runIndex];
        var x = Tensor.FromArray(Numbers(reference.GetProperty("x")), 4, 3);
        var y = Tensor.FromArray(Numbers(reference.GetProperty("y")), 4, 2);
        Tensor<double> w = Tensor.FromArray(Numbers(reference.GetProperty("w0")), 3, 2).RequireGrad();
        Tensor<double> b = Tensor.FromArray(Numbers(reference.GetProperty("b0")), 2).RequireGrad();
        Optimizer<double> optimizer = Create(run.GetProperty("optimizer").GetString()!, run.GetProperty("options"), [w, b]);

        int step = 0;
        foreach (JsonElement expected in run.GetProperty("steps").EnumerateArray())
        {
            optimizer.ZeroGrad();
            Tensor<double> loss = Losses.MeanSquaredError((x.MatMul(w) + b).Tanh(), y);
            loss.Backward();
            optimizer.Step();
            step++;
            Assert.That(loss.Item(), Is.EqualTo(expected.GetProperty("loss").GetDouble()).Within(1e-12), $"loss before step {step}");
            Assert.That(w.ToArray(), Is.EqualTo(Numbers(expected.GetProperty("w"))).Within(1e-12), $"w after step {step}");
            Assert.That(b.ToArray(), Is.EqualTo(Numbers(expected.GetProperty("b"))).Within(1e-12), $"b after step {step}");
        }
    }

    private static IEnumerable<TestCaseData> LbfgsRuns() =>
        Reference().GetProperty("lbfgs").EnumerateArray().Select((run, i) => new TestCaseData(i).SetArgDisplayNames(run.GetProperty("options").ToString()));

    [TestCaseSource(nameof(LbfgsRuns))]
    public void LbfgsWithFixedStepsFollowsPyTorchsTrajectory(int runIndex)
    {
        JsonElement reference = Reference();
        JsonElement run = reference.GetProperty("lbfgs")[runIndex];
        JsonElement options = run.GetProperty("options");
        var x = Tensor.FromArray(Numbers(reference.GetProperty("x")), 4, 3);
        var y = Tensor.FromArray(Numbers(reference.GetProperty("y")), 4, 2);
        Tensor<double> w = Tensor.FromArray(Numbers(reference.GetProperty("w0")), 3, 2).RequireGrad();
        Tensor<double> b = Tensor.FromArray(Numbers(reference.GetProperty("b0")), 2).RequireGrad();
        var optimizer = new Lbfgs<double>([w, b], Option(options, "lr", 1), (int)Option(options, "max_iter", 20), (int)Option(options, "history_size", 100));
        Tensor<double> Closure()
        {
            w.ZeroGrad();
            b.ZeroGrad();
            Tensor<double> loss = Losses.MeanSquaredError((x.MatMul(w) + b).Tanh(), y);
            loss.Backward();
            return loss;
        }

        int step = 0;
        foreach (JsonElement expected in run.GetProperty("steps").EnumerateArray())
        {
            double loss = optimizer.Step(Closure);
            step++;
            Assert.That(loss, Is.EqualTo(expected.GetProperty("loss").GetDouble()).Within(1e-10), $"loss at step {step}");
            Assert.That(w.ToArray(), Is.EqualTo(Numbers(expected.GetProperty("w"))).Within(1e-10), $"w after step {step}");
            Assert.That(b.ToArray(), Is.EqualTo(Numbers(expected.GetProperty("b"))).Within(1e-10), $"b after step {step}");
        }
    }

    private static Tensor<double> Rosenbrock(Tensor<double> xy)
    {
        Tensor<double> a = xy.Narrow(0, 0, 1), b = xy.Narrow(0, 1, 1);
        return ((1.0 - a).Pow(2.0) + 100.0 * (b - a * a).Pow(2.0)).Sum();
    }

    [Test]
    public void LbfgsWithStrongWolfeReachesPyTorchsMinimumOfRosenbrock()
    {
        Tensor<double> xy = Tensor.FromArray([-1.2, 1.0]).RequireGrad();
        var optimizer = new Lbfgs<double>([xy], maxIterations: 200, toleranceGrad: 1e-10, toleranceChange: 1e-14, strongWolfe: true);
        optimizer.Step(() =>
        {
            xy.ZeroGrad();
            Tensor<double> loss = Rosenbrock(xy);
            loss.Backward();
            return loss;
        });
        Assert.That(xy.ToArray(), Is.EqualTo(Numbers(Reference().GetProperty("lbfgs_strong_wolfe_rosenbrock"))).Within(1e-6));
        Assert.That(optimizer.Evaluations, Is.LessThan(200), "the line search keeps the number of evaluations small");
    }

    [Test]
    public void ConjugateGradientFindsTheMinimumOfRosenbrock()
    {
        // The minimum is (1, 1) (Rosenbrock, 1960); the path has no PyTorch counterpart to compare with.
        Tensor<double> xy = Tensor.FromArray([-1.2, 1.0]).RequireGrad();
        var optimizer = new ConjugateGradient<double>([xy], maxIterations: 500, toleranceGrad: 1e-9);
        optimizer.Step(() =>
        {
            xy.ZeroGrad();
            Tensor<double> loss = Rosenbrock(xy);
            loss.Backward();
            return loss;
        });
        Assert.That(xy.ToArray(), Is.EqualTo(new[] { 1.0, 1.0 }).Within(1e-6));
    }
}
