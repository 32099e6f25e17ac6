using System.Text.Json;
using Autograd.NN;
using Autograd.NN.Layers;
using Autograd.NN.Serialization;
using Autograd.Tests.Support;

namespace Autograd.Tests.NN;

/// <summary>safetensors files: round trips, a file written by Python, and hostile files.</summary>
public sealed class SerializationTests : FileTests
{
    private static Sequential<float> Model() => new(
        new Linear<float>(4, 8, seed: 1), new ReLU<float>(), new Dropout<float>(0.2),
        new Linear<float>(8, 3, seed: 2, bias: false), new LeakyReLU<float>(0.05), new Linear<float>(3, 2, seed: 3), new Softmax<float>(1));

    [Test]
    public void ASavedModelLoadsWithoutCodeAndPredictsBitIdentically()
    {
        Sequential<float> model = Model();
        model.Eval();
        string path = PathOf("model.safetensors");
        ModelFile.Save(model, path, new Dictionary<string, string> { ["classes"] = "a,b" });

        Sequential<float> loaded = ModelFile.Load(path, out var metadata);
        Assert.That(metadata["classes"], Is.EqualTo("a,b"));
        Assert.That(loaded.Layers.Select(l => l.DisplayName), Is.EqualTo(model.Layers.Select(l => l.DisplayName)));
        Tensor<float> x = Tensor.RandomNormal<float>([5, 4], seed: 9);
        Assert.That(loaded.Forward(x).ToArray(), Is.EqualTo(model.Forward(x).ToArray()), "bit-identical predictions");
        Assert.That(Directory.GetFiles(WorkDirectory, "*" + AtomicFile.TemporaryMarker + "*"), Is.Empty, "no temporary file is left");
    }

    [Test]
    public void ReadsAFileWrittenByPython()
    {
        string directory = Path.Combine(TestContext.CurrentContext.TestDirectory, "Reference");
        SafeTensors.Contents contents = SafeTensors.Load(Path.Combine(directory, "python_written.safetensors"));
        using JsonDocument expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "python_written.json")));
        Assert.That(contents.Metadata["note"], Is.EqualTo("written by Python"));
        var tensors = contents.Tensors.ToDictionary(t => t.Key, t => t.Value);
        Assert.That(tensors["layer.weight"].Shape, Is.EqualTo(new[] { 3, 4 }));
        foreach (JsonProperty tensor in expected.RootElement.EnumerateObject())
            Assert.That(tensors[tensor.Name].ToArray(), Is.EqualTo(tensor.Value.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()));
    }

    [Test]
    public void WrittenFilesFollowTheLayout()
    {
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, [KeyValuePair.Create("w", Tensor.FromArray([1f, 2, 3, 4, 5, 6], 2, 3))]);
        byte[] bytes = stream.ToArray();
        long headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.That(headerLength % 8, Is.Zero, "the data starts 8-byte aligned");
        using JsonDocument header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        JsonElement w = header.RootElement.GetProperty("w");
        Assert.That(w.GetProperty("dtype").GetString(), Is.EqualTo("F32"));
        Assert.That(w.GetProperty("data_offsets")[1].GetInt64(), Is.EqualTo(24));
        Assert.That(BitConverter.ToSingle(bytes, 8 + (int)headerLength + 4), Is.EqualTo(2f), "little-endian, row-major");
    }

    private static byte[] ValidFile()
    {
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, [KeyValuePair.Create("a", Tensor.FromArray([1f, 2, 3], 3)), KeyValuePair.Create("b", Tensor.FromArray([4f, 5], 1, 2))],
            new Dictionary<string, string> { ["k"] = "v" });
        return stream.ToArray();
    }

    private static byte[] WithHeader(string json, int dataBytes)
    {
        byte[] header = System.Text.Encoding.UTF8.GetBytes(json);
        return [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. new byte[dataBytes]];
    }

    private static IEnumerable<TestCaseData> HostileFiles()
    {
        yield return new TestCaseData(new byte[5], "too short").SetArgDisplayNames("tiny");
        yield return new TestCaseData((byte[])[.. BitConverter.GetBytes(ulong.MaxValue), 0x7B], "above the").SetArgDisplayNames("huge header length");
        yield return new TestCaseData((byte[])[.. BitConverter.GetBytes(1000UL), 0x7B], "runs past the end").SetArgDisplayNames("header past end");
        yield return new TestCaseData(WithHeader("{\"a\":", 0), "not valid JSON").SetArgDisplayNames("broken json");
        yield return new TestCaseData(WithHeader("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8), "dtype I64").SetArgDisplayNames("unknown dtype");
        yield return new TestCaseData(WithHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12 bytes").SetArgDisplayNames("shape and bytes disagree");
        yield return new TestCaseData(WithHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4), "the file has 4").SetArgDisplayNames("offsets outside file");
        yield return new TestCaseData(WithHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "starts at data offset 4").SetArgDisplayNames("hole");
        yield return new TestCaseData(WithHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0), "not a size").SetArgDisplayNames("negative dim");
        yield return new TestCaseData(WithHeader("{\"__metadata__\":{\"k\":3}}", 0), "not a string").SetArgDisplayNames("metadata type");
        yield return new TestCaseData(WithHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "tensor 'a' appears twice").SetArgDisplayNames("duplicate name");
    }

    [TestCaseSource(nameof(HostileFiles))]
    public void HostileFilesAreRejectedWithTheReason(byte[] bytes, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(bytes, "x.safetensors"));
        Assert.That(error!.Message, Does.Contain(expected).And.StartWith("x.safetensors"));
    }

    [TestCase("{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}")]
    [TestCase("{\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}")]
    [TestCase("{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[8,8]}}")]
    public void AnEmptyTensorIsReadWhereverItsKeyComes(string json)
    {
        // The reference implementation orders the ranges by (begin, end): an empty range at the start of another is no overlap.
        var contents = SafeTensors.Read(WithHeader(json, 8), "x.safetensors");
        var tensors = contents.Tensors.ToDictionary(t => t.Key, t => t.Value);
        Assert.That(tensors["e"].Size, Is.Zero);
        Assert.That(tensors["b"].Shape, Is.EqualTo(new[] { 2 }));
    }

    [Test]
    public void SavingTwoTensorsOfOneNameIsRefusedAndKeepsTheFile()
    {
        string path = PathOf("model.safetensors");
        File.WriteAllText(path, "saved before");
        Tensor<float> one = Tensor.FromArray([1f], 1);
        var error = Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, [KeyValuePair.Create("w", one), KeyValuePair.Create("b", one), KeyValuePair.Create("w", one)]));
        Assert.That(error!.Message, Is.EqualTo("safetensors: two tensors are named 'w'"));
        Assert.That(File.ReadAllText(path), Is.EqualTo("saved before"));
    }

    [Test]
    public void RandomCorruptionsNeverCrashTheLoader()
    {
        byte[] valid = ValidFile();
        var random = new Random(5);
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] bytes = (byte[])valid.Clone();
            for (int f = random.Next(1, 5); f > 0; f--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            if (random.Next(5) == 0) bytes = bytes[..random.Next(bytes.Length)];
            try
            {
                SafeTensors.Read(bytes, "fuzz");
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    [Test]
    public void AModelFileMustMatchItsArchitecture()
    {
        string path = PathOf("weights.safetensors");
        SafeTensors.Save(path, [KeyValuePair.Create("0.weight", Tensor.Zeros<float>(2, 2))],
            new Dictionary<string, string> { [ModelFile.ArchitectureKey] = "[{\"type\":\"Linear\",\"in\":3,\"out\":2,\"bias\":false}]" });
        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path, out _));
        Assert.That(error!.Message, Does.Contain("'0.weight' has shape [2,2], but the architecture needs [2,3]"));

        SafeTensors.Save(path, [KeyValuePair.Create("0.weight", Tensor.Zeros<float>(2, 2))]);
        Assert.That(() => ModelFile.Load(path, out _), Throws.TypeOf<InvalidDataException>().With.Message.Contains("no 'autograd.architecture'"));
    }
}
