using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Autograd.NN;

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
    /// <exception cref="InvalidDataException">The file is invalid, has no architecture, or its tensors do not fit it.</exception>
    public static Sequential<float> Load(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        SafeTensors.Contents contents = SafeTensors.Load(path);
        metadata = contents.Metadata;
        if (!contents.Metadata.TryGetValue(ArchitectureKey, out string? architecture))
            throw new InvalidDataException($"{path}: no '{ArchitectureKey}' in the metadata: the file holds weights but not a model description");
        Sequential<float> model = Build(architecture, path);
        var tensors = contents.Tensors.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        foreach (var (index, layer) in model.Layers.Select((l, i) => (i, l)))
        {
            if (layer is not Linear<float> linear) continue;
            Tensor<float> weight = Take(tensors, $"{index}.weight", [linear.OutFeatures, linear.InFeatures], path);
            Tensor<float>? bias = linear.Bias is null ? null : Take(tensors, $"{index}.bias", [linear.OutFeatures], path);
            linear.Load(weight.RequireGrad(), bias?.RequireGrad());
        }

        if (tensors.Count > 0) throw new InvalidDataException($"{path}: tensors not used by the architecture: {string.Join(", ", tensors.Keys)}");
        model.Eval();
        return model;
    }

    private static Tensor<float> Take(Dictionary<string, Tensor<float>> tensors, string name, int[] shape, string path)
    {
        if (!tensors.Remove(name, out Tensor<float>? tensor)) throw new InvalidDataException($"{path}: the architecture needs a tensor '{name}', which the file lacks");
        if (!tensor.Shape.SequenceEqual(shape))
            throw new InvalidDataException($"{path}: tensor '{name}' has shape [{string.Join(",", tensor.Shape)}], but the architecture needs [{string.Join(",", shape)}]");
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

    private static Sequential<float> Build(string architecture, string path)
    {
        JsonArray layers;
        try
        {
            layers = JsonNode.Parse(architecture) as JsonArray ?? throw new InvalidDataException($"{path}: the architecture is not a JSON array of layers");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the architecture is not valid JSON ({e.Message})", e);
        }

        var model = new Sequential<float>();
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is not JsonObject layer) throw new InvalidDataException($"{path}: architecture layer {i} is not an object");
            try
            {
                string type = (string?)layer["type"] ?? throw new InvalidDataException($"{path}: architecture layer {i} has no type");
                model.Add(type switch
                {
                    "Linear" => new Linear<float>(Field<int>(layer, "in"), Field<int>(layer, "out"), bias: layer["bias"] is null || Field<bool>(layer, "bias")),
                    "ReLU" => new ReLU<float>(),
                    "Sigmoid" => new Sigmoid<float>(),
                    "Tanh" => new Tanh<float>(),
                    "Identity" => new Identity<float>(),
                    "LeakyReLU" => new LeakyReLU<float>(Field<double>(layer, "slope")),
                    "Dropout" => new Dropout<float>(Field<double>(layer, "p")),
                    "Softmax" => new Softmax<float>(Field<int>(layer, "axis")),
                    "LogSoftmax" => new LogSoftmax<float>(Field<int>(layer, "axis")),
                    _ => throw new InvalidDataException($"{path}: architecture layer {i} has unknown type '{type}'"),
                });
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
            {
                // The first line only, without " (Parameter 'p')": the layer's JSON already shows the value.
                string reason = e.Message.Split('\n', 2)[0].Split(" (Parameter", 2)[0];
                throw new InvalidDataException($"{path}: architecture layer {i} ({layer.ToJsonString()}) is malformed: {reason}", e);
            }
        }

        return model;
    }

    private static TValue Field<TValue>(JsonObject layer, string key) =>
        layer[key] is JsonValue value ? value.GetValue<TValue>() : throw new FormatException($"the field '{key}' is missing");

    /// <summary>Formats a number for metadata strings (invariant culture, round-trip).</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
