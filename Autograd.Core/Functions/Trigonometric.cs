using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd.Functions
{
    /// <summary>sin x. dy/dx = cos x.</summary>
    public readonly record struct Sin : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "sin";

        /// <inheritdoc/>
        public double Compute(double x) => Math.Sin(x);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sin(x, y);

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> => g * x.Cos();

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"cos({x})";
    }

    /// <summary>cos x. dy/dx = −sin x.</summary>
    public readonly record struct Cos : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "cos";

        /// <inheritdoc/>
        public double Compute(double x) => Math.Cos(x);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Cos(x, y);

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> => -(g * x.Sin());

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"-sin({x})";
    }

    /// <summary>tan x. dy/dx = 1 + tan² x = 1 + y².</summary>
    public readonly record struct Tan : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "tan";

        /// <inheritdoc/>
        public double Compute(double x) => Math.Tan(x);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Tan(x, y);

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> => g * (1 + y * y);

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"1 + {y}²";
    }
}

namespace Autograd
{
    using Autograd.Functions;

    public static partial class Differentiable
    {
        extension<TNum>(TNum x) where TNum : IDifferentiable<TNum>
        {
            /// <summary>sin x. dy/dx = cos x.</summary>
            public TNum Sin() => TNum.Apply(new Sin(), x);

            /// <summary>cos x. dy/dx = −sin x.</summary>
            public TNum Cos() => TNum.Apply(new Cos(), x);

            /// <summary>tan x. dy/dx = 1 + y².</summary>
            public TNum Tan() => TNum.Apply(new Tan(), x);
        }
    }
}
