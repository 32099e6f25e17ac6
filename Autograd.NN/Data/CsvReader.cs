using System.Globalization;
using nietras.SeparatedValues;

namespace Autograd.NN.Data;

/// <summary>What the target column of a CSV file holds.</summary>
public enum CsvTarget
{
    /// <summary>Class names or numbers: mapped to labels 0..k−1 in sorted order.</summary>
    Classes,

    /// <summary>A number to predict.</summary>
    Number,
}

/// <summary>
/// Reads tabular data as RFC 4180 describes it: comma-separated, fields optionally in double quotes (which may hold
/// commas, line breaks and doubled quotes), a header row of column names, numbers in invariant culture (a dot as the
/// decimal point), one column as the target and the others as features. Spaces around a field are ignored.
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

    /// <summary>
    /// Loads CSV text; <paramref name="classNames"/> receives the class of each label for a classification target.
    /// Numeric classes are compared by value, so <c>1</c> and <c>1.0</c> are one class, named by the number's
    /// shortest form (<c>1</c>), and sorted as numbers (2 before 10); other classes are sorted ordinally.
    /// </summary>
    /// <exception cref="InvalidDataException">The text is not a valid table of numbers, or a classification target has fewer than two classes.</exception>
    public static Dataset<float> Load(TextReader reader, string name, string? targetColumn, CsvTarget target, out IReadOnlyList<string> classNames)
    {
        Table table = Read(reader, name, targetColumn);
        if (target == CsvTarget.Number)
        {
            var numbers = new float[table.Targets.Count];
            for (int i = 0; i < numbers.Length; i++)
                if (!float.TryParse(table.Targets[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) || !float.IsFinite(numbers[i]))
                    throw new InvalidDataException($"{name}:{table.Lines[i]}: the target '{table.Targets[i]}' is not a finite number");
            classNames = [];
            return new Dataset<float>([.. table.Features], table.FeatureCount, numbers, 1);
        }

        string[] classes = [.. table.Targets.Select(ClassKey).Distinct().OrderBy(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN).ThenBy(c => c, StringComparer.Ordinal)];
        // One class leaves nothing to learn: training would report accuracy 1 and loss 0 and mean nothing.
        if (classes.Length < 2)
            throw new InvalidDataException($"{name}: every row has the class '{classes[0]}' in column '{table.TargetName}'; a classifier needs at least two classes (is the target column the right one?)");
        classNames = classes;
        return WithClasses(table, name, classes);
    }

    /// <summary>
    /// Loads CSV text whose target column holds classes from <paramref name="classNames"/>, as a saved model knows
    /// them: label i is <c>classNames[i]</c>, whichever of the classes this text happens to contain. A numeric class
    /// matches by value (<c>1.0</c> is the class <c>1</c>).
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

    /// <summary>
    /// Reads CSV text of features only, for a model that takes <paramref name="featureCount"/> of them: a header row,
    /// then rows of exactly that many numbers.
    /// </summary>
    /// <exception cref="InvalidDataException">The header has another number of columns, or a row is not that many finite numbers; the message gives line and column.</exception>
    public static float[][] LoadFeatures(TextReader reader, string name, int featureCount)
    {
        var rows = new List<float[]>();
        ReadRows(reader, name, header =>
        {
            // An extra column is most likely a label left in the file: taking it as a feature, or dropping it, would both be silent.
            if (header.Length != featureCount)
                throw new InvalidDataException($"{name}:1: the header has {header.Length} columns ({string.Join(", ", header)}), but the model takes {featureCount} features");
        }, (fields, line, header) =>
        {
            var row = new float[fields.Length];
            for (int c = 0; c < fields.Length; c++) row[c] = Feature(fields[c], name, line, c, header);
            rows.Add(row);
        });
        if (rows.Count == 0) throw new InvalidDataException($"{name}: no data rows after the header");
        return [.. rows];
    }

    /// <summary>
    /// The class a target field names: a finite number by its value, written in its shortest round-trip form (so
    /// <c>1</c>, <c>1.0</c> and <c>1e0</c> are the class <c>1</c>); any other text as it is.
    /// </summary>
    public static string ClassKey(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value)) return field;
        // -0 and 0 are one class.
        return (value == 0 ? 0.0 : value).ToString("R", CultureInfo.InvariantCulture);
    }

    private static Dataset<float> WithClasses(Table table, string name, IReadOnlyList<string> classes)
    {
        // Exact names first, then by value, so a model whose classes were saved as "1.0" still finds its rows.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < classes.Count; i++) index[classes[i]] = i;
        for (int i = 0; i < classes.Count; i++) index.TryAdd(ClassKey(classes[i]), i);
        var labels = new int[table.Targets.Count];
        for (int i = 0; i < labels.Length; i++)
            if (!index.TryGetValue(table.Targets[i], out labels[i]) && !index.TryGetValue(ClassKey(table.Targets[i]), out labels[i]))
                throw new InvalidDataException($"{name}:{table.Lines[i]}: unknown class '{table.Targets[i]}' (the classes are {string.Join(", ", classes)})");
        return new Dataset<float>([.. table.Features], table.FeatureCount, labels, classes.Count);
    }

    /// <summary>The rows of a CSV text: features row by row, and each row's raw target and line number.</summary>
    private sealed record Table(List<float> Features, int FeatureCount, string TargetName, List<string> Targets, List<int> Lines);

    private static Table Read(TextReader reader, string name, string? targetColumn)
    {
        var features = new List<float>();
        var targets = new List<string>();
        var lines = new List<int>();
        int targetIndex = -1;
        string[] columns = [];
        ReadRows(reader, name, header =>
        {
            columns = header;
            targetIndex = targetColumn is null ? header.Length - 1 : Array.IndexOf(header, targetColumn);
            if (targetIndex < 0) throw new InvalidDataException($"{name}: no column named '{targetColumn}' (columns: {string.Join(", ", header)})");
            if (header.Length < 2) throw new InvalidDataException($"{name}: needs at least one feature column and a target column");
        }, (fields, line, header) =>
        {
            for (int c = 0; c < fields.Length; c++)
            {
                if (c != targetIndex)
                {
                    features.Add(Feature(fields[c], name, line, c, header));
                    continue;
                }

                // An empty class would be a class of its own, named by nothing.
                if (fields[c].Length == 0) throw new InvalidDataException($"{name}:{line}: column {c + 1} ('{header[c]}'), the target, is empty");
                targets.Add(fields[c]);
                lines.Add(line);
            }
        });

        if (targets.Count == 0) throw new InvalidDataException($"{name}: no data rows after the header");
        return new Table(features, columns.Length - 1, columns[targetIndex], targets, lines);
    }

    private static float Feature(string field, string name, int line, int column, string[] header) =>
        float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && float.IsFinite(value)
            ? value
            : throw new InvalidDataException($"{name}:{line}: column {column + 1} ('{header[column]}') is '{field}', not a finite number");

    /// <summary>
    /// Parses <paramref name="reader"/> with Sep: checks the header (no blank, empty or repeated column name) and
    /// hands it to <paramref name="onHeader"/>, then hands each non-blank row, as many fields as the header, with
    /// the line it starts on, to <paramref name="onRow"/>.
    /// </summary>
    private static void ReadRows(TextReader reader, string name, Action<string[]> onHeader, Action<string[], int, string[]> onRow)
    {
        ArgumentNullException.ThrowIfNull(reader);
        // Sep checks nothing about the number of fields here: the checks below say which line and how many.
        using SepReader csv = Sep.New(',').Reader(o => o with { HasHeader = false, Unescape = true, Trim = SepTrim.All, DisableColCountCheck = true }).From(reader);
        string[]? header = null;
        try
        {
            foreach (SepReader.Row row in csv)
            {
                int line = row.LineNumberFrom;
                CheckQuotesClosed(row, name);
                if (header is null)
                {
                    // A blank first line would otherwise read as a header of one empty column name. (Sep numbers an
                // empty first row as line 2; the header is line 1 whatever it holds.)
                    if (row.Span.Trim().Length == 0) throw new InvalidDataException($"{name}:1: the first line is blank; it must be the header row of column names");
                    header = Fields(row);
                    CheckHeader(header, name);
                    onHeader(header);
                    continue;
                }

                if (row.Span.Trim().Length == 0) continue;
                if (row.ColCount != header.Length)
                    throw new InvalidDataException($"{name}:{line}: {row.ColCount} fields, but the header has {header.Length}");
                onRow(Fields(row), line, header);
            }
        }
        catch (NotSupportedException e)
        {
            // Sep's own limits (a row longer than its buffer can grow to), named with the file.
            throw new InvalidDataException($"{name}: {e.Message}", e);
        }

        if (header is null) throw new InvalidDataException($"{name}: the file is empty; it needs a header row of column names");
    }

    private static string[] Fields(SepReader.Row row)
    {
        var fields = new string[row.ColCount];
        for (int c = 0; c < fields.Length; c++) fields[c] = row[c].ToString();
        return fields;
    }

    private static void CheckHeader(string[] header, string name)
    {
        for (int c = 0; c < header.Length; c++)
        {
            // A trailing comma makes an empty last column, which would otherwise become the target.
            if (header[c].Length == 0)
                throw new InvalidDataException($"{name}:1: column {c + 1} of the header has no name{(c == header.Length - 1 ? " (a comma at the end of the line?)" : "")}");
            int first = Array.IndexOf(header, header[c]);
            if (first < c) throw new InvalidDataException($"{name}:1: columns {first + 1} and {c + 1} of the header are both named '{header[c]}'");
        }
    }

    /// <summary>
    /// Sep reads an unclosed quote as a field running to the end of the file; a row with an odd number of quote
    /// characters has one, since every closed field holds its two quotes and its doubled ones.
    /// </summary>
    private static void CheckQuotesClosed(SepReader.Row row, string name)
    {
        if (row.Span.Count('"') % 2 != 0)
            throw new InvalidDataException($"{name}:{row.LineNumberFrom}: a quoted field on this line is never closed (a \" with no matching \")");
    }
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
