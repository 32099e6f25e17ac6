using System.Numerics;
using Autograd.Tensors;

namespace Autograd.Engine;

/// <summary>Anomaly detection: names the first op whose forward or backward produced NaN or infinity.</summary>
internal static class Anomaly
{
    /// <summary>Throws when <paramref name="result"/> of <paramref name="op"/> holds a NaN or an infinity.</summary>
    public static void CheckForward<T>(Tensor<T> result, string op) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (FirstNonFinite(result) is { } index)
            throw new ArithmeticException(
                $"anomaly detected: '{op}' produced {result.ToArray()[index]} at element {index} of its output of shape {ShapeMath.Format(result.ShapeArray)}");
    }

    /// <summary>Throws when the gradient that <paramref name="node"/>'s rule produced for input <paramref name="input"/> is not finite.</summary>
    public static void CheckBackward<T>(Tensor<T> node, int input, Tensor<T> grad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (FirstNonFinite(grad) is { } index)
            throw new ArithmeticException(
                $"anomaly detected: the backward rule of '{node.Operation}' produced {grad.ToArray()[index]} at element {index} of the gradient for its input {input}. The op was recorded at:\n{node.CreationStack}");
    }

    private static int? FirstNonFinite<T>(Tensor<T> tensor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] values = tensor.ToArray();
        for (int i = 0; i < values.Length; i++)
            if (!T.IsFinite(values[i])) return i;
        return null;
    }
}
