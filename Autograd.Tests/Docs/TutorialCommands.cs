using System.Text.RegularExpressions;

namespace Autograd.Tests.Docs;

/// <summary>What the tutorial tests share: where docs/ is, and how a command written in it is split into arguments.</summary>
internal static partial class TutorialCommands
{
    /// <summary>The docs folder of the repository the tests were built from.</summary>
    public static string DocsDirectory { get; } = FindDocs();

    private static string FindDocs()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "docs", "make-figures.sh");
            if (File.Exists(candidate)) return Path.Combine(dir.FullName, "docs");
        }

        throw new DirectoryNotFoundException("docs/make-figures.sh not found above the test directory");
    }

    /// <summary>
    /// Splits a command's arguments like the shell (double quotes), dropping each option in <paramref name="dropped"/>
    /// with its value (options that write pictures or files the tests do not check).
    /// </summary>
    public static List<string> Arguments(string text, params string[] dropped)
    {
        var words = Word().Matches(text).Select(m => m.Value.Trim('"')).ToList();
        for (int i = words.Count - 1; i >= 0; i--)
        {
            if (dropped.Contains(words[i])) words.RemoveRange(i, 2);
        }

        return words;
    }

    [GeneratedRegex("\"[^\"]*\"|\\S+")]
    private static partial Regex Word();
}
