using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd.Functions
{
    /// <summary>tanh x. dy/dx = 1 − y².</summary>
    public readonly record struct Tanh : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "tanh";

        /// <inheritdoc/>
        public double Compute(double x) => Math.Tanh(x);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Tanh(x, y);

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> => g * (1 - y * y);

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"1 - {y}²";
    }

    /// <summary>σ(x) = 1/(1 + e^−x). dy/dx = y(1 − y).</summary>
    public readonly record struct Sigmoid : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "sigmoid";

        /// <inheritdoc/>
        public double Compute(double x) => ScalarMath.Sigmoid(x);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sigmoid(x, y);

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> => g * y * (1 - y);

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"{y}·(1 - {y})";
    }

    /// <summary>
    /// log σ(x) = min(x, 0) − log(1 + e^−|x|): neither e^−x overflows nor σ(x) rounds to 0 before the logarithm.
    /// dy/dx = σ(−x), which keeps its digits for large x, where 1 − e^y cancels to 0. Logistic losses and word2vec use it.
    /// </summary>
    public readonly record struct LogSigmoid : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "log_sigmoid";

        /// <inheritdoc/>
        public double Compute(double x) => Math.Min(x, 0) - ScalarMath.Log1p(Math.Exp(-Math.Abs(x)));

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T[] rented = ArrayPool<T>.Shared.Rent(x.Length);
            Span<T> tail = rented.AsSpan(0, x.Length);
            Softplus.LogOnePlusExpOfMinusAbs(x, tail);
            TensorPrimitives.Min(x, T.Zero, y);
            TensorPrimitives.Subtract(y, tail, y);
            ArrayPool<T>.Shared.Return(rented);
        }

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> => g * (-x).Sigmoid();

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"sigmoid(-{x})";
    }

    /// <summary>softplus x = ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^−|x|). dy/dx = σ(x).</summary>
    public readonly record struct Softplus : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "softplus";

        /// <inheritdoc/>
        public double Compute(double x) => Math.Max(x, 0) + ScalarMath.Log1p(Math.Exp(-Math.Abs(x)));

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T[] rented = ArrayPool<T>.Shared.Rent(x.Length);
            Span<T> tail = rented.AsSpan(0, x.Length);
            LogOnePlusExpOfMinusAbs(x, tail);
            TensorPrimitives.Max(x, T.Zero, y);
            TensorPrimitives.Add(y, tail, y);
            ArrayPool<T>.Shared.Return(rented);
        }

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> => g * x.Sigmoid();

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"sigmoid({x})";

        /// <summary>ln(1 + e^−|x|) with SIMD passes; <paramref name="destination"/> must not overlap <paramref name="x"/>.</summary>
        internal static void LogOnePlusExpOfMinusAbs<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T[] rented = ArrayPool<T>.Shared.Rent(x.Length);
            Span<T> t = rented.AsSpan(0, x.Length);
            TensorPrimitives.Abs(x, t);
            TensorPrimitives.Negate(t, t);
            TensorPrimitives.Exp(t, t);
            TensorPrimitives.Add(t, T.One, destination);
            TensorPrimitives.Log(destination, destination);
            // ln(1 + t) loses t's digits when t is tiny: there it is t − t²/2 to working precision.
            T small = T.CreateTruncating(1e-4), half = T.CreateTruncating(0.5);
            for (int i = 0; i < t.Length; i++)
                if (t[i] < small) destination[i] = t[i] * (T.One - half * t[i]);
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>max(0, x). dy/dx = 1 where x &gt; 0, else 0 (the subgradient 0 at the kink, as PyTorch); NaN passes through.</summary>
    public readonly record struct Relu : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "relu";

        /// <inheritdoc/>
        public double Compute(double x) => x > 0 || double.IsNaN(x) ? x : 0;

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x, T.Zero, y);

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> => TNum.WherePositive(x, g);

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"[{x} > 0]";
    }

    /// <summary>x where x &gt; 0, else slope·x. dy/dx = 1 where x &gt; 0, else the slope (at 0 too, as PyTorch).</summary>
    /// <param name="Slope">The slope for x ≤ 0; PyTorch's default is 0.01.</param>
    public readonly record struct LeakyRelu(double Slope = 0.01) : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "leaky_relu";

        /// <inheritdoc/>
        public double Compute(double x) => x > 0 ? x : Slope * x;

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T slope = T.CreateTruncating(Slope);
            for (int i = 0; i < x.Length; i++) y[i] = x[i] > T.Zero ? x[i] : slope * x[i];
        }

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> =>
            TNum.Where(TNum.Greater(x, TNum.Constant(0)), g, g * Slope);

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"({x} > 0 ? 1 : {Visualization.DisplayFormat.Number(Slope)})";
    }

    /// <summary>x where x &gt; 0, else α(eˣ − 1). dy/dx = 1 where x &gt; 0, else α·eˣ.</summary>
    /// <param name="Alpha">α, the value approached as x → −∞ is −α; PyTorch's default is 1.</param>
    public readonly record struct Elu(double Alpha = 1) : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "elu";

        /// <inheritdoc/>
        public double Compute(double x) => x > 0 ? x : Alpha * ScalarMath.Expm1(x);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            double alpha = Alpha;
            ScalarMath.Map(x, y, v => v > 0 ? v : alpha * ScalarMath.Expm1(v));
        }

        // α·eˣ rather than y + α, which cancels for very negative x.
        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> =>
            TNum.Where(TNum.Greater(x, TNum.Constant(0)), g, g * Alpha * x.Exp());

        /// <inheritdoc/>
        public string Formula(string x, string y) =>
            $"({x} > 0 ? 1 : {(Alpha == 1 ? "" : Visualization.DisplayFormat.Number(Alpha) + "·")}exp({x}))";
    }

    /// <summary>
    /// GELU in its exact form, x·Φ(x), with Φ the standard normal distribution function Φ(x) = (1 + erf(x/√2))/2.
    /// dy/dx = Φ(x) + x·φ(x), with φ(x) = e^(−x²/2)/√(2π).
    /// </summary>
    public readonly record struct Gelu : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "gelu";

        // Φ(x) as erfc(−x/√2)/2 keeps its digits in the left tail, where 1 + erf cancels.
        /// <inheritdoc/>
        public double Compute(double x) => x * 0.5 * ScalarMath.Erfc(-x * ScalarMath.InverseSqrt2);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
            ScalarMath.Map(x, y, v => v * 0.5 * ScalarMath.Erfc(-v * ScalarMath.InverseSqrt2));

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum>
        {
            TNum cdf = 0.5 * (1 + (x * ScalarMath.InverseSqrt2).Erf());
            TNum density = (-0.5 * x * x).Exp() * ScalarMath.InverseSqrt2Pi;
            return g * (cdf + x * density);
        }

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"Φ({x}) + {x}·φ({x})";
    }

    /// <summary>The error function erf x = 2/√π ∫₀ˣ e^−t² dt. dy/dx = 2/√π · e^−x².</summary>
    public readonly record struct Erf : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "erf";

        /// <inheritdoc/>
        public double Compute(double x) => ScalarMath.Erf(x);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarMath.Map(x, y, ScalarMath.Erf);

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum> =>
            g * (2 * ScalarMath.InverseSqrtPi) * (-(x * x)).Exp();

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"2/√π·exp(-{x}²)";
    }

    /// <summary>SiLU (swish) x·σ(x). dy/dx = σ(x)·(1 + x·(1 − σ(x))).</summary>
    public readonly record struct Silu : IUnaryFunction
    {
        /// <inheritdoc/>
        public string Name => "silu";

        /// <inheritdoc/>
        public double Compute(double x) => x * ScalarMath.Sigmoid(x);

        /// <inheritdoc/>
        public void Compute<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            TensorPrimitives.Sigmoid(x, y);
            TensorPrimitives.Multiply(x, y, y);
        }

        /// <inheritdoc/>
        public TNum Gradient<TNum>(TNum g, TNum x, TNum y) where TNum : IDifferentiable<TNum>
        {
            TNum s = x.Sigmoid();
            return g * s * (1 + x * (1 - s));
        }

        /// <inheritdoc/>
        public string Formula(string x, string y) => $"σ({x})·(1 + {x}·(1 - σ({x})))";
    }
}

namespace Autograd
{
    using Autograd.Functions;

    public static partial class Differentiable
    {
        extension<TNum>(TNum x) where TNum : IDifferentiable<TNum>
        {
            /// <summary>tanh x. dy/dx = 1 − y².</summary>
            public TNum Tanh() => TNum.Apply(new Tanh(), x);

            /// <summary>σ(x) = 1/(1 + e^−x). dy/dx = y(1 − y).</summary>
            public TNum Sigmoid() => TNum.Apply(new Sigmoid(), x);

            /// <summary>log σ(x), stable for large |x|. dy/dx = σ(−x).</summary>
            public TNum LogSigmoid() => TNum.Apply(new LogSigmoid(), x);

            /// <summary>ln(1 + eˣ), stable for large |x|. dy/dx = σ(x).</summary>
            public TNum Softplus() => TNum.Apply(new Softplus(), x);

            /// <summary>max(0, x). dy/dx = 1 where x &gt; 0, else 0.</summary>
            public TNum Relu() => TNum.Apply(new Relu(), x);

            /// <summary>x where x &gt; 0, else slope·x. dy/dx = 1 or the slope.</summary>
            /// <param name="slope">The slope for x ≤ 0 (PyTorch's default 0.01).</param>
            public TNum LeakyRelu(double slope = 0.01) => TNum.Apply(new LeakyRelu(slope), x);

            /// <summary>x where x &gt; 0, else α(eˣ − 1). dy/dx = 1 or α·eˣ.</summary>
            /// <param name="alpha">α (PyTorch's default 1).</param>
            public TNum Elu(double alpha = 1) => TNum.Apply(new Elu(alpha), x);

            /// <summary>GELU, x·Φ(x) (the exact, erf form). dy/dx = Φ(x) + x·φ(x).</summary>
            public TNum Gelu() => TNum.Apply(new Gelu(), x);

            /// <summary>erf x. dy/dx = 2/√π · e^−x².</summary>
            public TNum Erf() => TNum.Apply(new Erf(), x);

            /// <summary>SiLU, x·σ(x). dy/dx = σ(x)·(1 + x·(1 − σ(x))).</summary>
            public TNum Silu() => TNum.Apply(new Silu(), x);
        }
    }
}
