using Autograd.Functions;

namespace Autograd.Functions;

/// <summary>
/// A plain <see cref="double"/> that gradient rules can be evaluated on: nothing is recorded. The scalar backward pass
/// and the chain-rule explanations run every op's rule on these, so the numbers they show are the rule's own.
/// </summary>
/// <param name="Value">The number.</param>
public readonly record struct Real(double Value) : IDifferentiable<Real>
{
    /// <summary>Wraps a number.</summary>
    /// <param name="value">The number.</param>
    public static implicit operator Real(double value) => new(value);

    /// <summary>Wraps a number.</summary>
    /// <param name="value">The number.</param>
    public static Real FromDouble(double value) => new(value);

    /// <inheritdoc/>
    public static Real operator +(Real left, Real right) => new(left.Value + right.Value);

    /// <inheritdoc/>
    public static Real operator -(Real left, Real right) => new(left.Value - right.Value);

    /// <inheritdoc/>
    public static Real operator *(Real left, Real right) => new(left.Value * right.Value);

    /// <inheritdoc/>
    public static Real operator /(Real left, Real right) => new(left.Value / right.Value);

    /// <inheritdoc/>
    public static Real operator -(Real value) => new(-value.Value);

    /// <inheritdoc/>
    public static Real operator +(Real a, double b) => new(a.Value + b);

    /// <inheritdoc/>
    public static Real operator +(double a, Real b) => new(a + b.Value);

    /// <inheritdoc/>
    public static Real operator -(Real a, double b) => new(a.Value - b);

    /// <inheritdoc/>
    public static Real operator -(double a, Real b) => new(a - b.Value);

    /// <inheritdoc/>
    public static Real operator *(Real a, double b) => new(a.Value * b);

    /// <inheritdoc/>
    public static Real operator *(double a, Real b) => new(a * b.Value);

    /// <inheritdoc/>
    public static Real operator /(Real a, double b) => new(a.Value / b);

    /// <inheritdoc/>
    public static Real operator /(double a, Real b) => new(a / b.Value);

    /// <inheritdoc/>
    public static Real Apply<TFunction>(TFunction function, Real x) where TFunction : struct, IUnaryFunction =>
        new(function.Compute(x.Value));

    /// <inheritdoc/>
    public static Real Apply<TFunction>(TFunction function, Real a, Real b) where TFunction : struct, IBinaryFunction =>
        new(function.Compute(a.Value, b.Value));

    /// <inheritdoc/>
    public static Real Constant(double value) => new(value);

    /// <inheritdoc/>
    public static Real ZerosLike(Real shaped) => new(0);

    /// <inheritdoc/>
    public static Real Greater(Real a, Real b) => new(a.Value > b.Value ? 1 : 0);

    /// <inheritdoc/>
    public static Real Less(Real a, Real b) => new(a.Value < b.Value ? 1 : 0);

    /// <inheritdoc/>
    public static Real Equal(Real a, Real b) => new(a.Value == b.Value ? 1 : 0);

    /// <inheritdoc/>
    public static Real Where(Real condition, Real whenTrue, Real whenFalse) => condition.Value != 0 ? whenTrue : whenFalse;

    /// <inheritdoc/>
    public static Real WherePositive(Real x, Real g) => x.Value > 0 ? g : new(0);

    /// <inheritdoc/>
    public override string ToString() => Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
