using System.Globalization;
using System.Text.Json;
using Autograd.Tests.Support;

namespace Autograd.Tests.Cli;

/// <summary>autograd grad and gradcheck on tensors: JSON bindings, @, the tensor functions, explanations and errors.</summary>
public sealed class TensorCliTests
{
    private static double[,] Matrix(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var m = new double[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                m[i, j] = random.Next(-9, 10) / 4.0;
        return m;
    }

    private static string Json(double[,] m) =>
        "[" + string.Join(",", Enumerable.Range(0, m.GetLength(0)).Select(i =>
            "[" + string.Join(",", Enumerable.Range(0, m.GetLength(1)).Select(j => m[i, j].ToString("R", CultureInfo.InvariantCulture))) + "]")) + "]";

    private static double[,] Read(JsonElement element)
    {
        var rows = element.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var m = new double[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < rows[0].Length; j++)
                m[i, j] = rows[i][j];
        return m;
    }

    [Test]
    public void MatrixProductGradientsAreTheTransposedProducts()
    {
        double[,] w = Matrix(5, 10, 1), x = Matrix(10, 3, 2), g = Matrix(5, 3, 3);
        CliResult result = CliRunner.Run("grad", "D = W @ X; f = sum(D * G)", $"W={Json(w)}", $"X={Json(x)}", $"G={Json(g)}", "--json");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using JsonDocument json = JsonDocument.Parse(result.Out);
        double[,] dW = Read(json.RootElement.GetProperty("grad").GetProperty("W"));
        double[,] dX = Read(json.RootElement.GetProperty("grad").GetProperty("X"));

        // dW = G·Xᵀ and dX = Wᵀ·G, by plain loops.
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 10; j++)
                Assert.That(dW[i, j], Is.EqualTo(Enumerable.Range(0, 3).Sum(c => g[i, c] * x[j, c])).Within(1e-12));
        for (int i = 0; i < 10; i++)
            for (int j = 0; j < 3; j++)
                Assert.That(dX[i, j], Is.EqualTo(Enumerable.Range(0, 5).Sum(r => w[r, i] * g[r, j])).Within(1e-12));

        double value = 0;
        for (int r = 0; r < 5; r++)
            for (int c = 0; c < 3; c++)
                value += g[r, c] * Enumerable.Range(0, 10).Sum(k => w[r, k] * x[k, c]);
        Assert.That(json.RootElement.GetProperty("value").GetDouble(), Is.EqualTo(value).Within(1e-12));
    }

    [Test]
    public void ExplanationShowsTheVectorStepWithShapes()
    {
        CliResult big = CliRunner.Run("grad", "D = W @ X; f = sum(D * G)", $"W={Json(Matrix(5, 10, 1))}", $"X={Json(Matrix(10, 3, 2))}", $"G={Json(Matrix(5, 3, 3))}", "--explain");
        Assert.That(big.Out, Does.Contain("∂f/∂W = ∂f/∂D · Xᵀ   [5×3]·[3×10] → [5×10]"));
        Assert.That(big.Out, Does.Contain("∂f/∂X = Wᵀ · ∂f/∂D   [10×5]·[5×3] → [10×3]"));

        CliResult small = CliRunner.Run("grad", "D = W @ X; f = sum(D * G)", "W=[[1,2],[3,4],[5,6]]", "X=[[1,0,2],[0,1,1]]", "G=[[1,1,1],[0,1,0],[2,0,1]]", "--explain");
        Snapshot.Verify(small.Out);
    }

    [Test]
    public void TensorFunctionsMatchTheirFormulas()
    {
        // f = Σ log_softmax(x, 1) ⊙ t: the gradient is t − softmax(x)·Σt per row.
        CliResult result = CliRunner.Run("grad", "p = log_softmax(x, 1); f = sum(p * t)", "x=[[1,2,3],[0,-1,0.5]]", "t=[[0,1,0],[1,0,0]]", "--json");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using JsonDocument json = JsonDocument.Parse(result.Out);
        double[,] dx = Read(json.RootElement.GetProperty("grad").GetProperty("x"));
        double[][] x = [[1, 2, 3], [0, -1, 0.5]];
        double[][] t = [[0, 1, 0], [1, 0, 0]];
        for (int r = 0; r < 2; r++)
        {
            double z = x[r].Sum(Math.Exp);
            for (int c = 0; c < 3; c++)
                Assert.That(dx[r, c], Is.EqualTo(t[r][c] - Math.Exp(x[r][c]) / z * t[r].Sum()).Within(1e-12));
        }

        // mean, max along an axis, transpose, softmax and sum(x, axis) together, against central differences.
        CliResult check = CliRunner.Run("gradcheck", "a = softmax(x, 0); b = max(transpose(x) * w, 1); f = mean(a * x) + sum(sum(b, 0)) + sum(mean(x, 1))",
            "x=[[0.3,-1.2],[2.0,0.1],[-0.4,0.9]]", "w=[[1.5,-0.5,2.0],[0.25,1.0,-1.0]]");
        Assert.That(check.ExitCode, Is.Zero, check.Out + check.Error);
        Assert.That(check.Out, Does.Contain("all 12 gradient elements agree"));
    }

    [Test]
    public void ScalarInputsBecomeZeroDimensionalTensors()
    {
        CliResult result = CliRunner.Run("grad", "f = sum(x * s) + s ^ 2", "x=[1,2,3]", "s=0.5", "--json");
        Assert.That(result.Out.Trim(), Is.EqualTo("{\"value\":3.25,\"grad\":{\"x\":[0.5,0.5,0.5],\"s\":7}}"));
    }

    [Test]
    public void AConstantIsNamedByItsValueInTheExplanation()
    {
        CliResult result = CliRunner.Run("grad", "f = sum(x * 2)", "x=[1,2]", "--explain");
        Assert.That(result.Out, Does.Contain("∂f/∂x = ∂f/∂t1 ⊙ 2\n"));
    }

    [Test]
    public void ANegativeAxisCountsFromTheEnd()
    {
        // -1 is a negation of the number 1, and 1 - 2 a difference of two numbers: both are numbers written in the program.
        CliResult last = CliRunner.Run("grad", "f = sum(softmax(x, -1) * y)", "x=[[1,2],[3,5]]", "y=[[1,0],[0,1]]", "--json");
        CliResult explicitAxis = CliRunner.Run("grad", "f = sum(softmax(x, 1) * y)", "x=[[1,2],[3,5]]", "y=[[1,0],[0,1]]", "--json");
        Assert.That(last.ExitCode, Is.Zero, last.Error);
        Assert.That(last.Out, Is.EqualTo(explicitAxis.Out));
        Assert.That(CliRunner.Run("grad", "f = sum(max(x, 1 - 2))", "x=[[1,4],[3,2]]", "--json").Out.Trim(),
            Is.EqualTo("{\"value\":7,\"grad\":{\"x\":[[0,1],[1,0]]}}"));
    }

    [TestCase(new[] { "grad", "D = W @ X", "W=[[1,2]]", "X=[[1,0],[2,0]]" }, "gradients need a single number: end with f = sum(D)")]
    [TestCase(new[] { "grad", "y = W @ x", "W=[[1,2],[3,4]]", "x=[1,1]", "--explain" }, "one backward pass gives one row of a vector output's Jacobian (a vector-Jacobian product), and autograd jacobian gives every row")]
    [TestCase(new[] { "grad", "W @ X ", "W=[[1,2]]", "X=[[1,0],[2,0]]" }, "the output W @ X has shape [1,2]; gradients need a single number: write f = sum(W @ X)")]
    [TestCase(new[] { "grad", "D = W @ X; f = sum(D)", "W=[[1,2,3]]", "X=[[1,2]]" }, "matmul: [1,3] @ [1,2]: inner dimensions 3 and 1 differ")]
    [TestCase(new[] { "grad", "f = sum(x, a)", "x=[1,2]", "a=0" }, "the axis of sum must be a whole number written in the program")]
    [TestCase(new[] { "grad", "f = sum(x)", "x=[[1,2],[3]]" }, "malformed binding 'x'")]
    [TestCase(new[] { "grad", "f = sum(clamp(x, y, 1))", "x=[1,2]", "y=[0]" }, "the min of clamp must be a number written in the program")]
    [TestCase(new[] { "grad", "f = sum(clamp(x, 2, 1))", "x=[1,2]" }, "clamp: min 2 is greater than max 1")]
    [TestCase(new[] { "grad", "f = softmax(x)", "x=[1,2]" }, "softmax takes a tensor and an axis")]
    [TestCase(new[] { "grad", "f = sum(log(x))", "x=[1,-2]" }, "log gives NaN at element 1")]
    public void MistakesAreOneClearLine(string[] args, string expected)
    {
        CliResult result = CliRunner.Run(args);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain(expected));
        Assert.That(result.Error, Does.Not.Contain("   at "));
    }

    [Test]
    public void AShapeErrorPointsAtTheOperator()
    {
        CliResult result = CliRunner.Run("grad", "f = sum(W @ X)", "W=[[1,2,3]]", "X=[[1,2]]");
        Assert.That(result.Error, Does.Contain("column 11"));
    }

    [Test]
    public void GraphDumpsShowShapesAndTypes()
    {
        CliResult result = CliRunner.Run("grad", "h = tanh(W @ x); f = sum(h)", "W=[[1,2],[3,4]]", "x=[0.5,-0.5]", "--tree");
        Assert.That(result.Out, Does.Contain("float64 [2]").And.Contain("float64 [2,2]"));
    }

    [Test]
    public void ALongTensorProgramOnStandardInputRuns()
    {
        string program = "c = x\n" + string.Concat(Enumerable.Repeat("c = c * 1.0001 + 0.0001\n", 20_000)) + "f = sum(c)\n";
        CliResult result = CliRunner.Run(["grad", "-", "x=[1,2]", "--json"], program);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using JsonDocument json = JsonDocument.Parse(result.Out);
        Assert.That(json.RootElement.GetProperty("grad").GetProperty("x")[0].GetDouble(), Is.EqualTo(Math.Pow(1.0001, 20_000)).Within(1e-9));
    }
}
