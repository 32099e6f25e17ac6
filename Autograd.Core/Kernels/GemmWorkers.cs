using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Autograd.Kernels;

/// <summary>One parallel GEMM call: parts 0..Count-1, each an independent share of C. Used once, never reset.</summary>
internal abstract class GemmJob(int count)
{
    private int _next = -1;
    private int _finished;
    private Exception? _error;

    /// <summary>How many parts the job has.</summary>
    public int Count { get; } = count;

    /// <summary>Computes one part.</summary>
    protected abstract void RunPart(int part);

    /// <summary>Claims and runs parts until none is left; safe to call from any number of threads.</summary>
    public void Work()
    {
        for (int part = Interlocked.Increment(ref _next); part < Count; part = Interlocked.Increment(ref _next))
        {
            try
            {
                RunPart(part);
            }
            catch (Exception error)
            {
                // Kept for the caller, which rethrows the first once every part has finished; a worker must not die.
                Interlocked.CompareExchange(ref _error, error, null);
            }
            finally
            {
                Interlocked.Increment(ref _finished);
            }
        }
    }

    /// <summary>
    /// Waits until every claimed part has finished (after this thread's <see cref="Work"/> found none left), then
    /// rethrows the first exception a part threw, on whichever thread.
    /// </summary>
    public void WaitForParts()
    {
        var spinner = new SpinWait();
        while (Volatile.Read(ref _finished) < Count) spinner.SpinOnce(sleep1Threshold: -1);
        if (Volatile.Read(ref _error) is { } error) ExceptionDispatchInfo.Throw(error);
    }
}

/// <summary>
/// The threads that share large products with the caller. A worker that finishes spins for a short while before it
/// sleeps, so back-to-back products find it awake: waking a sleeping thread costs tens of microseconds on bare metal
/// and close to a millisecond on some virtual machines, as long as a mid-sized product takes.
/// </summary>
/// <remarks>
/// Parts are claimed with an atomic counter, so a worker that wakes late only takes what the caller has not yet
/// started; which thread computes a part never changes its result. One product at a time uses the workers; a
/// product started while they are busy (from another thread) runs on its caller alone.
/// </remarks>
internal static class GemmWorkers
{
    /// <summary>How long an idle worker keeps polling for the next product before it sleeps.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 1000;

    private static readonly Lock Gate = new();
    private static readonly List<Worker> Workers = [];
    private static GemmJob? s_job;
    private static int s_generation;

    /// <summary>Runs every part of <paramref name="job"/> on the caller and up to <paramref name="helpers"/> workers.</summary>
    public static void Run(GemmJob job, int helpers)
    {
        if (helpers <= 0 || !Gate.TryEnter())
        {
            job.Work();
            job.WaitForParts();
            return;
        }

        try
        {
            while (Workers.Count < helpers) Workers.Add(new Worker());
            Volatile.Write(ref s_job, job);
            Interlocked.Increment(ref s_generation);
            for (int i = 0; i < helpers; i++) Workers[i].WakeIfSleeping();
            job.Work();
            job.WaitForParts();
        }
        finally
        {
            Volatile.Write(ref s_job, null);
            Gate.Exit();
        }
    }

    private sealed class Worker
    {
        private readonly object _sleep = new();
        private int _sleeping;

        public Worker()
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = "Autograd GEMM worker" };
            thread.Start();
        }

        /// <summary>Called after a new generation is published; pairs with the re-check in <see cref="Loop"/>.</summary>
        public void WakeIfSleeping()
        {
            if (Volatile.Read(ref _sleeping) == 1)
            {
                lock (_sleep) Monitor.Pulse(_sleep);
            }
        }

        private void Loop()
        {
            int seen = Volatile.Read(ref s_generation);
            while (true)
            {
                int generation = AwaitGeneration(seen);
                seen = generation;
                Volatile.Read(ref s_job)?.Work();
            }
        }

        private int AwaitGeneration(int seen)
        {
            long deadline = Stopwatch.GetTimestamp() + SpinTicks;
            var spinner = new SpinWait();
            while (true)
            {
                int generation = Volatile.Read(ref s_generation);
                if (generation != seen) return generation;
                if (Stopwatch.GetTimestamp() < deadline)
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                    continue;
                }

                // Announce the sleep, then look again: the publisher bumps the generation before it reads the flag,
                // and both sides use full fences, so at least one of them sees the other's write. The publisher's
                // pulse takes the lock, which this thread holds until it waits, so the pulse cannot come too early.
                lock (_sleep)
                {
                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref s_generation) == seen) Monitor.Wait(_sleep);
                    Interlocked.Exchange(ref _sleeping, 0);
                }

                deadline = Stopwatch.GetTimestamp() + SpinTicks;
                spinner = default;
            }
        }
    }
}
