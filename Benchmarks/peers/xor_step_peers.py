"""W4 peers: the 2-4-1 sigmoid XOR network, MSE, SGD(0.5), full batch of 4.

Times PyTorch's eager loop (forward, backward, optimizer step) and the textbook
hand-written NumPy loop, per step, median of repeats after a warm-up, and prints
one JSON object per framework.
"""
import json
import sys
import time

import numpy as np

STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
REPEATS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
THREADS = int(sys.argv[3]) if len(sys.argv) > 3 else 2

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
Y = np.array([[0], [1], [1], [0]], dtype=np.float32)


def report(framework, samples, **extra):
    samples = sorted(samples)
    print(json.dumps({"workload": "xor-step", "framework": framework, "unit": "seconds/step",
                      "median": samples[len(samples) // 2], "min": samples[0], "max": samples[-1],
                      "steps": STEPS, "repeats": REPEATS, "threads": THREADS, **extra}))


def numpy_loop():
    rng = np.random.default_rng(1)
    w1 = rng.uniform(-1, 1, (2, 4)).astype(np.float32)
    b1 = np.zeros(4, np.float32)
    w2 = rng.uniform(-1, 1, (4, 1)).astype(np.float32)
    b2 = np.zeros(1, np.float32)

    def step():
        nonlocal w1, b1, w2, b2
        h = 1 / (1 + np.exp(-(X @ w1 + b1)))
        o = 1 / (1 + np.exp(-(h @ w2 + b2)))
        d_o = 2 * (o - Y) / Y.size * o * (1 - o)
        d_h = d_o @ w2.T * h * (1 - h)
        w2 -= 0.5 * h.T @ d_o
        b2 -= 0.5 * d_o.sum(0)
        w1 -= 0.5 * X.T @ d_h
        b1 -= 0.5 * d_h.sum(0)

    for _ in range(STEPS // 10):
        step()
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(STEPS):
            step()
        samples.append((time.perf_counter() - start) / STEPS)
    report("numpy", samples)


def torch_loop():
    try:
        import torch
    except ImportError:
        print(json.dumps({"workload": "xor-step", "framework": "torch", "skipped": "torch not installed"}))
        return
    torch.set_num_threads(THREADS)
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 1), torch.nn.Sigmoid())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    loss_fn = torch.nn.MSELoss()
    x, y = torch.from_numpy(X), torch.from_numpy(Y)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()

    for _ in range(STEPS // 10):
        step()
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(STEPS):
            step()
        samples.append((time.perf_counter() - start) / STEPS)
    report("torch", samples, version=torch.__version__)


numpy_loop()
torch_loop()
