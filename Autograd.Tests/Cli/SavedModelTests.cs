using Autograd.NN;
using Autograd.NN.Serialization;
using Autograd.Tests.Support;

namespace Autograd.Tests.Cli;

/// <summary>eval and predict check every metadata field of a saved model and name the file and the field.</summary>
public sealed class SavedModelTests : FileTests
{
    private const string AxisSeven = """[{"type":"Linear","in":2,"out":64,"bias":true},{"type":"Softmax","axis":7},{"type":"Linear","in":64,"out":2,"bias":true}]""";

    /// <summary>Trains a small xor model, then saves it again with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    private string ModelWith(string key, string value)
    {
        string path = PathOf("m.safetensors");
        CliResult trained = CliRunner.Run("train", "--data", "xor", "--epochs", "1", "--save", path, "--curve", PathOf("m.svg"), "--json");
        Assert.That(trained.ExitCode, Is.Zero, trained.Error);
        SafeTensors.Contents contents = SafeTensors.Load(path);
        var metadata = new Dictionary<string, string>(contents.Metadata) { [key] = value };
        SafeTensors.Save(path, contents.Tensors, metadata);
        return path;
    }

    [TestCase("autograd.loss", "Garbage", "autograd.loss is 'Garbage'; a model saved by train has CrossEntropy or BinaryCrossEntropy")]
    [TestCase("autograd.loss", "2", "autograd.loss is '2'")]
    [TestCase("autograd.loss", "crossentropy", "autograd.loss is 'crossentropy'")]
    [TestCase("autograd.loss", "BinaryCrossEntropy", "autograd.loss is BinaryCrossEntropy, which needs one output, but the model has 2")]
    [TestCase("autograd.seed", "99999999999", "autograd.seed is '99999999999', not a whole number")]
    [TestCase("autograd.seed", "one", "autograd.seed is 'one'")]
    [TestCase("autograd.classes", "[1,2]", "autograd.classes is not a JSON list of class names: [1,2]")]
    [TestCase("autograd.classes", "[\"a\",\"a\"]", "autograd.classes names a class twice")]
    [TestCase("autograd.standardize.mean", "null", "autograd.standardize.std is missing, though autograd.standardize.mean is there")]
    [TestCase("autograd.data.sha256", "xyz", "autograd.data.sha256 is 'xyz', not 64 lowercase hex digits")]
    [TestCase(ModelFile.ArchitectureKey, AxisSeven, "autograd.architecture does not run on a sample of 2 features: softmax: axis 7 is out of range")]
    public void AMalformedFieldIsNamedWithTheFile(string key, string value, string message)
    {
        string path = ModelWith(key, value);
        foreach (string[] args in new[] { new[] { "eval", path }, new[] { "predict", path, "[0, 1]" } })
        {
            CliResult result = CliRunner.Run(args);
            Assert.That(result.ExitCode, Is.EqualTo(2), args[0]);
            Assert.That(result.Error, Does.StartWith($"error: {path}: {message}"), args[0]);
            Assert.That(result.Error.TrimEnd('\n'), Does.Not.Contain('\n'), "one line");
        }
    }

    [Test]
    public void StandardizationStatisticsMustFitTheInputs()
    {
        string path = ModelWith("autograd.standardize.mean", "[0,0,0]");
        SafeTensors.Contents contents = SafeTensors.Load(path);
        SafeTensors.Save(path, contents.Tensors, new Dictionary<string, string>(contents.Metadata) { ["autograd.standardize.std"] = "[1,1,1]" });
        CliResult result = CliRunner.Run("eval", path);
        Assert.That(result.Error, Does.StartWith($"error: {path}: autograd.standardize.mean has 3 numbers, but the model takes 2 features"));
    }

    [Test]
    public void AnArchitectureValueOutOfRangeIsOneLine()
    {
        string path = ModelWith(ModelFile.ArchitectureKey, """[{"type":"Linear","in":2,"out":64},{"type":"Dropout","p":5},{"type":"Linear","in":64,"out":2}]""");
        CliResult result = CliRunner.Run("eval", path);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Is.EqualTo($"error: {path}: architecture layer 1 ({{\"type\":\"Dropout\",\"p\":5}}) is malformed: dropout: the probability must be in [0, 1)\n"));
    }

    [Test]
    public void ADataNameFromTheMetadataThatDoesNotLoadIsTracedToTheModel()
    {
        string path = ModelWith("autograd.data", Path.Combine(WorkDirectory, "gone.csv"));
        CliResult result = CliRunner.Run("eval", path);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.StartWith($"error: {path}: autograd.data: no file '{PathOf("gone.csv")}'"));
    }
}
