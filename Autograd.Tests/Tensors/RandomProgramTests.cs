using Autograd.Checking;
using CsCheck;

namespace Autograd.Tests.Tensors;

/// <summary>
/// Property: for any program of broadcasting elementwise ops, reductions and softmaxes over random shapes, backprop
/// agrees with central differences. CsCheck generates the programs and shrinks a failure to a minimal one.
/// </summary>
public sealed class RandomProgramTests
{
    /// <summary>One step: an op code and two operands, chosen modulo the values computed so far.</summary>
    public sealed record ProgramStep(int Op, int A, int B);

    /// <summary>A random program: its inputs' shapes, its steps and the seed of its input values.</summary>
    public sealed record TensorProgram(int[][] InputShapes, ProgramStep[] Steps, int Seed)
    {
        /// <summary>Runs the program; the output is its last value.</summary>
        public Tensor<double> Run(Tensor<double>[] inputs)
        {
            var values = new List<Tensor<double>>(inputs);
            foreach (ProgramStep step in Steps)
            {
                Tensor<double> a = values[step.A % values.Count], b = values[step.B % values.Count];
                values.Add(step.Op switch
                {
                    0 => a + b,
                    1 => a - b,
                    2 => a * b,
                    3 => a / ((b * 0.5).Sigmoid() + 1.0),         // a divisor kept in [1, 2]
                    4 => a.Tanh(),
                    5 => a.Sigmoid() * b,
                    6 => (a * a + 0.5).Log(),                       // log and sqrt of a positive argument
                    7 => (a * a + 0.25).Sqrt(),
                    8 => (a * 0.3).Exp(),
                    9 => a.Rank == 0 ? a : a.Sum(a.Rank - 1, keepDim: true),
                    10 => a.Rank == 0 ? a : a.Softmax(-1) * b,
                    11 => a.Rank == 0 ? a : a.LogSumExp(0, keepDim: true),
                    12 => a.Rank == 0 ? (a * a + 0.5).Pow(b) : PositiveMean(a).Pow(b.Tanh()),
                    _ => a.Rank < 2 ? a * 2.0 : (a.Transpose().Tanh() * 1.5).Transpose(),   // back to a broadcastable shape
                });
            }

            return values[^1];
        }

        /// <summary>A positive base for a power with a tensor exponent: the mean along axis 0, squared, plus 0.5.</summary>
        private static Tensor<double> PositiveMean(Tensor<double> a)
        {
            Tensor<double> mean = a.Mean(0, keepDim: true);
            return mean * mean + 0.5;
        }

        /// <inheritdoc/>
        public override string ToString() =>
            $"inputs {string.Join(" ", InputShapes.Select(s => "[" + string.Join(",", s) + "]"))}, steps {string.Join(" ", Steps.Select(s => $"({s.Op},{s.A},{s.B})"))}, seed {Seed}";
    }

    /// <summary>Shapes that broadcast against <paramref name="full"/>: a suffix of it, some axes set to 1.</summary>
    private static Gen<int[]> BroadcastableTo(int[] full) =>
        Gen.Select(Gen.Int[0, full.Length], Gen.Bool.Array[full.Length], (drop, ones) =>
            full.Skip(drop).Select((d, i) => ones[drop + i] ? 1 : d).ToArray());

    private static readonly Gen<TensorProgram> Programs =
        Gen.Int[1, 3].Array[0, 3].SelectMany(full =>
            Gen.Select(
                BroadcastableTo(full).Array[1, 3],
                Gen.Select(Gen.Int[0, 13], Gen.Int[0, 20], Gen.Int[0, 20], (op, a, b) => new ProgramStep(op, a, b)).Array[1, 6],
                Gen.Int[0, 1000],
                (shapes, steps, seed) => new TensorProgram(shapes, steps, seed)));

    [Test]
    public void BackpropAgreesWithCentralDifferences()
    {
        Programs.Sample(program =>
        {
            var random = new Random(program.Seed);
            Tensor<double>[] inputs = [.. program.InputShapes.Select(shape =>
                Tensor.FromArray([.. Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => random.NextDouble() * 2 - 1)], shape))];
            TensorGradCheckResult result = TensorGradCheck.Check(program.Run, inputs);
            if (!result.Passed) throw new AssertionException(result.Report());
        }, iter: 5000, seed: Environment.GetEnvironmentVariable("AUTOGRAD_PROPERTY_SEED"));
    }
}
