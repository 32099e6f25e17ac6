using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Autograd.Tests.Support;

namespace Autograd.Tests.Docs;

/// <summary>
/// The README's "Install the command" and "Use it from your project", run as written in a scratch folder: the solution
/// is packed into a local feed, the tool is installed from it (into a tool path of the scratch folder instead of
/// <c>--global</c>) and its output checked, and fresh console apps, one on the packages and one on a project reference,
/// build and print the numbers the README shows for its library example. The pack reuses the build these tests run
/// against (<c>--no-build</c>, in the tests' configuration) instead of the README's Release build, and restores go to a
/// package folder of the scratch folder, so that a package from an earlier run is never taken for this one.
/// SLOW: about a minute and a half on two cores (a pack, a tool install and two console builds).
/// </summary>
[Category("Slow")]
[NonParallelizable]
public sealed partial class PackagingTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private const string ReadmePack = "dotnet pack Autograd.sln -c Release -o out/nupkgs";

    private string _scratch = "";

    private string Feed => Path.Combine(_scratch, "out", "nupkgs");

    private static string Readme { get; } = File.ReadAllText(Repository.PathOf("README.md")).ReplaceLineEndings("\n");

    [OneTimeSetUp]
    public void PackTheSolution()
    {
        _scratch = Directory.CreateTempSubdirectory("autograd-packaging-").FullName;
        Directory.CreateDirectory(Path.Combine(_scratch, "tmp"));
        (int exit, string output) = Bash($"dotnet pack '{Repository.PathOf("Autograd.sln")}' -c {Configuration} --no-build -o out/nupkgs -nologo", _scratch);
        Assert.That(exit, Is.Zero, output);
    }

    [OneTimeTearDown]
    public void RemoveScratch() => Directory.Delete(_scratch, recursive: true);

    [Test]
    public void TheLibrariesAndTheToolArePackedWithTheirMetadataAndSymbols()
    {
        string[] files = [.. Directory.GetFiles(Feed).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.That(files, Is.EqualTo(new[]
        {
            "Autograd.Cli.0.1.0.nupkg", "Autograd.Cli.0.1.0.snupkg", "Autograd.Core.0.1.0.nupkg", "Autograd.Core.0.1.0.snupkg",
            "Autograd.NN.0.1.0.nupkg", "Autograd.NN.0.1.0.snupkg",
        }), "Bench and Tests are not packable; the others carry symbols");
        Assert.That(File.ReadAllText(Repository.PathOf("LICENSE")), Does.StartWith("MIT License"));

        foreach (string id in new[] { "Autograd.Core", "Autograd.NN", "Autograd.Cli" })
        {
            using ZipArchive package = ZipFile.OpenRead(Path.Combine(Feed, $"{id}.0.1.0.nupkg"));
            XElement metadata = XDocument.Load(package.GetEntry($"{id}.nuspec")!.Open()).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
            XElement? Element(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name);

            Assert.That(Field("id"), Is.EqualTo(id));
            Assert.That(Field("description"), Has.Length.GreaterThan(40), id);
            Assert.That(Field("license"), Is.EqualTo("MIT"), id);
            Assert.That(Element("license")?.Attribute("type")?.Value, Is.EqualTo("expression"), id);
            Assert.That(Field("tags").Split(' '), Does.Contain("autodiff"), id);
            Assert.That(Element("repository")?.Attribute("type")?.Value, Is.EqualTo("git"), id);
            Assert.That(Field("readme"), Is.EqualTo("README.md"), id);
            using var readme = new StreamReader(package.GetEntry("README.md")!.Open());
            Assert.That(readme.ReadToEnd().ReplaceLineEndings("\n"), Is.EqualTo(Readme), id);
            bool tool = package.Entries.Any(e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
            Assert.That(tool, Is.EqualTo(id == "Autograd.Cli"), $"{id}: only the CLI is a .NET tool");
        }
    }

    [Test]
    public void TheReadmeInstallsTheCommandAndItPrintsWhatTheReadmeShows()
    {
        string[] commands = Commands("Install the command");
        Assert.That(commands[0], Is.EqualTo(ReadmePack));
        string tools = Path.Combine(_scratch, "tools");
        string script = string.Join("\n", commands.Skip(1).Select(c => c.Replace("--global", $"--tool-path '{tools}'", StringComparison.Ordinal)));
        Assert.That(script, Does.Contain("dotnet tool install --tool-path"));

        // The install prints its own lines first; the last command's output follows the marker.
        int last = script.LastIndexOf('\n');
        (int exit, string output) = Bash($"{script[..last]}\necho '{Marker}'\n{script[(last + 1)..]}", _scratch, $"PATH='{tools}':\"$PATH\"");
        Assert.That(exit, Is.Zero, output);
        Assert.That(AfterMarker(output), Is.EqualTo(TextAfter("Install the command")));
    }

    [Test]
    public void AConsoleAppOnTheLocalFeedPrintsTheReadmeExample()
    {
        List<string[]> blocks = Blocks("Use it from your project");
        string[] commands = blocks[1];
        Assert.That(commands[0], Is.EqualTo(ReadmePack));
        string app = string.Join("\n", commands.Skip(1));
        Assert.That(app, Does.Contain("dotnet add package Autograd.NN"));

        (int exit, string output) = Bash($"{app}\n{WriteExampleAndRun}", _scratch);
        Assert.That(exit, Is.Zero, output);
        Assert.That(AfterMarker(output).Split('\n')[0] + "\n", Is.EqualTo(TextAfter("Use it from your project")));
    }

    [Test]
    public void AConsoleAppWithAProjectReferencePrintsTheReadmeExample()
    {
        string[] reference = Blocks("Use it from your project")[0];
        Assert.That(reference, Has.Length.EqualTo(1));
        Assert.That(reference[0], Does.StartWith("dotnet add reference path/to/autograd/"));
        string add = reference[0].Replace("path/to/autograd", $"'{Repository.Root}'", StringComparison.Ordinal);

        string folder = Path.Combine(_scratch, "reference");
        Directory.CreateDirectory(folder);
        // The default package folder here: a restore of the app restores the referenced projects too, and their assets
        // must keep pointing at the folder the repository's own builds use.
        (int exit, string output) = Bash($"dotnet new console -o RefApp && cd RefApp\n{add}\n{WriteExampleAndRun}", folder, ownPackages: false);
        Assert.That(exit, Is.Zero, output);
        Assert.That(AfterMarker(output).Split('\n')[0] + "\n", Is.EqualTo(TextAfter("Use it from your project")));
    }

    private const string Marker = "--- output ---";

    /// <summary>Writes the README's library example as Program.cs, builds quietly and runs it after the marker.</summary>
    private static string WriteExampleAndRun =>
        $"cat > Program.cs <<'EXAMPLE'\n{LibraryExample()}EXAMPLE\ndotnet build -nologo -v q\necho '{Marker}'\ndotnet run --no-build";

    private static string AfterMarker(string output)
    {
        int at = output.IndexOf(Marker + "\n", StringComparison.Ordinal);
        return at < 0 ? output : output[(at + Marker.Length + 1)..];
    }

    /// <summary>The commands of the README section's first <c>sh</c> block.</summary>
    private static string[] Commands(string section) => Blocks(section)[0];

    /// <summary>The commands of each <c>sh</c> block of the README section.</summary>
    private static List<string[]> Blocks(string section)
    {
        List<DocumentedCommand> commands = [.. DocumentedCommand.Read(Repository.PathOf("README.md"), "README.md").Where(c => c.Section == section)];
        Assert.That(commands, Is.Not.Empty, $"no commands under \"## {section}\"");
        // Blocks are told apart by a gap in the line numbers (a block's lines follow one another).
        var blocks = new List<string[]>();
        var current = new List<string>();
        int previous = -10;
        foreach (DocumentedCommand command in commands)
        {
            if (command.Line > previous + 1 && current.Count > 0)
            {
                blocks.Add([.. current]);
                current.Clear();
            }

            // Steps split from one line by && join again, as the shell runs them.
            if (command.Line == previous) current[^1] += " && " + command.Text;
            else current.Add(command.Text);
            previous = command.Line;
        }

        blocks.Add([.. current]);
        return blocks;
    }

    /// <summary>The first <c>text</c> block of the README section: what its commands print.</summary>
    private static string TextAfter(string section)
    {
        int start = Readme.IndexOf($"\n## {section}\n", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), section);
        Match text = TextBlock().Match(Readme, start);
        return text.Groups["body"].Value;
    }

    /// <summary>The README's first C# block under "The library", which starts with its using.</summary>
    private static string LibraryExample()
    {
        int start = Readme.IndexOf("\n## The library\n", StringComparison.Ordinal);
        Match code = CSharpBlock().Match(Readme, start);
        Assert.That(code.Groups["body"].Value, Does.StartWith("using Autograd;"));
        return code.Groups["body"].Value;
    }

    /// <summary>
    /// Runs <paramref name="script"/> with bash in <paramref name="directory"/>, stopping at the first failing command;
    /// temporary folders are the scratch folder's, and so is NuGet's package folder unless <paramref name="ownPackages"/>
    /// is false.
    /// </summary>
    private (int Exit, string Output) Bash(string script, string directory, string prelude = "", bool ownPackages = true)
    {
        var start = new ProcessStartInfo("/bin/bash", ["-c", $"set -e\n{prelude}\n{script}"])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["TMPDIR"] = Path.Combine(_scratch, "tmp");
        if (ownPackages) start.Environment["NUGET_PACKAGES"] = Path.Combine(_scratch, "packages");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.ReplaceLineEndings("\n") + (process.ExitCode == 0 ? "" : "\n" + error.Result));
    }

    [GeneratedRegex(@"^```text\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex TextBlock();

    [GeneratedRegex(@"^```csharp\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
