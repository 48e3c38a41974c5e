"""The `resnet` example's network and recipe in PyTorch, for comparison.

Same pre-activation ResNet (3x3 stem at 28x28, three stages at widths w, 2w, 4w,
each starting at stride 2: 14x14, 7x7, 4x4; BN-ReLU, global average pooling,
Dense(10)), same
initialisation (He-uniform convolutions without bias, Glorot-uniform dense layer,
zero bias), Keras' BatchNormalization settings (momentum 0.99 = PyTorch's 0.01,
epsilon 1e-3) and Keras' "same" padding (a stride-2 3x3 convolution pads one row
and column at the bottom and right only). Same recipe: 10 epochs of batch 128, SGD with Nesterov momentum
0.9 and L2 weight decay 5e-4, one epoch of linear warm-up from a tenth
of the peak rate then a cosine decay to 0 (per step), label smoothing 0.1, random
left-right flips and shifts of up to 1 pixel with zero fill.

Reads the bundled Data/fashion-mnist/*.gz IDX files (no downloads). Python is for
comparisons only:

    ~/.cache/synapse-venv/bin/python Examples/resnet/resnet_pytorch.py [--epochs N] [--json]
"""
import argparse
import gzip
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_idx(split, data_dir, limit=None):
    """Images [N, 1, 28, 28] float32 in [0, 1] and labels [N] int64 from the gzip IDX files."""
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz")) as f:
        data = f.read()
        count, rows, columns = (int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
        images = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, 1, rows, columns)
    with gzip.open(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    return (torch.from_numpy(images.astype(np.float32) / 255.0), torch.from_numpy(labels.astype(np.int64)))


def augment(images, generator, max_shift):
    """Flips each image left-right with probability 1/2, then shifts it by a whole
    number of pixels in [-max_shift, max_shift] each way, filling with zeros."""
    batch, _, height, width = images.shape
    flips = torch.rand(batch, generator=generator) < 0.5
    images = torch.where(flips[:, None, None, None], images.flip(3), images)
    shifts = torch.randint(-max_shift, max_shift + 1, (batch, 2), generator=generator)
    padded = F.pad(images, (max_shift, max_shift, max_shift, max_shift))
    rows = (torch.arange(height)[None, :] - shifts[:, 0:1] + max_shift)          # [batch, height]
    columns = (torch.arange(width)[None, :] - shifts[:, 1:2] + max_shift)        # [batch, width]
    index = torch.arange(batch)[:, None, None]
    return padded[index, 0, rows[:, :, None], columns[:, None, :]].unsqueeze(1)


def batch_norm(channels):
    return nn.BatchNorm2d(channels, eps=1e-3, momentum=0.01)


class SamePaddingConv(nn.Conv2d):
    """A bias-free 3x3 or 1x1 convolution padded as Keras' "same": for stride 2 on an
    even size, the extra row and column go at the bottom and right."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1):
        super().__init__(in_channels, out_channels, kernel_size, stride=stride, padding=0, bias=False)
        nn.init.kaiming_uniform_(self.weight, nonlinearity="relu")   # He-uniform, +-sqrt(6 / fan_in)

    def forward(self, x):
        size, kernel, stride = x.shape[-1], self.kernel_size[0], self.stride[0]
        total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
        before = total // 2
        return super().forward(F.pad(x, (before, total - before, before, total - before)))


class PreActivationBlock(nn.Module):
    def __init__(self, in_channels, filters, stride):
        super().__init__()
        self.bn1 = batch_norm(in_channels)
        self.conv1 = SamePaddingConv(in_channels, filters, 3, stride)
        self.bn2 = batch_norm(filters)
        self.conv2 = SamePaddingConv(filters, filters, 3)
        self.projection = (SamePaddingConv(in_channels, filters, 1, stride)
                           if stride != 1 or in_channels != filters else None)

    def forward(self, x):
        activated = F.relu(self.bn1(x))
        shortcut = x if self.projection is None else self.projection(activated)
        y = self.conv1(activated)
        y = self.conv2(F.relu(self.bn2(y)))
        return y + shortcut


class ResNet(nn.Module):
    def __init__(self, width=32, blocks_per_stage=1, classes=10):
        super().__init__()
        self.stem = SamePaddingConv(1, width, 3)
        blocks, channels = [], width
        for stage, multiplier in enumerate([1, 2, 4]):
            for block in range(blocks_per_stage):
                stride = 2 if block == 0 else 1
                blocks.append(PreActivationBlock(channels, width * multiplier, stride))
                channels = width * multiplier
        self.blocks = nn.Sequential(*blocks)
        self.bn = batch_norm(channels)
        self.dense = nn.Linear(channels, classes)
        nn.init.xavier_uniform_(self.dense.weight)
        nn.init.zeros_(self.dense.bias)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        x = F.relu(self.bn(x))
        return self.dense(x.mean(dim=(2, 3)))


def learning_rate(step, peak, steps_per_epoch, epochs):
    """Linear warm-up from peak / 10 over the first epoch, then a cosine decay to 0
    (Synapse's CosineDecay with a warm-up target)."""
    total = epochs * steps_per_epoch
    warmup = min(steps_per_epoch, max(total - 1, 0))
    decay = max(total - warmup, 1)
    step = min(step, warmup + decay)
    if step < warmup:
        return peak / 10 + (peak - peak / 10) * step / warmup
    return peak * 0.5 * (1 + math.cos(math.pi * (step - warmup) / decay))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--blocks-per-stage", type=int, default=1)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--weight-decay", type=float, default=5e-4)
    parser.add_argument("--label-smoothing", type=float, default=0.1)
    parser.add_argument("--max-shift", type=int, default=1)
    parser.add_argument("--no-augmentation", action="store_true")
    parser.add_argument("--train-limit", type=int)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data-dir", default=os.path.join(REPOSITORY, "Data", "fashion-mnist"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    train_x, train_y = load_idx("train", args.data_dir, args.train_limit)
    test_x, test_y = load_idx("test", args.data_dir)
    model = ResNet(args.width, args.blocks_per_stage)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.learning_rate, momentum=0.9, nesterov=True,
                                weight_decay=args.weight_decay)
    steps_per_epoch = math.ceil(len(train_x) / args.batch_size)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: learning_rate(step, args.learning_rate, steps_per_epoch, args.epochs) / args.learning_rate)
    loss_function = nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)
    print(f"Fashion-MNIST: {len(train_x)} training and {len(test_x)} test images; {args.epochs} epochs, "
          f"batch {args.batch_size}, {torch.get_num_threads()} threads; "
          f"{sum(p.numel() for p in model.parameters() if p.requires_grad)} trainable parameters")

    start = time.perf_counter()
    for epoch in range(args.epochs):
        model.train()
        epoch_start = time.perf_counter()
        order = torch.randperm(len(train_x), generator=generator)
        total_loss, correct = 0.0, 0
        for first in range(0, len(train_x), args.batch_size):
            indices = order[first:first + args.batch_size]
            x, y = train_x[indices], train_y[indices]
            if not args.no_augmentation:
                x = augment(x, generator, args.max_shift)
            logits = model(x)
            loss = loss_function(logits, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            total_loss += loss.item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total_loss / len(train_x):.4f}, "
              f"accuracy {correct / len(train_x):.4f}, {time.perf_counter() - epoch_start:.1f} s", flush=True)
    seconds = time.perf_counter() - start

    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(test_x[i:i + 256]) for i in range(0, len(test_x), 256)])
        test_loss = loss_function(logits, test_y).item()
        accuracy = (logits.argmax(1) == test_y).float().mean().item()
    print(f"test accuracy {accuracy:.4f}, test loss {test_loss:.4f}, training time {seconds:.1f} s "
          f"({seconds / max(args.epochs, 1):.1f} s/epoch)")
    if args.json:
        print(json.dumps({"example": "resnet_pytorch", "epochs": args.epochs, "seed": args.seed,
                          "batch_size": args.batch_size, "train_seconds": seconds, "test_accuracy": accuracy,
                          "test_loss": test_loss, "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
