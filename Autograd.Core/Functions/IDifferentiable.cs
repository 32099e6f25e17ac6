using System.Numerics;
using Autograd.Functions;

namespace Autograd.Functions;

/// <summary>
/// What gradient rules are written with: arithmetic, the elementwise functions (through <see cref="Apply{TFunction}(TFunction, TSelf)"/>),
/// 0/1 masks and a choice between two operands. <see cref="Value"/>, <see cref="Tensor{T}"/> and <see cref="Real"/>
/// implement it, so a rule written once runs on plain numbers (the scalar backward pass, the explanations), and on
/// recorded values and tensors, where recording the rule gives higher-order gradients.
/// </summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface IDifferentiable<TSelf> :
    IAdditionOperators<TSelf, TSelf, TSelf>,
    ISubtractionOperators<TSelf, TSelf, TSelf>,
    IMultiplyOperators<TSelf, TSelf, TSelf>,
    IDivisionOperators<TSelf, TSelf, TSelf>,
    IUnaryNegationOperators<TSelf, TSelf>
    where TSelf : IDifferentiable<TSelf>
{
    /// <summary>a + b for a constant b.</summary>
    static abstract TSelf operator +(TSelf a, double b);

    /// <summary>a + b for a constant a.</summary>
    static abstract TSelf operator +(double a, TSelf b);

    /// <summary>a − b for a constant b.</summary>
    static abstract TSelf operator -(TSelf a, double b);

    /// <summary>a − b for a constant a.</summary>
    static abstract TSelf operator -(double a, TSelf b);

    /// <summary>a · b for a constant b.</summary>
    static abstract TSelf operator *(TSelf a, double b);

    /// <summary>a · b for a constant a.</summary>
    static abstract TSelf operator *(double a, TSelf b);

    /// <summary>a / b for a constant b.</summary>
    static abstract TSelf operator /(TSelf a, double b);

    /// <summary>a / b for a constant a.</summary>
    static abstract TSelf operator /(double a, TSelf b);

    /// <summary>Applies the elementwise function <paramref name="definition"/> to <paramref name="x"/>, recording it where this type records.</summary>
    /// <param name="definition">The function's definition.</param>
    /// <param name="x">The operand.</param>
    static abstract TSelf Apply<TFunction>(TFunction definition, TSelf x) where TFunction : struct, IUnaryFunction;

    /// <summary>Applies the elementwise function <paramref name="definition"/> to <paramref name="a"/> and <paramref name="b"/> (broadcasting, for tensors).</summary>
    /// <param name="definition">The function's definition.</param>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand.</param>
    static abstract TSelf Apply<TFunction>(TFunction definition, TSelf a, TSelf b) where TFunction : struct, IBinaryFunction;

    /// <summary>A constant: it takes no gradient (a 0-d tensor for tensors, broadcasting as needed).</summary>
    /// <param name="value">The constant.</param>
    static abstract TSelf Constant(double value);

    /// <summary>Zeros shaped as <paramref name="shaped"/>: a constant, whatever <paramref name="shaped"/> is.</summary>
    /// <param name="shaped">Gives the shape.</param>
    static abstract TSelf ZerosLike(TSelf shaped);

    /// <summary>1 where a &gt; b, else 0: a mask, which takes no part in gradients.</summary>
    /// <param name="a">The left side.</param>
    /// <param name="b">The right side.</param>
    static abstract TSelf Greater(TSelf a, TSelf b);

    /// <summary>1 where a &lt; b, else 0: a mask, which takes no part in gradients.</summary>
    /// <param name="a">The left side.</param>
    /// <param name="b">The right side.</param>
    static abstract TSelf Less(TSelf a, TSelf b);

    /// <summary>1 where a = b, else 0: a mask, which takes no part in gradients.</summary>
    /// <param name="a">The left side.</param>
    /// <param name="b">The right side.</param>
    static abstract TSelf Equal(TSelf a, TSelf b);

    /// <summary>
    /// <paramref name="whenTrue"/> where <paramref name="condition"/> is non-zero, else <paramref name="whenFalse"/>.
    /// Chosen, not multiplied by a mask: an infinite value on the side not taken gives nothing, not ∞·0 = NaN.
    /// </summary>
    /// <param name="condition">A mask.</param>
    /// <param name="whenTrue">Taken where the mask is non-zero.</param>
    /// <param name="whenFalse">Taken elsewhere.</param>
    static abstract TSelf Where(TSelf condition, TSelf whenTrue, TSelf whenFalse);

    /// <summary>
    /// <paramref name="g"/> where <paramref name="x"/> &gt; 0, else 0: ReLU's vector-Jacobian product in one pass (PyTorch's
    /// threshold backward) rather than a mask and a choice. Linear in g; x takes no gradient through it.
    /// </summary>
    /// <param name="x">Decides where g passes.</param>
    /// <param name="g">What passes.</param>
    static abstract TSelf WherePositive(TSelf x, TSelf g);
}
