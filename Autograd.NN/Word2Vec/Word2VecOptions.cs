namespace Autograd.NN.Word2Vec;

/// <summary>How the hidden vector of a training example is formed.</summary>
public enum Word2VecArchitecture
{
    /// <summary>Skip-gram: the center word's vector predicts each context word.</summary>
    SkipGram,

    /// <summary>Continuous bag of words: the mean of the context words' vectors predicts the center word.</summary>
    Cbow,
}

/// <summary>How the predicted word's probability is computed.</summary>
public enum Word2VecOutput
{
    /// <summary>The target against k noise words drawn from unigram^0.75 (logistic losses).</summary>
    NegativeSampling,

    /// <summary>A path of binary decisions down a Huffman tree over the vocabulary.</summary>
    HierarchicalSoftmax,

    /// <summary>The softmax over the whole vocabulary: exact but O(V) per example; for small vocabularies and teaching.</summary>
    FullSoftmax,
}

/// <summary>The settings of a word2vec run; the defaults are gensim's (with skip-gram).</summary>
public sealed record Word2VecOptions
{
    /// <summary>Skip-gram or CBOW.</summary>
    public Word2VecArchitecture Architecture { get; init; } = Word2VecArchitecture.SkipGram;

    /// <summary>Negative sampling, hierarchical softmax or the full softmax.</summary>
    public Word2VecOutput Output { get; init; } = Word2VecOutput.NegativeSampling;

    /// <summary>The length of the word vectors.</summary>
    public int Dimension { get; init; } = 100;

    /// <summary>The largest distance between a center and a context word (the effective window is drawn from 1..Window).</summary>
    public int Window { get; init; } = 5;

    /// <summary>
    /// CBOW only: give every context vector the hidden vector's whole gradient, as word2vec and gensim do
    /// (true, the default), rather than the mean's exact 1/c share (false, which learns the input vectors more slowly).
    /// </summary>
    public bool CbowUndividedUpdate { get; init; } = true;

    /// <summary>Noise words per example for negative sampling, 1 to <see cref="MaxNegative"/>.</summary>
    public int Negative { get; init; } = 5;

    /// <summary>The most noise words per example <see cref="Validate"/> accepts.</summary>
    public const int MaxNegative = 100;

    /// <summary>The subsampling threshold for frequent words (0 disables it).</summary>
    public double Sample { get; init; } = 1e-3;

    /// <summary>Words seen fewer times are left out of the vocabulary.</summary>
    public int MinCount { get; init; } = 5;

    /// <summary>Keep at most this many of the most frequent words (null: no limit).</summary>
    public int? MaxVocabularySize { get; init; }

    /// <summary>Passes over the corpus.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>The initial learning rate.</summary>
    public double Alpha { get; init; } = 0.025;

    /// <summary>The learning rate reached at the end of the run (it decays linearly from <see cref="Alpha"/>).</summary>
    public double MinAlpha { get; init; } = 0.0001;

    /// <summary>Worker threads updating the shared tables without locks (Hogwild); 1 gives a reproducible run.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>The seed of the initial vectors and of every random choice.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Training examples per recorded graph (one <c>Backward()</c> and one SGD step per batch).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Raw words per unit of work handed to a thread; the learning rate is set per unit.</summary>
    public int WordsPerJob { get; init; } = 10_000;

    /// <summary>The learning rate once <paramref name="fraction"/> of the run's words have been handed out: linear from <see cref="Alpha"/> to <see cref="MinAlpha"/>.</summary>
    public double AlphaAt(double fraction) => Math.Max(MinAlpha, Alpha - (Alpha - MinAlpha) * Math.Clamp(fraction, 0, 1));

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        Positive(Dimension, "dimension");
        Positive(Window, "window");
        if (Output == Word2VecOutput.NegativeSampling) Positive(Negative, "negative");
        if (Negative > MaxNegative)
            throw new ArgumentOutOfRangeException(nameof(Negative), $"word2vec: negative must be at most {MaxNegative}, not {Negative} (the original paper uses 2–20)");
        Positive(MinCount, "min-count");
        Positive(Epochs, "epochs");
        Positive(Threads, "threads");
        Positive(BatchSize, "batch");
        Positive(WordsPerJob, "words per job");
        if (MaxVocabularySize is < 1) throw new ArgumentOutOfRangeException(nameof(MaxVocabularySize), "word2vec: the vocabulary size limit must be at least 1");
        if (!(Sample >= 0 && double.IsFinite(Sample))) throw new ArgumentOutOfRangeException(nameof(Sample), $"word2vec: sample must be a finite number ≥ 0, not {Sample}");
        if (!(Alpha > 0 && double.IsFinite(Alpha))) throw new ArgumentOutOfRangeException(nameof(Alpha), $"word2vec: alpha must be positive, not {Alpha}");
        if (!(MinAlpha >= 0 && MinAlpha <= Alpha)) throw new ArgumentOutOfRangeException(nameof(MinAlpha), $"word2vec: min-alpha must lie in [0, alpha], not {MinAlpha}");
    }

    private static void Positive(int value, string name)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, $"word2vec: {name} must be at least 1, not {value}");
    }
}

/// <summary>A progress report during training.</summary>
/// <param name="Words">Raw corpus words processed so far, over all epochs.</param>
/// <param name="TotalWords">Raw corpus words of the whole run.</param>
/// <param name="Epoch">The current epoch, from 1.</param>
/// <param name="Loss">The mean loss per training example since the previous report.</param>
/// <param name="WordsPerSecond">Raw words per second since training began.</param>
/// <param name="Alpha">The current learning rate.</param>
/// <param name="Elapsed">Time since training began.</param>
public readonly record struct Word2VecProgress(long Words, long TotalWords, int Epoch, double Loss, double WordsPerSecond, double Alpha, TimeSpan Elapsed);

/// <summary>What a finished run did.</summary>
/// <param name="Words">Raw corpus words processed over all epochs (as gensim counts them).</param>
/// <param name="Examples">Training examples (skip-gram pairs or CBOW windows) processed.</param>
/// <param name="Seconds">Wall time of the run, vocabulary building included.</param>
/// <param name="FinalLoss">The mean loss per example over the last epoch.</param>
public sealed record Word2VecRunSummary(long Words, long Examples, double Seconds, double FinalLoss)
{
    /// <summary>Raw words per second, vocabulary building included (gensim's figure).</summary>
    public double WordsPerSecond => Seconds > 0 ? Words / Seconds : 0;
}
