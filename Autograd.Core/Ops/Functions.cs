using System.Numerics;
using System.Numerics.Tensors;
using Autograd.Kernels;
using Autograd.Memory;

namespace Autograd;

// Elementwise functions, each with its derivative; rules that are cheaper in terms of the output (exp, tanh,
// sigmoid) use it, as PyTorch's derivatives.yaml does.
public sealed partial class Tensor<T>
{
    /// <summary>e^x. dy/dx = y.</summary>
    public Tensor<T> Exp()
    {
        Tensor<T> y = Map(TensorPrimitives.Exp);
        return Record(y, "exp", [this], g => [g * y]);
    }

    /// <summary>ln x. dy/dx = 1/x.</summary>
    public Tensor<T> Log()
    {
        Tensor<T> x = this;
        return Record(Map(TensorPrimitives.Log), "log", [x], g => [g / x]);
    }

    /// <summary>√x. dy/dx = 1/(2y).</summary>
    public Tensor<T> Sqrt()
    {
        Tensor<T> y = Map(TensorPrimitives.Sqrt);
        return Record(y, "sqrt", [this], g => [g / (y * T.CreateTruncating(2))]);
    }

    /// <summary>|x|. dy/dx = sign(x), with the subgradient 0 at 0 (as PyTorch).</summary>
    public Tensor<T> Abs()
    {
        Tensor<T> x = this;
        return Record(Map(TensorPrimitives.Abs), "abs", [x], g => [g * (Greater(x, Zero) - Less(x, Zero))]);
    }

    /// <summary>tanh x. dy/dx = 1 − y².</summary>
    public Tensor<T> Tanh()
    {
        Tensor<T> y = Map(TensorPrimitives.Tanh);
        return Record(y, "tanh", [this], g => [g * (T.One - y * y)]);
    }

    /// <summary>σ(x) = 1/(1 + e^−x). dy/dx = y(1 − y).</summary>
    public Tensor<T> Sigmoid()
    {
        Tensor<T> y = Map(TensorPrimitives.Sigmoid);
        return Record(y, "sigmoid", [this], g => [g * y * (T.One - y)]);
    }

    /// <summary>
    /// log σ(x) = −log(1 + e^−x), computed as min(x, 0) − log(1 + e^−|x|) so that neither e^−x overflows nor σ(x)
    /// rounds to 0 before the logarithm. dy/dx = σ(−x) = 1 − e^y. The losses of word2vec and logistic models use it.
    /// </summary>
    public Tensor<T> LogSigmoid()
    {
        Tensor<T> y = Map(static (source, destination) =>
        {
            // log σ(x) = min(x, 0) − log1p(e^−|x|), with SIMD passes; the map may be called in place, so t has its own buffer.
            T[] rented = System.Buffers.ArrayPool<T>.Shared.Rent(2 * source.Length);
            Span<T> t = rented.AsSpan(0, source.Length), log1p = rented.AsSpan(source.Length, source.Length);
            TensorPrimitives.Abs(source, t);
            TensorPrimitives.Negate(t, t);
            TensorPrimitives.Exp(t, t);
            TensorPrimitives.Add(t, T.One, log1p);
            TensorPrimitives.Log(log1p, log1p);
            // log(1 + t) loses t's digits when t is tiny: there log1p(t) = t − t²/2 to working precision.
            T small = T.CreateTruncating(1e-4), half = T.CreateTruncating(0.5);
            for (int i = 0; i < t.Length; i++)
                if (t[i] < small) log1p[i] = t[i] * (T.One - half * t[i]);

            TensorPrimitives.Min(source, T.Zero, destination);
            TensorPrimitives.Subtract(destination, log1p, destination);
            System.Buffers.ArrayPool<T>.Shared.Return(rented);
        });
        // d/dx log σ(x) = 1 − σ(x) = σ(−x): the latter keeps its digits for large x, where 1 − e^y cancels to 0.
        Tensor<T> x = this;
        return Record(y, "log_sigmoid", [x], g => [g * (-x).Sigmoid()]);
    }

    /// <summary>max(0, x). dy/dx = 1 where x &gt; 0, else 0 (the subgradient 0 at the kink, as PyTorch).</summary>
    public Tensor<T> Relu()
    {
        Tensor<T> x = this;
        Tensor<T> y = Map((s, d) => TensorPrimitives.Max(s, T.Zero, d));
        return Record(y, "relu", [x], g => [ReluBackward(g, x)]);
    }

    /// <summary>
    /// g where x &gt; 0, else 0: relu's backward in one pass instead of a mask and a product (PyTorch's threshold
    /// backward). It is linear in g, so its own gradient is the same masking of the upstream gradient; x gets none.
    /// </summary>
    private static Tensor<T> ReluBackward(Tensor<T> g, Tensor<T> x) =>
        Record(Binary<PassWherePositiveOperator<T>>(g, x, "relu_backward"), "relu_backward", [g], gg => [ReluBackward(gg, x)]);

    /// <summary>x where x &gt; 0, else slope·x. dy/dx = 1 or slope.</summary>
    /// <param name="slope">The slope for negative inputs (PyTorch's default is 0.01).</param>
    public Tensor<T> LeakyRelu(T slope)
    {
        Tensor<T> x = this;
        var y = new Tensor<T>(Elementwise.Map(x, v => v > T.Zero ? v : slope * v), _shape);
        return Record(y, "leaky_relu", [x], g => [g * Where(Greater(x, Zero), One, Constant(slope))]);
    }

    /// <summary>x limited to [min, max]. dy/dx = 1 inside the interval (ends included), 0 outside.</summary>
    /// <param name="min">The lower bound.</param>
    /// <param name="max">The upper bound, at least <paramref name="min"/>.</param>
    public Tensor<T> Clamp(T min, T max)
    {
        if (min > max) throw new ArgumentException($"clamp: min {min} is greater than max {max}");
        Tensor<T> x = this;
        Tensor<T> y = Map((s, d) => TensorPrimitives.Clamp(s, min, max, d));
        // Chosen, not multiplied by a 0/1 mask: an infinite upstream gradient outside the interval (a sqrt or log
        // guarded by the clamp) must give 0 there, not ∞·0 = NaN.
        return Record(y, "clamp", [x], g => [Where((One - Less(x, Constant(min))) * (One - Greater(x, Constant(max))), g, Zero)]);
    }

    /// <summary>
    /// Elementwise choice: <paramref name="a"/> where <paramref name="mask"/> is non-zero, else <paramref name="b"/>,
    /// broadcasting all three. The mask gets no gradient; a gets g where the mask is non-zero and 0 elsewhere, b the
    /// other way round (chosen, not multiplied by the mask, so that an infinite g on the side not taken gives 0, not NaN).
    /// </summary>
    /// <param name="mask">Non-zero where a is chosen (for example a comparison mask).</param>
    /// <param name="a">Chosen where the mask is non-zero.</param>
    /// <param name="b">Chosen elsewhere.</param>
    public static Tensor<T> Where(Tensor<T> mask, Tensor<T> a, Tensor<T> b)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int[] shape = Tensors.ShapeMath.Broadcast(Tensors.ShapeMath.Broadcast(mask._shape, a._shape, "where"), b._shape, "where");
        TensorStorage<T> chosenStorage = mask.BroadcastTo(shape), valuesStorage = a.BroadcastTo(shape);
        T[] chosen = chosenStorage.Array!, values = valuesStorage.Array!, others = b.BroadcastTo(shape).Array!;
        for (int i = 0; i < values.Length; i++)
        {
            bool pick = !T.IsZero(chosen[i]);
            chosen[i] = pick ? T.One : T.Zero;
            if (!pick) values[i] = others[i];
        }

        var m = new Tensor<T>(chosenStorage, shape);
        return Record(new Tensor<T>(valuesStorage, shape), "where", [mask, a, b], g => [null, Where(m, g, Zero), Where(m, Zero, g)]);
    }

    /// <summary>1 where a &gt; b, else 0, broadcasting. A mask: it takes no part in gradients.</summary>
    public static Tensor<T> Greater(Tensor<T> a, Tensor<T> b) => Binary<GreaterOperator<T>>(a, b, "gt");

    /// <summary>1 where a &lt; b, else 0, broadcasting. A mask: it takes no part in gradients.</summary>
    public static Tensor<T> Less(Tensor<T> a, Tensor<T> b) => Binary<GreaterOperator<T>>(b, a, "lt");

    /// <summary>1 where this = <paramref name="other"/>, else 0, broadcasting. A mask: it takes no part in gradients.</summary>
    public Tensor<T> Equal(Tensor<T> other) => Binary<EqualOperator<T>>(this, other, "eq");

    private Tensor<T> Map(SpanMap<T> map) => new(Elementwise.Unary(this, map), _shape);

    /// <summary>The elements as they appear broadcast to <paramref name="shape"/>, in a new row-major array.</summary>
    private TensorStorage<T> BroadcastTo(int[] shape)
    {
        var view = View(Offset, shape, Tensors.ShapeMath.BroadcastStrides(_shape, Strides, shape));
        var values = TensorStorage<T>.Allocate(view.Size, zeroed: false);
        Strided.Copy(view, values.Array);
        return values;
    }
}
