#!/usr/bin/python3
"""Runs the quick figures and the PyTorch anchor one after the other, on 1 and on 2 threads, and prints the
Markdown table of docs/benchmarks.md (ours, PyTorch's, and the ratio, higher is better for us).

    /usr/bin/python3 Autograd.Bench/compare_with_anchors.py [--threads 1 2] [--rounds 9] [--isa native|avx2] [--only PREFIX]

--isa native (the default) runs our kernels as the runtime chooses them and lets Autograd.Bench/peers/openblas_kernel.py pick
OpenBLAS's kernel from the CPU's flags (an OPENBLAS_CORETYPE inherited from the environment is dropped, so the
anchor runs the best kernel the CPU supports); --isa avx2 compares the 256-bit paths: ours with AVX-512 turned off,
OpenBLAS with its Haswell kernel. Before the table it prints the vector width our kernels used and the OpenBLAS
kernel the anchor ran, as each side reports it.

On a shared machine both sides drift by 15-50 % over minutes, so each thread count is measured in several rounds,
each of ours between two runs of the anchor; the table gives each side's median over its runs, their ratio, the
median, lowest and highest ratio of one of our rounds to the mean of the anchor's runs on either side of it, and
the ratio of each side's best run (a neighbour's load only ever slows a side down, so each side's best run is the
closest to its speed on an idle machine).

Needs Debian's python3-torch and libopenblas0-pthread (apt-get install python3-torch libopenblas0-pthread); PyTorch's
side is peers/torch_peer.py, which sets OpenBLAS's kernel from the CPU's flags (peers/openblas_kernel.py).
"""
import argparse, os, re, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(HERE, "peers")
# micrograd's pure-Python rate, measured once on this project's 2-core AMD EPYC machine and quoted (not measured here).
MICROGRAD_M_OPS = 0.2

# Our figure name -> (regex over the anchor's output, unit, True when higher is better)
ANCHOR_LINES = {
    "gemm_f32_n256": (r"gemm n=256 threads=\d+: ([\d.]+) GFLOP/s", "GFLOP/s", True),
    "gemm_f32_n512": (r"gemm n=512 threads=\d+: ([\d.]+) GFLOP/s", "GFLOP/s", True),
    "gemm_f32_n1024": (r"gemm n=1024 threads=\d+: ([\d.]+) GFLOP/s", "GFLOP/s", True),
    "gemm_f64_n512": (r"gemm64 n=512 threads=\d+: ([\d.]+) GFLOP/s", "GFLOP/s", True),
    "mlp_step_bs32": (r"mlp step bs=32 threads=\d+: ([\d.]+) ms", "ms", False),
    "mlp_step_bs128": (r"mlp step bs=128 threads=\d+: ([\d.]+) ms", "ms", False),
    "mlp_step_bs512": (r"mlp step bs=512 threads=\d+: ([\d.]+) ms", "ms", False),
    "scalar_ops": (r"scalar chain 2000 ops fwd\+bwd: ([\d.]+) ms", "M ops/s", True),
}
# The anchor prints the scalar rate rounded to 0.01; its time has more digits.
CONVERT = {"scalar_ops": lambda ms: 2000 / (ms / 1e3) / 1e6}


# Environment for each side per --isa: ours (.NET reads DOTNET_EnableAVX512 from .NET 10 on, DOTNET_EnableAVX512F
# before), the anchor's OpenBLAS (None: unset, so that blas_core.py chooses from the CPU's flags).
ISA_ENVIRONMENT = {
    "native": ({}, {"OPENBLAS_CORETYPE": None, "OPENBLAS_L2_SIZE": None}),
    "avx2": ({"DOTNET_EnableAVX512F": "0", "DOTNET_EnableAVX512": "0"}, {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": None}),
}


def run(command, env):
    merged = {**os.environ, **env}
    merged = {name: value for name, value in merged.items() if value is not None}
    return subprocess.run(command, env=merged, cwd=ROOT, check=True, capture_output=True, text=True).stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--isa", choices=sorted(ISA_ENVIRONMENT), default="native")
    parser.add_argument("--only", default="", help="only our figures whose name starts with this")
    args = parser.parse_args()
    ours_env, anchor_env = ISA_ENVIRONMENT[args.isa]
    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "quiet", "-nologo", "Autograd.Bench"], cwd=ROOT, check=True,
                   capture_output=True)
    bench = os.path.join(ROOT, "Autograd.Bench", "bin", "Release", "net10.0", "Autograd.Bench.dll")
    sides = {}
    print(f"| figure | threads | Autograd | PyTorch | ratio (>1: Autograd ahead) | ratio per round: median (range) of {args.rounds} | best round vs best round |")
    print("|---|---|---|---|---|---|---|")
    for threads in args.threads:
        limits = {"OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}
        ours, theirs, units = {}, {}, {}

        def measure_ours():
            quick = ["dotnet", bench, "quick", "--threads", str(threads)] + (["--only", args.only] if args.only else [])
            for line in run(quick, {**limits, **ours_env}).splitlines():
                name, value, unit = line.split(" ", 2)
                if name == "vector_bits":
                    sides.setdefault("Autograd kernels", set()).add(f"{value} {unit}")
                    continue
                ours.setdefault(name, []).append(float(value))
                units[name] = unit

        def measure_theirs():
            output = run(["/usr/bin/python3", os.path.join(PEERS, "torch_peer.py"), str(threads)], {**limits, **anchor_env})
            core = re.search(r"openblas core: (\S+)", output)
            sides.setdefault("OpenBLAS kernel (anchor)", set()).add(core.group(1) if core else "not printed")
            for name, (pattern, _, _) in ANCHOR_LINES.items():
                match = re.search(pattern, output)
                if match:
                    theirs.setdefault(name, []).append(CONVERT.get(name, lambda v: v)(float(match.group(1))))

        # PyTorch, ours, PyTorch, ours, ..., PyTorch: each of our rounds sits between two of the anchor's (which take
        # seconds, against our tens), and its ratio is taken against their mean, so a drift over the round cancels.
        measure_theirs()
        for _ in range(args.rounds):
            measure_ours()
            measure_theirs()
        for name, values in ours.items():
            value, unit = statistics.median(values), units[name]
            anchor = ANCHOR_LINES.get(name)
            if anchor is None or name not in theirs:
                print(f"| {name} | {threads} | {value:g} {unit} | | | | |")
                continue
            peer = statistics.median(theirs[name])
            higher_is_better = anchor[2]
            ratio = value / peer if higher_is_better else peer / value
            around = [(before + after) / 2 for before, after in zip(theirs[name], theirs[name][1:])]
            rounds = [o / t if higher_is_better else t / o for o, t in zip(values, around)]
            best = max(values) / max(theirs[name]) if higher_is_better else min(theirs[name]) / min(values)
            print(f"| {name} | {threads} | {value:g} {unit} | {peer:.3g} {unit} | {ratio:.2f}× | {statistics.median(rounds):.2f}× ({min(rounds):.2f}–{max(rounds):.2f}×) | {best:.2f}× |")
            if name == "scalar_ops":
                print(f"| {name} vs micrograd (quoted) | {threads} | {value:g} {unit} | {MICROGRAD_M_OPS:g} {unit} (micrograd) | {value / MICROGRAD_M_OPS:.0f}× | | |")
        sys.stdout.flush()
    print()
    for side, seen in sides.items():
        print(f"{side}: {', '.join(sorted(seen))}")


if __name__ == "__main__":
    main()
