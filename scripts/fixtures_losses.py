#!/usr/bin/env python3
"""Fixture group "losses": reference values and gradients of Synapse's losses.

Every case evaluates one Keras loss with one reduction on seeded float32 inputs,
in float64 with PyTorch (torch.nn.functional where it has the loss), and records
the value and the gradient of sum(value * weight) with respect to the inputs
(torch autograd), through fixtures_common.make_case.

Keras' conventions, which differ from PyTorch's defaults, are reproduced here:
- Per-sample losses reduce the last axis: MSE, MAE, Huber and binary
  cross-entropy average over it; categorical / sparse cross-entropy, KL
  divergence and cosine similarity sum over it.
- Binary and categorical cross-entropy on probabilities clip the predictions to
  [eps, 1 - eps] with eps = 1e-7; categorical cross-entropy first renormalises the
  predictions to sum to 1 along the last axis. Sparse cross-entropy on
  probabilities clips without renormalising (Keras' TensorFlow backend). The
  bounds are the float32 values of 1e-7 and 1 - 1e-7 (Keras computes in float32,
  where 1 - 1e-7 rounds to 0.99999988, so log(1 - p) at the clip is log(1.19e-7)).
- KL divergence clips both distributions to [eps, 1].
- CosineSimilarity is the negative similarity of the L2-normalised vectors,
  x / max(|x|, 1e-6) (as tf.math.l2_normalize with epsilon 1e-12 on the sum of
  squares).
- Reductions: "sum_over_batch_size" is the mean over every per-sample value,
  "sum" their sum, "none" returns them.

Registered in generate_fixtures.py as the "losses" group
(Tests/SynapseNNTests/Fixtures/losses.json); it also runs on its own:

    python3 scripts/fixtures_losses.py
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUTPUT = "Tests/SynapseNNTests/Fixtures/losses.json"
REDUCTIONS = ["sum_over_batch_size", "sum", "none"]


def _clip_bounds():
    import numpy as np
    return float(np.float32(1e-7)), float(np.float32(1.0) - np.float32(1e-7))


def _per_sample(loss, params, y_true, y_pred):
    """One value per sample (the last axis reduced), Keras' conventions, in torch."""
    import torch
    import torch.nn.functional as F
    eps, one_minus_eps = _clip_bounds()
    from_logits = params.get("fromLogits", False)
    if loss == "mean_squared_error":
        return F.mse_loss(y_pred, y_true, reduction="none").mean(-1)
    if loss == "mean_absolute_error":
        return F.l1_loss(y_pred, y_true, reduction="none").mean(-1)
    if loss == "huber":
        return F.huber_loss(y_pred, y_true, reduction="none", delta=params.get("delta", 1.0)).mean(-1)
    if loss == "binary_crossentropy":
        if from_logits:
            return F.binary_cross_entropy_with_logits(y_pred, y_true, reduction="none").mean(-1)
        p = y_pred.clamp(eps, one_minus_eps)
        return (-(y_true * p.log() + (1 - y_true) * (1 - p).log())).mean(-1)
    smoothing = params.get("labelSmoothing", 0.0)
    if loss == "categorical_crossentropy":
        y_true = y_true * (1 - smoothing) + smoothing / y_true.shape[-1]  # Keras' label_smoothing
        if from_logits:
            return -(y_true * F.log_softmax(y_pred, dim=-1)).sum(-1)
        p = (y_pred / y_pred.sum(-1, keepdim=True)).clamp(eps, one_minus_eps)
        return -(y_true * p.log()).sum(-1)
    if loss == "sparse_categorical_crossentropy":
        labels = y_true.round().long() if y_true.is_floating_point() else y_true
        expected = tuple(y_pred.shape[:-1])
        if tuple(labels.shape) == expected + (1,):
            labels = labels.squeeze(-1)
        if smoothing and from_logits and y_pred.dim() == 2:
            # PyTorch's own label smoothing for class indices.
            return F.cross_entropy(y_pred, labels, reduction="none", label_smoothing=smoothing)
        log_p = F.log_softmax(y_pred, dim=-1) if from_logits else y_pred.clamp(eps, one_minus_eps).log()
        if smoothing:
            classes = y_pred.shape[-1]
            target = F.one_hot(labels, classes).to(log_p.dtype) * (1 - smoothing) + smoothing / classes
            return -(target * log_p).sum(-1)
        return -log_p.gather(-1, labels.unsqueeze(-1)).squeeze(-1)
    if loss == "kl_divergence":
        target = y_true.clamp(eps, 1.0)
        prediction = y_pred.clamp(eps, 1.0)
        return F.kl_div(prediction.log(), target, reduction="none").sum(-1)
    if loss == "cosine_similarity":
        return -(F.normalize(y_true, dim=-1, eps=1e-6) * F.normalize(y_pred, dim=-1, eps=1e-6)).sum(-1)
    raise ValueError(f"unknown loss {loss}")


def _reduce(values, reduction):
    if reduction == "sum_over_batch_size":
        return values.mean()
    if reduction == "sum":
        return values.sum()
    if reduction == "none":
        return values
    raise ValueError(f"unknown reduction {reduction}")


def _softmax_rows(logits):
    import numpy as np
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return (shifted / shifted.sum(axis=-1, keepdims=True)).astype(np.float32)


def _inputs(kind, g, shape):
    """(y_true, y_pred) float32 / int32 arrays for one kind of loss input."""
    import numpy as np
    *leading, classes = shape
    if kind == "regression":
        return g.normal(*shape), g.normal(*shape)
    if kind == "binary_probabilities":
        return (g.rng.random(shape) < 0.5).astype(np.float32), g.uniform(*shape, low=0.05, high=0.95)
    if kind == "binary_logits":
        return (g.rng.random(shape) < 0.5).astype(np.float32), g.normal(*shape, scale=2.0)
    if kind == "soft_targets":
        # Soft targets (label-smoothing-like) and unnormalised positive predictions:
        # the Keras renormalisation matters.
        return _softmax_rows(g.normal(*shape)), g.uniform(*shape, low=0.1, high=2.0)
    if kind == "one_hot_logits":
        labels = g.rng.integers(0, classes, leading)
        return np.eye(classes, dtype=np.float32)[labels], g.normal(*shape, scale=2.0)
    if kind == "distributions":
        return _softmax_rows(g.normal(*shape)), _softmax_rows(g.normal(*shape))
    raise ValueError(f"unknown input kind {kind}")


def _case(name, loss, reduction, y_true, y_pred, params=None, note=None):
    from fixtures_common import make_case
    params = dict(params or {})
    params["reduction"] = reduction

    def function(t, p):
        return _reduce(_per_sample(loss, params, t, p), reduction)

    return make_case(name, loss, [("yTrue", y_true), ("yPred", y_pred)], function, params=params, note=note)


def _family(name, loss, kind, shape=(4, 5), params=None, note=None):
    """The loss with every reduction on the same seeded inputs."""
    from fixtures_common import Inputs
    g = Inputs(f"losses/{name}")
    y_true, y_pred = _inputs(kind, g, shape)
    return [_case(f"{name}/{reduction}", loss, reduction, y_true, y_pred, params, note) for reduction in REDUCTIONS]


def _sparse_family(name, label_kind, shape=(4, 5), from_logits=False, note=None, label_smoothing=0.0):
    """Sparse categorical cross-entropy with labels given as int32 [N], int32 [N, 1]
    or float32 [N] (whole numbers)."""
    import numpy as np
    from fixtures_common import Inputs
    g = Inputs(f"losses/{name}")
    *leading, classes = shape
    labels = g.rng.integers(0, classes, leading)
    logits = g.normal(*shape, scale=2.0)
    y_pred = logits if from_logits else _softmax_rows(logits)
    if label_kind == "int32":
        y_true = labels.astype(np.int32)
    elif label_kind == "int32_column":
        y_true = labels.astype(np.int32)[..., None]
    elif label_kind == "float32":
        y_true = labels.astype(np.float32)
    else:
        raise ValueError(label_kind)
    params = {"fromLogits": from_logits}
    if label_smoothing:
        params["labelSmoothing"] = label_smoothing
    return [_case(f"{name}/{reduction}", "sparse_categorical_crossentropy", reduction, y_true, y_pred, params, note)
            for reduction in REDUCTIONS]


def _clipping_cases():
    """Predictions exactly at 0 and 1 (clipped), and logits of ±100 (stable forms)."""
    import numpy as np
    cases = []
    y = np.array([[1, 0, 1, 0], [0, 1, 1, 0]], dtype=np.float32)
    p = np.array([[1, 0, 0, 1], [0.5, 1, 0.999, 0.001]], dtype=np.float32)
    cases.append(_case("binary_crossentropy/clipped/sum_over_batch_size", "binary_crossentropy",
                       "sum_over_batch_size", y, p, {"fromLogits": False},
                       note="predictions at 0 and 1 are clipped to [1e-7, 1 - 1e-7] in float32"))
    logits = np.array([[100, -100, -100, 100], [0, 100, 7, -7]], dtype=np.float32)
    cases.append(_case("binary_crossentropy/logits_100/none", "binary_crossentropy", "none", y, logits,
                       {"fromLogits": True}, note="logits of ±100: the stable form stays finite"))
    one_hot = np.array([[1, 0, 0], [0, 0, 1]], dtype=np.float32)
    probabilities = np.array([[0, 1, 0], [0.2, 0.3, 0.5]], dtype=np.float32)
    cases.append(_case("categorical_crossentropy/clipped/none", "categorical_crossentropy", "none",
                       one_hot, probabilities, {"fromLogits": False},
                       note="a zero probability on the true class is clipped to 1e-7"))
    big = np.array([[100, -100, 0], [-100, 100, 100]], dtype=np.float32)
    cases.append(_case("categorical_crossentropy/logits_100/none", "categorical_crossentropy", "none",
                       one_hot, big, {"fromLogits": True}, note="logits of ±100"))
    cases.append(_case("sparse_categorical_crossentropy/logits_100/none", "sparse_categorical_crossentropy",
                       "none", np.array([0, 2], dtype=np.int32), big, {"fromLogits": True},
                       note="logits of ±100"))
    return cases


def losses_cases():
    """The cases of the "losses" group."""
    cases = []
    cases += _family("mean_squared_error", "mean_squared_error", "regression")
    cases += _family("mean_squared_error_sequence", "mean_squared_error", "regression", shape=(2, 3, 4),
                     note="[batch, steps, features]: one value per sample and step")
    cases += _family("mean_absolute_error", "mean_absolute_error", "regression")
    cases += _family("huber", "huber", "regression")
    cases += _family("huber_delta_0.5", "huber", "regression", params={"delta": 0.5})
    cases += _family("binary_crossentropy", "binary_crossentropy", "binary_probabilities",
                     params={"fromLogits": False})
    cases += _family("binary_crossentropy_logits", "binary_crossentropy", "binary_logits",
                     params={"fromLogits": True})
    cases += _family("categorical_crossentropy", "categorical_crossentropy", "soft_targets",
                     params={"fromLogits": False}, note="unnormalised predictions are renormalised")
    cases += _family("categorical_crossentropy_logits", "categorical_crossentropy", "one_hot_logits",
                     params={"fromLogits": True})
    cases += _sparse_family("sparse_categorical_crossentropy", "int32")
    cases += _sparse_family("sparse_categorical_crossentropy_logits", "int32", from_logits=True)
    cases += _sparse_family("sparse_categorical_crossentropy_column", "int32_column",
                            note="labels [N, 1]")
    cases += _sparse_family("sparse_categorical_crossentropy_column_logits", "int32_column", from_logits=True,
                            note="labels [N, 1]")
    cases += _sparse_family("sparse_categorical_crossentropy_float_labels", "float32", from_logits=True,
                            note="float32 labels holding whole numbers")
    cases += _sparse_family("sparse_categorical_crossentropy_sequence", "int32", shape=(2, 3, 4),
                            from_logits=True, note="labels [batch, steps] for predictions [batch, steps, classes]")
    cases += _sparse_family("sparse_categorical_crossentropy_smoothing_logits", "int32", from_logits=True,
                            label_smoothing=0.1, note="label_smoothing 0.1, from torch.nn.functional.cross_entropy")
    cases += _sparse_family("sparse_categorical_crossentropy_smoothing", "int32", label_smoothing=0.2,
                            note="label_smoothing 0.2 on probabilities")
    cases += _family("categorical_crossentropy_smoothing_logits", "categorical_crossentropy", "one_hot_logits",
                     params={"fromLogits": True, "labelSmoothing": 0.1}, note="Keras' label_smoothing 0.1")
    cases += _family("kl_divergence", "kl_divergence", "distributions")
    cases += _family("cosine_similarity", "cosine_similarity", "regression")
    cases += _clipping_cases()
    return cases


def header():
    import numpy
    import torch
    return {
        "generator": "scripts/fixtures_losses.py (group \"losses\" of scripts/generate_fixtures.py)",
        "group": "losses",
        "torch": torch.__version__.split("+")[0],
        "numpy": numpy.__version__,
        "convention": "Keras losses evaluated with torch in float64 from the float32 inputs, then rounded to "
                      "float32; inputs [yTrue, yPred]; outputs [loss after the reduction]; gradients of "
                      "sum(loss * weight); clip bounds are float32(1e-7) and float32(1 - 1e-7)",
    }


def main(argv):
    sys.path.insert(0, HERE)
    import fixtures_common as common
    common.ensure_venv_and_reexec(os.path.abspath(__file__), argv)
    import torch
    torch.set_default_dtype(torch.float64)
    cases = losses_cases()
    size = common.write_fixture_file(os.path.join(ROOT, OUTPUT), header(), cases)
    print(f"losses: {len(cases)} cases -> {OUTPUT} ({size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
