#!/usr/bin/env python3
"""Fails when a public Synapse symbol is not documented.

Reads the symbol graphs that `make docs` extracts (swift-docc-plugin writes them under
<build folder>/<triple>/extracted-symbols/) and lists, as `file:line: what`, every
public or open declaration whose source is in Sources/ and that
1. has no `///` documentation comment, or
2. is an initializer, method, function or subscript that takes parameters and whose
   comment has no `- Parameters:` list (or `- Parameter name:` line), or
3. is a type whose comment has a `- Parameters:` list: parameters belong to the
   initializer that takes them, where DocC checks them against the signature.
Compiler-synthesized members and implementations that inherit their protocol
requirement's comment count as documented (DocC shows them with that comment);
operators and enum cases need no parameter list. That each listed parameter exists,
and that none is left out of a list, DocC checks itself (`make docs` treats its
warnings as errors).

Usage: scripts/doc_coverage.py SYMBOL_GRAPH_FOLDER [--summary]
Exit status: 0 when every public symbol is documented, 1 otherwise, 2 on bad input.
"""
import glob
import json
import os
import sys
from collections import Counter


def undocumented(folder):
    """Yields (module, location, line, kind, path) for each undocumented public symbol."""
    files = sorted(glob.glob(os.path.join(folder, "**", "*.symbols.json"), recursive=True))
    if not files:
        sys.exit(f"doc_coverage: no *.symbols.json under {folder}; run `make docs` first")
    seen = set()
    total = 0
    missing = []
    for path in files:
        graph = json.load(open(path))
        module = graph["module"]["name"]
        for symbol in graph["symbols"]:
            precise = symbol["identifier"]["precise"]
            uri = symbol.get("location", {}).get("uri", "")
            if "::SYNTHESIZED::" in precise or "/Sources/" not in uri or precise in seen:
                continue
            if symbol.get("accessLevel") not in ("public", "open"):
                continue
            seen.add(precise)
            total += 1
            kind = symbol["kind"]["identifier"].removeprefix("swift.")
            comment = symbol.get("docComment")
            if comment is None:
                problem = "has no documentation comment"
            elif needs_parameter_list(symbol, kind, comment):
                problem = "has no - Parameters: list"
            elif kind in ("class", "struct", "enum", "protocol", "actor") and has_parameter_list(comment):
                problem = "lists parameters on the type; move them to its initializer"
            else:
                continue
            location = "Sources/" + uri.split("/Sources/", 1)[1]
            line = symbol["location"]["position"]["line"] + 1
            missing.append((module, location, line, kind, ".".join(symbol["pathComponents"]) + " " + problem))
    return total, sorted(missing, key=lambda m: (m[1], m[2]))


def needs_parameter_list(symbol, kind, comment):
    """True for a callable with parameters whose own comment lists none."""
    if kind in ("func.op", "enum.case") or not symbol.get("functionSignature", {}).get("parameters"):
        return False
    if comment.get("uri") and comment["uri"] != symbol["location"]["uri"]:
        return False  # inherited from the protocol requirement it implements
    text = "\n".join(line["text"] for line in comment["lines"])
    return "- Parameter" not in text


def has_parameter_list(comment):
    """True when a comment has a `- Parameter` list."""
    return any(line["text"].lstrip().startswith("- Parameter") for line in comment["lines"])


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    total, missing = undocumented(sys.argv[1])
    for module, location, line, kind, name in missing:
        print(f"{location}:{line}: {kind} {name}")
    by_module = Counter(m[0] for m in missing)
    print(f"doc_coverage: {total - len(missing)} of {total} public symbols fully documented"
          + (f"; missing: " + ", ".join(f"{k} {v}" for k, v in by_module.most_common()) if missing else ""))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
