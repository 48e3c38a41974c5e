#!/usr/bin/env python3
"""Writes the code files of the DocC tutorials from the package's snippets.

A DocC tutorial shows one whole file per step (`@Code(file:)`), and those files are not
compiled. So that the tutorials cannot rot, their code lives in Snippets/, which
`swift build` compiles and `make doc-snippets` runs, and `make docs` calls this script
first to write each step's file into the umbrella catalog's Resources/ (git ignores
them): step N of a tutorial is its snippet's first N slices (`// snippet.NAME` ...
`// snippet.end`), without the slice markers and the hidden checks.

Usage: scripts/tutorial_code.py
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
    os.makedirs(RESOURCES, exist_ok=True)
    written = 0
    for name, text in step_files():
        path = os.path.join(RESOURCES, name)
        if not os.path.exists(path) or open(path).read() != text:
            open(path, "w").write(text)
            written += 1
    print(f"tutorial_code: {written} step files written to {os.path.relpath(RESOURCES, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
