using System.Runtime.CompilerServices;

namespace Autograd.Cli.Language;

/// <summary>The operations of a compiled program, run by <see cref="Evaluator"/> on a stack of values.</summary>
internal enum OpCode
{
    /// <summary>Push a constant.</summary>
    Number,

    /// <summary>Push the value bound to a name.</summary>
    Load,

    /// <summary>Pop a value and bind it to a name; it becomes the program's current result.</summary>
    Store,

    /// <summary>Pop a value; it becomes the program's current result (a statement that is a bare expression).</summary>
    Result,

    /// <summary>Replace the top value v with −v.</summary>
    Negate,

    /// <summary>Pop b and a, push a + b.</summary>
    Add,

    /// <summary>Pop b and a, push a − b.</summary>
    Subtract,

    /// <summary>Pop b and a, push a · b.</summary>
    Multiply,

    /// <summary>Pop b and a, push a / b.</summary>
    Divide,

    /// <summary>Pop b and a, push a ^ b.</summary>
    Power,

    /// <summary>Pop b and a, push the matrix product a @ b.</summary>
    MatrixProduct,

    /// <summary>Pop the arguments, push the function's result.</summary>
    Call,
}

/// <summary>One operation of a compiled program, with the source position errors point at.</summary>
internal readonly record struct Instruction(OpCode Code, int Position, double Number = 0, string? Name = null, int ArgumentCount = 0);

/// <summary>A program compiled to stack-machine instructions, so that running it needs no recursion.</summary>
/// <param name="Source">The program's text.</param>
/// <param name="Instructions">The instructions, in execution order.</param>
internal sealed record CompiledProgram(string Source, IReadOnlyList<Instruction> Instructions)
{
    /// <summary>True when the program uses <c>@</c> or a function that only tensors have (sum, softmax, ...).</summary>
    public bool UsesTensorOperations => Instructions.Any(i =>
        i.Code == OpCode.MatrixProduct || (i.Code == OpCode.Call && FunctionTable.IsTensorOnly(i.Name!)));

    /// <summary>The name the last statement assigns, or null when it is a bare expression.</summary>
    public string? OutputName => Instructions is [.., { Code: OpCode.Store } store] ? store.Name : null;
}

/// <summary>
/// A recursive-descent parser that compiles a program to postfix instructions. Grammar:
/// <code>
/// program   = statement { (";" | line break) statement }
/// statement = [ name "=" ] expr
/// expr      = term { ("+" | "-") term }
/// term      = unary { ("*" | "/" | "@") unary }
/// unary     = ("-" | "+") unary | power
/// power     = primary [ "^" unary ]          (right-associative, binds tighter than unary minus)
/// primary   = number | name | name "(" expr { "," expr } ")" | "(" expr ")"
/// </code>
/// </summary>
internal sealed class Compiler
{
    /// <summary>How deeply expressions may nest (parentheses, unary signs, powers) before the parser gives up.</summary>
    public const int MaxNesting = 1000;

    private readonly string _source;
    private readonly List<Token> _tokens;
    private readonly List<Instruction> _code = [];
    private int _next;
    private int _nesting;

    private Compiler(string source)
    {
        _source = source;
        _tokens = Lexer.Tokenize(source);
    }

    /// <summary>Compiles <paramref name="source"/>, or throws a <see cref="ProgramException"/> that says where it is wrong.</summary>
    public static CompiledProgram Compile(string source)
    {
        var compiler = new Compiler(source);
        compiler.ParseProgram();
        return new CompiledProgram(source, compiler._code);
    }

    private Token Peek => _tokens[_next];

    private Token PeekAt(int ahead) => _tokens[Math.Min(_next + ahead, _tokens.Count - 1)];

    private Token Take() => _tokens[_next++];

    private void ParseProgram()
    {
        int statements = 0;
        while (Peek.Kind != TokenKind.End)
        {
            if (Peek.Kind == TokenKind.Separator)
            {
                Take();
                continue;
            }

            ParseStatement();
            statements++;
            if (Peek.Kind is not (TokenKind.Separator or TokenKind.End))
                throw Syntax($"expected ';' or a line break after the statement, found {Describe(Peek)}", Peek);
        }

        if (statements == 0)
            throw new ProgramException("the program is empty: write at least one statement, for example \"f = x * y\"", _source, 0, showCaret: false);
    }

    private void ParseStatement()
    {
        if (Peek.Kind == TokenKind.Name && PeekAt(1).Kind == TokenKind.Equals)
        {
            Token name = Take();
            if (FunctionTable.Exists(name.Text))
                throw Syntax($"'{name.Text}' is a function and cannot be assigned to", name);
            Take();
            ParseExpression();
            _code.Add(new Instruction(OpCode.Store, name.Position, Name: name.Text));
        }
        else
        {
            int position = Peek.Position;
            ParseExpression();
            // The expression's text names an unnamed output in messages.
            _code.Add(new Instruction(OpCode.Result, position, Name: _source[position..Peek.Position].Trim()));
        }
    }

    private void ParseExpression()
    {
        ParseTerm();
        while (Peek.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            Token op = Take();
            ParseTerm();
            _code.Add(new Instruction(op.Kind == TokenKind.Plus ? OpCode.Add : OpCode.Subtract, op.Position));
        }
    }

    private void ParseTerm()
    {
        ParseUnary();
        while (Peek.Kind is TokenKind.Star or TokenKind.Slash or TokenKind.At)
        {
            Token op = Take();
            ParseUnary();
            OpCode code = op.Kind switch
            {
                TokenKind.Star => OpCode.Multiply,
                TokenKind.Slash => OpCode.Divide,
                _ => OpCode.MatrixProduct,
            };
            _code.Add(new Instruction(code, op.Position));
        }
    }

    // Every path that nests (parentheses, signs, exponents, call arguments) passes through here, so the
    // nesting limit and the stack check live in one place.
    private void ParseUnary()
    {
        if (++_nesting > MaxNesting || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw Syntax($"the expression nests more than {MaxNesting} levels deep; split it into statements", Peek);

        if (Peek.Kind is TokenKind.Minus or TokenKind.Plus)
        {
            Token sign = Take();
            ParseUnary();
            if (sign.Kind == TokenKind.Minus) _code.Add(new Instruction(OpCode.Negate, sign.Position));
        }
        else
        {
            ParsePower();
        }

        _nesting--;
    }

    private void ParsePower()
    {
        ParsePrimary();
        if (Peek.Kind == TokenKind.Caret)
        {
            Token op = Take();
            ParseUnary();
            _code.Add(new Instruction(OpCode.Power, op.Position));
        }
    }

    private void ParsePrimary()
    {
        Token token = Take();
        switch (token.Kind)
        {
            case TokenKind.Number:
                _code.Add(new Instruction(OpCode.Number, token.Position, Number: token.Number));
                return;
            case TokenKind.Name when Peek.Kind == TokenKind.LeftParen:
                ParseCall(token);
                return;
            case TokenKind.Name:
                if (FunctionTable.Exists(token.Text))
                    throw Syntax($"'{token.Text}' is a function: call it as {token.Text}(...)", token);
                _code.Add(new Instruction(OpCode.Load, token.Position, Name: token.Text));
                return;
            case TokenKind.LeftParen:
                ParseExpression();
                Expect(TokenKind.RightParen, "')' to close the '('");
                return;
            default:
                throw Syntax($"expected a number, a name or '(', found {Describe(token)}", token);
        }
    }

    private void ParseCall(Token name)
    {
        Take();
        if (!FunctionTable.Exists(name.Text))
            throw new ProgramException($"unknown function '{name.Text}' (known: {FunctionTable.Known})", _source, name.Position, showCaret: false);

        int count = 0;
        if (Peek.Kind != TokenKind.RightParen)
        {
            ParseExpression();
            count++;
            while (Peek.Kind == TokenKind.Comma)
            {
                Take();
                ParseExpression();
                count++;
            }
        }

        Expect(TokenKind.RightParen, $"')' to close the call of {name.Text}");
        if (!FunctionTable.Accepts(name.Text, count))
            throw new ProgramException($"{name.Text} takes {FunctionTable.ArgumentsOf(name.Text)}, but {count} were given", _source, name.Position, showCaret: false);
        _code.Add(new Instruction(OpCode.Call, name.Position, Name: name.Text, ArgumentCount: count));
    }

    private void Expect(TokenKind kind, string what)
    {
        if (Peek.Kind != kind) throw Syntax($"expected {what}, found {Describe(Peek)}", Peek);
        Take();
    }

    private ProgramException Syntax(string message, Token at) => new(message, _source, at.Position, showCaret: true);

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "the end of the program",
        TokenKind.Separator => token.Text == ";" ? "';'" : "a line break",
        TokenKind.Number => $"the number {token.Text}",
        TokenKind.Name => $"the name '{token.Text}'",
        _ => $"'{token.Text}'",
    };
}
