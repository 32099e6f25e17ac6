using Autograd.Bench.Quick;
using Autograd.Bench.Word2Vec;
using BenchmarkDotNet.Running;

// `quick [--threads N] [--only PREFIX]` prints the figures the anchors are compared with; anything else goes to
// BenchmarkDotNet.
if (args.Length > 0 && args[0] == "quick")
{
    var options = ParseQuickOptions(args.AsSpan(1));
    if (options is null)
        return 2;
    QuickFigures.Run(Console.Out, options.Value.Threads, options.Value.Only);
    return 0;
}

// `word2vec --corpus FILE [--threads N] [--seed S] [--eval DIR]` prints words/s and vector quality with gensim's anchor settings.
if (args.Length > 0 && args[0] == "word2vec")
{
    string? corpus = null, evaluation = null;
    var workers = Environment.ProcessorCount;
    var seed = 1;
    for (var i = 1; i < args.Length; i++)
    {
        if (args[i] == "--corpus" && i + 1 < args.Length) corpus = args[++i];
        else if (args[i] == "--eval" && i + 1 < args.Length) evaluation = args[++i];
        else if (args[i] == "--threads" && i + 1 < args.Length && int.TryParse(args[i + 1], out workers) && workers > 0) i++;
        else if (args[i] == "--seed" && i + 1 < args.Length && int.TryParse(args[i + 1], out seed)) i++;
        else
        {
            Console.Error.WriteLine($"word2vec: unknown or malformed option '{args[i]}' (usage: word2vec --corpus FILE [--threads N] [--seed S] [--eval DIR])");
            return 2;
        }
    }

    if (corpus is null || !File.Exists(corpus))
    {
        Console.Error.WriteLine($"word2vec: --corpus must name a text file (one sentence a line), not '{corpus}'");
        return 2;
    }

    Word2VecFigures.Run(Console.Out, corpus, workers, evaluation, seed);
    return 0;
}

// `side-by-side --base DIR [--rounds N]` times the scalar workloads of the build in DIR and of this one in turns, in this process.
if (args.Length > 0 && args[0] == "side-by-side")
{
    string? baseDirectory = null;
    var rounds = 15;
    for (var i = 1; i < args.Length; i++)
    {
        if (args[i] == "--base" && i + 1 < args.Length) baseDirectory = args[++i];
        else if (args[i] == "--rounds" && i + 1 < args.Length && int.TryParse(args[i + 1], out rounds) && rounds > 0) i++;
        else
        {
            Console.Error.WriteLine($"side-by-side: unknown or malformed option '{args[i]}' (usage: side-by-side --base DIR [--rounds N], N ≥ 1)");
            return 2;
        }
    }

    if (baseDirectory is null || !Directory.Exists(baseDirectory))
    {
        Console.Error.WriteLine($"side-by-side: --base must name the output folder of another build of Autograd.Bench, not '{baseDirectory}'");
        return 2;
    }

    SideBySide.Run(Console.Out, baseDirectory, rounds);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(QuickFigures).Assembly).Run(args);
return 0;

static (int Threads, string Only)? ParseQuickOptions(ReadOnlySpan<string> options)
{
    var threads = Environment.ProcessorCount;
    var only = "";
    for (var i = 0; i < options.Length; i++)
    {
        if (options[i] == "--threads" && i + 1 < options.Length && int.TryParse(options[i + 1], out threads) && threads > 0)
        {
            i++;
            continue;
        }
        if (options[i] == "--only" && i + 1 < options.Length)
        {
            only = options[++i];
            continue;
        }
        Console.Error.WriteLine($"quick: unknown or malformed option '{options[i]}' (usage: quick [--threads N] [--only PREFIX], N ≥ 1)");
        return null;
    }
    return (threads, only);
}
