"""Keras 3 on JAX peer of the benchmark suite (see common.py for the command line).

Idiomatic Keras: Sequential models ending in softmax, compile(Adam, sparse
categorical cross-entropy) and fit(batch_size, shuffle) — XLA-compiled train steps
(jit_compile="auto" is on for JAX). The driver sets KERAS_BACKEND=jax and the XLA
thread flags before this process starts.
"""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

from common import (MLP_FLOPS_PER_SAMPLE, XOR_X, XOR_Y, classification, parse_args, per_call, per_call_samples, report,  # noqa: E402
                    sequences, timed)

args = parse_args(["mlp", "cnn", "lstm", "xor", "predict"])
keras.utils.set_random_seed(1)
NAME = "keras-jax"
EXTRA = {"version": f"keras {keras.__version__}, jax {jax.__version__}", "backend": keras.backend.backend()}
layers = keras.layers


def mlp():
    return keras.Sequential([keras.Input((784,)), layers.Dense(512, activation="relu"),
                             layers.Dense(256, activation="relu"), layers.Dense(10, activation="softmax")])


def epoch_workload(name, model, x, y, batch_size, **extra):
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    samples = timed(args, lambda: model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=True, verbose=0))
    report(name, NAME, "seconds/epoch", samples, epoch_samples=x.shape[0], **extra, **EXTRA)


def run_mlp():
    x, y = classification(args.samples or 60_000, (784,), 10, seed=1)
    epoch_workload("mlp", mlp(), x, y, 128, gflops=MLP_FLOPS_PER_SAMPLE * x.shape[0] / 1e9)


def run_cnn():
    x, y = classification(args.samples or 60_000, (28, 28, 1), 10, seed=3)
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.Flatten(), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
    epoch_workload("cnn", model, x, y, 64)


def run_lstm():
    x, y = sequences(args.samples or 8_982, 200, 10_000, 46, seed=4)
    model = keras.Sequential([keras.Input((200,), dtype="int32"), layers.Embedding(10_000, 64),
                              layers.LSTM(64, return_sequences=True), layers.LSTM(64),
                              layers.Dense(46, activation="softmax")])
    epoch_workload("lstm", model, x, y, 32)


def run_xor():
    model = keras.Sequential([keras.Input((2,)), layers.Dense(4, activation="sigmoid"),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")

    samples = per_call_samples(max(args.repeats, 5), args.steps, lambda: model.train_on_batch(XOR_X, XOR_Y))
    report("xor", NAME, "seconds/step", samples, steps=args.steps, style="train_on_batch", **EXTRA)


def run_predict():
    """The faster of Keras' two single-batch inference paths: the compiled
    predict_on_batch and calling the model eagerly with training=False."""
    model = mlp()
    x, _ = classification(1024, (784,), 10, seed=2)
    one = x[:1]
    for name, inputs, unit in (("predict-latency", one, "seconds/call"),
                               ("predict-batch", x, "seconds/batch of 1024")):
        best = None
        for style, call in (("predict_on_batch", lambda: model.predict_on_batch(inputs)),
                            ("__call__", lambda: np.asarray(model(inputs, training=False)))):
            samples, calls = per_call(args, call)
            median = sorted(samples)[len(samples) // 2]
            if best is None or median < best[0]:
                best = (median, samples, calls, style)
        report(name, NAME, unit, best[1], calls_per_sample=best[2], style=best[3], **EXTRA)


{"mlp": run_mlp, "cnn": run_cnn, "lstm": run_lstm, "xor": run_xor, "predict": run_predict}[args.workload]()
