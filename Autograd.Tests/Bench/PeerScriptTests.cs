using System.Diagnostics;
using Autograd.Tests.Support;

namespace Autograd.Tests.Bench;

/// <summary>
/// The scripts that time PyTorch and gensim beside our figures (Autograd.Bench/*.py and Autograd.Bench/peers/) are
/// the repository's own: they compile, read nothing outside the repository, and give OpenBLAS the kernel the CPU's
/// flags call for (a wrong or fallback kernel would make every ratio against PyTorch meaningless).
/// </summary>
public sealed class PeerScriptTests
{
    private static string BenchDirectory => Repository.PathOf("Autograd.Bench");

    public static IEnumerable<TestCaseData> Scripts() =>
        Directory.GetFiles(Repository.PathOf("Autograd.Bench"), "*.py", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(path => new TestCaseData(path).SetArgDisplayNames(Path.GetRelativePath(Repository.Root, path)));

    [Test]
    public void TheBenchmarkHasItsPeerScripts()
    {
        string[] names = [.. Scripts().Select(c => Path.GetFileName((string)c.Arguments[0]!))];
        Assert.That(names, Is.SupersetOf(new[]
        {
            "compare_with_anchors.py", "compare_word2vec.py", "openblas_kernel.py", "torch_peer.py", "gensim_peer.py", "brown_text.py",
        }));
    }

    [TestCaseSource(nameof(Scripts))]
    public void AScriptCompilesAndStaysInsideTheRepository(string path)
    {
        string text = File.ReadAllText(path);
        Assert.That(text, Does.Not.Match(@"\.\./shared|""shared"""), "a script refers to a folder beside the repository");
        (int exit, string output) = Python("-c", "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')", path);
        Assert.That(exit, Is.Zero, output);
    }

    [TestCase("fpu sse2 avx avx2 fma avx512f avx512bw avx512vl avx512_bf16 avx512cd", "Cooperlake")]
    [TestCase("fpu sse2 avx avx2 fma avx512f avx512bw avx512vl avx512cd", "SkylakeX")]
    [TestCase("fpu sse2 avx avx2 fma avx512f avx512cd", "Haswell")] // AVX-512 without BW and VL: the 256-bit kernels
    [TestCase("fpu sse2 avx avx2 fma", "Haswell")]
    [TestCase("fpu sse2 avx avx2", "default")] // AVX2 without FMA
    [TestCase("fpu sse2 sse3", "default")]
    [TestCase("", "default")]
    public void OpenBlasGetsTheKernelTheFlagsCallFor(string flags, string kernel)
    {
        (int exit, string output) = Python(Path.Combine(BenchDirectory, "peers", "openblas_kernel.py"), "--flags", flags);
        Assert.That(exit, Is.Zero, output);
        Assert.That(output.Trim(), Is.EqualTo(kernel));
    }

    [Test]
    public void AKernelTheCallerChoseIsKept()
    {
        (int exit, string output) = Python(new Dictionary<string, string> { ["OPENBLAS_CORETYPE"] = "Zen" },
            Path.Combine(BenchDirectory, "peers", "openblas_kernel.py"));
        Assert.That(exit, Is.Zero, output);
        Assert.That(output.Trim(), Is.EqualTo("Zen"));
    }

    private static (int Exit, string Output) Python(params string[] args) => Python(new Dictionary<string, string>(), args);

    private static (int Exit, string Output) Python(Dictionary<string, string> environment, params string[] args)
    {
        if (!File.Exists("/usr/bin/python3")) Assert.Ignore("needs /usr/bin/python3, the interpreter the scripts are written for");
        var start = new ProcessStartInfo("/usr/bin/python3", args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repository.Root,
        };
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1"; // no __pycache__ left in the repository
        foreach ((string name, string value) in environment) start.Environment[name] = value;
        using Process python = Process.Start(start)!;
        Task<string> error = python.StandardError.ReadToEndAsync();
        string output = python.StandardOutput.ReadToEnd();
        python.WaitForExit();
        return (python.ExitCode, output + error.Result);
    }
}
