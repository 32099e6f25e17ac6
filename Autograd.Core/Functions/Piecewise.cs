using System.Numerics;
using System.Numerics.Tensors;
using static Autograd.Visualization.DisplayFormat;

namespace Autograd.Functions
{
    /// <summary>|x|. dy/dx = sign(x), with the subgradient 0 at 0 (as PyTorch), and 0 for NaN.</summary>
    public readonly record struct Abs : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "abs";

        /// <inheritdoc/>
        public double Compute(double x) => Math.Abs(x);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Abs(x, y);

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum>
        {
            TNum zero = TNum.Constant(0);
            return g * (TNum.Greater(x, zero) - TNum.Less(x, zero));
        }

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"sign({x})";
    }

    /// <summary>x limited to [min, max]. dy/dx = 1 inside the interval, ends included (as PyTorch), 0 outside.</summary>
    public readonly record struct Clamp : IUnaryFunction
    {
        /// <summary>Clamps to [<paramref name="min"/>, <paramref name="max"/>].</summary>
        /// <param name="min">The lower bound.</param>
        /// <param name="max">The upper bound, at least <paramref name="min"/>.</param>
        /// <exception cref="ArgumentException"><paramref name="min"/> is greater than <paramref name="max"/>, or either is NaN.</exception>
        public Clamp(double min, double max)
        {
            if (!(min <= max)) throw new ArgumentException($"clamp: min {Number(min)} is greater than max {Number(max)}");
            Min = min;
            Max = max;
        }

        /// <summary>The lower bound.</summary>
        public double Min { get; }

        /// <summary>The upper bound.</summary>
        public double Max { get; }

        /// <inheritdoc/>
        public string Name => "clamp";

        /// <inheritdoc/>
        public double Compute(double x) => Math.Clamp(x, Min, Max);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
            TensorPrimitives.Clamp(x, T.CreateTruncating(Min), T.CreateTruncating(Max), y);

        // Chosen, not multiplied by a 0/1 mask: an infinite upstream gradient outside the interval (a sqrt or log guarded
        // by the clamp) must give 0 there, not ∞·0 = NaN.
        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum>
        {
            TNum zero = TNum.Constant(0);
            return TNum.Where(TNum.Less(x, TNum.Constant(Min)), zero, TNum.Where(TNum.Greater(x, TNum.Constant(Max)), zero, g));
        }

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"[{Number(Min)} ≤ {x} ≤ {Number(Max)}]";

        /// <inheritdoc/>
        public string Format(string x) => $"clamp({x}, {Number(Min)}, {Number(Max)})";
    }

    /// <summary>
    /// The elementwise minimum of a and b. The smaller operand takes the gradient; at a tie each takes half, as in
    /// PyTorch, so the two halves add up to the gradient of the common value.
    /// </summary>
    public readonly record struct Minimum : IBinaryFunction
    {
        /// <inheritdoc/>
        public string Name => "minimum";

        /// <inheritdoc/>
        public string? Symbol => null;

        /// <inheritdoc/>
        public double Compute(double a, double b) => Math.Min(a, b);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(a, b, y);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(a, b, y);

        /// <inheritdoc/>
        public void Compute<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(b, a, y);

        /// <inheritdoc/>
        public TNum GradientA<TNum>(TNum g, TNum a, TNum b, TNum y) where TNum : IDifferentiable<TNum> => Maximum.Share(g, b, a, y);

        /// <inheritdoc/>
        public TNum GradientB<TNum>(TNum g, TNum a, TNum b, TNum y) where TNum : IDifferentiable<TNum> => Maximum.Share(g, a, b, y);

        /// <inheritdoc/>
        public string Formula(int input, string a, string b, string y) =>
            input == 0 ? $"[{a} < {b}] + ½[{a} = {b}]" : $"[{b} < {a}] + ½[{a} = {b}]";
    }

    /// <summary>
    /// The elementwise maximum of a and b. The larger operand takes the gradient; at a tie each takes half, as in
    /// PyTorch.
    /// </summary>
    public readonly record struct Maximum : IBinaryFunction
    {
        /// <inheritdoc/>
        public string Name => "maximum";

        /// <inheritdoc/>
        public string? Symbol => null;

        /// <inheritdoc/>
        public double Compute(double a, double b) => Math.Max(a, b);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(a, b, y);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(a, b, y);

        /// <inheritdoc/>
        public void Compute<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(b, a, y);

        /// <inheritdoc/>
        public TNum GradientA<TNum>(TNum g, TNum a, TNum b, TNum y) where TNum : IDifferentiable<TNum> => Share(g, a, b, y);

        /// <inheritdoc/>
        public TNum GradientB<TNum>(TNum g, TNum a, TNum b, TNum y) where TNum : IDifferentiable<TNum> => Share(g, b, a, y);

        /// <inheritdoc/>
        public string Formula(int input, string a, string b, string y) =>
            input == 0 ? $"[{a} > {b}] + ½[{a} = {b}]" : $"[{b} > {a}] + ½[{a} = {b}]";

        /// <summary>The gradient of the operand <paramref name="self"/>: all of g where it is above <paramref name="other"/>, half at a tie.</summary>
        internal static TNum Share<TNum>(TNum g, TNum self, TNum other, TNum y) where TNum : IDifferentiable<TNum> =>
            TNum.Where(TNum.Greater(self, other), g, TNum.Where(TNum.Equal(self, other), g * 0.5, TNum.Constant(0)));
    }
}

namespace Autograd
{
    using Autograd.Functions;

    public static partial class Differentiable
    {
        extension<TNum>(TNum x) where TNum : IDifferentiable<TNum>
        {
            /// <summary>|x|. dy/dx = sign(x), 0 at 0.</summary>
            public TNum Abs() => TNum.Apply(new Abs(), x);

            /// <summary>x limited to [min, max]. dy/dx = 1 inside (ends included), 0 outside.</summary>
            /// <param name="min">The lower bound.</param>
            /// <param name="max">The upper bound, at least <paramref name="min"/>.</param>
            /// <exception cref="ArgumentException"><paramref name="min"/> is greater than <paramref name="max"/>.</exception>
            public TNum Clamp(double min, double max) => TNum.Apply(new Clamp(min, max), x);

            /// <summary>The elementwise minimum of x and <paramref name="other"/> (broadcasting); a tie shares the gradient equally.</summary>
            /// <param name="other">The other operand.</param>
            public TNum Minimum(TNum other) => TNum.Apply(new Minimum(), x, other);

            /// <summary>The elementwise minimum of x and a constant.</summary>
            /// <param name="other">The constant.</param>
            public TNum Minimum(double other) => TNum.Apply(new Minimum(), x, TNum.Constant(other));

            /// <summary>The elementwise maximum of x and <paramref name="other"/> (broadcasting); a tie shares the gradient equally.</summary>
            /// <param name="other">The other operand.</param>
            public TNum Maximum(TNum other) => TNum.Apply(new Maximum(), x, other);

            /// <summary>The elementwise maximum of x and a constant.</summary>
            /// <param name="other">The constant.</param>
            public TNum Maximum(double other) => TNum.Apply(new Maximum(), x, TNum.Constant(other));
        }
    }
}
