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

    /// <summary>The 1-based line and column of <see cref="Position"/>.</summary>
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

            return (line, Position - lineStart + 1);
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
        string text = Source[start..end].Replace('\t', ' ');

        // Long lines (a whole program on one line) are cut to a window around the caret.
        int offset = Position - start;
        const int Window = 60;
        if (text.Length > 2 * Window && offset > Window)
        {
            int cut = offset - Window;
            text = "…" + text[cut..];
            offset = offset - cut + 1;
        }

        if (text.Length > 2 * Window) text = text[..(2 * Window)] + "…";
        return $"{head}\n  {text}\n  {new string(' ', offset)}^";
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
