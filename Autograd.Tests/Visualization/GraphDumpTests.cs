using Autograd.Tests.Support;
using Autograd.Visualization;

namespace Autograd.Tests.Visualization;

public class GraphDumpTests
{
    private static Value ClassicExample()
    {
        var x = new Value(-2, "x");
        var y = new Value(5, "y");
        var z = new Value(-4, "z");
        Value f = ((x + y).Named("q") * z).Named("f");
        f.Backward();
        return f;
    }

    /// <summary>f = x·y + x·2 with an unnamed intermediate, a constant and x used twice.</summary>
    private static Value SharedInput()
    {
        var x = new Value(3, "x");
        var y = new Value(-1.5, "y");
        Value f = (x * y + x * 2).Tanh().Named("f");
        f.Backward();
        return f;
    }

    [Test]
    public void Dot() => Snapshot.Verify(DotWriter.Write(ClassicExample()));

    [Test]
    public void Mermaid() => Snapshot.Verify(MermaidWriter.Write(ClassicExample()));

    [Test]
    public void Tree() => Snapshot.Verify(TreeWriter.Write(ClassicExample()));

    [Test]
    public void Explanation() => Snapshot.Verify(ChainRuleExplainer.Explain(ClassicExample()));

    [Test]
    public void ExplanationSumsTheUsesOfASharedInput() => Snapshot.Verify(ChainRuleExplainer.Explain(SharedInput()));

    [Test]
    public void ExplanationNamesBothOperandsOfASquare()
    {
        var x = new Value(3, "x");
        Value f = (x * x).Named("f");
        f.Backward();
        Snapshot.Verify(ChainRuleExplainer.Explain(f));
    }

    [Test]
    public void DotWithConstantsAndTemporaries() => Snapshot.Verify(DotWriter.Write(SharedInput()));

    [Test]
    public void TreeDrawsASharedNodeOnce()
    {
        var x = new Value(2, "x");
        Value h = (x * x).Named("h");
        Value f = (h + h.Tanh()).Named("f");
        f.Backward();
        Snapshot.Verify(TreeWriter.Write(f));
    }

    [Test]
    public void ExplanationOfTheClassicExampleStatesEveryStep()
    {
        string text = ChainRuleExplainer.Explain(ClassicExample());
        Assert.That(text, Does.Contain("q = x + y = 3"));
        Assert.That(text, Does.Contain("f = q * z = -12"));
        Assert.That(text, Does.Contain("∂f/∂q = z = -4"));
        Assert.That(text, Does.Contain("∂f/∂z = q = 3"));
        Assert.That(text, Does.Contain("∂f/∂x = ∂f/∂q·∂q/∂x = -4·1 = -4"));
        Assert.That(text, Does.Contain("∂f/∂y = ∂f/∂q·∂q/∂y = -4·1 = -4"));
    }

    [Test]
    public void LabelsWithMarkupCharactersAreEscapedForEachFormat()
    {
        // Graphviz reads &...; as an entity and stops at a line break; Mermaid reads #...; as one and a leading
        // backtick as markdown. Each must come out as the characters themselves.
        Value f = (new Value(1, "`a&lt;b#35;") * new Value(2, "x\ny")).Named("f");
        f.Backward();
        string dot = DotWriter.Write(f), mermaid = MermaidWriter.Write(f);
        Assert.That(dot, Does.Contain("`a&amp;lt;b#35;").And.Contain("x\\ny"));
        Assert.That(mermaid, Does.Contain("#96;a#amp;lt;b#35;35;"));
        Assert.That(mermaid, Does.Not.Contain("`"));
        Assert.That(DotWriter.Write(new Value(1, new string('x', 20_000))), Does.Contain(new string('x', 1999) + "…").And.Not.Contain(new string('x', 2000)));
    }

    [Test]
    public void RepeatedLabelsAreMadeUnique()
    {
        var c0 = new Value(1, "c");
        Value c1 = (c0 + 1).Named("c");
        Value c2 = (c1 * c0).Named("c");
        c2.Backward();
        string text = ChainRuleExplainer.Explain(c2);
        Assert.That(text, Does.Contain("c_2 = c + 1 = 2"));
        Assert.That(text, Does.Contain("c_3 = c_2 * c = 2"));
    }

    [Test]
    public void WritersHandleAHundredThousandNodeChain()
    {
        var x = new Value(0, "x");
        Value v = x;
        for (int i = 0; i < 100_000; i++) v = v + 1;
        v.Backward();
        Assert.That(DotWriter.Write(v), Does.Contain("grad 1"));
        Assert.That(MermaidWriter.Write(v).Split('\n').Length, Is.GreaterThan(300_000));
        Assert.That(TreeWriter.Write(v), Does.Contain("deeper inputs not drawn"));
        Assert.That(ChainRuleExplainer.Explain(v), Does.EndWith("Gradients\n  ∂t100000/∂x = 1\n"));
    }

    [Test]
    public void LabelsWithRecordCharactersAreEscaped()
    {
        var x = new Value(1, "a|b{c}");
        Value f = (x * 2).Named("say \"hi\"");
        f.Backward();
        string dot = DotWriter.Write(f);
        Assert.That(dot, Does.Contain(@"a\|b\{c\}"));
        Assert.That(dot, Does.Contain(@"say \""hi\"""));
        Assert.That(MermaidWriter.Write(f), Does.Contain("say #quot;hi#quot;"));
    }

    [Test]
    public void SvgIsRenderedByGraphvizOrAClearErrorIsGiven()
    {
        string dot = DotWriter.Write(ClassicExample());
        try
        {
            string svg = GraphvizRenderer.RenderSvg(dot);
            Assert.That(svg, Does.Contain("<svg"));
            Assert.That(svg, Does.Contain("grad &#45;4").Or.Contain("grad -4"));
        }
        catch (InvalidOperationException e) when (e.Message == GraphvizRenderer.NotInstalledMessage)
        {
            Assert.That(Environment.GetEnvironmentVariable("CI"), Is.Null, "CI installs Graphviz, so the picture must render there");
        }
    }
}
