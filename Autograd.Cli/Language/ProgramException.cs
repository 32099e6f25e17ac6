namespace Autograd.Cli.Language;

/// <summary>An error in a typed program, at a position of its source text.</summary>
internal sealed class ProgramException : Exception
{
    /// <summary>Creates an error at <paramref name="position"/> (a character offset) of <paramref name="source"/>.</summary>
    public ProgramException(string message, string source, int position, bool showCaret)
        : base(message)
    {
        Source = source;
        Position = Math.Clamp(position, 0, source.Length);
        ShowCaret = showCaret;
    }

    /// <summary>The program's source text.</summary>
    public new string Source { get; }

    /// <summary>The character offset the error points at.</summary>
    public int Position { get; }

    /// <summary>True for syntax errors, shown with the offending line and a caret under the position.</summary>
    public bool ShowCaret { get; }

    /// <summary>
    /// The 1-based line and column of <see cref="Position"/>, the column counted in characters as a person sees
    /// them (grapheme clusters: <c>𝑥</c>, a surrogate pair, or <c>é</c> written with a combining accent, is one).
    /// </summary>
    public (int Line, int Column) LineAndColumn
    {
        get
        {
            int line = 1, lineStart = 0;
            for (int i = 0; i < Position; i++)
            {
                if (Source[i] == '\n')
                {
                    line++;
                    lineStart = i + 1;
                }
            }

            return (line, Graphemes(Source[lineStart..]).TakeWhile(g => g.Start < Position - lineStart).Count() + 1);
        }
    }

    /// <summary>The error as shown to a person: one line, and for syntax errors the source line with a caret.</summary>
    public string Render()
    {
        var (line, column) = LineAndColumn;
        string head = $"error: {Message} at line {line}, column {column}";
        if (!ShowCaret) return head;

        int start = Source.LastIndexOf('\n', Math.Max(0, Position - 1)) + 1;
        if (Position == 0) start = 0;
        int end = Source.IndexOf('\n', start);
        if (end < 0) end = Source.Length;
        // Cut and pad by grapheme, so the caret stands under the whole character and no surrogate pair is split.
        string[] text = [.. Graphemes(Source[start..end].Replace('\t', ' ')).Select(g => g.Text)];
        int offset = column - 1;

        // Long lines (a whole program on one line) are cut to a window around the caret.
        const int Window = 60;
        string prefix = "", suffix = "";
        if (text.Length > 2 * Window && offset > Window)
        {
            int cut = offset - Window;
            text = text[cut..];
            prefix = "…";
            offset = offset - cut + 1;
        }

        if (text.Length > 2 * Window)
        {
            text = text[..(2 * Window)];
            suffix = "…";
        }

        return $"{head}\n  {prefix}{string.Concat(text)}{suffix}\n  {new string(' ', offset)}^";
    }

    /// <summary>The grapheme clusters of <paramref name="text"/> with the UTF-16 offset each starts at.</summary>
    private static IEnumerable<(int Start, string Text)> Graphemes(string text)
    {
        for (int i = 0; i < text.Length;)
        {
            int length = System.Globalization.StringInfo.GetNextTextElementLength(text, i);
            yield return (i, text.Substring(i, length));
            i += length;
        }
    }

    /// <summary>
    /// The same error at the same place, for a run of the program at a point the user did not give: the steps
    /// x ± h of a central difference, which may leave the program's domain when x lies within h of its edge.
    /// </summary>
    /// <param name="epsilon">The step h.</param>
    public ProgramException AtDifferenceStep(double epsilon) => new(
        $"a central-difference step x ± h (h = {epsilon.ToString(System.Globalization.CultureInfo.InvariantCulture)}) leaves the program's domain: {Message}; give a smaller --eps",
        Source, Position, ShowCaret);
}
