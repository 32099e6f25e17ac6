#!/usr/bin/python3
"""Times two revisions of the project in the same run: builds Autograd.Bench at BASE (in a temporary worktree) and
in this checkout, then runs both, alternating which goes first, for several rounds, and prints the median of each
figure on each side with the ratio after / before (above 1 is faster for rates; the script flips time figures).

    /usr/bin/python3 Autograd.Bench/compare_revisions.py BASE [--rounds 5] [--threads 1 2] [--quick-only PREFIX ...]
                                                        [--word2vec brown.txt] [--side-by-side]

`quick` figures come from `Autograd.Bench quick`; with --word2vec, also words/s of skip-gram and CBOW on that corpus
(see compare_word2vec.py for making brown.txt); with --side-by-side, also the scalar workloads of both builds timed in
turns within each process (`Autograd.Bench side-by-side`), which the per-process bands of the scalar figures cannot
blur (the thread-1 row; the workloads are single-threaded). Run it on an idle machine: the two sides share it round by round,
so load that comes and goes shows as spread between rounds, not as a difference between revisions.
"""
import argparse, os, re, shutil, statistics, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# Figures measured as a time (lower is better); every other figure is a rate.
TIME_UNITS = ("ms", "us", "µs", "ns", "s")


def build(checkout):
    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "quiet", "-nologo", "Autograd.Bench"], cwd=checkout, check=True, capture_output=True)
    return os.path.join(checkout, "Autograd.Bench", "bin", "Release", "net10.0", "Autograd.Bench.dll")


def figures(dll, arguments):
    out = subprocess.run(["dotnet", dll, *arguments], check=True, capture_output=True, text=True).stdout
    return {m.group(1): (float(m.group(2)), m.group(3)) for m in re.finditer(r"^(\S+) ([-\d.]+) (\S+)", out, re.M)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base", help="the revision to compare with (a commit, tag or branch)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--quick-only", nargs="*", default=None, help="figure name prefixes; none given runs every quick figure, an empty list none")
    parser.add_argument("--word2vec", metavar="CORPUS")
    parser.add_argument("--side-by-side", action="store_true", help="also time the scalar workloads of both builds in one process, in turns")
    args = parser.parse_args()

    worktree = tempfile.mkdtemp(prefix="autograd-base-")
    subprocess.run(["git", "worktree", "add", "--detach", "-f", worktree, args.base], cwd=ROOT, check=True, capture_output=True)
    try:
        sides = {"before": build(worktree), "after": build(ROOT)}
        runs = []
        for threads in args.threads:
            if args.quick_only != []:
                runs.append((threads, ["quick", "--threads", str(threads)], args.quick_only or []))
            if args.word2vec:
                runs.append((threads, ["word2vec", "--corpus", os.path.abspath(args.word2vec), "--threads", str(threads)], ["word2vec_"]))
        samples = {}
        for round_ in range(args.rounds):
            order = ["before", "after"] if round_ % 2 == 0 else ["after", "before"]
            for threads, arguments, prefixes in runs:
                for side in order:
                    for name, (value, unit) in figures(sides[side], arguments).items():
                        if prefixes and not name.startswith(tuple(prefixes)):
                            continue
                        samples.setdefault((name, threads, unit), {"before": [], "after": []})[side].append(value)
            if args.side_by_side:
                # One process holds both builds; its figures end in _before and _after.
                arguments = ["side-by-side", "--base", os.path.dirname(sides["before"])]
                for name, (value, unit) in figures(sides["after"], arguments).items():
                    figure, _, side = name.rpartition("_")
                    samples.setdefault((figure + " (side by side)", 1, unit), {"before": [], "after": []})[side].append(value)
            print(f"round {round_ + 1} of {args.rounds} done", file=sys.stderr)

        print(f"| figure | threads | before ({args.base}) | after | after / before, as speed |")
        print("|---|---|---|---|---|")
        for (name, threads, unit), sides_ in samples.items():
            if not sides_["before"] or not sides_["after"]:
                continue
            before, after = statistics.median(sides_["before"]), statistics.median(sides_["after"])
            speedup = before / after if unit in TIME_UNITS else after / before
            print(f"| {name} | {threads} | {before:.4g} {unit} | {after:.4g} {unit} | {speedup:.2f}× |")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", worktree], cwd=ROOT, capture_output=True)
        shutil.rmtree(worktree, ignore_errors=True)


if __name__ == "__main__":
    main()
