using Autograd.Memory;

namespace Autograd.Memory;

/// <summary>
/// A stretch of code whose tensors give their elements back to a pool when it ends, so that a training loop running
/// each step inside a scope allocates nothing large once its first step is done.
/// </summary>
/// <remarks>
/// <para>
/// Every tensor made while the scope is the innermost one on this thread (or async flow) belongs to it, and the large
/// ones (a thousand elements or more) take recycled arrays. When the scope ends its tensors are released: reading
/// one afterwards is an error that says so, never a silent read of reused memory. Two exceptions, so that the usual
/// step works unchanged:
/// </para>
/// <list type="bullet">
/// <item>A gradient that <see cref="Tensor{T}.Backward"/> stores in a <see cref="Tensor{T}.Grad"/> is handed to that
/// tensor: it outlives the scope, <see cref="Tensor{T}.ZeroGrad"/> recycles it, and the next backward pass adds into
/// it in place.</item>
/// <item><see cref="Keep{T}(Tensor{T})"/> moves a tensor's elements out to the enclosing scope (or to the garbage
/// collector when there is none).</item>
/// </list>
/// <para>
/// Outside any scope nothing is pooled, and tensors live as long as they are referenced. Scopes nest and must end in
/// the reverse order they began, on the flow that began them (as <c>using</c> does). Like
/// <see cref="Autodiff.NoGrad"/>, a scope flows into tasks started inside it: what they make belongs to it too.
/// </para>
/// <code>
/// for (int step = 0; step &lt; steps; step++)
/// {
///     using var scope = new TensorScope();
///     Tensor&lt;float&gt; loss = model.Loss(batch);
///     loss.Backward();
///     optimizer.Step();
///     optimizer.ZeroGrad();
/// }
/// </code>
/// </remarks>
public sealed class TensorScope : IDisposable
{
    private static readonly AsyncLocal<TensorScope?> s_current = new();
    private readonly List<TensorStorage> _storages = [];
    private bool _ended;

    /// <summary>Begins a scope; it is the innermost one on this flow until disposed.</summary>
    public TensorScope()
    {
        Parent = Current;
        s_current.Value = this;
    }

    /// <summary>The innermost scope of the calling flow that has not ended, or null.</summary>
    /// <remarks>A task started inside a scope inherits it and may end it; the flow that began it then still names it
    /// as its innermost scope, so ended scopes are skipped rather than left to collect tensors nobody will release.</remarks>
    internal static TensorScope? Current => LiveOrAbove(s_current.Value);

    private static TensorScope? LiveOrAbove(TensorScope? scope)
    {
        while (scope is { _ended: true }) scope = scope.Parent;
        return scope;
    }

    /// <summary>The scope that was innermost when this one began, or null.</summary>
    private TensorScope? Parent { get; }

    /// <summary>
    /// Keeps <paramref name="tensor"/>'s elements (shared with its views) past the end of this scope: they move to the
    /// enclosing scope, or out of pooling altogether when there is none. Returns the tensor.
    /// </summary>
    /// <param name="tensor">A tensor made inside this scope (any other is returned unchanged).</param>
    /// <exception cref="InvalidOperationException">The tensor's elements were already released.</exception>
    public Tensor<T> Keep<T>(Tensor<T> tensor) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(tensor);
        TensorStorage storage = tensor.Buffer;
        if (storage.IsReleased) _ = tensor.Storage; // throws, naming the tensor
        if (!ReferenceEquals(storage.Owner, this)) return tensor;
        TensorScope? outer = LiveOrAbove(Parent);
        storage.Owner = outer;
        outer?.Adopt(storage);
        return tensor;
    }

    /// <summary>The bytes of arrays the pool keeps for reuse (float32 and float64 together; at most 512 MiB of each).</summary>
    public static long PooledBytes => BufferPool<float>.RetainedBytes + BufferPool<double>.RetainedBytes;

    /// <summary>Lets the garbage collector have every array the pool keeps, for example after training, when the
    /// step sizes will not come again.</summary>
    public static void TrimPool()
    {
        BufferPool<float>.Clear();
        BufferPool<double>.Clear();
    }

    /// <summary>Registers storage made while this scope is innermost (possibly by tasks started inside it, on other threads).</summary>
    internal void Adopt(TensorStorage storage)
    {
        lock (_storages) _storages.Add(storage);
    }

    /// <summary>Ends the scope: the elements of every tensor made in it, and not kept, go back to the pool.</summary>
    /// <exception cref="InvalidOperationException">A scope begun inside this one has not ended yet.</exception>
    public void Dispose()
    {
        if (_ended) return;
        if (!ReferenceEquals(s_current.Value, this))
            throw new InvalidOperationException("TensorScope: scopes must end in the reverse order they began, on the thread or async flow that began them; an inner scope is still open");
        _ended = true;
        s_current.Value = LiveOrAbove(Parent);
        lock (_storages)
        {
            foreach (TensorStorage storage in _storages)
                if (ReferenceEquals(storage.Owner, this)) storage.Release(ReleaseReason.ScopeEnded);
            _storages.Clear();
        }
    }
}
