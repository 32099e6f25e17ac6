using System.Globalization;
using System.Text.Json;
using Autograd.Cli.Commands;
using Autograd.Cli.Language;

namespace Autograd.Tests.Ops;

/// <summary>
/// Every elementwise function of the CLI language against PyTorch in float64 (Reference/make_function_reference.py):
/// scalar programs through the compiler and the <see cref="Value"/> evaluator, tensor programs through the CLI's
/// binding parser and tensor evaluator, each value and gradient to 1e-9; and the scalar programs' second derivatives,
/// on 0-d tensors, to 1e-7. The points include PyTorch's subgradients at kinks and its numerically delicate regions.
/// </summary>
public sealed class FunctionReferenceTests
{
    /// <summary>The functions every mode must have, as listed when the functions were first defined once (pow is the operator ^).</summary>
    private static readonly string[] s_required =
    [
        "exp", "log", "sqrt", "abs", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "leaky_relu", "elu", "gelu", "erf",
        "silu", "softplus", "log_sigmoid", "log1p", "expm1", "clamp", "minimum", "maximum", "pow",
    ];

    /// <summary>The elementwise functions of the language, from the catalog, and pow (the operator ^): each must have reference cases.</summary>
    private static readonly string[] s_functions = [.. FunctionTable.Elementwise.Select(f => f.Name).Append("pow").Distinct()];

    private const double FirstOrderTolerance = 1e-9;
    private const double SecondOrderTolerance = 1e-7;

    /// <summary>A program on numbers, with PyTorch's value, gradient and Hessian (null where PyTorch's is wrong).</summary>
    public sealed record ScalarCase(
        string Function, string Program, Dictionary<string, double> Bindings, double Value,
        Dictionary<string, double> Grad, Dictionary<string, Dictionary<string, double>>? Hessian)
    {
        public override string ToString() =>
            $"{Program} at {string.Join(", ", Bindings.Select(b => $"{b.Key}={b.Value.ToString("R", CultureInfo.InvariantCulture)}"))}";
    }

    /// <summary>A program on tensors bound as JSON lists (or numbers, 0-d), with PyTorch's value and gradients.</summary>
    public sealed record TensorCase(
        string Function, string Program, Dictionary<string, JsonElement> Bindings, double Value, Dictionary<string, JsonElement> Grad)
    {
        /// <summary>The bindings as the command line takes them, <c>x=[0.3,-1.2]</c>.</summary>
        public IEnumerable<string> Arguments => Bindings.Select(b => $"{b.Key}={JsonSerializer.Serialize(b.Value)}");

        public override string ToString() => $"{Program} at {string.Join(" ", Arguments)}";
    }

    private sealed record ReferenceFile(string Generator, List<string> Functions, List<ScalarCase> Scalar, List<TensorCase> Tensor);

    private static readonly JsonSerializerOptions s_json = new() { PropertyNameCaseInsensitive = true };

    private static readonly Lazy<ReferenceFile> s_file = new(() =>
    {
        string path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Reference", "function_reference.json");
        return JsonSerializer.Deserialize<ReferenceFile>(File.ReadAllText(path), s_json)!;
    });

    public static IEnumerable<ScalarCase> ScalarCases() => s_file.Value.Scalar;

    public static IEnumerable<ScalarCase> ScalarCasesWithHessians() => s_file.Value.Scalar.Where(c => c.Hessian is not null);

    public static IEnumerable<TensorCase> TensorCases() => s_file.Value.Tensor;

    [TestCaseSource(nameof(ScalarCases))]
    public void ScalarValueAndGradientsMatchPyTorch(ScalarCase reference)
    {
        var evaluation = Evaluator.Run(Compiler.Compile(reference.Program), [.. reference.Bindings]);
        evaluation.Output.Backward();

        AssertClose(evaluation.Output.Data, reference.Value, FirstOrderTolerance, "value");
        foreach (var (name, leaf) in evaluation.Inputs)
            AssertClose(leaf.Grad, reference.Grad[name], FirstOrderTolerance, $"∂f/∂{name}");
    }

    [TestCaseSource(nameof(TensorCases))]
    public void TensorValueAndGradientsMatchPyTorch(TensorCase reference)
    {
        // The command line's path: JSON bindings parsed to tensors, made leaves, run, checked to be one number, backpropagated.
        var bindings = ProgramInput.ParseTensorBindings(reference.Arguments);
        Evaluation<Tensor<double>> evaluation = TensorMode.Differentiate(Compiler.Compile(reference.Program), bindings);

        AssertClose(evaluation.Output.Item(), reference.Value, FirstOrderTolerance, "value");
        foreach (var (name, leaf) in evaluation.Inputs)
        {
            var (expected, shape) = Flatten(reference.Grad[name]);
            Tensor<double> grad = leaf.Grad ?? Tensor.Zeros<double>([.. leaf.Shape]);
            Assert.That(grad.Shape, Is.EqualTo(shape), $"shape of ∂f/∂{name}");
            double[] actual = grad.ToArray();
            for (int i = 0; i < expected.Length; i++)
                AssertClose(actual[i], expected[i], FirstOrderTolerance, $"∂f/∂{name}[{i}]");
        }
    }

    /// <summary>
    /// <see cref="Value"/> has no higher-order gradients, so each scalar program runs on 0-d tensors, whose backward
    /// pass can be recorded: the gradient with createGraph, then the gradient of each of its elements.
    /// </summary>
    [TestCaseSource(nameof(ScalarCasesWithHessians))]
    public void SecondDerivativesMatchPyTorch(ScalarCase reference)
    {
        string[] names = [.. reference.Bindings.Keys];
        Tensor<double>[] leaves = [.. names.Select(n => Tensor.Scalar(reference.Bindings[n]).RequireGrad())];
        Evaluation<Tensor<double>> evaluation = Evaluator.Run(Compiler.Compile(reference.Program), [.. names.Select((n, i) => KeyValuePair.Create(n, leaves[i]))]);
        Tensor<double>[] gradient = Autodiff.Grad([evaluation.Output], leaves, createGraph: true, allowUnused: true);

        for (int i = 0; i < names.Length; i++)
        {
            AssertClose(gradient[i].Item(), reference.Grad[names[i]], FirstOrderTolerance, $"∂f/∂{names[i]}");
            // A gradient recorded from no input (a linear piece, a mask) has second derivatives 0.
            double[] row = gradient[i].RequiresGrad
                ? [.. Autodiff.Grad([gradient[i]], leaves, retainGraph: true, allowUnused: true).Select(h => h.Item())]
                : new double[names.Length];
            for (int j = 0; j < names.Length; j++)
                AssertClose(row[j], reference.Hessian![names[i]][names[j]], SecondOrderTolerance, $"∂²f/∂{names[i]}∂{names[j]}");
        }
    }

    [Test]
    public void EveryFunctionHasScalarAndTensorCases()
    {
        ReferenceFile file = s_file.Value;
        Assert.That(file.Functions, Is.EquivalentTo(s_functions), "the generator's list of functions");
        foreach (string function in s_functions)
        {
            string call = function == "pow" ? "^" : function + "(";
            var scalar = file.Scalar.Where(c => c.Function == function).ToList();
            var tensor = file.Tensor.Where(c => c.Function == function).ToList();
            Assert.That(scalar, Has.Count.GreaterThanOrEqualTo(3), $"scalar cases of {function}");
            Assert.That(tensor, Is.Not.Empty, $"tensor cases of {function}");
            Assert.That(scalar.Select(c => c.Program).Concat(tensor.Select(c => c.Program)), Has.All.Contains(call), $"the cases of {function} call it");
        }

        Assert.That(file.Scalar.Select(c => c.Function).Concat(file.Tensor.Select(c => c.Function)).Distinct(), Is.SubsetOf(s_functions));
        Assert.That(file.Tensor.SelectMany(c => c.Bindings.Values), Has.Some.Property(nameof(JsonElement.ValueKind)).EqualTo(JsonValueKind.Array));
    }

    [Test]
    public void EveryRequiredFunctionIsInTheLanguage()
    {
        Assert.That(s_required, Is.SubsetOf(s_functions));
    }

    private static void AssertClose(double actual, double expected, double tolerance, string what) =>
        Assert.That(actual, Is.EqualTo(expected).Within(tolerance * Math.Max(1, Math.Abs(expected))), what);

    /// <summary>A nested JSON list (or a number, for a 0-d tensor) as its values in row-major order and its shape.</summary>
    private static (double[] Values, int[] Shape) Flatten(JsonElement element)
    {
        var values = new List<double>();
        var shape = new List<int>();
        Collect(element, 0);
        return ([.. values], [.. shape]);

        void Collect(JsonElement e, int depth)
        {
            if (e.ValueKind == JsonValueKind.Number)
            {
                values.Add(e.GetDouble());
                return;
            }

            if (depth == shape.Count) shape.Add(e.GetArrayLength());
            foreach (JsonElement item in e.EnumerateArray()) Collect(item, depth + 1);
        }
    }
}
