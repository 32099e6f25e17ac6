using BenchmarkDotNet.Attributes;

namespace Autograd.Bench.Tensors;

/// <summary>One SGD step of the 784-500-400-10 ReLU MLP (forward, softmax cross-entropy, backward, update).</summary>
[MemoryDiagnoser]
public class MlpBenchmarks
{
    private MlpTrainingStep _step = null!;

    /// <summary>Samples per step.</summary>
    [Params(32, 128, 512)]
    public int Batch { get; set; }

    /// <summary>Builds the model and batch.</summary>
    [GlobalSetup]
    public void Setup() => _step = new MlpTrainingStep(Batch);

    /// <summary>One training step.</summary>
    [Benchmark]
    public float Step() => _step.Step();
}
