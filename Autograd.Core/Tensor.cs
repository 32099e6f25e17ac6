using System.Globalization;
using System.Numerics;
using System.Text;
using Autograd.Custom;
using Autograd.Engine;
using Autograd.Gradients;
using Autograd.Graph;
using Autograd.Memory;

namespace Autograd;

/// <summary>
/// The gradient rule an operation records: given ∂L/∂output, the vector-Jacobian products ∂L/∂input for each input
/// (null where an input needs none). Rules are written with tensor ops, so recording them (createGraph) gives
/// higher-order gradients.
/// </summary>
internal delegate Tensor<T>?[] BackwardRule<T>(Tensor<T> gradOutput) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// An n-dimensional array of <typeparamref name="T"/> (float or double) that is also a node of the computation graph.
/// Row-major, with a shape and strides, so reshape, transpose, expand and narrow are views sharing storage.
/// Operations on tensors that require gradients record themselves; <see cref="Backward"/> computes the gradients.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// A recorded tensor is immutable; only a leaf's elements may be updated in place (as optimizers do). A tensor is a
/// view (shape, strides and offset) over a <see cref="Memory.TensorStorage{T}"/>; what the graph knows about it (op,
/// inputs, gradient rule) is a <see cref="Recording{T}"/>, made only when an op is recorded; its gradient, hooks and
/// sparse gradient are a <see cref="GradientSlot{T}"/>, made only when one is needed. The name is
/// <c>Autograd.Tensor&lt;T&gt;</c>, as users of the library write it, although the System.Numerics.Tensors package
/// that the kernels use has a <c>Tensor&lt;T&gt;</c> too: the library imports only that package's
/// <c>TensorPrimitives</c>, and code that imports both namespaces picks one with an alias
/// (<c>using FloatTensor = Autograd.Tensor&lt;float&gt;;</c>).
/// </remarks>
public sealed partial class Tensor<T> : Node where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _shape;
    private int _writes;
    private Tensor<T>? _writesCountedBy;
    private bool _requiresGrad;
    private Recording<T>? _recording;
    private GradientSlot<T>? _gradient;

    /// <summary>Views <paramref name="buffer"/> through <paramref name="shape"/> and <paramref name="strides"/>.</summary>
    internal Tensor(TensorStorage<T> buffer, int offset, int[] shape, int[] strides) : base(null)
    {
        Buffer = buffer;
        Offset = offset;
        _shape = shape;
        Strides = strides;
        Size = Tensors.ShapeMath.Size(shape);
    }

    /// <summary>Wraps a row-major <paramref name="buffer"/> of exactly the shape's size.</summary>
    internal Tensor(TensorStorage<T> buffer, int[] shape) : this(buffer, buffer.Start, shape, Tensors.ShapeMath.RowMajorStrides(shape))
    {
        if (buffer.Length != Size)
            throw new ArgumentException($"{buffer.Length} values do not fill shape {Tensors.ShapeMath.Format(shape)} ({Size} elements)");
    }

    /// <summary>Wraps a row-major array of exactly the shape's size (never pooled).</summary>
    internal Tensor(T[] storage, int[] shape) : this(new TensorStorage<T>(storage), shape)
    {
    }

    static Tensor()
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new NotSupportedException($"Tensor<{typeof(T).Name}>: only float and double tensors are supported");
    }

    /// <summary>The elements, shared with views of this tensor.</summary>
    /// <exception cref="InvalidOperationException">They were given back to the pool (see <see cref="TensorScope"/>).</exception>
    internal T[] Storage => Buffer.Array ?? throw Released();

    /// <summary>The storage shared with views of this tensor, which knows who may recycle it.</summary>
    internal TensorStorage<T> Buffer { get; }

    /// <summary>Where element [0, 0, …] lives in <see cref="Storage"/>.</summary>
    internal int Offset { get; }

    /// <summary>How far apart, in elements, neighbours along each axis are (0 along a broadcast axis).</summary>
    internal int[] Strides { get; }

    /// <summary>The size of each axis.</summary>
    public IReadOnlyList<int> Shape => _shape;

    internal int[] ShapeArray => _shape;

    /// <summary>The number of axes (0 for a scalar).</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements.</summary>
    public int Size { get; }

    /// <summary>The element type's name, as PyTorch prints it: <c>float32</c> or <c>float64</c>.</summary>
    public static string DType => typeof(T) == typeof(float) ? "float32" : "float64";

    /// <summary>True when the elements are laid out row-major without gaps, starting at <see cref="Offset"/>.</summary>
    public bool IsContiguous
    {
        get
        {
            int expected = 1;
            for (int i = _shape.Length - 1; i >= 0; i--)
            {
                if (_shape[i] != 1 && Strides[i] != expected) return false;
                expected *= _shape[i];
            }

            return true;
        }
    }

    /// <summary>
    /// Whether gradients flow to this tensor. Settable on leaves (parameters and inputs); a recorded result requires
    /// gradients exactly when one of its inputs does.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on a recorded result.</exception>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (!IsLeaf) throw new InvalidOperationException($"RequiresGrad can only be changed on a leaf; this tensor was recorded by '{_recording!.Operation}' (use Detach() for a leaf copy)");
            _requiresGrad = value;
        }
    }

    /// <summary>∂output/∂this after <see cref="Backward"/>: kept for leaves that require gradients, accumulating across
    /// calls until <see cref="ZeroGrad"/>, and for results on which <see cref="RetainGrad"/> was called.</summary>
    public Tensor<T>? Grad
    {
        get => _gradient?.Grad;
        // Clearing a gradient that was never set needs no slot.
        set
        {
            if (value is not null || _gradient is not null) Slot.Grad = value;
        }
    }

    /// <summary>This tensor's gradient slot, made on first use (atomically: passes on several threads may reach it at once).</summary>
    private GradientSlot<T> Slot => _gradient ?? Interlocked.CompareExchange(ref _gradient, new GradientSlot<T>(this), null) ?? _gradient;

    /// <summary>Marks this tensor's gradients as requested and returns it, for fluent use: <c>Tensor.Randn(...).RequireGrad()</c>.</summary>
    public Tensor<T> RequireGrad()
    {
        RequiresGrad = true;
        return this;
    }

    /// <summary>Keeps this result's gradient in <see cref="Grad"/> during backward (leaves keep theirs anyway).</summary>
    public void RetainGrad() => Slot.Retains = true;

    internal bool RetainsGrad => (IsLeaf && _requiresGrad) || _gradient is { Retains: true };

    /// <summary>Clears this tensor's own <see cref="Grad"/> and empties its <see cref="SparseGradient"/> (keeping its buffers).</summary>
    /// <remarks>A gradient that backward made inside a <see cref="TensorScope"/> goes back to the pool for the next
    /// step: the cleared <see cref="Grad"/> tensor may no longer be read.</remarks>
    public override void ZeroGrad() => _gradient?.Clear();

    /// <summary>Adds a gradient that backward computed to <see cref="Grad"/> (see <see cref="GradientSlot{T}.Accumulate"/>).</summary>
    internal void AccumulateGrad(Tensor<T> grad, bool createGraph) => Slot.Accumulate(grad, createGraph);

    private InvalidOperationException Released() => new(
        $"this {DType} tensor of shape {Tensors.ShapeMath.Format(_shape)}{(_recording is { } recording ? $" (made by '{recording.Operation}')" : "")} can no longer be read: " +
        (Buffer.Reason == ReleaseReason.GradientCleared
            ? "it was a gradient that ZeroGrad() cleared, and its elements went back to the pool. Copy a gradient (ToArray()) before clearing it to keep its values."
            : "it was made inside a TensorScope that has ended, and its elements went back to the pool. Keep it with scope.Keep(tensor) before the scope ends, or copy it out (ToArray())."));

    /// <summary>
    /// Makes this 2-D leaf (an embedding table) receive its gradient from row lookups
    /// (<see cref="IndexSelect"/> along axis 0, and any op whose rule gives a row-sparse <see cref="Gradient{T}"/>) in row-sparse form, in <see cref="SparseGradient"/>, instead of
    /// as a dense <see cref="Grad"/>. Also sets <see cref="RequiresGrad"/>. Returns this tensor.
    /// </summary>
    /// <remarks>
    /// Only <see cref="Backward"/> fills the sparse gradient; the functional <see cref="Autodiff.Grad{T}(Tensor{T}[], Tensor{T}[], Tensor{T}[], bool, bool, bool)"/>
    /// and <c>createGraph</c> passes still return dense gradients, so higher-order derivatives keep working.
    /// </remarks>
    /// <exception cref="InvalidOperationException">This tensor is not a 2-D leaf.</exception>
    public Tensor<T> RequireSparseGrad()
    {
        if (!IsLeaf || Rank != 2)
            throw new InvalidOperationException($"RequireSparseGrad needs a 2-D leaf (an embedding table), not a {(IsLeaf ? "leaf" : $"result of '{_recording!.Operation}'")} of shape {Tensors.ShapeMath.Format(_shape)}");
        RequiresGrad = true;
        Slot.KeepSparse(_shape[0], _shape[1]);
        return this;
    }

    /// <summary>The row-sparse gradient of a table made with <see cref="RequireSparseGrad"/>; null otherwise.</summary>
    public RowSparseGradient<T>? SparseGradient => _gradient?.Sparse;

    /// <summary>True when a row-sparse gradient may go into <see cref="SparseGradient"/> as it is: a hook needs the dense gradient.</summary>
    internal bool TakesSparseGradient => _gradient is { TakesSparse: true };

    /// <summary>Adds the entries of a row-sparse gradient to <see cref="SparseGradient"/>.</summary>
    internal void AddSparseGradient(in Gradient<T> gradient) => _gradient!.AddSparse(gradient);

    /// <summary>
    /// Registers a hook called with this tensor's gradient each time it is computed; a non-null return replaces the
    /// gradient (for clipping or inspection). Dispose the returned handle to remove the hook.
    /// </summary>
    /// <param name="hook">Receives the gradient; returns a replacement or null to keep it.</param>
    public IDisposable RegisterHook(Func<Tensor<T>, Tensor<T>?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return Slot.AddHook(hook);
    }

    internal Tensor<T> ApplyHooks(Tensor<T> grad) => _gradient is { } slot ? slot.ApplyHooks(grad) : grad;

    /// <summary>A tensor sharing this one's elements but cut from the graph: a leaf that does not require gradients.</summary>
    public Tensor<T> Detach() => new(Buffer, Offset, _shape, Strides) { Label = Label };

    /// <summary>The stack where this op was recorded, kept only under anomaly detection.</summary>
    internal string? CreationStack => _recording?.CreationStack;

    /// <inheritdoc/>
    public override string Operation => _recording is { } recording ? recording.Definition?.Label ?? recording.Operation : "";

    /// <summary>The elementwise function that recorded this tensor, or null for a leaf or another kind of op.</summary>
    internal Op? Op => _recording?.Definition;

    /// <summary>The custom op that recorded this tensor, or null.</summary>
    internal CustomOp<T>? CustomOp => _recording?.Custom?.Op;

    /// <inheritdoc/>
    public override int InputCount => _recording?.Inputs.Length ?? 0;

    /// <inheritdoc/>
    public override Node GetInput(int index) => Input(index);

    internal Tensor<T> Input(int index) => _recording is { } recording ? recording.Inputs[index] : throw new ArgumentOutOfRangeException(nameof(index), index, "a leaf has no inputs");

    /// <inheritdoc/>
    public override bool IsConstant => IsLeaf && !_requiresGrad;

    /// <summary>
    /// Records <paramref name="result"/> as the output of <paramref name="op"/> on <paramref name="inputs"/> with its
    /// gradient rule, unless recording is off or no input requires gradients.
    /// </summary>
    internal static Tensor<T> Record(Tensor<T> result, string op, Tensor<T>[] inputs, BackwardRule<T> backward) =>
        Record(result, op, null, inputs, backward, null);

    /// <summary>Records <paramref name="result"/> as the output of the elementwise function <paramref name="op"/>.</summary>
    internal static Tensor<T> Record(Tensor<T> result, Op op, Tensor<T>[] inputs, BackwardRule<T> backward) =>
        Record(result, op.Name, op, inputs, backward, null);

    /// <summary>Records <paramref name="result"/> as the output of a <see cref="CustomOp{T}"/> application.</summary>
    internal static Tensor<T> RecordCustom(Tensor<T> result, CustomOpContext<T> context) =>
        Record(result, context.Op.Name, null, (Tensor<T>[])context.Inputs, null, context);

    /// <summary>
    /// Records a gradient that a once-differentiable rule computed over raw elements, in a pass that records itself:
    /// it stands in the graph as a node whose own derivative is an error naming <paramref name="op"/>.
    /// </summary>
    internal static Tensor<T> RecordOnceDifferentiable(Tensor<T> gradient, string op, Tensor<T> gradOutput, IReadOnlyList<Tensor<T>> inputs) =>
        Record(gradient.Alias(), $"{op}_backward", null, [gradOutput, .. inputs], _ => throw new InvalidOperationException(
            $"'{op}' is once differentiable: its backward rule works on raw elements, so its gradient has no derivative of its own. " +
            "Write the rule with tensor ops (and leave IsOnceDifferentiable false) to differentiate through it again."), null);

    /// <summary>A new tensor over the same elements, not yet in the graph.</summary>
    internal Tensor<T> Alias()
    {
        Tensor<T> alias = View(Offset, _shape, Strides);
        alias.Label = Label;
        return alias;
    }

    private static Tensor<T> Record(Tensor<T> result, string op, Op? definition, Tensor<T>[] inputs, BackwardRule<T>? backward, CustomOpContext<T>? custom)
    {
        if (GradMode.DetectAnomaly) Anomaly.CheckForward(result, op);
        if (!GradMode.IsEnabled) return result;
        bool requires = false;
        foreach (Tensor<T> input in inputs) requires |= input._requiresGrad;
        if (!requires) return result;

        result._recording = new Recording<T>(inputs, op, definition, backward, custom);
        result._requiresGrad = true;
        return result;
    }

    /// <summary>
    /// Records an op whose gradient is one rule per input (∂L/∂inputᵢ from ∂L/∂output), as derivatives tables list
    /// them. A rule runs only when its input requires gradients: the weight gradient of a first layer never computes
    /// the gradient of the data it was fed.
    /// </summary>
    internal static Tensor<T> RecordEach(Tensor<T> result, string op, Tensor<T>[] inputs, params Func<Tensor<T>, Tensor<T>?>[] rules) =>
        RecordEach(result, op, null, inputs, rules);

    /// <summary>Like <see cref="RecordEach(Tensor{T}, string, Tensor{T}[], Func{Tensor{T}, Tensor{T}}[])"/> for an elementwise function.</summary>
    internal static Tensor<T> RecordEach(Tensor<T> result, Op op, Tensor<T>[] inputs, params Func<Tensor<T>, Tensor<T>?>[] rules) =>
        RecordEach(result, op.Name, op, inputs, rules);

    private static Tensor<T> RecordEach(Tensor<T> result, string op, Op? definition, Tensor<T>[] inputs, Func<Tensor<T>, Tensor<T>?>[] rules)
    {
        // Which inputs need gradients is fixed once the op is recorded, so it is decided here, not per backward pass.
        bool[] needed = [.. inputs.Select(input => input._requiresGrad)];
        return Record(result, op, definition, inputs, g =>
        {
            var grads = new Tensor<T>?[rules.Length];
            for (int i = 0; i < rules.Length; i++)
                if (needed[i]) grads[i] = rules[i](g);
            return grads;
        }, null);
    }

    /// <summary>Runs this node's gradient rule, releasing what it saved unless the graph is retained; every gradient
    /// dense (a custom op's row-sparse ones added up).</summary>
    internal Tensor<T>?[] RunBackward(Tensor<T> gradOutput, bool retainGraph)
    {
        Recording<T> recording = _recording!;
        if (recording.Custom is null) return recording.RunRule(gradOutput, retainGraph);
        Gradient<T>[] gradients = recording.RunCustomRule(gradOutput, retainGraph);
        var dense = new Tensor<T>?[gradients.Length];
        for (int i = 0; i < gradients.Length; i++)
            dense[i] = gradients[i].IsRowSparse ? gradients[i].ToDense(recording.Inputs[i]._shape[0]) : gradients[i].Dense;
        return dense;
    }

    /// <summary>Runs the rule of the <see cref="CustomOp{T}"/> that recorded this node, releasing what it saved unless the graph is retained.</summary>
    internal Gradient<T>[] RunCustomBackward(Tensor<T> gradOutput, bool retainGraph) => _recording!.RunCustomRule(gradOutput, retainGraph);

    /// <summary>Counts a write to this tensor's elements in place, for the check in <see cref="RunBackward"/>.</summary>
    internal void MarkWritten() => WriteCounter._writes++;

    /// <summary>The tensor whose count of in-place writes this one shares: the tensor a view was made of, or itself.</summary>
    private Tensor<T> WriteCounter => _writesCountedBy ?? this;

    /// <summary>How many times these elements were written in place (see <see cref="AsSpan"/>).</summary>
    internal int Writes => WriteCounter._writes;

    /// <summary>A view of these elements (a reshape, transpose, slice or broadcast) that shares this tensor's count of
    /// in-place writes, so that a write through either is seen by ops recorded on the other.</summary>
    internal Tensor<T> View(int offset, int[] shape, int[] strides) => new(Buffer, offset, shape, strides) { _writesCountedBy = WriteCounter };

    /// <summary>
    /// Backpropagation from this tensor: computes ∂this/∂leaf for every leaf that requires gradients and adds it to
    /// the leaf's <see cref="Grad"/>.
    /// </summary>
    /// <param name="gradOutput">∂L/∂this; may be omitted only for a tensor of one element (it is then 1).</param>
    /// <param name="retainGraph">Keep the saved tensors so the graph can be backpropagated again (always, with <paramref name="createGraph"/>).</param>
    /// <param name="createGraph">Record the backward pass itself, so the gradients can be differentiated again.</param>
    public void Backward(Tensor<T>? gradOutput = null, bool retainGraph = false, bool createGraph = false) =>
        // Recording the backward pass keeps the graph, as PyTorch's retain_graph defaults to create_graph: the recorded
        // gradients are differentiated through it.
        TensorBackward<T>.Run([this], gradOutput is null ? null : [gradOutput], inputs: null, retainGraph || createGraph, createGraph, "Backward");

    /// <summary>The element at <paramref name="index"/> (one index per axis).</summary>
    /// <exception cref="ArgumentException">The number of indices is not the rank, or an index is out of range.</exception>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public T this[params int[] index]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(index);
            if (index.Length != Rank)
                throw new ArgumentException($"indexing a tensor of shape {Tensors.ShapeMath.Format(_shape)} needs {Rank} indices, got {index.Length}");
            int position = Offset;
            for (int i = 0; i < index.Length; i++)
            {
                if ((uint)index[i] >= (uint)_shape[i])
                    throw new ArgumentOutOfRangeException(nameof(index), $"index {index[i]} is out of range for axis {i} of size {_shape[i]}");
                position += index[i] * Strides[i];
            }

            return Storage[position];
        }
    }

    /// <summary>The value of a one-element tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor has more or fewer than one element.</exception>
    public T Item()
    {
        if (Size != 1) throw new InvalidOperationException($"Item() needs a tensor of one element, not of shape {Tensors.ShapeMath.Format(_shape)}");
        return Storage[Offset];
    }

    /// <summary>The elements in row-major order, as a new array.</summary>
    public T[] ToArray() => Contiguous().AsReadOnlySpan().ToArray();

    /// <summary>The elements of a contiguous tensor, in row-major order.</summary>
    /// <exception cref="InvalidOperationException">The tensor is a non-contiguous view (call <see cref="Contiguous"/>).</exception>
    public ReadOnlySpan<T> AsReadOnlySpan()
    {
        if (!IsContiguous) throw new InvalidOperationException("AsReadOnlySpan needs a contiguous tensor; call Contiguous() first");
        return Storage.AsSpan(Offset, Size);
    }

    /// <summary>
    /// The elements of a contiguous leaf, writable, for updating parameters in place (as an optimizer does, outside
    /// the graph). Recorded results are immutable.
    /// </summary>
    /// <remarks>
    /// Taking the span counts as a write, as an in-place operation does in PyTorch: backward through an operation that
    /// used this tensor before then throws, instead of computing its gradient from values the forward pass did not
    /// see. Read with <see cref="AsReadOnlySpan"/>. Views made by reshape, transpose, narrow and expand share the
    /// count, but a <see cref="Detach"/>ed alias counts its own writes, so that threads may update a shared table
    /// lock-free, as word2vec's workers do. Every op checks its leaf inputs, also those whose gradient does not read
    /// them, where PyTorch checks only the tensors an op saved.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The tensor is a recorded result or not contiguous.</exception>
    public Span<T> AsSpan()
    {
        if (!IsLeaf) throw new InvalidOperationException($"only a leaf's elements may be written; this tensor was recorded by '{_recording!.Operation}'");
        if (!IsContiguous) throw new InvalidOperationException("AsSpan needs a contiguous tensor");
        Span<T> elements = Storage.AsSpan(Offset, Size);
        MarkWritten();
        return elements;
    }

    internal Span<T> WritableSpan => Storage.AsSpan(Offset, Size);

    /// <summary>The elements as the kernels take them: array, offset, shape and strides.</summary>
    internal Kernels.StridedView<T> Elements => new(Storage, Offset, _shape, Strides);

    /// <summary>This tensor when contiguous; otherwise a row-major copy (recorded, so gradients flow through it).</summary>
    public Tensor<T> Contiguous()
    {
        if (IsContiguous) return this;
        var copy = TensorStorage<T>.Allocate(Size, zeroed: false);
        Kernels.Strided.Copy(Elements, copy.Span);
        return Record(new Tensor<T>(copy, _shape), "contiguous", [this], g => [g]);
    }

    /// <summary>Converts a double to the element type.</summary>
    internal static T FromDouble(double value) => T.CreateTruncating(value);

    internal override string FormatData() => Describe(this);

    /// <summary>A constant's elements (<c>2</c>, <c>[1, 2]</c>), or its type and shape when it has many.</summary>
    internal override string ConstantName() => Size <= 16 ? ToText(6) : Describe(this);

    internal override string FormatGrad() => Grad is null ? "none" : Describe(Grad);

    /// <inheritdoc/>
    public override string FormatDefinition(IReadOnlyList<string> inputNames)
    {
        ArgumentNullException.ThrowIfNull(inputNames);
        return _recording is { } recording ? $"{recording.Operation}({string.Join(", ", inputNames)})" : Label ?? "tensor";
    }

    private static string Describe(Tensor<T> tensor)
    {
        string head = $"{DType} {Tensors.ShapeMath.Format(tensor._shape)}";
        return tensor.Size <= 16 ? $"{head} {tensor.ToText(6)}" : head;
    }

    /// <summary>The elements as nested lists, for example <c>[[1, 2], [3, 4]]</c>.</summary>
    /// <param name="significantDigits">Digits per number, or null for the shortest round-trip form.</param>
    public string ToText(int? significantDigits = null)
    {
        string format = significantDigits is { } digits ? "G" + digits : "R";
        T[] values = ToArray();
        var text = new StringBuilder();
        int index = 0;
        AppendLevel(0);
        return text.ToString();

        void AppendLevel(int axis)
        {
            if (axis == Rank)
            {
                text.Append(double.CreateTruncating(values[index++]).ToString(format, CultureInfo.InvariantCulture));
                return;
            }

            text.Append('[');
            for (int i = 0; i < _shape[axis]; i++)
            {
                if (i > 0) text.Append(", ");
                AppendLevel(axis + 1);
            }

            text.Append(']');
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"tensor({ToText(6)}, {DType}{(RequiresGrad ? ", requires grad" : "")})";
}
