namespace Autograd.NN.Word2Vec;

/// <summary>
/// The words kept for training, with their counts, in a deterministic order: count descending, then the word's
/// ordinal order. Index 0 is the most frequent word.
/// </summary>
public sealed class Vocabulary
{
    private readonly Dictionary<string, int> _index;

    private Vocabulary(string[] words, long[] counts, long rawWords)
    {
        Words = words;
        Counts = counts;
        RawWordCount = rawWords;
        RetainedWordCount = counts.Sum();
        _index = words.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>The words, most frequent first.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>Each word's count in the corpus.</summary>
    public IReadOnlyList<long> Counts { get; }

    /// <summary>The number of words.</summary>
    public int Count => Words.Count;

    /// <summary>Every token of the corpus, kept or not.</summary>
    public long RawWordCount { get; }

    /// <summary>The tokens of kept words (the total the subsampling formula uses).</summary>
    public long RetainedWordCount { get; }

    /// <summary>The index of <paramref name="word"/>, or −1 when it is not in the vocabulary.</summary>
    public int IndexOf(string word) => _index.TryGetValue(word, out int i) ? i : -1;

    /// <summary>Counts the words of <paramref name="sentences"/> in one streaming pass.</summary>
    /// <param name="sentences">The corpus.</param>
    /// <param name="minCount">Words seen fewer times are dropped.</param>
    /// <param name="maxSize">Keep at most this many of the most frequent words (null: no limit).</param>
    public static Vocabulary Build(IEnumerable<string[]> sentences, int minCount = 5, int? maxSize = null)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long raw = 0;
        foreach (string[] sentence in sentences)
        {
            foreach (string word in sentence)
            {
                counts[word] = counts.GetValueOrDefault(word) + 1;
                raw++;
            }
        }

        var kept = counts.Where(p => p.Value >= minCount)
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(maxSize ?? int.MaxValue).ToArray();
        if (kept.Length == 0) throw new InvalidDataException($"vocabulary: no word occurs at least {minCount} times in {raw} tokens");
        return new Vocabulary([.. kept.Select(p => p.Key)], [.. kept.Select(p => p.Value)], raw);
    }

    /// <summary>A vocabulary from explicit words and counts (already in the order wanted), for tests and loaded models.</summary>
    public static Vocabulary FromCounts(IReadOnlyList<string> words, IReadOnlyList<long> counts)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(counts);
        if (words.Count != counts.Count) throw new ArgumentException($"vocabulary: {words.Count} words but {counts.Count} counts");
        return new Vocabulary([.. words], [.. counts], counts.Sum());
    }
}
