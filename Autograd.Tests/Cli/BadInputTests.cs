using System.Diagnostics;
using System.IO.Compression;
using Autograd.NN.Serialization;
using Autograd.Tests.Support;

namespace Autograd.Tests.Cli;

/// <summary>
/// Every command, driven with every kind of bad input (missing files, folders, empty files, garbage, named pipes,
/// devices, bad option values, numbers out of range), ends with a documented exit code and, on failure, one clear
/// line: never a stack trace, an "Unhandled exception" or the internal-error fallback.
/// </summary>
[NonParallelizable]
public sealed class BadInputTests
{
    private static string _folder = "";
    private static readonly Dictionary<string, string> Files = [];

    /// <summary>The file kinds each file argument is tried with; {fifo} and {device} only where Linux makes them.</summary>
    private static readonly string[] FileKinds = ["{missing}", "{folder}", "{empty}", "{garbage}", "{notes}", "{fifo}", "{device}"];

    /// <summary>
    /// The kinds each output path is tried with: a missing folder, a folder, an empty path, a device, and files the
    /// test may overwrite (a named pipe is left out: writing into one waits for a reader, as <c>cp</c> does).
    /// </summary>
    private static readonly string[] OutputKinds = ["{missing}/x.out", "{folder}", "", "{device}", "{out}/written", "{out}"];

    /// <summary>Commands with a file argument, written with FILE (an input) or OUTPUT where each kind goes.</summary>
    private static readonly string[][] FileCommands =
    [
        ["summary", "FILE"],
        ["predict", "FILE", "[0, 1]"],
        ["predict", "{model}", "FILE"],
        ["predict", "{model}", "FILE", "--json"],
        ["eval", "FILE"],
        ["eval", "{model}", "--data", "FILE.csv"],
        ["eval", "{model}", "--data", "mnist", "--data-dir", "FILE"],
        ["train", "--data", "FILE.csv", "--epochs", "1", "--curve", "{out}/c.svg"],
        ["train", "--data", "mnist", "--data-dir", "FILE", "--epochs", "1", "--curve", "{out}/c.svg"],
        ["train", "--data", "xor", "--epochs", "1", "--save", "OUTPUT", "--curve", "{out}/c.svg"],
        ["train", "--data", "xor", "--epochs", "1", "--curve", "OUTPUT"],
        ["similar", "FILE", "the"],
        ["analogy", "FILE", "king", "man", "woman"],
        ["evaluate", "FILE", "--similarity", "{pairs}"],
        ["evaluate", "{vectors}", "--similarity", "FILE"],
        ["evaluate", "{vectors}", "--analogies", "FILE"],
        ["word2vec", "--corpus", "FILE", "--min-count", "1", "--sample", "0", "--epochs", "1", "--size", "4", "--out", "{out}/v.txt"],
        ["word2vec", "--corpus", "{corpus}", "--min-count", "1", "--sample", "0", "--epochs", "1", "--size", "4", "--out", "OUTPUT"],
        ["grad", "f = x", "x=1", "--dot", "OUTPUT"],
        ["grad", "f = x", "x=1", "--mermaid", "OUTPUT"],
        ["grad", "f = x", "x=1", "--svg", "OUTPUT"],
        ["perceptron", "--epochs", "1", "--svg", "OUTPUT"],
    ];

    /// <summary>Each numeric option with the command it belongs to, tried with every bad value.</summary>
    private static readonly (string[] Command, string Option)[] NumberOptions =
    [
        (["train", "--data", "xor", "--curve", "{out}/c.svg", "--json"], "--lr"),
        (["train", "--data", "xor", "--curve", "{out}/c.svg", "--json"], "--epochs"),
        (["train", "--data", "xor", "--epochs", "1", "--curve", "{out}/c.svg", "--json"], "--batch"),
        (["train", "--data", "xor", "--epochs", "1", "--curve", "{out}/c.svg", "--json"], "--validation-split"),
        (["train", "--data", "xor", "--epochs", "1", "--validation-split", "0.5", "--curve", "{out}/c.svg", "--json"], "--patience"),
        (["train", "--data", "xor", "--epochs", "1", "--curve", "{out}/c.svg", "--json"], "--layers"),
        (["perceptron", "--epochs", "1"], "--points"),
        (["perceptron", "--epochs", "1"], "--margin"),
        (["perceptron"], "--epochs"),
        (["word2vec", "--corpus", "{corpus}", "--min-count", "1", "--sample", "0", "--epochs", "1", "--out", "{out}/v.txt"], "--size"),
        (["word2vec", "--corpus", "{corpus}", "--min-count", "1", "--sample", "0", "--size", "4", "--out", "{out}/v.txt"], "--epochs"),
        (["word2vec", "--corpus", "{corpus}", "--sample", "0", "--epochs", "1", "--size", "4", "--out", "{out}/v.txt"], "--min-count"),
        (["word2vec", "--corpus", "{corpus}", "--min-count", "1", "--sample", "0", "--epochs", "1", "--size", "4", "--out", "{out}/v.txt"], "--window"),
        (["word2vec", "--corpus", "{corpus}", "--min-count", "1", "--sample", "0", "--epochs", "1", "--size", "4", "--out", "{out}/v.txt"], "--negative"),
        (["word2vec", "--corpus", "{corpus}", "--min-count", "1", "--sample", "0", "--epochs", "1", "--size", "4", "--out", "{out}/v.txt"], "--alpha"),
        (["word2vec", "--corpus", "{corpus}", "--min-count", "1", "--epochs", "1", "--size", "4", "--out", "{out}/v.txt"], "--sample"),
        (["word2vec", "--corpus", "{corpus}", "--min-count", "1", "--sample", "0", "--epochs", "1", "--size", "4", "--out", "{out}/v.txt"], "--threads"),
        (["word2vec", "--corpus", "{corpus}", "--min-count", "1", "--sample", "0", "--epochs", "1", "--size", "4", "--out", "{out}/v.txt"], "--max-vocab"),
        (["similar", "{vectors}", "the"], "--top"),
        (["analogy", "{vectors}", "king", "man", "woman"], "--top"),
        (["evaluate", "{vectors}", "--similarity", "{pairs}"], "--restrict"),
        (["gradcheck", "f = x * x", "x=1"], "--eps"),
        (["gradcheck", "f = x * x", "x=1"], "--atol"),
        (["gradcheck", "f = x * x", "x=1"], "--rtol"),
    ];

    /// <summary>Values no option should take quietly: not numbers, negative, zero, beyond int and double, NaN.</summary>
    private static readonly string[] BadNumbers = ["abc", "", "-1", "0", "99999999999", "1e400", "-1e400", "nan", "0x10", "1,5"];

    /// <summary>Whole runs that overflow: the learning rate, values at float32's edge, NaN in the input.</summary>
    private static readonly string[][] Overflows =
    [
        ["train", "--data", "moons", "--optimizer", "sgd", "--lr", "1e10", "--epochs", "1", "--curve", "{out}/c.svg"],
        ["train", "--data", "xor", "--optimizer", "sgd", "--lr", "1e38", "--epochs", "3", "--json", "--curve", "{out}/c.svg"],
        // 2.5 TB of parameters, gradients and optimizer state, in layers that each fit an array.
        ["train", "--data", "xor", "--layers", "2," + string.Concat(Enumerable.Repeat("40000,", 100)) + "2", "--curve", "{out}/c.svg"],
        ["train", "--data", "{huge}", "--epochs", "2", "--json", "--curve", "{out}/c.svg"],
        ["predict", "{model}", "[3e38, -3e38]"],
        ["predict", "{model}", "[3e38, -3e38]", "--json"],
        ["predict", "{model}", "[NaN, 1]"],
        ["predict", "{model}", "[[1, 2], [3]]"],
        ["predict", "{model}", "[]"],
        ["predict", "{model}", "[[]]"],
        ["predict", "{model}", "{\"a\": 1}"],
        ["predict", "{overflowing}", "[1, 1]"],
        ["predict", "{overflowing}", "[1, 1]", "--json"],
        ["eval", "{overflowing}", "--data", "xor"],
        ["eval", "{overflowing}", "--data", "xor", "--json"],
        ["grad", "f = sum(x)", "x=[1e400]"],
        ["grad", "f = x", "x=[[1, 2], [3]]"],
        ["grad", "-", "x=1"],
        ["gradcheck", "-", "x=1"],
    ];

    [OneTimeSetUp]
    public void MakeTheFiles()
    {
        _folder = Directory.CreateTempSubdirectory("autograd-bad-input-").FullName;
        string Put(string name, byte[] bytes)
        {
            string path = Path.Combine(_folder, name);
            File.WriteAllBytes(path, bytes);
            return path;
        }

        Files["{out}"] = Directory.CreateDirectory(Path.Combine(_folder, "out")).FullName;
        Files["{missing}"] = Path.Combine(_folder, "no-such-file");
        Files["{folder}"] = Directory.CreateDirectory(Path.Combine(_folder, "folder")).FullName;
        Files["{empty}"] = Put("empty", []);
        var random = new Random(18);
        var garbage = new byte[3000];
        random.NextBytes(garbage);
        Files["{garbage}"] = Put("garbage", garbage);
        Files["{notes}"] = Put("notes", "some notes here: not a model, not vectors, not a table\n"u8.ToArray());
        if (OperatingSystem.IsLinux())
        {
            Files["{fifo}"] = Path.Combine(_folder, "fifo");
            using (var mkfifo = Process.Start("mkfifo", Files["{fifo}"])) mkfifo.WaitForExit();
            Files["{device}"] = "/dev/zero";
        }

        // The same kinds with a .csv name, for --data.
        Put("empty.csv", []);
        Put("garbage.csv", garbage);
        Put("notes.csv", "some notes here: not a table\n"u8.ToArray());
        Directory.CreateDirectory(Path.Combine(_folder, "folder.csv"));
        if (OperatingSystem.IsLinux())
            using (var mkfifo = Process.Start("mkfifo", Path.Combine(_folder, "fifo.csv"))) mkfifo.WaitForExit();

        Files["{corpus}"] = Put("corpus.txt", "the king and the queen\nthe man and the woman\n"u8.ToArray());
        Files["{vectors}"] = Put("vectors.txt", "4 2\nthe 1 2\nking 0.5 0.1\nman 0.4 0.2\nwoman 0.3 0.9\n"u8.ToArray());
        Files["{pairs}"] = Put("pairs.tsv", "king\tman\t3\nman\twoman\t8\nthe\tking\t1\n"u8.ToArray());
        Files["{huge}"] = Put("huge.csv", "a,b,label\n3.4e38,-3.4e38,0\n-3.4e38,3.4e38,1\n3.4e38,3.4e38,0\n-3.4e38,-3.4e38,1\n1,2,0\n3e38,-1e38,1\n"u8.ToArray());
        Files["{model}"] = Path.Combine(_folder, "model.safetensors");
        CliResult trained = CliRunner.Run("train", "--data", "xor", "--epochs", "1", "--save", Files["{model}"], "--curve", Path.Combine(_folder, "model.svg"), "--json");
        Assert.That(trained.ExitCode, Is.Zero, trained.Error);

        // Finite weights that overflow float32 on any input: the output is ±∞ or NaN, never a prediction.
        var contents = Autograd.NN.Serialization.SafeTensors.Load(Files["{model}"]);
        Files["{overflowing}"] = Path.Combine(_folder, "overflowing.safetensors");
        Autograd.NN.Serialization.SafeTensors.Save(Files["{overflowing}"],
            contents.Tensors.Select(t => KeyValuePair.Create(t.Key, Autograd.Tensor.Full<float>([.. t.Value.Shape], 3e38f))), contents.Metadata);

        // A folder of MNIST names holding garbage, and a gzip bomb: a small header, then far more data than it declares.
        string idx = Directory.CreateDirectory(Path.Combine(_folder, "idx")).FullName;
        foreach (string name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            File.WriteAllBytes(Path.Combine(idx, name), garbage);
        Files["{idx-garbage}"] = idx;
        string bomb = Directory.CreateDirectory(Path.Combine(_folder, "bomb")).FullName;
        using (var file = File.Create(Path.Combine(bomb, "train-images-idx3-ubyte.gz")))
        using (var zip = new GZipStream(file, CompressionLevel.Fastest))
        {
            zip.Write([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28]);
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) zip.Write(zeros);
        }

        Files["{bomb}"] = bomb;
    }

    [OneTimeTearDown]
    public void DeleteTheFiles() => Directory.Delete(_folder, recursive: true);

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (string[] command in FileCommands)
        {
            bool output = command.Contains("OUTPUT");
            foreach (string kind in output ? OutputKinds : FileKinds)
            {
                // Every bad input file is an error (a line of notes is a corpus, though); of the outputs, a file or a device may be written.
                bool mustFail = output ? kind is "{missing}/x.out" or "{folder}" or "" or "{out}" : !(kind == "{notes}" && command[0] == "word2vec");
                yield return Case([.. command.Select(a => a.Replace(output ? "OUTPUT" : "FILE", kind, StringComparison.Ordinal))], mustFail);
            }
        }

        foreach (string dir in new[] { "{idx-garbage}", "{bomb}" })
        {
            yield return Case(["train", "--data", "mnist", "--data-dir", dir, "--epochs", "1", "--curve", "{out}/c.svg"], mustFail: true);
            yield return Case(["eval", "{model}", "--data", "mnist", "--data-dir", dir], mustFail: true);
        }

        // Some of these values are valid for some options (a seed of -1, a sample threshold of 0): no exit code is asserted.
        foreach (var (command, option) in NumberOptions)
            foreach (string value in BadNumbers)
                yield return Case([.. command, option, value], mustFail: false);
        // Values at float32's edge standardize to ordinary numbers, so that file trains.
        foreach (string[] overflow in Overflows) yield return Case(overflow, mustFail: !overflow.Contains("{huge}"));
    }

    private static TestCaseData Case(string[] args, bool mustFail) => new TestCaseData(args, mustFail).SetArgDisplayNames(string.Join(' ', args));

    [TestCaseSource(nameof(Cases))]
    public void EndsWithADocumentedExitCodeAndOneClearLine(string[] template, bool mustFail)
    {
        if (template.Any(a => a.Contains("{fifo}", StringComparison.Ordinal) || a.Contains("{device}", StringComparison.Ordinal)) && !OperatingSystem.IsLinux())
            Assert.Ignore("named pipes and /dev/zero are made here on Linux");
        string[] args = [.. template.Select(Substitute)];
        string input = args.Contains("-") ? "\u0001\u00FF garbage ((((" : "";

        // A hang (a read from a named pipe) fails the test instead of stopping the run.
        Task<CliResult> run = Task.Run(() => CliRunner.Run(args, input));
        Assert.That(run.Wait(TimeSpan.FromSeconds(60)), Is.True, "the command finished within a minute");
        CliResult result = run.Result;

        Assert.That(result.ExitCode, mustFail ? Is.AnyOf(2, 3) : Is.AnyOf(0, 1, 2, 3), result.Error);
        Assert.That(result.Error, Does.Not.Contain("   at ").And.Not.Contain("Unhandled exception").And.Not.Contain("internal error"));
        if (result.ExitCode is 2 or 3)
        {
            string[] lines = result.Error.TrimEnd('\n').Split('\n');
            string[] errors = [.. lines.Where(l => l.StartsWith("error: ", StringComparison.Ordinal))];
            Assert.That(errors, Has.Length.EqualTo(1), "one error line: " + result.Error);
            // A syntax error adds the source line and a caret; nothing else follows the error.
            Assert.That(lines.SkipWhile(l => !l.StartsWith("error: ", StringComparison.Ordinal)).Count(), Is.LessThanOrEqualTo(3), result.Error);
            Assert.That(errors[0], Does.Not.Contain("Exception"), "the message names the problem, not a .NET exception");
        }
    }

    private static string Substitute(string argument)
    {
        foreach (var (placeholder, path) in Files) argument = argument.Replace(placeholder, path, StringComparison.Ordinal);
        return argument;
    }
}
