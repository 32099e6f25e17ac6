using System.Text.RegularExpressions;
using System.Xml.Linq;
using Autograd.Tests.Support;

namespace Autograd.Tests.Docs;

/// <summary>
/// Every namespace is its folder: a file in Autograd.Core/Graph declares <c>Autograd.Graph</c>, one at a project's root
/// declares the project's root namespace. The one exception is the <c>Differentiable</c> extension block beside each
/// elementwise function's definition, which is in <c>Autograd</c> so that <c>using Autograd;</c> brings <c>x.Tanh()</c>.
/// </summary>
public sealed partial class NamespaceLayoutTests
{
    private static readonly string[] Projects = ["Autograd.Core", "Autograd.NN", "Autograd.Cli", "Autograd.Bench", "Autograd.Tests"];

    public static IEnumerable<TestCaseData> SourceFiles()
    {
        foreach (string project in Projects)
        {
            string directory = Repository.PathOf(project);
            string rootNamespace = XDocument.Load(Path.Combine(directory, project + ".csproj"))
                .Descendants("RootNamespace").Select(e => e.Value).FirstOrDefault() ?? project;
            foreach (string path in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                string folder = Path.GetRelativePath(directory, Path.GetDirectoryName(path)!);
                if (folder.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj") continue;
                string expected = folder == "." ? rootNamespace : rootNamespace + "." + folder.Replace(Path.DirectorySeparatorChar, '.');
                yield return new TestCaseData(path, expected).SetArgDisplayNames(Path.GetRelativePath(Repository.Root, path));
            }
        }
    }

    [Test]
    public void EveryProjectsSourcesAreChecked() => Assert.That(SourceFiles().Count(), Is.GreaterThan(200));

    [TestCaseSource(nameof(SourceFiles))]
    public void TheNamespaceIsTheFolder(string path, string expected)
    {
        string text = File.ReadAllText(path);
        MatchCollection declarations = Declaration().Matches(text);
        // A program of top-level statements (an entry point) declares none.
        if (declarations.Count == 0 && Path.GetFileName(path) == "Program.cs") return;
        Assert.That(declarations, Is.Not.Empty, "no namespace declared");
        foreach (Match declaration in declarations)
        {
            string name = declaration.Groups["name"].Value;
            if (name == expected || IsDifferentiableBlock(text, declaration)) continue;
            Assert.Fail($"namespace {name} at offset {declaration.Index}; the folder says {expected}");
        }
    }

    /// <summary>A block <c>namespace Autograd { ... }</c> in Autograd.Core/Functions that declares only the extension class.</summary>
    private static bool IsDifferentiableBlock(string text, Match declaration)
    {
        if (declaration.Groups["name"].Value != "Autograd" || !declaration.Value.EndsWith('{')) return false;
        string body = text[(declaration.Index + declaration.Length)..];
        MatchCollection types = TypeDeclaration().Matches(body);
        return types.Count > 0 && types.All(t => t.Groups["name"].Value == "Differentiable");
    }

    [GeneratedRegex(@"^namespace (?<name>[\w.]+)\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex Declaration();

    [GeneratedRegex(@"^\s*(?:public|internal)[\w ]* (?:class|struct|interface|enum|record) (?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();
}
