"""Targets and the printed table of the benchmark suite (used by bench.py)."""

PEER_ORDER = ["torch", "torch-compile", "keras-jax", "numpy"]
COLUMNS = ["synapse"] + PEER_ORDER

# (label, result name, what Synapse is compared with, limit, how): ratio <= limit passes.
#   "best": Synapse / the best (lowest-median) peer; a framework name: Synapse / that one;
#   "<": strictly below.
TARGETS = [
    ("W1 time", "mlp", "best", 1.0, "<="),
    ("W2 time", "cnn", "best", 0.5, "<="),
    ("W3 time", "lstm", "best", 0.5, "<="),
    ("W4 vs torch", "xor", "torch", 0.2, "<="),
    ("W4 vs numpy", "xor", "numpy", 1.0, "<"),
    ("W5 latency", "predict-latency", "best", 0.3, "<="),
    # Throughput ≥ 1.2× the best peer's: time ratio ≤ 1 / 1.2.
    ("W5 batch throughput", "predict-batch", "best", round(1 / 1.2, 3), "<="),
    ("W7 time (resnet)", "resnet", "best", 1.0, "<="),
    ("W8 time (transformer)", "transformer", "best", 1.0, "<="),
]

# (label, result name, the same framework's result it is divided by, limit): Synapse
# against itself, e.g. W6's epoch from a folder of files against the in-memory epoch.
SELF_TARGETS = [
    ("W6 folder / in-memory", "cnn-folder", "cnn-memory", 1.10),
]

SCALES = {"seconds/epoch": (1, "s"), "seconds/scan": (1, "s"), "seconds/step": (1e6, "us"), "seconds/call": (1e6, "us"),
          "seconds/batch of 1024": (1e3, "ms")}


def results_by_name(document):
    merged = {}
    for entry in document["workloads"].values():
        merged.update(entry["results"])
    return merged


def median(result):
    return None if result is None or "median" not in result else result["median"]


def check(value, limit, how):
    if value is None:
        return None
    return value <= limit if how == "<=" else value < limit


def evaluate_targets(document):
    """Adds `summary` (per result: each framework's median/min/max, best peer, ratio)
    and `targets` (each target's value, limit and pass) to the document."""
    results = results_by_name(document)
    summary = {}
    for name, frameworks in results.items():
        row = {fw: {k: r[k] for k in ("median", "min", "max", "peak_rss_mb") if k in r}
               if "median" in r else {"unavailable": r.get("unavailable", "?")} for fw, r in frameworks.items()}
        peers = {fw: r["median"] for fw, r in frameworks.items() if fw != "synapse" and "median" in r}
        if name == "gemm":
            peers = {}
        mine = median(frameworks.get("synapse"))
        if peers:
            best = min(peers, key=peers.get)
            row["best_peer"] = best
            row["ratio"] = mine / peers[best] if mine is not None else None
        summary[name] = row
    targets = []
    for label, name, versus, limit, how in TARGETS:
        if name not in results:
            continue
        frameworks = results[name]
        mine = median(frameworks.get("synapse"))
        if versus == "best":
            value = summary[name].get("ratio")
        else:
            other = median(frameworks.get(versus))
            value = mine / other if mine is not None and other else None
        targets.append({"target": label, "value": value, "limit": f"{how} {limit}", "pass": check(value, limit, how)})
    for label, name, other, limit in SELF_TARGETS:
        if name not in results or other not in results:
            continue
        ratios = {fw: median(r) / median(results[other].get(fw)) for fw, r in results[name].items()
                  if median(r) is not None and median(results[other].get(fw))}
        summary[name][f"over_{other}"] = ratios
        value = ratios.get("synapse")
        targets.append({"target": label, "value": value, "limit": f"<= {limit}", "pass": check(value, limit, "<=")})
    # Peak memory: below every peer's, for W1 and W2.
    for name, label in (("mlp", "W1 peak memory"), ("cnn", "W2 peak memory")):
        if name in results and "peak_rss_mb" in results[name].get("synapse", {}) and "median" in results[name]["synapse"]:
            mine = results[name]["synapse"]["peak_rss_mb"]
            peers = [r["peak_rss_mb"] for fw, r in results[name].items() if fw != "synapse" and "median" in r]
            value = mine / min(peers) if peers else None
            targets.append({"target": label, "value": value, "limit": "< 1.0", "pass": check(value, 1.0, "<")})
    # W1's and W2's shares of the GEMM ceiling (oneDNN sgemm 2048^3 on the same threads).
    for label, name, share in [("W1 share of GEMM ceiling", "mlp", 0.6), ("W2 share of GEMM ceiling", "cnn", 0.55)]:
        if name not in results or "gemm" not in results:
            continue
        mine, gemm = results[name].get("synapse", {}), results["gemm"].get("synapse", {})
        if "median" in mine and "gflops" in mine and "gflops_per_second" in gemm:
            value = mine["gflops"] / mine["median"] / gemm["gflops_per_second"]
            targets.append({"target": label, "value": value, "limit": f">= {share}", "pass": value >= share})
    document["summary"] = summary
    document["targets"] = targets


def cell(result, scale):
    if result is None:
        return "-"
    if "median" not in result:
        return "n/a"
    factor, _ = scale
    return f"{result['median'] * factor:.4g} ({result['min'] * factor:.3g}-{result['max'] * factor:.3g})"


def print_table(document, baseline=None):
    results = results_by_name(document)
    settings = document["settings"]
    print(f"\nSynapse benchmark suite, {document['date']}, {document['machine']['cpu']}, "
          f"{settings['threads']} thread{'s' if settings['threads'] != 1 else ''}{' (QUICK: fewer samples, not a measurement)' if settings['quick'] else ''}")
    print(f"load average before {fmt_load(document['load_average_before'])}, after {fmt_load(document['load_average_after'])}; "
          f"median (min-max) over {settings['repeats']}+ repeats after a warm-up\n")
    header = ["result", "unit"] + COLUMNS + ["ratio", "best peer"]
    rows = []
    for name, frameworks in results.items():
        unit = next((r["unit"] for r in frameworks.values() if "unit" in r), "seconds")
        scale = SCALES.get(unit, (1, unit))
        if name == "gemm":
            row = [name, "GFLOP/s"] + [f"{frameworks[c]['gflops_per_second']:.1f}" if c in frameworks and
                                       "gflops_per_second" in frameworks[c] else "-" for c in COLUMNS] + ["", ""]
        else:
            summary = document["summary"][name]
            ratio = summary.get("ratio")
            row = [name, scale[1]] + [cell(frameworks.get(c), scale) for c in COLUMNS] + [
                f"{ratio:.3f}" if ratio is not None else "n/a", summary.get("best_peer", "")]
        rows.append(row)
    for name in ("mlp", "cnn"):
        if name in results:
            rows.append([f"{name} peak RSS", "MB"] + [f"{results[name][c]['peak_rss_mb']:.0f}"
                                                     if c in results[name] and "median" in results[name][c] else "-"
                                                     for c in COLUMNS] + ["", ""])
    print_rows(header, rows)
    for label, name, other, _ in SELF_TARGETS:
        ratios = document["summary"].get(name, {}).get(f"over_{other}")
        if ratios:
            print(f"\n{label} ({name} / {other}, each framework against itself): "
                  + ", ".join(f"{fw} {ratios[fw]:.3f}" for fw in COLUMNS if fw in ratios))
    compile_times = [f"{name} {frameworks['torch-compile']['compile_seconds']:.1f} s"
                     for name, frameworks in results.items()
                     if "compile_seconds" in frameworks.get("torch-compile", {})]
    if compile_times:
        print("\ntorch.compile's compilation (the first step or call of each shape, before the warm-up, "
              "not in the medians): " + ", ".join(compile_times))
    print()
    target_rows = []
    for target in document["targets"]:
        value = target["value"]
        verdict = "n/a" if target["pass"] is None else ("PASS" if target["pass"] else "FAIL")
        previous = ""
        if baseline:
            old = next((t for t in baseline.get("targets", []) if t["target"] == target["target"]), None)
            if old and old.get("value") is not None:
                previous = f"{old['value']:.3f}"
        target_rows.append([target["target"], f"{value:.3f}" if value is not None else "n/a", target["limit"], verdict]
                           + ([previous] if baseline else []))
    print_rows(["target", "value", "limit", "result"] + (["baseline"] if baseline else []), target_rows)
    unavailable = [(name, fw, r["unavailable"]) for name, frameworks in results.items()
                   for fw, r in frameworks.items() if "unavailable" in r]
    for name, fw, why in unavailable:
        print(f"note: {name} / {fw}: not available ({why})")


def fmt_load(values):
    return "?" if not values else " ".join(f"{v:.2f}" for v in values)


def print_rows(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)))
