using Autograd.Kernels;

namespace Autograd.Kernels;

/// <summary>What the engine's hand-written kernels (matrix products, elementwise and optimizer updates) run on.</summary>
public static class KernelInfo
{
    /// <summary>
    /// The vector width in bits the kernels use: 512 (AVX-512), 256 (AVX2+FMA) or 0 (portable scalar code). Chosen
    /// once per process from what the runtime reports; <c>DOTNET_EnableAVX512=0</c> turns the 512-bit kernels off.
    /// </summary>
    public static int VectorBits => VectorPaths.Best switch
    {
        VectorPath.Avx512 => 512,
        VectorPath.Avx2 => 256,
        _ => 0,
    };

    /// <summary>The instruction set of <see cref="VectorBits"/>: "AVX-512", "AVX2+FMA" or "portable".</summary>
    public static string InstructionSet => VectorPaths.Best switch
    {
        VectorPath.Avx512 => "AVX-512",
        VectorPath.Avx2 => "AVX2+FMA",
        _ => "portable",
    };
}
