using System.Globalization;
using Autograd.Functions;
using Autograd.Graph;

namespace Autograd.Cli.Language;

/// <summary>The result of running a program on tensors: its output, its input leaves and where each op came from.</summary>
/// <param name="Output">The value of the last statement.</param>
/// <param name="Inputs">The leaf made for each binding, in the order the bindings were given.</param>
/// <param name="Positions">The source position of the operator or function that recorded each tensor.</param>
/// <param name="OutputName">The name the last statement assigns (f in <c>f = x</c>, where the value keeps the name x), or null.</param>
internal sealed record TensorEvaluation(Tensor<double> Output, IReadOnlyList<KeyValuePair<string, Tensor<double>>> Inputs, IReadOnlyDictionary<Node, int> Positions, string? OutputName);

/// <summary>
/// Runs a compiled program on float64 tensors (a bound number is a 0-d tensor), recording the computation graph.
/// Assigned names become tensor labels, so dumps and explanations speak the program's names.
/// </summary>
internal static class TensorEvaluator
{
    /// <summary>Runs <paramref name="program"/> with each input bound to the given leaf.</summary>
    /// <exception cref="ProgramException">An unbound name, a shape mismatch, a bad axis or a non-finite value; with its position.</exception>
    public static TensorEvaluation Run(CompiledProgram program, IReadOnlyList<KeyValuePair<string, Tensor<double>>> inputs)
    {
        var scope = inputs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var positions = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        // Numbers written in the program (and operations on them alone), which an axis argument must be.
        var literals = new HashSet<Tensor<double>>(ReferenceEqualityComparer.Instance);
        var stack = new List<Tensor<double>>();
        Tensor<double>? result = null;

        foreach (Instruction instruction in program.Instructions)
        {
            switch (instruction.Code)
            {
                case OpCode.Number:
                    Tensor<double> number = Tensor.Scalar(instruction.Number);
                    literals.Add(number);
                    stack.Add(number);
                    break;
                case OpCode.Load:
                    if (!scope.TryGetValue(instruction.Name!, out Tensor<double>? bound))
                        throw new ProgramException(
                            $"unbound name '{instruction.Name}': assign it in an earlier statement or bind it on the command line as {instruction.Name}=VALUE or {instruction.Name}=[...]",
                            program.Source, instruction.Position, showCaret: false);
                    stack.Add(bound);
                    break;
                case OpCode.Store:
                    result = Pop(stack);
                    result.Label ??= instruction.Name;
                    scope[instruction.Name!] = result;
                    break;
                case OpCode.Result:
                    result = Pop(stack);
                    break;
                default:
                    Tensor<double> made;
                    try
                    {
                        made = Apply(instruction, stack, literals);
                    }
                    catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException)
                    {
                        // The engine names the op and the shapes; the program adds where it happened.
                        throw new ProgramException(Cli.MessageOf(e), program.Source, instruction.Position, showCaret: false);
                    }

                    positions.TryAdd(made, instruction.Position);
                    if (FirstNonFinite(made) is int at)
                        throw new ProgramException(
                            $"{Describe(instruction)} gives {made.ToArray()[at].ToString(CultureInfo.InvariantCulture)} at element {at} of its [{string.Join("×", made.Shape)}] result, not a finite number",
                            program.Source, instruction.Position, showCaret: false);
                    stack.Add(made);
                    break;
            }
        }

        return new TensorEvaluation(result!, inputs, positions, program.OutputName);
    }

    private static Tensor<double> Apply(Instruction instruction, List<Tensor<double>> stack, HashSet<Tensor<double>> literals)
    {
        switch (instruction.Code)
        {
            case OpCode.Negate:
                Tensor<double> operand = Pop(stack);
                return Literal(-operand, literals.Contains(operand), literals);
            case OpCode.Call when FunctionTable.IsTensorOnly(instruction.Name!):
                int? axis = null;
                if (instruction.ArgumentCount == 2)
                {
                    Tensor<double> axisArgument = Pop(stack);
                    double value = axisArgument.Size == 1 ? axisArgument.Item() : double.NaN;
                    if (!literals.Contains(axisArgument) || value != Math.Round(value))
                        throw new ArgumentException($"the axis of {instruction.Name} must be a whole number written in the program, e.g. {instruction.Name}(x, 1)");
                    axis = (int)value;
                }

                return FunctionTable.ApplyTensorFunction(instruction.Name!, Pop(stack), axis);
            case OpCode.Call:
                var arguments = new Tensor<double>[instruction.ArgumentCount];
                for (int i = arguments.Length - 1; i >= 0; i--) arguments[i] = Pop(stack);
                FunctionInfo function = FunctionTable.Resolve(instruction.Name!, [.. arguments.Select(literals.Contains)]);
                double[] parameters = FunctionTable.Parameters(function, arguments.Skip(function.Operands).Select(a => a.Item()));
                Tensor<double>[] operands = arguments[..function.Operands];
                return Literal(function.Apply(operands, parameters), operands.All(literals.Contains), literals);
        }

        Tensor<double> b = Pop(stack), a = Pop(stack);
        return Literal(instruction.Code switch
        {
            OpCode.Add => a + b,
            OpCode.Subtract => a - b,
            OpCode.Multiply => a * b,
            OpCode.Divide => a / b,
            // A constant exponent needs no gradient, and its log(base) would be NaN for a negative base.
            OpCode.Power => literals.Contains(b) ? a.Pow(b.Item()) : a.Pow(b),
            OpCode.MatrixProduct => a.MatMul(b),
            _ => throw new InvalidOperationException($"unknown instruction {instruction.Code}"),
        }, literals.Contains(a) && literals.Contains(b), literals);
    }

    /// <summary>
    /// An operation on numbers written in the program gives a number written in the program (the -1 in
    /// <c>sum(x, -1)</c> or <c>x ^ -1</c>), as it would be had it been written out.
    /// </summary>
    private static Tensor<double> Literal(Tensor<double> made, bool ofLiterals, HashSet<Tensor<double>> literals)
    {
        if (ofLiterals) literals.Add(made);
        return made;
    }

    private static string Describe(Instruction instruction) => instruction.Code switch
    {
        OpCode.Call => instruction.Name!,
        OpCode.Add => "'+'",
        OpCode.Subtract => "'-'",
        OpCode.Multiply => "'*'",
        OpCode.Divide => "'/'",
        OpCode.Power => "'^'",
        OpCode.MatrixProduct => "'@'",
        _ => "negation",
    };

    private static int? FirstNonFinite(Tensor<double> tensor)
    {
        double[] values = tensor.ToArray();
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i])) return i;
        return null;
    }

    private static Tensor<double> Pop(List<Tensor<double>> stack)
    {
        Tensor<double> top = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return top;
    }
}
