using System.Globalization;

namespace Autograd.NN;

/// <summary>What the target column of a CSV file holds.</summary>
public enum CsvTarget
{
    /// <summary>Class names or numbers: mapped to labels 0..k−1 in sorted order.</summary>
    Classes,

    /// <summary>A number to predict.</summary>
    Number,
}

/// <summary>
/// Reads tabular data: comma-separated, a header row of column names, numbers in invariant culture (a dot as the
/// decimal point), one column as the target and the others as features.
/// </summary>
public static class CsvReader
{
    /// <summary>Loads <paramref name="path"/>, with <paramref name="targetColumn"/> (a name, or null for the last column) as the target.</summary>
    /// <exception cref="InvalidDataException">A row has the wrong number of fields or a feature is not a number; the message gives line and column.</exception>
    public static Dataset<float> Load(string path, string? targetColumn = null, CsvTarget target = CsvTarget.Classes)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path);
        return Load(reader, path, targetColumn, target, out _);
    }

    /// <summary>Loads CSV text; <paramref name="classNames"/> receives the class of each label for a classification target.</summary>
    /// <exception cref="InvalidDataException">The text is not a valid table of numbers.</exception>
    public static Dataset<float> Load(TextReader reader, string name, string? targetColumn, CsvTarget target, out IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? headerLine = reader.ReadLine() ?? throw new InvalidDataException($"{name}: the file is empty; it needs a header row of column names");
        string[] header = Split(headerLine);
        int targetIndex = targetColumn is null ? header.Length - 1 : Array.IndexOf(header, targetColumn);
        if (targetIndex < 0) throw new InvalidDataException($"{name}: no column named '{targetColumn}' (columns: {string.Join(", ", header)})");
        if (header.Length < 2) throw new InvalidDataException($"{name}: needs at least one feature column and a target column");

        var features = new List<float>();
        var rawTargets = new List<string>();
        int lineNumber = 1;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Length == 0) continue;
            string[] fields = Split(line);
            if (fields.Length != header.Length)
                throw new InvalidDataException($"{name}:{lineNumber}: {fields.Length} fields, but the header has {header.Length}");
            for (int c = 0; c < fields.Length; c++)
            {
                if (c == targetIndex)
                {
                    rawTargets.Add(fields[c]);
                    continue;
                }

                if (!float.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
                    throw new InvalidDataException($"{name}:{lineNumber}: column {c + 1} ('{header[c]}') is '{fields[c]}', not a finite number");
                features.Add(value);
            }
        }

        if (rawTargets.Count == 0) throw new InvalidDataException($"{name}: no data rows after the header");
        int featureCount = header.Length - 1;
        if (target == CsvTarget.Number)
        {
            var numbers = new float[rawTargets.Count];
            for (int i = 0; i < numbers.Length; i++)
                if (!float.TryParse(rawTargets[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]))
                    throw new InvalidDataException($"{name}: row {i + 1}: the target '{rawTargets[i]}' is not a number");
            classNames = [];
            return new Dataset<float>([.. features], featureCount, numbers, 1);
        }

        // Numeric class names sort as numbers (2 before 10), others ordinally.
        string[] classes = [.. rawTargets.Distinct().OrderBy(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN).ThenBy(c => c, StringComparer.Ordinal)];
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        classNames = classes;
        return new Dataset<float>([.. features], featureCount, [.. rawTargets.Select(t => index[t])], classes.Length);
    }

    private static string[] Split(string line) => [.. line.Split(',').Select(f => f.Trim().Trim('"'))];
}

/// <summary>
/// Feature standardization: the mean and standard deviation of each feature, fitted on the training set and then
/// applied unchanged to any set (so the test set is transformed with the training set's statistics).
/// </summary>
public sealed class Standardizer
{
    private Standardizer(float[] mean, float[] std) => (Mean, StandardDeviation) = (mean, std);

    /// <summary>The mean of each feature.</summary>
    public IReadOnlyList<float> Mean { get; }

    /// <summary>The standard deviation of each feature (1 where a feature is constant, so it maps to 0).</summary>
    public IReadOnlyList<float> StandardDeviation { get; }

    /// <summary>A standardizer with known statistics (for example, read back from a saved model).</summary>
    /// <exception cref="ArgumentException">The lists differ in length or a deviation is not positive.</exception>
    public static Standardizer FromStatistics(IReadOnlyList<float> mean, IReadOnlyList<float> standardDeviation)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(standardDeviation);
        if (mean.Count != standardDeviation.Count) throw new ArgumentException($"standardize: {mean.Count} means but {standardDeviation.Count} deviations");
        if (standardDeviation.Any(s => !(s > 0) || !float.IsFinite(s))) throw new ArgumentException("standardize: every deviation must be a positive finite number");
        return new Standardizer([.. mean], [.. standardDeviation]);
    }

    /// <summary>Fits the statistics of <paramref name="train"/>'s features.</summary>
    public static Standardizer Fit(Dataset<float> train)
    {
        ArgumentNullException.ThrowIfNull(train);
        int d = train.FeatureCount, n = train.Count;
        var mean = new double[d];
        var square = new double[d];
        ReadOnlySpan<float> x = train.Features;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                mean[j] += x[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= Math.Max(n, 1);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                square[j] += (x[i * d + j] - mean[j]) * (x[i * d + j] - mean[j]);
        var std = new float[d];
        for (int j = 0; j < d; j++)
        {
            double s = Math.Sqrt(square[j] / Math.Max(n, 1));
            std[j] = s > 1e-12 ? (float)s : 1f;
        }

        return new Standardizer([.. mean.Select(m => (float)m)], std);
    }

    /// <summary>(x − mean) / std for every feature of <paramref name="data"/>, with the fitted statistics.</summary>
    public Dataset<float> Transform(Dataset<float> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureCount != Mean.Count) throw new ArgumentException($"standardize: fitted on {Mean.Count} features, given {data.FeatureCount}");
        var features = data.Features.ToArray();
        for (int i = 0; i < features.Length; i++)
        {
            int j = i % Mean.Count;
            features[i] = (features[i] - Mean[j]) / StandardDeviation[j];
        }

        return data.Labels is not null
            ? new Dataset<float>(features, data.FeatureCount, data.Labels, data.Classes)
            : new Dataset<float>(features, data.FeatureCount, data.Targets.ToArray(), data.TargetCount);
    }
}
