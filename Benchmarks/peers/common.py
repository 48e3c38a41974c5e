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


def per_call(args, body, repeats=None):
    """Seconds per call of a fast `body`, one sample per repeat of many calls."""
    body()
    calls = calls_per_sample(body)

    def sample():
        for _ in range(calls):
            body()

    class Settings:
        pass

    settings = Settings()
    settings.warmup, settings.repeats = 1, max(args.repeats, repeats or 5)
    return [t / calls for t in timed(settings, sample)], calls


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
