using System.Text.RegularExpressions;
using Autograd.Tests.Support;

namespace Autograd.Tests.Docs;

/// <summary>
/// The tutorial quotes text the CLI printed (docs/figures/*.txt, made by docs/make-figures.sh). Each command of
/// the script is run again here, without its picture options, and must print exactly the committed file, so the
/// tutorial cannot drift from what the program does.
/// </summary>
public sealed partial class TutorialFiguresTests
{
    private static readonly string DocsDirectory = FindDocs();

    private static string FindDocs()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "docs", "make-figures.sh");
            if (File.Exists(candidate)) return Path.Combine(dir.FullName, "docs");
        }

        throw new DirectoryNotFoundException("docs/make-figures.sh not found above the test directory");
    }

    /// <summary>Each `autograd ...` command of the script whose standard output goes to a .txt figure.</summary>
    public static IEnumerable<TestCaseData> Commands()
    {
        string script = File.ReadAllText(Path.Combine(FindDocs(), "make-figures.sh")).Replace("\\\n", " ", StringComparison.Ordinal);
        foreach (Match command in CommandLine().Matches(script))
        {
            string file = command.Groups["file"].Value;
            yield return new TestCaseData(Arguments(command.Groups["args"].Value), file).SetArgDisplayNames(file);
        }
    }

    [TestCaseSource(nameof(Commands))]
    public void CommittedOutputMatchesTheCli(string[] args, string file)
    {
        CliResult result = CliRunner.Run(args);
        Assert.That(result.Error, Is.Empty);
        string expected = File.ReadAllText(Path.Combine(DocsDirectory, "figures", file)).ReplaceLineEndings("\n");
        Assert.That(result.Out, Is.EqualTo(expected));
    }

    [Test]
    public void TheScriptHasCommandsToCheck() => Assert.That(Commands().Count(), Is.GreaterThanOrEqualTo(5));

    /// <summary>Splits the script's argument text like the shell (double quotes), dropping picture-writing options.</summary>
    private static string[] Arguments(string text)
    {
        var words = Word().Matches(text).Select(m => m.Value.Trim('"')).ToList();
        for (int i = words.Count - 1; i >= 0; i--)
        {
            if (words[i] is "--svg" or "--dot" or "--mermaid") words.RemoveRange(i, 2);
        }

        return [.. words];
    }

    [GeneratedRegex(@"^autograd (?<args>[^\n>]+?)\s*> \$out/(?<file>[\w.-]+\.txt)", RegexOptions.Multiline)]
    private static partial Regex CommandLine();

    [GeneratedRegex("\"[^\"]*\"|\\S+")]
    private static partial Regex Word();
}
