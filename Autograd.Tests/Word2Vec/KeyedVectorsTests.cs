using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Autograd.NN.Word2Vec;
using Autograd.Tests.Support;

namespace Autograd.Tests.Word2Vec;

/// <summary>
/// Word vectors against gensim: files gensim wrote (Reference/, made by make_gensim_vectors.py), gensim's queries and
/// evaluations on them, files we write read back by gensim, round trips, and malformed or corrupted files.
/// </summary>
public sealed class KeyedVectorsTests : FileTests
{
    /// <summary>The fixtures live beside this source file (the csproj copies only Autograd.Tests/Reference).</summary>
    private static string Reference(string file, [CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Reference", file);

    private static JsonElement Expected()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Reference("expected.json")));
        return document.RootElement.Clone();
    }

    private static string[] ExpectedWords(JsonElement expected) => [.. expected.GetProperty("words").EnumerateArray().Select(w => w.GetString()!)];

    private static float[] Floats(JsonElement rows) => [.. rows.EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(v => (float)v.GetDouble())];

    private static float[] Flatten(KeyedVectors vectors) => [.. vectors.Words.SelectMany(w => vectors[w].ToArray())];

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    private static KeyedVectors Sample()
    {
        string[] words = ["king", "queen", "café", "naïve", "東京", "Ünïcödé", "emoji😀", "z"];
        const int dimension = 5;
        var random = new Random(11);
        float[] values = [.. Enumerable.Range(0, words.Length * dimension).Select(_ => (float)(random.NextDouble() * 4 - 2))];
        // Awkward values: the smallest subnormal, the largest float, negative zero, a value with no short decimal.
        values[0] = float.Epsilon;
        values[1] = float.MaxValue;
        values[2] = -0f;
        values[3] = 0.1f;
        values[4] = -1.0000001f;
        values[5] = 1e-30f;
        return new KeyedVectors(words, values, dimension);
    }

    [TestCase("gensim_vectors.txt", null)]
    [TestCase("gensim_vectors.txt", false)]
    [TestCase("gensim_vectors.bin", null)]
    [TestCase("gensim_vectors.bin", true)]
    public void LoadsFilesGensimWrote(string file, bool? binary)
    {
        JsonElement expected = Expected();
        KeyedVectors vectors = binary is null ? KeyedVectors.Load(Reference(file)) : KeyedVectors.Load(Reference(file), binary.Value);
        Assert.That(vectors.Words, Is.EqualTo(ExpectedWords(expected)));
        Assert.That(vectors.Dimension, Is.EqualTo(expected.GetProperty("dimension").GetInt32()));
        // gensim prints float32s with numpy's shortest round-trip repr, so the text file is exact too.
        Assert.That(Bits(Flatten(vectors)), Is.EqualTo(Bits(Floats(expected.GetProperty("vectors")))));
    }

    private static void AssertSameNeighbours(IReadOnlyList<(string Word, double Similarity)> actual, JsonElement expected)
    {
        (string Word, double Similarity)[] gensim = [.. expected.EnumerateArray().Select(p => (p[0].GetString()!, p[1].GetDouble()))];
        Assert.That(actual.Select(p => p.Word), Is.EqualTo(gensim.Select(p => p.Word)));
        for (int i = 0; i < gensim.Length; i++) Assert.That(actual[i].Similarity, Is.EqualTo(gensim[i].Similarity).Within(1e-5), gensim[i].Word);
    }

    [Test]
    public void NeighboursAnalogiesAndSimilaritiesMatchGensim()
    {
        JsonElement expected = Expected();
        KeyedVectors vectors = KeyedVectors.Load(Reference("gensim_vectors.bin"));
        foreach (JsonProperty word in expected.GetProperty("most_similar").EnumerateObject())
            AssertSameNeighbours(vectors.MostSimilar(word.Name, 3), word.Value);

        JsonElement analogy = expected.GetProperty("analogy");
        string[] positive = [.. analogy.GetProperty("positive").EnumerateArray().Select(w => w.GetString()!)];
        string[] negative = [.. analogy.GetProperty("negative").EnumerateArray().Select(w => w.GetString()!)];
        AssertSameNeighbours(vectors.MostSimilar(positive, negative, 3), analogy.GetProperty("result"));
        Assert.That(vectors.Analogy(positive[0], negative[0], positive[1]), Is.EqualTo(analogy.GetProperty("result")[0][0].GetString()));

        foreach (JsonElement pair in expected.GetProperty("similarity").EnumerateArray())
            Assert.That(vectors.Similarity(pair[0].GetString()!, pair[1].GetString()!), Is.EqualTo(pair[2].GetDouble()).Within(1e-5));
    }

    [Test]
    public void EvaluationsMatchGensim()
    {
        JsonElement expected = Expected();
        KeyedVectors vectors = KeyedVectors.Load(Reference("gensim_vectors.txt"));

        AnalogyResult analogies = WordVectorEvaluation.Analogies(vectors, Reference("analogies.txt"), restrictTo: 30_000);
        JsonElement gensimAnalogies = expected.GetProperty("analogies");
        Assert.That(analogies.Total.Accuracy, Is.EqualTo(gensimAnalogies.GetProperty("total_accuracy").GetDouble()).Within(1e-6));
        // gensim lists the sections and then its total; the two questions with unknown words are skipped.
        JsonElement[] sections = [.. gensimAnalogies.GetProperty("sections").EnumerateArray()];
        Assert.That(analogies.Sections.Select(s => (s.Section, s.Correct, s.Incorrect)),
            Is.EqualTo(sections[..^1].Select(s => (s.GetProperty("section").GetString()!, s.GetProperty("correct").GetInt32(), s.GetProperty("incorrect").GetInt32()))));
        Assert.That((analogies.Total.Correct, analogies.Total.Incorrect), Is.EqualTo((sections[^1].GetProperty("correct").GetInt32(), sections[^1].GetProperty("incorrect").GetInt32())));
        Assert.That(analogies.Skipped, Is.EqualTo(2));

        SimilarityResult pairs = WordVectorEvaluation.Similarities(vectors, Reference("word_pairs.txt"));
        JsonElement gensimPairs = expected.GetProperty("word_pairs");
        Assert.That(pairs.Spearman, Is.EqualTo(gensimPairs.GetProperty("spearman").GetDouble()).Within(1e-6));
        Assert.That(pairs.Pearson, Is.EqualTo(gensimPairs.GetProperty("pearson").GetDouble()).Within(1e-6));
        Assert.That(pairs.OutOfVocabularyPercent, Is.EqualTo(gensimPairs.GetProperty("oov_ratio").GetDouble()).Within(1e-6));
        Assert.That((pairs.Pairs, pairs.OutOfVocabulary), Is.EqualTo((10, 1)));
    }

    [Test]
    public void SpearmanAveragesTiedRanksAsScipyDoes()
    {
        JsonElement ties = Expected().GetProperty("spearman_ties");
        double[] x = [.. ties.GetProperty("x").EnumerateArray().Select(v => v.GetDouble())];
        double[] y = [.. ties.GetProperty("y").EnumerateArray().Select(v => v.GetDouble())];
        // scipy.stats.spearmanr([1, 2, 2, 3, 4, 4, 4, 5], [2, 1, 3, 3, 5, 4, 4, 6]).correlation
        Assert.That(WordVectorEvaluation.Spearman(x, y), Is.EqualTo(ties.GetProperty("spearman").GetDouble()).Within(1e-12));
        Assert.That(WordVectorEvaluation.Ranks([10, 20, 20, 30]), Is.EqualTo(new[] { 1, 2.5, 2.5, 4 }));
    }

    [Test]
    public void SavedFilesLoadBackIdentically()
    {
        KeyedVectors vectors = Sample();
        string text = PathOf("v.txt"), binary = PathOf("v.bin");
        vectors.SaveText(text);
        vectors.SaveBinary(binary);
        foreach (KeyedVectors loaded in new[] { KeyedVectors.Load(text), KeyedVectors.Load(text, binary: false), KeyedVectors.Load(binary), KeyedVectors.Load(binary, binary: true) })
        {
            Assert.That(loaded.Words, Is.EqualTo(vectors.Words));
            Assert.That(loaded.Dimension, Is.EqualTo(vectors.Dimension));
            Assert.That(Bits(Flatten(loaded)), Is.EqualTo(Bits(Flatten(vectors))), "bit-identical, negative zero and subnormals included");
        }

        Assert.That(Directory.GetFiles(WorkDirectory), Has.Length.EqualTo(2), "no temporary files left behind");
    }

    private static (int ExitCode, string Out, string Error) Python(params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    [Test]
    public void GensimReadsTheFilesWeWrite()
    {
        if (!File.Exists("/usr/bin/python3") || Python("-c", "import gensim").ExitCode != 0) Assert.Ignore("needs /usr/bin/python3 with gensim");
        KeyedVectors vectors = Sample();
        string text = PathOf("v.txt"), binary = PathOf("v.bin");
        vectors.SaveText(text);
        vectors.SaveBinary(binary);

        var (exit, output, error) = Python(Reference("make_gensim_vectors.py"), "--read", text, binary);
        Assert.That(exit, Is.Zero, error);
        using JsonDocument read = JsonDocument.Parse(output);
        foreach (string format in new[] { "text", "binary" })
        {
            JsonElement gensim = read.RootElement.GetProperty(format);
            Assert.That(gensim.GetProperty("words").EnumerateArray().Select(w => w.GetString()), Is.EqualTo(vectors.Words), format);
            // gensim's float32s widened to doubles exactly: the binary bytes are copied, the text's "R" digits round-trip.
            Assert.That(Bits(Floats(gensim.GetProperty("vectors"))), Is.EqualTo(Bits(Flatten(vectors))), format);
        }
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static IEnumerable<TestCaseData> MalformedFiles()
    {
        yield return new TestCaseData(Array.Empty<byte>(), null, "no header line").SetArgDisplayNames("empty file");
        yield return new TestCaseData(Utf8("king 1 2\nqueen 3 4\n"), false, "two positive whole numbers").SetArgDisplayNames("missing header");
        yield return new TestCaseData(Utf8("two four\nking 1 2 3 4\n"), null, "two positive whole numbers").SetArgDisplayNames("header not numbers");
        yield return new TestCaseData(Utf8("2 -3\nking 1 2 3\n"), null, "two positive whole numbers").SetArgDisplayNames("negative dimension");
        yield return new TestCaseData(Utf8("1 600000000\na 1\n"), true, "cannot fit in a 16-byte file").SetArgDisplayNames("huge dimension binary");
        yield return new TestCaseData(Utf8("1 600000000\na 1\n"), false, "cannot fit in a 16-byte file").SetArgDisplayNames("huge dimension text");
        yield return new TestCaseData(Utf8("3 2\nking 1 2\nqueen 3 4\n"), null, "header says 3 words but the file has 2 lines").SetArgDisplayNames("count above lines");
        yield return new TestCaseData(Utf8("2 3\nking 1 2 3\nqueen 3 4\n"), false, ":3: 2 numbers after the word, expected 3").SetArgDisplayNames("too few numbers");
        yield return new TestCaseData(Utf8("2 3\nking 1 2 3 4\nqueen 1 2 3\n"), null, ":2: 4 numbers after the word, expected 3").SetArgDisplayNames("first row too long, detected");
        yield return new TestCaseData(Utf8("2 3\nking 1 2\nqueen 1 2 3\n"), null, ":2: 2 numbers after the word, expected 3").SetArgDisplayNames("first row too short, detected");
        yield return new TestCaseData(Utf8("2 2\nking 1 2\nqueen nan 4\n"), null, ":3: 'nan' is not a finite number").SetArgDisplayNames("nan");
        yield return new TestCaseData(Utf8("1 2\nking 1 1e39\n"), false, ":2: '1e39' is not a finite number").SetArgDisplayNames("overflow");
        yield return new TestCaseData(Utf8("2 2\nking 1 2\nking 3 4\n"), null, "the word 'king' appears twice").SetArgDisplayNames("duplicate word text");
        yield return new TestCaseData((byte[])[.. Utf8("1 2\nk"), 0xC3, 0x28, .. Utf8(" 1 2\n")], false, "not valid UTF-8").SetArgDisplayNames("invalid UTF-8 text");
        // Text files whose first vector line is bad are still read as text, so the error names the line.
        yield return new TestCaseData(Utf8("2 2\na 1,5 2\nb 3 4\n"), null, ":2: '1,5' is not a number").SetArgDisplayNames("decimal comma, detected");
        yield return new TestCaseData(Utf8("2 2\na 0x1 2\nb 3 4\n"), null, ":2: '0x1' is not a number").SetArgDisplayNames("hexadecimal, detected");
        yield return new TestCaseData(Utf8("2 2\nnew york 1 2\nb 3 4\n"), null, ":2: 'york' is not a number (is 'new york' one word? words cannot contain spaces)").SetArgDisplayNames("word with a space, detected");
        yield return new TestCaseData(Utf8("2 2\na\t1\t2\nb\t3\t4\n"), null, ":2: fields are separated by tabs").SetArgDisplayNames("tab-separated, detected");
        yield return new TestCaseData(Utf8("2 2\na 1 2\nb 3\t4\n"), false, ":3: fields are separated by tabs").SetArgDisplayNames("one tab");
        yield return new TestCaseData((byte[])[.. Utf8("2 2\na 1 2\ncaf"), 0xE9, .. Utf8(" 3 4\n")], null, ":3: byte 13 is not valid UTF-8 (0xE9)").SetArgDisplayNames("Latin-1 text, detected");
        yield return new TestCaseData(Utf8("3 2\na 1 2\n\nb 3 4\nc x 6\n"), null, ":5: 'x' is not a number").SetArgDisplayNames("line number after a blank line");
        yield return new TestCaseData(Utf8("2 2\na 1 2\n \t\r\n"), null, "the header says 2 words but the file has 1 lines").SetArgDisplayNames("whitespace line is not a vector");

        byte[] Binary(string word, params float[] values) => [.. Utf8(word + " "), .. values.SelectMany(BitConverter.GetBytes), (byte)'\n'];
        byte[] header = Utf8("2 2\n");
        byte[] valid = [.. header, .. Binary("king", 1, 2), .. Binary("queen", 3, 4)];
        yield return new TestCaseData(valid[..^5], true, $"truncated at byte {valid.Length - 5}: the vector of 'queen' needs 8 bytes from byte {valid.Length - 9}").SetArgDisplayNames("truncated vector");
        yield return new TestCaseData(valid[..(header.Length + 13)], true, "the header's 2 × 2 vectors cannot fit in a 17-byte file").SetArgDisplayNames("shorter than the header promises");
        yield return new TestCaseData((byte[])[.. header, .. Binary("king", 1, 2), .. Utf8("queenabc")], true, $"truncated at byte {header.Length + 14}: word 2 of 2 has no space").SetArgDisplayNames("truncated before word");
        yield return new TestCaseData((byte[])[.. header, .. Binary("king", 1, 2), .. Binary("king", 3, 4)], true, "the word 'king' appears twice").SetArgDisplayNames("duplicate word binary");
        yield return new TestCaseData((byte[])[.. header, .. Binary("king", 1, 2), 0x71, 0xFF, .. Binary("een", 3, 4)], true, $"the word at byte {header.Length + 14} is not valid UTF-8").SetArgDisplayNames("invalid UTF-8 binary");
        yield return new TestCaseData((byte[])[.. header, .. Binary("king", 1, float.NaN), .. Binary("queen", 3, 4)], true, $"the vector of 'king' holds NaN at byte {header.Length + 9}").SetArgDisplayNames("NaN binary");
        // gensim loads only the header's count of words and drops the rest without a word.
        yield return new TestCaseData((byte[])[.. valid, .. Binary("prince", 5, 6)], null, $"data follows the header's 2 vectors at byte {valid.Length} of {valid.Length + 16}: the header's count is too small").SetArgDisplayNames("more words than the header says");
        yield return new TestCaseData((byte[])[.. valid, 0x00], true, $"data follows the header's 2 vectors at byte {valid.Length} of").SetArgDisplayNames("trailing byte binary");
    }

    [TestCaseSource(nameof(MalformedFiles))]
    public void MalformedFilesAreRejectedWithTheReason(byte[] bytes, bool? binary, string expected)
    {
        string path = PathOf("bad");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => _ = binary is null ? KeyedVectors.Load(path) : KeyedVectors.Load(path, binary.Value));
        Assert.That(error!.Message, Does.Contain(expected).And.StartWith(path));
    }

    [TestCase("2 2\r\nking 1 2\r\n\r\nqueen 3 4\r\n")]
    [TestCase("2 2\nking 1 2\n  \t \nqueen 3 4\n\n")]
    public void BlankLinesAreSkippedWhateverTheirWhitespace(string text)
    {
        string path = PathOf("blank.txt");
        File.WriteAllText(path, text);
        KeyedVectors loaded = KeyedVectors.Load(path);
        Assert.That(loaded.Words, Is.EqualTo(new[] { "king", "queen" }));
        Assert.That(loaded["queen"].ToArray(), Is.EqualTo(new[] { 3f, 4f }));
    }

    [Test]
    public void BinaryFilesLoadWhateverTheirVectorsLookLike()
    {
        // The floats' bytes read "1 2 " and "3 4 ", so the first row looks like a text row of four numbers; the
        // zero bytes of the second row show it is binary. gensim writes no newline after a vector, the C tool one.
        byte[] vectors = Utf8("1 2 3 4 ");
        byte[] bytes = [.. Utf8("2 2\na "), .. vectors, .. Utf8("\nb "), .. new[] { 1f, 2f }.SelectMany(BitConverter.GetBytes)];
        string path = PathOf("ascii.bin");
        foreach (byte[] file in new[] { bytes, [.. bytes, (byte)'\n'] })
        {
            File.WriteAllBytes(path, file);
            KeyedVectors loaded = KeyedVectors.Load(path);
            Assert.That(loaded.Words, Is.EqualTo(new[] { "a", "b" }));
            Assert.That(Bits(loaded["a"].ToArray()), Is.EqualTo(Bits([BitConverter.ToSingle(vectors, 0), BitConverter.ToSingle(vectors, 4)])));
        }
    }

    [Test]
    public void SmallBinaryFilesWithoutAControlByteRoundTrip()
    {
        // 0.1, 0.2, 0.3 … as float32 hold no byte below 0x20, so no control byte marks the file as binary.
        var vectors = new KeyedVectors(["king", "queen"], [0.1f, 0.2f, 0.3f, 0.123f, 0.456f, 0.789f], 3);
        string path = PathOf("small.bin");
        vectors.SaveBinary(path);
        Assert.That(File.ReadAllBytes(path).Skip(4).Any(b => b < 0x20 && b is not (byte)'\n' and not (byte)' '), Is.False, "the case this test is for");
        KeyedVectors loaded = KeyedVectors.Load(path);
        Assert.That(loaded.Words, Is.EqualTo(new[] { "king", "queen" }));
        Assert.That(loaded["queen"].ToArray(), Is.EqualTo(new[] { 0.123f, 0.456f, 0.789f }));
    }

    [Test]
    public void WindowsLineEndingsLoadAsGensimLoadsThem()
    {
        string path = PathOf("crlf.txt");
        File.WriteAllText(path, "2 2\r\nking 1 2\r\nqueen 3 4\r\n");
        KeyedVectors loaded = KeyedVectors.Load(path);
        Assert.That(loaded.Words, Is.EqualTo(new[] { "king", "queen" }));
        Assert.That(loaded["queen"].ToArray(), Is.EqualTo(new[] { 3f, 4f }));
    }

    private static IEnumerable<TestCaseData> UnsavableVectors()
    {
        foreach (bool text in new[] { true, false })
        {
            string format = text ? "text" : "binary";
            yield return new TestCaseData(Array.Empty<string>(), Array.Empty<float>(), text, "there are no words to save").SetArgDisplayNames($"no words, {format}");
            yield return new TestCaseData(new[] { "a", "" }, new float[] { 1, 2, 3, 4 }, text, "word 1 is empty").SetArgDisplayNames($"empty word, {format}");
            yield return new TestCaseData(new[] { "a", "new york" }, new float[] { 1, 2, 3, 4 }, text, "word 1 'new york' contains a space").SetArgDisplayNames($"word with a space, {format}");
            yield return new TestCaseData(new[] { "a", "b\ud800" }, new float[] { 1, 2, 3, 4 }, text, "word 1 holds a lone UTF-16 surrogate").SetArgDisplayNames($"lone surrogate, {format}");
            yield return new TestCaseData(new[] { "a", "b" }, new[] { 1, 2, 3, float.NaN }, text, "the vector of 'b' (word 1) holds NaN at position 1").SetArgDisplayNames($"NaN, {format}");
            yield return new TestCaseData(new[] { "a", "b" }, new[] { float.NegativeInfinity, 2, 3, 4 }, text, "the vector of 'a' (word 0) holds -Infinity at position 0").SetArgDisplayNames($"infinity, {format}");
        }

        yield return new TestCaseData(new[] { "a", "b\nc" }, new float[] { 1, 2, 3, 4 }, true, "word 1 holds the control character U+000A at position 1").SetArgDisplayNames("newline in a word, text");
        yield return new TestCaseData(new[] { "a", "b\u0001" }, new float[] { 1, 2, 3, 4 }, true, "word 1 holds the control character U+0001 at position 1").SetArgDisplayNames("control character, text");
        yield return new TestCaseData(new[] { "a", "\nb" }, new float[] { 1, 2, 3, 4 }, false, "word 1 starts with a newline").SetArgDisplayNames("leading newline, binary");
    }

    [TestCaseSource(nameof(UnsavableVectors))]
    public void WhatCannotBeReadBackIsRefusedBeforeAnExistingFileIsReplaced(string[] words, float[] values, bool text, string expected)
    {
        var vectors = new KeyedVectors(words, values, 2);
        string path = PathOf("kept");
        File.WriteAllText(path, "1 2\nkept 1 2\n");
        var error = Assert.Throws<ArgumentException>(() => { if (text) vectors.SaveText(path); else vectors.SaveBinary(path); });
        Assert.That(error!.Message, Does.Contain(expected));
        Assert.That(File.ReadAllText(path), Is.EqualTo("1 2\nkept 1 2\n"), "the existing file is untouched");
        Assert.That(Directory.GetFiles(WorkDirectory), Has.Length.EqualTo(1), "no temporary files left behind");
    }

    [Test]
    public void WordsTheFormatsCanHoldRoundTrip()
    {
        // A tab or CR inside a word is fine in binary (gensim reads these too); a newline inside, not leading, as well.
        var vectors = new KeyedVectors(["a\tb", "c\rd", "e\nf"], [1, 2, 3, 4, 5, 6], 2);
        string path = PathOf("odd.bin");
        vectors.SaveBinary(path);
        Assert.That(KeyedVectors.Load(path).Words, Is.EqualTo(vectors.Words));
    }

    [Test]
    public void AnalogiesExcludeEverySpellingOfTheQuestionWordsAsGensimDoes()
    {
        // gensim compares upper-cased words: "paris" may not answer a question that asks about "Paris".
        var vectors = new KeyedVectors(["Paris", "France", "Rome", "Italy", "paris"], [1, 0, 0, 1, 1, 0.1f, -0.2f, 1, 0.05f, 1.2f], 2);
        string path = PathOf("case.txt");
        File.WriteAllLines(path, [": capitals", "Paris France Rome Italy"]);
        AnalogyResult result = WordVectorEvaluation.Analogies(vectors, path);
        Assert.That((result.Total.Correct, result.Total.Incorrect), Is.EqualTo((1, 0)));
    }

    [Test]
    public void CosineSimilarityHoldsForVectorsWhoseSquaresLeaveFloatsRange()
    {
        // (1e30, 2e30) and (1e30, 1e30): cos = 3 / √10 = 0.9487; their squared lengths overflow float, and those of
        // (1e-30, 2e-30) and (1e-30, 1e-30) underflow it.
        var vectors = new KeyedVectors(["a", "b", "c", "d"], [1e30f, 2e30f, 1e30f, 1e30f, 1e-30f, 2e-30f, 1e-30f, 1e-30f], 2);
        Assert.That(vectors.Similarity("a", "b"), Is.EqualTo(3 / Math.Sqrt(10)).Within(1e-6));
        Assert.That(vectors.Similarity("c", "d"), Is.EqualTo(3 / Math.Sqrt(10)).Within(1e-6));
    }

    [Test]
    public void ACorrelationWithConstantOrNonFiniteScoresIsAnErrorNotNaN()
    {
        KeyedVectors vectors = Sample();
        string[] words = [.. vectors.Words.Take(3)];
        string same = PathOf("same.txt"), nan = PathOf("nan.txt");
        File.WriteAllLines(same, [$"{words[0]}\t{words[1]}\t5", $"{words[1]}\t{words[2]}\t5", $"{words[0]}\t{words[2]}\t5"]);
        File.WriteAllLines(nan, [$"{words[0]}\t{words[1]}\t5", $"{words[1]}\t{words[2]}\tNaN"]);
        Assert.That(() => WordVectorEvaluation.Similarities(vectors, same),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("have the same score, so no correlation is defined"));
        Assert.That(() => WordVectorEvaluation.Similarities(vectors, nan),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("nan.txt:2: the score 'NaN' is not a finite number"));
    }

    [Test]
    public void RandomCorruptionsOnlyEverThrowInvalidData()
    {
        string path = PathOf("valid.bin");
        Sample().SaveBinary(path);
        byte[] valid = File.ReadAllBytes(path);
        var random = new Random(17);
        int loaded = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            var bytes = new List<byte>(valid);
            for (int edit = random.Next(1, 4); edit > 0 && bytes.Count > 0; edit--)
            {
                int at = random.Next(bytes.Count);
                switch (random.Next(3))
                {
                    case 0: bytes[at] ^= (byte)random.Next(1, 256); break;
                    case 1: bytes.RemoveRange(at, bytes.Count - at); break;
                    default: bytes.Insert(at, (byte)random.Next(256)); break;
                }
            }

            File.WriteAllBytes(path, [.. bytes]);
            foreach (bool? binary in new bool?[] { null, true })
            {
                try
                {
                    _ = binary is null ? KeyedVectors.Load(path) : KeyedVectors.Load(path, binary.Value);
                    loaded++;
                }
                catch (InvalidDataException)
                {
                }
                catch (Exception e)
                {
                    Assert.Fail($"trial {trial} ({(binary is null ? "auto-detect" : "binary")}): {e.GetType().Name}: {e.Message}\nbytes: {Convert.ToHexString([.. bytes])}");
                }
            }
        }

        Assert.That(loaded, Is.Positive, "some corruptions (inside vector values) still load");
    }
}
