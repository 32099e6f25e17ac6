using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Autograd.NN.Data;
using Autograd.NN.Layers;

namespace Autograd.NN.Serialization;

/// <summary>
/// Saves a <see cref="Sequential{T}"/> model as safetensors: the parameters under their PyTorch names
/// (<c>0.weight</c>, <c>0.bias</c>, …) and the architecture as JSON in the metadata, so the file loads into a
/// working model without any code describing it.
/// </summary>
public static class ModelFile
{
    /// <summary>The metadata key holding the architecture.</summary>
    public const string ArchitectureKey = "autograd.architecture";

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (atomically), with optional extra metadata.</summary>
    public static void Save(Sequential<float> model, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var all = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [ArchitectureKey] = Architecture(model).ToJsonString(),
        };
        SafeTensors.Save(path, model.NamedParameters(), all);
    }

    /// <summary>Loads a model saved by <see cref="Save"/>; <paramref name="metadata"/> receives the file's metadata.</summary>
    /// <remarks>
    /// The architecture is compared with the shapes the header declares before any tensor or layer is made, so a
    /// small file cannot make the loader allocate what a large model would need; weights must be finite.
    /// </remarks>
    /// <exception cref="InvalidDataException">The file is invalid, has no architecture, or its tensors do not fit it.</exception>
    /// <exception cref="IOException">The file cannot be read or is not a regular file.</exception>
    public static Sequential<float> Load(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] file = DataFile.ReadAllBytes(path);
        SafeTensors.Header header = SafeTensors.ReadHeader(file, path);
        metadata = header.Metadata;
        if (!header.Metadata.TryGetValue(ArchitectureKey, out string? architecture))
            throw new InvalidDataException($"{path}: no '{ArchitectureKey}' in the metadata: the file holds weights but not a model description");
        List<LayerSpec> layers = Parse(architecture, path);

        // Every tensor the architecture needs, checked against the header's shapes while nothing is allocated.
        var declared = header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var (layer, index) in layers.Select((l, i) => (l, i)).Where(p => p.l.Type == "Linear"))
        {
            Expect(declared, $"{index}.weight", [layer.Out, layer.In], path);
            if (layer.Bias) Expect(declared, $"{index}.bias", [layer.Out], path);
        }

        if (declared.Count > 0) throw new InvalidDataException($"{path}: tensors not used by the architecture: {string.Join(", ", declared.Keys)}");

        var tensors = header.Tensors.ToDictionary(t => t.Name, t => t, StringComparer.Ordinal);
        var model = new Sequential<float>();
        foreach (var (layer, index) in layers.Select((l, i) => (l, i)))
        {
            model.Add(layer.Type switch
            {
                "Linear" => Linear<float>.FromWeights(
                    Weights(file, header, tensors[$"{index}.weight"], path),
                    layer.Bias ? Weights(file, header, tensors[$"{index}.bias"], path) : null),
                "ReLU" => new ReLU<float>(),
                "Sigmoid" => new Sigmoid<float>(),
                "Tanh" => new Tanh<float>(),
                "Identity" => new Identity<float>(),
                "LeakyReLU" => new LeakyReLU<float>(layer.Number),
                "Dropout" => new Dropout<float>(layer.Number),
                "Softmax" => new Softmax<float>(layer.Axis),
                _ => new LogSoftmax<float>(layer.Axis),
            });
        }

        model.Eval();
        return model;
    }

    private static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }

    /// <summary>One layer of the architecture: its type and the fields that type has.</summary>
    private sealed record LayerSpec(string Type, int In = 0, int Out = 0, bool Bias = false, double Number = 0, int Axis = 0);

    private static void Expect(Dictionary<string, SafeTensors.Entry> declared, string name, int[] shape, string path)
    {
        if (!declared.Remove(name, out SafeTensors.Entry? entry)) throw new InvalidDataException($"{path}: the architecture needs a tensor '{name}', which the file lacks");
        if (!entry.Shape.SequenceEqual(shape))
            throw new InvalidDataException($"{path}: tensor '{name}' has shape [{string.Join(",", entry.Shape)}], but the architecture needs [{string.Join(",", shape)}]");
    }

    /// <summary>A parameter tensor, refused when it holds NaN or ±∞: every output computed from it would be NaN.</summary>
    private static Tensor<float> Weights(byte[] file, SafeTensors.Header header, SafeTensors.Entry entry, string path)
    {
        Tensor<float> tensor = SafeTensors.ReadTensor(file, header, entry);
        int bad = FirstNonFinite(tensor.AsSpan());
        if (bad >= 0)
            throw new InvalidDataException(FormattableString.Invariant(
                $"{path}: tensor '{entry.Name}' holds {tensor.AsSpan()[bad]} at element {bad} (data offset {entry.Begin + bad * (entry.End - entry.Begin) / Math.Max(tensor.Size, 1)}); a model's weights must be finite numbers"));
        return tensor;
    }

    private static JsonArray Architecture(Sequential<float> model)
    {
        var layers = new JsonArray();
        foreach (Module<float> layer in model.Layers)
        {
            layers.Add(layer switch
            {
                Linear<float> l => new JsonObject { ["type"] = "Linear", ["in"] = l.InFeatures, ["out"] = l.OutFeatures, ["bias"] = l.Bias is not null },
                LeakyReLU<float> l => new JsonObject { ["type"] = "LeakyReLU", ["slope"] = l.Slope },
                Dropout<float> d => new JsonObject { ["type"] = "Dropout", ["p"] = d.Probability },
                Softmax<float> s => new JsonObject { ["type"] = "Softmax", ["axis"] = s.Axis },
                LogSoftmax<float> s => new JsonObject { ["type"] = "LogSoftmax", ["axis"] = s.Axis },
                Sigmoid<float> or Tanh<float> or ReLU<float> or Identity<float> => new JsonObject { ["type"] = layer.DisplayName },
                _ => throw new NotSupportedException($"model file: layer {layer.DisplayName} cannot be saved with its architecture"),
            });
        }

        return layers;
    }

    private static List<LayerSpec> Parse(string architecture, string path)
    {
        JsonArray layers;
        try
        {
            using (JsonDocument document = JsonDocument.Parse(architecture, new JsonDocumentOptions { MaxDepth = 8 }))
                RejectRepeatedKeys(document.RootElement, path);
            layers = JsonNode.Parse(architecture) as JsonArray ?? throw new InvalidDataException($"{path}: the architecture is not a JSON array of layers");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the architecture is not valid JSON ({e.Message})", e);
        }

        var specs = new List<LayerSpec>(layers.Count);
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is not JsonObject layer) throw new InvalidDataException($"{path}: architecture layer {i} is not an object");
            try
            {
                string type = layer["type"] is JsonValue { } t && t.TryGetValue(out string? name) ? name : throw new FormatException("it has no type");
                specs.Add(type switch
                {
                    "Linear" => new LayerSpec(type, In: Size(layer, "in"), Out: Size(layer, "out"), Bias: layer["bias"] is null || Field<bool>(layer, "bias")),
                    "ReLU" or "Sigmoid" or "Tanh" or "Identity" => new LayerSpec(type),
                    "LeakyReLU" => new LayerSpec(type, Number: new LeakyReLU<float>(Field<double>(layer, "slope")).Slope),
                    "Dropout" => new LayerSpec(type, Number: new Dropout<float>(Field<double>(layer, "p"), seed: 0).Probability),
                    "Softmax" or "LogSoftmax" => new LayerSpec(type, Axis: Field<int>(layer, "axis")),
                    _ => throw new FormatException($"unknown type '{type}'"),
                });
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
            {
                // The first line only, without " (Parameter 'p')": the layer's JSON already shows the value.
                string reason = e.Message.Split('\n', 2)[0].Split(" (Parameter", 2)[0];
                throw new InvalidDataException($"{path}: architecture layer {i} ({Shorten(layer.ToJsonString())}) is malformed: {reason}", e);
            }
        }

        return specs;
    }

    /// <summary>A layer size: a whole number of at least 1 (the shapes in the header are checked against it).</summary>
    private static int Size(JsonObject layer, string key)
    {
        int size = Field<int>(layer, key);
        return size >= 1 ? size : throw new FormatException($"'{key}' is {size}, not a size of at least 1");
    }

    /// <summary>
    /// Refuses a key that appears twice in a layer of the architecture: JsonNode would throw on it, other readers
    /// keep the first or the last.
    /// </summary>
    private static void RejectRepeatedKeys(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (JsonElement item in element.EnumerateArray())
            {
                var keys = new HashSet<string>(StringComparer.Ordinal);
                if (item.ValueKind == JsonValueKind.Object)
                    foreach (JsonProperty property in item.EnumerateObject())
                        if (!keys.Add(property.Name)) throw new InvalidDataException($"{path}: architecture layer {i} has the key '{property.Name}' twice");
                i++;
            }
        }
    }

    /// <summary>JSON as quoted in a message: at most 80 characters.</summary>
    private static string Shorten(string json) => json.Length <= 80 ? json : json[..77] + "...";

    private static TValue Field<TValue>(JsonObject layer, string key) =>
        layer[key] is JsonValue value ? value.GetValue<TValue>() : throw new FormatException($"the field '{key}' is missing");

    /// <summary>Formats a number for metadata strings (invariant culture, round-trip).</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
