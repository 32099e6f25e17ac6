using System.Diagnostics;

namespace Autograd.NN.Word2Vec;

/// <summary>
/// A word2vec model: the vocabulary and its two tables, input vectors (the word vectors people use) and output
/// vectors (one per word for negative sampling and the full softmax, one per inner Huffman node for hierarchical
/// softmax). <see cref="Train"/> learns them with the engine: every gradient comes from <c>Backward()</c>.
/// </summary>
public sealed class Word2VecModel
{
    private Word2VecModel(Vocabulary vocabulary, Word2VecOptions options, Tensor<float> input, Tensor<float> output, Word2VecRunSummary summary)
    {
        Vocabulary = vocabulary;
        Options = options;
        InputVectors = input;
        OutputVectors = output;
        Summary = summary;
    }

    /// <summary>The trained words, most frequent first.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>The settings of the run.</summary>
    public Word2VecOptions Options { get; }

    /// <summary>The input (word) vectors, [V, d].</summary>
    public Tensor<float> InputVectors { get; }

    /// <summary>The output vectors, [V, d] (or [V − 1, d] inner-node vectors for hierarchical softmax).</summary>
    public Tensor<float> OutputVectors { get; }

    /// <summary>Figures of the training run.</summary>
    public Word2VecRunSummary Summary { get; }

    /// <summary>The word vectors with their words, for queries and saving.</summary>
    public KeyedVectors Vectors => new(Vocabulary.Words, InputVectors.AsReadOnlySpan().ToArray(), Options.Dimension);

    /// <summary>
    /// Builds the vocabulary in one pass over <paramref name="corpus"/>, then trains for the configured epochs,
    /// reading the corpus again each epoch.
    /// </summary>
    /// <param name="corpus">Sentences of tokens; enumerated once per epoch plus once for the vocabulary.</param>
    /// <param name="options">The settings (null: the defaults).</param>
    /// <param name="progress">Receives a report about twice a second.</param>
    /// <param name="cancellation">Stops the run between units of work.</param>
    public static Word2VecModel Train(IEnumerable<string[]> corpus, Word2VecOptions? options = null, IProgress<Word2VecProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        options ??= new Word2VecOptions();
        options.Validate();
        var clock = Stopwatch.StartNew();
        Vocabulary vocabulary = Vocabulary.Build(corpus, options.MinCount, options.MaxVocabularySize);
        if (options.Output == Word2VecOutput.HierarchicalSoftmax && vocabulary.Count < 2)
            throw new InvalidDataException("word2vec: hierarchical softmax needs at least two words in the vocabulary");
        var trainer = new Word2VecTrainer(vocabulary, options);
        (long examples, double finalLoss) = trainer.Run(corpus, progress, clock, cancellation);
        var summary = new Word2VecRunSummary(vocabulary.RawWordCount * options.Epochs, examples, clock.Elapsed.TotalSeconds, finalLoss);
        return new Word2VecModel(vocabulary, options, trainer.Input, trainer.Output, summary);
    }
}
