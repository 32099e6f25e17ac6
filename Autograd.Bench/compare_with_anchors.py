#!/usr/bin/python3
"""Runs the quick figures and the PyTorch anchor one after the other, on 1 and on 2 threads, and prints the
Markdown table of docs/benchmarks.md (ours, PyTorch's, and the ratio, higher is better for us).

    /usr/bin/python3 Autograd.Bench/compare_with_anchors.py [--threads 1 2] [--rounds 9]

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
    "mlp_step_bs32": (r"mlp step bs=32 threads=\d+: ([\d.]+) ms", "ms", False),
    "mlp_step_bs128": (r"mlp step bs=128 threads=\d+: ([\d.]+) ms", "ms", False),
    "mlp_step_bs512": (r"mlp step bs=512 threads=\d+: ([\d.]+) ms", "ms", False),
    "scalar_ops": (r"scalar chain 2000 ops fwd\+bwd: ([\d.]+) ms", "M ops/s", True),
}
# The anchor prints the scalar rate rounded to 0.01; its time has more digits.
CONVERT = {"scalar_ops": lambda ms: 2000 / (ms / 1e3) / 1e6}


def run(command, env):
    return subprocess.run(command, env={**os.environ, **env}, cwd=ROOT, check=True, capture_output=True, text=True).stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "quiet", "-nologo", "Autograd.Bench"], cwd=ROOT, check=True,
                   capture_output=True)
    bench = os.path.join(ROOT, "Autograd.Bench", "bin", "Release", "net10.0", "Autograd.Bench.dll")
    print(f"| figure | threads | Autograd | PyTorch | ratio (>1: Autograd ahead) | ratio per round: median (range) of {args.rounds} | best round vs best round |")
    print("|---|---|---|---|---|---|---|")
    for threads in args.threads:
        limits = {"OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}
        ours, theirs, units = {}, {}, {}

        def measure_ours():
            for line in run(["dotnet", bench, "quick", "--threads", str(threads)], limits).splitlines():
                name, value, unit = line.split(" ", 2)
                ours.setdefault(name, []).append(float(value))
                units[name] = unit

        def measure_theirs():
            output = run(["/usr/bin/python3", os.path.join(PEERS, "torch_peer.py"), str(threads)], limits)
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


if __name__ == "__main__":
    main()
