namespace Autograd.Cli.Language;

/// <summary>The functions a program may call, each with its number of arguments.</summary>
internal static class Functions
{
    private static readonly Dictionary<string, Func<Value, Value>> s_unary = new(StringComparer.Ordinal)
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

    /// <summary>The function names, for error messages.</summary>
    public static string Known => string.Join(", ", s_unary.Keys);

    /// <summary>How many arguments <paramref name="name"/> takes, or null when there is no such function.</summary>
    public static int? Arity(string name) => s_unary.ContainsKey(name) ? 1 : null;

    /// <summary>Applies <paramref name="name"/> to its arguments.</summary>
    public static Value Apply(string name, ReadOnlySpan<Value> arguments) => s_unary[name](arguments[0]);
}
