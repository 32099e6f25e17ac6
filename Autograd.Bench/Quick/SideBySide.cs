using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Autograd.Bench.Scalar;

namespace Autograd.Bench.Quick;

/// <summary>
/// The <c>side-by-side</c> mode: the scalar workloads of another build of this project and of this build, timed in
/// turns in one process. Each build's Autograd.Bench.dll and the Autograd.Core beside it are loaded in an
/// <see cref="AssemblyLoadContext"/> of their own, so the two are called the same way.
/// </summary>
/// <remarks>
/// From one process to the next, the scalar figures on our machines fall in two bands about 1.5× apart, whichever
/// build runs; within a process they hold. Timed in turns on one heap, the two builds share the band, so a difference
/// of a few percent shows, where across processes it drowns.
/// </remarks>
public static class SideBySide
{
    /// <summary>One turn of one workload: about this long.</summary>
    private static readonly TimeSpan Turn = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Times <see cref="ScalarWorkloads.Chain"/> and <see cref="ScalarWorkloads.DenseLayer"/> of the build in
    /// <paramref name="baseDirectory"/> and of this one for <paramref name="rounds"/> turns each (alternating which
    /// goes first), and writes one line a figure and side, <c>name value unit</c>, the base's names ending in
    /// <c>_before</c> and this build's in <c>_after</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The directory holds no Autograd.Bench.dll.</exception>
    /// <exception cref="MissingMemberException">The other build lacks one of the workloads.</exception>
    public static void Run(TextWriter output, string baseDirectory, int rounds)
    {
        ArgumentNullException.ThrowIfNull(output);
        Type other = LoadWorkloads(baseDirectory);
        // This build is loaded the same way as the other, from its own folder: called through the default context
        // instead, it ran a few per cent faster than a copy of itself.
        Type own = LoadWorkloads(AppContext.BaseDirectory);
        var figures = new (string Name, long Operations, Func<double> Before, Func<double> After)[]
        {
            ("scalar_ops", ScalarWorkloads.ChainOps(1000), Chain(other, 1000), Chain(own, 1000)),
            ("scalar_dense_layer", ScalarWorkloads.DenseLayerOps(64, 32), DenseLayer(other, 64, 32), DenseLayer(own, 64, 32)),
        };
        foreach (var (name, operations, before, after) in figures)
        {
            // Both builds reach their final tier before any turn counts.
            Rate(before, operations, TimeSpan.FromSeconds(3));
            Rate(after, operations, TimeSpan.FromSeconds(3));
            var rates = new List<double>[] { [], [] };
            for (int round = 0; round < rounds; round++)
            {
                bool beforeFirst = round % 2 == 0;
                for (int turn = 0; turn < 2; turn++)
                {
                    bool isBefore = beforeFirst == (turn == 0);
                    rates[isBefore ? 0 : 1].Add(Rate(isBefore ? before : after, operations, Turn));
                }
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}_before {Median(rates[0]):F2} M ops/s"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}_after {Median(rates[1]):F2} M ops/s"));
        }
    }

    /// <summary>The <see cref="ScalarWorkloads"/> of the build in <paramref name="directory"/>, loaded with its own Autograd.Core in a context of their own.</summary>
    private static Type LoadWorkloads(string directory)
    {
        string folder = Path.GetFullPath(directory);
        string benchPath = Path.Combine(folder, "Autograd.Bench.dll");
        if (!File.Exists(benchPath))
            throw new FileNotFoundException($"side-by-side: no Autograd.Bench.dll in '{folder}'; give the output folder of a build of Autograd.Bench", benchPath);
        return new DirectoryLoadContext(folder).LoadFromAssemblyPath(benchPath).GetType(typeof(ScalarWorkloads).FullName!)
            ?? throw new MissingMemberException($"side-by-side: '{benchPath}' has no {typeof(ScalarWorkloads).FullName}");
    }

    /// <summary>Millions of operations per second over about <paramref name="duration"/>.</summary>
    private static double Rate(Func<double> work, long operations, TimeSpan duration)
    {
        long done = 0;
        double sink = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            sink += work();
            done += operations;
        }

        GC.KeepAlive(sink);
        return done / clock.Elapsed.TotalSeconds / 1e6;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static Func<double> Chain(Type workloads, int links)
    {
        var chain = workloads.GetMethod(nameof(ScalarWorkloads.Chain), [typeof(int)])?.CreateDelegate<Func<int, double>>()
            ?? throw new MissingMemberException(workloads.FullName, nameof(ScalarWorkloads.Chain));
        return () => chain(links);
    }

    private static Func<double> DenseLayer(Type workloads, int inputs, int outputs)
    {
        Type parameters = workloads.Assembly.GetType(typeof(DenseLayerParameters).FullName!)
            ?? throw new MissingMemberException(workloads.Assembly.FullName, nameof(DenseLayerParameters));
        object layer = Activator.CreateInstance(parameters, inputs, outputs, 1)!;
        MethodInfo dense = workloads.GetMethod(nameof(ScalarWorkloads.DenseLayer), [parameters])
            ?? throw new MissingMemberException(workloads.FullName, nameof(ScalarWorkloads.DenseLayer));
        return () => (double)dense.Invoke(null, [layer])!;
    }

    /// <summary>Resolves a build's assemblies from its own folder, so its Autograd.Core is the one it was built with.</summary>
    private sealed class DirectoryLoadContext(string directory) : AssemblyLoadContext(isCollectible: false)
    {
        protected override Assembly? Load(AssemblyName name)
        {
            string path = Path.Combine(directory, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
