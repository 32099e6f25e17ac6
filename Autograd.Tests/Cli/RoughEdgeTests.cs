using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Autograd.NN;
using Autograd.NN.Plotting;
using Autograd.NN.Word2Vec;
using Autograd.Tests.Support;
using Autograd.Visualization;

namespace Autograd.Tests.Cli;

/// <summary>What a new user runs into at the edges: option values, Unicode names, output names, big graphs, printed words, axes.</summary>
public sealed partial class RoughEdgeTests : FileTests
{
    [TestCase(new[] { "gradcheck", "f = x", "x=1", "--atol", "abc" }, "error: --atol: 'abc' is not a number; give a decimal number with a dot, such as 0.001 or 1e-6")]
    [TestCase(new[] { "gradcheck", "f = x", "x=1", "--rtol", "nan" }, "error: --rtol: 'nan' is not a finite number")]
    [TestCase(new[] { "train", "--data", "xor", "--lr", "1e999" }, "error: --lr: '1e999' is not a finite number")]
    [TestCase(new[] { "train", "--data", "xor", "--epochs", "1.5" }, "error: --epochs: '1.5' is not a whole number; give one such as 10")]
    [TestCase(new[] { "train", "--data", "xor", "--epochs", "99999999999" }, "error: --epochs: 99999999999 is out of range; give a whole number from -2,147,483,648 to 2,147,483,647")]
    [TestCase(new[] { "train", "--data", "xor", "--validation-split", "0,1" }, "error: --validation-split: '0,1' is not a number")]
    [TestCase(new[] { "similar", "v.txt", "cat", "--top", "ten" }, "error: --top: 'ten' is not a whole number")]
    public void OptionValuesAreParsedWithMessagesNamingTheOption(string[] args, string message)
    {
        CliResult result = CliRunner.Run(args);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.StartWith(message));
        Assert.That(result.Error, Does.Not.Contain("System."));
    }

    [TestCase("α = x^2; β = 3 * α + y", "y=0", "β", 12)]
    [TestCase("f = 𝑥 * x", "𝑥=2", "f", 4)]
    [TestCase("ψ_1 = x + 1; f = ψ_1 * ψ_1 + y", "y=0", "f", 9)]
    [TestCase("f = e\u0301 * x", "e\u0301=2", "f", 4)] // e and a combining acute accent: a letter and a mark
    [TestCase("f = Ⅻ * x", "Ⅻ=2", "f", 4)] // a letter number
    public void NamesMayBeLettersOfAnyScript(string program, string binding, string output, double value)
    {
        CliResult result = CliRunner.Run("grad", program, binding, "x=2");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Does.StartWith($"{output} = {value.ToString(CultureInfo.InvariantCulture)}\n"));
    }

    [TestCase("f = 𝑥 $ 2", 7)]
    [TestCase("f = e\u0301 $ 2", 7)]
    [TestCase("f = 🇫🇷 + 2", 5)]
    public void CaretsStandUnderWholeCharacters(string program, int column)
    {
        CliResult result = CliRunner.Run("grad", program, "x=1");
        string[] lines = result.Error.TrimEnd('\n').Split('\n');
        Assert.That(lines[0], Does.EndWith($"at line 1, column {column}"));
        Assert.That(lines[2], Is.EqualTo("  " + new string(' ', column - 1) + "^"));
        Assert.That(lines.Any(line => line.Any(char.IsSurrogate) && !IsWellFormed(line)), Is.False, "no half surrogate pair");
    }

    [Test]
    public void AHalfSurrogatePairIsNamedByItsCodePoint()
    {
        CliResult result = CliRunner.Run("grad", "f = x \ud835 2", "x=1");
        Assert.That(result.Error, Does.StartWith("error: unexpected character U+D835 (half of a surrogate pair) at line 1, column 7"));
    }

    [TestCase("f = x^0.5", "x=-4", "error: (-4)^0.5 is NaN, not a finite number")]
    [TestCase("f = x * log(x)", "x=-1", "error: log(-1) is NaN, not a finite number")]
    [TestCase("f = y - x ^ 0.5", "x=-4", "error: (-4)^0.5 is NaN")]
    public void NegativeOperandsAreBracketedInMessages(string program, string binding, string message)
    {
        CliResult result = CliRunner.Run("grad", program, binding, "y=1");
        Assert.That(result.Error, Does.StartWith(message));
    }

    [TestCase("--svg", "g.png", "error: --svg: 'PATH' ends in .png, but --svg writes an SVG picture; give a file name ending in .svg")]
    [TestCase("--dot", "g.svg", "error: --dot: 'PATH' ends in .svg, but --dot writes Graphviz DOT text; give a file name ending in .dot or .gv")]
    [TestCase("--mermaid", "g.md", "error: --mermaid: 'PATH' ends in .md, but --mermaid writes a Mermaid flowchart; give a file name ending in .mmd or .mermaid")]
    public void GraphFilesMustHaveTheirFormatsExtension(string option, string name, string message)
    {
        CliResult result = CliRunner.Run("grad", "f = x * 2", "x=1", option, PathOf(name));
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Is.EqualTo(message.Replace("PATH", PathOf(name), StringComparison.Ordinal) + "\n"));
        Assert.That(File.Exists(PathOf(name)), Is.False);
    }

    [TestCase(new[] { "train", "--data", "xor", "--epochs", "1", "--save", "m.json" }, "error: --save: 'PATH' ends in .json, but --save writes a safetensors model")]
    [TestCase(new[] { "train", "--data", "xor", "--epochs", "1", "--curve", "c.png" }, "error: --curve: 'PATH' ends in .png, but --curve writes an SVG picture")]
    [TestCase(new[] { "perceptron", "--svg", "p.jpg" }, "error: --svg: 'PATH' ends in .jpg, but --svg writes an SVG picture")]
    [TestCase(new[] { "word2vec", "--corpus", "c.txt", "--out", "v.txt", "--binary" }, "error: --out: 'PATH' ends in .txt, but --out writes word2vec's binary format; give a file name ending in .bin")]
    [TestCase(new[] { "word2vec", "--corpus", "c.txt", "--out", "v.bin" }, "error: --out: 'PATH' ends in .bin, but --out writes word2vec's text format")]
    public void OutputFilesMustHaveTheirFormatsExtension(string[] args, string message)
    {
        File.WriteAllText(PathOf("c.txt"), "a b c\n");
        string[] resolved = [.. args.Select(a => a.Contains('.', StringComparison.Ordinal) && a != "xor" ? PathOf(a) : a)];
        string path = resolved[Array.FindLastIndex(args, a => a.StartsWith("--save", StringComparison.Ordinal) || a.StartsWith("--curve", StringComparison.Ordinal) || a.StartsWith("--svg", StringComparison.Ordinal) || a.StartsWith("--out", StringComparison.Ordinal)) + 1];
        CliResult result = CliRunner.Run(resolved);
        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.Error, Does.StartWith(message.Replace("PATH", path, StringComparison.Ordinal)));
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void AProgramTooLargeForGraphvizIsRefusedAtOnce()
    {
        // 600 statements of two values each: over the limit, refused before dot is started.
        string program = "a0 = x\n" + string.Join("\n", Enumerable.Range(1, 600).Select(i => $"a{i} = a{i - 1} * 2 + 1"));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        CliResult result = CliRunner.Run(["grad", "-", "x=1", "--svg", PathOf("g.svg")], program);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.StartWith("error: --svg: the graph has 2,401 values, more than the 1,000 Graphviz lays out in reasonable time; write the graph with --dot FILE"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
        Assert.That(File.Exists(PathOf("g.svg")), Is.False);
    }

    [Test]
    public void GraphvizIsStoppedAtItsTimeout()
    {
        // Many values all fed by one input: dot's crossing minimisation takes minutes on this.
        string program = "a0 = x * y\n" + string.Join("\n", Enumerable.Range(1, 150).Select(i => $"a{i} = a{i - 1} * x + sin(a{i - 1})"));
        TimeSpan saved = Autograd.Cli.Commands.GradCommand.SvgTimeout;
        Autograd.Cli.Commands.GradCommand.SvgTimeout = TimeSpan.FromSeconds(1);
        try
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            CliResult result = CliRunner.Run(["grad", "-", "x=0.1", "y=0.2", "--svg", PathOf("g.svg")], program);
            if (result.Error.Contains(GraphvizRenderer.NotInstalledMessage, StringComparison.Ordinal)) Assert.Ignore("Graphviz is not installed");
            Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
            Assert.That(result.Error, Does.StartWith("error: --svg: Graphviz 'dot' did not finish within 1 s and was stopped laying out"));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));
            Assert.That(File.Exists(PathOf("g.svg")), Is.False);
        }
        finally
        {
            Autograd.Cli.Commands.GradCommand.SvgTimeout = saved;
        }
    }

    [Test]
    public void WordsFromAVectorFileCannotDriveTheTerminal()
    {
        string clear = "\u001b[2J\u001b[H", overrideRtl = "\u202e";
        var words = new[] { "week", "day", $"{clear}evil", $"night{overrideRtl}", "month" };
        var random = new Random(3);
        float[] vectors = [.. Enumerable.Range(0, words.Length * 4).Select(_ => (float)random.NextDouble())];
        new KeyedVectors(words, vectors, 4).SaveBinary(PathOf("vectors.bin"));

        // Whether the loader takes such words or refuses the file, nothing that reaches the terminal may hold them raw.
        CliResult result = CliRunner.Run("similar", PathOf("vectors.bin"), "week");
        if (result.ExitCode == 0) Assert.That(result.Out, Does.Contain("\\x1B[2J\\x1B[Hevil").And.Contain("night\\u202E"));
        foreach (string printed in new[] { result.Out, result.Error })
        {
            Assert.That(printed.Any(c => char.IsControl(c) && c != '\n'), Is.False, printed);
            Assert.That(printed, Does.Not.Contain(overrideRtl));
        }
    }

    [Test]
    public void AMissingCapitalisedWordHintsThatTheVocabularyIsLowerCase()
    {
        var words = new[] { "week", "day", "month" };
        new KeyedVectors(words, [1, 0, 0, 1, 1, 1], 2).SaveText(PathOf("vectors.txt"));
        CliResult result = CliRunner.Run("similar", PathOf("vectors.txt"), "Week");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Is.EqualTo("error: 'Week' is not in the vocabulary; the vocabulary has 'week': its words are lower-case, so try that\n"));
        CliResult absent = CliRunner.Run("analogy", PathOf("vectors.txt"), "week", "Year", "day");
        Assert.That(absent.Error, Is.EqualTo("error: 'Year' is not in the vocabulary\n"));
    }

    [Test]
    public void FieldsAndClassNamesFromACsvFileArePrintedEscaped()
    {
        File.WriteAllText(PathOf("field.csv"), "x,label\n1,a\n\"\u001b[2J\",b\n");
        CliResult field = CliRunner.Run("train", "--data", PathOf("field.csv"), "--epochs", "1");
        Assert.That(field.Error, Is.EqualTo($"error: {PathOf("field.csv")}:3: column 1 ('x') is '\\x1B[2J', not a finite number\n"));

        File.WriteAllText(PathOf("data.csv"), "x,label\n-1,a\n-2,a\n1,\"\u001b]0;owned\u0007\"\n2,\"\u001b]0;owned\u0007\"\n");
        CliResult trained = CliRunner.Run("train", "--data", PathOf("data.csv"), "--epochs", "200", "--lr", "0.05", "--save", PathOf("m.safetensors"));
        Assert.That(trained.ExitCode, Is.Zero, trained.Error);
        File.WriteAllText(PathOf("other.csv"), "x,label\n1,\"\u001b[2Jb\"\n");
        CliResult unknown = CliRunner.Run("eval", PathOf("m.safetensors"), "--data", PathOf("other.csv"));
        Assert.That(unknown.Error, Does.StartWith($"error: {PathOf("other.csv")}:2: unknown class '\\x1B[2Jb' (the classes are \\x1B]0;owned\\x07, a)"));
        CliResult predicted = CliRunner.Run("predict", PathOf("m.safetensors"), "[[-30], [30]]");
        Assert.That(predicted.Out, Does.Contain("\\x1B]0;owned\\x07"));
        Assert.That(predicted.Out.Any(c => char.IsControl(c) && c != '\n'), Is.False, predicted.Out);
    }

    [TestCase(-13.95, 68.275, new[] { 0.0, 20, 40, 60 })]
    [TestCase(-1.95, 62.95, new[] { 0.0, 20, 40, 60 })]
    [TestCase(0.0, 1.0, new[] { 0, 0.2, 0.4, 0.6, 0.8, 1 })]
    [TestCase(0.013, 0.0871, new[] { 0.02, 0.04, 0.06, 0.08 })]
    [TestCase(-2.1, -1.96, new[] { -2.1, -2.05, -2 })]
    [TestCase(5.0, 5.0, new[] { 4, 4.5, 5, 5.5, 6 })]
    public void AxisTicksAreNiceNumbersWithinTheRange(double min, double max, double[] expected)
    {
        var (ticks, _) = SvgChart.NiceTicks(min, max);
        Assert.That(ticks, Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void ChartLabelsAreNiceNumbers()
    {
        string svg = SvgChart.Lines("t", "epoch", "loss", [new ChartSeries("loss", [(1, -13.95), (7, 68.275), (13, 20.5)])]);
        var labels = XDocument.Parse(svg).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value)
            .Where(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)).ToList();
        // The loss axis in steps of 20, the epoch axis in whole numbers: no -13.95 or 68.275.
        Assert.That(labels, Is.SupersetOf(new[] { "0", "20", "40", "60" }));
        Assert.That(labels, Has.All.Matches(WholeNumber()));
    }

    [GeneratedRegex(@"^-?[0-9]+$")]
    private static partial Regex WholeNumber();

    private static bool IsWellFormed(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }

        return true;
    }
}
