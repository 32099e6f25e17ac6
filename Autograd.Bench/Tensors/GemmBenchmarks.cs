using Autograd;
using BenchmarkDotNet.Attributes;

namespace Autograd.Bench.Tensors;

/// <summary>Square float32 matrix products through the tensor API (gradient recording off).</summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private Tensor<float> _a = null!;
    private Tensor<float> _b = null!;

    /// <summary>The side of the square operands.</summary>
    [Params(256, 512, 1024)]
    public int N { get; set; }

    /// <summary>Draws the operands once per size.</summary>
    [GlobalSetup]
    public void Setup() => (_a, _b) = GemmWorkloads.Operands(N);

    /// <summary>C = A·B, n×n by n×n.</summary>
    [Benchmark]
    public float MatMul() => GemmWorkloads.Multiply(_a, _b);
}
