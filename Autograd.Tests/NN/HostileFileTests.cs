using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Autograd.NN;
using Autograd.NN.Data;
using Autograd.NN.Layers;
using Autograd.NN.Optimizers;
using Autograd.NN.Serialization;
using Autograd.NN.Training;
using Autograd.NN.Word2Vec;
using Autograd.Tests.Support;

namespace Autograd.Tests.NN;

/// <summary>
/// The hostile files of issue 18: each costs what it weighs (no allocation a small file does not pay for), means one
/// thing (no repeated keys), holds only finite numbers, and is a regular file.
/// </summary>
public sealed class HostileFileTests : FileTests
{
    /// <summary>A safetensors file with <paramref name="header"/> as its JSON, padded as the writer pads, then <paramref name="data"/>.</summary>
    internal static byte[] SafeTensorsFile(string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        return [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. data];
    }

    /// <summary>A header holding one [rows, columns] F32 tensor named 0.weight, and <paramref name="metadata"/> (raw JSON members).</summary>
    private static string Header(int rows, int columns, string metadata) =>
        $"{{\"__metadata__\":{{{metadata}}},\"0.weight\":{{\"dtype\":\"F32\",\"shape\":[{rows},{columns}],\"data_offsets\":[0,{rows * columns * 4}]}}}}";

    private static string Architecture(string layers) => $"\"autograd.architecture\":{JsonSerializer.Serialize(layers)}";

    private static byte[] Floats(params float[] values) => [.. values.SelectMany(BitConverter.GetBytes)];

    /// <summary>Bytes allocated on this thread by <paramref name="action"/>, which is expected to throw <typeparamref name="TException"/>.</summary>
    private static (long Bytes, TException Error) AllocationOf<TException>(Action action) where TException : Exception
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        TException error = Assert.Throws<TException>(() => action())!;
        return (GC.GetAllocatedBytesForCurrentThread() - before, error);
    }

    [Test]
    public void ASmallFileDeclaringAHugeLayerIsRefusedBeforeAnythingIsAllocated()
    {
        string path = PathOf("big.safetensors");
        File.WriteAllBytes(path, SafeTensorsFile(Header(1, 1, Architecture("""[{"type":"Linear","in":30000,"out":30000,"bias":false}]""")), Floats(0.5f)));
        Assert.That(new FileInfo(path).Length, Is.LessThan(700));
        var (bytes, error) = AllocationOf<InvalidDataException>(() => ModelFile.Load(path, out _));
        Assert.That(error.Message, Is.EqualTo($"{path}: tensor '0.weight' has shape [1,1], but the architecture needs [30000,30000]"));
        Assert.That(bytes, Is.LessThan(1 << 20), "a 30000 × 30000 layer is 3.6 GB; the file pays for a few hundred bytes");
    }

    [Test]
    public void AHundredThousandLayersLoadInLinearTime()
    {
        string layers = "[{\"type\":\"Linear\",\"in\":2,\"out\":2,\"bias\":false}" + string.Concat(Enumerable.Repeat(",{\"type\":\"ReLU\"}", 100_000)) + "]";
        string path = PathOf("deep.safetensors");
        File.WriteAllBytes(path, SafeTensorsFile(Header(2, 2, Architecture(layers)), Floats(1, 0, 0, 1)));
        var clock = Stopwatch.StartNew();
        Sequential<float> model = ModelFile.Load(path, out _);
        Assert.That(model.Layers, Has.Count.EqualTo(100_001));
        // Registration that scans every earlier child makes this 5·10⁹ name comparisons (37 s); linear, well under a second.
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void RegisteringAModuleDoesNotScanTheOthers()
    {
        var clock = Stopwatch.StartNew();
        var model = new Sequential<float>(Enumerable.Range(0, 200_000).Select(_ => (Module<float>)new ReLU<float>()));
        Assert.That(model.Children, Has.Count.EqualTo(200_000));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "2·10¹⁰ comparisons when quadratic");
    }

    private static IEnumerable<TestCaseData> RepeatedKeys()
    {
        string relu = Architecture("""[{"type":"Linear","in":2,"out":2,"bias":false},{"type":"ReLU"}]""");
        string sigmoid = Architecture("""[{"type":"Linear","in":2,"out":2,"bias":false},{"type":"Sigmoid"}]""");
        const string weight = "\"0.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}";
        yield return new TestCaseData($"{{\"__metadata__\":{{{relu}}},{weight},\"__metadata__\":{{{sigmoid}}}}}", "'__metadata__' appears twice in the header")
            .SetArgDisplayNames("a second __metadata__");
        yield return new TestCaseData($"{{\"__metadata__\":{{{relu},{sigmoid}}},{weight}}}", "the key 'autograd.architecture' appears twice in __metadata__")
            .SetArgDisplayNames("a key repeated in __metadata__");
        yield return new TestCaseData($"{{\"__metadata__\":{{{relu}}},\"0.weight\":{{\"dtype\":\"F32\",\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[0,16]}}}}",
            "the key 'dtype' appears twice in the entry of tensor '0.weight'").SetArgDisplayNames("a key repeated in a tensor's entry");
        string twice = Architecture("""[{"type":"Linear","in":2,"out":2,"bias":false},{"type":"ReLU","type":"Sigmoid"}]""");
        yield return new TestCaseData($"{{\"__metadata__\":{{{twice}}},{weight}}}", "architecture layer 1 has the key 'type' twice")
            .SetArgDisplayNames("a key repeated in a layer");
    }

    [TestCaseSource(nameof(RepeatedKeys))]
    public void ARepeatedKeyAnywhereInTheHeaderIsAnError(string header, string message)
    {
        // Readers disagree on which of two values wins: a Sigmoid written second silently replaced a ReLU.
        string path = PathOf("twice.safetensors");
        File.WriteAllBytes(path, SafeTensorsFile(header, Floats(1, 0, 0, 1)));
        Assert.That(() => ModelFile.Load(path, out _), Throws.TypeOf<InvalidDataException>().With.Message.EqualTo($"{path}: {message}"));
    }

    [Test]
    public void ASlopeBeyondDoubleIsRefusedAtLoad()
    {
        string path = PathOf("slope.safetensors");
        File.WriteAllBytes(path, SafeTensorsFile(Header(2, 2, Architecture("""[{"type":"Linear","in":2,"out":2,"bias":false},{"type":"LeakyReLU","slope":1e400}]""")), Floats(1, 0, 0, 1)));
        Assert.That(() => ModelFile.Load(path, out _), Throws.TypeOf<InvalidDataException>().With.Message.EqualTo(
            $"{path}: architecture layer 1 ({{\"type\":\"LeakyReLU\",\"slope\":1e400}}) is malformed: leaky_relu: the slope must be a finite number"));
        Assert.That(() => new LeakyReLU<float>(double.NaN), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Dropout<float>(double.NaN), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [TestCase(float.NaN, "NaN")]
    [TestCase(float.PositiveInfinity, "Infinity")]
    public void NonFiniteWeightsAreRefusedAtLoad(float value, string shown)
    {
        string path = PathOf("nan.safetensors");
        File.WriteAllBytes(path, SafeTensorsFile(Header(2, 2, Architecture("""[{"type":"Linear","in":2,"out":2,"bias":false}]""")), Floats(1, 0, value, 1)));
        Assert.That(() => ModelFile.Load(path, out _), Throws.TypeOf<InvalidDataException>().With.Message.EqualTo(
            $"{path}: tensor '0.weight' holds {shown} at element 2 (data offset 8); a model's weights must be finite numbers"));
    }

    [Test]
    public void NonFiniteStandardizationStatisticsAreRefused()
    {
        Assert.That(() => Standardizer.FromStatistics([float.PositiveInfinity], [1f]), Throws.ArgumentException.With.Message.Contains("every mean must be a finite number"));
        Assert.That(() => Standardizer.FromStatistics([0f], [float.NaN]), Throws.ArgumentException.With.Message.Contains("every deviation must be a positive finite number"));
    }

    [Test]
    public void ATextFileIsNotASafetensorsFile()
    {
        string path = PathOf("notes.txt");
        File.WriteAllText(path, "some notes here, not a model at all\n");
        Assert.That(() => SafeTensors.Load(path), Throws.TypeOf<InvalidDataException>().With.Message.EqualTo(
            $"{path}: not a safetensors file: byte 8 is 0x65, where a safetensors file starts its JSON header with '{{'"));
    }

    private static IEnumerable<TestCaseData> Loaders()
    {
        yield return new TestCaseData((Action<string>)(path => SafeTensors.Load(path))).SetArgDisplayNames("safetensors");
        yield return new TestCaseData((Action<string>)(path => ModelFile.Load(path, out _))).SetArgDisplayNames("model");
        yield return new TestCaseData((Action<string>)(path => KeyedVectors.Load(path))).SetArgDisplayNames("word vectors");
        yield return new TestCaseData((Action<string>)(path => IdxReader.Read(path))).SetArgDisplayNames("IDX");
        yield return new TestCaseData((Action<string>)(path => CsvReader.Load(path))).SetArgDisplayNames("CSV");
        yield return new TestCaseData((Action<string>)(path => _ = Corpus.FromTextFile(path).First())).SetArgDisplayNames("corpus");
    }

    [TestCaseSource(nameof(Loaders))]
    public void ANamedPipeOrADeviceIsRefusedRatherThanWaitedOn(Action<string> load)
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("named pipes are made with mkfifo");
        string pipe = PathOf("pipe");
        using (var mkfifo = Process.Start("mkfifo", pipe)) mkfifo.WaitForExit();
        foreach (string path in new[] { pipe, "/dev/zero" })
        {
            Task run = Task.Run(() => load(path));
            Assert.That(((IAsyncResult)run).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(20)), Is.True, $"{path}: the loader returned instead of waiting");
            Assert.That(run.Exception?.InnerException, Is.TypeOf<IOException>().With.Message.EqualTo($"'{path}' is not a regular file (a named pipe, device or socket); give a file"));
        }
    }

    /// <summary>An IDX image file declaring one 28 × 28 image, gzip-compressed with <paramref name="extra"/> zero bytes after it.</summary>
    private string Bomb(int extra)
    {
        string path = PathOf("train-images-idx3-ubyte.gz");
        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28]);
        var zeros = new byte[1 << 20];
        for (int written = 0; written < extra; written += zeros.Length) zip.Write(zeros.AsSpan(0, Math.Min(zeros.Length, extra - written)));
        return path;
    }

    [Test]
    public void DecompressionStopsAtTheSizeTheHeaderDeclares()
    {
        string path = Bomb(128 << 20);
        Assert.That(new FileInfo(path).Length, Is.LessThan(2 << 20));
        var (bytes, error) = AllocationOf<InvalidDataException>(() => IdxReader.Read(path));
        Assert.That(error.Message, Is.EqualTo($"{path}: decompresses to more than the 800 bytes its IDX header declares; the file is damaged"));
        // The compressed file (about a megabyte) and a buffer, not the 128 MB it expands to.
        Assert.That(bytes, Is.LessThan(8 << 20));
    }

    [Test]
    public void AHeaderDeclaringMoreThanDeflateCanHoldIsRefusedBeforeDecompressing()
    {
        string path = PathOf("t10k-images-idx3-ubyte.gz");
        using (var file = File.Create(path))
        using (var zip = new GZipStream(file, CompressionLevel.Fastest))
            zip.Write([0, 0, 8, 3, 0, 0, 0x27, 0x10, 0, 0, 0x27, 0x10, 0, 0, 0, 10]);
        var (bytes, error) = AllocationOf<InvalidDataException>(() => IdxReader.Read(path));
        Assert.That(error.Message, Does.StartWith($"{path}: the IDX header declares 1000000016 bytes, more than the"));
        Assert.That(bytes, Is.LessThan(1 << 20));
    }

    [Test]
    public void DivergenceNamesTheEpochAndTheStep()
    {
        var model = new Sequential<float>(new Linear<float>(2, 64, seed: 1), new ReLU<float>(), new Linear<float>(64, 2, seed: 2));
        var trainer = new Trainer<float>(model).Compile(new Sgd<float>(model.Parameters(), 1e10), LossKind.CrossEntropy);
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(SyntheticData.TwoMoons(1000, 0.1, 1), new FitOptions<float> { Epochs = 1, BatchSize = 128, Seed = 1 }))!;
        Assert.That(error.Epoch, Is.EqualTo(1));
        Assert.That(error.Step, Is.GreaterThan(1));
        Assert.That(error.FirstSample, Is.EqualTo((error.Step - 1) * 128));
        Assert.That(double.IsFinite(error.Loss), Is.False);
        Assert.That(error.Message, Does.StartWith($"the loss became {error.Loss} in epoch 1, step {error.Step} (the batch from sample {error.FirstSample}); lower the learning rate"));
    }
}
