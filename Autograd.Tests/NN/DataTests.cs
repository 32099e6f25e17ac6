using System.Buffers.Binary;
using System.IO.Compression;
using Autograd.NN;
using Autograd.NN.Data;
using Autograd.Tests.Support;

namespace Autograd.Tests.NN;

/// <summary>The IDX and CSV readers on files the tests write, including broken ones.</summary>
public sealed class DataTests : FileTests
{
    private static byte[] Idx(byte type, int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)dimensions.Length;
        for (int d = 0; d < dimensions.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dimensions[d]);
        data.CopyTo(bytes, 4 + 4 * dimensions.Length);
        return bytes;
    }

    private string Write(string name, byte[] bytes, bool gzip = false)
    {
        string path = Path.Combine(WorkDirectory, name + (gzip ? ".gz" : ""));
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return path;
        }

        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(bytes);
        return path;
    }

    private static byte[] Pixels(int count) => [.. Enumerable.Range(0, count).Select(i => (byte)(i * 37 % 256))];

    [TestCase(false)]
    [TestCase(true)]
    public void ReadsAnMnistLayoutRawOrCompressed(bool gzip)
    {
        Write("train-images-idx3-ubyte", Idx(8, [3, 2, 2], Pixels(12)), gzip);
        Write("train-labels-idx1-ubyte", Idx(8, [3], [7, 0, 9]), gzip);
        Write("t10k-images-idx3-ubyte", Idx(8, [1, 2, 2], Pixels(4)), gzip);
        Write("t10k-labels-idx1-ubyte", Idx(8, [1], [3]), gzip);
        var (train, test) = IdxReader.LoadMnistLayout(WorkDirectory);
        Assert.That(train.Count, Is.EqualTo(3));
        Assert.That(train.FeatureCount, Is.EqualTo(4));
        Assert.That(train.Labels, Is.EqualTo(new[] { 7, 0, 9 }));
        Assert.That(train.Features[1], Is.EqualTo(37 / 255f));
        Assert.That(test.Labels, Is.EqualTo(new[] { 3 }));
    }

    private static IEnumerable<TestCaseData> BrokenFiles()
    {
        byte[] good = Idx(8, [2, 2, 2], Pixels(8));
        yield return new TestCaseData(good[..10], "truncated").SetArgDisplayNames("truncated header");
        yield return new TestCaseData(good[..^1], "truncated: the file ends at offset 23").SetArgDisplayNames("truncated data");
        yield return new TestCaseData((byte[])[.. good, 0], "longer than its header says").SetArgDisplayNames("trailing bytes");
        byte[] magic = (byte[])good.Clone();
        magic[0] = 0x1F;
        yield return new TestCaseData(magic, "magic number").SetArgDisplayNames("bad magic");
        yield return new TestCaseData(Idx(0x0D, [2], new byte[8]), "type code 0x0D").SetArgDisplayNames("float type");
        yield return new TestCaseData(Idx(8, [0, 2, 2], []), "dimension 0 has size 0").SetArgDisplayNames("zero dimension");
        yield return new TestCaseData(Idx(8, [int.MaxValue, 2, 2], []), "outside").SetArgDisplayNames("huge dimension");
        yield return new TestCaseData((byte[])[], "truncated").SetArgDisplayNames("empty");
    }

    [TestCaseSource(nameof(BrokenFiles))]
    public void BrokenFilesAreNamedNotMisread(byte[] bytes, string expected)
    {
        string path = Write("broken-idx3-ubyte", bytes);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));
        Assert.That(error!.Message, Does.Contain(expected).And.Contain(path));
    }

    [Test]
    public void ImagesAndLabelsMustAgree()
    {
        string images = Write("i", Idx(8, [3, 2, 2], Pixels(12)));
        string labels = Write("l", Idx(8, [2], [1, 2]));
        Assert.That(() => IdxReader.LoadImagesAndLabels(images, labels), Throws.TypeOf<InvalidDataException>().With.Message.Contains("3 images but"));
    }

    [TestCase(1, 4, "1 × 4 images")]
    [TestCase(2, 1, "2 × 1 images")]
    public void TrainingAndTestImagesMustBeTheSameSize(int rows, int columns, string testSize)
    {
        string trainImages = Write("train-images-idx3-ubyte", Idx(8, [3, 2, 2], Pixels(12)));
        Write("train-labels-idx1-ubyte", Idx(8, [3], [7, 0, 9]));
        string testImages = Write("t10k-images-idx3-ubyte", Idx(8, [1, rows, columns], Pixels(rows * columns)));
        Write("t10k-labels-idx1-ubyte", Idx(8, [1], [3]));
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.LoadMnistLayout(WorkDirectory));
        Assert.That(error!.Message, Is.EqualTo($"{testImages} holds {testSize} but {trainImages} holds 2 × 2 images; the training and test images must be the same size"));
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var compressed = new MemoryStream();
        using (var zip = new GZipStream(compressed, CompressionLevel.Fastest)) zip.Write(bytes);
        return compressed.ToArray();
    }

    private static IEnumerable<TestCaseData> BrokenGzipFiles()
    {
        byte[] good = Idx(8, [2, 2, 2], Pixels(8)), zipped = Gzip(good);
        yield return new TestCaseData(good, "not gzip data: it starts with 0x0000, not the gzip signature 0x1F8B").SetArgDisplayNames("uncompressed");
        yield return new TestCaseData(zipped[..^3], "truncated gzip data").SetArgDisplayNames("trailer cut short");
        yield return new TestCaseData(zipped[..(zipped.Length / 2)], "truncated gzip data").SetArgDisplayNames("data cut short");
        yield return new TestCaseData(zipped[..5], "truncated gzip data: the file ends at offset 5").SetArgDisplayNames("header cut short");
        byte[] crc = (byte[])zipped.Clone();
        crc[^6] ^= 0xFF;
        yield return new TestCaseData(crc, "not valid gzip data").SetArgDisplayNames("wrong CRC");
    }

    [TestCaseSource(nameof(BrokenGzipFiles))]
    public void BrokenGzipFilesAreNamed(byte[] bytes, string expected)
    {
        string path = PathOf("broken-idx3-ubyte.gz");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));
        Assert.That(error!.Message, Does.StartWith($"{path}: {expected}"));
    }

    [Test]
    public void AZeroedTrailerIsNotTakenForAnEmptyMember()
    {
        // Eight zero bytes read as "CRC 0 of 0 bytes", which an empty last member would have.
        byte[] zipped = Gzip(Idx(8, [2, 2, 2], Pixels(8)));
        string path = PathOf("zeroed-idx3-ubyte.gz");
        File.WriteAllBytes(path, [.. zipped[..^8], .. new byte[8]]);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));
        Assert.That(error!.Message, Does.StartWith($"{path}: "));
    }

    [Test]
    public void AGzipFileOfSeveralMembersIsRead()
    {
        // What `cat a.gz b.gz` makes is valid gzip: the trailer check looks at the last member only.
        byte[] good = Idx(8, [2, 2, 2], Pixels(8));
        string path = PathOf("members-idx3-ubyte.gz");
        File.WriteAllBytes(path, [.. Gzip(good[..7]), .. Gzip(good[7..])]);
        Assert.That(IdxReader.Read(path).Data, Is.EqualTo(Pixels(8)));
    }

    [Test]
    public void RandomCorruptionsGiveInvalidDataOrAValidArray()
    {
        byte[] good = Idx(8, [4, 3, 3], Pixels(36));
        var random = new Random(11);
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] bytes = (byte[])good.Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            if (random.Next(4) == 0) bytes = bytes[..random.Next(bytes.Length)];
            try
            {
                IdxReader.IdxArray array = IdxReader.Read(new MemoryStream(bytes), "fuzz");
                Assert.That(array.Data, Has.Length.EqualTo(array.Dimensions.Aggregate(1L, (a, b) => a * b)));
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    [Test]
    public void CsvMapsClassesAndReportsBadFields()
    {
        string csv = "a,b,species\n1.5,2,setosa\n-1,0.25,virginica\n3,4,setosa\n";
        Dataset<float> data = CsvReader.Load(new StringReader(csv), "iris.csv", null, CsvTarget.Classes, out var classes);
        Assert.That(classes, Is.EqualTo(new[] { "setosa", "virginica" }));
        Assert.That(data.Labels, Is.EqualTo(new[] { 0, 1, 0 }));
        Assert.That(data.Features.ToArray(), Is.EqualTo(new[] { 1.5f, 2, -1, 0.25f, 3, 4 }));

        var error = Assert.Throws<InvalidDataException>(() => CsvReader.Load(new StringReader("a,y\n1,2\nx,3\n"), "t.csv", "y", CsvTarget.Number, out _));
        Assert.That(error!.Message, Does.Contain("t.csv:3").And.Contain("'a'").And.Contain("'x'"));
        error = Assert.Throws<InvalidDataException>(() => CsvReader.Load(new StringReader("a,y\n1,2,3\n"), "t.csv", "y", CsvTarget.Number, out _));
        Assert.That(error!.Message, Does.Contain("t.csv:2: 3 fields"));
    }

    [Test]
    public void StandardizerUsesTheTrainingStatisticsOnTheTestSet()
    {
        var train = new Dataset<float>([1, 10, 3, 10, 5, 10], 2, [0, 1, 0], 2);
        var test = new Dataset<float>([3, 20], 2, [1], 2);
        Standardizer standardizer = Standardizer.Fit(train);
        Assert.That(standardizer.Mean, Is.EqualTo(new[] { 3f, 10 }));
        float[] transformed = standardizer.Transform(train).Features.ToArray();
        Assert.That(transformed[0], Is.EqualTo(-2 / MathF.Sqrt(8f / 3)).Within(1e-6));
        Assert.That(transformed[1], Is.Zero, "a constant feature maps to 0");
        Assert.That(standardizer.Transform(test).Features.ToArray(), Is.EqualTo(new[] { 0f, 10 }));
    }
}
