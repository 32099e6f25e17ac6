using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Autograd.Cli.Training;
using Autograd.NN;

namespace Autograd.Cli.Commands;

/// <summary><c>autograd summary</c>, <c>predict</c> and <c>eval</c>: use a model saved by <c>autograd train</c>.</summary>
internal static class ModelCommands
{
    /// <summary>A loaded model with what its metadata says about it.</summary>
    private sealed record SavedModel(Sequential<float> Model, LossKind Loss, string[] Classes, Standardizer? Standardizer, int Inputs)
    {
        /// <summary>How many classes the model tells apart: two for one logistic output, else one per output.</summary>
        public int ClassCount => Loss == LossKind.BinaryCrossEntropy ? 2 : Model.Layers.OfType<Linear<float>>().Last().OutFeatures;

        public Tensor<float> Probabilities(Tensor<float> logits) => Loss == LossKind.BinaryCrossEntropy
            ? Tensor<float>.Concat([1f - logits.Sigmoid(), logits.Sigmoid()], 1)
            : logits.Softmax(1);
    }

    /// <summary>Builds <c>autograd summary MODEL</c>.</summary>
    public static Command Summary(Terminal terminal)
    {
        var model = new Argument<string>("MODEL") { Description = "A .safetensors file written by 'autograd train --save'." };
        var command = new Command("summary", "Show a saved model's layers, output shapes and parameter counts.") { model };
        command.SetAction(parsed =>
        {
            SavedModel saved = Load(parsed.GetRequiredValue(model));
            terminal.Out.Write(saved.Model.Summary(saved.Inputs));
            return 0;
        });
        return command;
    }

    /// <summary>Builds <c>autograd predict MODEL INPUT</c>.</summary>
    public static Command Predict(Terminal terminal)
    {
        var model = new Argument<string>("MODEL") { Description = "A .safetensors file written by 'autograd train --save'." };
        var input = new Argument<string>("INPUT") { Description = "Samples: a JSON list of numbers (one sample) or of rows, or a CSV file of feature rows (with a header)." };
        var json = new Option<bool>("--json") { Description = "Print the predictions as one JSON array." };
        var command = new Command("predict", "Predict the class of each sample with a saved model.") { model, input, json };
        command.SetAction(parsed =>
        {
            SavedModel saved = Load(parsed.GetRequiredValue(model));
            float[][] rows = ReadSamples(parsed.GetRequiredValue(input), saved.Inputs);
            var data = new Dataset<float>([.. rows.SelectMany(r => r)], saved.Inputs, new int[rows.Length], Math.Max(saved.Classes.Length, 1));
            if (saved.Standardizer is not null) data = saved.Standardizer.Transform(data);
            Tensor<float> probabilities;
            using (Autodiff.NoGrad()) probabilities = saved.Probabilities(saved.Model.Forward(data.FeatureTensor()));
            int[] predicted = Metrics.PredictedClasses(probabilities);
            int classes = probabilities.Shape[1];
            float[] p = probabilities.ToArray();
            var results = predicted.Select((c, i) => new
            {
                @class = c < saved.Classes.Length ? saved.Classes[c] : c.ToString(CultureInfo.InvariantCulture),
                probability = p[i * classes + c],
            }).ToList();
            if (parsed.GetValue(json))
            {
                terminal.Out.WriteLine(JsonSerializer.Serialize(results));
                return 0;
            }

            foreach (var (result, i) in results.Select((r, i) => (r, i)))
                terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i}: {result.@class} ({result.probability:P1})"));
            return 0;
        });
        return command;
    }

    /// <summary>Builds <c>autograd eval MODEL --data ...</c>.</summary>
    public static Command Evaluate(Terminal terminal)
    {
        var model = new Argument<string>("MODEL") { Description = "A .safetensors file written by 'autograd train --save'." };
        var data = new Option<string?>("--data") { Description = "The data to evaluate on (default: the data the model was trained on); its test set is used." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder of the MNIST/Fashion-MNIST IDX files.", HelpName = "DIR" };
        var target = new Option<string?>("--target") { Description = "The class column of a CSV file.", HelpName = "COLUMN" };
        var json = new Option<bool>("--json") { Description = "Print only the figures as one JSON object." };
        var command = new Command("eval", "Evaluate a saved model: test loss and accuracy.") { model, data, dataDir, target, json };
        command.SetAction(parsed =>
        {
            string path = parsed.GetRequiredValue(model);
            SavedModel saved = Load(path, out var metadata);
            string dataName = parsed.GetValue(data) ?? metadata.GetValueOrDefault("autograd.data")
                ?? throw new CliException($"{path} does not say what it was trained on: give --data");
            int seed = int.TryParse(metadata.GetValueOrDefault("autograd.seed"), CultureInfo.InvariantCulture, out int s) ? s : 1;
            Dataset<float> test = TestSet(dataName, parsed.GetValue(dataDir), parsed.GetValue(target), saved, seed);
            if (test.FeatureCount != saved.Inputs) throw new CliException($"{dataName} has {test.FeatureCount} features per sample, but the model takes {saved.Inputs}");
            if (test.Classes > saved.ClassCount) throw new CliException($"{dataName} has {test.Classes} classes, but the model tells {saved.ClassCount} apart");
            var trainer = new Trainer<float>(saved.Model).Compile(new Sgd<float>(saved.Model.Parameters(), 0), saved.Loss, MetricKind.Accuracy);
            EvaluationResult result = trainer.Evaluate(test);
            if (parsed.GetValue(json))
            {
                terminal.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["test_accuracy"] = result.Metric ?? double.NaN, ["test_loss"] = result.Loss, ["samples"] = test.Count }));
                return 0;
            }

            terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{dataName}: {test.Count:N0} samples, loss {result.Loss:0.0000}, accuracy {result.Metric:P2}"));
            return 0;
        });
        return command;
    }

    private static Dataset<float> TestSet(string dataName, string? dataDir, string? target, SavedModel saved, int seed)
    {
        if (!dataName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            return DataSources.Load(dataName, dataDir, seed, target).Test;
        // A CSV file is evaluated whole, with the standardization the model was trained with.
        try
        {
            using var reader = new StreamReader(dataName);
            Dataset<float> all = CsvReader.Load(reader, dataName, target, CsvTarget.Classes, out _);
            return saved.Standardizer?.Transform(all) ?? all;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
        {
            throw new CliException(e.Message);
        }
    }

    private static SavedModel Load(string path) => Load(path, out _);

    private static SavedModel Load(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        CliFiles.CheckReadable(path, "MODEL");
        Sequential<float> model;
        try
        {
            model = ModelFile.Load(path, out metadata);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new CliException(e.Message);
        }

        try
        {
            LossKind loss = Enum.TryParse(metadata.GetValueOrDefault("autograd.loss"), out LossKind parsed) ? parsed : LossKind.CrossEntropy;
            string[] classes = metadata.TryGetValue("autograd.classes", out string? classText) ? JsonSerializer.Deserialize<string[]>(classText) ?? [] : [];
            Standardizer? standardizer = metadata.TryGetValue("autograd.standardize.mean", out string? mean) && metadata.TryGetValue("autograd.standardize.std", out string? std)
                ? Standardizer.FromStatistics(JsonSerializer.Deserialize<float[]>(mean)!, JsonSerializer.Deserialize<float[]>(std)!)
                : null;
            int inputs = model.Layers.OfType<Linear<float>>().FirstOrDefault()?.InFeatures
                ?? throw new CliException($"{path}: the model has no Linear layer, so its input size is unknown");
            var saved = new SavedModel(model, loss, classes, standardizer, inputs);
            if (classes.Length > 0 && classes.Length != saved.ClassCount)
                throw new CliException($"{path}: the metadata names {classes.Length} classes, but the model's {model.Layers.OfType<Linear<float>>().Last().OutFeatures} output(s) give {saved.ClassCount}");
            if (model.Parameters().Any(p => p.ToArray().Any(v => !float.IsFinite(v))))
                throw new CliException($"{path}: some weights are not finite numbers (NaN or ±∞), so every prediction would be NaN");
            return saved;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new CliException($"{path}: malformed metadata ({e.Message})");
        }
    }

    private static float[][] ReadSamples(string input, int features)
    {
        bool literal = input.TrimStart().StartsWith('[');
        if (!literal) CliFiles.CheckReadable(input, "INPUT");
        string text = literal ? input : ReadFile(input);
        float[][] rows;
        if (text.TrimStart().StartsWith('['))
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(text);
                JsonElement root = document.RootElement;
                rows = root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0 && root[0].ValueKind == JsonValueKind.Array
                    ? [.. root.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray())]
                    : [[.. root.EnumerateArray().Select(v => v.GetSingle())]];
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                throw new CliException($"INPUT is not a JSON list of numbers or of rows: {e.Message}");
            }
        }
        else
        {
            string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            rows = [.. lines.Skip(1).Select((line, i) => line.Split(',').Take(features).Select(f =>
                float.TryParse(f.Trim('"', ' '), NumberStyles.Float, CultureInfo.InvariantCulture, out float v) ? v
                    : throw new CliException($"{input}:{i + 2}: '{f}' is not a number")).ToArray())];
        }

        for (int i = 0; i < rows.Length; i++)
        {
            if (rows[i].Length != features) throw new CliException($"sample {i} has {rows[i].Length} features; the model takes {features}");
            int at = Array.FindIndex(rows[i], v => !float.IsFinite(v));
            if (at >= 0) throw new CliException($"sample {i}, feature {at}: not a finite float32 number (NaN, ±∞, or beyond ±3.4e38)");
        }

        if (rows.Length == 0) throw new CliException("INPUT has no samples");
        return rows;
    }

    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read INPUT '{path}': {e.Message}");
        }
    }
}
