using Autograd.Functions;
using Autograd.Tests.Tensors;

namespace Autograd.Tests.Ops;

/// <summary>One elementwise function under test: its catalog entry, where its inputs are drawn from, and its parameters.</summary>
/// <param name="Function">The function, from <see cref="FunctionCatalog"/>.</param>
/// <param name="Domain">Where its operands are drawn from.</param>
/// <param name="Parameters">The constant parameters it is applied with.</param>
public sealed record FunctionTestCase(FunctionInfo Function, Domain Domain, double[] Parameters)
{
    /// <summary>The function applied to values.</summary>
    public Value Apply(Value[] operands) => Function.Apply(operands, Parameters);

    /// <summary>The function applied to tensors.</summary>
    public Tensor<T> Apply<T>(Tensor<T>[] operands) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        Function.Apply<T>(operands, Parameters);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Function.Name}{(Function.Operands == 2 ? "(a, b)" : "")}{(Parameters.Length > 0 ? $" [{string.Join(", ", Parameters)}]" : "")}";
}

/// <summary>
/// Every elementwise function of <see cref="FunctionCatalog"/> as a test case: the scalar and tensor spec tables are
/// made from it, so a new definition is checked without being listed. Only a function whose inputs need a domain
/// other than the standard normal, or whose parameters have no default, has a line here.
/// </summary>
public static class FunctionTestCases
{
    private static readonly Dictionary<string, (Domain Domain, double[]? Parameters)> s_special = new()
    {
        [nameof(Log)] = (Domain.Positive, null),
        [nameof(Sqrt)] = (Domain.Positive, null),
        [nameof(Log1p)] = (Domain.Positive, null),
        [nameof(Divide)] = (Domain.Positive, null),
        [nameof(Power)] = (Domain.Positive, null),
        [nameof(PowerOf)] = (Domain.Any, [3]),
        [nameof(Tan)] = (Domain.Bounded, null),
        [nameof(Abs)] = (Domain.AwayFromZero, null),
        [nameof(Relu)] = (Domain.AwayFromZero, null),
        [nameof(LeakyRelu)] = (Domain.AwayFromZero, null),
        [nameof(Elu)] = (Domain.AwayFromZero, null),
        [nameof(Clamp)] = (Domain.AwayFromZero, [-0.5, 0.7]),
    };

    /// <summary>Every function of the catalog.</summary>
    public static IReadOnlyList<FunctionTestCase> All { get; } =
    [
        .. FunctionCatalog.All.Select(function =>
        {
            var (domain, parameters) = s_special.GetValueOrDefault(function.Definition.Name, (Domain.Any, null));
            parameters ??= [.. function.Parameters.Select(p => p.Default
                ?? throw new InvalidOperationException($"{function.Definition.Name}.{p.Name} has no default: give it a value in FunctionTestCases"))];
            return new FunctionTestCase(function, domain, parameters);
        }),
    ];
}
