using System.Globalization;
using System.Text;

namespace Autograd.Cli;

/// <summary>
/// Text from files (words of a vector file, class names of a model or a CSV file) made safe to print: a control
/// character is shown as an escape such as <c>\x1B</c>, so a file cannot clear the screen, move the cursor or
/// retitle the terminal, and bidirectional overrides are shown the same way, so they cannot reorder what is printed.
/// </summary>
internal static class Printable
{
    /// <summary><paramref name="text"/> with every control and bidirectional formatting character written as an escape; line breaks kept when <paramref name="keepLineBreaks"/>.</summary>
    public static string Text(string text, bool keepLineBreaks = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(c => NeedsEscape(c, keepLineBreaks))) return text;
        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            if (!NeedsEscape(c, keepLineBreaks)) escaped.Append(c);
            else if (c == '\t') escaped.Append("\\t");
            else if (c == '\n') escaped.Append("\\n");
            else if (c == '\r') escaped.Append("\\r");
            else if (c <= 0xFF) escaped.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}");
            else escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
        }

        return escaped.ToString();
    }

    private static bool NeedsEscape(char c, bool keepLineBreaks) =>
        (char.IsControl(c) && !(keepLineBreaks && c == '\n')) || IsBidiControl(c);

    // The marks, embeddings, overrides and isolates of the Unicode bidirectional algorithm.
    private static bool IsBidiControl(char c) => c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
