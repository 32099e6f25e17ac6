using System.Numerics;
using System.Numerics.Tensors;
using Autograd.Kernels;
using Autograd.Memory;
using Autograd.Tensors;

namespace Autograd;

// Masks and the choice between operands, which the functions' gradient rules are written with.
public sealed partial class Tensor<T>
{
    /// <summary>
    /// g where x &gt; 0, else 0: relu's backward in one pass instead of a mask and a product (PyTorch's threshold
    /// backward). It is linear in g, so its own gradient is the same masking of the upstream gradient; x gets none.
    /// </summary>
    internal static Tensor<T> ReluBackward(Tensor<T> g, Tensor<T> x) =>
        Record(Binary<PassWherePositiveOperator<T>>(g, x, "relu_backward"), "relu_backward", [g], gg => [ReluBackward(gg, x)]);

    /// <summary>1 where this = <paramref name="other"/>, else 0, broadcasting. A mask: it takes no part in gradients.</summary>
    public Tensor<T> Equal(Tensor<T> other) => Binary<EqualOperator<T>>(this, other, "eq");

    /// <summary>The elements as they appear broadcast to <paramref name="shape"/>, in a new row-major array.</summary>
    internal TensorStorage<T> BroadcastTo(int[] shape)
    {
        var view = View(Offset, shape, Tensors.ShapeMath.BroadcastStrides(_shape, Strides, shape));
        var values = TensorStorage<T>.Allocate(view.Size, zeroed: false);
        Strided.Copy(view.Elements, values.Span);
        return values;
    }
}

public static partial class Tensor
{
    /// <summary>
    /// Elementwise choice: <paramref name="a"/> where <paramref name="mask"/> is non-zero, else <paramref name="b"/>,
    /// broadcasting all three. The mask gets no gradient; a gets g where the mask is non-zero and 0 elsewhere, b the
    /// other way round (chosen, not multiplied by the mask, so that an infinite g on the side not taken gives 0, not NaN).
    /// </summary>
    /// <param name="mask">Non-zero where a is chosen (for example a comparison mask).</param>
    /// <param name="a">Chosen where the mask is non-zero.</param>
    /// <param name="b">Chosen elsewhere.</param>
    public static Tensor<T> Where<T>(Tensor<T> mask, Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int[] shape = ShapeMath.Broadcast(ShapeMath.Broadcast(mask.ShapeArray, a.ShapeArray, "where"), b.ShapeArray, "where");
        TensorStorage<T> chosenStorage = mask.BroadcastTo(shape), valuesStorage = a.BroadcastTo(shape);
        Span<T> chosen = chosenStorage.Span, values = valuesStorage.Span, others = b.BroadcastTo(shape).Span;
        for (int i = 0; i < values.Length; i++)
        {
            bool pick = !T.IsZero(chosen[i]);
            chosen[i] = pick ? T.One : T.Zero;
            if (!pick) values[i] = others[i];
        }

        var m = new Tensor<T>(chosenStorage, shape);
        Tensor<T> zero = Scalar(T.Zero);
        return Tensor<T>.Record(new Tensor<T>(valuesStorage, shape), "where", [mask, a, b], g => [null, Where(m, g, zero), Where(m, zero, g)]);
    }

    /// <summary>1 where a &gt; b, else 0, broadcasting. A mask: it takes no part in gradients.</summary>
    public static Tensor<T> Greater<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T> => Tensor<T>.Binary<GreaterOperator<T>>(a, b, "gt");

    /// <summary>1 where a &lt; b, else 0, broadcasting. A mask: it takes no part in gradients.</summary>
    public static Tensor<T> Less<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T> => Tensor<T>.Binary<GreaterOperator<T>>(b, a, "lt");
}
