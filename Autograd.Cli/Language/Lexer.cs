using System.Globalization;
using System.Text;

namespace Autograd.Cli.Language;

/// <summary>The kinds of token in a program.</summary>
internal enum TokenKind
{
    Number,
    Name,
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    At,
    LeftParen,
    RightParen,
    Comma,
    Equals,
    Separator,
    End,
}

/// <summary>A token: its kind, its text, where it starts, and its value when it is a number.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Position, double Number = 0);

/// <summary>
/// Splits a program into tokens. Statements end at <c>;</c> or a line break; a line break inside parentheses does
/// not end a statement, so long expressions may span lines. <c>#</c> starts a comment that runs to the line's end.
/// </summary>
internal static class Lexer
{
    /// <summary>The tokens of <paramref name="source"/>, ending with one <see cref="TokenKind.End"/>.</summary>
    public static List<Token> Tokenize(string source)
    {
        var tokens = new List<Token>();
        int depth = 0;
        int i = 0;
        while (i < source.Length)
        {
            char c = source[i];
            if (c == '#')
            {
                while (i < source.Length && source[i] != '\n') i++;
                continue;
            }

            if (c == '\n' || c == ';')
            {
                if (c == ';' || depth == 0) tokens.Add(new Token(TokenKind.Separator, c == ';' ? ";" : "line break", i));
                i++;
                continue;
            }

            // A byte-order mark (from a file saved by some editors) at the start is not part of the program.
            if (char.IsWhiteSpace(c) || (c == '\uFEFF' && i == 0))
            {
                i++;
                continue;
            }

            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < source.Length && char.IsAsciiDigit(source[i + 1])))
            {
                tokens.Add(ReadNumber(source, ref i));
                continue;
            }

            if (StartsName(RuneAt(source, i)))
            {
                int start = i;
                do i += RuneAt(source, i).Utf16SequenceLength;
                while (i < source.Length && ContinuesName(RuneAt(source, i)));
                tokens.Add(new Token(TokenKind.Name, source[start..i], start));
                continue;
            }

            TokenKind kind = c switch
            {
                '+' => TokenKind.Plus,
                '-' => TokenKind.Minus,
                '*' => TokenKind.Star,
                '/' => TokenKind.Slash,
                '^' => TokenKind.Caret,
                '@' => TokenKind.At,
                '(' => TokenKind.LeftParen,
                ')' => TokenKind.RightParen,
                ',' => TokenKind.Comma,
                '=' => TokenKind.Equals,
                _ => throw new ProgramException($"unexpected character {(char.IsSurrogate(c) && RuneAt(source, i) == Rune.ReplacementChar ? $"U+{(int)c:X4} (half of a surrogate pair)" : Describe(RuneAt(source, i)))}", source, i, showCaret: true),
            };
            if (kind == TokenKind.LeftParen) depth++;
            if (kind == TokenKind.RightParen && depth > 0) depth--;
            tokens.Add(new Token(kind, c.ToString(), i));
            i++;
        }

        tokens.Add(new Token(TokenKind.End, "end of program", source.Length));
        return tokens;
    }

    private static Token ReadNumber(string source, ref int i)
    {
        int start = i;
        while (i < source.Length && char.IsAsciiDigit(source[i])) i++;
        if (i < source.Length && source[i] == '.')
        {
            i++;
            while (i < source.Length && char.IsAsciiDigit(source[i])) i++;
        }

        if (i < source.Length && source[i] is 'e' or 'E')
        {
            int mark = i++;
            if (i < source.Length && source[i] is '+' or '-') i++;
            if (i < source.Length && char.IsAsciiDigit(source[i]))
            {
                while (i < source.Length && char.IsAsciiDigit(source[i])) i++;
            }
            else
            {
                throw new ProgramException("malformed number: the exponent after 'e' has no digits", source, mark, showCaret: true);
            }
        }

        string text = source[start..i];
        double value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
            throw new ProgramException($"the number {text} is too large for a double", source, start, showCaret: true);
        return new Token(TokenKind.Number, text, start, value);
    }

    /// <summary>
    /// True when <paramref name="text"/> is a name: a letter (any script's, by Unicode category: <c>x</c>,
    /// <c>α</c>, <c>𝑥</c>) or <c>_</c>, then letters, digits, combining marks and <c>_</c>.
    /// </summary>
    public static bool IsName(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || !StartsName(RuneAt(text, 0))) return false;
        for (int i = RuneAt(text, 0).Utf16SequenceLength; i < text.Length; i += RuneAt(text, i).Utf16SequenceLength)
            if (!ContinuesName(RuneAt(text, i))) return false;
        return true;
    }

    // As Unicode's identifier rules (UAX #31) have it: letters and letter numbers start a name; marks, digits and
    // connector punctuation may follow.
    private static bool StartsName(Rune r) => r.Value == '_' || Rune.GetUnicodeCategory(r) is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber;

    private static bool ContinuesName(Rune r) => StartsName(r) || Rune.GetUnicodeCategory(r) is
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.DecimalDigitNumber
        or UnicodeCategory.ConnectorPunctuation;

    /// <summary>The code point at <paramref name="i"/>, reading a surrogate pair whole; a lone surrogate as U+FFFD.</summary>
    private static Rune RuneAt(string source, int i) =>
        Rune.DecodeFromUtf16(source.AsSpan(i), out Rune r, out _) == System.Buffers.OperationStatus.Done ? r : Rune.ReplacementChar;

    /// <summary>A character as the user can see it: quoted when visible, by its code point when not (a control or format character).</summary>
    private static string Describe(Rune r) =>
        Rune.IsControl(r) || Rune.GetUnicodeCategory(r) is UnicodeCategory.Format or UnicodeCategory.SpaceSeparator or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
            ? $"U+{r.Value:X4}"
            : $"'{r}'";
}
