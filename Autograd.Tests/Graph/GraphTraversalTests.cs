using Autograd.Graph;

namespace Autograd.Tests.Graph;

public class GraphTraversalTests
{
    [Test]
    public void EveryNodeComesAfterItsInputsAndOnlyOnce()
    {
        var random = new Random(5);
        var pool = Enumerable.Range(0, 5).Select(i => new Value(random.NextDouble(), $"x{i}")).ToList();
        for (int i = 0; i < 300; i++)
        {
            Value a = pool[random.Next(pool.Count)], b = pool[random.Next(pool.Count)];
            pool.Add(random.Next(3) switch { 0 => a + b, 1 => a * b, _ => a.Tanh() });
        }

        IReadOnlyList<Node> order = GraphTraversal.TopologicalOrder(pool[^1]);
        var position = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < order.Count; i++) position.Add(order[i], i); // throws on a duplicate
        foreach (Node node in order)
            for (int i = 0; i < node.InputCount; i++)
                Assert.That(position[node.GetInput(i)], Is.LessThan(position[node]));
        Assert.That(order[^1], Is.SameAs(pool[^1]));
    }

    [Test]
    public void TheOrderIsTheSameOnEveryWalk()
    {
        var x = new Value(1, "x");
        var y = new Value(2, "y");
        Value f = (x * y + x).Tanh() * (y - x);
        var first = GraphTraversal.TopologicalOrder(f).ToList();
        var second = GraphTraversal.TopologicalOrder(f).ToList();
        Assert.That(second, Is.EqualTo(first));
        Assert.That(first[0], Is.SameAs(x), "inputs are visited first to last");
    }

    [Test]
    public void ALeafAloneIsItsOwnOrder()
    {
        var x = new Value(1);
        Assert.That(GraphTraversal.TopologicalOrder(x), Is.EqualTo(new Node[] { x }));
    }
}
