using System.Text;
using System.Text.RegularExpressions;

namespace Autograd.Tests.Docs;

/// <summary>
/// One command of a Markdown file's <c>sh</c> blocks, as a reader would type it: continuation lines joined, the
/// comment after <c>#</c> dropped, and <c>a &amp;&amp; b</c> split into its steps.
/// </summary>
/// <param name="File">The Markdown file, relative to the repository root.</param>
/// <param name="Line">The line the command starts on.</param>
/// <param name="Section">The heading (##) the block stands under, without the #s.</param>
/// <param name="Text">The command's text.</param>
internal sealed partial record DocumentedCommand(string File, int Line, string Section, string Text)
{
    /// <summary>The commands of every <c>sh</c> block of <paramref name="markdownPath"/>, in order.</summary>
    public static List<DocumentedCommand> Read(string markdownPath, string displayName)
    {
        string text = System.IO.File.ReadAllText(markdownPath).ReplaceLineEndings("\n");
        var commands = new List<DocumentedCommand>();
        foreach (Match block in Block().Matches(text))
        {
            if (block.Groups["lang"].Value != "sh") continue;
            int line = text[..block.Groups["body"].Index].Count(c => c == '\n') + 1;
            string section = Heading().Matches(text[..block.Index]).LastOrDefault()?.Groups["title"].Value ?? "";
            string[] lines = block.Groups["body"].Value.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                int start = line + i;
                string joined = lines[i];
                // A line ending in a backslash or a pipe goes on in the next one.
                while (i + 1 < lines.Length && (joined.EndsWith('\\') || joined.TrimEnd().EndsWith('|')))
                    joined = (joined.EndsWith('\\') ? joined[..^1] : joined.TrimEnd()) + " " + lines[++i].Trim();
                string command = WithoutComment(joined).Trim();
                foreach (string step in SplitOutsideQuotes(command, "&&"))
                {
                    if (step.Length > 0) commands.Add(new DocumentedCommand(displayName, start, section, step));
                }
            }
        }

        return commands;
    }

    /// <summary>Splits <paramref name="text"/> at each <paramref name="separator"/> that is not inside quotes.</summary>
    public static List<string> SplitOutsideQuotes(string text, string separator)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote == '\0' && (c == '"' || c == '\'')) quote = c;
            else if (c == quote) quote = '\0';
            if (quote == '\0' && string.CompareOrdinal(text, i, separator, 0, separator.Length) == 0)
            {
                parts.Add(current.ToString().Trim());
                current.Clear();
                i += separator.Length - 1;
                continue;
            }

            current.Append(c);
        }

        parts.Add(current.ToString().Trim());
        return parts;
    }

    /// <summary>The shell's words of <paramref name="text"/>: split at spaces outside quotes, quotes removed.</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        foreach (char c in text)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else current.Append(c);
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(current.ToString());
                current.Clear();
                inWord = false;
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }

        if (quote != '\0') throw new FormatException($"unclosed quote in: {text}");
        if (inWord) words.Add(current.ToString());
        return words;
    }

    /// <summary>The line up to a <c>#</c> that starts a shell comment (at the start or after a space, outside quotes).</summary>
    private static string WithoutComment(string line)
    {
        char quote = '\0';
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quote == '\0' && (c == '"' || c == '\'')) quote = c;
            else if (c == quote) quote = '\0';
            else if (quote == '\0' && c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return line[..i];
        }

        return line;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{File}:{Line}: {Text}";

    [GeneratedRegex(@"^```(?<lang>\w*)\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Block();

    [GeneratedRegex(@"^##+ (?<title>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
