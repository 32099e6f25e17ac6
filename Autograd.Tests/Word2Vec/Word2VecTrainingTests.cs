using Autograd.Memory;
using Autograd.NN.Word2Vec;

namespace Autograd.Tests.Word2Vec;

/// <summary>
/// word2vec training end to end on a corpus with known structure: sentences drawn from topics, so words of one topic
/// share contexts and must end up nearest to each other, whichever model and output layer learn them.
/// </summary>
public sealed class Word2VecTrainingTests
{
    private const int Topics = 4, WordsPerTopic = 6;

    /// <summary>Sentences of 8 words from one topic each, with two function words mixed in.</summary>
    private static List<string[]> TopicCorpus(int sentences, int seed)
    {
        var random = new Random(seed);
        var corpus = new List<string[]>();
        for (int s = 0; s < sentences; s++)
        {
            int topic = random.Next(Topics);
            corpus.Add([.. Enumerable.Range(0, 8).Select(_ => random.Next(5) == 0 ? (random.Next(2) == 0 ? "the" : "and") : $"t{topic}w{random.Next(WordsPerTopic)}")]);
        }

        return corpus;
    }

    private static readonly Word2VecOptions Small = new() { Dimension = 16, Window = 3, Sample = 0, MinCount = 1, Epochs = 3, BatchSize = 64, Seed = 7 };

    /// <summary>The share of topic words whose three nearest neighbours all belong to their topic.</summary>
    private static double TopicPurity(KeyedVectors vectors)
    {
        string[] words = [.. vectors.Words.Where(w => w.StartsWith('t'))];
        int pure = words.Count(w => vectors.MostSimilar(w, 3).All(n => n.Word[..2] == w[..2]));
        return (double)pure / words.Length;
    }

    [TestCase(Word2VecArchitecture.SkipGram, Word2VecOutput.NegativeSampling)]
    [TestCase(Word2VecArchitecture.SkipGram, Word2VecOutput.HierarchicalSoftmax)]
    [TestCase(Word2VecArchitecture.SkipGram, Word2VecOutput.FullSoftmax)]
    [TestCase(Word2VecArchitecture.Cbow, Word2VecOutput.NegativeSampling)]
    [TestCase(Word2VecArchitecture.Cbow, Word2VecOutput.HierarchicalSoftmax)]
    [TestCase(Word2VecArchitecture.Cbow, Word2VecOutput.FullSoftmax)]
    public void EveryModelAndOutputLearnsWhichWordsShareContexts(Word2VecArchitecture architecture, Word2VecOutput output)
    {
        List<string[]> corpus = TopicCorpus(1500, seed: 1);
        var epochLosses = new List<double>();
        var progress = new SynchronousProgress(p => epochLosses.Add(p.Loss));
        Word2VecModel model = Word2VecModel.Train(corpus, Small with { Architecture = architecture, Output = output, Epochs = 5 }, progress);

        Assert.That(model.Vocabulary.Count, Is.EqualTo(Topics * WordsPerTopic + 2));
        Assert.That(TopicPurity(model.Vectors), Is.GreaterThanOrEqualTo(0.95), $"{architecture} with {output}");
        Assert.That(model.Summary.Words, Is.EqualTo(5L * corpus.Sum(s => s.Length)));
        Assert.That(double.IsFinite(model.Summary.FinalLoss), Is.True);
        Assert.That(model.OutputVectors.Shape[0], Is.EqualTo(output == Word2VecOutput.HierarchicalSoftmax ? model.Vocabulary.Count - 1 : model.Vocabulary.Count));
    }

    [Test]
    public void TheLossFallsAsTrainingGoesOn()
    {
        var losses = new List<double>();
        Word2VecModel.Train(TopicCorpus(3000, seed: 2), Small with { Epochs = 4, WordsPerJob = 2000 }, new SynchronousProgress(p => losses.Add(p.Loss)));
        Assert.That(losses, Has.Count.GreaterThan(2));
        // Untrained, the output vectors are zero: every one of the 1 + 5 logistic terms costs ln 2.
        Assert.That(losses[^1], Is.LessThan(losses[0]).And.LessThan(0.5 * 6 * Math.Log(2)), string.Join(", ", losses));
    }

    [Test]
    public void ASingleThreadedRunWithASeedIsBitForBitReproducible()
    {
        List<string[]> corpus = TopicCorpus(800, seed: 3);
        float[] first = Word2VecModel.Train(corpus, Small with { Sample = 1e-2 }).InputVectors.AsReadOnlySpan().ToArray();
        float[] second = Word2VecModel.Train(corpus, Small with { Sample = 1e-2 }).InputVectors.AsReadOnlySpan().ToArray();
        float[] otherSeed = Word2VecModel.Train(corpus, Small with { Sample = 1e-2, Seed = 8 }).InputVectors.AsReadOnlySpan().ToArray();
        Assert.That(second, Is.EqualTo(first));
        Assert.That(otherSeed, Is.Not.EqualTo(first));
    }

    [Test]
    public void TwoHogwildThreadsShareTheTablesAndStillLearn()
    {
        Word2VecModel model = Word2VecModel.Train(TopicCorpus(3000, seed: 4), Small with { Threads = 2, WordsPerJob = 500, Epochs = 5 });
        Assert.That(TopicPurity(model.Vectors), Is.GreaterThanOrEqualTo(0.95));
        Assert.That(model.Summary.Examples, Is.GreaterThan(0));
    }

    [Test]
    public void TheLearningRateDecaysLinearlyFromAlphaToMinAlpha()
    {
        var options = Small with { Alpha = 0.05, MinAlpha = 0.001, WordsPerJob = 1000 };
        Assert.That(options.AlphaAt(0), Is.EqualTo(0.05));
        Assert.That(options.AlphaAt(0.5), Is.EqualTo(0.0255).Within(1e-15));
        Assert.That(options.AlphaAt(1), Is.EqualTo(0.001).Within(1e-15));

        var alphas = new List<double>();
        Word2VecModel.Train(TopicCorpus(2000, seed: 5), options, new SynchronousProgress(p => alphas.Add(p.Alpha)));
        Assert.That(alphas, Has.Count.GreaterThanOrEqualTo(options.Epochs));
        Assert.That(alphas, Is.Ordered.Descending);
        Assert.That(alphas[^1], Is.GreaterThanOrEqualTo(0.001).And.LessThan(0.005), "the last job runs near min_alpha");
    }

    [Test]
    public void SubsamplingDropsFrequentWordsFromTheExamples()
    {
        List<string[]> corpus = TopicCorpus(1000, seed: 6);
        long all = Word2VecModel.Train(corpus, Small with { Epochs = 1 }).Summary.Examples;
        long subsampled = Word2VecModel.Train(corpus, Small with { Epochs = 1, Sample = 1e-3 }).Summary.Examples;
        Assert.That(subsampled, Is.LessThan(all * 0.5), "every word here is frequent: most occurrences are dropped");
    }

    [Test]
    public void TheCbowUpdateGivesEveryContextTheWholeGradientAndKeepsTheMean()
    {
        Tensor<double> input = Tensor.RandomNormal<double>([5, 3], 1).RequireGrad();
        int[] contexts = [1, 2, 4, 0], offsets = [0, 3];
        Tensor<double> undivided = Word2VecLosses.CbowHidden(input, contexts, offsets, undividedUpdate: true);
        Tensor<double> mean = Word2VecLosses.CbowHidden(input, contexts, offsets);
        Assert.That(undivided.AsReadOnlySpan().ToArray(), Is.EqualTo(mean.AsReadOnlySpan().ToArray()).Within(1e-15));

        undivided.Sum().Backward();
        // Each use of a row receives the whole upstream gradient (1 per element), not 1/3.
        Assert.That(input.Grad![1, 0], Is.EqualTo(1).Within(1e-15));
        Assert.That(input.Grad![0, 2], Is.EqualTo(1).Within(1e-15));
        Assert.That(input.Grad![3, 1], Is.Zero);
    }

    [Test]
    public void SettingsOutOfRangeAreNamed()
    {
        Assert.That(() => Word2VecModel.Train(TopicCorpus(10, 1), Small with { Dimension = 0 }),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("dimension"));
        Assert.That(() => Word2VecModel.Train(TopicCorpus(10, 1), Small with { MinAlpha = 1 }),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("min-alpha"));
        Assert.That(() => Word2VecModel.Train([["a", "b"]], Small with { MinCount = 5 }),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("no word occurs at least 5 times"));
        Assert.That(() => Word2VecModel.Train([["a"], ["b", "rare"], ["a"]], Small with { MinCount = 2 }),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("no training examples"), "one-word sentences give no pairs");
    }

    /// <summary>Calls back on the reporting thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<Word2VecProgress> report) : IProgress<Word2VecProgress>
    {
        private readonly Lock _gate = new();

        public void Report(Word2VecProgress value)
        {
            lock (_gate) report(value);
        }
    }

    [Test]
    public void TrainingIgnoresTheCallersNoGradAndScope()
    {
        // The workers are threads of their own: a NoGrad or TensorScope around Train is the caller's, not theirs.
        using (Autodiff.NoGrad())
        using (new TensorScope())
        {
            Word2VecModel model = Word2VecModel.Train(TopicCorpus(500, seed: 4), Small with { Threads = 2, WordsPerJob = 200, Epochs = 1 });
            Assert.That(model.InputVectors.AsReadOnlySpan().ToArray(), Has.All.Matches<float>(float.IsFinite));
        }
    }
}
