using System.Text.Json;
using System.Xml.Linq;
using Autograd.Tests.Support;

namespace Autograd.Tests.Cli;

/// <summary>autograd train, summary, predict and eval on data the tests make.</summary>
public sealed class TrainCommandTests : FileTests
{
    [Test]
    public void TrainsSpiralsSavesThePlotAndTheModelAndPrintsOnlyJson()
    {
        CliResult result = CliRunner.Run("train", "--data", "spirals", "--layers", "2,32,32,3", "--epochs", "25", "--batch", "32", "--lr", "0.01",
            "--seed", "3", "--save", PathOf("spirals.safetensors"), "--curve", PathOf("curve.svg"), "--json");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using JsonDocument figures = JsonDocument.Parse(result.Out);
        Assert.That(figures.RootElement.GetProperty("test_accuracy").GetDouble(), Is.GreaterThan(0.9));
        Assert.That(figures.RootElement.GetProperty("epochs").GetInt32(), Is.EqualTo(25));
        Assert.That(figures.RootElement.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "test_accuracy", "test_loss", "epochs", "seconds" }));
        Assert.That(result.Error, Does.Contain("epoch 25/25"), "progress goes to standard error");

        XDocument curve = XDocument.Load(PathOf("curve.svg"));
        Assert.That(curve.Root!.Name.LocalName, Is.EqualTo("svg"));
        Assert.That(curve.Descendants().Count(e => e.Name.LocalName == "path"), Is.EqualTo(2), "loss and accuracy curves");

        CliResult summary = CliRunner.Run("summary", PathOf("spirals.safetensors"));
        Assert.That(summary.Out, Does.Contain("Linear (2 → 32)").And.Contain("Total parameters: 1,251"));

        CliResult evaluation = CliRunner.Run("eval", PathOf("spirals.safetensors"), "--json");
        using JsonDocument evaluated = JsonDocument.Parse(evaluation.Out);
        Assert.That(evaluated.RootElement.GetProperty("test_accuracy").GetDouble(), Is.EqualTo(figures.RootElement.GetProperty("test_accuracy").GetDouble()));

        CliResult prediction = CliRunner.Run("predict", PathOf("spirals.safetensors"), "[[0,0.05],[0.3,-0.6]]", "--json");
        using JsonDocument predicted = JsonDocument.Parse(prediction.Out);
        Assert.That(predicted.RootElement.GetArrayLength(), Is.EqualTo(2));
    }

    [Test]
    public void TrainsOnACsvFileWithStandardizationCarriedIntoTheModel()
    {
        // Class 1 when x + 100·y > 150: separable, but only after standardizing the very different scales.
        var random = new Random(2);
        var lines = new List<string> { "x,y,label" };
        for (int i = 0; i < 200; i++)
        {
            double x = random.NextDouble() * 100, y = random.NextDouble() * 2;
            lines.Add(FormattableString.Invariant($"{x},{y},{(x + 100 * y > 150 ? "high" : "low")}"));
        }

        File.WriteAllLines(PathOf("data.csv"), lines);
        CliResult result = CliRunner.Run("train", "--data", PathOf("data.csv"), "--epochs", "40", "--batch", "16", "--lr", "0.01",
            "--save", PathOf("m.safetensors"), "--json");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using JsonDocument figures = JsonDocument.Parse(result.Out);
        Assert.That(figures.RootElement.GetProperty("test_accuracy").GetDouble(), Is.GreaterThan(0.9));

        CliResult prediction = CliRunner.Run("predict", PathOf("m.safetensors"), "[[90, 1.9], [5, 0.1]]");
        Assert.That(prediction.Out, Does.StartWith("0: high").And.Contain("1: low"));

        // The model records the CSV file by its full path, so eval finds it from a folder other than the file's.
        Assert.That(Path.GetDirectoryName(PathOf("data.csv")), Is.Not.EqualTo(Environment.CurrentDirectory));
        CliResult evaluation = CliRunner.Run("eval", PathOf("m.safetensors"), "--json");
        Assert.That(evaluation.ExitCode, Is.Zero, evaluation.Error);
        Assert.That(evaluation.Out, Does.Contain("\"samples\":200"));
    }

    [Test]
    public void PrintsAnEpochTableWithValidation()
    {
        CliResult result = CliRunner.Run("train", "--data", "moons", "--epochs", "3", "--validation-split", "0.2", "--patience", "5", "--curve", PathOf("c.svg"));
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Does.Contain("epoch      loss  accuracy  val loss  val acc  seconds"));
        Assert.That(result.Out, Does.Contain("test: loss"));
    }

    [TestCase(new[] { "train", "--data", "nowhere" }, "unknown data 'nowhere'")]
    [TestCase(new[] { "train", "--data", "xor", "--layers", "3,4,2" }, "--layers starts with 3 inputs, but the data has 2")]
    [TestCase(new[] { "train", "--data", "xor", "--layers", "2,x,2" }, "entry 2 ('x') is not a positive whole number")]
    [TestCase(new[] { "train", "--data", "xor", "--optimizer", "lion" }, "unknown optimizer 'lion'")]
    [TestCase(new[] { "train", "--data", "xor", "--patience", "2" }, "--patience watches the validation loss")]
    [TestCase(new[] { "train", "--data", "spirals", "--loss", "bce" }, "needs two classes")]
    [TestCase(new[] { "train", "--data", "mnist", "--data-dir", "/nonexistent" }, "--data-dir")]
    [TestCase(new[] { "summary", "/nonexistent/model.safetensors" }, "error:")]
    [TestCase(new[] { "train", "--data", "xor", "--save", "/nonexistent/model.safetensors" }, "no directory '/nonexistent'")]
    public void MistakesAreOneClearLine(string[] args, string expected)
    {
        CliResult result = CliRunner.Run(args);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain(expected));
        Assert.That(result.Error, Does.Not.Contain("   at "), "no stack trace");
    }
}
