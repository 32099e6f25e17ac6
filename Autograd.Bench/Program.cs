using Autograd.Bench.Quick;
using BenchmarkDotNet.Running;

// `quick [--threads N]` prints the figures the anchors are compared with; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "quick")
{
    var threads = ParseThreads(args.AsSpan(1));
    if (threads is null)
        return 2;
    QuickFigures.Run(Console.Out, threads.Value);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(QuickFigures).Assembly).Run(args);
return 0;

static int? ParseThreads(ReadOnlySpan<string> options)
{
    var threads = Environment.ProcessorCount;
    for (var i = 0; i < options.Length; i++)
    {
        if (options[i] == "--threads" && i + 1 < options.Length && int.TryParse(options[i + 1], out threads) && threads > 0)
        {
            i++;
            continue;
        }
        Console.Error.WriteLine($"quick: unknown or malformed option '{options[i]}' (usage: quick [--threads N], N ≥ 1)");
        return null;
    }
    return threads;
}
