"""PyTorch eager peer of the benchmark suite (see common.py for the command line).

Idiomatic PyTorch: nn.Sequential models ending in logits with nn.CrossEntropyLoss
(which folds the softmax in), a shuffled index permutation per epoch sliced into
batches (what DataLoader(shuffle=True) does, without its per-sample collation),
torch.optim.Adam, model.eval() + torch.inference_mode() for prediction. W6 reads the
PNG folder with torchvision's ImageFolder (Grayscale(1) + ToTensor()) through
DataLoader(batch_size=64, shuffle=True, num_workers=--workers).

With --compile the same models go through torch.compile (the inductor backend, its
default mode), as a PyTorch user reaching for speed writes it: the optimizer step
stays eager. The first training step (or first prediction of each shape) compiles;
it runs before the warm-up, is timed apart and reported as `compile_seconds`, so
the timed epochs hold no compilation. Results are reported as `torch-compile`.
"""
import time

import torch
from torch import nn

from common import (MLP_FLOPS_PER_SAMPLE, XOR_X, XOR_Y, classification, mnist_train, padded_sequences, parse_args,
                    per_call, per_call_samples, report, sequences, timed, timed_interleaved, unavailable)

args = parse_args(["mlp", "cnn", "lstm", "xor", "predict", "gemm", "cnn-folder", "resnet", "transformer"])
torch.set_num_threads(args.threads)
torch.set_num_interop_threads(1)
torch.manual_seed(1)
NAME = "torch-compile" if args.compile else "torch"
EXTRA = {"version": torch.__version__, "threads": torch.get_num_threads()}


def compiled(model):
    """The model itself, or with --compile its torch.compile wrapper (inductor)."""
    return torch.compile(model) if args.compile else model


def timed_compilation(first_call):
    """With --compile, runs `first_call` once (it compiles) and records its seconds
    as EXTRA["compile_seconds"]; without, does nothing."""
    if not args.compile:
        return
    start = time.perf_counter()
    first_call()
    EXTRA["compile_seconds"] = EXTRA.get("compile_seconds", 0.0) + time.perf_counter() - start


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
    model = compiled(model)
    timed_compilation(lambda: train_epoch(model, optimizer, x[:batch_size], y[:batch_size], batch_size))
    samples = timed(args, lambda: train_epoch(model, optimizer, x, y, batch_size))
    report(name, NAME, "seconds/epoch", samples, epoch_samples=x.shape[0], **extra, **EXTRA)


def run_mlp():
    x, y = classification(args.samples or 60_000, (784,), 10, seed=1)
    epoch_workload("mlp", mlp(), x, y, 128, gflops=MLP_FLOPS_PER_SAMPLE * x.shape[0] / 1e9)


def cnn():
    """The Keras MNIST CNN (W2, W6), NCHW, ending in logits."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 64, 3), nn.ReLU(),
        nn.Flatten(), nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10))


def run_cnn():
    x, y = classification(args.samples or 60_000, (1, 28, 28), 10, seed=3)
    epoch_workload("cnn", cnn(), x, y, 64)


def train_loader_epoch(model, optimizer, loader):
    """One epoch over a DataLoader's batches (W6's folder side)."""
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()


def run_cnn_folder():
    """W6: the CNN epoch from the PNG folder (ImageFolder + DataLoader) and, alternating
    with it, from the same images in memory (W2's loop); the folder scan apart."""
    names = ["cnn-folder", "cnn-memory", "folder-scan"]
    try:
        import torchvision
        from torchvision import datasets, transforms
    except ImportError as error:
        for name in names:
            unavailable(name, NAME, f"torchvision is not installed ({error})")
        return
    start = time.perf_counter()
    folder = datasets.ImageFolder(args.folder, transform=transforms.Compose([transforms.Grayscale(1),
                                                                             transforms.ToTensor()]))
    scan = time.perf_counter() - start
    x, y = mnist_train(args.samples or 60_000)
    x, y = torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)
    if len(folder) != x.shape[0]:
        for name in names:
            unavailable(name, NAME, f"{args.folder} holds {len(folder)} images, not {x.shape[0]}")
        return
    loader = torch.utils.data.DataLoader(folder, batch_size=64, shuffle=True, num_workers=args.workers)
    torch.manual_seed(1)
    folder_model = cnn()
    torch.manual_seed(1)
    memory_model = cnn()
    folder_optimizer = torch.optim.Adam(folder_model.parameters(), lr=1e-3)
    memory_optimizer = torch.optim.Adam(memory_model.parameters(), lr=1e-3)
    folder_times, memory_times = timed_interleaved(args, [
        lambda: train_loader_epoch(folder_model, folder_optimizer, loader),
        lambda: train_epoch(memory_model, memory_optimizer, x, y, 64),
    ])
    extra = {"epoch_samples": x.shape[0], "workers": args.workers, "torchvision": torchvision.__version__, **EXTRA}
    report("cnn-folder", NAME, "seconds/epoch", folder_times, **extra)
    report("cnn-memory", NAME, "seconds/epoch", memory_times, **extra)
    report("folder-scan", NAME, "seconds/scan", [scan], images=len(folder), verify_files=False, **EXTRA)


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


class PreActivationBlock(nn.Module):
    """BN → ReLU → Conv 3×3 (stride) → BN → ReLU → Conv 3×3, plus the input or a 1×1
    convolution of the activated input (the resnet example's block)."""
    def __init__(self, channels, filters, stride):
        super().__init__()
        self.norm1, self.norm2 = nn.BatchNorm2d(channels), nn.BatchNorm2d(filters)
        self.conv1 = nn.Conv2d(channels, filters, 3, stride=stride, padding=1, bias=False)
        self.conv2 = nn.Conv2d(filters, filters, 3, padding=1, bias=False)
        self.project = None if stride == 1 and channels == filters else nn.Conv2d(channels, filters, 1, stride=stride, bias=False)

    def forward(self, x):
        activated = torch.relu(self.norm1(x))
        shortcut = x if self.project is None else self.project(activated)
        return self.conv2(torch.relu(self.norm2(self.conv1(activated)))) + shortcut


def resnet(width=32):
    """W7: the resnet example's pre-activation ResNet, NCHW, ending in logits."""
    return nn.Sequential(
        nn.Conv2d(1, width, 3, padding=1, bias=False),
        PreActivationBlock(width, width, 2), PreActivationBlock(width, 2 * width, 2),
        PreActivationBlock(2 * width, 4 * width, 2),
        nn.BatchNorm2d(4 * width), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4 * width, 10))


def run_resnet():
    """W7: SGD Nesterov 0.9 with weight decay 5e-4, label smoothing 0.1, batch 128."""
    x, y = classification(args.samples or 60_000, (1, 28, 28), 10, seed=3)
    x, y = torch.from_numpy(x), torch.from_numpy(y).long()
    model = resnet()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    model = compiled(model)

    def epoch(count=x.shape[0]):
        model.train()
        order = torch.randperm(count)
        for start in range(0, count, 128):
            index = order[start:start + 128]
            optimizer.zero_grad()
            loss_fn(model(x[index]), y[index]).backward()
            optimizer.step()
    timed_compilation(lambda: epoch(128))
    samples = timed(args, epoch)
    report("resnet", NAME, "seconds/epoch", samples, epoch_samples=x.shape[0], **EXTRA)


class TextTransformer(nn.Module):
    """W8: the text-transformer example's classifier: token + learned position
    embeddings, two post-norm encoder blocks (4 heads of 16, feed-forward 128,
    dropout 0.1) with the padding mask, the mean over real tokens, logits."""
    def __init__(self, vocabulary=20_000, length=200, dim=64, heads=4, feed_forward=128, blocks=2, classes=2):
        super().__init__()
        self.tokens = nn.Embedding(vocabulary, dim, padding_idx=0)
        self.positions = nn.Parameter(torch.randn(length, dim) * 0.05)
        layer = nn.TransformerEncoderLayer(dim, heads, feed_forward, dropout=0.1, batch_first=True, layer_norm_eps=1e-6)
        self.encoder = nn.TransformerEncoder(layer, blocks, enable_nested_tensor=False)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(dim, classes)

    def forward(self, ids):
        padding = ids == 0
        x = self.encoder(self.tokens(ids) + self.positions, src_key_padding_mask=padding)
        keep = (~padding).unsqueeze(-1).float()
        pooled = (x * keep).sum(1) / keep.sum(1).clamp(min=1)
        return self.classifier(self.dropout(pooled))


def run_transformer():
    x, y = padded_sequences(args.samples or 25_000, 200, 20_000, 2, seed=5)
    epoch_workload("transformer", TextTransformer(), x.astype("int64"), y, 32)


def run_xor():
    model = nn.Sequential(nn.Linear(2, 4), nn.Sigmoid(), nn.Linear(4, 1), nn.Sigmoid())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    loss_fn = nn.MSELoss()
    x, y = torch.from_numpy(XOR_X), torch.from_numpy(XOR_Y)
    model = compiled(model)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()

    timed_compilation(step)

    samples = per_call_samples(max(args.repeats, 5), args.steps, step)
    report("xor", NAME, "seconds/step", samples, steps=args.steps, final_loss=loss_fn(model(x), y).item(), **EXTRA)


def run_predict():
    model = compiled(mlp().eval())
    x, _ = classification(1024, (784,), 10, seed=2)
    batch = torch.from_numpy(x)
    one = batch[:1]

    def infer(inputs):
        with torch.inference_mode():
            return model(inputs)

    timed_compilation(lambda: infer(one))
    timed_compilation(lambda: infer(batch))

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


{"mlp": run_mlp, "cnn": run_cnn, "lstm": run_lstm, "xor": run_xor, "predict": run_predict, "gemm": run_gemm,
 "cnn-folder": run_cnn_folder, "resnet": run_resnet, "transformer": run_transformer}[args.workload]()
