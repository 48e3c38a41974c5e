"""Fixture group "layers": Keras 3 layers evaluated by Keras itself (PyTorch back end)
for Synapse's GlobalAveragePooling1D, GlobalMaxPooling1D, Cropping2D, Permute,
RepeatVector, DepthwiseConv2D, SeparableConv2D, causal Conv1D and Conv2DTranspose
with output padding and dilation (writes Tests/SynapseNNTests/Fixtures/layers.json).

    python3 scripts/generate_fixtures.py --only layers

Each case builds the Keras layer in float64, runs it with `stateless_call` on the
case's float32 input and weights (converted exactly to float64), and records the
output and the gradients of sum(output · weight) with respect to the input and every
weight (torch autograd through Keras' own ops), rounded to float32 as the other
groups do.

- `params` is the layer's Keras `get_config()` wrapped as `{"class_name", "config"}`,
  Keras' serialized form, so the Swift test builds its layer from it through
  `LayerRegistry` — the test also checks that real Keras configs load.
- `inputs`: `x` first, then the trainable weights in Keras' order (the order
  Synapse's `ownParameters` lists them in), then `mask` for masked calls. Weights are
  named as Synapse names them: Keras 3 calls DepthwiseConv2D's weight `kernel`,
  Synapse (and tf.keras) `depthwise_kernel`; the layout `[kh, kw, C, multiplier]` is
  the same.
- Keras' "same" padding on the PyTorch back end is TensorFlow's (the odd pixel at the
  bottom/right), so the cases cover odd and even totals.
"""

import os

import numpy as np

from fixtures_common import Inputs, make_case


def _keras():
    """Keras on the PyTorch back end (the back end is fixed at first import)."""
    os.environ["KERAS_BACKEND"] = "torch"
    import keras
    if keras.backend.backend() != "torch":
        raise RuntimeError(f"Keras was imported with the {keras.backend.backend()} back end; "
                           "run with KERAS_BACKEND=torch")
    return keras


def _distinct(g, *shape):
    """Distinct values (a shuffled ramp) so max pooling has no ties."""
    count = int(np.prod(shape))
    values = (np.arange(count, dtype=np.float64) - count / 2) * 0.125
    g.rng.shuffle(values)
    return values.reshape(shape).astype(np.float32)


def _layer_case(cases, name, layer, x, weight_scale=0.5, mask=None):
    """One case of `layer` (a float64 Keras layer) on input `x`, with seeded weights."""
    import keras
    g = Inputs(name + "/weights-values")
    layer.build(x.shape)
    weights = [(_synapse_name(layer, variable), g.normal(*variable.shape, scale=weight_scale))
               for variable in layer.trainable_variables]
    inputs = [("x", x)] + weights + ([("mask", mask)] if mask is not None else [])
    count = len(weights)

    def run(x, *rest):
        kwargs = {"mask": rest[count]} if mask is not None else {}
        outputs, _ = layer.stateless_call(list(rest[:count]), [], x, **kwargs)
        return outputs

    params = {"class_name": layer.__class__.__name__, "config": layer.get_config()}
    cases.append(make_case(name, layer.__class__.__name__, inputs, run, params,
                           note=f"Keras {keras.__version__} ({keras.backend.backend()} back end)"))


def _synapse_name(layer, variable):
    if layer.__class__.__name__ == "DepthwiseConv2D" and variable.name == "kernel":
        return "depthwise_kernel"
    return variable.name


def global_pooling_cases(cases, keras):
    layers = keras.layers
    for keepdims in (False, True):
        suffix = "_keepdims" if keepdims else ""
        name = f"GlobalAveragePooling1D/mean{suffix}"
        _layer_case(cases, name, layers.GlobalAveragePooling1D(keepdims=keepdims, dtype="float64"),
                    Inputs(name).normal(3, 5, 4))
        name = f"GlobalMaxPooling1D/max{suffix}"
        _layer_case(cases, name, layers.GlobalMaxPooling1D(keepdims=keepdims, dtype="float64"),
                    _distinct(Inputs(name), 3, 5, 4))
    # Masked mean: padded steps (any values, large ones here) do not count.
    for keepdims in (False, True):
        name = f"GlobalAveragePooling1D/masked{'_keepdims' if keepdims else ''}"
        g = Inputs(name)
        mask = np.array([[True, True, True, False, False],
                         [True, False, True, True, True],
                         [False, False, False, False, True]])
        x = g.normal(3, 5, 4)
        x[~mask] = 50.0
        _layer_case(cases, name, layers.GlobalAveragePooling1D(keepdims=keepdims, dtype="float64"), x, mask=mask)


def reshaping_cases(cases, keras):
    layers = keras.layers
    table = [
        ("asymmetric", ((1, 2), (0, 3)), [2, 6, 7, 3]),
        ("one_integer", 1, [2, 5, 4, 2]),
        ("symmetric_pair", (2, 1), [1, 6, 5, 2]),
        ("bottom_right_only", ((0, 1), (0, 2)), [1, 4, 5, 2]),
        ("identity_default", ((0, 0), (0, 0)), [1, 3, 3, 2]),
    ]
    for label, cropping, shape in table:
        name = f"Cropping2D/{label}"
        _layer_case(cases, name, layers.Cropping2D(cropping=cropping, dtype="float64"), Inputs(name).normal(*shape))
    for label, dims, shape in [("swap_2_1", (2, 1), [2, 3, 4]), ("rotate_3_1_2", (3, 1, 2), [2, 3, 4, 5]),
                               ("identity_1_2", (1, 2), [2, 2, 3])]:
        name = f"Permute/{label}"
        _layer_case(cases, name, layers.Permute(dims, dtype="float64"), Inputs(name).normal(*shape))
    for n, shape in [(3, [2, 4]), (1, [3, 2])]:
        name = f"RepeatVector/n{n}"
        _layer_case(cases, name, layers.RepeatVector(n, dtype="float64"), Inputs(name).normal(*shape))


def depthwise_cases(cases, keras):
    layers = keras.layers
    # (label, input NHWC, kernel, strides, padding, depth multiplier, dilation, bias, activation)
    table = [
        ("valid_3x3", [2, 5, 5, 3], (3, 3), (1, 1), "valid", 1, (1, 1), True, None),
        ("valid_3x3_multiplier2", [1, 5, 6, 2], (3, 3), (1, 1), "valid", 2, (1, 1), True, None),
        ("same_3x3_stride2_even_input_pads_bottom_right", [1, 6, 6, 2], (3, 3), (2, 2), "same", 1, (1, 1), True, None),
        ("same_2x2_stride1_pads_after_only", [1, 4, 5, 3], (2, 2), (1, 1), "same", 1, (1, 1), True, None),
        ("same_rectangular_strides_2x1_multiplier3", [1, 7, 5, 2], (3, 2), (2, 1), "same", 3, (1, 1), True, None),
        ("valid_dilation_2x3", [1, 7, 8, 2], (2, 3), (1, 1), "valid", 1, (2, 3), True, None),
        ("same_dilation2_multiplier2", [1, 6, 6, 2], (3, 3), (1, 1), "same", 2, (2, 2), True, None),
        ("valid_stride2_with_dilation2", [1, 9, 8, 2], (2, 2), (2, 2), "valid", 1, (2, 2), True, None),
        ("same_stride3_window_smaller_than_stride", [1, 7, 8, 2], (2, 2), (3, 3), "same", 1, (1, 1), True, None),
        ("no_bias_tanh", [2, 4, 4, 3], (3, 3), (1, 1), "valid", 1, (1, 1), False, "tanh"),
    ]
    for label, shape, kernel, strides, padding, multiplier, dilation, bias, activation in table:
        name = f"DepthwiseConv2D/{label}"
        layer = layers.DepthwiseConv2D(kernel_size=kernel, strides=strides, padding=padding, depth_multiplier=multiplier,
                                       dilation_rate=dilation, use_bias=bias, activation=activation, dtype="float64")
        _layer_case(cases, name, layer, Inputs(name).normal(*shape))

    # (label, input NHWC, filters, kernel, strides, padding, depth multiplier, dilation, bias, activation)
    table = [
        ("valid_3x3", [2, 5, 5, 3], 4, (3, 3), (1, 1), "valid", 1, (1, 1), True, None),
        ("same_3x3_stride2_multiplier2", [1, 6, 5, 2], 3, (3, 3), (2, 2), "same", 2, (1, 1), True, None),
        ("same_dilation2", [1, 6, 6, 3], 2, (3, 3), (1, 1), "same", 1, (2, 2), True, None),
        ("valid_rectangular_no_bias_relu", [1, 5, 6, 2], 3, (2, 3), (1, 2), "valid", 2, (1, 1), False, "relu"),
    ]
    for label, shape, filters, kernel, strides, padding, multiplier, dilation, bias, activation in table:
        name = f"SeparableConv2D/{label}"
        layer = layers.SeparableConv2D(filters, kernel_size=kernel, strides=strides, padding=padding,
                                       depth_multiplier=multiplier, dilation_rate=dilation, use_bias=bias,
                                       activation=activation, bias_initializer="random_normal", dtype="float64")
        _layer_case(cases, name, layer, Inputs(name).normal(*shape))


def causal_conv1d_cases(cases, keras):
    """Conv1D with padding="causal": the sequence is padded at its start only."""
    layers = keras.layers
    # (label, input [batch, steps, channels], filters, kernel, strides, dilation)
    table = [
        ("kernel3", [2, 7, 3], 4, 3, 1, 1),
        ("kernel2_dilation2", [1, 9, 2], 3, 2, 1, 2),
        ("kernel3_dilation4", [1, 12, 2], 2, 3, 1, 4),
        ("kernel3_stride2", [2, 8, 2], 3, 3, 2, 1),
    ]
    for label, shape, filters, kernel, strides, dilation in table:
        name = f"Conv1D/causal_{label}"
        layer = layers.Conv1D(filters, kernel, strides=strides, padding="causal", dilation_rate=dilation,
                              bias_initializer="random_normal", dtype="float64")
        _layer_case(cases, name, layer, Inputs(name).normal(*shape))


def conv_transpose_cases(cases, keras):
    """Conv2DTranspose with output_padding and dilation (Keras' deconv_output_length)."""
    layers = keras.layers
    # (label, input NHWC, filters, kernel, strides, padding, output padding, dilation)
    table = [
        ("same_stride2_output_padding1", [1, 5, 5, 2], 3, (3, 3), (2, 2), "same", (1, 1), (1, 1)),
        ("valid_stride2_output_padding1", [1, 4, 5, 2], 2, (3, 3), (2, 2), "valid", (1, 1), (1, 1)),
        ("same_stride3_output_padding_2x0", [1, 3, 4, 2], 2, (5, 4), (3, 2), "same", (2, 0), (1, 1)),
        ("same_even_kernel_output_padding0", [2, 4, 4, 3], 2, (4, 4), (2, 2), "same", (0, 0), (1, 1)),
        ("same_dilation2", [1, 4, 5, 2], 3, (3, 3), (1, 1), "same", None, (2, 2)),
        ("valid_dilation_2x3", [1, 4, 4, 2], 2, (3, 2), (1, 1), "valid", None, (2, 3)),
    ]
    for label, shape, filters, kernel, strides, padding, output_padding, dilation in table:
        name = f"Conv2DTranspose/{label}"
        layer = layers.Conv2DTranspose(filters, kernel, strides=strides, padding=padding, output_padding=output_padding,
                                       dilation_rate=dilation, bias_initializer="random_normal", dtype="float64")
        _layer_case(cases, name, layer, Inputs(name).normal(*shape))


def layers_cases():
    """Every case of the "layers" group, in a stable order."""
    keras = _keras()
    cases = []
    global_pooling_cases(cases, keras)
    reshaping_cases(cases, keras)
    depthwise_cases(cases, keras)
    causal_conv1d_cases(cases, keras)
    conv_transpose_cases(cases, keras)
    return cases


if __name__ == "__main__":
    import sys
    sys.exit("run python3 scripts/generate_fixtures.py --only layers")
