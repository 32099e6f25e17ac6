using System.Buffers;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using Autograd.NN.Data;
using Autograd.NN.Serialization;

namespace Autograd.NN.Word2Vec;

/// <summary>
/// Trained word vectors and the queries people run on them: nearest neighbours by cosine, analogies
/// (a − b + c, 3CosAdd, inputs excluded) and similarities; saved and loaded in word2vec's text and binary formats.
/// </summary>
public sealed class KeyedVectors
{
    private readonly float[] _vectors;
    private readonly Dictionary<string, int> _index;
    private float[]? _unit;

    /// <summary>Creates the set from words and their vectors, row-major [words, dimension].</summary>
    public KeyedVectors(IReadOnlyList<string> words, float[] vectors, int dimension)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (vectors.Length != words.Count * dimension) throw new ArgumentException($"vectors: {vectors.Length} numbers are not {words.Count} words × {dimension}");
        Words = [.. words];
        _vectors = vectors;
        Dimension = dimension;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Words.Count; i++)
            if (!_index.TryAdd(Words[i], i)) throw new ArgumentException($"vectors: the word '{Words[i]}' appears twice");
    }

    /// <summary>The words, in file (frequency) order.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>The length of every vector.</summary>
    public int Dimension { get; }

    /// <summary>The index of <paramref name="word"/>, or −1.</summary>
    public int IndexOf(string word) => _index.TryGetValue(word, out int i) ? i : -1;

    /// <summary>The vector of <paramref name="word"/>.</summary>
    /// <exception cref="KeyNotFoundException">The word has no vector.</exception>
    public ReadOnlySpan<float> this[string word] => _vectors.AsSpan(Require(word) * Dimension, Dimension);

    /// <summary>The cosine similarity of two words.</summary>
    public double Similarity(string first, string second) =>
        TensorPrimitives.Dot(Unit(Require(first)), Unit(Require(second)));

    /// <summary>The <paramref name="count"/> words nearest to <paramref name="word"/> by cosine, the word itself excluded.</summary>
    public IReadOnlyList<(string Word, double Similarity)> MostSimilar(string word, int count = 10) => MostSimilar([word], [], count);

    /// <summary>
    /// The words nearest to the mean of the unit vectors of <paramref name="positive"/> minus those of
    /// <paramref name="negative"/> (gensim's most_similar), the inputs excluded; only the first
    /// <paramref name="restrictTo"/> words are candidates when given.
    /// </summary>
    public IReadOnlyList<(string Word, double Similarity)> MostSimilar(IReadOnlyList<string> positive, IReadOnlyList<string> negative, int count = 10, int? restrictTo = null)
    {
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentNullException.ThrowIfNull(negative);
        var query = new float[Dimension];
        var exclude = new HashSet<int>();
        foreach (var (word, weight) in positive.Select(w => (w, 1f)).Concat(negative.Select(w => (w, -1f))))
        {
            int i = Require(word);
            exclude.Add(i);
            TensorPrimitives.MultiplyAdd(Unit(i), weight, query, query);
        }

        float norm = TensorPrimitives.Norm(query);
        if (norm > 0) TensorPrimitives.Divide(query, norm, query);
        int candidates = Math.Min(restrictTo ?? Words.Count, Words.Count);
        var best = new PriorityQueue<int, float>();
        for (int i = 0; i < candidates; i++)
        {
            if (exclude.Contains(i)) continue;
            float similarity = TensorPrimitives.Dot(Unit(i), query);
            best.Enqueue(i, similarity);
            if (best.Count > count) best.Dequeue();
        }

        var result = new List<(string, double)>(best.Count);
        while (best.TryDequeue(out int i, out float similarity)) result.Add((Words[i], similarity));
        result.Reverse();
        return result;
    }

    /// <summary>
    /// The word nearest to a − b + c, the three inputs excluded: <c>Analogy("king", "man", "woman")</c> is "queen" in good
    /// vectors (man : king :: woman : ?).
    /// </summary>
    public string Analogy(string a, string b, string c, int? restrictTo = null) => MostSimilar([a, c], [b], 1, restrictTo)[0].Word;

    private int Require(string word) =>
        _index.TryGetValue(word, out int i) ? i : throw new KeyNotFoundException($"'{word}' is not in the vocabulary");

    private ReadOnlySpan<float> Unit(int index)
    {
        if (_unit is null)
        {
            var unit = (float[])_vectors.Clone();
            for (int i = 0; i < Words.Count; i++)
            {
                Span<float> row = unit.AsSpan(i * Dimension, Dimension);
                float norm = TensorPrimitives.Norm(row);
                float largest = row.IsEmpty ? 0 : Math.Abs(TensorPrimitives.MaxMagnitude(row));
                if (float.IsInfinity(norm) || (norm == 0 && largest > 0))
                {
                    // The squares overflow (or underflow) float: divide by the largest magnitude first; only the
                    // direction matters.
                    TensorPrimitives.Divide(row, largest, row);
                    norm = TensorPrimitives.Norm(row);
                }

                if (norm > 0) TensorPrimitives.Divide(row, norm, row);
            }

            _unit = unit;
        }

        return _unit.AsSpan(index * Dimension, Dimension);
    }

    /// <summary>Writes word2vec's text format: a "count dimension" line, then "word v1 … vd" per word.</summary>
    /// <exception cref="ArgumentException">
    /// A word or vector the format cannot hold (no words, an empty word, a space or control character in a word, a
    /// value that is not finite); nothing is written then, so an existing file is kept.
    /// </exception>
    public void SaveText(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckSavable(text: true);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Words.Count} {Dimension}\n");
        for (int i = 0; i < Words.Count; i++)
        {
            text.Append(Words[i]);
            foreach (float v in _vectors.AsSpan(i * Dimension, Dimension)) text.Append(' ').Append(v.ToString("R", CultureInfo.InvariantCulture));
            text.Append('\n');
        }

        AtomicFile.Write(path, stream => stream.Write(new UTF8Encoding(false).GetBytes(text.ToString())));
    }

    /// <summary>Writes word2vec's binary format: the header line, then per word its UTF-8 text, a space, d little-endian float32s and a newline.</summary>
    /// <exception cref="ArgumentException">
    /// A word or vector the format cannot hold (no words, an empty word, a space or newline in a word, a value that
    /// is not finite); nothing is written then, so an existing file is kept.
    /// </exception>
    public void SaveBinary(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckSavable(text: false);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Words.Count} {Dimension}\n")));
            var row = new byte[Dimension * sizeof(float)];
            for (int i = 0; i < Words.Count; i++)
            {
                stream.Write(Encoding.UTF8.GetBytes(Words[i] + " "));
                for (int j = 0; j < Dimension; j++)
                    System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(row.AsSpan(j * sizeof(float)), _vectors[i * Dimension + j]);
                stream.Write(row);
                stream.WriteByte((byte)'\n');
            }
        });
    }

    /// <summary>
    /// Refuses, before anything is written, what <see cref="Load(string)"/> would reject or read back differently:
    /// words end at a space, text lines at a newline, a control character makes a file read as binary, UTF-8 cannot
    /// hold a lone surrogate, and the readers (like gensim) accept only finite numbers.
    /// </summary>
    private void CheckSavable(bool text)
    {
        if (Words.Count == 0) throw new ArgumentException("vectors: there are no words to save; a word2vec file holds at least one");
        var utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);
        for (int i = 0; i < Words.Count; i++)
        {
            string word = Words[i];
            if (word.Length == 0) throw new ArgumentException($"vectors: word {i} is empty; a word2vec file cannot hold an empty word");
            if (word.Contains(' ')) throw new ArgumentException($"vectors: word {i} '{word}' contains a space, which ends a word in a word2vec file");
            if (text && word.AsSpan().IndexOfAny(ControlCharacters) is int control and >= 0)
                throw new ArgumentException($"vectors: word {i} holds the control character U+{(int)word[control]:X4} at position {control}, which the text format cannot hold (save as binary)");
            // The binary reader, like gensim's, skips the newlines between a vector and the next word.
            if (!text && word[0] == '\n') throw new ArgumentException($"vectors: word {i} starts with a newline, which the binary format cannot hold");
            try
            {
                _ = utf8.GetByteCount(word);
            }
            catch (EncoderFallbackException)
            {
                throw new ArgumentException($"vectors: word {i} holds a lone UTF-16 surrogate, which UTF-8 cannot hold");
            }

            ReadOnlySpan<float> vector = _vectors.AsSpan(i * Dimension, Dimension);
            for (int j = 0; j < Dimension; j++)
                if (!float.IsFinite(vector[j]))
                    throw new ArgumentException($"vectors: the vector of '{word}' (word {i}) holds {vector[j].ToString(CultureInfo.InvariantCulture)} at position {j}; a word2vec file holds only finite numbers");
        }
    }

    /// <summary>Loads word2vec's text or binary format (as gensim's load_word2vec_format), validating every field.</summary>
    /// <exception cref="InvalidDataException">The file is malformed; the message names the line or byte offset.</exception>
    public static KeyedVectors Load(string path, bool binary)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = DataFile.ReadAllBytes(path);
        return binary ? ReadBinary(bytes, path) : ReadText(bytes, path);
    }

    /// <summary>
    /// Loads a word2vec file, telling text from binary by the bytes after the header: text never holds a control
    /// character other than tab, CR and LF, while raw float32s usually do (1.0 is 00 00 80 3F). Without one, the
    /// file is binary if it reads as binary exactly (a few small vectors such as 0.1, 0.2 hold no control byte), and
    /// text otherwise.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is malformed; the message names the line or byte offset.</exception>
    public static KeyedVectors Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = DataFile.ReadAllBytes(path);
        var (_, _, next) = Header(bytes, path, bytesPerNumber: 2);
        // Deciding by content rather than by whether the first row parses lets a text file with a bad line (a comma,
        // a tab, a word with a space) get the text reader's error, which names the line.
        bool controlBytes = bytes.AsSpan(next).IndexOfAny(BinaryOnlyBytes) >= 0;
        try
        {
            // The binary reader accepts a file only if its vectors cover it exactly, which text essentially never does.
            return ReadBinary(bytes, path);
        }
        catch (InvalidDataException) when (!controlBytes)
        {
            return ReadText(bytes, path);
        }
    }

    /// <summary>The characters a word in a text file cannot hold: every C0 control and DEL (see <see cref="BinaryOnlyBytes"/>).</summary>
    private static readonly SearchValues<char> ControlCharacters = SearchValues.Create([.. Enumerable.Range(0, 32).Select(c => (char)c), '\x7F']);

    /// <summary>The bytes a text vector file cannot hold: C0 controls other than tab, LF and CR, and DEL.</summary>
    private static readonly SearchValues<byte> BinaryOnlyBytes = SearchValues.Create(
        [.. Enumerable.Range(0, 32).Where(b => b is not ('\t' or '\n' or '\r')).Select(b => (byte)b), 0x7F]);

    /// <summary>Reads the "count dimension" line; <paramref name="bytesPerNumber"/> is the least a number can take (4 in binary, "0 " in text).</summary>
    private static (int Count, int Dimension, int Next) Header(byte[] bytes, string name, int bytesPerNumber)
    {
        int end = Array.IndexOf(bytes, (byte)'\n');
        if (end < 0) throw new InvalidDataException($"{name}: no header line 'count dimension'");
        string[] fields = Encoding.ASCII.GetString(bytes, 0, end).TrimEnd('\r').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 2 || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int dimension) || count < 1 || dimension < 1)
            throw new InvalidDataException($"{name}: the header line must be two positive whole numbers 'count dimension'");
        // Checked before anything is allocated: a hostile header must not reserve gigabytes.
        if ((long)count * dimension * bytesPerNumber > bytes.Length - end - 1 || (long)count * dimension > int.MaxValue)
            throw new InvalidDataException($"{name}: the header's {count} × {dimension} vectors cannot fit in a {bytes.Length}-byte file");
        return (count, dimension, end + 1);
    }

    private static KeyedVectors ReadText(byte[] bytes, string name)
    {
        var (count, dimension, next) = Header(bytes, name, bytesPerNumber: 2);
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, next, bytes.Length - next);
        }
        catch (DecoderFallbackException e)
        {
            int at = next + Math.Max(e.Index, 0);
            int line = bytes.AsSpan(0, at).Count((byte)'\n') + 1;
            throw new InvalidDataException($"{name}:{line}: byte {at} is not valid UTF-8 (0x{Convert.ToHexString(e.BytesUnknown ?? [bytes[at]])}); save the file as UTF-8", e);
        }

        // Blank lines (nothing but spaces, tabs or a CR) are skipped, but still counted so errors name the right line.
        string[] lines = text.Split('\n');
        int vectorLines = lines.Count(line => !IsBlank(line));
        if (vectorLines != count) throw new InvalidDataException($"{name}: the header says {count} words but the file has {vectorLines} lines of vectors");
        var words = new string[count];
        var vectors = new float[count * dimension];
        int row = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            if (IsBlank(lines[i])) continue;
            int lineNumber = i + 2;
            string[] fields = lines[i].TrimEnd('\r').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // gensim splits on single spaces too, so it rejects tab-separated lines as well; a tab inside the word is
            // allowed, as there.
            if ((fields.Length != dimension + 1 && lines[i].Contains('\t')) || fields.Skip(1).Any(f => f.Contains('\t')))
                throw new InvalidDataException($"{name}:{lineNumber}: fields are separated by tabs; the text format separates them with spaces");
            words[row] = fields[0];
            for (int j = 1; j < fields.Length; j++)
            {
                if (!float.TryParse(fields[j], NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
                {
                    // "new york 1 2": the second half of the word is the first field that is not a number.
                    string hint = j == 1 && fields.Length > dimension + 1 ? $" (is '{fields[0]} {fields[1]}' one word? words cannot contain spaces)" : "";
                    throw new InvalidDataException($"{name}:{lineNumber}: '{fields[j]}' is not a number{hint}");
                }

                if (!float.IsFinite(value)) throw new InvalidDataException($"{name}:{lineNumber}: '{fields[j]}' is not a finite number");
                if (j <= dimension) vectors[row * dimension + j - 1] = value;
            }

            if (fields.Length != dimension + 1) throw new InvalidDataException($"{name}:{lineNumber}: {fields.Length - 1} numbers after the word, expected {dimension}");
            row++;
        }

        return Create(words, vectors, dimension, name);
    }

    private static bool IsBlank(string line) => line.AsSpan().Trim(" \t\r").IsEmpty;

    private static KeyedVectors ReadBinary(byte[] bytes, string name)
    {
        var (count, dimension, at) = Header(bytes, name, bytesPerNumber: sizeof(float));
        var words = new string[count];
        var vectors = new float[count * dimension];
        var utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);
        for (int i = 0; i < count; i++)
        {
            while (at < bytes.Length && bytes[at] == (byte)'\n') at++;
            int space = Array.IndexOf(bytes, (byte)' ', at);
            if (space < 0) throw new InvalidDataException($"{name}: truncated at byte {at}: word {i + 1} of {count} has no space after it");
            try
            {
                words[i] = utf8.GetString(bytes, at, space - at);
            }
            catch (DecoderFallbackException e)
            {
                throw new InvalidDataException($"{name}: the word at byte {at} is not valid UTF-8", e);
            }

            if (words[i].Length == 0) throw new InvalidDataException($"{name}: an empty word at byte {at}");
            at = space + 1;
            if (bytes.Length - at < dimension * sizeof(float))
                throw new InvalidDataException($"{name}: truncated at byte {bytes.Length}: the vector of '{words[i]}' needs {dimension * sizeof(float)} bytes from byte {at}");
            for (int j = 0; j < dimension; j++)
            {
                float v = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(at + j * sizeof(float)));
                if (!float.IsFinite(v)) throw new InvalidDataException($"{name}: the vector of '{words[i]}' holds {v} at byte {at + j * sizeof(float)}");
                vectors[i * dimension + j] = v;
            }

            at += dimension * sizeof(float);
        }

        // The C tool ends each vector with a newline and gensim writes none; anything but newlines after the last
        // vector is a word the header did not count (gensim drops those silently) or damage.
        while (at < bytes.Length && bytes[at] == (byte)'\n') at++;
        if (at < bytes.Length)
            throw new InvalidDataException($"{name}: data follows the header's {count} vectors at byte {at} of {bytes.Length}: the header's count is too small or the file is damaged");
        return Create(words, vectors, dimension, name);
    }

    private static KeyedVectors Create(string[] words, float[] vectors, int dimension, string name)
    {
        try
        {
            return new KeyedVectors(words, vectors, dimension);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{name}: {e.Message}", e);
        }
    }
}
