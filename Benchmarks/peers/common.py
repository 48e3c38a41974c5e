"""Shared pieces of the Python peers: command line, timing, synthetic data, output.

Every peer runs one workload per process and prints one JSON object per result
line, as `synapse-bench` does, for Benchmarks/bench.py to collect:

    python PEER.py WORKLOAD [--threads N] [--repeats R] [--warmup W] [--samples N] [--steps N]
                            [--folder DIR] [--workers N]
"""
import argparse
import gzip
import json
import os
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
    parser.add_argument("--folder", default=None, help="W6: the folder of class subfolders of PNG files")
    parser.add_argument("--workers", type=int, default=1, help="W6: data-loader workers")
    parser.add_argument("--compile", action="store_true",
                        help="PyTorch: run the model through torch.compile (inductor); reported as torch-compile")
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


def timed_interleaved(args, bodies):
    """`args.warmup` untimed calls of each body, then `args.repeats` rounds that time
    each body once, in turn (the same protocol as synapse-bench); each body's seconds."""
    for body in bodies:
        for _ in range(args.warmup):
            body()
    samples = [[] for _ in bodies]
    for _ in range(args.repeats):
        for index, body in enumerate(bodies):
            start = time.perf_counter()
            body()
            samples[index].append(time.perf_counter() - start)
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


def padded_sequences(samples, length, vocabulary, classes, seed):
    """Synthetic reviews: token ids (int32) of lengths drawn uniformly from
    length/4..length, padded with 0 at the end (the text-transformer's layout), and
    int32 class ids."""
    rng = np.random.default_rng(seed)
    x = rng.integers(1, vocabulary, (samples, length), dtype=np.int32)
    lengths = rng.integers(length // 4, length + 1, samples)
    x[np.arange(length)[None, :] >= lengths[:, None]] = 0
    y = rng.integers(0, classes, samples, dtype=np.int32)
    return x, y


def mnist_train(samples=None):
    """MNIST's training images (the first `samples`) as float32 [N, 28, 28] in [0, 1]
    and int64 labels [N], read from the repository's Data/mnist IDX files (or
    $SYNAPSE_DATA_DIR/mnist), as Synapse's `MNIST.load(split: .train)`."""
    data = os.environ.get("SYNAPSE_DATA_DIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Data")
    with gzip.open(os.path.join(data, "mnist", "train-images-idx3-ubyte.gz")) as file:
        images = np.frombuffer(file.read(), dtype=np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(os.path.join(data, "mnist", "train-labels-idx1-ubyte.gz")) as file:
        labels = np.frombuffer(file.read(), dtype=np.uint8, offset=8)
    count = len(images) if samples is None else min(samples, len(images))
    return images[:count].astype(np.float32) / 255, labels[:count].astype(np.int64)


XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=np.float32)

# W1's GEMM work per sample: forward multiply-adds ×2, plus twice that for backward.
MLP_FLOPS_PER_SAMPLE = 3.0 * 2.0 * (784 * 512 + 512 * 256 + 256 * 10)
