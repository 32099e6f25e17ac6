"""Chooses OpenBLAS's kernel family before PyTorch, NumPy or gensim load it.

Debian 12's OpenBLAS 0.3.21 does not recognise recent CPUs and runs its SSE3 "Prescott" kernels on them, at a
fraction of the core's float32 speed, which would make every comparison against it meaningless. Importing this
module first sets OPENBLAS_CORETYPE from the CPU's feature flags (and drops OPENBLAS_L2_SIZE, which only the
fallback needs), unless the caller already chose a kernel:

    AVX-512 F, BW and VL, with BF16   -> Cooperlake
    AVX-512 F, BW and VL              -> SkylakeX
    AVX2 and FMA                      -> Haswell
    anything else                     -> OpenBLAS's own choice

Both AVX-512 choices and Haswell give products that agree with float64 (torch_peer.py checks this at every run).
To compare a 256-bit code path, run ours with DOTNET_EnableAVX512F=0 and set OPENBLAS_CORETYPE=Haswell.

    /usr/bin/python3 openblas_kernel.py                      # the kernel this CPU gets
    /usr/bin/python3 openblas_kernel.py --flags "avx2 fma"   # the kernel those flags would get
"""
import glob
import os
import sys


def cpu_flags(path="/proc/cpuinfo"):
    """The feature flags of the first processor listed, or an empty set where they cannot be read."""
    try:
        with open(path) as info:
            for line in info:
                if line.startswith("flags"):
                    return set(line.partition(":")[2].split())
    except OSError:
        pass
    return set()


def kernel_for(flags):
    """The OPENBLAS_CORETYPE for a CPU with these flags, or None to leave the choice to OpenBLAS."""
    if {"avx512f", "avx512bw", "avx512vl"} <= flags:
        return "Cooperlake" if "avx512_bf16" in flags else "SkylakeX"
    if {"avx2", "fma"} <= flags:
        return "Haswell"
    return None


def choose_kernel(environ=os.environ, flags=None):
    """Sets OPENBLAS_CORETYPE in environ unless it is already there; returns the kernel in force (None: OpenBLAS's)."""
    if "OPENBLAS_CORETYPE" in environ:
        return environ["OPENBLAS_CORETYPE"]
    kernel = kernel_for(cpu_flags() if flags is None else flags)
    if kernel is not None:
        environ["OPENBLAS_CORETYPE"] = kernel
    environ.pop("OPENBLAS_L2_SIZE", None)
    return kernel


def loaded_kernel():
    """The kernel name that Debian's pthread OpenBLAS reports once loaded, or "unknown" where it is not installed."""
    import ctypes
    for library in sorted(glob.glob("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas*.so*")):
        openblas = ctypes.CDLL(library)
        openblas.openblas_get_corename.restype = ctypes.c_char_p
        return openblas.openblas_get_corename().decode()
    return "unknown"


choose_kernel()

if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--flags":
        print(kernel_for(set(sys.argv[2].split())) or "default")
    elif len(sys.argv) == 1:
        print(os.environ.get("OPENBLAS_CORETYPE", "default"))
    else:
        sys.exit("usage: openblas_kernel.py [--flags \"FLAG ...\"]")
