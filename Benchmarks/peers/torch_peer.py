"""PyTorch eager peer of the benchmark suite (see common.py for the command line).

Idiomatic PyTorch: nn.Sequential models ending in logits with nn.CrossEntropyLoss
(which folds the softmax in), a shuffled index permutation per epoch sliced into
batches (what DataLoader(shuffle=True) does, without its per-sample collation),
torch.optim.Adam, model.eval() + torch.inference_mode() for prediction.
"""
import torch
from torch import nn

from common import (MLP_FLOPS_PER_SAMPLE, XOR_X, XOR_Y, classification, parse_args, per_call, per_call_samples, report,
                    sequences, timed)

args = parse_args(["mlp", "cnn", "lstm", "xor", "predict", "gemm"])
torch.set_num_threads(args.threads)
torch.set_num_interop_threads(1)
torch.manual_seed(1)
NAME = "torch"
EXTRA = {"version": torch.__version__, "threads": torch.get_num_threads()}


def mlp():
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))


def train_epoch(model, optimizer, x, y, batch_size):
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    order = torch.randperm(x.shape[0])
    for start in range(0, x.shape[0], batch_size):
        index = order[start:start + batch_size]
        optimizer.zero_grad()
        loss = loss_fn(model(x[index]), y[index])
        loss.backward()
        optimizer.step()


def epoch_workload(name, model, x, y, batch_size, **extra):
    x, y = torch.from_numpy(x), torch.from_numpy(y).long()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    samples = timed(args, lambda: train_epoch(model, optimizer, x, y, batch_size))
    report(name, NAME, "seconds/epoch", samples, epoch_samples=x.shape[0], **extra, **EXTRA)


def run_mlp():
    x, y = classification(args.samples or 60_000, (784,), 10, seed=1)
    epoch_workload("mlp", mlp(), x, y, 128, gflops=MLP_FLOPS_PER_SAMPLE * x.shape[0] / 1e9)


def run_cnn():
    x, y = classification(args.samples or 60_000, (1, 28, 28), 10, seed=3)
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 64, 3), nn.ReLU(),
        nn.Flatten(), nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10))
    epoch_workload("cnn", model, x, y, 64)


class ReutersLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(10_000, 64)
        self.lstm = nn.LSTM(64, 64, num_layers=2, batch_first=True)
        self.dense = nn.Linear(64, 46)

    def forward(self, tokens):
        outputs, _ = self.lstm(self.embedding(tokens))
        return self.dense(outputs[:, -1])


def run_lstm():
    x, y = sequences(args.samples or 8_982, 200, 10_000, 46, seed=4)
    epoch_workload("lstm", ReutersLSTM(), x, y, 32)


def run_xor():
    model = nn.Sequential(nn.Linear(2, 4), nn.Sigmoid(), nn.Linear(4, 1), nn.Sigmoid())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    loss_fn = nn.MSELoss()
    x, y = torch.from_numpy(XOR_X), torch.from_numpy(XOR_Y)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()

    samples = per_call_samples(max(args.repeats, 5), args.steps, step)
    report("xor", NAME, "seconds/step", samples, steps=args.steps, final_loss=loss_fn(model(x), y).item(), **EXTRA)


def run_predict():
    model = mlp().eval()
    x, _ = classification(1024, (784,), 10, seed=2)
    batch = torch.from_numpy(x)
    one = batch[:1]

    def infer(inputs):
        with torch.inference_mode():
            return model(inputs)

    samples, calls = per_call(args, lambda: infer(one))
    report("predict-latency", NAME, "seconds/call", samples, calls_per_sample=calls, **EXTRA)
    samples, calls = per_call(args, lambda: infer(batch))
    report("predict-batch", NAME, "seconds/batch of 1024", samples, calls_per_sample=calls, **EXTRA)


def run_gemm():
    size = 2048
    generator = torch.Generator().manual_seed(7)
    a, b = torch.rand(size, size, generator=generator), torch.rand(size, size, generator=generator)
    args.warmup, args.repeats = 2, max(args.repeats, 5)
    samples = timed(args, lambda: torch.mm(a, b))
    ordered = sorted(samples)
    report("gemm", NAME, "seconds/call", samples, gflops_per_second=2 * size ** 3 / ordered[len(ordered) // 2] / 1e9,
           size=size, **EXTRA)


{"mlp": run_mlp, "cnn": run_cnn, "lstm": run_lstm, "xor": run_xor, "predict": run_predict, "gemm": run_gemm}[args.workload]()
