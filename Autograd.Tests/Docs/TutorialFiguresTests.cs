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
    /// <summary>Each `autograd ...` command of the script whose standard output goes to a .txt figure.</summary>
    public static IEnumerable<TestCaseData> Commands()
    {
        string script = File.ReadAllText(Path.Combine(TutorialCommands.DocsDirectory, "make-figures.sh")).Replace("\\\n", " ", StringComparison.Ordinal);
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
        string expected = File.ReadAllText(Path.Combine(TutorialCommands.DocsDirectory, "figures", file)).ReplaceLineEndings("\n");
        Assert.That(result.Out, Is.EqualTo(expected));
    }

    [Test]
    public void TheScriptHasCommandsToCheck() => Assert.That(Commands().Count(), Is.GreaterThanOrEqualTo(5));

    /// <summary>Each command of the script that writes a chain-rule page (<c>--html $out/NAME.html</c>).</summary>
    public static IEnumerable<TestCaseData> Pages()
    {
        string script = File.ReadAllText(Path.Combine(TutorialCommands.DocsDirectory, "make-figures.sh")).Replace("\\\n", " ", StringComparison.Ordinal);
        foreach (Match command in PageLine().Matches(script))
        {
            string file = command.Groups["file"].Value;
            string[] args = [.. TutorialCommands.Arguments(command.Groups["args"].Value, "--svg", "--dot", "--mermaid", "--html").Where(a => a != "--explain")];
            yield return new TestCaseData(args, file).SetArgDisplayNames(file);
        }
    }

    /// <summary>The committed pages the chapters link to are what the CLI writes now.</summary>
    [TestCaseSource(nameof(Pages))]
    public void CommittedPageMatchesTheCli(string[] args, string file)
    {
        string path = Path.Combine(Path.GetTempPath(), $"autograd-page-{Guid.NewGuid():N}.html");
        try
        {
            CliResult result = CliRunner.Run([.. args, "--html", path]);
            Assert.That(result.ExitCode, Is.Zero, result.Error);
            string expected = File.ReadAllText(Path.Combine(TutorialCommands.DocsDirectory, "figures", file));
            Assert.That(File.ReadAllText(path) == expected, $"docs/figures/{file} differs from what the CLI writes: run docs/make-figures.sh");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void TheScriptMakesPages() => Assert.That(Pages().Count(), Is.GreaterThanOrEqualTo(5));

    /// <summary>The script's argument text as arguments, without the options that write pictures.</summary>
    private static string[] Arguments(string text) => [.. TutorialCommands.Arguments(text, "--svg", "--dot", "--mermaid", "--html")];

    [GeneratedRegex(@"^autograd (?<args>[^\n>]+?)\s*> \$out/(?<file>[\w.-]+\.txt)", RegexOptions.Multiline)]
    private static partial Regex CommandLine();

    [GeneratedRegex(@"^autograd (?<args>[^\n>]*?--html \$out/(?<file>[\w.-]+\.html)[^\n>]*?)(\s*>[^\n]*)?$", RegexOptions.Multiline)]
    private static partial Regex PageLine();
}
