using Autograd.Tests.Support;

namespace Autograd.Tests.Docs;

/// <summary>
/// A fresh clone needs nothing beside it: no README, doc, test, source or script names a folder outside the
/// repository (as the evaluation sets and peer scripts in a shared folder beside it once were), and the evaluation
/// sets the docs score on are here.
/// </summary>
public sealed class SelfContainedTests
{
    private static readonly string[] Extensions = [".md", ".cs", ".py", ".sh", ".csproj", ".props", ".json"];

    public static IEnumerable<TestCaseData> Files()
    {
        var skipped = new[] { "bin", "obj", ".git", "TestResults", "BenchmarkDotNet.Artifacts" };
        IEnumerable<string> files = Directory.EnumerateFiles(Repository.Root, "*", new EnumerationOptions { RecurseSubdirectories = true })
            .Where(path => !Path.GetRelativePath(Repository.Root, path).Split(Path.DirectorySeparatorChar).Any(skipped.Contains))
            .Where(path => Extensions.Contains(Path.GetExtension(path)) || Path.GetFileName(path) == "run");
        return files.Order(StringComparer.Ordinal).Select(path =>
            new TestCaseData(path).SetArgDisplayNames(Path.GetRelativePath(Repository.Root, path)));
    }

    [Test]
    public void TheReadmeDocsSourcesAndScriptsAreChecked() =>
        Assert.That(Files().Count(), Is.GreaterThan(100));

    [TestCaseSource(nameof(Files))]
    public void NoFileNamesAFolderBesideTheRepository(string path)
    {
        string text = File.ReadAllText(path);
        // Spelled in two parts so that this file does not name it either.
        string beside = "../" + "shared";
        Assert.That(text, Does.Not.Contain(beside).And.Not.Contain("shared/" + "anchors").And.Not.Contain("shared/" + "eval"));
    }

    [TestCase("questions-words.txt", 19558)]
    [TestCase("wordsim353.tsv", 355)]
    [TestCase("simlex999.txt", 1001)]
    public void TheEvaluationSetsAreInTheRepository(string name, int lines)
    {
        Assert.That(File.ReadLines(Repository.PathOf("data", "eval", name)).Count(), Is.EqualTo(lines));
        Assert.That(File.ReadAllText(Repository.PathOf("data", "README.md")), Does.Contain($"`eval/{name}`"), "data/README.md gives its source and licence");
    }
}
