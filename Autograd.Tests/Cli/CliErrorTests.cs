using Autograd.Tests.Support;

namespace Autograd.Tests.Cli;

/// <summary>Bad input gets one clear message on stderr and a non-zero exit, never a stack trace.</summary>
public class CliErrorTests : FileTests
{
    [TestCase("f = x * ", "expected a number, a name or '(', found the end of the program at line 1, column 9")]
    [TestCase("f = (x + 1", "expected ')' to close the '(', found the end of the program")]
    [TestCase("f = x $ 2", "unexpected character '$' at line 1, column 7")]
    [TestCase("f = x y", "expected ';' or a line break after the statement, found the name 'y'")]
    [TestCase("f = 1e+", "malformed number")]
    [TestCase("f = tanh", "'tanh' is a function: call it as tanh(...)")]
    [TestCase("exp = 2", "'exp' is a function and cannot be assigned to")]
    public void SyntaxErrorsPointAtThePositionWithACaret(string program, string message)
    {
        var result = CliRunner.Run("grad", program, "x=1", "y=2");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Out, Is.Empty);
        string[] lines = result.Error.TrimEnd('\n').Split('\n');
        Assert.That(lines[0], Does.StartWith("error: ").And.Contain(message));
        Assert.That(lines, Has.Length.EqualTo(3), "message, source line, caret");
        Assert.That(lines[2].Trim(), Is.EqualTo("^"));
    }

    [Test]
    public void AnUnknownFunctionListsEveryFunctionOfTheLanguage()
    {
        CliResult result = CliRunner.Run("grad", "f = foo(x)", "x=1");
        Assert.That(result.Error.Trim(), Is.EqualTo($"error: unknown function 'foo' (known: {Autograd.Cli.Language.FunctionTable.Known}) at line 1, column 5"));
        Assert.That(Autograd.Cli.Language.FunctionTable.Known, Does.Contain("tanh").And.Contain("softmax"));
    }

    [Test]
    public void TheCaretStandsUnderTheOffendingCharacterOnItsLine()
    {
        var result = CliRunner.Run("grad", "a = x + 1\nb = a * * 2", "x=1");
        Assert.That(result.Error, Is.EqualTo(
            "error: expected a number, a name or '(', found '*' at line 2, column 9\n" +
            "  b = a * * 2\n" +
            "          ^\n"));
    }

    [TestCase(new[] { "grad", "f = foo(x)", "x=1" }, "error: unknown function 'foo' (known: abs, ")]
    [TestCase(new[] { "grad", "f = x * w", "x=1" }, "error: unbound name 'w': assign it in an earlier statement or bind it on the command line as w=VALUE at line 1, column 9")]
    [TestCase(new[] { "grad", "f = x", "x=abc" }, "error: malformed binding 'x=abc': 'abc' is not a finite number")]
    [TestCase(new[] { "grad", "f = x", "x" }, "error: malformed binding 'x': write NAME=VALUE, for example x=-2")]
    [TestCase(new[] { "grad", "f = x", "2x=1" }, "error: malformed binding '2x=1': '2x' is not a name")]
    [TestCase(new[] { "grad", "f = x", "x=1", "x=2" }, "error: 'x' is bound twice")]
    [TestCase(new[] { "grad", "f = x", "x=nan" }, "error: malformed binding 'x=nan': 'nan' is not a finite number")]
    [TestCase(new[] { "grad", "", "x=1" }, "error: the program is empty")]
    [TestCase(new[] { "grad", " ; # only a comment\n", "x=1" }, "error: the program is empty")]
    [TestCase(new[] { "grad", "f = tanh(x, x)", "x=1" }, "error: tanh takes one argument, but 2 were given")]
    [TestCase(new[] { "grad", "f = log(x)", "x=-1" }, "error: log(-1) is NaN, not a finite number at line 1, column 5")]
    [TestCase(new[] { "grad", "f = 1 / x", "x=0" }, "error: 1 / 0 is Infinity, not a finite number at line 1, column 7")]
    [TestCase(new[] { "grad", "f = exp(x)", "x=1000" }, "error: exp(1000) is Infinity, not a finite number")]
    [TestCase(new[] { "grad", "f = sqrt(x)", "x=0" }, "error: the derivative of sqrt(0) is Infinity, so the gradient is not finite at line 1, column 5")]
    [TestCase(new[] { "grad", "f = x ^ y", "x=-2", "y=3" }, "error: the derivative of (-2) ^ 3 with respect to its second input is NaN")]
    [TestCase(new[] { "grad", "f = x", "--json", "--explain" }, "error: --json prints only the JSON object")]
    [TestCase(new[] { "grad", "f = x", "x=1", "--bogus" }, "error: unknown option '--bogus'")]
    [TestCase(new[] { "grad", "f = sum(W, 0)", "W=5" }, "error: sum: axis 0 is out of range for a tensor of rank 0, which has no axes at line 1, column 5")]
    [TestCase(new[] { "grad", "f = x", "x=1", "--dot", "" }, "error: --dot: the path is empty")]
    [TestCase(new[] { "grad", "f = x", "x=1", "--svg", "/" }, "error: --svg: '/' is a folder; give a file name")]
    [TestCase(new[] { "gradcheck", "f = x", "x=1", "--rtol", "-1" }, "error: --eps must be a positive number, and --atol and --rtol numbers that are not negative")]
    [TestCase(new[] { "train", "--data", "xor", "--lr", "-1" }, "error: --lr must be a positive number, not -1")]
    [TestCase(new[] { "train", "--data", "xor", "--validation-split", "0.999" }, "error: --validation-split 0.999 of 4 training samples leaves no training samples")]
    [TestCase(new[] { "train", "--data", "xor", "--validation-split", "0.5", "--patience", "0" }, "error: --patience must be at least 1")]
    [TestCase(new[] { "train", "--data", "xor", "--save", "/" }, "error: --save: '/' is a folder; give a file name")]
    [TestCase(new[] { "train", "--data", "xor", "--layers", "2,100000,100000,2" }, "error: shape [100000,100000] has 10000000000 elements, more than an array can hold")]
    [TestCase(new[] { "perceptron", "--margin", "100" }, "error: --margin must be in [0, 1)")]
    [TestCase(new[] { "summary", "" }, "error: MODEL: the path is empty")]
    [TestCase(new[] { "eval", "/" }, "error: MODEL: '/' is a folder, not a file")]
    [TestCase(new[] { "similar", "/no/such/vectors.txt", "king" }, "error: VECTORS: no file '/no/such/vectors.txt'")]
    [TestCase(new[] { "evaluate", "v.txt", "--similarity", "s.txt", "--restrict", "0" }, "error: --restrict must be at least 1, not 0")]
    [TestCase(new[] { "word2vec", "--corpus", "c.txt", "--negative", "100000" }, "error: word2vec: negative must be at most 100, not 100000")]
    [TestCase(new[] { "grad", "f = x \u0001 2", "x=1" }, "error: unexpected character U+0001 at line 1, column 7")]
    [TestCase(new[] { "gradcheck", "f = log(x)", "x=1e-7" }, "error: a central-difference step x ± h (h = 1E-06) leaves the program's domain: log(-9E-07) is NaN, not a finite number; give a smaller --eps at line 1, column 5")]
    [TestCase(new[] { "gradcheck", "f = sum(log(x))", "x=[1e-7, 1]" }, "error: a central-difference step x ± h (h = 1E-06) leaves the program's domain: log gives NaN at element 0")]
    public void InputMistakesGetOneClearLine(string[] args, string message)
    {
        var result = CliRunner.Run(args);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.StartWith(message));
        Assert.That(result.Error, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(result.Out, Is.Empty);
    }

    [Test]
    public void AnUnwritableOutputFileIsNamed()
    {
        var result = CliRunner.Run("grad", "f = x", "x=1", "--dot", "/nonexistent-folder/g.dot");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.StartWith("error: --dot: no directory '/nonexistent-folder' to write '/nonexistent-folder/g.dot' in"));
    }

    [Test]
    public void AFailedWriteLeavesTheExistingFileAlone()
    {
        string path = PathOf("graph.dot");
        File.WriteAllText(path, "precious");
        var result = CliRunner.Run("grad", "f = log(x)", "x=-1", "--dot", path);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(File.ReadAllText(path), Is.EqualTo("precious"));
    }

    [Test]
    public void ADivergedRunIsAnErrorAndSavesNothing()
    {
        var result = CliRunner.Run("train", "--data", "xor", "--epochs", "1", "--lr", "1e300", "--json", "--save", PathOf("m.safetensors"));
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("error: training diverged: the test loss is NaN after the last step; try a smaller --lr than 1E+300"));
        Assert.That(result.Out, Is.Empty);
        Assert.That(Directory.GetFiles(WorkDirectory), Is.Empty);
    }

    [Test]
    public void AGraphFileThroughASymbolicLinkReplacesTheTargetAndKeepsTheLink()
    {
        string target = PathOf("graph.dot"), link = PathOf("link.dot");
        File.WriteAllText(target, "old");
        File.CreateSymbolicLink(link, target);
        var result = CliRunner.Run("grad", "f = x * y", "x=1", "y=2", "--dot", link);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(new FileInfo(link).LinkTarget, Is.EqualTo(target));
        Assert.That(File.ReadAllText(target), Does.StartWith("digraph"));
    }

    [Test]
    public void AByteOrderMarkBeforeTheProgramIsIgnored()
    {
        var result = CliRunner.Run("grad", "\uFEFFf = x * 2", "x=1");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Is.EqualTo("f = 2\n∂f/∂x = 2\n"));
    }

    [Test]
    public void ACorpusThatSubsamplingEmptiesSaysSo()
    {
        string corpus = PathOf("corpus.txt");
        File.WriteAllText(corpus, "a b\n");
        var result = CliRunner.Run("word2vec", "--corpus", corpus, "--min-count", "1", "--out", corpus + ".vec");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("once frequent words are subsampled (in a small corpus every word is frequent: try --sample 0)"));
        Assert.That(File.Exists(corpus + ".vec"), Is.False);
    }
}
