using System.Numerics;

namespace Autograd.NN.Init;

/// <summary>How a layer's weights are drawn. Every initializer is seeded: the same seed gives the same weights.</summary>
public enum Initialization
{
    /// <summary>Normal with standard deviation 1/√fan_in: the classic choice for sigmoid and tanh networks.</summary>
    Normal,

    /// <summary>Xavier/Glorot uniform: U(±√(6 / (fan_in + fan_out))), for tanh and sigmoid.</summary>
    XavierUniform,

    /// <summary>Xavier/Glorot normal: N(0, 2 / (fan_in + fan_out)).</summary>
    XavierNormal,

    /// <summary>He/Kaiming normal: N(0, 2 / fan_in), for ReLU networks.</summary>
    HeNormal,

    /// <summary>He/Kaiming uniform: U(±√(6 / fan_in)).</summary>
    HeUniform,

    /// <summary>PyTorch's <c>nn.Linear</c> default: U(±1/√fan_in).</summary>
    PyTorchDefault,
}

/// <summary>Draws initial weights for a layer with <c>fanIn</c> inputs and <c>fanOut</c> outputs.</summary>
public static class Initializers
{
    /// <summary>A tensor of <paramref name="shape"/> drawn by <paramref name="kind"/>.</summary>
    /// <param name="kind">The initialization.</param>
    /// <param name="shape">The shape of the weight tensor.</param>
    /// <param name="fanIn">Inputs per unit.</param>
    /// <param name="fanOut">Outputs per unit.</param>
    /// <param name="seed">The seed.</param>
    public static Tensor<T> Create<T>(Initialization kind, int[] shape, int fanIn, int fanOut, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fanIn, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(fanOut, 1);
        return kind switch
        {
            Initialization.Normal => Tensor.RandomNormal<T>(shape, seed, 0, 1 / Math.Sqrt(fanIn)),
            Initialization.XavierUniform => Uniform<T>(shape, seed, Math.Sqrt(6.0 / (fanIn + fanOut))),
            Initialization.XavierNormal => Tensor.RandomNormal<T>(shape, seed, 0, Math.Sqrt(2.0 / (fanIn + fanOut))),
            Initialization.HeNormal => Tensor.RandomNormal<T>(shape, seed, 0, Math.Sqrt(2.0 / fanIn)),
            Initialization.HeUniform => Uniform<T>(shape, seed, Math.Sqrt(6.0 / fanIn)),
            Initialization.PyTorchDefault => Uniform<T>(shape, seed, 1 / Math.Sqrt(fanIn)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown initialization"),
        };
    }

    private static Tensor<T> Uniform<T>(int[] shape, int seed, double bound) where T : unmanaged, IFloatingPointIeee754<T> =>
        Tensor.RandomUniform<T>(shape, seed, -bound, bound);
}
