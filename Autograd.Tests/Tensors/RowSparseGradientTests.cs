using Autograd.NN.Word2Vec;
namespace Autograd.Tests.Tensors;

/// <summary>Embedding tables with row-sparse gradients: same numbers as the dense rule, only the touched rows stored.</summary>
public sealed class RowSparseGradientTests
{
    private static (Tensor<double> Sparse, Tensor<double> Dense) Tables(int rows = 1000, int width = 4)
    {
        Tensor<double> values = Tensor.RandomNormal<double>([rows, width], seed: 3);
        return (values.Detach().RequireSparseGrad(), values.Detach().RequireGrad());
    }

    private static Tensor<double> Loss(Tensor<double> table, int[] rows, Tensor<double> context) =>
        (table.IndexSelect(0, rows).MatMul(context).Sigmoid() + 1e-3).Log().Sum();

    [Test]
    public void SparseGradientSumsToTheDenseGradient()
    {
        var (sparse, dense) = Tables();
        int[] rows = [7, 999, 7, 0, 42];
        Tensor<double> context = Tensor.RandomNormal<double>([4, 3], seed: 4);
        Loss(sparse, rows, context).Backward();
        Loss(dense, rows, context).Backward();

        Assert.That(sparse.Grad, Is.Null, "no dense table-sized gradient is made");
        Assert.That(sparse.SparseGradient!.Count, Is.EqualTo(rows.Length));
        Assert.That(sparse.SparseGradient.Rows.ToArray(), Is.EqualTo(rows));
        Assert.That(sparse.SparseGradient.ToDense().ToArray(), Is.EqualTo(dense.Grad!.ToArray()).Within(1e-15));
    }

    [TestCase(EmbeddingBagMode.Mean)]
    [TestCase(EmbeddingBagMode.Sum)]
    public void FusedOpsStoreScaledEntriesThatSumToTheDenseGradient(EmbeddingBagMode mode)
    {
        var (sparse, dense) = Tables(rows: 50, width: 3);
        int[] bagRows = [7, 49, 7, 0], offsets = [0, 3], dotted = [1, 7, 7, 2];
        Tensor<double> Loss(Tensor<double> table) =>
            table.EmbeddingBag(bagRows, offsets, mode).DotRows(table, dotted).LogSigmoid().Sum();
        Loss(sparse).Backward();
        Loss(dense).Backward();

        Assert.That(sparse.SparseGradient!.Count, Is.EqualTo(bagRows.Length + dotted.Length));
        Assert.That(sparse.SparseGradient.ToDense().ToArray(), Is.EqualTo(dense.Grad!.ToArray()).Within(1e-14));
        // An SGD step over the entries equals the dense step.
        double[] stepped = sparse.ToArray(), expected = dense.ToArray();
        sparse.SparseGradient.AddTo(stepped, -0.1);
        for (int i = 0; i < expected.Length; i++) expected[i] -= 0.1 * dense.Grad![i / 3, i % 3];
        Assert.That(stepped, Is.EqualTo(expected).Within(1e-14));
    }

    [Test]
    public void EntriesAccumulateAcrossBackwardPassesUntilZeroGrad()
    {
        var (sparse, _) = Tables(rows: 10);
        Tensor<double> context = Tensor.Ones<double>(4, 1);
        Loss(sparse, [1, 2], context).Backward();
        Loss(sparse, [2, 3, 3], context).Backward();
        Assert.That(sparse.SparseGradient!.Rows.ToArray(), Is.EqualTo(new[] { 1, 2, 2, 3, 3 }));
        sparse.ZeroGrad();
        Assert.That(sparse.SparseGradient.Count, Is.Zero);
    }

    [Test]
    public void EntryValuesAreTheRowsGradients()
    {
        var (sparse, _) = Tables(rows: 5, width: 2);
        Tensor<double> weights = Tensor.FromArray([1.0, 2, 3, 4], 2, 2);
        (sparse.IndexSelect(0, [4, 1]) * weights).Sum().Backward();
        Assert.That(sparse.SparseGradient!.Vector(0).ToArray(), Is.EqualTo(new[] { 1.0, 2 }));
        Assert.That(sparse.SparseGradient.Vector(1).ToArray(), Is.EqualTo(new[] { 3.0, 4 }));
        Assert.That(sparse.SparseGradient.Scale(1), Is.EqualTo(1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => sparse.SparseGradient.Vector(2));
    }

    [Test]
    public void FunctionalGradAndHigherOrderStayDense()
    {
        var (sparse, dense) = Tables(rows: 6, width: 3);
        int[] rows = [5, 1, 5];
        Tensor<double> context = Tensor.RandomNormal<double>([3, 2], seed: 8);
        Tensor<double> g = Autodiff.Grad(Loss(sparse, rows, context), sparse, createGraph: true);
        Tensor<double> expected = Autodiff.Grad(Loss(dense, rows, context), dense);
        Assert.That(g.ToArray(), Is.EqualTo(expected.ToArray()).Within(1e-15));
        Assert.That(sparse.SparseGradient!.Count, Is.Zero);
        Assert.That(g.RequiresGrad, Is.True, "createGraph records the dense rule");
    }

    [Test]
    public void OnlyTwoDimensionalLeavesTakeSparseGradients()
    {
        Assert.Throws<InvalidOperationException>(() => Tensor.Zeros<double>(3).RequireSparseGrad());
        Tensor<double> result = Tensor.Zeros<double>(2, 2).RequireGrad() * 2.0;
        Assert.Throws<InvalidOperationException>(() => result.RequireSparseGrad());
    }
}
