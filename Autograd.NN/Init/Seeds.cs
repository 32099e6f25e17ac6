namespace Autograd.NN.Init;

/// <summary>
/// The seeds of layers built without one, like PyTorch's global generator: each such layer takes the next seed of
/// one process-wide sequence, so two layers of the same shape start different, and a program that builds its layers
/// in the same order gets the same weights on every run. <see cref="ManualSeed"/> restarts the sequence, as
/// <c>torch.manual_seed</c> does.
/// </summary>
public static class Seeds
{
    private static long s_counter;

    /// <summary>Restarts the sequence from <paramref name="seed"/>: the layers built next get the same seeds again.</summary>
    /// <param name="seed">Any number; the sequence starts at 0 when the process starts.</param>
    public static void ManualSeed(int seed) => Interlocked.Exchange(ref s_counter, (long)seed << 32);

    /// <summary>The next seed of the sequence; thread-safe.</summary>
    public static int Next()
    {
        // SplitMix64's finalizer: consecutive counters give unrelated seeds.
        ulong z = (ulong)Interlocked.Increment(ref s_counter) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return unchecked((int)(z ^ (z >> 31)));
    }
}
