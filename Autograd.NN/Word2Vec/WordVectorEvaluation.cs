using System.Globalization;
using Autograd.NN.Data;

namespace Autograd.NN.Word2Vec;

/// <summary>The score of one section of an analogy file (or of all of them).</summary>
/// <param name="Section">The section name (": capital-common-countries" without the colon), or "total".</param>
/// <param name="Correct">Questions whose best answer was the expected word.</param>
/// <param name="Incorrect">Questions answered with another word.</param>
public sealed record AnalogySection(string Section, int Correct, int Incorrect)
{
    /// <summary>Correct / (correct + incorrect), or 0 with no questions.</summary>
    public double Accuracy => Correct + Incorrect > 0 ? (double)Correct / (Correct + Incorrect) : 0;
}

/// <summary>The result of an analogy evaluation.</summary>
/// <param name="Sections">Each section's score, in file order.</param>
/// <param name="Total">The score over every section.</param>
/// <param name="Skipped">Questions left out because a word is outside the candidate vocabulary.</param>
public sealed record AnalogyResult(IReadOnlyList<AnalogySection> Sections, AnalogySection Total, int Skipped);

/// <summary>The result of a word-pair similarity evaluation.</summary>
/// <param name="Spearman">Spearman's ρ between human and cosine similarities (average ranks for ties).</param>
/// <param name="Pearson">Pearson's r between them.</param>
/// <param name="Pairs">Pairs scored.</param>
/// <param name="OutOfVocabulary">Pairs left out because a word has no vector.</param>
public sealed record SimilarityResult(double Spearman, double Pearson, int Pairs, int OutOfVocabulary)
{
    /// <summary>The share of pairs left out, in percent (gensim's figure).</summary>
    public double OutOfVocabularyPercent => Pairs + OutOfVocabulary > 0 ? 100.0 * OutOfVocabulary / (Pairs + OutOfVocabulary) : 0;
}

/// <summary>
/// The standard word-vector evaluations, with gensim's conventions so figures compare: words are matched
/// case-insensitively against the most frequent words; questions or pairs with an unknown word are skipped.
/// </summary>
public static class WordVectorEvaluation
{
    /// <summary>
    /// Scores analogies in the questions-words format (": section" lines, then "a b c d" meaning a : b :: c : d):
    /// a question is correct when the word nearest to b − a + c among the first <paramref name="restrictTo"/> words,
    /// a, b and c excluded, is d.
    /// </summary>
    public static AnalogyResult Analogies(KeyedVectors vectors, string path, int restrictTo = 30_000)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        Dictionary<string, string> candidates = CaseInsensitiveVocabulary(vectors, restrictTo);
        var sections = new List<AnalogySection>();
        string? section = null;
        int correct = 0, incorrect = 0, skipped = 0, lineNumber = 0;
        foreach (string line in ReadLines(path))
        {
            lineNumber++;
            if (line.StartsWith(':'))
            {
                Close();
                section = line[1..].Trim();
                continue;
            }

            string[] words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0) continue;
            if (section is null) throw new InvalidDataException($"{path}:{lineNumber}: a question before the first ': section' line");
            if (words.Length != 4) throw new InvalidDataException($"{path}:{lineNumber}: an analogy needs 4 words, found {words.Length}");
            if (!words.All(w => candidates.ContainsKey(w.ToUpperInvariant())))
            {
                skipped++;
                continue;
            }

            string[] keys = [.. words.Select(w => candidates[w.ToUpperInvariant()])];
            // As gensim: any spelling of a question word is excluded from the answers.
            var ignore = new HashSet<string>(words[..3].Select(w => w.ToUpperInvariant()), StringComparer.Ordinal);
            string? predicted = vectors.MostSimilar([keys[1], keys[2]], [keys[0]], 5, restrictTo)
                .Select(p => p.Word).FirstOrDefault(w => !ignore.Contains(w.ToUpperInvariant()));
            if (predicted is not null && string.Equals(predicted.ToUpperInvariant(), words[3].ToUpperInvariant(), StringComparison.Ordinal)) correct++;
            else incorrect++;
        }

        Close();
        var total = new AnalogySection("total", sections.Sum(s => s.Correct), sections.Sum(s => s.Incorrect));
        return new AnalogyResult(sections, total, skipped);

        void Close()
        {
            if (section is not null) sections.Add(new AnalogySection(section, correct, incorrect));
            correct = incorrect = 0;
        }
    }

    /// <summary>
    /// Scores a word-pair file ("word1 TAB word2 TAB score" lines, '#' comments): Spearman's ρ and Pearson's r of the
    /// human scores against the cosine similarities.
    /// </summary>
    public static SimilarityResult Similarities(KeyedVectors vectors, string path, int restrictTo = 300_000)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        Dictionary<string, string> known = CaseInsensitiveVocabulary(vectors, restrictTo);
        var human = new List<double>();
        var model = new List<double>();
        int oov = 0, lineNumber = 0;
        foreach (string line in ReadLines(path))
        {
            lineNumber++;
            if (line.StartsWith('#') || line.Trim().Length == 0) continue;
            string[] fields = line.Split('\t');
            if (fields.Length < 3 || !double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double score))
                throw new InvalidDataException($"{path}:{lineNumber}: expected 'word1<TAB>word2<TAB>score'");
            if (!double.IsFinite(score)) throw new InvalidDataException($"{path}:{lineNumber}: the score '{fields[2]}' is not a finite number");
            if (!known.TryGetValue(fields[0].Trim().ToUpperInvariant(), out string? a) || !known.TryGetValue(fields[1].Trim().ToUpperInvariant(), out string? b))
            {
                oov++;
                continue;
            }

            human.Add(score);
            model.Add(vectors.Similarity(a, b));
        }

        if (human.Count < 2) throw new InvalidDataException($"{path}: fewer than two pairs have both words in the vocabulary");
        // A correlation with a constant series is undefined (0/0); say so rather than report NaN.
        if (human.All(h => h == human[0])) throw new InvalidDataException($"{path}: all {human.Count} scored pairs in the vocabulary have the same score, so no correlation is defined");
        if (model.All(m => m == model[0])) throw new InvalidDataException($"{path}: the vectors give all {model.Count} pairs the same similarity, so no correlation is defined");
        return new SimilarityResult(Spearman(human, model), Pearson(human, model), human.Count, oov);
    }

    /// <summary>Spearman's rank correlation: Pearson's r of the ranks, tied values sharing their average rank.</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y) => Pearson(Ranks(x), Ranks(y));

    /// <summary>Pearson's correlation coefficient.</summary>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count || x.Count < 2) throw new ArgumentException($"correlation: needs two series of equal length ≥ 2, got {x.Count} and {y.Count}");
        // r does not change when a series is scaled; scaling by the largest magnitude keeps the squares of scores
        // near double's limit (±1e300) from overflowing to ∞, which made r 0 or NaN.
        double[] a = Scaled(x), b = Scaled(y);
        double mx = a.Average(), my = b.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sxy += (a[i] - mx) * (b[i] - my);
            sxx += (a[i] - mx) * (a[i] - mx);
            syy += (b[i] - my) * (b[i] - my);
        }

        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }

    private static double[] Scaled(IReadOnlyList<double> values)
    {
        double largest = values.Max(Math.Abs);
        return largest > 0 && double.IsFinite(largest) ? [.. values.Select(v => v / largest)] : [.. values];
    }

    /// <summary>1-based ranks, ties averaged.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int[] order = [.. Enumerable.Range(0, values.Count).OrderBy(i => values[i])];
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int i = start; i <= end; i++) ranks[order[i]] = rank;
            start = end + 1;
        }

        return ranks;
    }

    /// <summary>Upper-cased word → the most frequent word spelt so among the first <paramref name="restrictTo"/>.</summary>
    private static Dictionary<string, string> CaseInsensitiveVocabulary(KeyedVectors vectors, int restrictTo)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < Math.Min(restrictTo, vectors.Words.Count); i++) map.TryAdd(vectors.Words[i].ToUpperInvariant(), vectors.Words[i]);
        return map;
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"evaluation: no file '{path}'", path);
        DataFile.CheckRegular(path);
        return File.ReadLines(path);
    }
}
