using System.Diagnostics;
using Autograd.NN.Word2Vec;
using Autograd.Tests.Support;

namespace Autograd.Tests.Word2Vec;

/// <summary>
/// The data side of word2vec against independent facts: Huffman codes against the optimal prefix-code cost, the
/// noise distribution against count^0.75 and a chi-square bound, subsampling against word2vec's formula, the dynamic
/// window against its (window − j + 1)/window law, vocabulary order, and the corpus readers.
/// </summary>
public sealed class Word2VecDataTests
{
    /// <summary>The cost Σ count·code length of an optimal prefix code: the sum of the weights of every merge.</summary>
    private static long OptimalCost(IEnumerable<long> counts)
    {
        var queue = new PriorityQueue<long, long>();
        foreach (long c in counts) queue.Enqueue(c, c);
        long cost = 0;
        while (queue.Count > 1)
        {
            long merged = queue.Dequeue() + queue.Dequeue();
            cost += merged;
            queue.Enqueue(merged, merged);
        }

        return cost;
    }

    private static void AssertIsOptimalPrefixCode(long[] counts)
    {
        HuffmanTree tree = HuffmanTree.Build(counts);
        string[] codes = [.. tree.Codes.Select(c => string.Concat(c.Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture))))];
        for (int a = 0; a < codes.Length; a++)
            for (int b = 0; b < codes.Length; b++)
                if (a != b) Assert.That(codes[b].StartsWith(codes[a], StringComparison.Ordinal), Is.False, $"code {a} ({codes[a]}) is a prefix of code {b} ({codes[b]})");

        Assert.That(Enumerable.Range(0, counts.Length).Sum(w => counts[w] * tree.Codes[w].Length), Is.EqualTo(OptimalCost(counts)));
        int root = tree.Paths[0][0];
        for (int w = 0; w < counts.Length; w++)
        {
            Assert.That(tree.Paths[w], Has.Length.EqualTo(tree.Codes[w].Length));
            Assert.That(tree.Paths[w], Is.All.InRange(0, counts.Length - 2));
            Assert.That(tree.Paths[w][0], Is.EqualTo(root), "every path starts at the root");
            for (int v = 0; v < counts.Length; v++)
                if (counts[w] > counts[v]) Assert.That(tree.Codes[w].Length, Is.LessThanOrEqualTo(tree.Codes[v].Length));
        }
    }

    [Test]
    public void HuffmanCodesAreAnOptimalPrefixCode()
    {
        // The textbook example (CLRS): optimal cost 224.
        long[] counts = [45, 13, 12, 16, 9, 5];
        Assert.That(OptimalCost(counts), Is.EqualTo(224));
        AssertIsOptimalPrefixCode(counts);
        Assert.That(HuffmanTree.Build(counts).Codes[0], Has.Length.EqualTo(1), "the most frequent word is one step from the root");

        var random = new Random(5);
        AssertIsOptimalPrefixCode([.. Enumerable.Range(1, 200).Select(r => (long)(100_000 / r) + random.Next(3))]);
    }

    [Test]
    public void ASingleWordHasAnEmptyCodeAndNoWordsIsAnError()
    {
        HuffmanTree tree = HuffmanTree.Build([7]);
        Assert.That(tree.Codes[0], Is.Empty);
        Assert.That(tree.Paths[0], Is.Empty);
        Assert.Throws<ArgumentException>(() => HuffmanTree.Build([]));
    }

    [Test]
    public void NoiseWordsFollowTheUnigramDistributionToTheThreeQuarters()
    {
        long[] counts = [1000, 500, 200, 100, 50, 20, 10, 5, 2, 1];
        double total = counts.Sum(c => Math.Pow(c, 0.75));
        var noise = new NoiseDistribution(counts);
        for (int w = 0; w < counts.Length; w++) Assert.That(noise.Probability(w), Is.EqualTo(Math.Pow(counts[w], 0.75) / total).Within(1e-12));

        const int Draws = 1_000_000;
        var seen = new int[counts.Length];
        var random = new FastRandom(42);
        for (int i = 0; i < Draws; i++) seen[noise.Sample(ref random)]++;
        for (int w = 0; w < counts.Length; w++)
        {
            double p = noise.Probability(w), error = Math.Sqrt(p * (1 - p) / Draws);
            Assert.That((double)seen[w] / Draws, Is.EqualTo(p).Within(4 * error), $"word {w}");
        }

        var first = new FastRandom(9);
        var second = new FastRandom(9);
        Assert.That(Enumerable.Range(0, 100).Select(_ => noise.Sample(ref first)), Is.EqualTo(Enumerable.Range(0, 100).Select(_ => noise.Sample(ref second))));
    }

    [Test]
    public void SubsamplingKeepsWord2VecsShare()
    {
        // c = s·T: (1 + 1)·1 = 2, capped at 1; c = 10·s·T: (√10 + 1)/10.
        Assert.That(Sampling.KeepProbability(1000, 1_000_000, 1e-3), Is.EqualTo(1));
        Assert.That(Sampling.KeepProbability(10_000, 1_000_000, 1e-3), Is.EqualTo((Math.Sqrt(10) + 1) / 10).Within(1e-15));
        Assert.That(Sampling.KeepProbability(100_000, 1_000_000, 1e-3), Is.EqualTo((Math.Sqrt(100) + 1) / 100).Within(1e-15));
        Assert.That(Sampling.KeepProbability(3, 1_000_000, 1e-3), Is.EqualTo(1), "rare words are always kept");
        Assert.That(Sampling.KeepProbability(500_000, 1_000_000, 0), Is.EqualTo(1), "sample 0 turns subsampling off");
    }

    [Test]
    public void TheEffectiveWindowIsUniformOverOneToWindow()
    {
        const int Draws = 100_000;
        var seen = new int[6];
        var random = new FastRandom(3);
        for (int i = 0; i < Draws; i++) seen[Sampling.EffectiveWindow(5, ref random)]++;
        Assert.That(seen[0], Is.Zero);
        double error = Math.Sqrt(0.2 * 0.8 / Draws);
        for (int b = 1; b <= 5; b++) Assert.That((double)seen[b] / Draws, Is.EqualTo(0.2).Within(4 * error), $"b = {b}");
    }

    [Test]
    public void CloserContextWordsAreUsedMoreOften()
    {
        const int Length = 20_000, Window = 5;
        var pairs = new List<(int Center, int Context)>();
        var random = new FastRandom(4);
        Sampling.WindowPairs(Length, Window, ref random, pairs);
        Assert.That(pairs.All(p => p.Center != p.Context && Math.Abs(p.Center - p.Context) <= Window), Is.True);

        // Centers away from the edges: the word at distance j (on the right) is used with probability (W − j + 1)/W.
        var inner = pairs.Where(p => p.Center >= Window && p.Center < Length - Window).ToList();
        int centers = Length - 2 * Window;
        for (int j = 1; j <= Window; j++)
        {
            double expected = (Window - j + 1) / (double)Window, error = Math.Sqrt(expected * (1 - expected) / centers);
            double share = inner.Count(p => p.Context - p.Center == j) / (double)centers;
            Assert.That(share, Is.EqualTo(expected).Within(4 * error + 1e-12), $"distance {j}");
        }
    }

    [Test]
    public void FastRandomIsSeededAndInRange()
    {
        var random = new FastRandom(1);
        for (int i = 0; i < 10_000; i++)
        {
            Assert.That(random.NextInt(7), Is.InRange(0, 6));
            Assert.That(random.NextDouble(), Is.GreaterThanOrEqualTo(0).And.LessThan(1));
        }

        var a = new FastRandom(11);
        var b = new FastRandom(11);
        var c = new FastRandom(12);
        ulong[] first = [.. Enumerable.Range(0, 50).Select(_ => a.NextUInt64())];
        Assert.That(Enumerable.Range(0, 50).Select(_ => b.NextUInt64()), Is.EqualTo(first));
        Assert.That(Enumerable.Range(0, 50).Select(_ => c.NextUInt64()), Is.Not.EqualTo(first));
    }

    [Test]
    public void TheVocabularyIsOrderedByCountThenWord()
    {
        string[][] sentences = [["b", "a", "c", "b"], ["a", "d", "b", "c"], ["e", "a", "b", "c"]];
        Vocabulary vocabulary = Vocabulary.Build(sentences, minCount: 2);
        Assert.That(vocabulary.Words, Is.EqualTo(new[] { "b", "a", "c" }), "b: 4, then a and c (3 each) in ordinal order");
        Assert.That(vocabulary.Counts, Is.EqualTo(new long[] { 4, 3, 3 }));
        Assert.That(vocabulary.RawWordCount, Is.EqualTo(12));
        Assert.That(vocabulary.RetainedWordCount, Is.EqualTo(10));
        Assert.That(vocabulary.IndexOf("c"), Is.EqualTo(2));
        Assert.That(vocabulary.IndexOf("d"), Is.EqualTo(-1));
        Assert.That(Vocabulary.Build(sentences, minCount: 1, maxSize: 2).Words, Is.EqualTo(new[] { "b", "a" }));
        Assert.That(() => Vocabulary.Build(sentences, minCount: 5), Throws.TypeOf<InvalidDataException>().With.Message.Contains("at least 5 times in 12 tokens"));
    }

    [Test]
    public void TextCorporaAreLowercasedWhitespaceTokensReadAgainEachPass()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "The Cat  sat\n\n   \non\tthe MAT\n");
            Corpus corpus = Corpus.FromTextFile(path);
            string[][] expected = [["the", "cat", "sat"], ["on", "the", "mat"]];
            Assert.That(corpus.ToArray(), Is.EqualTo(expected));
            Assert.That(corpus.ToArray(), Is.EqualTo(expected), "a second pass reads the file again");
            Assert.That(Corpus.FromTextFile(path, lowercase: false).First(), Is.EqualTo(new[] { "The", "Cat", "sat" }));
        }
        finally
        {
            File.Delete(path);
        }

        string latin1 = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(latin1, [.. "good line\nsecond line\nthe caf"u8, 0xE9, .. " closed\n"u8]);
            Assert.That(() => Corpus.FromTextFile(latin1).ToArray(),
                Throws.TypeOf<InvalidDataException>().With.Message.Contains("line 3 is not valid UTF-8"));
        }
        finally
        {
            File.Delete(latin1);
        }

        string missing = Path.Combine(Path.GetTempPath(), "no-such-corpus.txt");
        Assert.That(() => Corpus.FromTextFile(missing).ToArray(), Throws.TypeOf<FileNotFoundException>().With.Message.Contains(missing));
    }

    [Test]
    public void TheBrownCorpusKeepsTheWordsOfItsTaggedTokens()
    {
        string directory = Directory.CreateTempSubdirectory("autograd-brown-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "cb02"), "\tMoney/nn was/bedz n't/* there/rb ./.\n");
            File.WriteAllText(Path.Combine(directory, "ca01"), "\n\tThe/at Fulton/np-tl County/nn-tl said/vbd ,/, 1913/cd it's/pps+bez well-known/jj ``/``\n");
            File.WriteAllText(Path.Combine(directory, "README"), "Not/at a/at corpus/nn file/nn\n");
            string[][] sentences = [.. Corpus.FromBrownDirectory(directory)];
            Assert.That(sentences, Is.EqualTo(new[]
            {
                new[] { "the", "fulton", "county", "said", "it's", "well-known" },
                ["money", "was", "n't", "there"],
            }));

            string empty = Directory.CreateTempSubdirectory("autograd-brown-empty-").FullName;
            Assert.That(() => Corpus.FromBrownDirectory(empty).ToArray(), Throws.TypeOf<FileNotFoundException>());
            Directory.Delete(empty);
            Assert.That(() => Corpus.FromBrownDirectory(Path.Combine(directory, "missing")).ToArray(), Throws.TypeOf<DirectoryNotFoundException>());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// The reader against the repository's own Brown-to-text script (Autograd.Bench/peers/brown_text.py, which the
    /// word2vec comparison with gensim trains from): on a sample with the corpus's awkward tokens, both give the
    /// sentences written here.
    /// </summary>
    [Test]
    public void TheBrownReaderAgreesWithTheBrownTextScript()
    {
        string directory = Directory.CreateTempSubdirectory("autograd-brown-script-").FullName;
        try
        {
            string files = Path.Combine(directory, "package");
            Directory.CreateDirectory(files);
            File.WriteAllText(Path.Combine(files, "cr09"), "\tHe/pps said/vbd ``/`` I'm/ppss+bem O.K./jj ''/'' ;/.\n\n\tTwenty-one/cd B-52's/nns flew/vbd\n");
            File.WriteAllBytes(Path.Combine(files, "ca01"), [.. "\tCaf".Select(c => (byte)c), 0xE9, .. "/nn and/cc rock'n'roll/nn --/-- 1961/cd A/at\n".Select(c => (byte)c)]);
            File.WriteAllText(Path.Combine(files, "cats.txt"), "ca01 news\n");
            string[][] expected = [["and", "rock'n'roll", "a"], ["he", "said", "i'm"], ["twenty-one", "flew"]];
            Assert.That(Corpus.FromBrownDirectory(files).ToArray(), Is.EqualTo(expected));

            if (!File.Exists("/usr/bin/python3")) Assert.Ignore("the script half needs /usr/bin/python3");
            string output = Path.Combine(directory, "brown.txt");
            string script = Repository.PathOf("Autograd.Bench", "peers", "brown_text.py");
            using (Process python = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, files, output]) { RedirectStandardError = true })!)
            {
                string error = python.StandardError.ReadToEnd();
                python.WaitForExit();
                Assert.That(python.ExitCode, Is.Zero, error);
            }

            Assert.That(Corpus.FromTextFile(output).ToArray(), Is.EqualTo(expected));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
