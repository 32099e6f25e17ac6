namespace Autograd.NN.Word2Vec;

/// <summary>The random choices of word2vec training: subsampling and the dynamic window.</summary>
public static class Sampling
{
    /// <summary>
    /// The probability of keeping an occurrence of a word seen <paramref name="count"/> times among
    /// <paramref name="total"/> kept tokens, word2vec's formula: p = (√(c/(s·T)) + 1)·(s·T)/c, capped at 1
    /// (s = <paramref name="sample"/>; 0 disables subsampling).
    /// </summary>
    public static double KeepProbability(long count, long total, double sample)
    {
        if (sample <= 0 || count <= 0) return 1;
        double threshold = sample * total;
        return Math.Min(1, (Math.Sqrt(count / threshold) + 1) * threshold / count);
    }

    /// <summary>
    /// The effective window around one center word: drawn uniformly from 1..<paramref name="window"/>, so a word at
    /// distance j is used with probability (window − j + 1)/window and closer words count more.
    /// </summary>
    public static int EffectiveWindow(int window, ref FastRandom random) => 1 + random.NextInt(window);

    /// <summary>
    /// The positions around <paramref name="center"/> in a sentence of <paramref name="length"/> words that serve as
    /// its context: within the <see cref="EffectiveWindow"/> drawn for this center, clipped to the sentence (the center
    /// itself lies inside the range and is not a context word).
    /// </summary>
    public static (int From, int To) ContextRange(int center, int length, int window, ref FastRandom random)
    {
        int b = EffectiveWindow(window, ref random);
        return (Math.Max(0, center - b), Math.Min(length - 1, center + b));
    }

    /// <summary>
    /// The (center, context) position pairs of a sentence of <paramref name="length"/> words with word2vec's
    /// dynamic window (<see cref="EffectiveWindow"/> drawn once per center), appended to <paramref name="pairs"/>.
    /// </summary>
    public static void WindowPairs(int length, int window, ref FastRandom random, List<(int Center, int Context)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        for (int center = 0; center < length; center++)
        {
            var (from, to) = ContextRange(center, length, window, ref random);
            for (int context = from; context <= to; context++)
                if (context != center) pairs.Add((center, context));
        }
    }
}

/// <summary>
/// A small, fast, seedable generator (SplitMix64): the same seed gives the same stream on every machine, and a
/// draw costs a few instructions, which matters when word2vec draws millions of noise words per second.
/// </summary>
public struct FastRandom
{
    private ulong _state;

    /// <summary>Starts the stream at <paramref name="seed"/>.</summary>
    public FastRandom(ulong seed) => _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) (multiply-shift on 32 random bits).</summary>
    public int NextInt(int bound) => (int)(((NextUInt64() >> 32) * (ulong)(uint)bound) >> 32);

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}

/// <summary>
/// Draws noise words from the unigram distribution raised to 3/4 (Mikolov et al.) in constant time with Vose's
/// alias method: exact probabilities, seeded draws.
/// </summary>
public sealed class NoiseDistribution
{
    private readonly double[] _probability;
    private readonly double[] _threshold;
    private readonly int[] _alias;

    /// <summary>Builds the distribution from word counts.</summary>
    /// <param name="counts">Each word's count.</param>
    /// <param name="power">The exponent (0.75 in word2vec).</param>
    public NoiseDistribution(IReadOnlyList<long> counts, double power = 0.75)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int n = counts.Count;
        if (n == 0) throw new ArgumentException("noise distribution: no words");
        _probability = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) total += _probability[i] = Math.Pow(counts[i], power);
        if (!(total > 0)) throw new ArgumentException("noise distribution: every count is zero");
        for (int i = 0; i < n; i++) _probability[i] /= total;

        // Vose: split the scaled probabilities into columns of height 1, each shared by at most two words.
        _threshold = new double[n];
        _alias = new int[n];
        var scaled = _probability.Select(p => p * n).ToArray();
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (int i = n - 1; i >= 0; i--) (scaled[i] < 1 ? small : large).Push(i);
        while (small.Count > 0 && large.Count > 0)
        {
            int s = small.Pop(), l = large.Pop();
            _threshold[s] = scaled[s];
            _alias[s] = l;
            scaled[l] -= 1 - scaled[s];
            (scaled[l] < 1 ? small : large).Push(l);
        }

        // What remains has height 1 up to rounding.
        foreach (int i in small.Concat(large))
        {
            _threshold[i] = 1;
            _alias[i] = i;
        }
    }

    /// <summary>The number of words.</summary>
    public int Count => _probability.Length;

    /// <summary>The probability of drawing word <paramref name="index"/>.</summary>
    public double Probability(int index) => _probability[index];

    /// <summary>One draw.</summary>
    public int Sample(ref FastRandom random)
    {
        ulong bits = random.NextUInt64();
        int column = (int)(((bits >> 32) * (ulong)(uint)_alias.Length) >> 32);
        double u = (uint)bits * (1.0 / 4294967296.0);
        return u < _threshold[column] ? column : _alias[column];
    }
}
