#!/usr/bin/env python3
"""gensim reference data for Autograd.Tests/Word2Vec/KeyedVectorsTests.cs, and a reader for files the C# code writes.

Writing the fixtures (run from the repository root; they are written beside this script):

    /usr/bin/python3 Autograd.Tests/Word2Vec/Reference/make_gensim_vectors.py

builds, with a fixed numpy seed, a 12-word, 4-dimensional gensim KeyedVectors (non-ASCII words included) and writes

    gensim_vectors.txt   save_word2vec_format(binary=False)
    gensim_vectors.bin   save_word2vec_format(binary=True)
    analogies.txt        a tiny questions-words file: two sections, an unknown word, an upper-case question
    word_pairs.txt       a tiny word-pair file: a '#' comment, tab separators, tied human scores, one OOV pair
    expected.json        what gensim itself computes on them: the vectors, most_similar, an analogy, similarities,
                         evaluate_word_analogies / evaluate_word_pairs, and scipy's spearmanr on a tied example

Reading back files written by KeyedVectors.SaveText / SaveBinary:

    /usr/bin/python3 Autograd.Tests/Word2Vec/Reference/make_gensim_vectors.py --read vectors.txt vectors.bin

loads them with gensim's KeyedVectors.load_word2vec_format (binary=False / binary=True) and prints JSON
{"text": {"words": [...], "vectors": [[...], ...]}, "binary": {...}}, each float32 widened exactly to a double.

Needs Debian's python3-gensim (4.2), numpy and scipy.
"""
import json
import logging
import os
import sys

import numpy as np
from gensim.models import KeyedVectors
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))

WORDS = ["king", "queen", "man", "woman", "paris", "france", "rome", "italy", "café", "naïve", "apple", "banana"]
DIMENSION = 4

ANALOGIES = """: family
man woman king queen
MAN WOMAN KING QUEEN
king queen man woman
man woman boy girl
woman man queen king
: capital-cities
paris france rome italy
rome italy paris france
Paris France Rome Italy
café naïve apple banana
paris rome france unicorn
"""

WORD_PAIRS = """# word1\tword2\thuman score (a tiny WordSim-353-like file)
king\tqueen\t8.5
man\twoman\t8.5
paris\tfrance\t7.0
rome\titaly\t7.0
France\tItaly\t6.0
apple\tbanana\t6.0
café\tnaïve\t1.5
king\tapple\t1.5
queen\tparis\t2.0
unicorn\tking\t3.0
woman\tbanana\t0.5
"""

# Spearman with ties on both sides: scipy.stats.spearmanr(SPEARMAN_X, SPEARMAN_Y).correlation
SPEARMAN_X = [1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 4.0, 5.0]
SPEARMAN_Y = [2.0, 1.0, 3.0, 3.0, 5.0, 4.0, 4.0, 6.0]


def build():
    rng = np.random.default_rng(20240611)
    base = {w: rng.normal(0, 1, DIMENSION) for w in WORDS}
    # Give the analogies some structure so a few of them come out right.
    gender = rng.normal(0, 1, DIMENSION)
    capital = rng.normal(0, 1, DIMENSION)
    base["woman"] = base["man"] + gender + rng.normal(0, 0.2, DIMENSION)
    base["queen"] = base["king"] + gender + rng.normal(0, 0.2, DIMENSION)
    base["france"] = base["paris"] + capital + rng.normal(0, 0.2, DIMENSION)
    base["italy"] = base["rome"] + capital + rng.normal(0, 0.2, DIMENSION)
    vectors = np.array([base[w] for w in WORDS], dtype=np.float32)
    kv = KeyedVectors(DIMENSION)
    kv.add_vectors(WORDS, vectors)
    return kv


def pairs(result):
    return [[w, float(s)] for w, s in result]


def write_fixtures():
    kv = build()
    kv.save_word2vec_format(os.path.join(HERE, "gensim_vectors.txt"), binary=False)
    kv.save_word2vec_format(os.path.join(HERE, "gensim_vectors.bin"), binary=True)
    analogies = os.path.join(HERE, "analogies.txt")
    word_pairs = os.path.join(HERE, "word_pairs.txt")
    with open(analogies, "w", encoding="utf-8", newline="\n") as f:
        f.write(ANALOGIES)
    with open(word_pairs, "w", encoding="utf-8", newline="\n") as f:
        f.write(WORD_PAIRS)

    # Evaluate what gensim itself reads back from its file, as the C# tests do.
    loaded = KeyedVectors.load_word2vec_format(os.path.join(HERE, "gensim_vectors.bin"), binary=True)
    assert loaded.index_to_key == WORDS and np.array_equal(loaded.vectors, kv.vectors)
    score, sections = loaded.evaluate_word_analogies(analogies, restrict_vocab=30000)
    pearson, spearman, oov_ratio = loaded.evaluate_word_pairs(word_pairs)
    expected = {
        "words": WORDS,
        "dimension": DIMENSION,
        "vectors": [[float(v) for v in loaded[w]] for w in WORDS],
        "most_similar": {w: pairs(loaded.most_similar(w, topn=3)) for w in ["king", "café"]},
        "analogy": {"positive": ["woman", "king"], "negative": ["man"],
                    "result": pairs(loaded.most_similar(positive=["woman", "king"], negative=["man"], topn=3))},
        "similarity": [[a, b, float(loaded.similarity(a, b))] for a, b in [("king", "queen"), ("café", "naïve")]],
        "analogies": {
            "total_accuracy": float(score),
            "sections": [{"section": s["section"], "correct": len(s["correct"]), "incorrect": len(s["incorrect"])} for s in sections],
        },
        "word_pairs": {"pearson": float(pearson[0]), "spearman": float(spearman[0]), "oov_ratio": float(oov_ratio)},
        "spearman_ties": {"x": SPEARMAN_X, "y": SPEARMAN_Y,
                          "spearman": float(stats.spearmanr(SPEARMAN_X, SPEARMAN_Y)[0])},
    }
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1)
        f.write("\n")


def read_back(text_path, binary_path):
    out = {}
    for name, path, binary in [("text", text_path, False), ("binary", binary_path, True)]:
        kv = KeyedVectors.load_word2vec_format(path, binary=binary)
        out[name] = {"words": list(kv.index_to_key), "vectors": [[float(v) for v in kv[w]] for w in kv.index_to_key]}
    json.dump(out, sys.stdout, ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    if len(sys.argv) == 4 and sys.argv[1] == "--read":
        read_back(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 1:
        write_fixtures()
    else:
        sys.exit(__doc__)
