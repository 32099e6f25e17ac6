using System.Globalization;
using Autograd.NN;
using Autograd.NN.Data;

namespace Autograd.Cli.Training;

/// <summary>A training set and its test set, as the CLI's <c>--data</c> names them.</summary>
/// <param name="Name">What was loaded, for messages and the model's metadata.</param>
/// <param name="Train">The training set.</param>
/// <param name="Test">The test set.</param>
/// <param name="ClassNames">The name of each class (empty for regression).</param>
/// <param name="Standardizer">The standardization fitted on the training set (applied to both), or null.</param>
internal sealed record DataSource(string Name, Dataset<float> Train, Dataset<float> Test, IReadOnlyList<string> ClassNames, Standardizer? Standardizer);

/// <summary>Resolves <c>--data</c>: an image set from Debian's packages, a synthetic set, or a CSV file.</summary>
internal static class DataSources
{
    /// <summary>Where Debian's dataset packages put the image sets.</summary>
    public const string DebianDatasets = "/usr/share/datasets";

    private static readonly string[] FashionClasses = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Loads <paramref name="data"/>; <paramref name="dataDirectory"/> overrides where image sets are read from.</summary>
    /// <exception cref="CliException">The name is unknown or the files are missing or invalid.</exception>
    public static DataSource Load(string data, string? dataDirectory, int seed, string? targetColumn)
    {
        switch (data)
        {
            case "fashion-mnist":
            case "mnist":
                string directory = dataDirectory ?? Path.Combine(DebianDatasets, data);
                try
                {
                    var (train, test) = IdxReader.LoadMnistLayout(directory);
                    string[] classes = data == "mnist" ? [.. Enumerable.Range(0, 10).Select(i => i.ToString(CultureInfo.InvariantCulture))] : FashionClasses;
                    return new DataSource(data, train, test, classes, null);
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    string install = data == "fashion-mnist" ? " (install Debian's package: apt-get install dataset-fashion-mnist)" : "";
                    throw new CliException($"{data}: {e.Message}{install}; or give the folder of the IDX files with --data-dir");
                }
                catch (InvalidDataException e)
                {
                    throw new CliException(e.Message);
                }

            case "xor":
                return new DataSource("xor", SyntheticData.Xor(), SyntheticData.Xor(), ["0", "1"], null);
            case "moons":
                return new DataSource("moons", SyntheticData.TwoMoons(1000, 0.1, seed), SyntheticData.TwoMoons(500, 0.1, seed + 1), ["0", "1"], null);
            case "spirals":
                return new DataSource("spirals", SyntheticData.Spirals(300, 3, 0.2, seed), SyntheticData.Spirals(100, 3, 0.2, seed + 1), ["0", "1", "2"], null);
            default:
                if (!data.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                    throw new CliException($"unknown data '{data}': use fashion-mnist, mnist, xor, moons, spirals or a .csv file");
                return LoadCsv(data, seed, targetColumn);
        }
    }

    /// <summary>
    /// Which rows of a CSV file of <paramref name="count"/> rows train trains on and tests on with
    /// <paramref name="seed"/>: a seeded shuffle, the first 80 % for training, the rest for testing (the training
    /// rows again when a file is too small to have any left). Eval rebuilds it from the saved seed, so it scores a
    /// model on exactly the rows train tested it on.
    /// </summary>
    public static (int[] Train, int[] Test) CsvSplit(int count, int seed)
    {
        int[] order = [.. Enumerable.Range(0, count)];
        new Random(seed).Shuffle(order);
        int trainCount = Math.Max(1, (int)(count * 0.8));
        int[] train = order[..trainCount], test = order[trainCount..];
        return (train, test.Length == 0 ? train : test);
    }

    /// <summary>The rows <see cref="CsvSplit"/> tests on, as a dataset.</summary>
    public static Dataset<float> TestRows(Dataset<float> all, int seed) => all.Subset(CsvSplit(all.Count, seed).Test);

    private static DataSource LoadCsv(string path, int seed, string? targetColumn)
    {
        Dataset<float> all = CsvFile.Load(path, "--data", targetColumn, null, out IReadOnlyList<string> classes);

        // A seeded 80/20 split, then standardization fitted on the training part only.
        var (trainRows, testRows) = CsvSplit(all.Count, seed);
        Dataset<float> train = all.Subset(trainRows), test = all.Subset(testRows);
        Standardizer standardizer = Standardizer.Fit(train);
        return new DataSource(Path.GetFileName(path), standardizer.Transform(train), standardizer.Transform(test), classes, standardizer);
    }
}
