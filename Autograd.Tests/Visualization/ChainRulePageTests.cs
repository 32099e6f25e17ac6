using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Autograd.Tests.Support;
using Autograd.Visualization;

namespace Autograd.Tests.Visualization;

/// <summary>
/// The page <c>autograd grad --html</c> writes, read without a browser: its numbers are those of <c>--json</c> and its
/// step lines those of <c>--explain</c>; it fetches nothing; large graphs lay out fast without overlapping boxes.
/// </summary>
public sealed partial class ChainRulePageTests : FileTests
{
    /// <summary>Scalar and tensor programs, with fan-out, a repeated operand, a broadcast and a softmax.</summary>
    private static readonly object[] s_programs =
    [
        new[] { "q = x + y; f = q * z", "x=-2", "y=5", "z=-4" },
        new[] { "q = x + y; f = q * y", "x=-2", "y=5" },
        new[] { "y = x * x; f = y + x", "x=3" },
        new[] { "z = w0*x0 + w1*x1 + w2; f = sigmoid(z)", "w0=2", "x0=-1", "w1=-3", "x1=-2", "w2=-3" },
        new[] { "a = tanh(x) * 2; b = exp(-x) / a; f = a - b * x", "x=0.7" },
        new[] { "D = W @ X; f = sum(D * G)", "W=[[1,2],[3,4],[5,6]]", "X=[[1,0,2],[0,1,1]]", "G=[[1,1,1],[0,1,0],[2,0,1]]" },
        new[] { "h = W @ x + b; f = sum(h * h)", "W=[[1,-1],[2,0.5]]", "x=[1,2]", "b=[0.5]" },
        new[] { "p = softmax(z, 1); f = sum(p * y)", "z=[[1,2,0.5]]", "y=[[0,1,0]]" },
        new[] { "u = x * x; f = sum(u + x)", "x=[1,-2,3]" },
    ];

    [TestCaseSource(nameof(s_programs))]
    public void TheGradientsOnThePageAreThoseOfJson(string[] program)
    {
        using JsonDocument page = Page(program);
        using JsonDocument json = JsonDocument.Parse(Run([.. program, "--json"]));
        JsonElement data = page.RootElement;
        var nodes = data.GetProperty("nodes").EnumerateArray().ToList();
        var finalGrads = new Dictionary<int, JsonElement>();
        foreach (JsonElement step in data.GetProperty("steps").EnumerateArray())
            if (step.TryGetProperty("grad", out JsonElement grad) && grad.TryGetProperty("exact", out JsonElement exact))
                finalGrads[grad.GetProperty("node").GetInt32()] = exact.Clone();

        int inputs = 0;
        foreach (JsonProperty expected in json.RootElement.GetProperty("grad").EnumerateObject())
        {
            int id = nodes.FindIndex(n => n.GetProperty("name").GetString() == expected.Name);
            Assert.That(id, Is.GreaterThanOrEqualTo(0), $"no node {expected.Name}");
            Assert.That(finalGrads.ContainsKey(id), $"the page never completes ∂f/∂{expected.Name}");
            Assert.That(Flatten(finalGrads[id]), Is.EqualTo(Flatten(expected.Value)), $"∂f/∂{expected.Name}");
            inputs++;
        }

        Assert.That(inputs, Is.EqualTo(program.Length - 1));
        if (data.GetProperty("mode").GetString() == "scalar")
            Assert.That(nodes[^1].GetProperty("exact").GetDouble(), Is.EqualTo(json.RootElement.GetProperty("value").GetDouble()));
    }

    [TestCaseSource(nameof(s_programs))]
    public void EveryStepLineIsALineOfExplainInTheSameOrder(string[] program)
    {
        using JsonDocument page = Page(program);
        string explain = Run([.. program, "--explain"]);
        List<string> backward = [.. explain.Split("\n\nGradients")[0].Split("\n").Select(l => l.Trim())];
        int at = 0, found = 0;
        foreach (JsonElement step in page.RootElement.GetProperty("steps").EnumerateArray())
        {
            string phase = step.GetProperty("phase").GetString()!, text = step.GetProperty("explain").GetString()!;
            if (text.Length == 0) continue;
            string[] lines = [.. text.Split('\n').Select(l => l.Trim())];
            if (phase == "forward")
            {
                Assert.That(explain.Split('\n').Select(l => l.Trim()), Has.Member(lines[0]), "forward");
                continue;
            }

            // A sum over a leaf's uses is printed under Gradients; the rest in the backward section, in order.
            if (lines[0].Contains("sum over its", StringComparison.Ordinal) && !backward.Skip(at).Contains(lines[0]))
            {
                Assert.That(explain, Does.Contain(lines[0]));
                found++;
                continue;
            }

            int index = backward.IndexOf(lines[0], at);
            Assert.That(index, Is.GreaterThanOrEqualTo(0), $"'{lines[0]}' is not in --explain after line {at}:\n{explain}");
            for (int k = 1; k < lines.Length; k++) Assert.That(backward[index + k], Is.EqualTo(lines[k]));
            at = index + 1;
            found++;
        }

        Assert.That(found, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public void TheUpstreamLocalAndProductOfAnEdgeAreTheExplanationsNumbers()
    {
        using JsonDocument page = Page("q = x + y; f = q * z", "x=-2", "y=5", "z=-4");
        JsonElement step = page.RootElement.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("title").GetString() == "x → q");
        var lines = step.GetProperty("lines").EnumerateArray().ToDictionary(l => l[0].GetString()!, l => l[1].GetString()!);
        Assert.That(lines["upstream"], Is.EqualTo("∂f/∂q = -4"));
        Assert.That(lines["local"], Is.EqualTo("∂q/∂x = 1"));
        Assert.That(lines["product"], Is.EqualTo("∂f/∂x = -4 · 1 = -4"));
        Assert.That(step.GetProperty("explain").GetString(), Is.EqualTo("∂f/∂x = ∂f/∂q·∂q/∂x = -4·1 = -4"));
    }

    [Test]
    public void ATensorStepShowsTheVectorJacobianProductWithShapes()
    {
        string w = Matrix(5, 10), x = Matrix(10, 3);
        using JsonDocument page = Page("D = W @ X; f = sum(tanh(D))", $"W={w}", $"X={x}");
        JsonElement step = page.RootElement.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("title").GetString() == "W → D");
        var lines = step.GetProperty("lines").EnumerateArray().ToDictionary(l => l[0].GetString()!, l => l[1].GetString()!);
        Assert.That(lines["vjp"], Is.EqualTo("∂f/∂W = ∂f/∂D · Xᵀ   [5×3]·[3×10] → [5×10]"));
        Assert.That(lines["upstream"], Does.StartWith("∂f/∂D   [5×3]"));
    }

    [Test]
    public void ABroadcastInputSaysItsGradientIsSummed()
    {
        using JsonDocument page = Page("h = W @ x + b; f = sum(h * h)", "W=[[1,-1],[2,0.5]]", "x=[1,2]", "b=[0.5]");
        JsonElement step = page.RootElement.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("title").GetString()!.StartsWith("b →", StringComparison.Ordinal));
        var lines = step.GetProperty("lines").EnumerateArray().ToDictionary(l => l[0].GetString()!, l => l[1].GetString()!);
        Assert.That(lines["broadcast"], Is.EqualTo("summed over the broadcast axes from [2] to [1]"));
    }

    [Test]
    public void ATensorPageSaysWhatOneBackwardPassGives()
    {
        using JsonDocument page = Page("D = W @ X; f = sum(D * G)", "W=[[1,2],[3,4],[5,6]]", "X=[[1,0,2],[0,1,1]]", "G=[[1,1,1],[0,1,0],[2,0,1]]");
        JsonElement seed = page.RootElement.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("title").GetString()!.StartsWith("Seed", StringComparison.Ordinal));
        string note = seed.GetProperty("lines").EnumerateArray().Single(l => l[0].GetString() == "note")[1].GetString()!;
        Assert.That(note, Does.Contain("one pass per row of its Jacobian").And.Contain("reverse mode suits many inputs and one output"));
    }

    [Test]
    public void ThePageFetchesNothing()
    {
        string html = Html("q = x + y; f = q * z", "x=-2", "y=5", "z=-4");
        // The one URL is the SVG namespace, which names and does not fetch.
        Assert.That(Url().Matches(html).Select(m => m.Value).Distinct(), Is.EquivalentTo(new[] { "http://www.w3.org/2000/svg" }));
        Assert.That(html, Does.Not.Contain(" src=").And.Not.Contain("@import").And.Not.Contain("stylesheet"));
    }

    [Test]
    public void NamesCannotInjectMarkup()
    {
        string html = ChainRulePage.Write(new Value(1, "</script><b>x") * new Value(2, "y"), "<i>title</i>");
        Assert.That(html, Does.Not.Contain("</script><b>").And.Not.Contain("<i>title</i>"));
    }

    [Test]
    public void ATwoThousandNodeProgramLaysOutInSecondsWithoutOverlaps()
    {
        var program = new StringBuilder("a0 = x");
        for (int i = 1; i < 1000; i++) program.Append($"; a{i} = tanh(a{i - 1}) * {(i % 7 == 0 ? "y" : "0.9")}");
        string path = PathOf("big.html");
        var clock = Stopwatch.StartNew();
        CliResult result = CliRunner.Run("grad", program.ToString(), "x=0.3", "y=1.1", "--html", path);
        clock.Stop();
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));

        using JsonDocument page = Data(File.ReadAllText(path));
        var boxes = page.RootElement.GetProperty("nodes").EnumerateArray()
            .Select(n => (X: n.GetProperty("x").GetDouble(), Y: n.GetProperty("y").GetDouble(), W: n.GetProperty("w").GetDouble())).ToList();
        Assert.That(boxes, Has.Count.GreaterThanOrEqualTo(2000));
        double h = page.RootElement.GetProperty("boxHeight").GetDouble();
        var columns = boxes.GroupBy(b => Math.Round(b.X + b.W / 2));
        foreach (var column in columns)
        {
            var ys = column.Select(b => b.Y).Order().ToList();
            for (int i = 1; i < ys.Count; i++) Assert.That(ys[i] - ys[i - 1], Is.GreaterThanOrEqualTo(h), "two boxes overlap");
        }

        Assert.That(boxes.All(b => b.X >= 0 && b.Y >= 0 && b.X + b.W <= page.RootElement.GetProperty("width").GetDouble()));
    }

    [Test]
    public void AnUnwritableFileIsNamed()
    {
        CliResult result = CliRunner.Run("grad", "f = x * 2", "x=1", "--html", PathOf("missing/page.html"));
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.StartWith("error: --html:"));
        Assert.That(result.Error, Does.Not.Contain("   at "));
    }

    /// <summary>A fixed [rows × columns] matrix as a JSON list.</summary>
    internal static string Matrix(int rows, int columns) =>
        "[" + string.Join(",", Enumerable.Range(0, rows).Select(i =>
            "[" + string.Join(",", Enumerable.Range(0, columns).Select(j => Math.Round(Math.Sin(0.3 + 0.7 * i + 1.3 * j) / 2, 3).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]")) + "]";

    private string Html(params string[] program)
    {
        string path = PathOf("page.html");
        CliResult result = CliRunner.Run(["grad", .. program, "--html", path]);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Error, Is.EqualTo($"wrote {path}\n"));
        return File.ReadAllText(path);
    }

    private JsonDocument Page(params string[] program) => Data(Html(program));

    private static JsonDocument Data(string html)
    {
        Match data = DataScript().Match(html);
        Assert.That(data.Success, "no page data in the page");
        return JsonDocument.Parse(data.Groups[1].Value);
    }

    private static string Run(string[] args)
    {
        CliResult result = CliRunner.Run(["grad", .. args]);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        return result.Out;
    }

    private static List<double> Flatten(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => [element.GetDouble()],
        JsonValueKind.Array => [.. element.EnumerateArray().SelectMany(Flatten)],
        _ => [.. Flatten(element.GetProperty("values"))],
    };

    [GeneratedRegex("<script type=\"application/json\" id=\"page-data\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex DataScript();

    [GeneratedRegex("https?://[^\"' )]+")]
    private static partial Regex Url();
}
