using System.Numerics;
using System.Reflection;

namespace Autograd.Functions;

/// <summary>
/// One elementwise function as the catalog lists it: found from its definition, so a new definition appears in
/// the command line, the explanations and the tests' spec tables without being listed anywhere else.
/// </summary>
/// <param name="Name">The function's name, as PyTorch spells it.</param>
/// <param name="Definition">The definition's type, a struct implementing <see cref="IUnaryFunction"/> or <see cref="IBinaryFunction"/>.</param>
/// <param name="Operands">1 or 2.</param>
/// <param name="Parameters">The constant parameters (the definition's constructor), with their defaults where they have one.</param>
public sealed record FunctionInfo(string Name, Type Definition, int Operands, IReadOnlyList<FunctionParameter> Parameters)
{
    /// <summary>True for a function the program language writes as an operator (<c>+</c>, <c>-x</c>, <c>x^3</c>), not as <c>name(...)</c>.</summary>
    public bool IsOperator => Create([.. Parameters.Select(p => p.Default ?? 1)]) switch
    {
        IBinaryFunction binary => binary.Symbol is not null,
        IUnaryFunction unary => !unary.Format("x").StartsWith(Name + "(", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>The definition with the given parameter values (one per parameter, in order).</summary>
    /// <param name="parameters">The parameter values.</param>
    /// <exception cref="ArgumentException">A value the definition refuses (clamp's min above its max), or the wrong count.</exception>
    public object Create(IReadOnlyList<double> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count != Parameters.Count)
            throw new ArgumentException($"{Name} takes {Parameters.Count} constant parameter(s), not {parameters.Count}");
        if (Parameters.Count == 0) return Activator.CreateInstance(Definition)!;
        try
        {
            return Activator.CreateInstance(Definition, [.. parameters.Select(p => (object)p)])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is ArgumentException inner)
        {
            throw inner;
        }
    }

    /// <summary>Applies the function to scalar values.</summary>
    /// <param name="operands">One or two operands.</param>
    /// <param name="parameters">The constant parameters' values.</param>
    public Value Apply(IReadOnlyList<Value> operands, IReadOnlyList<double> parameters) =>
        (Value)Invoke(typeof(Value), operands, parameters);

    /// <summary>Applies the function to tensors (broadcasting two operands).</summary>
    /// <param name="operands">One or two operands.</param>
    /// <param name="parameters">The constant parameters' values.</param>
    /// <typeparam name="T">float or double.</typeparam>
    public Tensor<T> Apply<T>(IReadOnlyList<Tensor<T>> operands, IReadOnlyList<double> parameters) where T : unmanaged, IFloatingPointIeee754<T> =>
        (Tensor<T>)Invoke(typeof(Tensor<T>), operands, parameters);

    private object Invoke<TNum>(Type type, IReadOnlyList<TNum> operands, IReadOnlyList<double> parameters)
    {
        ArgumentNullException.ThrowIfNull(operands);
        if (operands.Count != Operands) throw new ArgumentException($"{Name} takes {Operands} operand(s), not {operands.Count}");
        MethodInfo apply = typeof(FunctionInfo).GetMethod(Operands == 1 ? nameof(ApplyUnary) : nameof(ApplyBinary), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type, Definition);
        try
        {
            return apply.Invoke(null, [Create(parameters), .. operands.Select(o => (object?)o)])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private static TNum ApplyUnary<TNum, TFunction>(TFunction function, TNum x)
        where TNum : IDifferentiable<TNum> where TFunction : struct, IUnaryFunction => TNum.Apply(function, x);

    private static TNum ApplyBinary<TNum, TFunction>(TFunction function, TNum a, TNum b)
        where TNum : IDifferentiable<TNum> where TFunction : struct, IBinaryFunction => TNum.Apply(function, a, b);
}

/// <summary>A constant parameter of an elementwise function, such as leaky_relu's slope.</summary>
/// <param name="Name">The parameter's name, as the definition's constructor spells it.</param>
/// <param name="Default">The value when it is not given, or null when it must be.</param>
public sealed record FunctionParameter(string Name, double? Default);

/// <summary>Every elementwise function defined in <see cref="Autograd.Functions"/>, by name.</summary>
public static class FunctionCatalog
{
    private static readonly Lazy<IReadOnlyList<FunctionInfo>> s_all = new(Find);

    /// <summary>Every function, in name order (two operands after one where a name has both forms).</summary>
    public static IReadOnlyList<FunctionInfo> All => s_all.Value;

    /// <summary>The functions with this name (pow has a constant-exponent form and a two-operand form).</summary>
    /// <param name="name">The function's name.</param>
    public static IEnumerable<FunctionInfo> Named(string name) => All.Where(f => f.Name == name);

    private static List<FunctionInfo> Find() =>
    [
        .. typeof(FunctionCatalog).Assembly.GetTypes()
            .Where(t => t.IsValueType && t.IsPublic && (typeof(IUnaryFunction).IsAssignableFrom(t) || typeof(IBinaryFunction).IsAssignableFrom(t)))
            .Select(Describe)
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ThenBy(f => f.Operands),
    ];

    private static FunctionInfo Describe(Type type)
    {
        // The widest public constructor names the parameters; a struct without one has none.
        ConstructorInfo? constructor = type.GetConstructors().Where(c => c.GetParameters().All(p => p.ParameterType == typeof(double)))
            .OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        FunctionParameter[] parameters = constructor is null ? [] :
            [.. constructor.GetParameters().Select(p => new FunctionParameter(p.Name!, p.HasDefaultValue ? (double?)p.DefaultValue : null))];
        object instance = Activator.CreateInstance(type)!;
        return instance switch
        {
            IUnaryFunction unary => new FunctionInfo(unary.Name, type, 1, parameters),
            IBinaryFunction binary => new FunctionInfo(binary.Name, type, 2, parameters),
            _ => throw new InvalidOperationException($"{type.Name} is not a function definition"),
        };
    }
}
