global using TensorEvaluation = Autograd.Cli.Language.Evaluation<Autograd.Tensor<double>>;
global using Evaluation = Autograd.Cli.Language.Evaluation<Autograd.Value>;
using System.Globalization;
using Autograd.Functions;
using Autograd.Graph;

namespace Autograd.Cli.Language;

/// <summary>What running a program on numbers and on tensors does differently; the rest is <see cref="Evaluator"/>'s.</summary>
/// <typeparam name="TNum">What the program runs on.</typeparam>
internal interface IEvaluationDomain<TNum> where TNum : Node, IDifferentiable<TNum>
{
    /// <summary>A number written in the program.</summary>
    static abstract TNum Number(double value);

    /// <summary>The number a written number (or an operation on written numbers) holds.</summary>
    static abstract double NumberOf(TNum literal);

    /// <summary>An elementwise function of the catalog, with its constant parameters.</summary>
    static abstract TNum Apply(FunctionInfo function, TNum[] operands, double[] parameters);

    /// <summary>a @ b.</summary>
    static abstract TNum MatrixProduct(TNum a, TNum b);

    /// <summary>A reduction or other tensor-only function, along <paramref name="axis"/> when one was given.</summary>
    static abstract TNum Reduce(string name, TNum x, int? axis);

    /// <summary>Why <paramref name="made"/> is not a finite result of <paramref name="instruction"/>, or null when it is.</summary>
    static abstract string? NonFinite(TNum made, Instruction instruction);

    /// <summary>How an input named <paramref name="name"/> is bound on the command line.</summary>
    static abstract string BindingForm(string name);
}

/// <summary>Programs on scalar <see cref="Value"/>s.</summary>
internal readonly struct NumberDomain : IEvaluationDomain<Value>
{
    public static Value Number(double value) => Value.Constant(value);

    public static double NumberOf(Value literal) => literal.Data;

    public static Value Apply(FunctionInfo function, Value[] operands, double[] parameters) => function.Apply(operands, parameters);

    // The compiler runs a program that uses these on tensors.
    public static Value MatrixProduct(Value a, Value b) => throw new InvalidOperationException("'@' works on tensors only");

    public static Value Reduce(string name, Value x, int? axis) => throw new InvalidOperationException($"{name} works on tensors only");

    public static string? NonFinite(Value made, Instruction instruction) =>
        double.IsFinite(made.Data) ? null : $"{Describe(made)} is {made.Data.ToString(CultureInfo.InvariantCulture)}, not a finite number";

    public static string BindingForm(string name) => $"{name}=VALUE";

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

/// <summary>Programs on float64 tensors.</summary>
internal readonly struct TensorDomain : IEvaluationDomain<Tensor<double>>
{
    public static Tensor<double> Number(double value) => Tensor.Scalar(value);

    public static double NumberOf(Tensor<double> literal) => literal.Size == 1 ? literal.Item() : double.NaN;

    public static Tensor<double> Apply(FunctionInfo function, Tensor<double>[] operands, double[] parameters) => function.Apply(operands, parameters);

    public static Tensor<double> MatrixProduct(Tensor<double> a, Tensor<double> b) => a.MatMul(b);

    public static Tensor<double> Reduce(string name, Tensor<double> x, int? axis) => FunctionTable.ApplyTensorFunction(name, x, axis);

    public static string? NonFinite(Tensor<double> made, Instruction instruction)
    {
        double[] values = made.ToArray();
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                return $"{Describe(instruction)} gives {values[i].ToString(CultureInfo.InvariantCulture)} at element {i} of its [{string.Join("×", made.Shape)}] result, not a finite number";
        return null;
    }

    public static string BindingForm(string name) => $"{name}=VALUE or {name}=[...]";

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
}
