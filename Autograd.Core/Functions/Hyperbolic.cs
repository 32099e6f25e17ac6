using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd.Functions
{
    /// <summary>asinh x = ln(x + √(x² + 1)). dy/dx = 1/√(1 + x²).</summary>
    public readonly record struct Asinh : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "asinh";

        /// <inheritdoc/>
        public double Compute(double x) => Math.Asinh(x);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Asinh(x, y);

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> => g / (1 + x * x).Sqrt();

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"1/√(1 + {x}²)";
    }
}

namespace Autograd
{
    using Autograd.Functions;

    public static partial class Differentiable
    {
        extension<TNum>(TNum x) where TNum : IDifferentiable<TNum>
        {
            /// <summary>asinh x. dy/dx = 1/√(1 + x²).</summary>
            public TNum Asinh() => TNum.Apply(new Asinh(), x);
        }
    }
}
