using System.Text.Json;
using Autograd.Tests.Support;

namespace Autograd.Tests.Cli;

/// <summary>autograd word2vec, similar, analogy and evaluate on a corpus the test writes.</summary>
public sealed class Word2VecCommandTests : FileTests
{
    /// <summary>Sentences from two topics (animals, colours), so neighbours are predictable.</summary>
    private string WriteCorpus()
    {
        string[][] topics = [["cat", "dog", "horse", "cow", "sheep"], ["red", "green", "blue", "yellow", "purple"]];
        var random = new Random(1);
        var lines = Enumerable.Range(0, 1500).Select(_ =>
        {
            string[] topic = topics[random.Next(2)];
            return string.Join(' ', Enumerable.Range(0, 8).Select(_ => topic[random.Next(topic.Length)]));
        });
        File.WriteAllLines(PathOf("corpus.txt"), lines);
        return PathOf("corpus.txt");
    }

    [Test]
    public void TrainsPrintsOnlyJsonAndTheVectorsAnswerQueries()
    {
        CliResult trained = CliRunner.Run("word2vec", "--corpus", WriteCorpus(), "--size", "16", "--window", "3", "--sample", "0", "--min-count", "1",
            "--epochs", "3", "--threads", "1", "--out", PathOf("vectors.bin"), "--binary", "--json");
        Assert.That(trained.ExitCode, Is.Zero, trained.Error);
        using (JsonDocument figures = JsonDocument.Parse(trained.Out))
        {
            Assert.That(figures.RootElement.GetProperty("vocab").GetInt32(), Is.EqualTo(10));
            Assert.That(figures.RootElement.GetProperty("words_per_second").GetDouble(), Is.GreaterThan(0));
            Assert.That(figures.RootElement.GetProperty("seconds").GetDouble(), Is.GreaterThan(0));
        }

        Assert.That(trained.Error, Does.Contain("words/s"), "progress goes to standard error");

        CliResult similar = CliRunner.Run("similar", PathOf("vectors.bin"), "cat", "--top", "4", "--json");
        Assert.That(similar.ExitCode, Is.Zero, similar.Error);
        string[] neighbours = [.. JsonDocument.Parse(similar.Out).RootElement.EnumerateArray().Select(p => p[0].GetString()!)];
        Assert.That(neighbours, Is.EquivalentTo(new[] { "dog", "horse", "cow", "sheep" }));

        CliResult analogy = CliRunner.Run("analogy", PathOf("vectors.bin"), "cat", "dog", "red");
        Assert.That(analogy.ExitCode, Is.Zero, analogy.Error);
        Assert.That(analogy.Out, Does.Not.Contain(" cat").And.Not.Contain(" dog\n").And.Not.Contain(" red\n"), "inputs are excluded");
    }

    [Test]
    public void EvaluatePrintsAnalogyAccuracyAndSpearmanAsJson()
    {
        CliResult trained = CliRunner.Run("word2vec", "--corpus", WriteCorpus(), "--size", "16", "--window", "3", "--sample", "0", "--min-count", "1",
            "--epochs", "3", "--threads", "1", "--out", PathOf("vectors.txt"));
        Assert.That(trained.ExitCode, Is.Zero, trained.Error);
        Assert.That(trained.Out, Does.Contain("words in the vocabulary"));
        File.WriteAllLines(PathOf("questions.txt"), [": animals-colours", "cat dog red green", "cat dog unknown blue", ": colours", "red green blue yellow"]);
        File.WriteAllLines(PathOf("pairs.tsv"), ["# word1\tword2\tscore", "cat\tdog\t9", "cat\tred\t1", "red\tblue\t8.5", "dog\tpurple\t0.5", "zebra\tcat\t7"]);

        CliResult scores = CliRunner.Run("evaluate", PathOf("vectors.txt"), "--analogies", PathOf("questions.txt"), "--similarity", PathOf("pairs.tsv"), "--json");
        Assert.That(scores.ExitCode, Is.Zero, scores.Error);
        using JsonDocument json = JsonDocument.Parse(scores.Out);
        Assert.That(json.RootElement.GetProperty("analogy_questions").GetInt32(), Is.EqualTo(2));
        Assert.That(json.RootElement.GetProperty("analogy_skipped").GetInt32(), Is.EqualTo(1));
        Assert.That(json.RootElement.GetProperty("pairs_spearman").GetDouble(), Is.GreaterThanOrEqualTo(0.8), "same-topic pairs are the similar ones");
        Assert.That(json.RootElement.GetProperty("pairs_oov_percent").GetDouble(), Is.EqualTo(20).Within(1e-9));
    }

    [Test]
    public void MistakesGetOneClearLine()
    {
        CliResult missing = CliRunner.Run("word2vec", "--corpus", PathOf("nothing.txt"));
        Assert.That(missing.ExitCode, Is.EqualTo(2));
        Assert.That(missing.Error, Does.Contain("no file or folder").And.Contain("nothing.txt"));

        CliResult badModel = CliRunner.Run("word2vec", "--corpus", WriteCorpus(), "--model", "glove");
        Assert.That(badModel.Error, Does.Contain("unknown model 'glove'"));

        CliResult badOutput = CliRunner.Run("word2vec", "--corpus", WriteCorpus(), "--out", PathOf("missing/vectors.txt"));
        Assert.That(badOutput.Error, Does.Contain("--out: no directory"), "checked before training starts");
        Assert.That(badOutput.Error, Does.Not.Contain("epoch"));

        CliResult badSize = CliRunner.Run("word2vec", "--corpus", WriteCorpus(), "--size", "0");
        Assert.That(badSize.Error, Does.Contain("dimension must be at least 1"));

        File.WriteAllText(PathOf("broken.txt"), "3 2\ncat 0.1 0.2\ndog 0.3\n");
        CliResult broken = CliRunner.Run("similar", PathOf("broken.txt"), "cat");
        Assert.That(broken.ExitCode, Is.EqualTo(2));
        Assert.That(broken.Error, Does.Contain("broken.txt"));

        File.WriteAllText(PathOf("tiny.txt"), "2 2\ncat 0.1 0.2\ndog 0.3 0.1\n");
        CliResult unknown = CliRunner.Run("similar", PathOf("tiny.txt"), "zebra");
        Assert.That(unknown.ExitCode, Is.EqualTo(2));
        Assert.That(unknown.Error, Does.Contain("'zebra' is not in the vocabulary"));
        Assert.That(CliRunner.Run("similar", PathOf("tiny.txt"), "cat", "--top", "0").Error, Does.Contain("--top must be at least 1"));

        File.WriteAllText(PathOf("one.txt"), "1 2\ncat 0.1 0.2\n");
        CliResult alone = CliRunner.Run("similar", PathOf("one.txt"), "cat");
        Assert.That(alone.ExitCode, Is.Zero);
        Assert.That(alone.Out, Is.Empty);
        Assert.That(alone.Error, Does.Contain("no words to show"), "an empty answer says why instead of printing nothing");
        Assert.That(CliRunner.Run("analogy", PathOf("tiny.txt"), "cat", "dog", "cat").Error, Does.Contain("no words to show"));

        File.WriteAllText(PathOf("questions.txt"), "");
        CliResult noQuestions = CliRunner.Run("evaluate", PathOf("tiny.txt"), "--analogies", PathOf("questions.txt"));
        Assert.That(noQuestions.ExitCode, Is.EqualTo(2));
        Assert.That(noQuestions.Error, Does.StartWith($"error: --analogies: '{PathOf("questions.txt")}' has no questions"));
        Assert.That(noQuestions.Out, Is.Empty, "no accuracy over zero questions");
    }
}
