"""Fixture group "merge": Keras 3's merge layers evaluated by Keras itself (PyTorch
back end) for Synapse's Add, Subtract, Multiply, Average, Maximum, Minimum,
Concatenate and Dot (writes Tests/SynapseNNTests/Fixtures/merge.json).

    python3 scripts/generate_fixtures.py --only merge

Each case calls the Keras layer (float64) on its float32 inputs converted exactly to
float64 and records the output and the gradients of sum(output · weight) with
respect to every input (torch autograd through Keras' own ops). `params` is the
layer's Keras `get_config()` as `{"class_name", "config"}`, so the Swift test builds
its layer from Keras' own config through `LayerRegistry`.

Maximum and Minimum inputs are distinct values, so no tie decides where the gradient
goes (Keras and Synapse break ties differently).
"""

import os

import numpy as np

from fixtures_common import Inputs, make_case


def _keras():
    os.environ["KERAS_BACKEND"] = "torch"
    import keras
    if keras.backend.backend() != "torch":
        raise RuntimeError("run with KERAS_BACKEND=torch")
    return keras


def _case(cases, name, layer, arrays):
    import keras
    inputs = [(f"x{index}", array) for index, array in enumerate(arrays)]
    params = {"class_name": layer.__class__.__name__, "config": layer.get_config()}
    # Keras' Maximum, Minimum and Dot return float32 on the PyTorch back end even
    # for float64 inputs; the cast keeps the recorded gradient (to float32 accuracy).
    cases.append(make_case(name, layer.__class__.__name__, inputs, lambda *xs: layer(list(xs)).double(), params,
                           note=f"Keras {keras.__version__} ({keras.backend.backend()} back end)"))


def merge_cases():
    keras = _keras()
    layers = keras.layers
    cases = []
    g = Inputs("merge/elementwise")
    a, b, c = g.normal(3, 4), g.normal(3, 4), g.normal(3, 4)
    for layer_class in (layers.Add, layers.Multiply, layers.Average, layers.Maximum, layers.Minimum):
        layer = layer_class(dtype="float64")
        _case(cases, f"{layer_class.__name__.lower()}_three", layer, [a, b, c])
    _case(cases, "subtract", layers.Subtract(dtype="float64"), [a, b])
    # Broadcasting between per-sample shapes [2, 4] and [1, 4].
    _case(cases, "add_broadcast", layers.Add(dtype="float64"), [g.normal(3, 2, 4), g.normal(3, 1, 4)])
    _case(cases, "concatenate_last", layers.Concatenate(dtype="float64"), [g.normal(2, 3, 2), g.normal(2, 3, 5)])
    _case(cases, "concatenate_axis1", layers.Concatenate(axis=1, dtype="float64"), [g.normal(2, 3, 2), g.normal(2, 1, 2)])
    _case(cases, "dot_vectors", layers.Dot(axes=1, dtype="float64"), [g.normal(4, 5), g.normal(4, 5)])
    _case(cases, "dot_cosine", layers.Dot(axes=1, normalize=True, dtype="float64"), [g.normal(4, 5), g.normal(4, 5)])
    _case(cases, "dot_attention_scores", layers.Dot(axes=(2, 2), dtype="float64"), [g.normal(2, 3, 4), g.normal(2, 5, 4)])
    _case(cases, "dot_mixed_axes", layers.Dot(axes=(1, 2), dtype="float64"), [g.normal(2, 3, 4), g.normal(2, 5, 3)])
    return cases
