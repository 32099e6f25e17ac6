using System.Text.Json;
using Autograd.NN;
using Autograd.NN.Serialization;
using Autograd.Tests.Support;

namespace Autograd.Tests.Cli;

/// <summary>The commands on the hostile inputs of issue 18: one line naming what is wrong, exit code 2, no NaN printed.</summary>
public sealed class HostileInputCliTests : FileTests
{
    private static void AssertOneLineError(CliResult result, string message)
    {
        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.Error.TrimEnd('\n').Split('\n').Last(), Is.EqualTo("error: " + message));
        Assert.That(result.Error, Does.Not.Contain("   at "));
    }

    [Test]
    public void ADivergingRunNamesTheEpochAndStepAndSuggestsALowerRate()
    {
        CliResult result = CliRunner.Run("train", "--data", "moons", "--optimizer", "sgd", "--lr", "1e10", "--epochs", "1", "--curve", PathOf("c.svg"));
        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.Error, Does.Match(@"error: training diverged: the loss became (NaN|-?Infinity) in epoch 1, step \d+ of 8; try a smaller --lr than 10000000000\n$"));
        Assert.That(File.Exists(PathOf("c.svg")), Is.False);
    }

    [Test]
    public void ValuesAtTheEdgeOfFloatTrainOnceStandardized()
    {
        string csv = PathOf("huge.csv");
        File.WriteAllText(csv, "a,b,label\n3.4e38,-3.4e38,0\n-3.4e38,3.4e38,1\n3.4e38,3.4e38,0\n-3.4e38,-3.4e38,1\n1,2,0\n3e38,-1e38,1\n");
        CliResult result = CliRunner.Run("train", "--data", csv, "--epochs", "2", "--json", "--curve", PathOf("c.svg"));
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using JsonDocument figures = JsonDocument.Parse(result.Out);
        Assert.That(double.IsFinite(figures.RootElement.GetProperty("test_loss").GetDouble()), Is.True);
    }

    /// <summary>A trained xor model whose weights are all 3·10³⁸: finite, but every output overflows float32.</summary>
    private string OverflowingModel()
    {
        string path = PathOf("m.safetensors");
        CliResult trained = CliRunner.Run("train", "--data", "xor", "--epochs", "1", "--save", path, "--curve", PathOf("m.svg"), "--json");
        Assert.That(trained.ExitCode, Is.Zero, trained.Error);
        SafeTensors.Contents contents = SafeTensors.Load(path);
        SafeTensors.Save(path, contents.Tensors.Select(t => KeyValuePair.Create(t.Key, Tensor.Full<float>([.. t.Value.Shape], 3e38f))), contents.Metadata);
        return path;
    }

    [TestCase(false)]
    [TestCase(true)]
    public void APredictionThatOverflowsIsAnErrorNotANaN(bool json)
    {
        string path = OverflowingModel();
        CliResult result = CliRunner.Run(json ? ["predict", path, "[1, 1]", "--json"] : ["predict", path, "[1, 1]"]);
        AssertOneLineError(result, "sample 0: the model's output is NaN: its weights or the (standardized) inputs overflow float32, so there is no prediction");
        Assert.That(result.Out, Is.Empty);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AnEvaluationThatOverflowsIsAnErrorNotANaN(bool json)
    {
        string path = OverflowingModel();
        CliResult result = CliRunner.Run(json ? ["eval", path, "--json"] : ["eval", path]);
        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.Error, Does.Match($@"^error: {System.Text.RegularExpressions.Regex.Escape(path)} on xor: the loss is (NaN|Infinity): the model's outputs overflow float32 on this data, so there is no score\n$"));
        Assert.That(result.Out, Is.Empty);
    }

    [Test]
    public void ATextFileGivenAsAModelIsNamedAsSuch()
    {
        string notes = PathOf("notes.txt");
        File.WriteAllText(notes, "some notes here, not a model at all\n");
        AssertOneLineError(CliRunner.Run("summary", notes), $"{notes}: not a safetensors file: byte 8 is 0x65, where a safetensors file starts its JSON header with '{{'");
    }

    [Test]
    public void ScoresNearDoublesLimitGiveTheCorrelationOfTheirScaledValues()
    {
        double[] model = [0.3, -0.2, 0.9];
        Assert.That(Autograd.NN.Word2Vec.WordVectorEvaluation.Pearson([1e300, -1e300, 1], model),
            Is.EqualTo(Autograd.NN.Word2Vec.WordVectorEvaluation.Pearson([1, -1, 0], model)).Within(1e-12));
    }

    [Test]
    public void TheExitCodesAreInTheHelp()
    {
        CliResult help = CliRunner.Run("--help");
        Assert.That(help.ExitCode, Is.Zero);
        Assert.That(System.Text.RegularExpressions.Regex.Replace(help.Out, @"\s+", " "), Does.Contain("0 success").And.Contain("2 bad input").And.Contain("70 an internal error"));
    }
}
