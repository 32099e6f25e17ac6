using System.Text;
using System.Text.Json.Nodes;
using Autograd.NN;
using Autograd.NN.Layers;
using Autograd.NN.Serialization;
using Autograd.Tests.Support;

namespace Autograd.Tests.NN;

/// <summary>
/// 1,500 seeded mutations of saved models (bit flips, overwritten bytes, truncations, appended bytes, edits of the
/// header's JSON, hostile architectures and weights): each loads or is refused with an <see cref="InvalidDataException"/>
/// naming the file, quickly and in memory proportional to the file; the commands on them exit 0 or 2 with one line.
/// </summary>
public sealed class ModelFileFuzzTests : FileTests
{
    private static byte[] Saved(Sequential<float> model, Dictionary<string, string> metadata)
    {
        string path = Path.Combine(Path.GetTempPath(), $"autograd-fuzz-seed-{Environment.ProcessId}-{Guid.NewGuid():N}.safetensors");
        try
        {
            ModelFile.Save(model, path, metadata);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Two models as train saves them: every layer type, biases and none, standardization and class metadata.</summary>
    private static byte[][] Seeds() =>
    [
        Saved(new Sequential<float>(new Linear<float>(2, 8, seed: 1), new ReLU<float>(), new Dropout<float>(0.2), new Linear<float>(8, 3, seed: 2, bias: false),
                new LeakyReLU<float>(0.05), new Linear<float>(3, 2, seed: 3), new Softmax<float>(1)),
            new Dictionary<string, string>
            {
                ["autograd.data"] = "xor", ["autograd.seed"] = "1", ["autograd.loss"] = "CrossEntropy", ["autograd.classes"] = "[\"0\",\"1\"]",
                ["autograd.standardize.mean"] = "[0.5,0.5]", ["autograd.standardize.std"] = "[0.5,0.5]",
            }),
        Saved(new Sequential<float>(new Linear<float>(2, 4, seed: 4), new Tanh<float>(), new Linear<float>(4, 4, seed: 5), new Sigmoid<float>(), new Identity<float>(),
                new Linear<float>(4, 1, seed: 6), new LogSoftmax<float>(0)),
            new Dictionary<string, string> { ["autograd.data"] = "moons", ["autograd.loss"] = "BinaryCrossEntropy", ["autograd.classes"] = "[\"a\",\"b\"]" }),
    ];

    /// <summary>The header's JSON text of a safetensors file, and a function that puts an edited header back in front of its data.</summary>
    private static (string Header, Func<string, byte[]> Rebuild) Split(byte[] file)
    {
        int length = (int)BitConverter.ToUInt64(file);
        string header = Encoding.UTF8.GetString(file, 8, length);
        byte[] data = file[(8 + length)..];
        return (header, edited =>
        {
            byte[] json = Encoding.UTF8.GetBytes(edited);
            return [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. data];
        });
    }

    /// <summary>Architectures a file may claim: too large for its tensors, non-finite, malformed, deep, repeated keys.</summary>
    private static readonly string[] HostileArchitectures =
    [
        """[{"type":"Linear","in":30000,"out":30000,"bias":false}]""",
        """[{"type":"Linear","in":2,"out":8},{"type":"LeakyReLU","slope":1e400}]""",
        """[{"type":"Linear","in":2,"out":8},{"type":"Dropout","p":1e400}]""",
        """[{"type":"Linear","in":2,"out":8},{"type":"Dropout","p":-0.5}]""",
        """[{"type":"Linear","in":2,"out":8},{"type":"Softmax","axis":2147483647}]""",
        """[{"type":"Linear","in":2,"out":8},{"type":"Softmax","axis":1.5}]""",
        """[{"type":"Linear","in":"2","out":8}]""",
        """[{"type":"Linear","in":0,"out":8}]""",
        """[{"type":"Linear","in":-2,"out":-8}]""",
        """[{"type":"Linear","in":2,"out":8,"bias":"yes"}]""",
        """[{"type":"Conv2d"}]""",
        """[{"type":null}]""",
        """[{}]""",
        """[1,2,3]""",
        """{"type":"Linear"}""",
        """[]""",
        "null",
        "",
        """[{"type":"ReLU","type":"Sigmoid"}]""",
        new string('[', 1000) + new string(']', 1000),
        "[" + string.Join(",", Enumerable.Repeat("""{"type":"ReLU"}""", 10_000)) + "]",
    ];

    private static IEnumerable<Mutation> Mutations()
    {
        var random = new Random(18);
        byte[][] seeds = Seeds();
        byte[] Seed() => seeds[random.Next(seeds.Length)];

        for (int i = 0; i < 800; i++) yield return MutationFuzz.Raw(Seed(), random, i);
        for (int i = 0; i < 450; i++)
        {
            var (header, rebuild) = Split(Seed());
            var (description, edited) = MutationFuzz.EditText(header, random);
            if (random.Next(3) == 0) (description, edited) = Chain(description, MutationFuzz.EditText(edited, random));
            yield return new Mutation("header: " + description, rebuild(edited));
        }

        for (int i = 0; i < 100; i++)
        {
            // Repeated keys, the trap of "last one wins": anywhere in the header.
            var (header, rebuild) = Split(Seed());
            string[] insertions = ["\"__metadata__\":{\"autograd.architecture\":\"[]\"},", "\"dtype\":\"F64\",", "\"shape\":[1],", "\"autograd.loss\":\"CrossEntropy\","];
            var braces = Enumerable.Range(0, header.Length).Where(p => header[p] == '{').ToArray();
            int at = braces[random.Next(braces.Length)] + 1;
            string insertion = insertions[random.Next(insertions.Length)];
            yield return new Mutation($"header: {insertion} inserted at {at}", rebuild(header.Insert(at, insertion)));
        }

        for (int i = 0; i < 50; i++)
        {
            byte[] bytes = (byte[])Seed().Clone();
            ulong length = random.Next(4) switch
            {
                0 => ulong.MaxValue - (ulong)random.Next(1000),
                1 => (ulong)random.Next(100_000_000, int.MaxValue),
                2 => (ulong)random.Next(bytes.Length),
                _ => (ulong)random.Next(1, 16),
            };
            BitConverter.GetBytes(length).CopyTo(bytes, 0);
            yield return new Mutation($"header length set to {length}", bytes);
        }

        foreach (string architecture in HostileArchitectures)
            for (int i = 0; i < 4; i++)
            {
                var (header, rebuild) = Split(seeds[i % 2]);
                JsonNode root = JsonNode.Parse(header)!;
                root["__metadata__"]![ModelFile.ArchitectureKey] = architecture;
                yield return new Mutation($"architecture {architecture[..Math.Min(60, architecture.Length)]}", rebuild(root.ToJsonString()));
            }

        for (int i = 0; i < 16; i++)
        {
            // Non-finite weights, written where a weight is.
            byte[] bytes = (byte[])Seed().Clone();
            int dataStart = 8 + (int)BitConverter.ToUInt64(bytes);
            int at = dataStart + 4 * random.Next((bytes.Length - dataStart) / 4);
            float value = new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity }[i % 3];
            BitConverter.GetBytes(value).CopyTo(bytes, at);
            yield return new Mutation($"{value} written at {at}", bytes);
        }

        yield return new Mutation("a text file", Encoding.UTF8.GetBytes("some notes here, not a model at all\n"));
        yield return new Mutation("empty", []);
        yield return new Mutation("eight zero bytes", new byte[8]);
        yield return new Mutation("a header of spaces", [.. BitConverter.GetBytes(16UL), .. Encoding.ASCII.GetBytes(new string(' ', 16))]);
    }

    private static (string, string) Chain(string first, (string Description, string Text) second) => ($"{first}; {second.Description}", second.Text);

    [Test]
    public void EveryMutationLoadsOrIsRefusedCleanly()
    {
        Mutation[] mutations = [.. Mutations()];
        Assert.That(mutations, Has.Length.InRange(1450, 1550));
        string path = PathOf("fuzz.safetensors");

        foreach (var (reader, load) in new (string, Action<string>)[] { ("model", p => ModelFile.Load(p, out _)), ("safetensors", p => SafeTensors.Load(p)) })
        {
            Task<(List<string> Failures, int Loaded)> run = Task.Run(() => MutationFuzz.Run<InvalidDataException>(mutations, path, load));
            Assert.That(run.Wait(TimeSpan.FromMinutes(2)), Is.True, $"{reader}: no mutation hangs the loader");
            var (failures, loaded) = run.Result;
            Assert.That(failures, Is.Empty, reader);
            // Some mutations leave a valid file (a flipped bit in a weight); most must be caught.
            Assert.That(loaded, Is.InRange(1, mutations.Length * 3 / 4), reader);
        }
    }

    [Test]
    public void TheCommandsOnMutatedModelsExitCleanly()
    {
        Mutation[] mutations = [.. Mutations()];
        string path = PathOf("fuzz.safetensors");
        List<string> failures = [.. MutationFuzz.RunCommand(mutations, path, 10, "summary", path), .. MutationFuzz.RunCommand(mutations, path, 10, "predict", path, "[0.5, 0.5]", "--json")];
        Assert.That(failures, Is.Empty);
    }
}
