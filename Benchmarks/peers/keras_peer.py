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

from common import (MLP_FLOPS_PER_SAMPLE, XOR_X, XOR_Y, classification, padded_sequences, parse_args, per_call,  # noqa: E402
                    per_call_samples, report, sequences, timed)

args = parse_args(["mlp", "cnn", "lstm", "xor", "predict", "resnet", "transformer"])
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


def pre_activation_block(x, filters, stride):
    """The resnet example's block: BN → ReLU → Conv 3×3 → BN → ReLU → Conv 3×3 + shortcut."""
    activated = layers.Activation("relu")(layers.BatchNormalization()(x))
    shortcut = x if stride == 1 and x.shape[-1] == filters else \
        layers.Conv2D(filters, 1, strides=stride, use_bias=False)(activated)
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(activated)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(layers.Activation("relu")(layers.BatchNormalization()(y)))
    return layers.Add()([y, shortcut])


def run_resnet():
    """W7: the resnet example's network (functional), SGD Nesterov with weight decay,
    label smoothing, logits, batch 128."""
    x, y = classification(args.samples or 60_000, (28, 28, 1), 10, seed=3)
    inputs = keras.Input((28, 28, 1))
    h = layers.Conv2D(32, 3, padding="same", use_bias=False)(inputs)
    for filters in (32, 64, 128):
        h = pre_activation_block(h, filters, 2)
    h = layers.Activation("relu")(layers.BatchNormalization()(h))
    model = keras.Model(inputs, layers.Dense(10)(layers.GlobalAveragePooling2D()(h)))
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True, weight_decay=5e-4),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    # Keras' sparse loss has no label smoothing; the one-hot loss with smoothing costs the same.
    samples = timed(args, lambda: model.fit(x, y, batch_size=128, epochs=1, shuffle=True, verbose=0))
    report("resnet", NAME, "seconds/epoch", samples, epoch_samples=x.shape[0], **EXTRA)


class PositionEmbedding(layers.Layer):
    """keras-hub's PositionEmbedding: a learned vector per position, added by the caller."""
    def __init__(self, length, **kwargs):
        super().__init__(**kwargs)
        self.length = length

    def build(self, input_shape):
        self.table = self.add_weight(shape=(self.length, input_shape[-1]), initializer="glorot_uniform")

    def call(self, x):
        return keras.ops.broadcast_to(self.table, keras.ops.shape(x))


def run_transformer():
    """W8: the text-transformer example's classifier, Adam, batch 32, 25,000 padded reviews."""
    x, y = padded_sequences(args.samples or 25_000, 200, 20_000, 2, seed=5)
    tokens = keras.Input((200,), dtype="int32")
    embedded = layers.Embedding(20_000, 64, mask_zero=True)(tokens)
    h = layers.Add()([embedded, PositionEmbedding(200)(embedded)])
    for _ in range(2):
        attended = layers.Dropout(0.1)(layers.MultiHeadAttention(4, 16)(h, h))
        h = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([h, attended]))
        fed = layers.Dropout(0.1)(layers.Dense(64)(layers.Dense(128, activation="relu")(h)))
        h = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([h, fed]))
    pooled = layers.Dropout(0.1)(layers.GlobalAveragePooling1D()(h))
    model = keras.Model(tokens, layers.Dense(2, activation="softmax")(pooled))
    epoch_workload("transformer", model, x, y, 32)


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


{"mlp": run_mlp, "cnn": run_cnn, "lstm": run_lstm, "xor": run_xor, "predict": run_predict, "resnet": run_resnet,
 "transformer": run_transformer}[args.workload]()
