using System.Buffers.Binary;
using System.IO.Compression;

namespace Autograd.NN;

/// <summary>
/// Reads the IDX files of MNIST and Fashion-MNIST (raw or gzip-compressed): a big-endian header of magic number
/// (two zero bytes, a type code and the number of dimensions), one 32-bit size per dimension, then the data.
/// Every header field is validated against the file, so a truncated or wrong file is named, not misread.
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByte = 0x08;
    private const int MaxElements = 1 << 30;

    /// <summary>An IDX array of unsigned bytes: its dimensions and its data.</summary>
    /// <param name="Dimensions">The size of each dimension.</param>
    /// <param name="Data">The elements, row-major.</param>
    public sealed record IdxArray(int[] Dimensions, byte[] Data);

    /// <summary>Reads an IDX file of unsigned bytes, gzip-compressed when its name ends in .gz.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid IDX file of unsigned bytes.</exception>
    public static IdxArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            return Read(stream, path);
        }
        catch (InvalidDataException e) when (e.Message.Contains("gzip", StringComparison.OrdinalIgnoreCase) || e.InnerException is not null)
        {
            throw new InvalidDataException($"{path}: not a valid gzip stream ({e.Message})", e);
        }
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
    public static Dataset<float> LoadImagesAndLabels(string imagesPath, string labelsPath, int classes = 10)
    {
        IdxArray images = Read(imagesPath), labels = Read(labelsPath);
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

        return (
            LoadImagesAndLabels(Find("train-images-idx3-ubyte"), Find("train-labels-idx1-ubyte")),
            LoadImagesAndLabels(Find("t10k-images-idx3-ubyte"), Find("t10k-labels-idx1-ubyte")));
    }

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
