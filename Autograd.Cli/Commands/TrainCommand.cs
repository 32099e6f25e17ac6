using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Autograd.Cli.Training;
using Autograd.Kernels;
using Autograd.NN;
using Autograd.NN.Layers;
using Autograd.NN.Optimizers;
using Autograd.NN.Plotting;
using Autograd.NN.Serialization;
using Autograd.NN.Training;

namespace Autograd.Cli.Commands;

/// <summary><c>autograd train</c>: trains a multi-layer perceptron and reports, saves and plots the run.</summary>
internal static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Terminal terminal)
    {
        var data = new Option<string>("--data") { Description = "fashion-mnist, mnist, xor, moons, spirals, or a CSV file (header row; the last column is the class).", DefaultValueFactory = _ => "fashion-mnist" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder of the MNIST/Fashion-MNIST IDX files (default: Debian's /usr/share/datasets/NAME).", HelpName = "DIR" };
        var target = new Option<string?>("--target") { Description = "The class column of a CSV file (default: the last).", HelpName = "COLUMN" };
        var layers = new Option<string?>("--layers") { Description = "Layer sizes from inputs to outputs, e.g. 784,500,400,10 (default: inputs,64,outputs).", HelpName = "N,N,..." };
        var activation = new Option<string>("--activation") { Description = "relu, tanh, sigmoid or leaky_relu.", DefaultValueFactory = _ => "relu" };
        var loss = new Option<string>("--loss") { Description = "ce (softmax cross-entropy) or bce (binary, one output).", DefaultValueFactory = _ => "ce" };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd, momentum, nesterov, rmsprop, adam or adamw.", DefaultValueFactory = _ => "adam" };
        var lr = new Option<double>("--lr") { Description = "Learning rate.", DefaultValueFactory = _ => 1e-3 };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch") { Description = "Samples per step.", DefaultValueFactory = _ => 128 };
        var seed = new Option<int>("--seed") { Description = "Seed of the weights, the shuffling and synthetic data.", DefaultValueFactory = _ => 1 };
        var validation = new Option<double>("--validation-split") { Description = "Fraction of the training set held out for validation (0: none).", DefaultValueFactory = _ => 0 };
        var patience = new Option<int?>("--patience") { Description = "Stop after this many epochs without a better validation loss (needs --validation-split)." };
        var threads = new Option<int?>("--threads") { Description = "Cores to use (default: all)." };
        var save = new Option<string?>("--save") { Description = "Save the model (safetensors with its architecture).", HelpName = "FILE" };
        var curve = new Option<string?>("--curve") { Description = "Write the loss/accuracy curve as SVG (default: beside --save with an .svg extension, else training-curve.svg).", HelpName = "FILE" };
        var json = new Option<bool>("--json") { Description = "Print only the final figures as one JSON object." };

        var command = new Command("train", "Train a multi-layer perceptron, with a live progress bar and a per-epoch table.")
        {
            data, dataDir, target, layers, activation, loss, optimizer, lr, epochs, batch, seed, validation, patience, threads, save, curve, json,
        };
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(threads) is int n)
            {
                if (n < 1) throw new CliException("--threads must be at least 1");
                Parallelism.MaxThreads = n;
            }

            int seedValue = parsed.GetValue(seed);
            DataSource source = DataSources.Load(parsed.GetRequiredValue(data), parsed.GetValue(dataDir), seedValue, parsed.GetValue(target));
            LossKind lossKind = parsed.GetRequiredValue(loss) switch
            {
                "ce" => LossKind.CrossEntropy,
                "bce" => LossKind.BinaryCrossEntropy,
                string other => throw new CliException($"unknown loss '{other}': use ce or bce"),
            };
            if (lossKind == LossKind.BinaryCrossEntropy && source.Train.Classes != 2)
                throw new CliException($"--loss bce needs two classes; {source.Name} has {source.Train.Classes}");
            int outputs = lossKind == LossKind.BinaryCrossEntropy ? 1 : source.Train.Classes;
            string layerText = parsed.GetValue(layers) ?? $"{source.Train.FeatureCount},64,{outputs}";
            Sequential<float> model = ModelBuilder.Build(layerText, parsed.GetRequiredValue(activation), seedValue, source.Train.FeatureCount, outputs);
            double rate = parsed.GetValue(lr);
            if (!(rate > 0 && double.IsFinite(rate))) throw new CliException($"--lr must be a positive number, not {rate.ToString(CultureInfo.InvariantCulture)}");
            Optimizer<float> chosen = CreateOptimizer(parsed.GetRequiredValue(optimizer), model, rate);

            int epochCount = parsed.GetValue(epochs), batchSize = parsed.GetValue(batch);
            if (epochCount < 1) throw new CliException("--epochs must be at least 1");
            if (batchSize < 1) throw new CliException("--batch must be at least 1");
            double split = parsed.GetValue(validation);
            if (!(split >= 0 && split < 1)) throw new CliException("--validation-split must be in [0, 1)");
            int held = source.Train.ValidationCount(split);
            if (split > 0 && (held == 0 || held == source.Train.Count))
                throw new CliException($"--validation-split {split.ToString(CultureInfo.InvariantCulture)} of {source.Train.Count} training samples leaves {(held == 0 ? "no validation" : "no training")} samples");
            int? patienceValue = parsed.GetValue(patience);
            if (patienceValue < 1) throw new CliException("--patience must be at least 1");
            if (patienceValue is not null && split == 0) throw new CliException("--patience watches the validation loss: add --validation-split, e.g. 0.1");

            // Output paths are checked before training, so a long run is not lost to a typo in a path.
            string? savePath = parsed.GetValue(save);
            bool curveIsDefault = parsed.GetValue(curve) is null;
            string curvePath = parsed.GetValue(curve) ?? DefaultCurvePath(savePath);
            if (savePath is not null) CliFiles.CheckWritable(savePath, "--save");
            CliFiles.CheckWritable(curvePath, curveIsDefault ? "the curve (default path)" : "--curve");
            string dataArgument = parsed.GetRequiredValue(data);
            bool csv = dataArgument.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
            CheckDistinct(savePath, curvePath, curveIsDefault, csv ? dataArgument : null);
            if (savePath is not null) OutputFormats.Check(savePath, "--save", "a safetensors model", OutputFormats.SafeTensors);
            OutputFormats.Check(curvePath, "--curve", "an SVG picture", OutputFormats.Svg);
            // Hashed before training, so the model names the bytes it was trained on even if the file changes meanwhile.
            string? dataHash = csv && savePath is not null ? CsvFile.Sha256(dataArgument) : null;

            bool asJson = parsed.GetValue(json);
            if (!asJson) terminal.Out.WriteLine($"{source.Name}: {source.Train.Count:N0} training and {source.Test.Count:N0} test samples; model {layerText} ({model.ParameterCount():N0} parameters)");
            var trainer = new Trainer<float>(model).Compile(chosen, lossKind, MetricKind.Accuracy);
            var clock = Stopwatch.StartNew();
            IReadOnlyList<EpochRecord> history;
            try
            {
                history = trainer.Fit(source.Train, new FitOptions<float>
                {
                    Epochs = epochCount,
                    BatchSize = batchSize,
                    Seed = seedValue,
                    ValidationSplit = split,
                    EarlyStopping = patienceValue is int p ? new EarlyStopping(p) : null,
                    Progress = new ProgressBar(terminal),
                });
            }
            catch (TrainingDivergedException e)
            {
                // A diverged run is reported, not saved: its weights are NaN, and a saved model it would replace is kept.
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"training diverged: the loss became {e.Loss} in epoch {e.Epoch}, step {e.Step} of {(source.Train.Count - held + (long)batchSize - 1) / batchSize}; try a smaller --lr than {rate.ToString(CultureInfo.InvariantCulture)}"));
            }

            double seconds = clock.Elapsed.TotalSeconds;
            if (history.FirstOrDefault(e => !double.IsFinite(e.Loss)) is { } diverged)
                throw new CliException($"training diverged: the loss was {diverged.Loss.ToString(CultureInfo.InvariantCulture)} in epoch {diverged.Epoch}; try a smaller --lr than {rate.ToString(CultureInfo.InvariantCulture)}");
            EvaluationResult test = trainer.Evaluate(source.Test);
            if (!double.IsFinite(test.Loss))
                throw new CliException($"training diverged: the test loss is {test.Loss.ToString(CultureInfo.InvariantCulture)} after the last step; try a smaller --lr than {rate.ToString(CultureInfo.InvariantCulture)}");

            if (savePath is not null)
            {
                var metadata = Metadata(source, csv ? Path.GetFullPath(dataArgument) : source.Name, lossKind, seedValue);
                if (dataHash is not null)
                {
                    // Eval rebuilds the test split only from these same bytes, read with the same class column.
                    metadata[ModelMetadata.DataSha256] = dataHash;
                    if (parsed.GetValue(target) is string column) metadata[ModelMetadata.Target] = column;
                }

                ModelFile.Save(model, savePath, metadata);
                terminal.Error.WriteLine($"wrote {savePath}");
            }

            CliFiles.WriteAllText(curvePath, Curve(source.Name, history));
            terminal.Error.WriteLine($"wrote {curvePath}");

            if (asJson)
            {
                terminal.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["test_accuracy"] = test.Metric,
                    ["test_loss"] = test.Loss,
                    ["epochs"] = history.Count,
                    ["seconds"] = Math.Round(seconds, 3),
                }));
                return 0;
            }

            terminal.Out.Write(Table(history));
            terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test: loss {test.Loss:0.0000}, accuracy {test.Metric:P2}; {history.Count} epochs in {seconds:0.0} s"));
            return 0;
        });
        return command;
    }

    private static Optimizer<float> CreateOptimizer(string name, Module<float> model, double lr) => name switch
    {
        "sgd" => new Sgd<float>(model.Parameters(), lr),
        "momentum" => new Sgd<float>(model.Parameters(), lr, momentum: 0.9),
        "nesterov" => new Sgd<float>(model.Parameters(), lr, momentum: 0.9, nesterov: true),
        "rmsprop" => new RmsProp<float>(model.Parameters(), lr),
        "adam" => new Adam<float>(model.Parameters(), lr),
        "adamw" => new AdamW<float>(model.Parameters(), lr),
        _ => throw new CliException($"unknown optimizer '{name}': use sgd, momentum, nesterov, rmsprop, adam or adamw"),
    };

    /// <summary>
    /// Where the curve goes without <c>--curve</c>: beside the model with an .svg extension, or training-curve.svg when
    /// nothing is saved or the model goes to a device such as /dev/null (no file is made up next to a device).
    /// </summary>
    private static string DefaultCurvePath(string? savePath) =>
        savePath is null || savePath.Length == 0 || AtomicFile.IsSpecialFile(savePath) ? "training-curve.svg" : Path.ChangeExtension(savePath, ".svg");

    /// <summary>
    /// Refuses outputs that name the same file (one would overwrite the other) or the CSV file being trained on,
    /// compared by full path after following symbolic links. Devices such as /dev/null may be shared: nothing is lost.
    /// </summary>
    /// <exception cref="CliException">Two of them are one file; the message names the options.</exception>
    private static void CheckDistinct(string? savePath, string curvePath, bool curveIsDefault, string? csvData)
    {
        if (savePath is not null && SameFile(savePath, curvePath))
            throw new CliException(curveIsDefault
                ? $"--save '{savePath}': the curve goes beside the model as '{curvePath}' and would overwrite it; name the model .safetensors or give --curve FILE"
                : $"--curve '{curvePath}' and --save '{savePath}' are the same file: the curve would overwrite the model");
        if (csvData is null) return;
        if (savePath is not null && SameFile(savePath, csvData))
            throw new CliException($"--save '{savePath}' is the --data file: the model would overwrite the data");
        if (SameFile(curvePath, csvData))
            throw new CliException($"{(curveIsDefault ? "the curve's default path" : "--curve")} '{curvePath}' is the --data file: the curve would overwrite the data");
    }

    private static bool SameFile(string a, string b)
    {
        string first = AtomicFile.LinkTargetOf(a), second = AtomicFile.LinkTargetOf(b);
        return first == second && !AtomicFile.IsSpecialFile(first);
    }

    /// <summary>What a saved model needs besides its weights: its data, classes, loss and input standardization.</summary>
    private static Dictionary<string, string> Metadata(DataSource source, string data, LossKind loss, int seed)
    {
        var metadata = new Dictionary<string, string>
        {
            [ModelMetadata.Data] = data,
            // Synthetic test sets are drawn from the seed: eval draws the same one.
            [ModelMetadata.Seed] = seed.ToString(CultureInfo.InvariantCulture),
            [ModelMetadata.Loss] = loss.ToString(),
            [ModelMetadata.Classes] = JsonSerializer.Serialize(source.ClassNames),
        };
        if (source.Standardizer is { } s)
        {
            metadata[ModelMetadata.StandardizeMean] = JsonSerializer.Serialize(s.Mean);
            metadata[ModelMetadata.StandardizeStd] = JsonSerializer.Serialize(s.StandardDeviation);
        }

        return metadata;
    }

    /// <summary>The per-epoch table: loss and accuracy, on training and validation data.</summary>
    public static string Table(IReadOnlyList<EpochRecord> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        bool validated = history.Any(e => e.ValidationLoss is not null);
        var text = new StringBuilder();
        text.Append(validated ? "epoch      loss  accuracy  val loss  val acc  seconds\n" : "epoch      loss  accuracy  seconds\n");
        foreach (EpochRecord e in history)
        {
            text.Append(CultureInfo.InvariantCulture, $"{e.Epoch,5}  {e.Loss,8:0.0000}  {e.Metric,8:P2}");
            if (validated) text.Append(CultureInfo.InvariantCulture, $"  {e.ValidationLoss,8:0.0000}  {e.ValidationMetric,7:P2}");
            text.Append(CultureInfo.InvariantCulture, $"  {e.Seconds,7:0.0}\n");
        }

        return text.ToString();
    }

    private static string Curve(string name, IReadOnlyList<EpochRecord> history)
    {
        var series = new List<ChartSeries>
        {
            new("training loss", [.. history.Select(e => ((double)e.Epoch, e.Loss))]),
            new("training accuracy", [.. history.Select(e => ((double)e.Epoch, e.Metric ?? double.NaN))]),
        };
        if (history.Any(e => e.ValidationLoss is not null))
        {
            series.Add(new("validation loss", [.. history.Select(e => ((double)e.Epoch, e.ValidationLoss ?? double.NaN))]));
            series.Add(new("validation accuracy", [.. history.Select(e => ((double)e.Epoch, e.ValidationMetric ?? double.NaN))]));
        }

        return SvgChart.Lines($"Training on {name}", "epoch", "loss / accuracy", series);
    }
}
