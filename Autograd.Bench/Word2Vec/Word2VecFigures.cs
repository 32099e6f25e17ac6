using System.Globalization;
using Autograd.NN.Word2Vec;

namespace Autograd.Bench.Word2Vec;

/// <summary>
/// The <c>word2vec</c> mode: trains skip-gram and CBOW with gensim's anchor settings (dim 100, window 5, negative 5,
/// sample 1e-3, min_count 5, 5 epochs) on one corpus and prints words per second as gensim counts them (raw corpus
/// words over all epochs, vocabulary building included), then the vectors' scores on the evaluation sets.
/// </summary>
public static class Word2VecFigures
{
    /// <summary>The anchor's settings.</summary>
    public static Word2VecOptions Settings(Word2VecArchitecture architecture, int threads, int seed = 1) => new()
    {
        Architecture = architecture,
        Dimension = 100,
        Window = 5,
        Negative = 5,
        Sample = 1e-3,
        MinCount = 5,
        Epochs = 5,
        Threads = threads,
        Seed = seed,
    };

    /// <summary>Trains both models on <paramref name="corpusPath"/> and writes one figure a line.</summary>
    /// <param name="output">Where the figures go.</param>
    /// <param name="corpusPath">One sentence a line (Autograd.Bench/peers/brown_text.py makes Brown so).</param>
    /// <param name="threads">Worker threads.</param>
    /// <param name="evaluationDirectory">The folder of questions-words.txt, wordsim353.tsv and simlex999.txt, or null to skip scoring.</param>
    /// <param name="seed">The seed of the vectors and the sampling.</param>
    public static void Run(TextWriter output, string corpusPath, int threads, string? evaluationDirectory, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(output);
        Corpus corpus = Corpus.FromTextFile(corpusPath);
        foreach (var (architecture, name) in new[] { (Word2VecArchitecture.SkipGram, "skipgram"), (Word2VecArchitecture.Cbow, "cbow") })
        {
            Word2VecModel model = Word2VecModel.Train(corpus, Settings(architecture, threads, seed));
            Report(output, $"word2vec_{name}", model.Summary.WordsPerSecond, "words/s");
            if (evaluationDirectory is null) continue;
            KeyedVectors vectors = model.Vectors;
            Report(output, $"word2vec_{name}_analogy", WordVectorEvaluation.Analogies(vectors, Path.Combine(evaluationDirectory, "questions-words.txt")).Total.Accuracy, "accuracy");
            Report(output, $"word2vec_{name}_wordsim353", WordVectorEvaluation.Similarities(vectors, Path.Combine(evaluationDirectory, "wordsim353.tsv")).Spearman, "spearman");
            Report(output, $"word2vec_{name}_simlex999", WordVectorEvaluation.Similarities(vectors, Path.Combine(evaluationDirectory, "simlex999.txt")).Spearman, "spearman");
            output.WriteLine($"# {name} nearest to king: {string.Join(", ", vectors.MostSimilar("king", 5).Select(p => p.Word))}");
        }
    }

    private static void Report(TextWriter output, string name, double value, string unit)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} {value:0.####} {unit}"));
        output.Flush();
    }
}
