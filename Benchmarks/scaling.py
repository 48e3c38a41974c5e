"""How Synapse's cost grows with the work: W1 and W2 per epoch at 1 and 2 threads and
batch sizes 32-1024, W3 at sequence lengths 50-800, W5's throughput at batch 1-4096,
each beside its share of the sgemm ceiling measured at the same thread count.

    python3 Benchmarks/scaling.py --binary .build/release/synapse-bench [--output results/scaling.json]
                                  [--only W3,W5]

Synapse only (the peers' tables are `make bench`'s); every point is the median of 3
timed epochs or of 5+ per-call samples after a warm-up, in its own process, with
SYNAPSE_NUM_THREADS set and pinned with taskset. Epochs are shortened (W1 12,800
samples, W2 6,400, W3 1,280): the time per sample is what scales. Prints a Markdown
table (pasted into Benchmarks/README.md) and writes the JSON. `--only` measures some
workloads again and keeps the others' points from the existing JSON (each point
carries its own ceiling share, measured in its own run).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

# Training FLOPs per sample (forward + backward: 3× the forward's multiply-adds × 2).
W1_FLOPS = 3 * 2 * (784 * 512 + 512 * 256 + 256 * 10)
W2_FLOPS = 3 * 2 * (26 * 26 * 9 * 1 * 32 + 11 * 11 * 9 * 32 * 64 + 3 * 3 * 9 * 64 * 64 + 576 * 64 + 64 * 10)
W5_FLOPS = 2 * (784 * 512 + 512 * 256 + 256 * 10)


def w3_flops(length):
    """Two LSTM(64) layers over `length` steps (4 gates × 64 × (64 inputs + 64 state)),
    forward + backward, per sample."""
    return 3 * 2 * length * 2 * (4 * 64 * (64 + 64))


def duration(seconds):
    """`seconds` in µs, ms or s, three or four significant digits."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.3f} s"


def run(binary, workload, threads, *options):
    env = dict(os.environ, SYNAPSE_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    pin = ["taskset", "-c", f"0-{threads - 1}"] if shutil.which("taskset") else []
    command = pin + [binary, workload, "--repeats", "3", "--warmup", "1", *map(str, options)]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--output", default=os.path.join(os.path.dirname(__file__), "results", "scaling.json"))
    parser.add_argument("--only", default="W1,W2,W3,W5", help="comma-separated subset of W1,W2,W3,W5")
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    cores = len(os.sched_getaffinity(0))
    thread_counts = sorted({1, min(2, cores)})
    ceiling = {t: run(args.binary, "gemm", t)[0]["gflops_per_second"] for t in thread_counts}
    points = []

    def row(point):
        return [point["workload"], str(point["threads"]), point["setting"], duration(point["seconds"]), point["per"],
                f"{point['gflops_per_second']:.0f}", f"{point['ceiling_share']:.0%}"]

    def add(workload, threads, setting, seconds, per, flops):
        share = flops / seconds / 1e9 / ceiling[threads]
        points.append({"workload": workload, "threads": threads, "setting": setting, "seconds": seconds,
                       "per": per, "gflops_per_second": flops / seconds / 1e9, "ceiling_share": share})
        print(" | ".join(row(points[-1])), file=sys.stderr, flush=True)

    for threads in thread_counts if "W1" in wanted else []:
        for batch in (32, 128, 512, 1024):
            result = run(args.binary, "mlp", threads, "--samples", 12_800, "--batch-size", batch)[0]
            add("W1 MLP", threads, f"batch {batch}", result["median"], "epoch of 12,800", W1_FLOPS * 12_800)
    for threads in thread_counts if "W2" in wanted else []:
        for batch in (32, 64, 256, 1024):
            result = run(args.binary, "cnn", threads, "--samples", 6_400, "--batch-size", batch)[0]
            add("W2 CNN", threads, f"batch {batch}", result["median"], "epoch of 6,400", W2_FLOPS * 6_400)
    threads = thread_counts[-1]
    for length in (50, 100, 200, 400, 800) if "W3" in wanted else ():
        result = run(args.binary, "lstm", threads, "--samples", 1_280, "--sequence-length", length)[0]
        add("W3 LSTM", threads, f"length {length}", result["median"], "epoch of 1,280", w3_flops(length) * 1_280)
    for batch in (1, 16, 256, 1024, 4096) if "W5" in wanted else ():
        results = {r["workload"]: r for r in run(args.binary, "predict", threads, "--batch-size", batch)}
        add("W5 predict", threads, f"batch {batch}", results["predict-batch"]["median"], f"batch of {batch}",
            W5_FLOPS * batch)

    if wanted != {"W1", "W2", "W3", "W5"} and os.path.exists(args.output):
        with open(args.output) as file:
            kept = [p for p in json.load(file)["points"] if p["workload"].split()[0] not in wanted]
        points = sorted(kept + points, key=lambda p: p["workload"].split()[0])
    header = ["workload", "threads", "setting", "median", "per", "GFLOP/s", "of the sgemm ceiling"]
    print("| " + " | ".join(header) + " |")
    print("| " + " | ".join("---" for _ in header) + " |")
    for point in points:
        print("| " + " | ".join(row(point)) + " |")
    print("\nsgemm 2048³ ceiling: " + ", ".join(f"{ceiling[t]:.0f} GFLOP/s at {t} thread{'s' if t > 1 else ''}"
                                                for t in thread_counts))
    with open(args.output, "w") as file:
        json.dump({"ceiling_gflops_per_second": ceiling, "points": points}, file, indent=1)


if __name__ == "__main__":
    main()
