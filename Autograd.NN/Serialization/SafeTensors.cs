using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Autograd.NN.Data;

namespace Autograd.NN.Serialization;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON mapping each tensor's name to
/// its dtype, shape and [begin, end) byte offsets in the data section, an optional <c>__metadata__</c> object of
/// strings, then the data, little-endian and row-major. Files written here load in the Python safetensors and
/// PyTorch tooling; files read here are validated completely before any tensor is made.
/// </summary>
public static class SafeTensors
{
    /// <summary>The largest header accepted: the reference implementation's bound (100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    /// <summary>Writes <paramref name="tensors"/> (and string <paramref name="metadata"/>) to <paramref name="path"/>, atomically.</summary>
    /// <exception cref="ArgumentException">Two tensors have the same name, or one is named <c>__metadata__</c>; the file is left as it was.</exception>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor<float>>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        // The old file is replaced only once the new one is complete: a crash mid-write loses nothing.
        AtomicFile.Write(path, file => Write(file, tensors, metadata));
    }

    /// <summary>Writes the safetensors bytes to <paramref name="stream"/>.</summary>
    /// <exception cref="ArgumentException">Two tensors have the same name, or one is named <c>__metadata__</c>.</exception>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor<float>>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata) writer.WriteString(key, value);
                writer.WriteEndObject();
            }

            long offset = 0;
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, tensor) in list)
            {
                if (name == MetadataKey) throw new ArgumentException($"safetensors: '{MetadataKey}' is reserved and cannot name a tensor");
                // A JSON object with a repeated key is read differently by different readers; refuse to write one.
                if (!names.Add(name)) throw new ArgumentException($"safetensors: two tensors are named '{name}'");
                long bytes = (long)tensor.Size * sizeof(float);
                writer.WriteStartObject(name);
                writer.WriteString("dtype", "F32");
                writer.WriteStartArray("shape");
                foreach (int d in tensor.Shape) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + bytes);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += bytes;
            }

            writer.WriteEndObject();
        }

        // The header is padded with spaces to a multiple of 8 bytes so the data starts aligned, as the reference writer does.
        int padding = (int)((8 - json.Length % 8) % 8);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)(json.Length + padding));
        stream.Write(length);
        stream.Write(json.GetBuffer().AsSpan(0, (int)json.Length));
        for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
        foreach (var (_, tensor) in list)
        {
            float[] values = tensor.ToArray();
            if (!BitConverter.IsLittleEndian)
                for (int i = 0; i < values.Length; i++) values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReverseEndianness(BitConverter.SingleToInt32Bits(values[i])));
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
        }
    }

    /// <summary>The tensors and metadata of a safetensors file.</summary>
    /// <param name="Tensors">The tensors by name, in the order of their data (F32 and F64 are read as float32).</param>
    /// <param name="Metadata">The <c>__metadata__</c> strings.</param>
    public sealed record Contents(IReadOnlyList<KeyValuePair<string, Tensor<float>>> Tensors, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>A tensor as the header declares it.</summary>
    /// <param name="Name">Its name.</param>
    /// <param name="DType">F32 or F64.</param>
    /// <param name="Shape">Its shape.</param>
    /// <param name="Begin">Where its bytes start in the data section.</param>
    /// <param name="End">Where they end (exclusive).</param>
    public sealed record Entry(string Name, string DType, IReadOnlyList<int> Shape, long Begin, long End);

    /// <summary>
    /// A validated header: what each tensor is and where its bytes are, without the tensors, so that a reader can
    /// compare the shapes with what it expects before it allocates anything.
    /// </summary>
    /// <param name="Tensors">The tensors in the order of their data.</param>
    /// <param name="Metadata">The <c>__metadata__</c> strings.</param>
    /// <param name="DataStart">The file offset of the data section.</param>
    public sealed record Header(IReadOnlyList<Entry> Tensors, IReadOnlyDictionary<string, string> Metadata, long DataStart);

    /// <summary>Reads and validates a safetensors file.</summary>
    /// <exception cref="InvalidDataException">The file is not valid safetensors; the message says what and where.</exception>
    /// <exception cref="IOException">The file cannot be read or is not a regular file.</exception>
    public static Contents Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Read(DataFile.ReadAllBytes(path), path);
    }

    /// <summary>Reads and validates safetensors bytes; <paramref name="name"/> is used in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes are not valid safetensors.</exception>
    public static Contents Read(ReadOnlySpan<byte> file, string name)
    {
        Header header = ReadHeader(file, name);
        var tensors = new List<KeyValuePair<string, Tensor<float>>>(header.Tensors.Count);
        foreach (Entry entry in header.Tensors) tensors.Add(KeyValuePair.Create(entry.Name, ReadTensor(file, header, entry)));
        return new Contents(tensors, header.Metadata);
    }

    /// <summary>
    /// Reads and validates the header of safetensors bytes: the JSON, every entry, and that the entries cover the
    /// data section exactly. Nothing is allocated in proportion to what the header declares.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not valid safetensors; the message says what and where.</exception>
    public static Header ReadHeader(ReadOnlySpan<byte> file, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        try
        {
            return ReadValidatedHeader(file, name);
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json reports invalid UTF-8 in names and strings only when they are read.
            throw new InvalidDataException($"{name}: the header is not valid UTF-8 JSON ({e.Message})", e);
        }
    }

    /// <summary>The tensor <paramref name="entry"/> of <paramref name="header"/>, read from <paramref name="file"/> as float32.</summary>
    /// <exception cref="ArgumentException">The entry's bytes lie outside <paramref name="file"/>.</exception>
    public static Tensor<float> ReadTensor(ReadOnlySpan<byte> file, Header header, Entry entry)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(entry);
        if (header.DataStart + entry.End > file.Length) throw new ArgumentException($"safetensors: tensor '{entry.Name}' ends past the end of the {file.Length} bytes given");
        ReadOnlySpan<byte> bytes = file[(int)(header.DataStart + entry.Begin)..(int)(header.DataStart + entry.End)];
        float[] values = new float[bytes.Length / (entry.DType == "F32" ? sizeof(float) : sizeof(double))];
        for (int i = 0; i < values.Length; i++)
            values[i] = entry.DType == "F32"
                ? BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..])
                : (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * sizeof(double))..]);
        return Tensor.FromArray(values, [.. entry.Shape]);
    }

    private static Header ReadValidatedHeader(ReadOnlySpan<byte> file, string name)
    {
        if (file.Length < 8) throw new InvalidDataException($"{name}: {file.Length} bytes is too short for the 8-byte header length");
        // Any other file (a text file, an image) is named as such, not by the header length its first 8 bytes make.
        if (file.Length > 8 && file[8] != (byte)'{')
            throw new InvalidDataException($"{name}: not a safetensors file: byte 8 is 0x{file[8]:X2}, where a safetensors file starts its JSON header with '{{'");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeaderBytes) throw new InvalidDataException($"{name}: the header length {headerLength} (bytes 0-7) is above the {MaxHeaderBytes}-byte limit; the file is damaged or not a safetensors file");
        if (headerLength > (ulong)(file.Length - 8)) throw new InvalidDataException($"{name}: the header length {headerLength} runs past the end of the {file.Length}-byte file");
        ReadOnlySpan<byte> header = file.Slice(8, (int)headerLength);
        long dataLength = file.Length - 8 - (long)headerLength;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{name}: the header is not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{name}: the header is not a JSON object");
            // Readers differ on a repeated key (first or last wins), so a file holding one means different things to each.
            RejectRepeatedKeys(document.RootElement, name);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    if (property.Value.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{name}: {MetadataKey} is not an object");
                    foreach (JsonProperty m in property.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw new InvalidDataException($"{name}: metadata '{m.Name}' is not a string");
                    continue;
                }

                entries.Add(EntryOf(property, name));
            }

            // The data section must be covered exactly, without holes or overlaps. Ordered by (begin, end), as the
            // reference implementation orders them, so an empty tensor at [n, n] comes before one starting at n.
            var ordered = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
            long expected = 0;
            foreach (Entry entry in ordered)
            {
                if (entry.Begin != expected)
                    throw new InvalidDataException($"{name}: tensor '{entry.Name}' starts at data offset {entry.Begin}, but the previous tensor ends at {expected} (holes and overlaps are not allowed)");
                expected = entry.End;
            }

            if (expected != dataLength)
                throw new InvalidDataException($"{name}: the tensors cover {expected} data bytes but the file has {dataLength} after the header");
            return new Header(ordered, metadata, 8 + (long)headerLength);
        }
    }

    /// <summary>Refuses a key that appears twice in the header or in any object inside it, naming the key and where.</summary>
    private static void RejectRepeatedKeys(JsonElement header, string file)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in header.EnumerateObject())
        {
            if (!keys.Add(property.Name))
                throw new InvalidDataException(property.Name == MetadataKey
                    ? $"{file}: '{MetadataKey}' appears twice in the header"
                    : $"{file}: tensor '{property.Name}' appears twice in the header");
            RejectRepeatedKeys(property.Value, property.Name == MetadataKey ? MetadataKey : $"the entry of tensor '{property.Name}'", file);
        }
    }

    private static void RejectRepeatedKeys(JsonElement element, string where, string file)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in element.EnumerateArray()) RejectRepeatedKeys(item, where, file);
            return;
        }

        if (element.ValueKind != JsonValueKind.Object) return;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!keys.Add(property.Name)) throw new InvalidDataException($"{file}: the key '{property.Name}' appears twice in {where}");
            RejectRepeatedKeys(property.Value, where, file);
        }
    }

    private static Entry EntryOf(JsonProperty property, string file)
    {
        string tensor = property.Name;
        JsonElement value = property.Value;
        if (value.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{file}: the entry of tensor '{tensor}' is not an object");
        if (!value.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"{file}: tensor '{tensor}' has no dtype");
        string dtype = dtypeElement.GetString()!;
        int elementSize = dtype switch
        {
            "F32" => 4,
            "F64" => 8,
            _ => throw new InvalidDataException($"{file}: tensor '{tensor}' has dtype {dtype}; only F32 and F64 are supported"),
        };
        if (!value.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{file}: tensor '{tensor}' has no shape array");
        var shape = new int[shapeElement.GetArrayLength()];
        long elements = 1;
        int d = 0;
        foreach (JsonElement dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt32(out shape[d]) || shape[d] < 0)
                throw new InvalidDataException($"{file}: tensor '{tensor}' has a shape entry {dim} that is not a size");
            elements *= shape[d++];
            if (elements > int.MaxValue) throw new InvalidDataException($"{file}: tensor '{tensor}' has too many elements");
        }

        if (!value.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
            || !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw new InvalidDataException($"{file}: tensor '{tensor}' needs data_offsets [begin, end] with 0 ≤ begin ≤ end");
        if (end - begin != elements * elementSize)
            throw new InvalidDataException($"{file}: tensor '{tensor}' of shape [{string.Join(",", shape)}] and dtype {dtype} needs {elements * elementSize} bytes, but its offsets give {end - begin}");
        return new Entry(tensor, dtype, shape, begin, end);
    }
}
