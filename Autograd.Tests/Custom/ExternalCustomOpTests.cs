using System.Diagnostics;
using Autograd.Tests.Docs;

namespace Autograd.Tests.Custom;

/// <summary>
/// A program outside the solution defines ops through the public API only (it cannot see the engine's internals):
/// the test takes the program of the "your own op" chapter, builds it against Autograd.Core, runs it, and compares
/// what it prints with what the chapter says it prints.
/// </summary>
public sealed class ExternalCustomOpTests
{
    /// <summary>The chapter whose program is built: its first C# block, and the text block it says the program prints.</summary>
    private static string Chapter => Path.Combine(TutorialCommands.DocsDirectory, "10-your-own-op.md");

    [Test]
    [CancelAfter(300_000)]
    public void TheChaptersProgramBuildsOutsideTheSolutionAndPrintsWhatTheChapterSays()
    {
        string core = Path.Combine(Path.GetDirectoryName(TutorialCommands.DocsDirectory)!, "Autograd.Core", "Autograd.Core.csproj");
        string folder = Directory.CreateTempSubdirectory("autograd-custom-op-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "CustomOpUser.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                  </PropertyGroup>
                  <ItemGroup>
                    <ProjectReference Include="{core}" />
                  </ItemGroup>
                </Project>
                """);
            string chapter = File.ReadAllText(Chapter).ReplaceLineEndings("\n");
            File.WriteAllText(Path.Combine(folder, "Program.cs"), Block(chapter, "```csharp\n", 0));
            string expected = Block(chapter, "```text\n", chapter.IndexOf("```csharp\n", StringComparison.Ordinal));
            string output = Run(folder, "run", "--project", folder);
            Assert.That(output.ReplaceLineEndings("\n").TrimEnd(), Does.EndWith(expected.TrimEnd()), "the chapter's program prints what the chapter says");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void TheReadmesCustomOpIsTheOneTheChaptersProgramBuilds()
    {
        string readme = File.ReadAllText(Path.Combine(Path.GetDirectoryName(TutorialCommands.DocsDirectory)!, "README.md")).ReplaceLineEndings("\n");
        int section = readme.IndexOf("Your own ops", StringComparison.Ordinal);
        Assert.That(section, Is.GreaterThanOrEqualTo(0), "the README has a paragraph on custom ops");
        string[] lines = [.. Block(readme, "```csharp\n", section).Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0)];
        string[] chapter = [.. File.ReadAllText(Chapter).ReplaceLineEndings("\n").Split('\n').Select(line => line.Trim())];
        int at = Array.IndexOf(chapter, lines[0]);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), $"'{lines[0]}' is not in the chapter");
        Assert.That(chapter.Skip(at).Where(line => line.Length > 0).Take(lines.Length), Is.EqualTo(lines));
    }

    /// <summary>The body of the first fenced block opened by <paramref name="fence"/> after <paramref name="from"/>.</summary>
    private static string Block(string text, string fence, int from)
    {
        int start = text.IndexOf(fence, from, StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"no {fence.Trim()} block after position {from}");
        start += fence.Length;
        return text[start..text.IndexOf("```", start, StringComparison.Ordinal)];
    }

    private static string Run(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"dotnet {string.Join(' ', arguments)} failed:\n{output}\n{error.Result}");
        return output;
    }
}
