using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Autograd.Tests.Support;

/// <summary>One mutated file: what was done to it, and its bytes.</summary>
internal sealed record Mutation(string Description, byte[] Bytes);

/// <summary>
/// Seeded mutations of valid files (bit flips, byte overwrites, truncations, appended bytes, edits of the text of a
/// header) and the checks every mutation must pass: the loader succeeds or throws the one exception type it
/// documents, within a time limit and allocating in proportion to the file.
/// </summary>
internal static class MutationFuzz
{
    /// <summary>Numbers a header should never be trusted with.</summary>
    public static readonly string[] HostileNumbers =
        ["0", "-1", "1e400", "-1e400", "30000", "2147483647", "2147483648", "-2147483648", "9223372036854775807", "1.5", "-0", "1e-400", "99999999999999999999", "3.4e38"];

    /// <summary>The raw byte mutations: flips of 1–8 bits, overwrites of 1–4 bytes, truncations and appended bytes.</summary>
    public static Mutation Raw(byte[] seed, Random random, int kind)
    {
        byte[] bytes = (byte[])seed.Clone();
        switch (kind % 4)
        {
            case 0:
                int flips = random.Next(1, 9);
                var at = new List<int>();
                for (int f = 0; f < flips; f++)
                {
                    int i = random.Next(bytes.Length);
                    bytes[i] ^= (byte)(1 << random.Next(8));
                    at.Add(i);
                }

                return new Mutation($"bits flipped at {string.Join(",", at)}", bytes);
            case 1:
                int writes = random.Next(1, 5);
                var set = new List<string>();
                for (int w = 0; w < writes; w++)
                {
                    int i = random.Next(bytes.Length);
                    bytes[i] = (byte)random.Next(256);
                    set.Add($"{i}=0x{bytes[i]:X2}");
                }

                return new Mutation($"bytes set {string.Join(",", set)}", bytes);
            case 2:
                // Short lengths more often: the header is where most decisions are made.
                int length = random.Next(2) == 0 ? random.Next(Math.Min(64, bytes.Length)) : random.Next(bytes.Length);
                return new Mutation($"truncated to {length} bytes", bytes[..length]);
            default:
                var tail = new byte[random.Next(1, 64)];
                if (random.Next(2) == 0) random.NextBytes(tail);
                return new Mutation($"{tail.Length} bytes appended", [.. bytes, .. tail]);
        }
    }

    /// <summary>An edit of <paramref name="text"/>: a number replaced by a hostile one, a span deleted, a character inserted, or two swapped.</summary>
    public static (string Description, string Text) EditText(string text, Random random)
    {
        switch (random.Next(5))
        {
            case 0:
            case 1:
                var numbers = System.Text.RegularExpressions.Regex.Matches(text, @"-?\d+(\.\d+)?([eE][-+]?\d+)?");
                if (numbers.Count == 0) goto case 2;
                var number = numbers[random.Next(numbers.Count)];
                string replacement = HostileNumbers[random.Next(HostileNumbers.Length)];
                return ($"number '{number.Value}' at {number.Index} replaced by {replacement}", text[..number.Index] + replacement + text[(number.Index + number.Length)..]);
            case 2:
                int start = random.Next(text.Length), count = Math.Min(random.Next(1, 11), text.Length - start);
                return ($"{count} characters deleted at {start}", text.Remove(start, count));
            case 3:
                const string inserts = "{}[],:\"\\ 0e-\t\n\u0000\u00e9";
                int position = random.Next(text.Length + 1);
                char c = inserts[random.Next(inserts.Length)];
                return ($"U+{(int)c:X4} inserted at {position}", text.Insert(position, c.ToString()));
            default:
                int a = random.Next(text.Length), b = random.Next(text.Length);
                char[] chars = text.ToCharArray();
                (chars[a], chars[b]) = (chars[b], chars[a]);
                return ($"characters {a} and {b} swapped", new string(chars));
        }
    }

    /// <summary>
    /// Writes each mutation to <paramref name="path"/> and loads it with <paramref name="load"/>: it must succeed or
    /// throw <typeparamref name="TExpected"/> whose message starts with the path, finish within two seconds, and
    /// allocate no more than 64 bytes per byte of the file plus 4 MB. Returns the failures and how many loaded.
    /// </summary>
    public static (List<string> Failures, int Loaded) Run<TExpected>(IEnumerable<Mutation> mutations, string path, Action<string> load) where TExpected : Exception
    {
        var failures = new List<string>();
        int loaded = 0;
        foreach (Mutation mutation in mutations)
        {
            File.WriteAllBytes(path, mutation.Bytes);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            try
            {
                load(path);
                loaded++;
            }
            catch (TExpected e)
            {
                if (!e.Message.StartsWith(path, StringComparison.Ordinal)) failures.Add($"{mutation.Description}: the message does not name the file: {e.Message}");
            }
            catch (Exception e)
            {
                failures.Add($"{mutation.Description}: {e.GetType().Name}: {e.Message}");
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > 64L * mutation.Bytes.Length + (4 << 20))
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{mutation.Description}: allocated {allocated:N0} bytes for a {mutation.Bytes.Length}-byte file"));
            if (clock.Elapsed > TimeSpan.FromSeconds(2)) failures.Add($"{mutation.Description}: took {clock.Elapsed.TotalSeconds:0.0} s");
        }

        return (failures, loaded);
    }

    /// <summary>
    /// Runs the command line on some of the mutations (every <paramref name="every"/>th): it must exit with 0 or 2 and,
    /// on an error, print one line, never an internal error or a stack trace, within five seconds and allocating no
    /// more than 64 bytes per byte of the file plus 32 MB.
    /// </summary>
    public static List<string> RunCommand(IReadOnlyList<Mutation> mutations, string path, int every, params string[] args)
    {
        var failures = new List<string>();
        for (int i = 0; i < mutations.Count; i += every)
        {
            File.WriteAllBytes(path, mutations[i].Bytes);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            CliResult result = CliRunner.Run(args);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > 64L * mutations[i].Bytes.Length + (32 << 20) || clock.Elapsed > TimeSpan.FromSeconds(5))
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{string.Join(' ', args)} on {mutations[i].Description}: {allocated:N0} bytes allocated, {clock.Elapsed.TotalSeconds:0.0} s"));
            string[] errorLines = result.Error.TrimEnd('\n').Split('\n');
            if (result.ExitCode is not (0 or 2) || result.Error.Contains("   at ", StringComparison.Ordinal) || result.Error.Contains("internal error", StringComparison.Ordinal)
                || (result.ExitCode == 2 && errorLines.Length != 1))
                failures.Add($"{string.Join(' ', args)} on {mutations[i].Description}: exit {result.ExitCode}: {result.Error}");
        }

        return failures;
    }

    /// <summary>The UTF-8 bytes of <paramref name="text"/>.</summary>
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
