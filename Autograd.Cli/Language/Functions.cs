namespace Autograd.Cli.Language;

/// <summary>
/// The functions a program may call: elementwise ones, which work on numbers and on tensors, and the tensor
/// reductions and transforms, some with an axis argument. Each is applied to <see cref="Value"/>s or to tensors.
/// </summary>
internal static class Functions
{
    private static readonly Dictionary<string, Func<Value, Value>> s_scalar = new(StringComparer.Ordinal)
    {
        ["exp"] = x => x.Exp(),
        ["log"] = x => x.Log(),
        ["sqrt"] = x => x.Sqrt(),
        ["abs"] = x => x.Abs(),
        ["sin"] = x => x.Sin(),
        ["cos"] = x => x.Cos(),
        ["tanh"] = x => x.Tanh(),
        ["sigmoid"] = x => x.Sigmoid(),
        ["relu"] = x => x.Relu(),
    };

    private static readonly Dictionary<string, Func<Tensor<double>, Tensor<double>>> s_elementwise = new(StringComparer.Ordinal)
    {
        ["exp"] = x => x.Exp(),
        ["log"] = x => x.Log(),
        ["sqrt"] = x => x.Sqrt(),
        ["abs"] = x => x.Abs(),
        ["tanh"] = x => x.Tanh(),
        ["sigmoid"] = x => x.Sigmoid(),
        ["relu"] = x => x.Relu(),
    };

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
    public static string Known => string.Join(", ", s_scalar.Keys.Concat(s_tensor.Keys));

    /// <summary>Whether <paramref name="name"/> is a function.</summary>
    public static bool Exists(string name) => s_scalar.ContainsKey(name) || s_tensor.ContainsKey(name);

    /// <summary>Whether <paramref name="name"/> works only on tensors (programs using it run in tensor mode).</summary>
    public static bool IsTensorOnly(string name) => s_tensor.ContainsKey(name);

    /// <summary>Whether <paramref name="name"/> can be called with <paramref name="count"/> arguments.</summary>
    public static bool Accepts(string name, int count) => s_tensor.TryGetValue(name, out var f)
        ? (count == 1 && f.All is not null) || (count == 2 && f.Along is not null)
        : count == 1;

    /// <summary>How many arguments <paramref name="name"/> takes, in words.</summary>
    public static string ArgumentsOf(string name) => s_tensor.TryGetValue(name, out var f)
        ? (f.All, f.Along) switch
        {
            (not null, not null) => $"a tensor and an optional axis, {name}(x) or {name}(x, axis)",
            (null, _) => $"a tensor and an axis, {name}(x, axis)",
            _ => $"one tensor, {name}(x)",
        }
        : "one argument";

    /// <summary>Applies a function to scalar values.</summary>
    /// <exception cref="ProgramException">A tensor-only function (the caller gives the position).</exception>
    public static Value Apply(string name, ReadOnlySpan<Value> arguments) => s_scalar[name](arguments[0]);

    /// <summary>Applies a function to tensors; <paramref name="axis"/> is given for the two-argument forms.</summary>
    /// <exception cref="NotSupportedException">The function has no tensor form (sin, cos).</exception>
    public static Tensor<double> Apply(string name, Tensor<double> x, int? axis)
    {
        if (s_tensor.TryGetValue(name, out var f)) return axis is int a ? f.Along!(x, a) : f.All!(x);
        if (s_elementwise.TryGetValue(name, out var elementwise)) return elementwise(x);
        throw new NotSupportedException($"{name} works on numbers only, not on tensors");
    }
}
