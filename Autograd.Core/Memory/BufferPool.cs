using System.Numerics;

namespace Autograd.Memory;

/// <summary>
/// Arrays given back by ended <see cref="TensorScope"/>s and cleared gradients, kept by exact length: a training step
/// asks for the same sizes every time, so after the first step every request is met from here.
/// </summary>
/// <remarks>Shared by all threads (a lock per call; a call costs far less than the op that needs the array). At most
/// <see cref="MaxRetainedBytes"/> are kept per element type; beyond that, returned arrays are left to the collector.</remarks>
/// <typeparam name="T">The element type.</typeparam>
internal static class BufferPool<T> where T : unmanaged
{
    /// <summary>The most this pool keeps, in bytes.</summary>
    public const long MaxRetainedBytes = 512L << 20;

    private static readonly Dictionary<int, Stack<T[]>> s_free = [];
    private static readonly Lock s_lock = new();
    private static long s_retainedBytes;

    /// <summary>The bytes held for reuse now.</summary>
    public static long RetainedBytes
    {
        get
        {
            lock (s_lock) return s_retainedBytes;
        }
    }

    /// <summary>An array of exactly <paramref name="length"/> elements with unspecified contents.</summary>
    public static T[] Rent(int length)
    {
        lock (s_lock)
        {
            if (s_free.TryGetValue(length, out Stack<T[]>? stack) && stack.TryPop(out T[]? array))
            {
                s_retainedBytes -= Bytes(length);
                return array;
            }
        }

        return GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>Keeps <paramref name="array"/> for a later <see cref="Rent"/> of its length (the caller no longer uses it).</summary>
    public static void Return(T[] array)
    {
        lock (s_lock)
        {
            if (s_retainedBytes + Bytes(array.Length) > MaxRetainedBytes) return;
            if (!s_free.TryGetValue(array.Length, out Stack<T[]>? stack)) s_free[array.Length] = stack = new Stack<T[]>();
            stack.Push(array);
            s_retainedBytes += Bytes(array.Length);
        }
    }

    /// <summary>Drops every kept array, leaving them to the garbage collector.</summary>
    public static void Clear()
    {
        lock (s_lock)
        {
            s_free.Clear();
            s_retainedBytes = 0;
        }
    }

    private static unsafe long Bytes(int length) => (long)length * sizeof(T);
}
