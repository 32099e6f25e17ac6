using Autograd.Checking;
using Autograd.NN.Word2Vec;

namespace Autograd.Tests.Word2Vec;

/// <summary>The word2vec losses on a tiny vocabulary: against central differences and their published formulas.</summary>
public sealed class Word2VecLossesTests
{
    private const int Vocabulary = 6, Dimension = 3;

    private static Tensor<double> Table(int seed, int rows = Vocabulary) => Tensor.RandomNormal<double>([rows, Dimension], seed, 0, 0.5);

    private static double Dot(Tensor<double> table, int row, double[] h) => Enumerable.Range(0, Dimension).Sum(j => table[row, j] * h[j]);

    private static double LogSigmoid(double x) => -Math.Log(1 + Math.Exp(-x));

    [Test]
    public void NegativeSamplingMatchesItsFormulaAndCentralDifferences()
    {
        Tensor<double> input = Table(1), output = Table(2);
        int[] centers = [0, 3, 3], targets = [1, 2, 5], negatives = [4, 2, 0, 1, 1, 5];
        double loss = Word2VecLosses.NegativeSampling(Word2VecLosses.SkipGramHidden(input, centers), output, targets, negatives, k: 2).Item();

        double expected = 0;
        for (int b = 0; b < 3; b++)
        {
            double[] h = [.. Enumerable.Range(0, Dimension).Select(j => input[centers[b], j])];
            expected -= LogSigmoid(Dot(output, targets[b], h));
            for (int n = 0; n < 2; n++) expected -= LogSigmoid(-Dot(output, negatives[b * 2 + n], h));
        }

        Assert.That(loss, Is.EqualTo(expected).Within(1e-12));
        TensorGradCheckResult check = TensorGradCheck.Check(
            t => Word2VecLosses.NegativeSampling(Word2VecLosses.SkipGramHidden(t[0], centers), t[1], targets, negatives, 2), [input, output]);
        Assert.That(check.Passed, check.Report());
    }

    [Test]
    public void CbowAveragesItsContextsAndGradchecks()
    {
        Tensor<double> input = Table(3);
        int[] contexts = [1, 2, 4, 0, 0], offsets = [0, 3];
        Tensor<double> hidden = Word2VecLosses.CbowHidden(input, contexts, offsets);
        for (int j = 0; j < Dimension; j++)
        {
            Assert.That(hidden[0, j], Is.EqualTo((input[1, j] + input[2, j] + input[4, j]) / 3).Within(1e-15));
            Assert.That(hidden[1, j], Is.EqualTo(input[0, j]).Within(1e-15));
        }

        TensorGradCheckResult check = TensorGradCheck.Check(
            t => Word2VecLosses.NegativeSampling(Word2VecLosses.CbowHidden(t[0], contexts, offsets), t[1], [3, 5], [1, 2, 0, 4], 2), [input, Table(4)]);
        Assert.That(check.Passed, check.Report());
    }

    [Test]
    public void HierarchicalSoftmaxFollowsWord2VecsBranchConvention()
    {
        // Two examples: the first goes left (bit 0) at inner node 0 and right (bit 1) at node 2; the second goes right at node 1.
        Tensor<double> input = Table(5), inner = Table(6, rows: Vocabulary - 1);
        int[] centers = [2, 4], exampleOfStep = [0, 0, 1], nodes = [0, 2, 1];
        byte[] bits = [0, 1, 1];
        double loss = Word2VecLosses.HierarchicalSoftmax(Word2VecLosses.SkipGramHidden(input, centers), inner, exampleOfStep, nodes, bits).Item();
        double expected = 0;
        for (int s = 0; s < 3; s++)
        {
            double[] h = [.. Enumerable.Range(0, Dimension).Select(j => input[centers[exampleOfStep[s]], j])];
            expected -= LogSigmoid((bits[s] == 0 ? 1 : -1) * Dot(inner, nodes[s], h));
        }

        Assert.That(loss, Is.EqualTo(expected).Within(1e-12));
        TensorGradCheckResult check = TensorGradCheck.Check(
            t => Word2VecLosses.HierarchicalSoftmax(Word2VecLosses.SkipGramHidden(t[0], centers), t[1], exampleOfStep, nodes, bits), [input, inner]);
        Assert.That(check.Passed, check.Report());
    }

    [Test]
    public void FullSoftmaxIsTheCrossEntropyOverTheVocabulary()
    {
        Tensor<double> input = Table(7), output = Table(8);
        int[] centers = [1, 5], targets = [0, 2];
        double loss = Word2VecLosses.FullSoftmax(Word2VecLosses.SkipGramHidden(input, centers), output, targets).Item();
        double expected = 0;
        for (int b = 0; b < 2; b++)
        {
            double[] h = [.. Enumerable.Range(0, Dimension).Select(j => input[centers[b], j])];
            double[] scores = [.. Enumerable.Range(0, Vocabulary).Select(w => Dot(output, w, h))];
            expected -= scores[targets[b]] - Math.Log(scores.Sum(Math.Exp));
        }

        Assert.That(loss, Is.EqualTo(expected).Within(1e-12));
        TensorGradCheckResult check = TensorGradCheck.Check(
            t => Word2VecLosses.FullSoftmax(Word2VecLosses.SkipGramHidden(t[0], centers), t[1], targets), [input, output]);
        Assert.That(check.Passed, check.Report());
    }

    [Test]
    public void SparseTablesReceiveTheSameGradientAsDenseOnes()
    {
        Tensor<double> values = Table(9);
        Tensor<double> sparse = values.Detach().RequireSparseGrad(), dense = values.Detach().RequireGrad();
        Tensor<double> output = Table(10).RequireSparseGrad();
        int[] centers = [1, 1, 4], targets = [2, 0, 3], negatives = [5, 5, 2, 1, 0, 4];
        Word2VecLosses.NegativeSampling(Word2VecLosses.SkipGramHidden(sparse, centers), output, targets, negatives, 2).Backward();
        Word2VecLosses.NegativeSampling(Word2VecLosses.SkipGramHidden(dense, centers), output.Detach(), targets, negatives, 2).Backward();
        Assert.That(sparse.SparseGradient!.ToDense().ToArray(), Is.EqualTo(dense.Grad!.ToArray()).Within(1e-15));
        Assert.That(sparse.SparseGradient.Count, Is.EqualTo(3), "one entry per looked-up row");
        Assert.That(output.SparseGradient!.Count, Is.EqualTo(targets.Length + negatives.Length));
    }
}
