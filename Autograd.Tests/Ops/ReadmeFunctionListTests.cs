using Autograd.Functions;
using Autograd.Tests.Docs;

namespace Autograd.Tests.Ops;

/// <summary>The README's lists of functions are the catalog's: a function added or renamed shows there.</summary>
public sealed class ReadmeFunctionListTests
{
    [Test]
    public void TheCliFunctionListIsTheCatalogs()
    {
        string readme = File.ReadAllText(Path.Combine(TutorialCommands.DocsDirectory, "..", "README.md"));
        int start = readme.IndexOf("elementwise functions `", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThan(0), "the README lists the elementwise functions");
        int open = readme.IndexOf('`', start) + 1;
        string listed = readme[open..readme.IndexOf('`', open)];
        string[] names = listed.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        string[] expected = [.. FunctionCatalog.All.Where(f => !f.IsOperator).Select(f => f.Name).Distinct().Order(StringComparer.Ordinal)];
        Assert.That(names, Is.EqualTo(expected));
    }

    [Test]
    public void TheValueMethodListIsTheCatalogs()
    {
        string readme = File.ReadAllText(Path.Combine(TutorialCommands.DocsDirectory, "..", "README.md"));
        string paragraph = readme[readme.IndexOf("- `Value` (Autograd.Core)", StringComparison.Ordinal)..];
        paragraph = paragraph[..paragraph.IndexOf("\n- ", StringComparison.Ordinal)];
        foreach (string method in typeof(Differentiable).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly).Select(m => m.Name).Distinct())
            Assert.That(paragraph, Does.Contain($"`{method}`"), $"the README's Value paragraph names {method}");
    }
}
