using System.Text;
using Autograd.Tests.Docs;
using Autograd.Tests.Support;
using Autograd.Tests.Visualization;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Autograd.Tests.Browser;

/// <summary>
/// Pages made by <c>autograd grad --html</c>, opened from file:// URLs in headless Chromium with networking off and
/// stepped through as a student would: with the arrow keys, the buttons, the list of steps and <c>#step-N</c> links.
/// The numbers are read from what the page shows. Ignored, with the reason, when Chromium is not installed.
/// </summary>
[NonParallelizable]
public sealed class ChainRulePageBrowserTests
{
    private ChromeDriver _browser = null!;
    private string _pages = "";

    [OneTimeSetUp]
    public void StartBrowser()
    {
        _browser = HeadlessChromium.Start();
        _pages = Directory.CreateTempSubdirectory("autograd-pages-").FullName;
    }

    [OneTimeTearDown]
    public void StopBrowser()
    {
        _browser?.Quit();
        _browser?.Dispose();
        if (Directory.Exists(_pages)) Directory.Delete(_pages, recursive: true);
    }

    [TearDown]
    public void NoConsoleErrors()
    {
        if (_browser is null) return;
        Assert.That(HeadlessChromium.ConsoleErrors(_browser), Is.Empty, "errors in the browser console");
    }

    [Test]
    public void AddMulStepsForwardToTheValueThenBackThroughEveryEdge()
    {
        Open(AddMul);
        Assert.That(Counter, Does.StartWith("Step 1 of "));
        Assert.That(Phase, Is.EqualTo("FORWARD PASS").IgnoreCase);
        // Forward: the values fill in node by node, ending with f = -12.
        Assert.That(NodeValue("f"), Is.Empty);
        while (Phase.Equals("forward pass", StringComparison.OrdinalIgnoreCase)) Press(Keys.ArrowRight);
        Press(Keys.ArrowLeft);
        Assert.That(Title, Is.EqualTo("Compute f"));
        Assert.That(NodeValue("f"), Is.EqualTo("= -12"));
        Assert.That(Line("forward"), Is.EqualTo("f = q * z = -12"));

        // Backward, edge by edge: q → f gives ∂f/∂q = -4 and z → f gives ∂f/∂z = 3.
        var seen = new Dictionary<string, string>();
        for (int guard = 0; guard < 20 && Title != "x → q"; guard++)
        {
            Press(Keys.ArrowRight);
            if (Lines().TryGetValue("product", out string? product)) seen[Title] = product;
        }

        Assert.That(seen["q → f"], Is.EqualTo("∂f/∂q = 1 · (-4) = -4"));
        Assert.That(seen["z → f"], Is.EqualTo("∂f/∂z = 1 · 3 = 3"));
        Assert.That(NodeGrad("q"), Is.EqualTo("∂f/∂q = -4"));
        Assert.That(NodeGrad("z"), Is.EqualTo("∂f/∂z = 3"));

        // The edge x → q: upstream ∂f/∂q = -4, local 1, their product, and the edge highlighted in the graph.
        Assert.That(Line("upstream"), Is.EqualTo("∂f/∂q = -4"));
        Assert.That(Line("local"), Is.EqualTo("∂q/∂x = 1"));
        Assert.That(Line("product"), Is.EqualTo("∂f/∂x = -4 · 1 = -4"));
        var active = _browser.FindElements(By.CssSelector("#graph .edge.active"));
        Assert.That(active, Has.Count.EqualTo(1));
        Assert.That((active[0].GetDomAttribute("data-from"), active[0].GetDomAttribute("data-to")), Is.EqualTo(("x", "q")));
        Assert.That(_browser.FindElement(By.CssSelector("#graph .node.current")).GetDomAttribute("data-name"), Is.EqualTo("x"));
        Assert.That(NodeGrad("x"), Is.EqualTo("∂f/∂x = -4"));
    }

    [Test]
    public void TheSumOfAFanOutShowsBothContributionsAndTheTotal()
    {
        Open(Make("fan-out", "q = x + y; f = q * y", "x=-2", "y=5"));
        Press(Keys.End);
        for (int guard = 0; guard < 30 && Title != "Sum into y"; guard++) Press(Keys.ArrowLeft);
        Assert.That(Title, Is.EqualTo("Sum into y"));
        Assert.That(Line("sum"), Is.EqualTo("∂f/∂y = 3 + 5 = 8 (sum over its 2 uses)"));
        var active = _browser.FindElements(By.CssSelector("#graph .edge.active")).Select(e => e.GetDomAttribute("data-to")).Order();
        Assert.That(active, Is.EqualTo(new[] { "f", "q" }));
        Assert.That(NodeGrad("y"), Is.EqualTo("∂f/∂y = 8"));
    }

    [Test]
    public void TheMatrixProductStepForWShowsTheShapes()
    {
        string page = Make("matmul", "D = W @ X; f = sum(tanh(D))", $"W={ChainRulePageTests.Matrix(5, 10)}", $"X={ChainRulePageTests.Matrix(10, 3)}");
        Open(page);
        IWebElement link = _browser.FindElements(By.CssSelector("#step-list a")).Single(a => a.Text == "W → D");
        link.Click();
        Assert.That(Title, Is.EqualTo("W → D"));
        Assert.That(Line("vjp"), Is.EqualTo("∂f/∂W = ∂f/∂D · Xᵀ   [5×3]·[3×10] → [5×10]"));
        Assert.That(_browser.Url, Does.EndWith(link.GetDomAttribute("href")!));
    }

    [Test]
    public void KeysButtonsResetAndLinksLandOnTheRightStep()
    {
        string page = Open(AddMul);
        int count = int.Parse(Counter.Split(" of ")[1], System.Globalization.CultureInfo.InvariantCulture);
        Press(Keys.ArrowRight);
        Press(Keys.ArrowRight);
        Press(Keys.ArrowRight);
        Assert.That(Counter, Is.EqualTo($"Step 4 of {count}"));
        Press(Keys.ArrowLeft);
        Assert.That(Counter, Is.EqualTo($"Step 3 of {count}"));
        Assert.That(_browser.Url, Does.EndWith("#step-3"));
        Press(Keys.End);
        Assert.That(Counter, Is.EqualTo($"Step {count} of {count}"));
        Assert.That(Title, Is.EqualTo("Gradients"));
        Press(Keys.ArrowRight);
        Assert.That(Counter, Is.EqualTo($"Step {count} of {count}"), "past the end");
        Press(Keys.Home);
        Assert.That(Counter, Is.EqualTo($"Step 1 of {count}"));

        Click("next");
        Click("next");
        Assert.That(Counter, Is.EqualTo($"Step 3 of {count}"));
        Click("prev");
        Assert.That(Counter, Is.EqualTo($"Step 2 of {count}"));
        Click("reset");
        Assert.That(Counter, Is.EqualTo($"Step 1 of {count}"));
        Click("prev");
        Assert.That(Counter, Is.EqualTo($"Step 1 of {count}"), "before the start");

        _browser.Navigate().GoToUrl(new Uri(page).AbsoluteUri + "#step-9");
        _browser.Navigate().Refresh();
        Assert.That(Counter, Is.EqualTo($"Step 9 of {count}"));
        Assert.That(Title, Is.EqualTo("x → q"));
        _browser.ExecuteScript("location.hash = '#step-7'");
        Assert.That(Counter, Is.EqualTo($"Step 7 of {count}"));
        Assert.That(Title, Is.EqualTo("q → f"));
    }

    [Test]
    public void PlayAdvancesAndPauses()
    {
        Open(AddMul);
        Click("play");
        Thread.Sleep(2600);
        Click("play");
        int step = int.Parse(Counter.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(step, Is.InRange(2, 4));
        Thread.Sleep(1500);
        Assert.That(int.Parse(Counter.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(step), "paused");
    }

    [Test]
    public void ThePageLoadsNothingFromTheNetwork()
    {
        Open(AddMul);
        long resources = (long)_browser.ExecuteScript("return performance.getEntriesByType('resource').length")!;
        Assert.That(resources, Is.Zero);
        Assert.That(_browser.FindElements(By.CssSelector("#graph .node")), Has.Count.EqualTo(5));
        Assert.That(_browser.Url, Does.StartWith("file://"));
    }

    [Test]
    public void ATwoThousandNodePageStaysUsable()
    {
        var program = new StringBuilder("a0 = x");
        for (int i = 1; i < 1000; i++) program.Append($"; a{i} = tanh(a{i - 1}) * 0.9");
        string page = Make("big", program.ToString(), "x=0.3");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Open(page);
        Assert.That(_browser.FindElements(By.CssSelector("#graph .node")).Count, Is.GreaterThanOrEqualTo(2000));
        Press(Keys.End);
        for (int i = 0; i < 10; i++) Press(Keys.ArrowLeft);
        clock.Stop();
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
        Assert.That(Title, Does.Contain("→"));
        // The view follows the step: the current node is inside the visible part of the graph.
        bool visible = (bool)_browser.ExecuteScript("""
            const r = document.querySelector('#graph .node.current').getBoundingClientRect();
            const p = document.getElementById('graph').getBoundingClientRect();
            return r.width > 20 && r.left >= p.left && r.right <= p.right && r.top >= p.top && r.bottom <= p.bottom;
            """)!;
        Assert.That(visible, "the current node is out of view");
    }

    /// <summary>
    /// A mid-backward step of the (x + y)·z page, the edge x → q, as a PNG. docs/make-figures.sh runs this test with
    /// AUTOGRAD_FIGURES=docs/figures to refresh the README's picture.
    /// </summary>
    [Test]
    public void ScreenshotOfAMidBackwardStep()
    {
        string page = Open(AddMul);
        _browser.Navigate().GoToUrl(new Uri(page).AbsoluteUri + "#step-9");
        _browser.Navigate().Refresh();
        Assert.That(Title, Is.EqualTo("x → q"));
        byte[] png = _browser.GetScreenshot().AsByteArray;
        Assert.That(png.Take(8), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
        Assert.That(png, Has.Length.GreaterThan(20_000), "an empty picture");
        string folder = Environment.GetEnvironmentVariable("AUTOGRAD_FIGURES") is { Length: > 0 } figures
            ? Path.GetFullPath(figures, Path.GetDirectoryName(TutorialCommands.DocsDirectory)!)
            : TestContext.CurrentContext.WorkDirectory;
        File.WriteAllBytes(Path.Combine(folder, "add-mul-page.png"), png);
    }

    private string AddMul => Make("add-mul", "q = x + y; f = q * z", "x=-2", "y=5", "z=-4");

    private string Make(string name, string program, params string[] bindings)
    {
        string path = Path.Combine(_pages, name + ".html");
        if (File.Exists(path)) return path;
        CliResult result = CliRunner.Run(["grad", program, .. bindings, "--html", path]);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        return path;
    }

    private string Open(string path)
    {
        _browser.Navigate().GoToUrl(new Uri(path).AbsoluteUri);
        Assert.That(_browser.FindElement(By.Id("counter")).Text, Does.StartWith("Step "));
        return path;
    }

    private void Press(string key) => _browser.FindElement(By.TagName("body")).SendKeys(key);

    private void Click(string id) => _browser.FindElement(By.Id(id)).Click();

    private string Counter => _browser.FindElement(By.Id("counter")).Text;

    private string Phase => _browser.FindElement(By.Id("phase")).Text;

    private string Title => _browser.FindElement(By.Id("step-title")).Text;

    private string Line(string role) => _browser.FindElement(By.CssSelector($"#step-lines dd[data-role='{role}']")).Text;

    private Dictionary<string, string> Lines() =>
        _browser.FindElements(By.CssSelector("#step-lines dd")).ToDictionary(d => d.GetDomAttribute("data-role")!, d => d.Text);

    private string NodeValue(string name) => _browser.FindElement(By.CssSelector($"#graph .node[data-name='{name}'] .value")).Text;

    private string NodeGrad(string name) => _browser.FindElement(By.CssSelector($"#graph .node[data-name='{name}'] .grad")).Text;
}
