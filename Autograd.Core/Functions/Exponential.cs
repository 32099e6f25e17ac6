using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd.Functions
{
    /// <summary>eˣ. dy/dx = eˣ = y.</summary>
    public readonly record struct Exp : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "exp";

        /// <inheritdoc/>
        public double Compute(double x) => Math.Exp(x);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Exp(x, y);

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> => g * y;

        /// <inheritdoc/>
        public string Formula(string x, string y) => y;
    }

    /// <summary>ln x. dy/dx = 1/x.</summary>
    public readonly record struct Log : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "log";

        /// <inheritdoc/>
        public double Compute(double x) => Math.Log(x);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Log(x, y);

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> => g / x;

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"1/{x}";
    }

    /// <summary>√x. dy/dx = 1/(2√x) = 1/(2y).</summary>
    public readonly record struct Sqrt : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "sqrt";

        /// <inheritdoc/>
        public double Compute(double x) => Math.Sqrt(x);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sqrt(x, y);

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> => g / (2 * y);

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"1/(2·{y})";
    }

    /// <summary>ln(1 + x), accurate where 1 + x rounds. dy/dx = 1/(1 + x).</summary>
    public readonly record struct Log1p : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "log1p";

        /// <inheritdoc/>
        public double Compute(double x) => ScalarMath.Log1p(x);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarMath.Map(x, y, ScalarMath.Log1p);

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> => g / (1 + x);

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"1/(1 + {x})";
    }

    /// <summary>eˣ − 1, accurate where eˣ rounds to 1. dy/dx = eˣ = y + 1.</summary>
    public readonly record struct Expm1 : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "expm1";

        /// <inheritdoc/>
        public double Compute(double x) => ScalarMath.Expm1(x);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarMath.Map(x, y, ScalarMath.Expm1);

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> => g * (y + 1);

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"{y} + 1";
    }
}

namespace Autograd
{
    using Autograd.Functions;

    public static partial class Differentiable
    {
        extension<TNum>(TNum x) where TNum : IDifferentiable<TNum>
        {
            /// <summary>eˣ. dy/dx = y.</summary>
            public TNum Exp() => TNum.Apply(new Exp(), x);

            /// <summary>ln x. dy/dx = 1/x.</summary>
            public TNum Log() => TNum.Apply(new Log(), x);

            /// <summary>√x. dy/dx = 1/(2y).</summary>
            public TNum Sqrt() => TNum.Apply(new Sqrt(), x);

            /// <summary>ln(1 + x), accurate for tiny x. dy/dx = 1/(1 + x).</summary>
            public TNum Log1p() => TNum.Apply(new Log1p(), x);

            /// <summary>eˣ − 1, accurate for tiny x. dy/dx = y + 1.</summary>
            public TNum Expm1() => TNum.Apply(new Expm1(), x);
        }
    }
}
