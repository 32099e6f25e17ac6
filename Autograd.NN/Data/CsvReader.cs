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
        using var reader = new StreamReader(DataFile.OpenRead(path));
        return Load(reader, path, targetColumn, target, out _);
    }

    /// <summary>Loads CSV text; <paramref name="classNames"/> receives the class of each label for a classification target.</summary>
    /// <exception cref="InvalidDataException">The text is not a valid table of numbers.</exception>
    public static Dataset<float> Load(TextReader reader, string name, string? targetColumn, CsvTarget target, out IReadOnlyList<string> classNames)
    {
        Table table = Read(reader, name, targetColumn);
        if (target == CsvTarget.Number)
        {
            var numbers = new float[table.Targets.Count];
            for (int i = 0; i < numbers.Length; i++)
                if (!float.TryParse(table.Targets[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]))
                    throw new InvalidDataException($"{name}:{table.Lines[i]}: the target '{table.Targets[i]}' is not a number");
            classNames = [];
            return new Dataset<float>([.. table.Features], table.FeatureCount, numbers, 1);
        }

        // Numeric class names sort as numbers (2 before 10), others ordinally.
        string[] classes = [.. table.Targets.Distinct().OrderBy(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN).ThenBy(c => c, StringComparer.Ordinal)];
        classNames = classes;
        return WithClasses(table, name, classes);
    }

    /// <summary>
    /// Loads CSV text whose target column holds classes from <paramref name="classNames"/>, as a saved model knows
    /// them: label i is <c>classNames[i]</c>, whichever of the classes this text happens to contain.
    /// </summary>
    /// <exception cref="InvalidDataException">The text is not a valid table of numbers, or a row's class is not in <paramref name="classNames"/>; the message gives the line and the class.</exception>
    /// <exception cref="ArgumentException"><paramref name="classNames"/> is empty or names a class twice.</exception>
    public static Dataset<float> Load(TextReader reader, string name, string? targetColumn, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count == 0) throw new ArgumentException("csv: the list of classes is empty", nameof(classNames));
        if (classNames.Distinct(StringComparer.Ordinal).Count() != classNames.Count) throw new ArgumentException("csv: the list of classes names a class twice", nameof(classNames));
        return WithClasses(Read(reader, name, targetColumn), name, classNames);
    }

    private static Dataset<float> WithClasses(Table table, string name, IReadOnlyList<string> classes)
    {
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var labels = new int[table.Targets.Count];
        for (int i = 0; i < labels.Length; i++)
            if (!index.TryGetValue(table.Targets[i], out labels[i]))
                throw new InvalidDataException($"{name}:{table.Lines[i]}: unknown class '{table.Targets[i]}' (the classes are {string.Join(", ", classes)})");
        return new Dataset<float>([.. table.Features], table.FeatureCount, labels, classes.Count);
    }

    /// <summary>The rows of a CSV text: features row by row, and each row's raw target and line number.</summary>
    private sealed record Table(List<float> Features, int FeatureCount, List<string> Targets, List<int> Lines);

    private static Table Read(TextReader reader, string name, string? targetColumn)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? headerLine = reader.ReadLine() ?? throw new InvalidDataException($"{name}: the file is empty; it needs a header row of column names");
        // A blank first line would otherwise read as a header of one empty column name.
        if (headerLine.Trim().Length == 0) throw new InvalidDataException($"{name}:1: the first line is blank; it must be the header row of column names");
        string[] header = Split(headerLine);
        int targetIndex = targetColumn is null ? header.Length - 1 : Array.IndexOf(header, targetColumn);
        if (targetIndex < 0) throw new InvalidDataException($"{name}: no column named '{targetColumn}' (columns: {string.Join(", ", header)})");
        if (header.Length < 2) throw new InvalidDataException($"{name}: needs at least one feature column and a target column");

        var features = new List<float>();
        var rawTargets = new List<string>();
        var lines = new List<int>();
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
                    lines.Add(lineNumber);
                    continue;
                }

                if (!float.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
                    throw new InvalidDataException($"{name}:{lineNumber}: column {c + 1} ('{header[c]}') is '{fields[c]}', not a finite number");
                features.Add(value);
            }
        }

        if (rawTargets.Count == 0) throw new InvalidDataException($"{name}: no data rows after the header");
        return new Table(features, header.Length - 1, rawTargets, lines);
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
    /// <exception cref="ArgumentException">The lists differ in length, a mean is not finite or a deviation is not a positive finite number.</exception>
    public static Standardizer FromStatistics(IReadOnlyList<float> mean, IReadOnlyList<float> standardDeviation)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(standardDeviation);
        if (mean.Count != standardDeviation.Count) throw new ArgumentException($"standardize: {mean.Count} means but {standardDeviation.Count} deviations");
        if (standardDeviation.Any(s => !(s > 0) || !float.IsFinite(s))) throw new ArgumentException("standardize: every deviation must be a positive finite number");
        if (mean.Any(m => !float.IsFinite(m))) throw new ArgumentException("standardize: every mean must be a finite number");
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
            // A deviation is at most half the range (Popoviciu), so only rounding can take it past float's largest.
            std[j] = s > 1e-12 ? (float)Math.Min(s, float.MaxValue) : 1f;
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
            // In double: x − mean overflows float when both are near ±3.4e38 with opposite signs.
            features[i] = (float)((features[i] - (double)Mean[j]) / StandardDeviation[j]);
        }

        return data.Labels is not null
            ? new Dataset<float>(features, data.FeatureCount, data.Labels, data.Classes)
            : new Dataset<float>(features, data.FeatureCount, data.Targets.ToArray(), data.TargetCount);
    }
}
