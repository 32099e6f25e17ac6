using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
        Length = array.Length;
        if (TensorScope.Current is { } scope)
        {
            Owner = scope;
            scope.Adopt(this);
        }
    }

    private TensorStorage(T[] array, int start, int length, TensorScope? scope)
    {
        _array = array;
        Start = start;
        Length = length;
        if (scope is null) return;
        _pooled = true;
        Owner = scope;
        scope.Adopt(this);
    }

    /// <summary>The array the elements live in; null once released. They are <see cref="Length"/> elements from <see cref="Start"/>.</summary>
    public T[]? Array => _array;

    /// <summary>Where the first element lives in <see cref="Array"/>: 0, or for storage from <see cref="Allocate"/> of
    /// at least <see cref="AlignedThreshold"/> elements, the first index on a 64-byte boundary.</summary>
    public int Start { get; }

    /// <summary>How many elements the storage holds.</summary>
    public int Length { get; }

    /// <summary>The elements.</summary>
    /// <exception cref="NullReferenceException">The storage was released (callers check <see cref="IsReleased"/> first).</exception>
    public Span<T> Span => _array.AsSpan(Start, Length);

    /// <summary>
    /// From this many elements on, <see cref="Allocate"/> starts the elements on a 64-byte boundary: a 512-bit load or
    /// store then never straddles two cache lines, which at n = 1024 made a product of unaligned matrices 4 % slower.
    /// The array moves only if the collector compacts it (large arrays it leaves where they are); then the elements
    /// are as before, only no longer aligned.
    /// </summary>
    internal const int AlignedThreshold = PoolThreshold;

    /// <summary>The extra elements an aligned storage asks for: enough to reach a 64-byte boundary from any 8-byte one.</summary>
    private static int AlignmentPadding => 64 / Unsafe.SizeOf<T>();

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
        if (length < AlignedThreshold) return new TensorStorage<T>(zeroed ? new T[length] : GC.AllocateUninitializedArray<T>(length));
        TensorScope? scope = TensorScope.Current;
        int padded = length + AlignmentPadding;
        T[] array = scope is null ? GC.AllocateUninitializedArray<T>(padded) : BufferPool<T>.Rent(padded);
        int start = AlignedStart(array);
        if (zeroed) array.AsSpan(start, length).Clear();
        return new TensorStorage<T>(array, start, length, scope);
    }

    /// <summary>The first index of <paramref name="array"/> on a 64-byte boundary.</summary>
    private static unsafe int AlignedStart(T[] array)
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return (int)((64 - (address & 63)) & 63) / Unsafe.SizeOf<T>();
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
