using System.Numerics;
using System.Numerics.Tensors;
using static Autograd.Visualization.DisplayFormat;

namespace Autograd.Functions
{
    /// <summary>a + b. ∂/∂a = 1, ∂/∂b = 1.</summary>
    public readonly record struct Add : IBinaryFunction
    {
        /// <inheritdoc/>
        public string Name => "add";

        /// <inheritdoc/>
        public string? Symbol => "+";

        /// <inheritdoc/>
        public double Compute(double a, double b) => a + b;

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(a, b, y);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(a, b, y);

        /// <inheritdoc/>
        public void Compute<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(b, a, y);

        /// <inheritdoc/>
        public TNum GradientA<TNum>(TNum g, TNum a, TNum b, TNum y) where TNum : IDifferentiable<TNum> => g;

        /// <inheritdoc/>
        public TNum GradientB<TNum>(TNum g, TNum a, TNum b, TNum y) where TNum : IDifferentiable<TNum> => g;

        /// <inheritdoc/>
        public string Formula(int input, string a, string b, string y) => "1";
    }

    /// <summary>a − b. ∂/∂a = 1, ∂/∂b = −1.</summary>
    public readonly record struct Subtract : IBinaryFunction
    {
        /// <inheritdoc/>
        public string Name => "sub";

        /// <inheritdoc/>
        public string? Symbol => "-";

        /// <inheritdoc/>
        public double Compute(double a, double b) => a - b;

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, y);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, y);

        /// <inheritdoc/>
        public void Compute<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, y);

        /// <inheritdoc/>
        public TNum GradientA<TNum>(TNum g, TNum a, TNum b, TNum y) where TNum : IDifferentiable<TNum> => g;

        /// <inheritdoc/>
        public TNum GradientB<TNum>(TNum g, TNum a, TNum b, TNum y) where TNum : IDifferentiable<TNum> => -g;

        /// <inheritdoc/>
        public string Formula(int input, string a, string b, string y) => input == 0 ? "1" : "-1";
    }

    /// <summary>a · b (elementwise). ∂/∂a = b, ∂/∂b = a.</summary>
    public readonly record struct Multiply : IBinaryFunction
    {
        /// <inheritdoc/>
        public string Name => "mul";

        /// <inheritdoc/>
        public string? Symbol => "*";

        /// <inheritdoc/>
        public double Compute(double a, double b) => a * b;

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(a, b, y);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(a, b, y);

        /// <inheritdoc/>
        public void Compute<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(b, a, y);

        /// <inheritdoc/>
        public TNum GradientA<TNum>(TNum g, TNum a, TNum b, TNum y) where TNum : IDifferentiable<TNum> => g * b;

        /// <inheritdoc/>
        public TNum GradientB<TNum>(TNum g, TNum a, TNum b, TNum y) where TNum : IDifferentiable<TNum> => g * a;

        /// <inheritdoc/>
        public string Formula(int input, string a, string b, string y) => input == 0 ? b : a;
    }

    /// <summary>a / b (elementwise). ∂/∂a = 1/b, ∂/∂b = −a/b², computed as −y/b: b² underflows to 0 for |b| below
    /// 1e-154 (float64), where the quotient and the gradient are still finite.</summary>
    public readonly record struct Divide : IBinaryFunction
    {
        /// <inheritdoc/>
        public string Name => "div";

        /// <inheritdoc/>
        public string? Symbol => "/";

        /// <inheritdoc/>
        public double Compute(double a, double b) => a / b;

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, y);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, y);

        /// <inheritdoc/>
        public void Compute<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, y);

        /// <inheritdoc/>
        public TNum GradientA<TNum>(TNum g, TNum a, TNum b, TNum y) where TNum : IDifferentiable<TNum> => g / b;

        /// <inheritdoc/>
        public TNum GradientB<TNum>(TNum g, TNum a, TNum b, TNum y) where TNum : IDifferentiable<TNum> => -(g * y) / b;

        /// <inheritdoc/>
        public string Formula(int input, string a, string b, string y) => input == 0 ? $"1/{b}" : $"-{a}/{b}²";
    }

    /// <summary>a^b with a differentiable exponent. ∂/∂a = b·a^(b−1), ∂/∂b = a^b·ln a.</summary>
    public readonly record struct Power : IBinaryFunction
    {
        /// <inheritdoc/>
        public string Name => "pow";

        /// <inheritdoc/>
        public string? Symbol => "^";

        /// <inheritdoc/>
        public double Compute(double a, double b) => Math.Pow(a, b);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(a, b, y);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(a, b, y);

        /// <inheritdoc/>
        public void Compute<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(a, b, y);

        // At a = b = 0 the base's derivative is 0 (not 0·0^−1 = NaN). Only there: elsewhere b·a^(b−1) is already 0 at
        // b = 0, and masking every b = 0 (as PyTorch does) would zero its derivative in b, 1/a, in second derivatives.
        /// <inheritdoc/>
        public TNum GradientA<TNum>(TNum g, TNum a, TNum b, TNum y) where TNum : IDifferentiable<TNum>
        {
            TNum zero = TNum.Constant(0);
            return TNum.Where(TNum.Equal(b, zero) * TNum.Equal(a, zero), zero, g * b * a.Pow(b - 1));
        }

        // At a = 0 with b ≥ 0, y·ln a is 0·(−∞); take the limit 0, as PyTorch does.
        /// <inheritdoc/>
        public TNum GradientB<TNum>(TNum g, TNum a, TNum b, TNum y) where TNum : IDifferentiable<TNum>
        {
            TNum zero = TNum.Constant(0);
            return TNum.Where(TNum.Equal(a, zero) * (1 - TNum.Less(b, zero)), zero, g * y * a.Log());
        }

        /// <inheritdoc/>
        public string Formula(int input, string a, string b, string y) => input == 0 ? $"{b}·{a}^({b} - 1)" : $"{y}·log({a})";
    }

    /// <summary>−x. dy/dx = −1.</summary>
    public readonly record struct Negate : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "neg";

        /// <inheritdoc/>
        public double Compute(double x) => -x;

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Negate(x, y);

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> => -g;

        /// <inheritdoc/>
        public string Formula(string x, string y) => "-1";

        /// <inheritdoc/>
        public string Format(string x) => $"-{x}";
    }

    /// <summary>x^p for a constant exponent p. dy/dx = p·x^(p−1); for p = 0, 0 everywhere (not 0·x^−1, NaN at 0).</summary>
    /// <param name="Exponent">The constant exponent p.</param>
    public readonly record struct PowerOf(double Exponent) : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "pow";

        /// <inheritdoc/>
        public double Compute(double x) => Math.Pow(x, Exponent);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
            TensorPrimitives.Pow(x, T.CreateTruncating(Exponent), y);

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> =>
            Exponent == 0 ? TNum.ZerosLike(y) : g * Exponent * x.Pow(Exponent - 1);

        /// <inheritdoc/>
        public string Formula(string x, string y) => Exponent switch
        {
            0 => "0",
            1 => "1",
            2 => $"2·{x}",
            _ => $"{Atom(Exponent)}·{x}^{Atom(Exponent - 1)}",
        };

        /// <inheritdoc/>
        public string Format(string x) => $"{x}^{Atom(Exponent)}";
    }
}

namespace Autograd
{
    using Autograd.Functions;

    /// <summary>
    /// The elementwise functions on every <see cref="IDifferentiable{TSelf}"/> type (<see cref="Value"/>,
    /// <see cref="Tensor{T}"/>, <see cref="Real"/>), each applying its definition in <see cref="Autograd.Functions"/>.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1708", Justification = "The analyzer counts each extension block as a member named 'extension'.")]
    public static partial class Differentiable
    {
        extension<TNum>(TNum x) where TNum : IDifferentiable<TNum>
        {
            /// <summary>x^exponent for a constant exponent. dy/dx = p·x^(p−1).</summary>
            /// <param name="exponent">The constant exponent p.</param>
            public TNum Pow(double exponent) => TNum.Apply(new PowerOf(exponent), x);

            /// <summary>x^exponent with a differentiable exponent. ∂/∂x = p·x^(p−1), ∂/∂p = x^p·ln x.</summary>
            /// <param name="exponent">The exponent, broadcast against x.</param>
            public TNum Pow(TNum exponent) => TNum.Apply(new Power(), x, exponent);

            /// <summary>Applies an elementwise function given by its definition, built in or your own.</summary>
            /// <param name="function">The definition, for example <c>new LeakyRelu(0.2)</c>.</param>
            public TNum Apply<TFunction>(TFunction function) where TFunction : struct, IUnaryFunction => TNum.Apply(function, x);

            /// <summary>Applies an elementwise function of two operands given by its definition, built in or your own.</summary>
            /// <param name="function">The definition.</param>
            /// <param name="other">The second operand, broadcast against x.</param>
            public TNum Apply<TFunction>(TFunction function, TNum other) where TFunction : struct, IBinaryFunction => TNum.Apply(function, x, other);
        }
    }
}
