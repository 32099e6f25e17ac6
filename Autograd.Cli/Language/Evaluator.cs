using System.Globalization;
using Autograd.Functions;
using Autograd.Graph;

namespace Autograd.Cli.Language;

/// <summary>The result of running a program: its output, its input leaves and where each operation came from.</summary>
/// <param name="Output">The value of the last statement.</param>
/// <param name="Inputs">The leaf made for each binding, in the order the bindings were given.</param>
/// <param name="Positions">The source position of the operator or function that recorded each operation node.</param>
/// <param name="OutputName">The name the last statement assigns (f in <c>f = x</c>, where the value keeps the name x), or null.</param>
internal sealed record Evaluation(Value Output, IReadOnlyList<KeyValuePair<string, Value>> Inputs, IReadOnlyDictionary<Node, int> Positions, string? OutputName);

/// <summary>
/// Runs a compiled program on scalar <see cref="Value"/>s, recording the computation graph. Assigned names become
/// node labels, so the graph dumps and the chain-rule explanation speak the program's own names.
/// </summary>
internal static class Evaluator
{
    /// <summary>Runs <paramref name="program"/> with the inputs bound to new leaves holding <paramref name="bindings"/>.</summary>
    /// <exception cref="ProgramException">An unbound name, or an operation whose result is not a finite number.</exception>
    public static Evaluation Run(CompiledProgram program, IReadOnlyList<KeyValuePair<string, double>> bindings) =>
        Run(program, [.. bindings.Select(b => KeyValuePair.Create(b.Key, new Value(b.Value, b.Key)))]);

    /// <summary>Runs <paramref name="program"/> with the inputs bound to the given leaves.</summary>
    /// <exception cref="ProgramException">An unbound name, or an operation whose result is not a finite number.</exception>
    public static Evaluation Run(CompiledProgram program, IReadOnlyList<KeyValuePair<string, Value>> inputs)
    {
        var scope = inputs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var positions = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        var stack = new List<Value>();
        Value? result = null;

        foreach (Instruction instruction in program.Instructions)
        {
            switch (instruction.Code)
            {
                case OpCode.Number:
                    stack.Add(Value.Constant(instruction.Number));
                    break;
                case OpCode.Load:
                    if (!scope.TryGetValue(instruction.Name!, out Value? bound))
                        throw new ProgramException(
                            $"unbound name '{instruction.Name}': assign it in an earlier statement or bind it on the command line as {instruction.Name}=VALUE",
                            program.Source, instruction.Position, showCaret: false);
                    stack.Add(bound);
                    break;
                case OpCode.Store:
                    result = Pop(stack);
                    // A value that already has a name (an input, or y = x) keeps it: the name is an alias.
                    result.Label ??= instruction.Name;
                    scope[instruction.Name!] = result;
                    break;
                case OpCode.Result:
                    result = Pop(stack);
                    break;
                default:
                    Value made;
                    try
                    {
                        made = Apply(instruction, stack);
                    }
                    catch (ArgumentException e)
                    {
                        // The definition names what is wrong (clamp's bounds); the program adds where it happened.
                        throw new ProgramException(Cli.MessageOf(e), program.Source, instruction.Position, showCaret: false);
                    }

                    positions[made] = instruction.Position;
                    if (!double.IsFinite(made.Data))
                        throw new ProgramException(NotFiniteMessage(made), program.Source, instruction.Position, showCaret: false);
                    stack.Add(made);
                    break;
            }
        }

        return new Evaluation(result!, inputs, positions, program.OutputName);
    }

    /// <summary>
    /// Runs one operation. An operation on constants alone (the -1 in <c>x ^ -1</c>, or <c>1/2</c>) gives a constant
    /// when its value is finite, as a written number would: an exponent must be constant for a negative base to
    /// have a derivative.
    /// </summary>
    private static Value Apply(Instruction instruction, List<Value> stack)
    {
        int count = instruction.Code switch { OpCode.Negate => 1, OpCode.Call => instruction.ArgumentCount, _ => 2 };
        Value[] operands = new Value[count];
        for (int i = count - 1; i >= 0; i--) operands[i] = Pop(stack);
        Value made = Compute(instruction, operands);
        return operands.All(o => o.IsConstant) && double.IsFinite(made.Data) ? Value.Constant(made.Data) : made;
    }

    private static Value Compute(Instruction instruction, Value[] operands)
    {
        switch (instruction.Code)
        {
            case OpCode.Negate:
                return -operands[0];
            case OpCode.Call:
                FunctionInfo function = FunctionTable.Resolve(instruction.Name!, [.. operands.Select(o => o.IsConstant)]);
                double[] parameters = FunctionTable.Parameters(function, operands.Skip(function.Operands).Select(o => o.Data));
                return function.Apply(operands[..function.Operands], parameters);
        }

        Value a = operands[0], b = operands[1];
        return instruction.Code switch
        {
            OpCode.Add => a + b,
            OpCode.Subtract => a - b,
            OpCode.Multiply => a * b,
            OpCode.Divide => a / b,
            // A constant exponent needs no gradient, and its ln(base) would be NaN for a negative base.
            OpCode.Power => b.IsConstant ? a.Pow(b.Data) : a.Pow(b),
            _ => throw new InvalidOperationException($"unknown instruction {instruction.Code}"),
        };
    }

    private static Value Pop(List<Value> stack)
    {
        Value top = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return top;
    }

    /// <summary>Says which operation produced a non-finite value, with its inputs, for example <c>log(-1) is NaN</c>.</summary>
    private static string NotFiniteMessage(Value made) =>
        $"{Describe(made)} is {made.Data.ToString(CultureInfo.InvariantCulture)}, not a finite number";

    /// <summary>
    /// Finds the first edge of the backward pass whose local derivative is not finite (for example sqrt at 0), and
    /// says which operation it is; null when every gradient is finite.
    /// </summary>
    public static ProgramException? CheckGradients(CompiledProgram program, Evaluation evaluation)
    {
        IReadOnlyList<Node> order = GraphTraversal.TopologicalOrder(evaluation.Output);
        for (int n = order.Count - 1; n >= 0; n--)
        {
            var node = (Value)order[n];
            if (node.IsLeaf) continue;
            for (int i = 0; i < node.InputCount; i++)
            {
                var input = (Value)node.GetInput(i);
                double local = node.Op!.LocalDerivative(node, i);
                if (input.IsConstant || (double.IsFinite(local) && double.IsFinite(input.Grad))) continue;
                string which = node.InputCount == 1 ? "" : i == 0 ? " with respect to its first input" : " with respect to its second input";
                string what = double.IsFinite(local)
                    ? $"the gradient flowing into {input.Label ?? "an input"} of {node.Operation} overflows to {input.Grad.ToString(CultureInfo.InvariantCulture)}"
                    : $"the derivative of {Describe(node)}{which} is {local.ToString(CultureInfo.InvariantCulture)}, so the gradient is not finite";
                return new ProgramException(what, program.Source, evaluation.Positions.GetValueOrDefault(node), showCaret: false);
            }
        }

        return null;
    }

    /// <summary>
    /// The operation with its input values, for example <c>log(-1)</c> or <c>(-4)^0.5</c>: a negative value is
    /// bracketed where an operator binds it (<c>-4^0.5</c> reads as −(4^0.5)), not where it is a whole argument of a call.
    /// </summary>
    private static string Describe(Value node)
    {
        // Placeholders first, to see where each input stands in the op's own format.
        var marks = new string[node.InputCount];
        for (int i = 0; i < marks.Length; i++) marks[i] = $"\u0001{i}\u0002";
        string text = node.FormatDefinition(marks);
        for (int i = 0; i < marks.Length; i++)
        {
            string value = ((Value)node.GetInput(i)).Data.ToString("R", CultureInfo.InvariantCulture);
            int at = text.IndexOf(marks[i], StringComparison.Ordinal);
            if (at < 0) continue;
            int after = at + marks[i].Length;
            bool argument = (text[..at].EndsWith('(') || text[..at].EndsWith(", ", StringComparison.Ordinal)) && after < text.Length && text[after] is ')' or ',';
            text = text.Replace(marks[i], value.StartsWith('-') && !argument ? $"({value})" : value, StringComparison.Ordinal);
        }

        return text;
    }
}
