#!/usr/bin/env python3
"""Writes the code files of the DocC tutorials from the package's snippets.

A DocC tutorial shows one whole file per step (`@Code(file:)`), and those files are not
compiled. So that the tutorials cannot rot, their code lives in Snippets/, which
`swift build` compiles and `make docs` runs, and each step's file is written from it
here: step N of a tutorial is its snippet's first N slices (`// snippet.NAME` ...
`// snippet.end`), without the slice markers and the hidden checks.

Usage: scripts/tutorial_code.py [--check]
  --check: write nothing; exit 1 and name the files that differ from what would be
           written (CI runs this, so a snippet edited without regenerating fails).
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
RESOURCES = os.path.join(ROOT, "Sources", "Synapse", "Synapse.docc", "Resources")

# tutorial file prefix -> (snippet, slices shown step by step)
TUTORIALS = {
    "xor": ("Snippets/XOR.swift", ["data", "parameters", "forward", "train", "model"]),
    "pima": ("Snippets/PimaNetwork.swift", ["data", "split", "model", "fit", "evaluate"]),
    "mnist-cnn": ("Snippets/MNISTConvnet.swift", ["data", "model", "train", "evaluate"]),
    "imdb-lstm": ("Snippets/IMDBSentiment.swift", ["data", "tokenize", "model", "train"]),
    "autoencoders": ("Snippets/Autoencoders.swift", ["data", "autoencoder", "vae", "generate"]),
}


def slices(path):
    """The named slices of a snippet, in file order, as lists of lines."""
    found, current, name = {}, None, None
    for line in open(os.path.join(ROOT, path)).read().splitlines():
        marker = re.match(r"\s*// snippet\.(\S+)\s*$", line)
        if marker:
            name = marker.group(1)
            if name == "end":
                current, name = None, None
            elif name == "hide":
                current = None
            else:
                current = found.setdefault(name, [])
            continue
        if current is not None:
            current.append(line)
    return found


def step_files():
    """(file name, text) for every step of every tutorial."""
    for prefix, (snippet, names) in TUTORIALS.items():
        parts = slices(snippet)
        missing = [n for n in names if n not in parts]
        if missing:
            sys.exit(f"tutorial_code: {snippet} has no slice {', '.join(missing)}")
        for step in range(1, len(names) + 1):
            body = "\n\n".join("\n".join(parts[n]).strip("\n") for n in names[:step])
            yield f"{prefix}-{step:02d}.swift", body + "\n"


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for name, text in step_files():
        path = os.path.join(RESOURCES, name)
        current = open(path).read() if os.path.exists(path) else None
        if current == text:
            continue
        if check:
            stale.append(name)
        else:
            os.makedirs(RESOURCES, exist_ok=True)
            open(path, "w").write(text)
            print(f"wrote {os.path.relpath(path, ROOT)}")
    if stale:
        print("tutorial_code: out of date with Snippets/: " + ", ".join(stale)
              + "; run scripts/tutorial_code.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
