using System.Buffers.Binary;
using System.IO.Compression;

namespace Autograd.NN.Data;

/// <summary>
/// Reads the IDX files of MNIST and Fashion-MNIST (raw or gzip-compressed): a big-endian header of magic number
/// (two zero bytes, a type code and the number of dimensions), one 32-bit size per dimension, then the data.
/// Every header field is validated against the file, so a truncated or wrong file is named, not misread.
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByte = 0x08;
    private const int MaxElements = 1 << 30;
    private const long MaxFileBytes = 4 + 4 * 4 + MaxElements;

    /// <summary>An IDX array of unsigned bytes: its dimensions and its data.</summary>
    /// <param name="Dimensions">The size of each dimension.</param>
    /// <param name="Data">The elements, row-major.</param>
    public sealed record IdxArray(int[] Dimensions, byte[] Data);

    /// <summary>Reads an IDX file of unsigned bytes, gzip-compressed when its name ends in .gz.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid IDX file of unsigned bytes, or not valid gzip data.</exception>
    public static IdxArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) return Read(Gunzip(path), path);
        using FileStream file = DataFile.OpenRead(path);
        return Read(file, path);
    }

    /// <summary>
    /// The decompressed bytes of the gzip file at <paramref name="path"/>, checked against the CRC-32 and length in
    /// the file's last 8 bytes: .NET's <see cref="GZipStream"/> ends quietly when a file is cut short.
    /// </summary>
    /// <remarks>
    /// Decompression stops one byte past the size the IDX header declares, and the buffer is made that size once
    /// the header is read, so a gzip bomb costs at most what its header asks for; a header that asks for more than
    /// deflate can expand the compressed bytes to is refused before anything is allocated.
    /// </remarks>
    private static MemoryStream Gunzip(string path)
    {
        byte[] compressed = DataFile.ReadAllBytes(path);
        if (compressed.Length < 2 || compressed[0] != 0x1F || compressed[1] != 0x8B)
        {
            string start = Convert.ToHexString(compressed.AsSpan(0, Math.Min(2, compressed.Length)));
            throw new InvalidDataException($"{path}: not gzip data: it starts with 0x{start}, not the gzip signature 0x1F8B (an uncompressed file named .gz?)");
        }

        // A gzip member is at least a 10-byte header and an 8-byte trailer.
        if (compressed.Length < 18) throw new InvalidDataException($"{path}: truncated gzip data: the file ends at offset {compressed.Length}, before a gzip header and trailer");
        var output = new MemoryStream();
        long? declared = null;
        bool tooLong = false, badHeader = false;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            var buffer = new byte[1 << 16];
            int read;
            while (!tooLong && !badHeader && (read = gzip.Read(buffer, 0, declared is null ? HeaderBytes(output) : buffer.Length)) > 0)
            {
                // A corrupt or hostile file must not make us decompress gigabytes: nothing valid is longer than its header says.
                tooLong = output.Length + read > (declared ?? MaxFileBytes);
                if (tooLong) break;
                output.Write(buffer, 0, read);
                if (declared is null && DeclaredLength(output, out badHeader) is long length)
                {
                    declared = length;
                    if (length > (long)compressed.Length * MaxDeflateRatio) break;
                    output.Capacity = (int)length;
                }
            }
        }
        catch (InvalidDataException e)
        {
            // .NET's own message here ("unsupported compression method") misleads: any corrupt byte gives it.
            throw new InvalidDataException($"{path}: not valid gzip data: decompression fails after {output.Length} bytes of output (the compressed data or its CRC-32 is corrupt)", e);
        }

        if (declared > (long)compressed.Length * MaxDeflateRatio)
            throw new InvalidDataException($"{path}: the IDX header declares {declared} bytes, more than the {compressed.Length} compressed bytes can hold (deflate expands at most {MaxDeflateRatio}-fold)");
        if (tooLong)
            throw new InvalidDataException(declared is long d
                ? $"{path}: decompresses to more than the {d} bytes its IDX header declares; the file is damaged"
                : $"{path}: decompresses to more than {MaxFileBytes} bytes, more than any IDX file of at most {MaxElements} elements");
        output.Position = 0;
        // Not an IDX header: the reader names what is wrong with it, from the bytes decompressed so far.
        if (badHeader) return output;
        // The decompressed bytes are read where they are, not copied out of the stream's buffer.
        ReadOnlySpan<byte> data = output.GetBuffer().AsSpan(0, (int)output.Length);
        if (!TrailerMatches(compressed, data))
            throw new InvalidDataException($"{path}: truncated gzip data: the file's last 8 bytes (offset {compressed.Length - 8}) are not the CRC-32 and length of the data; it is cut short or damaged");
        return output;
    }

    /// <summary>The most deflate can expand data: a 258-byte match in about two bits, about 1032-fold.</summary>
    private const long MaxDeflateRatio = 1032;

    /// <summary>How many bytes to decompress next while the IDX header is incomplete: one at a time up to its end.</summary>
    private static int HeaderBytes(MemoryStream output) => output.Length < 4 ? 4 - (int)output.Length : 1;

    /// <summary>
    /// The whole length of the IDX file whose first bytes are in <paramref name="output"/>: the header and the data it
    /// declares, or null while the header is incomplete or when it is not a valid header (<paramref name="bad"/>).
    /// </summary>
    private static long? DeclaredLength(MemoryStream output, out bool bad)
    {
        bad = false;
        ReadOnlySpan<byte> bytes = output.GetBuffer().AsSpan(0, (int)output.Length);
        if (bytes.Length < 4) return null;
        int rank = bytes[3];
        if (bytes[0] != 0 || bytes[1] != 0 || bytes[2] != UnsignedByte || rank is < 1 or > 4)
        {
            bad = true;
            return null;
        }

        if (bytes.Length < 4 + 4 * rank) return null;
        long elements = 1;
        for (int d = 0; d < rank; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(bytes[(4 + 4 * d)..]);
            elements *= size;
            if (size == 0 || elements > MaxElements)
            {
                bad = true;
                return null;
            }
        }

        return 4 + 4 * rank + elements;
    }

    /// <summary>
    /// Whether the gzip trailer (CRC-32, then length mod 2³², little-endian) ending <paramref name="compressed"/>
    /// describes the last bytes of <paramref name="data"/>: the last gzip member's output is a suffix of all of it.
    /// </summary>
    private static bool TrailerMatches(ReadOnlySpan<byte> compressed, ReadOnlySpan<byte> data)
    {
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(compressed[^8..]);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(compressed[^4..]);
        // A trailer of zeros (length 0, CRC 0) would describe an empty member; no IDX file ends with one.
        return length > 0 && length <= data.Length && Crc32(data[^(int)length..]) == crc;
    }

    private static readonly uint[] CrcTable = [.. Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        return c;
    })];

    /// <summary>The CRC-32 of gzip and zip (reflected polynomial 0xEDB88320).</summary>
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>Reads an IDX array of unsigned bytes from <paramref name="stream"/>; <paramref name="name"/> is used in errors.</summary>
    /// <exception cref="InvalidDataException">The data is not a valid IDX array of unsigned bytes.</exception>
    public static IdxArray Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> magic = stackalloc byte[4];
        ReadExactly(stream, magic, name, 0, "the 4-byte magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw new InvalidDataException($"{name}: not an IDX file: the magic number starts with 0x{magic[0]:X2}{magic[1]:X2}, not 0x0000 (is it gzip-compressed without a .gz name?)");
        if (magic[2] != UnsignedByte)
            throw new InvalidDataException($"{name}: IDX type code 0x{magic[2]:X2} at offset 2 is not 0x08 (unsigned bytes), the type MNIST uses");
        int rank = magic[3];
        if (rank is < 1 or > 4) throw new InvalidDataException($"{name}: {rank} dimensions at offset 3; MNIST files have 1 (labels) or 3 (images)");

        var dimensions = new int[rank];
        Span<byte> size = stackalloc byte[4];
        long elements = 1;
        for (int d = 0; d < rank; d++)
        {
            ReadExactly(stream, size, name, 4 + 4 * d, $"the size of dimension {d}");
            uint value = BinaryPrimitives.ReadUInt32BigEndian(size);
            if (value == 0 || value > MaxElements) throw new InvalidDataException($"{name}: dimension {d} has size {value} (at offset {4 + 4 * d}), outside 1..{MaxElements}");
            dimensions[d] = (int)value;
            elements *= value;
            if (elements > MaxElements) throw new InvalidDataException($"{name}: the dimensions {string.Join(" × ", dimensions.Take(d + 1))} hold more than {MaxElements} elements");
        }

        int header = 4 + 4 * rank;
        string what = $"{elements} data bytes ({string.Join(" × ", dimensions)})";
        // A corrupt size must not make us allocate a gigabyte: check it against the file, or grow as data arrives.
        if (stream.CanSeek && stream.Length - stream.Position < elements)
            throw new InvalidDataException($"{name}: truncated: the file ends at offset {stream.Length} while reading {what}");
        byte[] data = stream.CanSeek ? new byte[elements] : ReadGrowing(stream, (int)elements, name, header, what);
        if (stream.CanSeek) ReadExactly(stream, data, name, header, what);
        if (stream.ReadByte() >= 0)
            throw new InvalidDataException($"{name}: the file is longer than its header says ({header + elements} bytes); is it the right file?");
        return new IdxArray(dimensions, data);
    }

    /// <summary>
    /// Loads an image file and its label file as a classification set, pixels scaled to [0, 1], one row per image.
    /// </summary>
    /// <exception cref="InvalidDataException">A file is invalid, or the two do not match.</exception>
    public static Dataset<float> LoadImagesAndLabels(string imagesPath, string labelsPath, int classes = 10) =>
        ToDataset(Read(imagesPath), imagesPath, Read(labelsPath), labelsPath, classes);

    private static Dataset<float> ToDataset(IdxArray images, string imagesPath, IdxArray labels, string labelsPath, int classes)
    {
        if (images.Dimensions.Length != 3) throw new InvalidDataException($"{imagesPath}: an image file has 3 dimensions (count, rows, columns), not {images.Dimensions.Length}");
        if (labels.Dimensions.Length != 1) throw new InvalidDataException($"{labelsPath}: a label file has 1 dimension, not {labels.Dimensions.Length}");
        if (images.Dimensions[0] != labels.Dimensions[0])
            throw new InvalidDataException($"{imagesPath} has {images.Dimensions[0]} images but {labelsPath} has {labels.Dimensions[0]} labels");
        int pixels = images.Dimensions[1] * images.Dimensions[2];
        var features = new float[images.Data.Length];
        for (int i = 0; i < features.Length; i++) features[i] = images.Data[i] / 255f;
        var labelValues = new int[labels.Data.Length];
        for (int i = 0; i < labelValues.Length; i++)
        {
            labelValues[i] = labels.Data[i];
            if (labelValues[i] >= classes) throw new InvalidDataException($"{labelsPath}: label {labelValues[i]} at offset {8 + i} is not below {classes}");
        }

        return new Dataset<float>(features, pixels, labelValues, classes);
    }

    /// <summary>
    /// The training and test sets of MNIST or Fashion-MNIST in <paramref name="directory"/>, under their usual names
    /// (<c>train-images-idx3-ubyte</c>, … with or without <c>.gz</c>).
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message lists the names tried.</exception>
    /// <exception cref="InvalidDataException">A file is invalid, or the training and test images differ in size.</exception>
    public static (Dataset<float> Train, Dataset<float> Test) LoadMnistLayout(string directory)
    {
        string Find(string stem)
        {
            string[] candidates = [stem, stem + ".gz", stem.Replace("-idx", ".idx", StringComparison.Ordinal), stem.Replace("-idx", ".idx", StringComparison.Ordinal) + ".gz"];
            foreach (string candidate in candidates)
            {
                string path = Path.Combine(directory, candidate);
                if (File.Exists(path)) return path;
            }

            throw new FileNotFoundException($"{directory}: none of {string.Join(", ", candidates)} exists");
        }

        string trainImagesPath = Find("train-images-idx3-ubyte"), trainLabelsPath = Find("train-labels-idx1-ubyte");
        string testImagesPath = Find("t10k-images-idx3-ubyte"), testLabelsPath = Find("t10k-labels-idx1-ubyte");
        IdxArray trainImages = Read(trainImagesPath), testImages = Read(testImagesPath);
        Dataset<float> train = ToDataset(trainImages, trainImagesPath, Read(trainLabelsPath), trainLabelsPath, 10);
        Dataset<float> test = ToDataset(testImages, testImagesPath, Read(testLabelsPath), testLabelsPath, 10);
        // A model takes one image size: 14 × 56 test images have 28 × 28's pixel count but not its picture.
        // (Both label files are checked as one label per item, each below 10, so they always agree.)
        if (!trainImages.Dimensions.AsSpan(1).SequenceEqual(testImages.Dimensions.AsSpan(1)))
            throw new InvalidDataException(
                $"{testImagesPath} holds {Size(testImages)} images but {trainImagesPath} holds {Size(trainImages)} images; the training and test images must be the same size");
        return (train, test);
    }

    private static string Size(IdxArray images) => string.Join(" × ", images.Dimensions.Skip(1));

    private static byte[] ReadGrowing(Stream stream, int length, string name, long offset, string what)
    {
        var data = new byte[Math.Min(length, 1 << 20)];
        int total = 0;
        while (total < length)
        {
            if (total == data.Length) Array.Resize(ref data, (int)Math.Min(length, 2L * data.Length));
            int read = stream.Read(data, total, data.Length - total);
            if (read == 0) throw new InvalidDataException($"{name}: truncated: the file ends at offset {offset + total} while reading {what}");
            total += read;
        }

        return data;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string name, long offset, string what)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = stream.Read(buffer[total..]);
            if (read == 0) throw new InvalidDataException($"{name}: truncated: the file ends at offset {offset + total} while reading {what}");
            total += read;
        }
    }
}
