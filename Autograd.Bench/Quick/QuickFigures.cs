using System.Diagnostics;
using System.Globalization;
using Autograd.Bench.Scalar;
using Autograd.Bench.Tensors;
using Autograd.Kernels;

namespace Autograd.Bench.Quick;

/// <summary>
/// The <c>quick</c> mode: one figure a line as <c>name value unit</c>, in well under a minute,
/// for scripts that set the figures beside the anchors' output.
/// </summary>
public static class QuickFigures
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan ScalarWarmUp = TimeSpan.FromSeconds(4);

    /// <summary>A training step runs a few hundred methods; .NET's tiered compilation takes about 1.5 s to finish
    /// optimizing them all, so a 1.5-s warm-up timed some processes' steps before it had.</summary>
    private static readonly TimeSpan StepWarmUp = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Runs every quick figure (or those whose name starts with <paramref name="only"/>) on <paramref name="threads"/>
    /// threads and writes it to <paramref name="output"/>, after a first line naming the kernels' vector width.
    /// </summary>
    public static void Run(TextWriter output, int threads, string only = "")
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(only);
        Parallelism.MaxThreads = threads;
        // Which kernels ran decides what the figures mean: DOTNET_EnableAVX512=0 gives the 256-bit ones.
        output.WriteLine($"vector_bits {KernelInfo.VectorBits} bits ({KernelInfo.InstructionSet})");
        bool Wanted(string name) => name.StartsWith(only, StringComparison.Ordinal);
        if (Wanted("scalar_ops"))
            Report(output, "scalar_ops", ScalarThroughput(() => ScalarWorkloads.Chain(1000), ScalarWorkloads.ChainOps(1000)), "M ops/s");
        var layer = new DenseLayerParameters(64, 32);
        if (Wanted("scalar_dense_layer"))
            Report(output, "scalar_dense_layer", ScalarThroughput(() => ScalarWorkloads.DenseLayer(layer), ScalarWorkloads.DenseLayerOps(64, 32)), "M ops/s");
        if (Wanted("scalar_chain_1m"))
            Report(output, "scalar_chain_1m", ScalarThroughput(() => ScalarWorkloads.Chain(500_000), ScalarWorkloads.ChainOps(500_000), repetitions: 5), "M ops/s");
        foreach (var n in new[] { 256, 512, 1024 })
        {
            if (Wanted($"gemm_f32_n{n}"))
                Report(output, $"gemm_f32_n{n}", GemmWorkloads.GigaflopsPerSecond<float>(n, MedianSeconds), "GFLOP/s");
        }

        // float64, as the command line and gradient checking compute.
        if (Wanted("gemm_f64_n512"))
            Report(output, "gemm_f64_n512", GemmWorkloads.GigaflopsPerSecond<double>(512, MedianSeconds), "GFLOP/s");
        foreach (var batch in new[] { 32, 128, 512 })
        {
            if (!Wanted($"mlp_step_bs{batch}"))
                continue;
            var step = new MlpTrainingStep(batch);
            Report(output, $"mlp_step_bs{batch}", MedianSeconds(() => step.Step(), TimeSpan.FromSeconds(1), minimumRepetitions: 51, StepWarmUp) * 1e3, "ms");
        }
    }

    /// <summary>Millions of operations per second (forward + backward), from the median of timed repetitions.</summary>
    private static double ScalarThroughput(Func<double> work, long operations, int repetitions = 101)
    {
        // Millions of tiny calls: give tiered compilation time to reach its final, profile-guided code.
        var seconds = MedianSeconds(() => work(), repetitions, ScalarWarmUp);
        return operations / seconds / 1e6;
    }

    /// <summary>
    /// Median wall time of <paramref name="repetitions"/> runs after a warm-up; the median shrugs off a noisy neighbour.
    /// </summary>
    /// <remarks>The warm-up runs for a fixed time, not a count, so the JIT has promoted the hot code to its optimized tier.</remarks>
    public static double MedianSeconds(Action work, int repetitions) => MedianSeconds(work, repetitions, WarmUp);

    /// <summary>
    /// The median over about <paramref name="timed"/> of repetitions (at least <paramref name="minimumRepetitions"/>),
    /// so that a short action is timed over as long a stretch as a long one: this machine's speed changes every few
    /// tenths of a second, and fifty runs of a millisecond would see only one of its states.
    /// </summary>
    private static double MedianSeconds(Action work, TimeSpan timed, int minimumRepetitions, TimeSpan warmUp)
    {
        ArgumentNullException.ThrowIfNull(work);
        double secondsPerRun = RunFor(work, warmUp);
        return TimedMedian(work, Math.Max(minimumRepetitions, (int)(timed.TotalSeconds / secondsPerRun)));
    }

    private static double MedianSeconds(Action work, int repetitions, TimeSpan warmUpTime)
    {
        ArgumentNullException.ThrowIfNull(work);
        RunFor(work, warmUpTime);
        return TimedMedian(work, repetitions);
    }

    /// <summary>The median wall time of <paramref name="repetitions"/> runs, each timed on its own.</summary>
    private static double TimedMedian(Action work, int repetitions)
    {
        var times = new double[repetitions];
        for (var i = 0; i < repetitions; i++)
        {
            var start = Stopwatch.GetTimestamp();
            work();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(times);
        return times[repetitions / 2];
    }

    /// <summary>Runs <paramref name="work"/> for <paramref name="time"/>, at least once; returns the mean seconds of a run.</summary>
    private static double RunFor(Action work, TimeSpan time)
    {
        var clock = Stopwatch.StartNew();
        int runs = 0;
        do
        {
            work();
            runs++;
        }
        while (clock.Elapsed < time);
        return clock.Elapsed.TotalSeconds / runs;
    }

    private static void Report(TextWriter output, string name, double value, string unit) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} {value:0.###} {unit}"));
}
