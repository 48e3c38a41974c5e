"""Data-parallel training measured on this machine, and a cost model of larger runs.

    python Benchmarks/distributed.py --binary .build/release/synapse-bench [--rounds 3] [--quick]

1. The all-reduce alone (synapse-bench allreduce): latency and bandwidth for 4 KB to
   64 MB buffers between 2 ranks over shared memory (mpirun -np 2), over TCP on the
   loopback interface, and over TCP between two network namespaces
   (scripts/two-hosts.sh; needs root).
2. W1 (the MLP epoch) and W2 (the Keras MNIST CNN epoch): 2 ranks x 1 thread, each
   with half the batch, against 1 process x 2 threads with the whole batch (the same
   steps and samples), alternated round by round; medians, their ratio, and the share
   of the 2-rank epoch the training thread spent waiting for all-reduces.
3. A cost model of one data-parallel step, calibrated with the latency and bandwidth
   measured in 1. (shared memory for the check, TCP loopback for a network's
   per-message latency), checked against the waits measured in 2., and used to predict
   scaling efficiency for N = 2 ... 1024 ranks at 10, 25 and 100 Gbit/s for W1, W2 and
   a 25-million-parameter CNN (Docs/images/distributed-scaling.png, drawn by
   synapse-bench plot-scaling).

Writes Benchmarks/results/distributed.json and prints Markdown tables for
Docs/distributed.md. Python only drives the runs and does the arithmetic.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe"]


def results(command, env=None):
    """Runs a command; returns the JSON objects it printed, one per line."""
    environment = dict(os.environ, SYNAPSE_DATA_DIR=os.path.join(ROOT, "Data"))
    environment.update(env or {})
    try:
        done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        sys.exit(f"distributed.py: {' '.join(command)} took more than 15 minutes")
    if done.returncode != 0:
        sys.exit(f"distributed.py: {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def allreduce(binary, transport, repeats):
    if transport == "shared memory":
        command = MPIRUN + ["-np", "2", "-x", "SYNAPSE_NUM_THREADS=1", binary, "allreduce", "--repeats", str(repeats)]
    elif transport == "tcp loopback":
        command = MPIRUN + ["-np", "2", "--mca", "btl", "tcp,self", "--mca", "btl_tcp_if_include", "lo",
                            "-x", "SYNAPSE_NUM_THREADS=1", binary, "allreduce", "--repeats", str(repeats)]
    else:
        command = [os.path.join(ROOT, "scripts", "two-hosts.sh"), binary, "allreduce", "--repeats", str(repeats)]
    return [{"bytes": r["bytes"], "seconds": r["median"], "bus_gbytes_per_second": r["bus_gbytes_per_second"]}
            for r in results(command) if r.get("workload") == "allreduce"]


def epochs(binary, workload, batch, rounds, samples):
    """Alternates one process x 2 threads and 2 ranks x 1 thread (half the batch each)."""
    extra = ["--samples", str(samples)] if samples else []
    one, two, waits, reductions, parameters, steps = [], [], [], [], 0, 0
    for _ in range(rounds):
        single = results([binary, workload, "--repeats", "1", "--batch-size", str(batch)] + extra,
                         env={"SYNAPSE_NUM_THREADS": "2"})[0]
        parallel = results(MPIRUN + ["-np", "2", "-x", "SYNAPSE_NUM_THREADS=1", binary, workload, "--repeats", "1",
                                     "--batch-size", str(batch // 2)] + extra)[0]
        one.append(single["median"])
        two.append(parallel["median"])
        waits.append(parallel["communication_wait_seconds"])
        reductions.append(parallel["allreduces"])
        parameters = single["parameters"]
        steps = math.ceil(single["epoch_samples"] / batch)
        print(f"  {workload}: one process {single['median']:.2f} s, 2 ranks {parallel['median']:.2f} s "
              f"(waited {parallel['communication_wait_seconds']:.3f} s)", flush=True)
    return {"one_process_seconds": statistics.median(one), "two_ranks_seconds": statistics.median(two),
            "ratio": statistics.median(two) / statistics.median(one),
            "wait_seconds": statistics.median(waits), "wait_share": statistics.median(waits) / statistics.median(two),
            "allreduces_per_epoch": statistics.median(reductions), "parameters": parameters, "steps": steps,
            "samples": {"one_process": one, "two_ranks": two, "waits": waits}}


def fit_latency_bandwidth(rows):
    """alpha (s) and beta (bytes/s) of T(n) = 2 alpha + n / beta for 2 ranks, from the
    smallest buffer (latency) and the largest ones that still fit in cache (bandwidth)."""
    alpha = rows[0]["seconds"] / 2
    best = max(rows, key=lambda r: r["bytes"] / r["seconds"])
    beta = best["bytes"] / max(best["seconds"] - 2 * alpha, 1e-9)
    return alpha, beta


def step_time(parameters, compute_seconds, ranks, alpha, beta, last_bucket_share):
    """One data-parallel step on `ranks` ranks: compute (constant per rank: each keeps
    its batch) plus the all-reduce time the backward pass does not hide.

    All-reduce (Rabenseifner: reduce-scatter + all-gather, what MPI libraries use for
    large buffers): 2 log2(N) alpha + 2 (N - 1) / N * bytes / beta. Overlap: every bucket
    but the last starts during the backward pass (two thirds of the compute); the last
    bucket's share is always exposed."""
    size = 4 * parameters
    allreduce = 2 * math.log2(ranks) * alpha + 2 * (ranks - 1) / ranks * size / beta
    backward = compute_seconds * 2 / 3
    exposed = max(allreduce * last_bucket_share, allreduce - backward)
    return compute_seconds + exposed, allreduce, exposed


def model(measured, loopback):
    """Efficiency curves for W1, W2 and a 25M-parameter CNN at 10, 25, 100 Gbit/s,
    with the per-message latency of TCP measured on the loopback interface."""
    tcp_alpha, _ = fit_latency_bandwidth(loopback)
    w1, w2 = measured["W1"], measured["W2"]
    steps = {"W1": w1["steps"], "W2": w2["steps"]}
    workloads = {
        # name: (parameters, compute seconds per step at the per-rank batch, last bucket's share)
        "W1 MLP (0.5 M)": (w1["parameters"], (w1["two_ranks_seconds"] - w1["wait_seconds"]) / steps["W1"],
                           401_408 / w1["parameters"]),
        "W2 CNN (93 k)": (w2["parameters"], (w2["two_ranks_seconds"] - w2["wait_seconds"]) / steps["W2"], 1.0),
        # A ResNet-50-sized CNN (25 M parameters), 0.2 s of compute per step per rank (a
        # GPU-sized step), 25 MB buckets: the last bucket holds 1/4 of the gradient.
        "CNN 25 M": (25_000_000, 0.2, 0.25),
    }
    ranks = [2 ** k for k in range(1, 11)]
    curves, table = [], []
    for gbits in (10, 25, 100):
        beta = gbits * 1e9 / 8
        for name, (parameters, compute, last) in workloads.items():
            efficiency = []
            for n in ranks:
                total, allreduce, exposed = step_time(parameters, compute, n, tcp_alpha, beta, last)
                efficiency.append(compute / total)
            curves.append({"name": f"{name}, {gbits} Gbit/s", "x": [math.log2(n) for n in ranks], "y": efficiency,
                           "dashed": gbits == 10})
            table.append({"workload": name, "gbits": gbits, "efficiency": dict(zip(ranks, efficiency))})
    return curves, table, tcp_alpha


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, help="synapse-bench")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="6,000 samples per epoch instead of 60,000")
    parser.add_argument("--from-results", action="store_true",
                        help="recompute the model, plot and tables from Benchmarks/results/distributed.json")
    args = parser.parse_args()
    samples = 6000 if args.quick else None
    saved = os.path.join(ROOT, "Benchmarks", "results", "distributed.json")

    if args.from_results:
        with open(saved) as file:
            previous = json.load(file)
        shared, loopback = previous["allreduce"]["shared memory"], previous["allreduce"]["tcp loopback"]
        tcp, measured = previous["allreduce"]["tcp between namespaces"], previous["epochs"]
        args.rounds, args.quick = previous["rounds"], previous["quick"]
    else:
        print("== all-reduce between 2 ranks", flush=True)
        shared = allreduce(args.binary, "shared memory", 5)
        loopback = allreduce(args.binary, "tcp loopback", 5)
        tcp = allreduce(args.binary, "tcp", 5) if os.geteuid() == 0 else []
        print("== W1 and W2 epochs", flush=True)
        measured = {"W1": epochs(args.binary, "mlp", 128, args.rounds, samples),
                    "W2": epochs(args.binary, "cnn", 64, args.rounds, samples)}

    # The model's prediction of the 2-rank wait on shared memory, against the measurement.
    alpha, beta = fit_latency_bandwidth(shared)
    for name, last in (("W1", 401_408 / measured["W1"]["parameters"]), ("W2", 1.0)):
        m = measured[name]
        steps = m["steps"]
        compute = (m["two_ranks_seconds"] - m["wait_seconds"]) / steps
        _, allreduce_seconds, exposed = step_time(m["parameters"], compute, 2, alpha, beta, last)
        m["model_wait_seconds"] = exposed * steps
        m["model_allreduce_seconds_per_step"] = allreduce_seconds

    curves, table, tcp_alpha = model(measured, loopback)
    output = {"allreduce": {"shared memory": shared, "tcp loopback": loopback, "tcp between namespaces": tcp},
              "epochs": measured, "model": {"alpha_tcp_seconds": tcp_alpha, "efficiency": table},
              "rounds": args.rounds, "quick": args.quick}
    os.makedirs(os.path.join(ROOT, "Benchmarks", "results"), exist_ok=True)
    with open(saved, "w") as file:
        json.dump(output, file, indent=1)
    curves_path = os.path.join(ROOT, "Benchmarks", "results", "distributed-curves.json")
    with open(curves_path, "w") as file:
        json.dump({"title": "Data-parallel scaling efficiency (model)", "x_label": "log2 of the number of ranks",
                   "y_label": "efficiency", "series": curves}, file)
    subprocess.run([args.binary, "plot-scaling", curves_path, os.path.join(ROOT, "Docs", "images", "distributed-scaling")],
                   check=True)

    print("\n| buffer | shared memory | TCP, loopback | TCP between namespaces |\n|---|---|---|---|")
    by_size = [{r["bytes"]: r for r in rows} for rows in (shared, loopback, tcp)]
    for size in sorted(by_size[0]):
        cells = [f"{t[size]['seconds'] * 1e6:.0f} µs, {t[size]['bus_gbytes_per_second']:.2f} GB/s" if size in t else "—" for t in by_size]
        print(f"| {size // 1024} KB | " + " | ".join(cells) + " |")
    print(f"\nmodel: TCP per-message latency alpha = {tcp_alpha * 1e6:.1f} µs (loopback)")
    print("\n| epoch | 1 process × 2 threads | 2 ranks × 1 thread | ratio | waiting (measured) | waiting (model) |\n|---|---|---|---|---|---|")
    for name, m in measured.items():
        print(f"| {name} | {m['one_process_seconds']:.2f} s | {m['two_ranks_seconds']:.2f} s | {m['ratio']:.2f} | "
              f"{m['wait_seconds']:.3f} s ({100 * m['wait_share']:.1f} %) | {m['model_wait_seconds']:.3f} s |")
    print("\n| workload | link | N=2 | 8 | 64 | 256 | 1024 |\n|---|---|---|---|---|---|---|")
    for row in table:
        e = row["efficiency"]
        print(f"| {row['workload']} | {row['gbits']} Gbit/s | " + " | ".join(f"{e[n]:.2f}" for n in (2, 8, 64, 256, 1024)) + " |")


if __name__ == "__main__":
    main()
