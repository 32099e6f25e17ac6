namespace Autograd.Kernels;

/// <summary>How many cores the engine's kernels (matrix products, large elementwise ops) may use.</summary>
public static class Parallelism
{
    private static int _maxThreads = Environment.ProcessorCount;

    /// <summary>
    /// The most threads one kernel call splits its work over; defaults to the processor count.
    /// Set it to 1 for single-threaded, bit-reproducible runs.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxThreads
    {
        get => Volatile.Read(ref _maxThreads);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref _maxThreads, value);
        }
    }
}
