using System.Globalization;

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

            if (char.IsAsciiLetter(c) || c == '_')
            {
                int start = i;
                while (i < source.Length && (char.IsAsciiLetterOrDigit(source[i]) || source[i] == '_')) i++;
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
                _ => throw new ProgramException($"unexpected character {Describe(c)}", source, i, showCaret: true),
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

    /// <summary>A character as the user can see it: quoted when visible, by its code point when not (a control or format character).</summary>
    private static string Describe(char c) =>
        char.IsControl(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.SpaceSeparator
            ? $"U+{(int)c:X4}"
            : $"'{c}'";
}
