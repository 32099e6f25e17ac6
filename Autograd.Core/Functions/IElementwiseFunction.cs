using System.Numerics;

namespace Autograd.Functions;

/// <summary>
/// An elementwise function y = f(x), stated once: its name, its forward computation on one number and on a span, its
/// gradient rule written with <see cref="IDifferentiable{TSelf}"/> operations, and the formula explanations print.
/// <see cref="Value"/> and <see cref="Tensor{T}"/> methods, the command line's function table and the tests' spec
/// tables all come from these definitions. Implement it as a <c>readonly record struct</c>; constant parameters
/// (a slope, bounds) are its fields, and the command line takes them after the operand, with the constructor's
/// defaults.
/// </summary>
public interface IUnaryFunction
{
    /// <summary>The function's name, as PyTorch and the command line spell it: <c>tanh</c>, <c>leaky_relu</c>.</summary>
    string Name { get; }

    /// <summary>y = f(x) for one number.</summary>
    /// <param name="x">The operand.</param>
    double Compute(double x);

    /// <summary>y[i] = f(x[i]) for every element; <paramref name="y"/> may be <paramref name="x"/> itself.</summary>
    /// <param name="x">The operands.</param>
    /// <param name="y">Where the results go, as long as <paramref name="x"/>.</param>
    /// <typeparam name="T">float or double.</typeparam>
    void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// The vector-Jacobian product ∂L/∂x = g ⊙ dy/dx, from the upstream gradient g = ∂L/∂y, the operand x and the
    /// result y. It must be linear in g (it is then also the tangent rule: ∂y = dy/dx ⊙ ∂x).
    /// </summary>
    /// <param name="g">The upstream gradient ∂L/∂y.</param>
    /// <param name="x">The operand.</param>
    /// <param name="y">The result f(x).</param>
    /// <typeparam name="TNum">What the rule runs on: numbers, values or tensors.</typeparam>
    TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum>;

    /// <summary>dy/dx as a formula in the names of the operand and the result, for explanations: <c>1 - y²</c>.</summary>
    /// <param name="x">The operand's name.</param>
    /// <param name="y">The result's name.</param>
    string Formula(string x, string y);

    /// <summary>How an application is written: <c>tanh(x)</c>, <c>x^3</c>.</summary>
    /// <param name="x">The operand's name.</param>
    string Format(string x) => $"{Name}({x})";
}

/// <summary>
/// An elementwise function y = f(a, b) of two operands that broadcast against each other, stated once, as
/// <see cref="IUnaryFunction"/> is. Binary functions take no constant parameters.
/// </summary>
public interface IBinaryFunction
{
    /// <summary>The function's name, as PyTorch spells it: <c>add</c>, <c>maximum</c>.</summary>
    string Name { get; }

    /// <summary>The infix symbol, for example <c>+</c>, or null for a function written <c>name(a, b)</c>.</summary>
    string? Symbol { get; }

    /// <summary>y = f(a, b) for one pair of numbers.</summary>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand.</param>
    double Compute(double a, double b);

    /// <summary>y[i] = f(a[i], b[i]).</summary>
    /// <param name="a">The first operands.</param>
    /// <param name="b">The second operands.</param>
    /// <param name="y">Where the results go.</param>
    /// <typeparam name="T">float or double.</typeparam>
    void Compute<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>y[i] = f(a[i], b): the second operand broadcast.</summary>
    /// <param name="a">The first operands.</param>
    /// <param name="b">The second operand.</param>
    /// <param name="y">Where the results go.</param>
    /// <typeparam name="T">float or double.</typeparam>
    void Compute<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>y[i] = f(a, b[i]): the first operand broadcast.</summary>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operands.</param>
    /// <param name="y">Where the results go.</param>
    /// <typeparam name="T">float or double.</typeparam>
    void Compute<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The vector-Jacobian product for the first operand, ∂L/∂a = g ⊙ ∂y/∂a, written for the broadcast shape
    /// (the engine sums it back to a's shape). Linear in g.</summary>
    /// <param name="g">The upstream gradient ∂L/∂y.</param>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand.</param>
    /// <param name="y">The result.</param>
    /// <typeparam name="TNum">What the rule runs on: numbers, values or tensors.</typeparam>
    TNum GradientA<TNum>(TNum g, TNum a, TNum b, TNum y) where TNum : IDifferentiable<TNum>;

    /// <summary>The vector-Jacobian product for the second operand, ∂L/∂b = g ⊙ ∂y/∂b. Linear in g.</summary>
    /// <param name="g">The upstream gradient ∂L/∂y.</param>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand.</param>
    /// <param name="y">The result.</param>
    /// <typeparam name="TNum">What the rule runs on: numbers, values or tensors.</typeparam>
    TNum GradientB<TNum>(TNum g, TNum a, TNum b, TNum y) where TNum : IDifferentiable<TNum>;

    /// <summary>∂y/∂a (<paramref name="input"/> 0) or ∂y/∂b (1) as a formula in the names, for explanations.</summary>
    /// <param name="input">0 for a, 1 for b.</param>
    /// <param name="a">The first operand's name.</param>
    /// <param name="b">The second operand's name.</param>
    /// <param name="y">The result's name.</param>
    string Formula(int input, string a, string b, string y);
}
