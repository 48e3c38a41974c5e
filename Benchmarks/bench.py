"""The benchmark suite's driver: runs Synapse, PyTorch eager, Keras 3 on JAX (and
NumPy where it is a reference) on every workload, one process per framework and
workload, all pinned to the same cores and thread count, then prints the table,
checks the targets and writes Benchmarks/results/latest.json.

Run it through scripts/bench.sh (`make bench`), which builds synapse-bench and
prepares the venv:

    python Benchmarks/bench.py --binary PATH [--threads N] [--only W1,W4] [--quick] [--rounds R]
                               [--repeats R] [--workers N] [--folder-cache DIR] [--update-baseline]
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import statistics
import sys
import tempfile

from report import print_table, evaluate_targets

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, "peers")
RESULTS = os.path.join(HERE, "results")

# Workload id -> (title, runner workload name, result names, frameworks that run it).
WORKLOADS = {
    "W1": ("MLP epoch 784-512-256-10, Adam, batch 128, 60k", "mlp", ["mlp"], ["synapse", "torch", "torch-compile", "keras-jax"]),
    "W2": ("CNN epoch (Keras MNIST CNN), Adam, batch 64, 60k", "cnn", ["cnn"], ["synapse", "torch", "torch-compile", "keras-jax"]),
    "W3": ("LSTM epoch Emb(10000,64)-LSTM64-LSTM64-Dense46, seq 200, batch 32, 8982", "lstm", ["lstm"],
           ["synapse", "torch", "torch-compile", "keras-jax"]),
    "W4": ("XOR step 2-4-1 sigmoid, MSE, SGD, batch 4", "xor", ["xor"], ["synapse", "torch", "torch-compile", "keras-jax", "numpy"]),
    "W5": ("predict, W1 model in inference mode", "predict", ["predict-latency", "predict-batch"],
           ["synapse", "torch", "torch-compile", "keras-jax"]),
    "GEMM": ("sgemm 2048^3 (the ceiling)", "gemm", ["gemm"], ["synapse", "numpy", "torch"]),
    "W6": ("CNN epoch (W2's model) from a folder of the 60k MNIST PNGs (ImageFolder + DataLoader, shuffled, "
           "--workers loader workers; the folder scan is timed apart) against the in-memory epoch",
           "cnn-folder", ["cnn-folder", "cnn-memory", "folder-scan"], ["synapse", "torch"]),
    "W7": ("ResNet epoch (the resnet example: pre-activation, widths 32/64/128, BN, GAP), SGD Nesterov, batch 128, 60k",
           "resnet", ["resnet"], ["synapse", "torch", "torch-compile", "keras-jax"]),
    "W8": ("Transformer epoch (the text-transformer example: 2 encoder blocks, 4 heads, padding mask), "
           "Adam, batch 32, seq 200, 25k", "transformer", ["transformer"], ["synapse", "torch", "torch-compile", "keras-jax"]),
}

# Training samples per epoch and XOR steps with --quick (development runs).
QUICK_SAMPLES = {"mlp": 6_000, "cnn": 3_000, "lstm": 640, "cnn-folder": 3_000, "resnet": 1_280, "transformer": 640}
QUICK_STEPS = 500


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, help="the release synapse-bench executable")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="threads (and cores) for every framework")
    parser.add_argument("--only", default="", help="comma-separated workload ids, e.g. W1,W4 (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer samples per epoch: a smoke run, not a measurement")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats after one warm-up (at least 3)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every framework's process this many times, interleaved (A B C A B C ...), and "
                             "pool their repeats: on a shared machine whose speed drifts over minutes, each "
                             "framework then sees the same slow and fast spells")
    parser.add_argument("--workers", type=int, default=1,
                        help="W6: data-loader workers for every framework (default 1: one background decoder; "
                             "the training threads keep the cores)")
    parser.add_argument("--folder-cache", default=os.path.join(tempfile.gettempdir(), "synapse-bench"),
                        help="W6: where the MNIST PNG folder is written once and reused")
    parser.add_argument("--frameworks", default="",
                        help="comma-separated frameworks to run, e.g. synapse,torch-compile (default: every one "
                             "a workload lists)")
    parser.add_argument("--update-baseline", action="store_true", help="also write results/baseline.json")
    parser.add_argument("--output", default=os.path.join(RESULTS, "latest.json"))
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    args.folder_cache = os.path.abspath(args.folder_cache)
    args.only = [w.strip().upper() for w in args.only.split(",") if w.strip()] or list(WORKLOADS)
    args.frameworks = [f.strip() for f in args.frameworks.split(",") if f.strip()]
    for workload in args.only:
        if workload not in WORKLOADS:
            parser.error(f"unknown workload {workload} (known: {', '.join(WORKLOADS)})")
    if args.repeats < 3:
        parser.error("--repeats must be at least 3")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.workers < 0:
        parser.error("--workers must not be negative")
    cores = len(os.sched_getaffinity(0))
    if not 1 <= args.threads <= cores:
        parser.error(f"--threads must be between 1 and the {cores} cores this process may use")
    return args


def environment(threads):
    """The same thread count for every framework, each through its own setting."""
    env = dict(os.environ)
    env.update({
        "SYNAPSE_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads),
        "OPENBLAS_NUM_THREADS": str(threads), "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "2",
        "JAX_PLATFORMS": "cpu", "PYTHONHASHSEED": "0",
        "XLA_FLAGS": " ".join(filter(None, [os.environ.get("XLA_FLAGS", ""),
                                            f"--xla_cpu_multi_thread_eigen={'true' if threads > 1 else 'false'}",
                                            f"intra_op_parallelism_threads={threads}"])),
    })
    return env


def command(framework, workload, args):
    """The command line of one framework's runner for one workload."""
    if framework == "synapse":
        base = [args.binary, workload]
    else:
        script = {"torch": "torch_peer.py", "torch-compile": "torch_peer.py", "keras-jax": "keras_peer.py",
                  "numpy": "numpy_peer.py"}[framework]
        base = [sys.executable, os.path.join(PEERS, script), workload, "--threads", str(args.threads)]
        if framework == "torch-compile":
            base.append("--compile")
    base += ["--repeats", str(args.repeats), "--warmup", "1"]
    if args.quick and workload in QUICK_SAMPLES:
        base += ["--samples", str(QUICK_SAMPLES[workload])]
    if workload == "xor":
        base += ["--steps", str(QUICK_STEPS if args.quick else 2000)]
    if workload == "cnn-folder":
        base += ["--folder", mnist_folder(args), "--workers", str(args.workers)]
    pin = ["taskset", "-c", f"0-{args.threads - 1}"] if shutil.which("taskset") else []
    if pin and sorted(os.sched_getaffinity(0))[: args.threads] != list(range(args.threads)):
        pin = ["taskset", "-c", ",".join(str(c) for c in sorted(os.sched_getaffinity(0))[: args.threads])]
    return pin + base


def mnist_folder(args):
    """W6's folder of MNIST training PNGs (all 60,000, or --quick's 3,000) in the cache."""
    samples = QUICK_SAMPLES["cnn-folder"] if args.quick else 60_000
    return os.path.join(args.folder_cache, f"mnist-train-png-{samples}")


def write_mnist_folder(args, env):
    """Has synapse-bench write W6's folder unless the cache already holds it (the runner
    writes it beside and renames it when complete, so an existing folder is whole)."""
    folder = mnist_folder(args)
    if os.path.isdir(folder):
        print(f"  reusing {folder}", file=sys.stderr, flush=True)
        return
    os.makedirs(args.folder_cache, exist_ok=True)
    print(f"  writing {folder} ...", file=sys.stderr, flush=True)
    cmd = [args.binary, "write-mnist-folder", "--folder", folder]
    if args.quick:
        cmd += ["--samples", str(QUICK_SAMPLES["cnn-folder"])]
    subprocess.run(cmd, env=env, cwd=PEERS, check=True, stdout=subprocess.DEVNULL)


def run(framework, workload, args, env):
    """Runs one process; returns its result lines and its peak resident memory (MB)."""
    cmd = command(framework, workload, args)
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr, env=env, cwd=PEERS)
        output = process.stdout.read().decode()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        errors = stderr.read().decode(errors="replace")
    peak_mb = usage.ru_maxrss / 1024  # Linux: kilobytes
    results = []
    for line in output.splitlines():
        if line.startswith("{"):
            try:
                results.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    if process.returncode != 0 or not results:
        tail = " | ".join(errors.strip().splitlines()[-3:]) or f"exit status {process.returncode}"
        results = [{"workload": name, "framework": framework, "unavailable": f"failed: {tail}"}
                   for name in WORKLOADS_BY_RUNNER[workload]]
    for result in results:
        result["peak_rss_mb"] = peak_mb
    return results


WORKLOADS_BY_RUNNER = {runner: names for _, runner, names, _ in WORKLOADS.values()}


def load_average():
    try:
        return list(os.getloadavg())
    except OSError:
        return None


def cpu_model():
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def pooled(previous, result):
    """One framework's result over several rounds: the timed samples of all rounds,
    their median, min and max, the largest peak memory, and rates rescaled to the
    pooled median. A failed round leaves the others' result standing."""
    if previous is None or "samples" not in previous:
        return result
    if "samples" not in result:
        return previous
    samples = previous["samples"] + result["samples"]
    merged = dict(result)
    merged["samples"] = samples
    merged["median"] = statistics.median(samples)
    merged["min"], merged["max"] = min(samples), max(samples)
    merged["peak_rss_mb"] = max(previous.get("peak_rss_mb", 0), result.get("peak_rss_mb", 0))
    if "gflops_per_second" in result and result.get("median"):
        merged["gflops_per_second"] = result["gflops_per_second"] * result["median"] / merged["median"]
    return merged


def main():
    args = parse_args()
    env = environment(args.threads)
    document = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpu": cpu_model(), "cores": len(os.sched_getaffinity(0)), "python": platform.python_version(),
                    "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "unset")},
        "settings": {"threads": args.threads, "repeats": args.repeats, "rounds": args.rounds, "warmup": 1,
                     "quick": args.quick, "workers": args.workers,
                     "only": args.only},
        "load_average_before": load_average(),
        "workloads": {},
    }
    for workload_id in args.only:
        title, runner, names, frameworks = WORKLOADS[workload_id]
        print(f"running {workload_id} ({title}) ...", file=sys.stderr, flush=True)
        entry = {"title": title, "results": {}}
        if runner == "cnn-folder":
            write_mnist_folder(args, env)
            entry["workers"] = args.workers
        for round_index in range(args.rounds):
            for framework in [f for f in frameworks if not args.frameworks or f in args.frameworks]:
                suffix = f" (round {round_index + 1} of {args.rounds})" if args.rounds > 1 else ""
                print(f"  {framework}{suffix}", file=sys.stderr, flush=True)
                for result in run(framework, runner, args, env):
                    results = entry["results"].setdefault(result["workload"], {})
                    results[framework] = pooled(results.get(framework), result)
        document["workloads"][workload_id] = entry
    document["load_average_after"] = load_average()
    evaluate_targets(document)
    baseline_path = os.path.join(RESULTS, "baseline.json")
    baseline = None
    if os.path.exists(baseline_path):
        with open(baseline_path) as file:
            baseline = json.load(file)
    print_table(document, baseline)
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w") as file:
        json.dump(document, file, indent=1)
    print(f"\nwrote {os.path.relpath(args.output)}")
    if args.update_baseline:
        with open(baseline_path, "w") as file:
            json.dump(document, file, indent=1)
        print(f"wrote {os.path.relpath(baseline_path)}")


if __name__ == "__main__":
    main()
