using System.Numerics;
using Autograd.Checking;
using Autograd.Engine;
using Autograd.Graph;
using Autograd.Tensors;

namespace Autograd;


/// <summary>
/// The functional side of automatic differentiation, as <c>torch.autograd</c>: scopes that switch recording off or
/// anomaly detection on, <see cref="Grad{T}(Tensor{T}[], Tensor{T}[], Tensor{T}[], bool, bool, bool)"/>, and Jacobians,
/// Hessians and their products.
/// </summary>
public static class Autodiff
{
    /// <summary>Stops recording operations until the scope is disposed (for inference and parameter updates). Per
    /// thread and async flow: <c>using (Autodiff.NoGrad()) { ... }</c>.</summary>
    public static GradModeScope NoGrad() => GradMode.Set(enabled: false);

    /// <summary>Records operations again inside a no-grad scope, until disposed.</summary>
    public static GradModeScope EnableGrad() => GradMode.Set(enabled: true);

    /// <summary>True when operations are being recorded on this thread.</summary>
    public static bool IsGradEnabled => GradMode.IsEnabled;

    /// <summary>
    /// Anomaly detection until disposed: each op's output is checked for NaN and infinity, each op remembers the stack
    /// where it was recorded, and the first op whose forward or backward produces a non-finite value is named in an
    /// <see cref="ArithmeticException"/> with that stack. Slow; for debugging.
    /// </summary>
    public static GradModeScope DetectAnomaly() => GradMode.SetAnomaly(enabled: true);

    /// <summary>
    /// Clears the gradient of <paramref name="output"/> and of every node it was computed from, values and tensors
    /// alike (each node's <see cref="Node.ZeroGrad"/>): what a training loop over a hand-built scalar network calls
    /// before the next backward pass. A model's parameters are cleared by its optimizer's or module's <c>ZeroGrad</c>.
    /// </summary>
    /// <param name="output">The result whose graph is cleared.</param>
    public static void ZeroGrad(Node output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (Node node in GraphTraversal.TopologicalOrder(output)) node.ZeroGrad();
    }

    /// <summary>
    /// The gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/> (Σᵢ vᵢᵀ·∂outputᵢ/∂input
    /// for output gradients vᵢ), returned rather than added to <see cref="Tensor{T}.Grad"/>, as <c>torch.autograd.grad</c>.
    /// </summary>
    /// <param name="outputs">The tensors differentiated.</param>
    /// <param name="inputs">The tensors differentiated with respect to (leaves or intermediates).</param>
    /// <param name="outputGrads">∂L/∂output for each output; may be null when every output has one element.</param>
    /// <param name="retainGraph">Keep the graph's saved tensors for another backward pass.</param>
    /// <param name="createGraph">Record the backward pass, for higher-order gradients.</param>
    /// <param name="allowUnused">Return zeros for an input the outputs do not depend on, instead of throwing.</param>
    public static Tensor<T>[] Grad<T>(
        Tensor<T>[] outputs, Tensor<T>[] inputs, Tensor<T>[]? outputGrads = null,
        bool retainGraph = false, bool createGraph = false, bool allowUnused = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Length; i++)
            if (!inputs[i].RequiresGrad)
                throw new InvalidOperationException($"Grad: input {i} (shape {ShapeMath.Format(inputs[i].ShapeArray)}) does not require gradients; set RequiresGrad on it (or on the leaves it is computed from) before computing the outputs");
        Tensor<T>?[] grads = TensorBackward<T>.Run(outputs, outputGrads, inputs, retainGraph || createGraph, createGraph, "Grad")!;
        var result = new Tensor<T>[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            result[i] = grads[i] ?? (allowUnused
                ? Tensor.Zeros<T>(inputs[i].ShapeArray)
                : throw new InvalidOperationException($"Grad: input {i} (shape {ShapeMath.Format(inputs[i].ShapeArray)}) is not used in computing the outputs; pass allowUnused: true to get zeros for it"));
        }

        return result;
    }

    /// <summary>
    /// The gradients ∂output/∂input of a scalar <paramref name="output"/> with respect to each of
    /// <paramref name="inputs"/> (leaves or intermediates; 0 for one the output does not depend on), returned rather
    /// than added to <see cref="Value.Grad"/>: no node's <c>Grad</c> is read or changed, as <c>torch.autograd.grad</c>.
    /// </summary>
    /// <param name="output">The value differentiated.</param>
    /// <param name="inputs">The values differentiated with respect to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="output"/>, <paramref name="inputs"/> or one of them is null.</exception>
    public static double[] Grad(Value output, params Value[] inputs)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (Value input in inputs) ArgumentNullException.ThrowIfNull(input, nameof(inputs));
        return ValueGrad.Run(output, inputs);
    }

    /// <summary>The gradient of one output with respect to one input (see the array overload).</summary>
    /// <param name="output">The tensor differentiated.</param>
    /// <param name="input">The tensor differentiated with respect to.</param>
    /// <param name="outputGrad">∂L/∂output; may be null for a one-element output.</param>
    /// <param name="retainGraph">Keep the graph's saved tensors.</param>
    /// <param name="createGraph">Record the backward pass, for higher-order gradients.</param>
    public static Tensor<T> Grad<T>(Tensor<T> output, Tensor<T> input, Tensor<T>? outputGrad = null, bool retainGraph = false, bool createGraph = false)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Grad([output], [input], outputGrad is null ? null : [outputGrad], retainGraph, createGraph)[0];

    /// <summary>The vector-Jacobian product vᵀ·J of <paramref name="f"/> at <paramref name="x"/>, and f(x).</summary>
    /// <param name="f">The function.</param>
    /// <param name="x">The point.</param>
    /// <param name="v">A tensor of f(x)'s shape.</param>
    /// <param name="createGraph">Record the product so it can be differentiated again.</param>
    public static (Tensor<T> Output, Tensor<T> Vjp) Vjp<T>(Func<Tensor<T>, Tensor<T>> f, Tensor<T> x, Tensor<T> v, bool createGraph = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(v);
        // With createGraph the product stays a function of the caller's x, so it can be differentiated with respect to it.
        Tensor<T> input = createGraph && x.RequiresGrad ? x : Leaf(x);
        using (EnableGrad())
        {
            Tensor<T> output = f(input);
            RequireShape("Vjp", "v", v, "f(x)", output);
            if (!output.RequiresGrad) return (output.Detach(), Tensor.Zeros<T>(input.ShapeArray));
            return (output.Detach(), Grad([output], [input], [v], createGraph: createGraph, allowUnused: true)[0]);
        }
    }

    /// <summary>
    /// The Jacobian-vector product J·v of <paramref name="f"/> at <paramref name="x"/>, and f(x), by the double-VJP
    /// trick: u ↦ uᵀJ is linear in u, so its VJP with v is (J v)ᵀ.
    /// </summary>
    /// <param name="f">The function.</param>
    /// <param name="x">The point.</param>
    /// <param name="v">A tensor of x's shape.</param>
    public static (Tensor<T> Output, Tensor<T> Jvp) Jvp<T>(Func<Tensor<T>, Tensor<T>> f, Tensor<T> x, Tensor<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(v);
        Tensor<T> input = Leaf(x);
        RequireShape("Jvp", "v", v, "x", input);
        using (EnableGrad())
        {
            Tensor<T> output = f(input);
            if (!output.RequiresGrad) return (output.Detach(), Tensor.Zeros<T>(output.ShapeArray));
            Tensor<T> u = Tensor.Zeros<T>(output.ShapeArray).RequireGrad();
            Tensor<T> vjp = Grad([output], [input], [u], createGraph: true, allowUnused: true)[0];
            if (!vjp.RequiresGrad) return (output.Detach(), Tensor.Zeros<T>(output.ShapeArray));
            return (output.Detach(), Grad([vjp], [u], [v], allowUnused: true)[0]);
        }
    }

    /// <summary>The Hessian-vector product H·v of a scalar function at <paramref name="x"/>: the gradient of ∇f·v.</summary>
    /// <param name="f">A function with a one-element output.</param>
    /// <param name="x">The point.</param>
    /// <param name="v">A tensor of x's shape.</param>
    public static Tensor<T> Hvp<T>(Func<Tensor<T>, Tensor<T>> f, Tensor<T> x, Tensor<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(v);
        Tensor<T> input = Leaf(x);
        RequireShape("Hvp", "v", v, "x", input);
        using (EnableGrad())
        {
            Tensor<T> output = f(input);
            if (output.Size != 1) throw new ArgumentException($"Hvp: the function must return one element, not shape {ShapeMath.Format(output.ShapeArray)}");
            if (!output.RequiresGrad) return Tensor.Zeros<T>(input.ShapeArray);
            Tensor<T> gradient = Grad([output], [input], createGraph: true, allowUnused: true)[0];
            if (!gradient.RequiresGrad) return Tensor.Zeros<T>(input.ShapeArray);
            return Grad([(gradient * v).Sum()], [input], allowUnused: true)[0];
        }
    }

    /// <summary>
    /// The Jacobian of <paramref name="f"/> at <paramref name="x"/>, shape f(x).shape + x.shape: row i is the gradient
    /// of output element i, one vector-Jacobian product per output element.
    /// </summary>
    /// <param name="f">The function.</param>
    /// <param name="x">The point.</param>
    /// <param name="createGraph">Record the computation so the Jacobian can be differentiated (used by <see cref="Hessian{T}"/>).</param>
    public static Tensor<T> Jacobian<T>(Func<Tensor<T>, Tensor<T>> f, Tensor<T> x, bool createGraph = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(x);
        Tensor<T> input = createGraph && x.RequiresGrad ? x : Leaf(x);
        using (EnableGrad())
        {
            Tensor<T> output = f(input);
            var rows = new Tensor<T>[output.Size];
            for (int i = 0; i < output.Size; i++)
            {
                var seed = new T[output.Size];
                seed[i] = T.One;
                rows[i] = output.RequiresGrad
                    ? Grad([output], [input], [new Tensor<T>(seed, output.ShapeArray)], retainGraph: true, createGraph: createGraph, allowUnused: true)[0]
                    : Tensor.Zeros<T>(input.ShapeArray);
            }

            Tensor<T> stacked = rows.Length == 0 ? Tensor.Zeros<T>([0, .. input.ShapeArray]) : Tensor.Stack(rows, 0);
            Tensor<T> jacobian = stacked.Reshape([.. output.ShapeArray, .. input.ShapeArray]);
            return createGraph ? jacobian : jacobian.Detach();
        }
    }

    /// <summary>The Hessian of a scalar function at <paramref name="x"/>, shape x.shape + x.shape: the Jacobian of its gradient.</summary>
    /// <param name="f">A function with a one-element output.</param>
    /// <param name="x">The point.</param>
    public static Tensor<T> Hessian<T>(Func<Tensor<T>, Tensor<T>> f, Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(f);
        return Jacobian(input =>
        {
            Tensor<T> output = f(input);
            if (output.Size != 1) throw new ArgumentException($"Hessian: the function must return one element, not shape {ShapeMath.Format(output.ShapeArray)}");
            return output.RequiresGrad ? Grad([output], [input], createGraph: true, allowUnused: true)[0] : Tensor.Zeros<T>(input.ShapeArray);
        }, x).Detach();
    }

    /// <summary>
    /// The Jacobian of <paramref name="f"/> at <paramref name="x"/> by central differences, (f(x + h·eⱼ) − f(x − h·eⱼ)) / 2h,
    /// shape f(x).shape + x.shape.
    /// </summary>
    /// <param name="f">The function (evaluated without recording).</param>
    /// <param name="x">The point.</param>
    /// <param name="epsilon">The step h.</param>
    public static Tensor<T> NumericalJacobian<T>(Func<Tensor<T>, Tensor<T>> f, Tensor<T> x, double epsilon = 1e-6)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(x);
        using (NoGrad())
        {
            int[] shape = x.ShapeArray;
            Tensor<T> output = f(new Tensor<T>(x.ToArray(), shape));
            T[][] columns = CentralDifferences.Estimate(stepped => f(new Tensor<T>(stepped, shape)).ToArray(), x.ToArray(), epsilon);
            var jacobian = new T[output.Size * columns.Length];
            for (int j = 0; j < columns.Length; j++)
                for (int i = 0; i < output.Size; i++) jacobian[i * columns.Length + j] = columns[j][i];

            return new Tensor<T>(jacobian, [.. output.ShapeArray, .. shape]);
        }
    }

    /// <summary>Throws unless <paramref name="vector"/> has the shape of <paramref name="like"/> (no broadcasting: a
    /// product with a vector of another shape is a different product).</summary>
    private static void RequireShape<T>(string caller, string name, Tensor<T> vector, string likeName, Tensor<T> like)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!ShapeMath.SameShape(vector.ShapeArray, like.ShapeArray))
            throw new ArgumentException($"{caller}: {name} has shape {ShapeMath.Format(vector.ShapeArray)} but {likeName} has shape {ShapeMath.Format(like.ShapeArray)}; they must be the same");
    }

    private static Tensor<T> Leaf<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Detach().RequireGrad();
    }
}
