using System.Text;
using Autograd.NN.Word2Vec;
using Autograd.Tests.Support;

namespace Autograd.Tests.Word2Vec;

/// <summary>
/// 1,100 seeded mutations of word-vector files, text and binary (bit flips, overwritten bytes, truncations, appended
/// bytes, edits of the header and the lines, control bytes, invalid UTF-8, non-finite numbers): each loads or is
/// refused with an <see cref="InvalidDataException"/> naming the file, quickly and in memory proportional to the file.
/// </summary>
public sealed class VectorFileFuzzTests : FileTests
{
    private static readonly string[] Words = ["the", "king", "queen", "man", "woman", "café"];

    private static byte[] Saved(bool binary)
    {
        var random = new Random(3);
        float[] values = [.. Enumerable.Range(0, Words.Length * 5).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        var vectors = new KeyedVectors(Words, values, 5);
        string path = Path.Combine(Path.GetTempPath(), $"autograd-fuzz-seed-{Environment.ProcessId}-{Guid.NewGuid():N}.vec");
        try
        {
            if (binary) vectors.SaveBinary(path);
            else vectors.SaveText(path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static IEnumerable<Mutation> Mutations()
    {
        var random = new Random(18);
        byte[][] seeds = [Saved(binary: false), Saved(binary: true)];
        string text = Encoding.UTF8.GetString(seeds[0]);

        for (int i = 0; i < 600; i++) yield return MutationFuzz.Raw(seeds[i % 2], random, i / 2);
        for (int i = 0; i < 300; i++)
        {
            var (description, edited) = MutationFuzz.EditText(text, random);
            yield return new Mutation("text: " + description, MutationFuzz.Utf8(edited));
        }

        for (int i = 0; i < 100; i++)
        {
            // The "count dimension" header of either format, set to hostile numbers.
            byte[] seed = seeds[i % 2];
            int newline = Array.IndexOf(seed, (byte)'\n');
            string count = MutationFuzz.HostileNumbers[random.Next(MutationFuzz.HostileNumbers.Length)];
            string dimension = random.Next(2) == 0 ? "5" : MutationFuzz.HostileNumbers[random.Next(MutationFuzz.HostileNumbers.Length)];
            yield return new Mutation($"{(i % 2 == 0 ? "text" : "binary")} header '{count} {dimension}'", [.. Encoding.ASCII.GetBytes($"{count} {dimension}"), .. seed[newline..]]);
        }

        string[] lines = text.Split('\n');
        for (int i = 0; i < 50; i++)
        {
            // Lines repeated (a word twice), dropped, or given a NaN, an infinity, a control byte or invalid UTF-8.
            string[] edited = (string[])lines.Clone();
            int line = random.Next(1, Words.Length + 1);
            string[] insertions = ["nan", "inf", "-1e400", "\u001b[2J", "\t", "\r", "\u0000", " "];
            (string description, byte[] bytes) = (i % 5) switch
            {
                0 => ("line repeated", MutationFuzz.Utf8(string.Join('\n', edited.Take(line + 1).Append(edited[line]).Concat(edited.Skip(line + 1))))),
                1 => ("line dropped", MutationFuzz.Utf8(string.Join('\n', edited.Where((_, k) => k != line)))),
                2 => ("invalid UTF-8 in a word", [.. MutationFuzz.Utf8(string.Join('\n', edited.Take(line))), (byte)'\n', 0xC3, 0x28, .. MutationFuzz.Utf8(string.Join('\n', edited.Skip(line)))]),
                _ => ("value replaced", MutationFuzz.Utf8(string.Join('\n', edited.Select((l, k) => k == line ? l[..l.LastIndexOf(' ')] + " " + insertions[random.Next(insertions.Length)] : l)))),
            };
            yield return new Mutation($"{description} at line {line + 1}", bytes);
        }

        for (int i = 0; i < 46; i++)
        {
            // Non-finite float32s where the binary format keeps a vector's numbers.
            byte[] bytes = (byte[])seeds[1].Clone();
            int at = Array.IndexOf(bytes, (byte)' ', Array.IndexOf(bytes, (byte)'\n')) + 1 + 4 * random.Next(5);
            float value = new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity }[i % 3];
            BitConverter.GetBytes(value).CopyTo(bytes, at);
            yield return new Mutation($"binary {value} at {at}", bytes);
        }

        yield return new Mutation("empty", []);
        yield return new Mutation("a header only", "1 1\n"u8.ToArray());
        yield return new Mutation("a header claiming two billion vectors", "2147483647 2147483647\nthe 1\n"u8.ToArray());
        yield return new Mutation("a text file", "some notes here, not vectors\n"u8.ToArray());
    }

    [Test]
    public void EveryMutationLoadsOrIsRefusedCleanly()
    {
        Mutation[] mutations = [.. Mutations()];
        Assert.That(mutations, Has.Length.InRange(1050, 1150));
        string path = PathOf("fuzz.vec");
        foreach (var (format, load) in new (string, Action<string>)[] { ("detected", p => KeyedVectors.Load(p)), ("text", p => KeyedVectors.Load(p, binary: false)), ("binary", p => KeyedVectors.Load(p, binary: true)) })
        {
            Task<(List<string> Failures, int Loaded)> run = Task.Run(() => MutationFuzz.Run<InvalidDataException>(mutations, path, load));
            Assert.That(run.Wait(TimeSpan.FromMinutes(1)), Is.True, $"{format}: no mutation hangs the loader");
            var (failures, loaded) = run.Result;
            Assert.That(failures, Is.Empty, format);
            Assert.That(loaded, Is.InRange(1, mutations.Length - 1), format);
        }
    }

    [Test]
    public void TheCommandsOnMutatedVectorsExitCleanly()
    {
        Mutation[] mutations = [.. Mutations()];
        string path = PathOf("fuzz.vec");
        List<string> failures = [.. MutationFuzz.RunCommand(mutations, path, 10, "similar", path, "king", "--json"), .. MutationFuzz.RunCommand(mutations, path, 10, "analogy", path, "king", "man", "woman")];
        Assert.That(failures, Is.Empty);
    }
}
