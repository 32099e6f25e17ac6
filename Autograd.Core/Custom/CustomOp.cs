using System.Numerics;
using Autograd.Gradients;
using Autograd.Tensors;

namespace Autograd.Custom;

/// <summary>
/// A differentiable tensor op of your own, like PyTorch's <c>torch.autograd.Function</c> and JAX's
/// <c>custom_vjp</c>: a forward computation and a backward rule that gives each input its gradient from the output's.
/// <see cref="Apply"/> runs <see cref="Forward"/> with recording off and records one node, named <see cref="Name"/>
/// in graph dumps and explanations; the backward pass calls <see cref="Backward"/> on it.
/// </summary>
/// <remarks>
/// <para>
/// A backward rule written with tensor ops is differentiated again when a pass records itself (<c>createGraph</c>),
/// so gradgradcheck, Hessians and higher-order gradients work through it. A rule written over raw elements
/// (spans, arrays) cannot be: set <see cref="IsOnceDifferentiable"/>, and asking for its derivative then fails with
/// an error naming the op, instead of silently giving a wrong second derivative.
/// </para>
/// <para>
/// Keep what the backward rule needs in the context (<see cref="CustomOpContext{T}.SaveForBackward"/>,
/// <see cref="CustomOpContext{T}.State"/>), not in fields of the op: one op object may be applied many times and
/// backpropagated from several threads at once. Elementwise functions are simpler still: implement
/// <see cref="Functions.IUnaryFunction"/> and call <c>Apply</c> on values and tensors alike.
/// </para>
/// </remarks>
/// <typeparam name="T">The element type, float or double.</typeparam>
public abstract class CustomOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates an op with a name.</summary>
    /// <param name="name">The name graph dumps and explanations show, for example <c>softplus</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    protected CustomOp(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The name graph dumps and explanations show.</summary>
    public string Name { get; }

    /// <summary>
    /// True when <see cref="Backward"/> computes over raw elements rather than with tensor ops: its gradients then have
    /// no derivative of their own, and differentiating through them is an error that names this op.
    /// </summary>
    public virtual bool IsOnceDifferentiable => false;

    /// <summary>Computes the output from <paramref name="inputs"/> (recording is off here) and saves in
    /// <paramref name="context"/> what <see cref="Backward"/> will need.</summary>
    /// <param name="context">Where to save tensors and state for the backward rule.</param>
    /// <param name="inputs">The op's inputs, as passed to <see cref="Apply"/>.</param>
    protected abstract Tensor<T> Forward(CustomOpContext<T> context, IReadOnlyList<Tensor<T>> inputs);

    /// <summary>
    /// The vector-Jacobian products: from ∂L/∂output, one <see cref="Gradient{T}"/> per input, of the input's shape
    /// (<see cref="Gradient{T}.None"/> where <see cref="CustomOpContext{T}.NeedsInputGrad"/> is false, or the output
    /// does not depend on the input). Recording is on exactly when the pass records itself, so a rule written with
    /// tensor ops differentiates again.
    /// </summary>
    /// <param name="context">What <see cref="Forward"/> saved.</param>
    /// <param name="gradOutput">∂L/∂output, of the output's shape.</param>
    protected abstract Gradient<T>[] Backward(CustomOpContext<T> context, Tensor<T> gradOutput);

    /// <summary>
    /// How the explanation words the gradient this op gives input <paramref name="input"/>, for example
    /// <c>g · sigmoid(x)</c>; null for the generic wording.
    /// </summary>
    /// <param name="input">Which input.</param>
    /// <param name="upstream">The upstream gradient's name.</param>
    /// <param name="inputNames">The inputs' names.</param>
    public virtual string? DescribeGradient(int input, string upstream, IReadOnlyList<string> inputNames) => null;

    /// <summary>Applies the op: runs <see cref="Forward"/> and records the result in the graph when an input requires gradients.</summary>
    /// <param name="inputs">The inputs.</param>
    /// <returns>The output, a new tensor.</returns>
    /// <exception cref="ArgumentNullException">An input is null.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Forward"/> returned null.</exception>
    public Tensor<T> Apply(params Tensor<T>[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is null) throw new ArgumentNullException(nameof(inputs), $"'{Name}': input {i} is null");
        Tensor<T>[] recorded = (Tensor<T>[])inputs.Clone();
        var context = new CustomOpContext<T>(this, recorded);
        Tensor<T> result;
        using (GradMode.Suppress())
            result = Forward(context, recorded) ?? throw new InvalidOperationException($"'{Name}': Forward returned null");
        // The node must be new: a forward that hands back an input, a parameter or something it recorded gets a view.
        if (!result.IsLeaf || result.RequiresGrad || Array.IndexOf(recorded, result) >= 0) result = result.Alias();
        return Tensor<T>.RecordCustom(result, context);
    }

    /// <summary>Runs the backward rule for one node and checks what it returns against the inputs.</summary>
    internal Gradient<T>[] RunBackward(CustomOpContext<T> context, Tensor<T> gradOutput)
    {
        Gradient<T>[] gradients;
        bool recording = GradMode.IsEnabled;
        if (IsOnceDifferentiable)
        {
            using (GradMode.Suppress()) gradients = Backward(context, gradOutput);
        }
        else
        {
            gradients = Backward(context, gradOutput);
        }

        IReadOnlyList<Tensor<T>> inputs = context.Inputs;
        if (gradients is null || gradients.Length != inputs.Count)
            throw new InvalidOperationException($"'{Name}': Backward returned {gradients?.Length ?? 0} gradients for {inputs.Count} inputs; return one per input (Gradient<T>.None where there is none)");
        for (int i = 0; i < gradients.Length; i++)
        {
            Gradient<T> gradient = gradients[i];
            if (gradient.IsNone || !context.NeedsInputGrad(i)) continue;
            int[] shape = inputs[i].ShapeArray;
            if (gradient.IsRowSparse) gradient.CheckTable(shape, Name, i);
            else if (!ShapeMath.SameShape(gradient.Dense!.ShapeArray, shape))
                throw new InvalidOperationException(
                    $"'{Name}': Backward returned a gradient of shape {ShapeMath.Format(gradient.Dense.ShapeArray)} for input {i} of shape {ShapeMath.Format(shape)}; a gradient has its input's shape");
            if (IsOnceDifferentiable && recording)
            {
                // The raw gradient stands in the recorded graph as a node whose own derivative is an error.
                Tensor<T> dense = gradient.IsRowSparse ? WithoutRecording(gradient, shape[0]) : gradient.Dense!;
                gradients[i] = Tensor<T>.RecordOnceDifferentiable(dense, Name, gradOutput, inputs);
            }
        }

        return gradients;
    }

    private static Tensor<T> WithoutRecording(Gradient<T> gradient, int rows)
    {
        using (GradMode.Suppress()) return gradient.ToDense(rows);
    }
}

/// <summary>
/// What one application of a <see cref="CustomOp{T}"/> keeps for its backward rule: the tensors and state the forward
/// computation saved, and which inputs need gradients.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class CustomOpContext<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Tensor<T>[] _inputs;
    private readonly bool[] _needsGrad;
    private Tensor<T>[] _saved = [];
    private bool _released;

    internal CustomOpContext(CustomOp<T> op, Tensor<T>[] inputs)
    {
        Op = op;
        _inputs = inputs;
        _needsGrad = [.. inputs.Select(input => input.RequiresGrad)];
    }

    /// <summary>The op this context belongs to.</summary>
    public CustomOp<T> Op { get; }

    internal IReadOnlyList<Tensor<T>> Inputs => _inputs;

    /// <summary>Anything else the backward rule needs (indices, sizes, a flag), set by the forward computation.</summary>
    public object? State { get; set; }

    /// <summary>True when input <paramref name="input"/> requires gradients, so the backward rule must give it one.</summary>
    /// <param name="input">The input's position.</param>
    public bool NeedsInputGrad(int input) => _needsGrad[input];

    /// <summary>Keeps tensors for the backward rule, replacing what was saved before. Save the inputs themselves (not
    /// copies made in <c>Forward</c>) where the rule differentiates through them.</summary>
    /// <param name="tensors">The tensors to keep.</param>
    public void SaveForBackward(params Tensor<T>[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        _saved = (Tensor<T>[])tensors.Clone();
    }

    /// <summary>The tensors <see cref="SaveForBackward"/> kept.</summary>
    /// <exception cref="InvalidOperationException">A backward pass without <c>retainGraph</c> released them.</exception>
    public IReadOnlyList<Tensor<T>> SavedTensors => _released
        ? throw new InvalidOperationException($"'{Op.Name}': the saved tensors were released after the first backward pass; pass retainGraph: true to backpropagate through the graph again")
        : _saved;

    /// <summary>Lets go of what was saved once a backward pass that does not retain the graph has used it.</summary>
    internal void Release()
    {
        _released = true;
        _saved = [];
        State = null;
    }
}
