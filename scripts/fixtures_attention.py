"""Fixture group "attention": Keras 3's MultiHeadAttention evaluated by Keras itself
(PyTorch back end) for Synapse's MultiHeadAttention
(writes Tests/SynapseNNTests/Fixtures/attention.json).

    python3 scripts/generate_fixtures.py --only attention

Each case builds the Keras layer in float64 for its query, value and key shapes,
sets seeded weights and runs `stateless_call` with the case's masks, recording the
output and the gradients of sum(output · weight) with respect to the query, value,
key and every weight. Inputs: `query`, `value`, optionally `key`, the weights in
Keras' order under Synapse's names (`query_kernel`, `query_bias`, ...,
`attention_output_bias`), then the bool masks `query_mask` and `value_mask`.
`params` is Keras' `get_config()`; a causal case adds `use_causal_mask: true` (a
call argument in Keras, a layer argument in Synapse).
"""

import os

import numpy as np

from fixtures_common import Inputs, make_case

WEIGHT_NAMES = ["query_kernel", "query_bias", "key_kernel", "key_bias", "value_kernel", "value_bias",
                "attention_output_kernel", "attention_output_bias"]


def _keras():
    os.environ["KERAS_BACKEND"] = "torch"
    import keras
    if keras.backend.backend() != "torch":
        raise RuntimeError("run with KERAS_BACKEND=torch")
    return keras


def _case(cases, name, layer, query, value, key=None, query_mask=None, value_mask=None, causal=False):
    import keras
    g = Inputs(name + "/weights-values")
    layer.build(query.shape, value.shape, None if key is None else key.shape)
    names = WEIGHT_NAMES if layer._use_bias else WEIGHT_NAMES[0::2]
    weights = [(weight_name, g.normal(*variable.shape, scale=0.5))
               for weight_name, variable in zip(names, layer.trainable_variables)]
    inputs = [("query", query), ("value", value)] + ([("key", key)] if key is not None else []) + weights
    masks = [(mask_name, mask) for mask_name, mask in (("query_mask", query_mask), ("value_mask", value_mask)) if mask is not None]
    inputs += masks
    tensor_count = 3 if key is not None else 2

    def run(*arguments):
        tensors = arguments[:tensor_count]
        weight_values = list(arguments[tensor_count:tensor_count + len(weights)])
        mask_values = dict(zip([mask_name for mask_name, _ in masks], arguments[tensor_count + len(weights):]))
        kwargs = dict(mask_values, use_causal_mask=causal)
        if key is not None:
            kwargs["key"] = tensors[2]
        outputs, _ = layer.stateless_call(weight_values, [], tensors[0], tensors[1], **kwargs)
        return outputs.double()

    config = layer.get_config()
    if causal:
        config["use_causal_mask"] = True
    params = {"class_name": "MultiHeadAttention", "config": config}
    cases.append(make_case(name, "MultiHeadAttention", inputs, run, params,
                           note=f"Keras {keras.__version__} ({keras.backend.backend()} back end)"))


def attention_cases():
    keras = _keras()
    MultiHeadAttention = keras.layers.MultiHeadAttention
    cases = []
    g = Inputs("attention/inputs")
    x = g.normal(2, 4, 6)
    _case(cases, "self_attention", MultiHeadAttention(num_heads=2, key_dim=3, dtype="float64"), x, x)
    _case(cases, "cross_attention_key_value_output",
          MultiHeadAttention(num_heads=3, key_dim=2, value_dim=4, output_shape=5, dtype="float64"),
          g.normal(2, 3, 6), g.normal(2, 5, 4), key=g.normal(2, 5, 3))
    padded = np.array([[True, True, True, False], [True, True, False, False]])
    # A value mask only: a query mask masks whole rows, where Keras adds -1e9 to the
    # logits, which float64 resolves (softmax of the logits) and float32 does not
    # (uniform weights); those rows are padding either way.
    _case(cases, "self_attention_padding_mask", MultiHeadAttention(num_heads=2, key_dim=4, dtype="float64"), x, x,
          value_mask=padded)
    _case(cases, "causal_no_bias", MultiHeadAttention(num_heads=2, key_dim=3, use_bias=False, dtype="float64"), x, x,
          causal=True)
    return cases
