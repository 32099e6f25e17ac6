using System.Numerics;

namespace Autograd.Memory;

/// <summary>
/// The elements a tensor and its views share, and who may give them back to the pool: nobody (the garbage collector
/// owns them), the <see cref="TensorScope"/> they were made in, or the tensor whose <c>Grad</c> they became.
/// </summary>
internal abstract class TensorStorage
{
    /// <summary>A <see cref="TensorScope"/>, a tensor holding these elements as its gradient, or null (no owner).</summary>
    public object? Owner { get; set; }

    /// <summary>True once the elements went back to the pool; every tensor over them then refuses to be read.</summary>
    public abstract bool IsReleased { get; }

    /// <summary>Why the elements were released, for the error a later read gets.</summary>
    public ReleaseReason Reason { get; protected set; }

    /// <summary>Gives the elements back to the pool (when they came from it); later reads throw.</summary>
    public abstract void Release(ReleaseReason reason);

    /// <summary>Leaves these elements to the garbage collector: no scope or tensor will give them back to the pool, so
    /// they may be held past every scope (as the entries of a row-sparse gradient are).</summary>
    public void LeaveToCollector() => Owner = null;

    /// <summary>Hands these elements to <paramref name="tensor"/> as its gradient: a scope lets go of them; if another
    /// tensor already holds them, nobody may recycle them any more (two gradients share them).</summary>
    public void TransferTo(object tensor)
    {
        if (Owner is TensorScope) Owner = tensor;
        else if (Owner is not null && !ReferenceEquals(Owner, tensor)) Owner = null;
    }
}

/// <summary>What gave a tensor's elements back to the pool.</summary>
internal enum ReleaseReason
{
    /// <summary>Not released.</summary>
    None,

    /// <summary>The <see cref="TensorScope"/> the tensor was made in ended.</summary>
    ScopeEnded,

    /// <summary><c>ZeroGrad()</c> cleared the gradient the elements held.</summary>
    GradientCleared,
}

/// <summary>A tensor's elements: a plain array, or one rented from <see cref="BufferPool{T}"/> inside a scope.</summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class TensorStorage<T> : TensorStorage where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Arrays shorter than this are not pooled (only released): recycling them costs more than it saves.</summary>
    internal const int PoolThreshold = 1024;

    private T[]? _array;
    private readonly bool _pooled;

    /// <summary>Wraps an array that is never pooled; it belongs to the current <see cref="TensorScope"/>, if any, like
    /// every tensor made there.</summary>
    public TensorStorage(T[] array)
    {
        _array = array;
        if (TensorScope.Current is { } scope)
        {
            Owner = scope;
            scope.Adopt(this);
        }
    }

    private TensorStorage(T[] array, TensorScope scope)
    {
        _array = array;
        _pooled = true;
        Owner = scope;
    }

    /// <summary>The elements; null once released.</summary>
    public T[]? Array => _array;

    /// <inheritdoc/>
    public override bool IsReleased => _array is null;

    /// <summary>
    /// Storage for <paramref name="length"/> elements, owned by the current <see cref="TensorScope"/> if there is one;
    /// a large array in a scope is rented from the pool.
    /// </summary>
    /// <param name="length">The number of elements.</param>
    /// <param name="zeroed">Whether the elements must start at zero (otherwise the caller overwrites them all).</param>
    public static TensorStorage<T> Allocate(int length, bool zeroed)
    {
        TensorScope? scope = length >= PoolThreshold ? TensorScope.Current : null;
        if (scope is null) return new TensorStorage<T>(zeroed ? new T[length] : GC.AllocateUninitializedArray<T>(length));
        T[] array = BufferPool<T>.Rent(length);
        if (zeroed) System.Array.Clear(array);
        var storage = new TensorStorage<T>(array, scope);
        scope.Adopt(storage);
        return storage;
    }

    /// <inheritdoc/>
    public override void Release(ReleaseReason reason)
    {
        T[]? array = _array;
        if (array is null) return;
        _array = null;
        Owner = null;
        Reason = reason;
        if (_pooled) BufferPool<T>.Return(array);
    }
}
