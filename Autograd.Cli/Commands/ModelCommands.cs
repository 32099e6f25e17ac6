using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Autograd.Cli.Training;
using Autograd.NN;
using Autograd.NN.Data;
using Autograd.NN.Layers;
using Autograd.NN.Objectives;
using Autograd.NN.Optimizers;
using Autograd.NN.Serialization;
using Autograd.NN.Training;

namespace Autograd.Cli.Commands;

/// <summary><c>autograd summary</c>, <c>predict</c> and <c>eval</c>: use a model saved by <c>autograd train</c>.</summary>
internal static class ModelCommands
{
    /// <summary>A loaded model with what its metadata says about it.</summary>
    private sealed record SavedModel(Sequential<float> Model, LossKind Loss, string[] Classes, Standardizer? Standardizer, int Inputs, int Outputs, int Seed)
    {
        /// <summary>How many classes the model tells apart: two for one logistic output, else one per output.</summary>
        public int ClassCount => Loss == LossKind.BinaryCrossEntropy ? 2 : Outputs;

        public Tensor<float> Probabilities(Tensor<float> logits) => Loss == LossKind.BinaryCrossEntropy
            ? Tensor.Concat([1f - logits.Sigmoid(), logits.Sigmoid()], 1)
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
            int classes = probabilities.Shape[1];
            float[] p = probabilities.ToArray();
            // A NaN printed as a probability would look like an answer: the weights or the inputs overflowed float32.
            int bad = Array.FindIndex(p, v => !float.IsFinite(v));
            if (bad >= 0)
                throw new CliException($"sample {bad / classes}: the model's output is {p[bad].ToString(CultureInfo.InvariantCulture)}: its weights or the (standardized) inputs overflow float32, so there is no prediction");
            int[] predicted = Metrics.PredictedClasses(probabilities);
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
                terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i}: {Printable.Text(result.@class)} ({result.probability:P1})"));
            return 0;
        });
        return command;
    }

    /// <summary>Builds <c>autograd eval MODEL --data ...</c>.</summary>
    public static Command Evaluate(Terminal terminal)
    {
        var model = new Argument<string>("MODEL") { Description = "A .safetensors file written by 'autograd train --save'." };
        var data = new Option<string?>("--data")
        {
            Description = "The data to evaluate on (default: the data the model was trained on). A named set is scored on its test set. "
                + "The CSV file the model was trained on (the same bytes) is scored on the 20 % test split train held out; any other CSV file on all its rows.",
        };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder of the MNIST/Fashion-MNIST IDX files.", HelpName = "DIR" };
        var target = new Option<string?>("--target") { Description = "The class column of a CSV file (default: the one the model was trained with).", HelpName = "COLUMN" };
        var json = new Option<bool>("--json") { Description = "Print only the figures as one JSON object." };
        var command = new Command("eval", "Evaluate a saved model: test loss and accuracy.") { model, data, dataDir, target, json };
        command.SetAction(parsed =>
        {
            string path = parsed.GetRequiredValue(model);
            SavedModel saved = Load(path, out var metadata);
            string? given = parsed.GetValue(data);
            string dataName = given ?? metadata.GetValueOrDefault(ModelMetadata.Data)
                ?? throw new CliException($"{path} does not say what it was trained on: give --data");
            string source = given is null ? $"{path}: {ModelMetadata.Data}" : "--data";
            var (test, evaluated) = TestSet(dataName, source, parsed.GetValue(dataDir), parsed.GetValue(target) ?? metadata.GetValueOrDefault(ModelMetadata.Target), saved, metadata);
            if (test.FeatureCount != saved.Inputs) throw new CliException($"{dataName} has {test.FeatureCount} features per sample, but the model takes {saved.Inputs}");
            if (test.Classes > saved.ClassCount) throw new CliException($"{dataName} has {test.Classes} classes, but the model tells {saved.ClassCount} apart");
            var trainer = new Trainer<float>(saved.Model).Compile(new Sgd<float>(saved.Model.Parameters(), 0), saved.Loss, MetricKind.Accuracy);
            EvaluationResult result = trainer.Evaluate(test);
            if (!double.IsFinite(result.Loss))
                throw new CliException($"{path} on {dataName}: the loss is {result.Loss.ToString(CultureInfo.InvariantCulture)}: the model's outputs overflow float32 on this data, so there is no score");
            if (parsed.GetValue(json))
            {
                terminal.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["test_accuracy"] = result.Metric,
                    ["test_loss"] = result.Loss,
                    ["samples"] = test.Count,
                    ["evaluated"] = evaluated.Kind,
                }));
                return 0;
            }

            terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{dataName}: {evaluated.Description}, loss {result.Loss:0.0000}, accuracy {result.Metric:P2}"));
            return 0;
        });
        return command;
    }

    /// <summary>What eval scored: a short kind for JSON (test set, test split, all rows) and the words for people.</summary>
    private sealed record Evaluated(string Kind, string Description);

    private static (Dataset<float> Test, Evaluated What) TestSet(string dataName, string source, string? dataDir, string? target, SavedModel saved, IReadOnlyDictionary<string, string> metadata)
    {
        if (!dataName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            Dataset<float> named;
            try
            {
                named = DataSources.Load(dataName, dataDir, saved.Seed, target).Test;
            }
            catch (CliException e) when (source != "--data")
            {
                throw new CliException($"{source} is '{dataName}': {e.Message}");
            }

            return (named, new Evaluated("test set", $"{named.Count:N0} samples"));
        }

        // Labels go through the model's own class list, so a file holding only some of the classes is scored right.
        Dataset<float> all = CsvFile.Load(dataName, source, target, saved.Classes.Length > 0 ? saved.Classes : null, out _);
        all = saved.Standardizer?.Transform(all) ?? all;

        // Train's test split is rebuilt only from the very bytes it was made from; any other file is scored whole.
        string? trainedOn = metadata.GetValueOrDefault(ModelMetadata.Data);
        bool samePath = trainedOn is not null && Path.GetFullPath(dataName) == trainedOn;
        bool sameBytes = metadata.TryGetValue(ModelMetadata.DataSha256, out string? hash) ? CsvFile.Sha256(dataName) == hash : samePath;
        if (sameBytes)
        {
            Dataset<float> test = DataSources.TestRows(all, saved.Seed);
            return (test, new Evaluated("test split", $"the test split train held out, {test.Count:N0} of {all.Count:N0} rows"));
        }

        string why = samePath ? "the file changed since training, so train's test split cannot be rebuilt" : "not the file the model was trained on";
        return (all, new Evaluated("all rows", $"all {all.Count:N0} rows ({why})"));
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

        int inputs = model.Layers.OfType<Linear<float>>().FirstOrDefault()?.InFeatures
            ?? throw new CliException($"{path}: the model has no Linear layer, so its input size is unknown");
        int outputs = model.Layers.OfType<Linear<float>>().Last().OutFeatures;
        LossKind loss = metadata.GetValueOrDefault(ModelMetadata.Loss) switch
        {
            null or "CrossEntropy" => LossKind.CrossEntropy,
            "BinaryCrossEntropy" when outputs == 1 => LossKind.BinaryCrossEntropy,
            "BinaryCrossEntropy" => throw new CliException($"{path}: {ModelMetadata.Loss} is BinaryCrossEntropy, which needs one output, but the model has {outputs}"),
            // Named exactly: Enum.TryParse would also take "2", or any casing.
            string other => throw new CliException($"{path}: {ModelMetadata.Loss} is '{other}'; a model saved by train has CrossEntropy or BinaryCrossEntropy"),
        };
        int seed = 1;
        if (metadata.TryGetValue(ModelMetadata.Seed, out string? seedText) && !int.TryParse(seedText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed))
            throw new CliException($"{path}: {ModelMetadata.Seed} is '{seedText}', not a whole number in the range of a 32-bit integer");
        string[] classes = metadata.TryGetValue(ModelMetadata.Classes, out string? classText) ? ParseClasses(path, classText) : [];
        var saved = new SavedModel(model, loss, classes, ParseStandardizer(path, metadata, inputs), inputs, outputs, seed);
        if (classes.Length > 0 && classes.Length != saved.ClassCount)
            throw new CliException($"{path}: {ModelMetadata.Classes} names {classes.Length} classes, but the model's {outputs} output(s) give {saved.ClassCount}");
        if (metadata.TryGetValue(ModelMetadata.DataSha256, out string? hash) && !(hash.Length == 64 && hash.All(char.IsAsciiHexDigitLower)))
            throw new CliException($"{path}: {ModelMetadata.DataSha256} is '{hash}', not 64 lowercase hex digits");
        if (metadata.TryGetValue(ModelMetadata.Target, out string? column) && column.Length == 0)
            throw new CliException($"{path}: {ModelMetadata.Target} is empty; it names the class column");

        // A layer that cannot run on this input (a softmax over an axis the output lacks) is found now, naming the file.
        try
        {
            using (Autodiff.NoGrad()) model.Forward(Tensor.Zeros<float>(1, inputs));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException or IndexOutOfRangeException or NotSupportedException or OutOfMemoryException)
        {
            throw new CliException($"{path}: {ModelFile.ArchitectureKey} does not run on a sample of {inputs} features: {Cli.MessageOf(e)}");
        }

        return saved;
    }

    private static string[] ParseClasses(string path, string text)
    {
        string[] classes;
        try
        {
            classes = JsonSerializer.Deserialize<string[]>(text) ?? throw new JsonException("null");
        }
        catch (JsonException)
        {
            throw new CliException($"{path}: {ModelMetadata.Classes} is not a JSON list of class names: {Shorten(text)}");
        }

        if (classes.Any(c => c is null)) throw new CliException($"{path}: {ModelMetadata.Classes} has a null among its class names");
        if (classes.Distinct(StringComparer.Ordinal).Count() != classes.Length) throw new CliException($"{path}: {ModelMetadata.Classes} names a class twice: {Shorten(text)}");
        return classes;
    }

    private static Standardizer? ParseStandardizer(string path, IReadOnlyDictionary<string, string> metadata, int inputs)
    {
        bool hasMean = metadata.TryGetValue(ModelMetadata.StandardizeMean, out string? meanText), hasStd = metadata.TryGetValue(ModelMetadata.StandardizeStd, out string? stdText);
        if (!hasMean && !hasStd) return null;
        if (!hasMean || !hasStd) throw new CliException($"{path}: {(hasMean ? ModelMetadata.StandardizeStd : ModelMetadata.StandardizeMean)} is missing, though {(hasMean ? ModelMetadata.StandardizeMean : ModelMetadata.StandardizeStd)} is there");
        float[] mean = Numbers(ModelMetadata.StandardizeMean, meanText!), std = Numbers(ModelMetadata.StandardizeStd, stdText!);
        if (std.Any(v => !(v > 0))) throw new CliException($"{path}: {ModelMetadata.StandardizeStd} has a deviation that is not positive: {Shorten(stdText!)}");
        return Standardizer.FromStatistics(mean, std);

        float[] Numbers(string key, string text)
        {
            float[]? values;
            try
            {
                values = JsonSerializer.Deserialize<float[]>(text);
            }
            catch (JsonException)
            {
                values = null;
            }

            if (values is null || values.Any(v => !float.IsFinite(v))) throw new CliException($"{path}: {key} is not a JSON list of finite numbers: {Shorten(text)}");
            if (values.Length != inputs) throw new CliException($"{path}: {key} has {values.Length} numbers, but the model takes {inputs} features");
            return values;
        }
    }

    /// <summary>A metadata value as quoted in a message: at most 60 characters, so one line stays one line.</summary>
    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

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
            try
            {
                rows = CsvReader.LoadFeatures(new StringReader(text), input, features);
            }
            catch (InvalidDataException e)
            {
                throw new CliException(Printable.Text(e.Message, keepLineBreaks: true));
            }
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
