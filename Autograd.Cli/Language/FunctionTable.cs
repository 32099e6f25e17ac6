using Autograd.Functions;

namespace Autograd.Cli.Language;

/// <summary>
/// The functions a program may call. The elementwise ones are every function of <see cref="FunctionCatalog"/> that
/// the language does not write as an operator, with the same names in scalar and tensor mode: operands first, then
/// the function's constant parameters as numbers written in the program (<c>clamp(x, -1, 1)</c>,
/// <c>leaky_relu(x, 0.2)</c>), which may be left out where they have a default. The tensor reductions and transforms
/// take a tensor and, some of them, an axis.
/// </summary>
internal static class FunctionTable
{
    private static readonly Dictionary<string, FunctionInfo[]> s_elementwise = FunctionCatalog.All
        .Where(f => !f.IsOperator)
        .GroupBy(f => f.Name, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

    /// <summary>The tensor-only functions: the reduction or transform over all elements, and along an axis (null when it needs one).</summary>
    private static readonly Dictionary<string, (Func<Tensor<double>, Tensor<double>>? All, Func<Tensor<double>, int, Tensor<double>>? Along)> s_tensor =
        new(StringComparer.Ordinal)
        {
            ["sum"] = (x => x.Sum(), (x, axis) => x.Sum(axis)),
            ["mean"] = (x => x.Mean(), (x, axis) => x.Mean(axis)),
            ["max"] = (x => x.Max(), (x, axis) => x.Max(axis)),
            ["transpose"] = (x => x.Transpose(), null),
            ["softmax"] = (null, (x, axis) => x.Softmax(axis)),
            ["log_softmax"] = (null, (x, axis) => x.LogSoftmax(axis)),
        };

    /// <summary>The function names, for error messages.</summary>
    public static string Known => string.Join(", ", s_elementwise.Keys.Concat(s_tensor.Keys));

    /// <summary>The elementwise functions, for the tests and the help text.</summary>
    public static IEnumerable<FunctionInfo> Elementwise => s_elementwise.Values.SelectMany(f => f);

    /// <summary>Whether <paramref name="name"/> is a function.</summary>
    public static bool Exists(string name) => s_elementwise.ContainsKey(name) || s_tensor.ContainsKey(name);

    /// <summary>Whether <paramref name="name"/> works only on tensors (programs using it run in tensor mode).</summary>
    public static bool IsTensorOnly(string name) => s_tensor.ContainsKey(name);

    /// <summary>Whether <paramref name="name"/> can be called with <paramref name="count"/> arguments.</summary>
    public static bool Accepts(string name, int count) => s_tensor.TryGetValue(name, out var f)
        ? (count == 1 && f.All is not null) || (count == 2 && f.Along is not null)
        : s_elementwise[name].Any(e => count >= e.Operands + e.Parameters.Count(p => p.Default is null) && count <= e.Operands + e.Parameters.Count);

    /// <summary>How many arguments <paramref name="name"/> takes, in words.</summary>
    public static string ArgumentsOf(string name) => s_tensor.TryGetValue(name, out var f)
        ? (f.All, f.Along) switch
        {
            (not null, not null) => $"a tensor and an optional axis, {name}(x) or {name}(x, axis)",
            (null, _) => $"a tensor and an axis, {name}(x, axis)",
            _ => $"one tensor, {name}(x)",
        }
        : s_elementwise[name] is [{ Parameters.Count: 0 } only]
            ? (only.Operands == 1 ? "one argument" : "two arguments")
            : string.Join(" or ", s_elementwise[name].Select(Signature));

    private static string Signature(FunctionInfo f)
    {
        string[] operands = f.Operands == 1 ? ["x"] : ["a", "b"];
        string[] parameters = [.. f.Parameters.Select(p => p.Default is { } d ? $"{ToSnakeCase(p.Name)}={d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}" : ToSnakeCase(p.Name))];
        return $"{f.Name}({string.Join(", ", operands.Concat(parameters))})";
    }

    private static string ToSnakeCase(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    /// <summary>
    /// Picks the form of an elementwise function for the call's arguments: where a name has several, the one whose
    /// constant parameters are written numbers (pow(x, 2) is x^2; pow(x, y) has a differentiable exponent).
    /// </summary>
    /// <param name="name">The function's name.</param>
    /// <param name="isWrittenNumber">Whether each argument is a number written in the program.</param>
    /// <exception cref="ArgumentException">A constant parameter is not a written number.</exception>
    public static FunctionInfo Resolve(string name, IReadOnlyList<bool> isWrittenNumber)
    {
        FunctionInfo[] forms = [.. s_elementwise[name].Where(f => isWrittenNumber.Count >= f.Operands && isWrittenNumber.Count <= f.Operands + f.Parameters.Count)];
        FunctionInfo? fits = forms.FirstOrDefault(f => Enumerable.Range(f.Operands, isWrittenNumber.Count - f.Operands).All(i => isWrittenNumber[i]));
        if (fits is not null) return fits;
        FunctionInfo first = forms[0];
        string parameter = ToSnakeCase(first.Parameters[Enumerable.Range(first.Operands, isWrittenNumber.Count - first.Operands).First(i => !isWrittenNumber[i]) - first.Operands].Name);
        throw new ArgumentException($"the {parameter} of {name} must be a number written in the program, e.g. {Signature(first)}");
    }

    /// <summary>The constant parameters of a call: the written numbers after the operands, then the defaults.</summary>
    /// <param name="function">The resolved form.</param>
    /// <param name="written">The values of the arguments after the operands.</param>
    public static double[] Parameters(FunctionInfo function, IEnumerable<double> written)
    {
        double[] given = [.. written];
        return [.. function.Parameters.Select((p, i) => i < given.Length ? given[i] : p.Default!.Value)];
    }

    /// <summary>Applies a tensor-only function; <paramref name="axis"/> is given for the two-argument forms.</summary>
    public static Tensor<double> ApplyTensorFunction(string name, Tensor<double> x, int? axis)
    {
        var f = s_tensor[name];
        return axis is int a ? f.Along!(x, a) : f.All!(x);
    }
}
