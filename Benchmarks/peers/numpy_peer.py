"""NumPy peer of the benchmark suite (see common.py for the command line).

xor: the textbook hand-written NumPy loop of the 2-4-1 sigmoid network (MSE, SGD
0.5, batch 4) — the floor W4 must beat. gemm: numpy.matmul on 2048³ float32, i.e.
the BLAS NumPy links (OpenBLAS in the wheels; the environment's OPENBLAS_CORETYPE,
when set, picks its kernels and is reported).
"""
import os

import numpy as np

from common import XOR_X, XOR_Y, parse_args, per_call_samples, report, timed

args = parse_args(["xor", "gemm"])
NAME = "numpy"


def blas_name():
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version', '')}".strip()
    except Exception:  # noqa: BLE001 - older NumPy: no dict mode
        return "unknown"


EXTRA = {"version": np.__version__, "blas": blas_name(),
         "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "unset")}


def run_xor():
    rng = np.random.default_rng(1)
    w1 = rng.uniform(-1, 1, (2, 4)).astype(np.float32)
    b1 = np.zeros(4, np.float32)
    w2 = rng.uniform(-1, 1, (4, 1)).astype(np.float32)
    b2 = np.zeros(1, np.float32)

    def step():
        nonlocal w1, b1, w2, b2
        h = 1 / (1 + np.exp(-(XOR_X @ w1 + b1)))
        o = 1 / (1 + np.exp(-(h @ w2 + b2)))
        d_o = 2 * (o - XOR_Y) / XOR_Y.size * o * (1 - o)
        d_h = d_o @ w2.T * h * (1 - h)
        w2 -= 0.5 * h.T @ d_o
        b2 -= 0.5 * d_o.sum(0)
        w1 -= 0.5 * XOR_X.T @ d_h
        b1 -= 0.5 * d_h.sum(0)

    samples = per_call_samples(max(args.repeats, 5), args.steps, step)
    report("xor", NAME, "seconds/step", samples, steps=args.steps, **EXTRA)


def run_gemm():
    size = 2048
    rng = np.random.default_rng(7)
    a, b = rng.random((size, size), dtype=np.float32), rng.random((size, size), dtype=np.float32)
    args.warmup, args.repeats = 2, max(args.repeats, 5)
    samples = timed(args, lambda: a @ b)
    ordered = sorted(samples)
    report("gemm", NAME, "seconds/call", samples, gflops_per_second=2 * size ** 3 / ordered[len(ordered) // 2] / 1e9,
           size=size, **EXTRA)


{"xor": run_xor, "gemm": run_gemm}[args.workload]()
