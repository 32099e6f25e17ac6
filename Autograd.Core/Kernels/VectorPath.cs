using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Autograd.Kernels;

/// <summary>The instruction sets the hand-written kernels are written for.</summary>
internal enum VectorPath
{
    /// <summary>Plain scalar code: correct everywhere, fast nowhere.</summary>
    Portable,

    /// <summary>256-bit AVX2 with FMA, sixteen ymm registers.</summary>
    Avx2,

    /// <summary>512-bit AVX-512F, thirty-two zmm registers.</summary>
    Avx512,
}

/// <summary>Which <see cref="VectorPath"/> this process runs, decided once from what the runtime reports.</summary>
internal static class VectorPaths
{
    /// <summary>
    /// The widest path the runtime accelerates: AVX-512 when <see cref="Vector512.IsHardwareAccelerated"/> (so
    /// <c>DOTNET_EnableAVX512=0</c>, or <c>DOTNET_PreferredVectorBitWidth=256</c>, selects the 256-bit kernels on an
    /// AVX-512 machine), else AVX2+FMA, else portable.
    /// </summary>
    public static VectorPath Best { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? VectorPath.Avx512
        : Avx2.IsSupported && Fma.IsSupported ? VectorPath.Avx2
        : VectorPath.Portable;

    /// <summary>Whether this process can run <paramref name="path"/>'s instructions.</summary>
    public static bool CanRun(VectorPath path) => path switch
    {
        VectorPath.Avx512 => Avx512F.IsSupported,
        VectorPath.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };
}
