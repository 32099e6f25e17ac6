using Autograd.Engine;
using Autograd.Graph;

namespace Autograd.Tests.Graph;

/// <summary>The one backward engine: both node kinds walk one sort, on a small stack, and a pass may start another.</summary>
public sealed class BackwardEngineTests
{
    /// <summary>The nodes the engine's sort lists for a value graph: the operation nodes, in walking order.</summary>
    private static List<Node> ValueOrder(Value root) => SortedBy<Value, ValueBackward>(root);

    private static List<Node> TensorOrder(Tensor<double> root) => SortedBy<Tensor<double>, TensorBackward<double>>(root);

    private static List<Node> SortedBy<TNode, TKind>(TNode root) where TNode : Node where TKind : struct, IGraphShape<TNode>
    {
        var buffers = TraversalBuffers<TNode>.Rent();
        try
        {
            int count = GraphTraversal.Sort<TNode, TKind>(default, [root], buffers);
            return [.. buffers.Order.Take(count).Select(entry => (Node)entry.Node)];
        }
        finally
        {
            buffers.Return();
        }
    }

    [Test]
    public void ValuesAndTensorsWalkTheOrderTheGraphWritersShow()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 4).Select(i => new Value(random.NextDouble(), $"x{i}")).ToList();
        var tensors = Enumerable.Range(0, 4).Select(_ => Tensor.FromArray(new[] { random.NextDouble(), random.NextDouble() }).RequireGrad()).ToList();
        for (int i = 0; i < 200; i++)
        {
            int a = random.Next(values.Count), b = random.Next(values.Count), op = random.Next(3);
            values.Add(op switch { 0 => values[a] + values[b], 1 => values[a] * values[b], _ => values[a].Tanh() });
            tensors.Add(op switch { 0 => tensors[a] + tensors[b], 1 => tensors[a] * tensors[b], _ => tensors[a].Tanh() });
        }

        Assert.That(ValueOrder(values[^1]), Is.EqualTo(GraphTraversal.TopologicalOrder(values[^1]).Where(node => !node.IsLeaf)),
            "a scalar pass lists the operation nodes only: contributions reach leaves directly");
        Assert.That(TensorOrder(tensors[^1]), Is.EqualTo(GraphTraversal.TopologicalOrder(tensors[^1])),
            "a tensor pass lists leaves too: their gradients are taken from the pending ones");
    }

    [Test]
    public void DeepChainsOfBothKindsRunBackwardOnASmallStack()
    {
        // 256 KiB of stack would overflow at a few thousand frames of a recursive sort or driver.
        double valueGrad = 0, tensorGrad = 0, functionalGrad = 0;
        var thread = new Thread(() =>
        {
            var x = new Value(0.5);
            Value v = x;
            for (int i = 0; i < 1_000_000; i++) v = v * 1.0 + 1;
            v.Backward();
            valueGrad = x.Grad;
            functionalGrad = Autodiff.Grad(v, x)[0];

            Tensor<double> t = Tensor.FromArray(new[] { 0.5, 1.5 }).RequireGrad();
            Tensor<double> y = t;
            for (int i = 0; i < 100_000; i++) y = y + 1.0;
            y.Sum().Backward();
            tensorGrad = t.Grad!.ToArray()[1];
        }, maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();

        Assert.That(valueGrad, Is.EqualTo(1));
        Assert.That(functionalGrad, Is.EqualTo(1));
        Assert.That(tensorGrad, Is.EqualTo(1));
    }

    [Test]
    public void AHookThatRunsItsOwnPassLeavesTheOuterPassIntact()
    {
        // The outer pass is still walking its sorted nodes when the hook's pass sorts a graph of its own.
        Tensor<double> x = Tensor.FromArray(new[] { 1.0, 2.0 }).RequireGrad();
        Tensor<double> h = x * 3.0;
        double inner = 0;
        using var handle = h.RegisterHook(g =>
        {
            // A pass that does not record itself runs its hooks with recording off.
            using var recording = Autodiff.EnableGrad();
            var v = new Value(2);
            (v * v * v).Backward();
            inner = v.Grad;
            Tensor<double> u = Tensor.FromArray(new[] { 1.0 }).RequireGrad();
            (u * 5.0).Sum().Backward();
            return null;
        });
        (h * h).Sum().Backward();
        Assert.That(inner, Is.EqualTo(12), "d/dv v³ at 2");
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 18.0, 36.0 }), "d/dx Σ(3x)² = 18x");
    }

    [Test]
    public void ScalarGraphsSortedOnSeveralThreadsMayShareNodes()
    {
        // While walks overlap, each keeps its own visited set instead of overwriting the others' marks.
        var x = new Value(1, "x");
        Value shared = x;
        for (int i = 0; i < 500; i++) shared = shared * 1.0 + x;
        int expected = GraphTraversal.TopologicalOrder(shared).Count;
        var counts = new System.Collections.Concurrent.ConcurrentBag<int>();
        var grads = new System.Collections.Concurrent.ConcurrentBag<double>();
        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < 200; i++)
            {
                counts.Add(GraphTraversal.TopologicalOrder(shared).Count);
                grads.Add(Autodiff.Grad(shared * 2.0, x)[0]);
            }
        });
        Assert.That(counts, Is.All.EqualTo(expected));
        Assert.That(grads, Is.All.EqualTo(1002.0), "d/dx 2·(x + 500x)");
    }

    /// <summary>f and the inputs Grad is asked for, with ∂f/∂input for each.</summary>
    private static IEnumerable<TestCaseData> GradCases()
    {
        var x = new Value(2, "x");
        var y = new Value(3, "y");
        Value q = x * y;
        yield return new TestCaseData(q + x, new[] { x, y }, new[] { 4.0, 2.0 }).SetName("leaves: d(xy + x) = (y + 1, x)");
        yield return new TestCaseData(q.Tanh() + q, new[] { q }, new[] { 1 + (1 - Math.Pow(Math.Tanh(6), 2)) }).SetName("an intermediate: d/dq (tanh q + q)");
        yield return new TestCaseData(x * x, new[] { x, x }, new[] { 4.0, 4.0 }).SetName("an input named twice gets its gradient in both slots");
        yield return new TestCaseData(x * 2.0, new[] { y }, new[] { 0.0 }).SetName("an input the output does not depend on gets 0");
        yield return new TestCaseData(x, new[] { x }, new[] { 1.0 }).SetName("a leaf with respect to itself");
    }

    [TestCaseSource(nameof(GradCases))]
    public void GradReturnsGradientsAndTouchesNoGrad(Value output, Value[] inputs, double[] expected)
    {
        List<Node> nodes = [.. GraphTraversal.TopologicalOrder(output)];
        foreach (Node node in nodes) if (node is Value { IsConstant: false } value) value.Grad = 7;

        Assert.That(Autodiff.Grad(output, inputs), Is.EqualTo(expected).Within(1e-12));
        Assert.That(nodes.OfType<Value>().Where(value => !value.IsConstant).Select(value => value.Grad), Is.All.EqualTo(7));
    }

    [Test]
    public void GradAgreesWithBackward()
    {
        var random = new Random(11);
        var leaves = Enumerable.Range(0, 5).Select(i => new Value(random.NextDouble() + 0.5, $"x{i}")).ToArray();
        var pool = leaves.ToList();
        for (int i = 0; i < 300; i++)
        {
            Value a = pool[random.Next(pool.Count)], b = pool[random.Next(pool.Count)];
            pool.Add(random.Next(4) switch { 0 => a + b, 1 => a * b, 2 => a.Tanh(), _ => a / (b * b + 1) });
        }

        double[] functional = Autodiff.Grad(pool[^1], leaves);
        pool[^1].Backward();
        Assert.That(functional, Is.EqualTo(leaves.Select(leaf => leaf.Grad)).Within(1e-12));
    }
}
