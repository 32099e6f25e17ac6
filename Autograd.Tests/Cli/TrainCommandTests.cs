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

        // A CSV of samples has exactly the model's columns: a label column left in is an error, not dropped.
        File.WriteAllLines(PathOf("samples.csv"), ["x,y", "90,\"1.9\"", "5,0.1"]);
        Assert.That(CliRunner.Run("predict", PathOf("m.safetensors"), PathOf("samples.csv")).Out, Does.StartWith("0: high").And.Contain("1: low"));
        File.WriteAllLines(PathOf("labelled.csv"), ["x,y,label", "90,1.9,high"]);
        CliResult extra = CliRunner.Run("predict", PathOf("m.safetensors"), PathOf("labelled.csv"));
        Assert.That(extra.ExitCode, Is.EqualTo(2));
        Assert.That(extra.Error, Is.EqualTo($"error: {PathOf("labelled.csv")}:1: the header has 3 columns (x, y, label), but the model takes 2 features\n"));

        // The model records the CSV file by its full path, so eval finds it from a folder other than the file's.
        Assert.That(Path.GetDirectoryName(PathOf("data.csv")), Is.Not.EqualTo(Environment.CurrentDirectory));
        CliResult evaluation = CliRunner.Run("eval", PathOf("m.safetensors"), "--json");
        Assert.That(evaluation.ExitCode, Is.Zero, evaluation.Error);
        Assert.That(evaluation.Out, Does.Contain("\"samples\":40").And.Contain("\"evaluated\":\"test split\""), "the 20 % train held out");
    }

    [Test]
    public void PrintsAnEpochTableWithValidation()
    {
        CliResult result = CliRunner.Run("train", "--data", "moons", "--epochs", "3", "--validation-split", "0.2", "--patience", "5", "--curve", PathOf("c.svg"));
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Does.Contain("epoch      loss  accuracy  val loss  val acc  seconds"));
        Assert.That(result.Out, Does.Contain("test: loss"));
    }

    /// <summary>Three classes in well-separated clusters: a near (0, 0), b near (6, 6), c near (12, 0).</summary>
    private static List<string> ClusterRows(int perClass)
    {
        var random = new Random(4);
        var rows = new List<string>();
        foreach (var (name, x, y) in new[] { ("a", 0.0, 0.0), ("b", 6.0, 6.0), ("c", 12.0, 0.0) })
            for (int i = 0; i < perClass; i++)
                rows.Add(FormattableString.Invariant($"{x + random.NextDouble() - 0.5},{y + random.NextDouble() - 0.5},{name}"));
        return rows;
    }

    [Test]
    public void EvalReadsLabelsThroughTheModelsClassList()
    {
        List<string> rows = ClusterRows(60);
        File.WriteAllLines(PathOf("abc.csv"), ["x,y,label", .. rows]);
        CliResult trained = CliRunner.Run("train", "--data", PathOf("abc.csv"), "--epochs", "30", "--batch", "16", "--lr", "0.01",
            "--save", PathOf("abc.safetensors"), "--json");
        Assert.That(trained.ExitCode, Is.Zero, trained.Error);

        // Only b and c: read with its own classes, b would be label 0 (the model's a) and every answer wrong.
        File.WriteAllLines(PathOf("bc.csv"), ["x,y,label", .. rows.Where(r => !r.EndsWith(",a", StringComparison.Ordinal))]);
        CliResult bc = CliRunner.Run("eval", PathOf("abc.safetensors"), "--data", PathOf("bc.csv"), "--json");
        Assert.That(bc.ExitCode, Is.Zero, bc.Error);
        using JsonDocument figures = JsonDocument.Parse(bc.Out);
        Assert.That(figures.RootElement.GetProperty("test_accuracy").GetDouble(), Is.EqualTo(1.0));
        Assert.That(figures.RootElement.GetProperty("evaluated").GetString(), Is.EqualTo("all rows"));

        File.WriteAllLines(PathOf("bcd.csv"), ["x,y,label", rows[70], "6,0,d"]);
        CliResult bcd = CliRunner.Run("eval", PathOf("abc.safetensors"), "--data", PathOf("bcd.csv"));
        Assert.That(bcd.ExitCode, Is.EqualTo(2));
        Assert.That(bcd.Error, Is.EqualTo($"error: {PathOf("bcd.csv")}:3: unknown class 'd' (the classes are a, b, c)\n"));
    }

    [Test]
    public void EvalScoresTheSplitTrainHeldOutAndSaysWhenItScoresAWholeFile()
    {
        // Noise: accuracy on the training rows and on the held-out rows differ, so scoring the wrong rows shows.
        var random = new Random(5);
        string[] lines = ["a,b,c,label", .. Enumerable.Range(0, 200).Select(_ => FormattableString.Invariant(
            $"{random.NextDouble()},{random.NextDouble()},{random.NextDouble()},{(random.Next(2) == 0 ? "x" : "y")}"))];
        File.WriteAllLines(PathOf("noise.csv"), lines);
        CliResult trained = CliRunner.Run("train", "--data", PathOf("noise.csv"), "--epochs", "30", "--lr", "0.03", "--seed", "7",
            "--save", PathOf("noise.safetensors"), "--json");
        Assert.That(trained.ExitCode, Is.Zero, trained.Error);
        using JsonDocument train = JsonDocument.Parse(trained.Out);

        CliResult evaluated = CliRunner.Run("eval", PathOf("noise.safetensors"), "--json");
        Assert.That(evaluated.ExitCode, Is.Zero, evaluated.Error);
        using JsonDocument eval = JsonDocument.Parse(evaluated.Out);
        Assert.That(eval.RootElement.GetProperty("test_accuracy").GetDouble(), Is.EqualTo(train.RootElement.GetProperty("test_accuracy").GetDouble()));
        Assert.That(eval.RootElement.GetProperty("test_loss").GetDouble(), Is.EqualTo(train.RootElement.GetProperty("test_loss").GetDouble()));
        Assert.That(eval.RootElement.GetProperty("samples").GetInt32(), Is.EqualTo(40));

        // The same bytes under another name are the same data: the same split.
        File.Copy(PathOf("noise.csv"), PathOf("copy.csv"));
        CliResult copy = CliRunner.Run("eval", PathOf("noise.safetensors"), "--data", PathOf("copy.csv"));
        Assert.That(copy.Out, Does.Contain(": the test split train held out, 40 of 200 rows, loss"));

        File.WriteAllLines(PathOf("other.csv"), lines[..101]);
        CliResult other = CliRunner.Run("eval", PathOf("noise.safetensors"), "--data", PathOf("other.csv"));
        Assert.That(other.Out, Does.Contain(": all 100 rows (not the file the model was trained on), loss"));

        File.AppendAllLines(PathOf("noise.csv"), ["0.5,0.5,0.5,x"]);
        CliResult changed = CliRunner.Run("eval", PathOf("noise.safetensors"));
        Assert.That(changed.Out, Does.Contain(": all 201 rows (the file changed since training, so train's test split cannot be rebuilt), loss"));
    }

    [Test]
    public void EvalReadsTheClassColumnTrainWasGiven()
    {
        File.WriteAllLines(PathOf("data.csv"), ["label,x,y", .. ClusterRows(20).Select(r => string.Join(',', r.Split(',')[2], r.Split(',')[0], r.Split(',')[1]))]);
        CliResult trained = CliRunner.Run("train", "--data", PathOf("data.csv"), "--target", "label", "--epochs", "2", "--save", PathOf("m.safetensors"), "--json");
        Assert.That(trained.ExitCode, Is.Zero, trained.Error);
        CliResult evaluated = CliRunner.Run("eval", PathOf("m.safetensors"), "--json");
        Assert.That(evaluated.ExitCode, Is.Zero, evaluated.Error);
    }

    [Test]
    public void TwoOutputsNamingOneFileAreRefusedBeforeTrainingAndTheSavedModelIsKept()
    {
        File.WriteAllText(PathOf("model.safetensors"), "precious");
        File.WriteAllLines(PathOf("data.csv"), ["x,y,label", .. ClusterRows(5)]);
        File.CreateSymbolicLink(PathOf("link.svg"), PathOf("model.safetensors"));
        (string[] Args, string Error)[] cases =
        [
            (["--save", PathOf("model.svg")], $"--save '{PathOf("model.svg")}': the curve goes beside the model as '{PathOf("model.svg")}' and would overwrite it; name the model .safetensors or give --curve FILE"),
            (["--save", PathOf("model.safetensors"), "--curve", PathOf("sub/../model.safetensors")], $"--curve '{PathOf("sub/../model.safetensors")}' and --save '{PathOf("model.safetensors")}' are the same file"),
            (["--save", PathOf("model.safetensors"), "--curve", PathOf("link.svg")], $"--curve '{PathOf("link.svg")}' and --save '{PathOf("model.safetensors")}' are the same file"),
            (["--save", PathOf("data.csv")], $"--save '{PathOf("data.csv")}' is the --data file: the model would overwrite the data"),
            (["--curve", PathOf("data.csv")], $"--curve '{PathOf("data.csv")}' is the --data file: the curve would overwrite the data"),
        ];
        foreach (var (args, error) in cases)
        {
            CliResult result = CliRunner.Run(["train", "--data", PathOf("data.csv"), "--epochs", "1", .. args]);
            Assert.That(result.ExitCode, Is.EqualTo(2), string.Join(' ', args));
            Assert.That(result.Error, Does.StartWith($"error: {error}"));
            Assert.That(result.Error, Does.Not.Contain("epoch 1/1"), "refused before training");
        }

        Assert.That(File.ReadAllText(PathOf("model.safetensors")), Is.EqualTo("precious"));
        Assert.That(File.ReadAllLines(PathOf("data.csv")), Has.Length.EqualTo(16));
    }

    [Test]
    [NonParallelizable] // changes the process's working directory
    public void SavingToADeviceMakesUpNoCurveFileBesideIt()
    {
        string before = Environment.CurrentDirectory;
        Environment.CurrentDirectory = WorkDirectory;
        try
        {
            CliResult result = CliRunner.Run("train", "--data", "xor", "--epochs", "1", "--save", "/dev/null");
            Assert.That(result.ExitCode, Is.Zero, result.Error);
            Assert.That(result.Error, Does.Contain("wrote /dev/null\nwrote training-curve.svg\n"));
            Assert.That(File.Exists(PathOf("training-curve.svg")));
        }
        finally
        {
            Environment.CurrentDirectory = before;
        }
    }

    [Test]
    public void CsvMistakesNameTheFileAndTheLine()
    {
        File.WriteAllText(PathOf("blank.csv"), "\nx,label\n1,a\n");
        File.WriteAllBytes(PathOf("latin1.csv"), [.. "x,label\n1,a\n2,caf"u8, 0xE9, (byte)'\n']);
        File.WriteAllText(PathOf("trailing.csv"), "x,label,\n1,a,\n2,b,\n");
        File.WriteAllText(PathOf("one.csv"), "x,label\n1,1\n2,1.0\n");
        Directory.CreateDirectory(PathOf("folder.csv"));
        (string File, string Error)[] cases =
        [
            ("blank.csv", $"{PathOf("blank.csv")}:1: the first line is blank; it must be the header row of column names"),
            ("latin1.csv", $"{PathOf("latin1.csv")}:3: byte 6 of the line (0xE9) is not valid UTF-8; save the file as UTF-8"),
            ("folder.csv", $"--data: '{PathOf("folder.csv")}' is a folder, not a file"),
            ("trailing.csv", $"{PathOf("trailing.csv")}:1: column 3 of the header has no name (a comma at the end of the line?)"),
            ("one.csv", $"{PathOf("one.csv")}: every row has the class '1' in column 'label'; a classifier needs at least two classes (is the target column the right one?)"),
        ];
        foreach (var (file, error) in cases)
        {
            CliResult result = CliRunner.Run("train", "--data", PathOf(file), "--epochs", "1", "--curve", PathOf("c.svg"));
            Assert.That(result.ExitCode, Is.EqualTo(2), file);
            Assert.That(result.Error, Is.EqualTo($"error: {error}\n"));
        }
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
