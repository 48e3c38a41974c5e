"""Shared pieces of the Python peers: command line, timing, synthetic data, output.

Every peer runs one workload per process and prints one JSON object per result
line, as `synapse-bench` does, for Benchmarks/bench.py to collect:

    python PEER.py WORKLOAD [--threads N] [--repeats R] [--warmup W] [--samples N] [--steps N]
"""
import argparse
import json
import time

import numpy as np


def parse_args(workloads):
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", choices=workloads)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--samples", type=int, default=None, help="training samples per epoch (default: the real size)")
    parser.add_argument("--steps", type=int, default=2000, help="XOR steps per timed sample")
    return parser.parse_args()


def timed(args, body):
    """`args.warmup` untimed calls of `body`, then `args.repeats` timed ones (seconds)."""
    for _ in range(args.warmup):
        body()
    samples = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        body()
        samples.append(time.perf_counter() - start)
    return samples


def calls_per_sample(body, target=0.2):
    """Calls per sample so that one sample of `body` lasts about `target` seconds."""
    calls = 1
    while calls < 1 << 22:
        start = time.perf_counter()
        for _ in range(calls):
            body()
        if time.perf_counter() - start >= target / 4:
            break
        calls *= 2
    return calls * 4


def median_of_calls(calls, body):
    """The median of `calls` individually timed calls of `body` (seconds).

    For per-call figures (latency, per-step overhead) this is the number to quote:
    on a shared machine the mean of a long loop also counts the time the process
    spent descheduled, which can be several times the call itself."""
    clock = time.perf_counter
    times = []
    for _ in range(calls):
        start = clock()
        body()
        times.append(clock() - start)
    times.sort()
    return times[calls // 2]


def per_call_samples(repeats, calls, body):
    """`repeats` samples, each the median of `calls` individually timed calls, after
    `calls // 10` untimed ones (the same protocol as synapse-bench)."""
    for _ in range(max(1, calls // 10)):
        body()
    return [median_of_calls(calls, body) for _ in range(repeats)]


def per_call(args, body, repeats=None):
    """Seconds per call of a fast `body`: per-call medians over at least 5 samples."""
    body()
    calls = calls_per_sample(body)
    return per_call_samples(max(args.repeats, repeats or 5), calls, body), calls


def report(workload, framework, unit, samples, **extra):
    ordered = sorted(samples)
    print(json.dumps({"workload": workload, "framework": framework, "unit": unit,
                      "median": ordered[len(ordered) // 2], "min": ordered[0], "max": ordered[-1],
                      "samples": samples, **extra}), flush=True)


def unavailable(workload, framework, reason):
    print(json.dumps({"workload": workload, "framework": framework, "unavailable": reason}), flush=True)


def classification(samples, input_shape, classes, seed):
    """Synthetic inputs uniform in [0, 1) and int32 class ids of the real shapes."""
    rng = np.random.default_rng(seed)
    x = rng.random((samples, *input_shape), dtype=np.float32)
    y = rng.integers(0, classes, samples, dtype=np.int32)
    return x, y


def sequences(samples, length, vocabulary, classes, seed):
    """Synthetic token-id sequences (int32) and int32 class ids."""
    rng = np.random.default_rng(seed)
    x = rng.integers(1, vocabulary, (samples, length), dtype=np.int32)
    y = rng.integers(0, classes, samples, dtype=np.int32)
    return x, y


XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=np.float32)

# W1's GEMM work per sample: forward multiply-adds ×2, plus twice that for backward.
MLP_FLOPS_PER_SAMPLE = 3.0 * 2.0 * (784 * 512 + 512 * 256 + 256 * 10)
