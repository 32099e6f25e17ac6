using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Autograd.Kernels;

/// <summary>
/// Software prefetch for scattered table rows (embedding lookups): the hardware prefetcher follows streams, not
/// a list of row indices, so a kernel that knows its next rows asks for them while it works on the current ones.
/// </summary>
public static class RowPrefetch
{
    private const int CacheLine = 64;

    /// <summary>Prefetches rows <paramref name="rows"/> (each <paramref name="width"/> elements) of <paramref name="table"/> into all cache levels.</summary>
    public static unsafe void Rows<T>(ReadOnlySpan<T> table, ReadOnlySpan<int> rows, int width) where T : unmanaged
    {
        if (!Sse.IsSupported) return;
        int bytes = width * sizeof(T);
        byte* start = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(table));
        foreach (int row in rows)
        {
            byte* address = start + (nint)row * bytes;
            for (int offset = 0; offset < bytes; offset += CacheLine) Sse.Prefetch0(address + offset);
        }
    }
}
