using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Autograd.NN;

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
    /// <param name="Tensors">The tensors by name, in file order (F32 and F64 are read as float32).</param>
    /// <param name="Metadata">The <c>__metadata__</c> strings.</param>
    public sealed record Contents(IReadOnlyList<KeyValuePair<string, Tensor<float>>> Tensors, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>Reads and validates a safetensors file.</summary>
    /// <exception cref="InvalidDataException">The file is not valid safetensors; the message says what and where.</exception>
    public static Contents Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Read(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads and validates safetensors bytes; <paramref name="name"/> is used in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes are not valid safetensors.</exception>
    public static Contents Read(ReadOnlySpan<byte> file, string name)
    {
        try
        {
            return ReadValidated(file, name);
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json reports invalid UTF-8 in names and strings only when they are read.
            throw new InvalidDataException($"{name}: the header is not valid UTF-8 JSON ({e.Message})", e);
        }
    }

    private static Contents ReadValidated(ReadOnlySpan<byte> file, string name)
    {
        if (file.Length < 8) throw new InvalidDataException($"{name}: {file.Length} bytes is too short for the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeaderBytes) throw new InvalidDataException($"{name}: the header length {headerLength} is above the {MaxHeaderBytes}-byte limit");
        if (headerLength > (ulong)(file.Length - 8)) throw new InvalidDataException($"{name}: the header length {headerLength} runs past the end of the {file.Length}-byte file");
        ReadOnlySpan<byte> header = file.Slice(8, (int)headerLength);
        ReadOnlySpan<byte> data = file[(8 + (int)headerLength)..];

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
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<(string Name, string DType, int[] Shape, long Begin, long End)>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    if (property.Value.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{name}: {MetadataKey} is not an object");
                    foreach (JsonProperty m in property.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw new InvalidDataException($"{name}: metadata '{m.Name}' is not a string");
                    continue;
                }

                if (!names.Add(property.Name)) throw new InvalidDataException($"{name}: tensor '{property.Name}' appears twice in the header");
                entries.Add(Entry(property, name));
            }

            // The data section must be covered exactly, without holes or overlaps. Ordered by (begin, end), as the
            // reference implementation orders them, so an empty tensor at [n, n] comes before one starting at n.
            var ordered = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
            long expected = 0;
            foreach (var entry in ordered)
            {
                if (entry.Begin != expected)
                    throw new InvalidDataException($"{name}: tensor '{entry.Name}' starts at data offset {entry.Begin}, but the previous tensor ends at {expected} (holes and overlaps are not allowed)");
                expected = entry.End;
            }

            if (expected != data.Length)
                throw new InvalidDataException($"{name}: the tensors cover {expected} data bytes but the file has {data.Length} after the header");

            var tensors = new List<KeyValuePair<string, Tensor<float>>>();
            foreach (var (tensorName, dtype, shape, begin, end) in ordered)
            {
                ReadOnlySpan<byte> bytes = data[(int)begin..(int)end];
                float[] values = dtype == "F32"
                    ? MemoryMarshal.Cast<byte, float>(bytes).ToArray()
                    : [.. MemoryMarshal.Cast<byte, double>(bytes).ToArray().Select(v => (float)v)];
                tensors.Add(KeyValuePair.Create(tensorName, Tensor.FromArray(values, shape)));
            }

            return new Contents(tensors, metadata);
        }
    }

    private static (string Name, string DType, int[] Shape, long Begin, long End) Entry(JsonProperty property, string file)
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
        return (tensor, dtype, shape, begin, end);
    }
}
