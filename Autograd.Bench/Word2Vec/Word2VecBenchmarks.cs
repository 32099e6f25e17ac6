using BenchmarkDotNet.Attributes;
using Autograd.NN.Word2Vec;

namespace Autograd.Bench.Word2Vec;

/// <summary>
/// One epoch of word2vec on a synthetic Zipf-distributed corpus of 200,000 words (10,000-word vocabulary), so the
/// suite runs without a download; the Brown-corpus figures beside gensim come from the <c>word2vec</c> mode.
/// </summary>
[MemoryDiagnoser]
public class Word2VecBenchmarks
{
    private List<string[]> _corpus = [];

    /// <summary>Skip-gram or CBOW.</summary>
    [Params(Word2VecArchitecture.SkipGram, Word2VecArchitecture.Cbow)]
    public Word2VecArchitecture Architecture { get; set; }

    /// <summary>Worker threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Draws the corpus: word ranks from a Zipf law with exponent 1, sentences of 20 words.</summary>
    [GlobalSetup]
    public void Setup()
    {
        const int Vocabulary = 10_000;
        double[] cumulative = new double[Vocabulary];
        double total = 0;
        for (int r = 0; r < Vocabulary; r++) cumulative[r] = total += 1.0 / (r + 1);
        var random = new Random(1);
        _corpus = [.. Enumerable.Range(0, 10_000).Select(_ => Enumerable.Range(0, 20).Select(_ =>
        {
            int rank = Array.BinarySearch(cumulative, random.NextDouble() * total);
            return "w" + (rank < 0 ? ~rank : rank);
        }).ToArray())];
    }

    /// <summary>Vocabulary building and one epoch of training.</summary>
    [Benchmark]
    public double Epoch() => Word2VecModel.Train(_corpus, Word2VecFigures.Settings(Architecture, Threads) with { Epochs = 1 }).Summary.FinalLoss;
}
