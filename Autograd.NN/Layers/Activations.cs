using System.Numerics;

namespace Autograd.NN.Layers;

/// <summary>The logistic sigmoid 1/(1 + e^−x), elementwise.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Sigmoid<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override Tensor<T> Forward(Tensor<T> input) => input.Sigmoid();
}

/// <summary>The hyperbolic tangent, elementwise.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Tanh<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override Tensor<T> Forward(Tensor<T> input) => input.Tanh();
}

/// <summary>max(0, x), elementwise.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class ReLU<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override Tensor<T> Forward(Tensor<T> input) => input.Relu();
}

/// <summary>x for x &gt; 0, slope·x otherwise.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="slope">The slope for negative inputs (PyTorch's default 0.01).</param>
public sealed class LeakyReLU<T>(double slope = 0.01) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The slope for negative inputs.</summary>
    public double Slope { get; } = double.IsFinite(slope) ? slope : throw new ArgumentOutOfRangeException(nameof(slope), slope, "leaky_relu: the slope must be a finite number");

    /// <inheritdoc/>
    public override Tensor<T> Forward(Tensor<T> input) => input.LeakyRelu(Slope);

    /// <inheritdoc/>
    public override string Describe() => $"slope {Slope}";
}

/// <summary>The identity: the output layer of a regression network.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Identity<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override Tensor<T> Forward(Tensor<T> input) => input;
}

/// <summary>Softmax along an axis (the last by default): class probabilities from scores.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="axis">The axis that sums to 1.</param>
public sealed class Softmax<T>(int axis = -1) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The axis that sums to 1.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override Tensor<T> Forward(Tensor<T> input) => input.Softmax(Axis);
}

/// <summary>log softmax along an axis (the last by default), computed stably in one op.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="axis">The axis.</param>
public sealed class LogSoftmax<T>(int axis = -1) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The axis.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override Tensor<T> Forward(Tensor<T> input) => input.LogSoftmax(Axis);
}
