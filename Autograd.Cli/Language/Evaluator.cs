using Autograd.Functions;
using Autograd.Graph;

namespace Autograd.Cli.Language;

/// <summary>The result of running a program: its output, its input leaves and where each operation came from.</summary>
/// <param name="Output">The value of the last statement.</param>
/// <param name="Inputs">The leaf made for each binding, in the order the bindings were given.</param>
/// <param name="Positions">The source position of the operator or function that recorded each operation node.</param>
/// <param name="OutputName">The name the last statement assigns (f in <c>f = x</c>, where the value keeps the name x), or null.</param>
/// <typeparam name="TNum">What the program ran on: <see cref="Value"/>s or float64 tensors.</typeparam>
internal sealed record Evaluation<TNum>(TNum Output, IReadOnlyList<KeyValuePair<string, TNum>> Inputs, IReadOnlyDictionary<Node, int> Positions, string? OutputName)
    where TNum : Node, IDifferentiable<TNum>;

/// <summary>
/// Runs a compiled program, recording the computation graph: on scalar <see cref="Value"/>s, or on float64 tensors
/// (a bound number is then a 0-d tensor) when the program uses tensor operations. One interpreter serves both; what
/// differs between them (how a written number is made, tensor-only operations, how a non-finite result is described)
/// is an <see cref="IEvaluationDomain{TNum}"/>. Assigned names become node labels, so the graph dumps and the
/// explanations speak the program's own names.
/// </summary>
internal static class Evaluator
{
    /// <summary>Runs <paramref name="program"/> on values, with the inputs bound to new leaves holding <paramref name="bindings"/>.</summary>
    /// <exception cref="ProgramException">An unbound name, or an operation whose result is not a finite number.</exception>
    public static Evaluation<Value> Run(CompiledProgram program, IReadOnlyList<KeyValuePair<string, double>> bindings) =>
        Run(program, [.. bindings.Select(b => KeyValuePair.Create(b.Key, new Value(b.Value, b.Key)))]);

    /// <summary>Runs <paramref name="program"/> on values, with the inputs bound to the given leaves.</summary>
    /// <exception cref="ProgramException">An unbound name, or an operation whose result is not a finite number.</exception>
    public static Evaluation<Value> Run(CompiledProgram program, IReadOnlyList<KeyValuePair<string, Value>> inputs) =>
        Run<Value, NumberDomain>(program, inputs);

    /// <summary>Runs <paramref name="program"/> on float64 tensors, with each input bound to the given leaf.</summary>
    /// <exception cref="ProgramException">An unbound name, a shape mismatch, a bad axis or a non-finite value; with its position.</exception>
    public static Evaluation<Tensor<double>> Run(CompiledProgram program, IReadOnlyList<KeyValuePair<string, Tensor<double>>> inputs) =>
        Run<Tensor<double>, TensorDomain>(program, inputs);

    private static Evaluation<TNum> Run<TNum, TDomain>(CompiledProgram program, IReadOnlyList<KeyValuePair<string, TNum>> inputs)
        where TNum : Node, IDifferentiable<TNum>
        where TDomain : IEvaluationDomain<TNum>
    {
        var scope = inputs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var positions = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        // Numbers written in the program and operations on them alone: constant parameters and axes must be these.
        var literals = new HashSet<TNum>(ReferenceEqualityComparer.Instance);
        var stack = new List<TNum>();
        TNum? result = null;

        foreach (Instruction instruction in program.Instructions)
        {
            switch (instruction.Code)
            {
                case OpCode.Number:
                    TNum number = TDomain.Number(instruction.Number);
                    literals.Add(number);
                    stack.Add(number);
                    break;
                case OpCode.Load:
                    if (!scope.TryGetValue(instruction.Name!, out TNum? bound))
                        throw new ProgramException(
                            $"unbound name '{instruction.Name}': assign it in an earlier statement or bind it on the command line as {TDomain.BindingForm(instruction.Name!)}",
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
                    TNum made;
                    try
                    {
                        made = Apply<TNum, TDomain>(instruction, stack, literals);
                    }
                    catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException)
                    {
                        // The engine or the definition names what is wrong (the shapes, clamp's bounds); the program adds where.
                        throw new ProgramException(Cli.MessageOf(e), program.Source, instruction.Position, showCaret: false);
                    }

                    positions.TryAdd(made, instruction.Position);
                    if (TDomain.NonFinite(made, instruction) is { } message)
                        throw new ProgramException(message, program.Source, instruction.Position, showCaret: false);
                    stack.Add(made);
                    break;
            }
        }

        return new Evaluation<TNum>(result!, inputs, positions, program.OutputName);
    }

    /// <summary>
    /// Runs one operation. An operation on written numbers alone (the -1 in <c>x ^ -1</c> or <c>sum(x, -1)</c>)
    /// counts as a written number, as it would had it been written out.
    /// </summary>
    private static TNum Apply<TNum, TDomain>(Instruction instruction, List<TNum> stack, HashSet<TNum> literals)
        where TNum : Node, IDifferentiable<TNum>
        where TDomain : IEvaluationDomain<TNum>
    {
        if (instruction.Code == OpCode.Call && FunctionTable.IsTensorOnly(instruction.Name!))
        {
            int? axis = null;
            if (instruction.ArgumentCount == 2)
            {
                TNum axisArgument = Pop(stack);
                double value = literals.Contains(axisArgument) ? TDomain.NumberOf(axisArgument) : double.NaN;
                if (value != Math.Round(value))
                    throw new ArgumentException($"the axis of {instruction.Name} must be a whole number written in the program, e.g. {instruction.Name}(x, 1)");
                axis = (int)value;
            }

            return TDomain.Reduce(instruction.Name!, Pop(stack), axis);
        }

        int count = instruction.Code switch { OpCode.Negate => 1, OpCode.Call => instruction.ArgumentCount, _ => 2 };
        var operands = new TNum[count];
        for (int i = count - 1; i >= 0; i--) operands[i] = Pop(stack);
        TNum made;
        bool ofLiterals;
        if (instruction.Code == OpCode.Call)
        {
            FunctionInfo function = FunctionTable.Resolve(instruction.Name!, [.. operands.Select(literals.Contains)]);
            double[] parameters = FunctionTable.Parameters(function, operands.Skip(function.Operands).Select(TDomain.NumberOf));
            TNum[] applied = operands[..function.Operands];
            made = TDomain.Apply(function, applied, parameters);
            ofLiterals = applied.All(literals.Contains);
        }
        else
        {
            made = Compute<TNum, TDomain>(instruction.Code, operands, literals);
            ofLiterals = operands.All(literals.Contains);
        }

        if (ofLiterals) literals.Add(made);
        return made;
    }

    private static TNum Compute<TNum, TDomain>(OpCode code, TNum[] operands, HashSet<TNum> literals)
        where TNum : Node, IDifferentiable<TNum>
        where TDomain : IEvaluationDomain<TNum>
    {
        if (code == OpCode.Negate) return -operands[0];
        TNum a = operands[0], b = operands[1];
        return code switch
        {
            OpCode.Add => a + b,
            OpCode.Subtract => a - b,
            OpCode.Multiply => a * b,
            OpCode.Divide => a / b,
            // A written exponent needs no gradient, and its ln(base) would be NaN for a negative base.
            OpCode.Power => literals.Contains(b) ? a.Pow(TDomain.NumberOf(b)) : a.Pow(b),
            OpCode.MatrixProduct => TDomain.MatrixProduct(a, b),
            _ => throw new InvalidOperationException($"unknown instruction {code}"),
        };
    }

    private static TNum Pop<TNum>(List<TNum> stack)
    {
        TNum top = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return top;
    }
}
