#!/usr/bin/env python3
"""Reference timings for the kernel micro-benchmark, and the Synapse ratios.

Times NumPy's ``a + b`` and ``a.sum()`` on 10M float32 elements (warm-up, then the
median of repeats), and the same with PyTorch when the project venv
($HOME/.cache/synapse-venv) has torch, plus torch's matmul on the benchmark's GEMM
shapes. Given the JSON of ``synapse-microbench`` it prints the ratios the issue
holds Synapse to:

    add, sum:  Synapse time / NumPy time   <= 1.5
    matmul:    Tensor.matmul throughput / raw oneDNN sgemm   >= 0.90

NumPy's add and sum run on one thread whatever the settings (its ufuncs do not
thread); torch runs on the thread count Synapse used. ``make microbench`` runs this
with the system python3 after the Swift binary.

    python3 Benchmarks/micro_numpy.py [--synapse synapse.json]
        [--synapse-passive synapse-passive.json] [--repeats N] [--threads N,...] [--json PATH]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

COUNT = 10_000_000
MATMUL_SHAPES = [(1024, 1024, 1024), (128, 784, 512), (128, 512, 256)]
VENV_PYTHON = os.path.expanduser("~/.cache/synapse-venv/bin/python")


def measure(function, repeats, warmup=3):
    """Seconds per call: median, min and max over `repeats` calls after `warmup`."""
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "repeats": repeats}


def numpy_timings(repeats):
    import numpy as np

    rng = np.random.default_rng(3)
    a = rng.uniform(-1, 1, COUNT).astype(np.float32)
    b = rng.uniform(-1, 1, COUNT).astype(np.float32)
    return {
        "library": f"NumPy {np.__version__}",
        "threads": 1,
        "add": measure(lambda: a + b, repeats),
        "sum": measure(lambda: a.sum(), repeats),
    }


def torch_timings(thread_counts, repeats):
    """Runs inside the venv's python (see `torch_in_venv`); one entry per thread count."""
    import torch

    results = []
    for threads in thread_counts:
        torch.set_num_threads(threads)
        generator = torch.Generator().manual_seed(3)
        a = torch.rand(COUNT, generator=generator) * 2 - 1
        b = torch.rand(COUNT, generator=generator) * 2 - 1
        result = {
            "library": f"PyTorch {torch.__version__}",
            "threads": torch.get_num_threads(),
            "add": measure(lambda: a + b, repeats),
            "sum": measure(lambda: a.sum(), repeats),
            "matmul": {},
        }
        for m, k, n in MATMUL_SHAPES:
            x = torch.rand(m, k, generator=generator)
            w = torch.rand(k, n, generator=generator)
            result["matmul"][f"{m}x{k}x{n}"] = measure(lambda: torch.mm(x, w), repeats)
        results.append(result)
    return results


def torch_in_venv(thread_counts, repeats):
    """PyTorch timings from the project venv (one per thread count), or [] with the reason printed."""
    if not os.path.exists(VENV_PYTHON):
        print(f"(PyTorch skipped: no {VENV_PYTHON})")
        return []
    command = [VENV_PYTHON, os.path.abspath(__file__), "--torch-worker",
               "--threads", ",".join(map(str, thread_counts)), "--repeats", str(repeats)]
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        reason = (completed.stderr.strip().splitlines() or ["unknown error"])[-1]
        print(f"(PyTorch skipped: {reason})")
        return []
    return json.loads(completed.stdout)


def milliseconds(seconds):
    return f"{seconds * 1e3:.2f} ms"


def synapse_row(report, benchmark, prefix):
    """The first row of `benchmark` whose variant starts with `prefix`."""
    for row in report.get("rows", []):
        if row["benchmark"] == benchmark and row["variant"].startswith(prefix):
            return row
    return None


def print_table(lines):
    widths = [max(len(line[column]) for line in lines) for column in range(len(lines[0]))]
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())


def thread_text(count):
    return "1 thread" if count == 1 else f"{count} threads"


def build_ratios(synapse, passive, numpy_result, torch_results):
    """(name, value, target text or '', verdict or '') for every comparison we can make."""
    ratios = []
    configured = synapse.get("threads", 1)
    thread_counts = [configured, 1] if configured > 1 else [1]
    torch_by_threads = {result["threads"]: result for result in torch_results}
    for case, label in (("add", "a + b"), ("sum", "a.sum()")):
        for threads in thread_counts:
            row = synapse_row(synapse, case, f"10M float32 {label}, {thread_text(threads)}")
            if not row:
                continue
            value = row["timing"]["median"] / numpy_result[case]["median"]
            ratios.append((f"{case}: Synapse ({thread_text(threads)}) / NumPy (1 thread)", value, "<= 1.5",
                           "ok" if value <= 1.5 else "MISSED"))
            if threads in torch_by_threads:
                ratios.append((f"{case}: Synapse / PyTorch, {thread_text(threads)}",
                               row["timing"]["median"] / torch_by_threads[threads][case]["median"], "", ""))
    for ratio in synapse.get("ratios", []):
        if ratio["name"].startswith(("matmul", "mlp")):
            ratios.append((ratio["name"], ratio["value"], ratio.get("target") or "",
                           "" if ratio.get("met") is None else ("ok" if ratio["met"] else "MISSED")))
    for m, k, n in MATMUL_SHAPES:
        for threads in thread_counts:
            tensor = synapse_row(synapse, "matmul" if m == 1024 else "mlp",
                                 f"{m}×{k}·{k}×{n} Tensor.matmul, {thread_text(threads)}")
            if tensor and threads in torch_by_threads:
                reference = torch_by_threads[threads]["matmul"][f"{m}x{k}x{n}"]["median"]
                ratios.append((f"matmul {m}×{k}·{k}×{n}, {thread_text(threads)}: Synapse time / torch.mm",
                               tensor["timing"]["median"] / reference, "", ""))
    for report, policy in ((synapse, "default"), (passive, "PASSIVE")):
        if not report:
            continue
        alone = synapse_row(report, "wait-policy", "10M add alone")
        after = synapse_row(report, "wait-policy", "10M add right after")
        if alone and after:
            ratios.append((f"wait policy {policy}: add right after 1024³ sgemm / add alone",
                           after["timing"]["median"] / alone["timing"]["median"], "", ""))
    if synapse and passive:
        default_after = synapse_row(synapse, "wait-policy", "10M add right after")
        passive_after = synapse_row(passive, "wait-policy", "10M add right after")
        if default_after and passive_after:
            ratios.append(("add right after sgemm: default / PASSIVE wait policy",
                           default_after["timing"]["median"] / passive_after["timing"]["median"], "", ""))
    return ratios


def load(path):
    if not path:
        return None
    with open(path) as file:
        return json.load(file)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synapse", help="JSON written by synapse-microbench --json")
    parser.add_argument("--synapse-passive", help="the same, run with OMP_WAIT_POLICY=PASSIVE")
    parser.add_argument("--repeats", type=int, default=11, help="timed repeats (at least 5)")
    parser.add_argument("--threads", help="PyTorch thread counts, comma-separated (default: Synapse's and 1)")
    parser.add_argument("--json", help="write the reference timings and ratios here")
    parser.add_argument("--torch-worker", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.repeats < 5:
        parser.error("--repeats must be at least 5")

    synapse = load(arguments.synapse) or {}
    passive = load(arguments.synapse_passive)
    if arguments.threads:
        thread_counts = [int(count) for count in arguments.threads.split(",")]
    else:
        configured = synapse.get("threads") or int(os.environ.get("SYNAPSE_NUM_THREADS", "0")) or os.cpu_count() or 1
        thread_counts = [configured, 1] if configured > 1 else [1]

    if arguments.torch_worker:
        json.dump(torch_timings(thread_counts, arguments.repeats), sys.stdout)
        return

    numpy_result = numpy_timings(arguments.repeats)
    torch_results = torch_in_venv(thread_counts, arguments.repeats)

    print(f"\nReference libraries (10M float32, median of {arguments.repeats} after warm-up)\n")
    lines = [["library", "threads", "a + b", "a.sum()"] + [f"mm {m}×{k}·{k}×{n}" for m, k, n in MATMUL_SHAPES]]
    lines.append([numpy_result["library"], "1", milliseconds(numpy_result["add"]["median"]),
                  milliseconds(numpy_result["sum"]["median"])] + [""] * len(MATMUL_SHAPES))
    for result in torch_results:
        lines.append([result["library"], str(result["threads"]), milliseconds(result["add"]["median"]),
                      milliseconds(result["sum"]["median"])] +
                     [milliseconds(timing["median"]) for timing in result["matmul"].values()])
    print_table(lines)

    ratios = build_ratios(synapse, passive, numpy_result, torch_results) if synapse else []
    if ratios:
        print("\nSynapse ratios\n")
        print_table([["ratio", "value", "target", ""]] +
                    [[name, f"{value:.3f}", target, verdict] for name, value, target, verdict in ratios])
        missed = [name for name, _, _, verdict in ratios if verdict == "MISSED"]
        print(f"\n{'all targets met' if not missed else 'targets missed: ' + '; '.join(missed)}"
              " (timings on a shared machine are noisy; rerun before drawing conclusions)")

    if arguments.json:
        with open(arguments.json, "w") as file:
            json.dump({"numpy": numpy_result, "torch": torch_results,
                       "ratios": [{"name": name, "value": value, "target": target or None, "verdict": verdict or None}
                                  for name, value, target, verdict in ratios]}, file, indent=2)


if __name__ == "__main__":
    main()
