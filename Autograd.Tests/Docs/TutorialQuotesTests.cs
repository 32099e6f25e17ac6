using System.Text.RegularExpressions;
using Autograd.Tests.Support;

namespace Autograd.Tests.Docs;

/// <summary>
/// The chapters show a command (a <c>sh</c> block) and then what it prints (the <c>text</c> block after it). Each such
/// pair that runs the CLI on data it makes itself is run here, and the quoted text must be what the command prints
/// now: the whole output, or for a training run a stretch of its log (the chapters quote the last epochs), with the
/// timings, which change from run to run, left out of the comparison.
/// </summary>
public sealed partial class TutorialQuotesTests
{
    /// <summary>Each command-and-output pair of the chapters whose command needs nothing downloaded.</summary>
    public static IEnumerable<TestCaseData> Quotes()
    {
        foreach (string path in Directory.GetFiles(TutorialCommands.DocsDirectory, "*.md").Order(StringComparer.Ordinal))
        {
            string chapter = File.ReadAllText(path).ReplaceLineEndings("\n");
            var blocks = Block().Matches(chapter).ToList();
            for (int i = 0; i + 1 < blocks.Count; i++)
            {
                if (blocks[i].Groups["lang"].Value != "sh" || blocks[i + 1].Groups["lang"].Value != "text") continue;
                Match command = CliCommand().Match(blocks[i].Groups["body"].Value.Replace("\\\n", " ", StringComparison.Ordinal).Trim());
                if (!command.Success) continue;
                string[] args = Arguments(command.Groups["args"].Value);
                if (NeedsDownload(args)) continue;
                int line = chapter[..blocks[i].Index].Count(c => c == '\n') + 1;
                string name = $"{Path.GetFileName(path)}:{line}";
                yield return new TestCaseData(args, blocks[i + 1].Groups["body"].Value).SetArgDisplayNames(name);
            }
        }
    }

    [TestCaseSource(nameof(Quotes))]
    public void QuotedOutputIsWhatTheCommandPrints(string[] args, string quoted)
    {
        CliResult result = CliRunner.Run(args);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        if (args[0] != "train")
        {
            Assert.That(result.Error, Is.Empty);
            Assert.That(quoted, Is.EqualTo(result.Out));
            return;
        }

        // A training run's progress bar goes to standard error; its log, which the chapters quote, to standard output.

        string[] printed = Lines(WithoutTimings(result.Out));
        string[] shown = Lines(WithoutTimings(quoted));
        bool found = Enumerable.Range(0, printed.Length - shown.Length + 1)
            .Any(start => printed.AsSpan(start, shown.Length).SequenceEqual(shown));
        Assert.That(found, Is.True, $"The quoted lines are not a stretch of the output.\nQuoted:\n{quoted}\nPrinted:\n{result.Out}");
    }

    [Test]
    public void TheChaptersHaveQuotesToCheck() => Assert.That(Quotes().Count(), Is.GreaterThanOrEqualTo(10));

    [Test]
    public void TimingsAreLeftOutButNothingElse()
    {
        Assert.That(WithoutTimings("   40    0.0119   99.44 %      0.3\n"), Is.EqualTo("   40    0.0119   99.44 %      #\n"));
        Assert.That(WithoutTimings("test: loss 0.0184, accuracy 99.33 %; 40 epochs in 12.5 s\n"),
            Is.EqualTo("test: loss 0.0184, accuracy 99.33 %; 40 epochs in # s\n"));
        Assert.That(WithoutTimings("   60    0.0234   99.62 %    0.0231  99.50 %      0.0\n"),
            Is.EqualTo("   60    0.0234   99.62 %    0.0231  99.50 %      #\n"));
        Assert.That(WithoutTimings("   40    0.0119   99.44 %\n"), Is.EqualTo("   40    0.0119   99.44 %\n"));
    }

    /// <summary>Data read from a package or a download: not run here (docs/make-figures.sh regenerates those logs).</summary>
    private static bool NeedsDownload(string[] args) =>
        args.Contains("fashion-mnist") || args.Contains("--corpus") || args.Contains("--csv");

    private static string[] Lines(string text) => text.TrimEnd('\n').Split('\n');

    /// <summary>Replaces the seconds column of an epoch row and the total time of a run with #.</summary>
    private static string WithoutTimings(string text) => TotalTime().Replace(EpochSeconds().Replace(text, "${row}#"), "in # s");

    /// <summary>
    /// Splits a command's arguments like the shell (double quotes), dropping options that only draw pictures. A training
    /// run always writes its curve, so its files go to a scratch folder instead of the working directory.
    /// </summary>
    private static string[] Arguments(string text)
    {
        List<string> words = TutorialCommands.Arguments(text, "--svg", "--dot", "--mermaid", "--curve", "--save");
        if (words.Count > 0 && words[0] == "train")
            words.AddRange(["--curve", Path.Combine(ScratchDirectory, "curve.svg")]);
        return [.. words];
    }

    private static string ScratchDirectory { get; } = Directory.CreateTempSubdirectory("autograd-tutorial-").FullName;

    [OneTimeTearDown]
    public static void RemoveScratch() => Directory.Delete(ScratchDirectory, recursive: true);

    [GeneratedRegex(@"^```(?<lang>\w*)\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Block();

    [GeneratedRegex(@"^dotnet run (?:-c Release )?--project Autograd\.Cli -- (?<args>[^\n#]+)$")]
    private static partial Regex CliCommand();

    [GeneratedRegex(@"(?<row>^ +\d+ .*% +)[\d.]+$", RegexOptions.Multiline)]
    private static partial Regex EpochSeconds();

    [GeneratedRegex(@"in [\d.]+ s\b")]
    private static partial Regex TotalTime();
}
