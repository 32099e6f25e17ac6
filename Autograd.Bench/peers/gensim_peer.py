"""gensim's word2vec on the same corpus and settings as `Autograd.Bench word2vec`: its speed, or its vectors' scores.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 Autograd.Bench/peers/gensim_peer.py speed brown.txt THREADS
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 Autograd.Bench/peers/gensim_peer.py quality brown.txt THREADS [--seed S]

Debian's python3-gensim (4.2). The corpus has one sentence a line (brown_text.py makes Brown so). Skip-gram, then
CBOW: 100 dimensions, window 5, negative sampling with 5 noise words, subsampling 1e-3, min_count 5, 5 epochs.
`speed` prints the wall time of each whole run (vocabulary building included) and the raw corpus words over all
epochs per second; `quality` scores the vectors on the sets in data/eval as gensim scores them: analogy accuracy
over the 30,000 most frequent words, Spearman's rho on WordSim353 and SimLex-999 with the share of pairs out of
the vocabulary.
"""
import openblas_kernel  # noqa: F401  (first: OpenBLAS chooses its kernel when it loads)
import argparse
import os
import time

from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence

EVAL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "eval")
MODELS = (("skipgram", 1), ("cbow", 0))


def train(corpus, skipgram, threads, seed):
    return Word2Vec(sentences=LineSentence(corpus), vector_size=100, window=5, min_count=5, sample=1e-3, negative=5,
                    hs=0, sg=skipgram, workers=threads, epochs=5, seed=seed)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("speed", "quality"))
    parser.add_argument("corpus")
    parser.add_argument("threads", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--eval", default=EVAL, help="folder of questions-words.txt, wordsim353.tsv, simlex999.txt")
    args = parser.parse_args()
    for name, skipgram in MODELS:
        start = time.perf_counter()
        model = train(args.corpus, skipgram, args.threads, args.seed)
        seconds = time.perf_counter() - start
        if args.mode == "speed":
            words = model.corpus_total_words * model.epochs
            print(f"gensim {name} workers={args.threads}: {seconds:.1f}s total, {words / seconds / 1e3:.0f}k raw words/s "
                  f"(incl. vocab) | similar(king): {[word for word, _ in model.wv.most_similar('king', topn=5)]}")
            continue
        accuracy, _ = model.wv.evaluate_word_analogies(os.path.join(args.eval, "questions-words.txt"), restrict_vocab=30000)
        wordsim = model.wv.evaluate_word_pairs(os.path.join(args.eval, "wordsim353.tsv"))
        simlex = model.wv.evaluate_word_pairs(os.path.join(args.eval, "simlex999.txt"))
        print(f"gensim {name}: vocab {len(model.wv)}, analogy acc {accuracy:.4f}, "
              f"wordsim353 spearman {wordsim[1][0]:.3f} (oov {wordsim[2]:.1f}%), "
              f"simlex999 spearman {simlex[1][0]:.3f} (oov {simlex[2]:.1f}%)")


if __name__ == "__main__":
    main()
