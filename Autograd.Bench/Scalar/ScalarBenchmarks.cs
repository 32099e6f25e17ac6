using BenchmarkDotNet.Attributes;

namespace Autograd.Bench.Scalar;

/// <summary>Graph build + backward throughput of the scalar engine.</summary>
[MemoryDiagnoser]
public class ScalarBenchmarks
{
    private readonly DenseLayerParameters _layer = new(64, 32);

    /// <summary>The anchor's 2,000-op chain, forward and backward.</summary>
    [Benchmark(OperationsPerInvoke = 2000)]
    public double Chain() => ScalarWorkloads.Chain(1000);

    /// <summary>A 64-input, 32-neuron tanh layer (4,160 ops), forward and backward.</summary>
    [Benchmark(OperationsPerInvoke = 4160)]
    public double DenseLayer() => ScalarWorkloads.DenseLayer(_layer);
}
