"""Fixture group "recurrent": LSTM, GRU and SimpleRNN layers against torch.nn.LSTM,
nn.GRU and nn.RNN (writes Tests/SynapseNNTests/Fixtures/recurrent.json).

    python3 scripts/fixtures_recurrent.py              # every case
    python3 scripts/fixtures_recurrent.py --only lstm  # one case (repeatable)

Weights are stored in Synapse's (Keras') layouts; only the torch evaluation
converts them:
- LSTM: Keras gates i, f, c, o = torch's i, f, g, o (same blocks):
  weight_ih = kernelᵀ, weight_hh = recurrent_kernelᵀ, bias_ih = bias, bias_hh = 0.
- GRU (Keras reset_after=True = torch's GRU): Keras gates z, r, h, torch r, z, n:
  the first two blocks swap; bias [2, 3u] rows are bias_ih and bias_hh.
- SimpleRNN: weight_ih = kernelᵀ, weight_hh = recurrent_kernelᵀ, bias_ih = bias.
- GRU with reset_after=False (Keras 1's form; torch has none): written out in
  float64 torch from Keras' equations, bias [3u]; the generator checks its
  outputs against keras.layers.GRU(reset_after=False) before writing them.
Each case records the output sequence, the final states, and the gradients of
sum(outputs · weight) with respect to the input and every Keras weight
(float64 torch autograd on float32 inputs).
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fixtures_common import ensure_venv_and_reexec, rng_for  # noqa: E402

OUTPUT = os.path.join(HERE, "..", "Tests", "SynapseNNTests", "Fixtures", "recurrent.json")


def _reorder_gru(m, units):
    # Keras z, r, h  <->  torch r, z, n (an involution on the column blocks).
    z, r, h = m[..., :units], m[..., units:2 * units], m[..., 2 * units:]
    import torch
    return torch.cat([r, z, h], dim=-1)


def _gru_reset_before(inputs, kernel, recurrent, bias, h0, units):
    # Keras' GRUCell with reset_after=False: z, r = σ(x·W + b + h·R) for the first two
    # blocks, h̃ = tanh(x·W_h + b_h + (r ⊙ h)·R_h), h = z ⊙ h₋ + (1 − z) ⊙ h̃.
    import torch
    h, outputs = h0, []
    for step in range(inputs.shape[1]):
        x = inputs[:, step] @ kernel + bias
        zr = torch.sigmoid(x[:, :2 * units] + h @ recurrent[:, :2 * units])
        z, r = zr[:, :units], zr[:, units:]
        candidate = torch.tanh(x[:, 2 * units:] + (r * h) @ recurrent[:, 2 * units:])
        h = z * h + (1 - z) * candidate
        outputs.append(h)
    return torch.stack(outputs, 1), (h.unsqueeze(0),)


def _keras_gru_reset_before(x, kernel, recurrent, bias, h0, units, go_backwards):
    os.environ["KERAS_BACKEND"] = "torch"  # the back end is fixed at Keras' first import
    import keras
    import numpy as np
    layer = keras.layers.GRU(units, reset_after=False, return_sequences=True, go_backwards=go_backwards)
    layer.build(x.shape)
    layer.set_weights([kernel, recurrent, bias])
    return np.asarray(keras.ops.convert_to_numpy(layer(x, initial_state=[h0])))


def case(cell, batch=2, time=5, features=3, units=4, go_backwards=False):
    import numpy as np
    import torch
    name = f"{cell}{'_backwards' if go_backwards else ''}"
    rng = rng_for(name)
    gates = {"lstm": 4, "gru": 3, "gru_reset_before": 3, "simple": 1}[cell]
    f32 = lambda shape, scale=0.5: (rng.standard_normal(shape) * scale).astype(np.float32)
    x = f32((batch, time, features), 1.0)
    kernel = f32((features, gates * units))
    recurrent = f32((units, gates * units))
    bias = f32((2, 3 * units) if cell == "gru" else (gates * units,), 0.3)
    h0 = f32((batch, units))
    c0 = f32((batch, units))
    weight = f32((batch, time, units), 1.0)

    t = lambda a: torch.tensor(a, dtype=torch.float64, requires_grad=True)
    X, K, R, B, H0, C0 = t(x), t(kernel), t(recurrent), t(bias), t(h0), t(c0)
    inputs = torch.flip(X, [1]) if go_backwards else X
    if cell == "gru_reset_before":
        out, final = _gru_reset_before(inputs, K, R, B, H0, units)
        keras_out = _keras_gru_reset_before(x, kernel, recurrent, bias, h0, units, go_backwards)
        assert np.allclose(keras_out, np.asarray(out.detach()), atol=1e-5), "Keras' GRU(reset_after=False) disagrees"
    elif cell == "lstm":
        module = torch.nn.LSTM(features, units, batch_first=True).double()
        params = {"weight_ih_l0": K.t(), "weight_hh_l0": R.t(), "bias_ih_l0": B, "bias_hh_l0": torch.zeros_like(B)}
        states = (H0.unsqueeze(0), C0.unsqueeze(0))
    elif cell == "gru":
        module = torch.nn.GRU(features, units, batch_first=True).double()
        params = {"weight_ih_l0": _reorder_gru(K, units).t(), "weight_hh_l0": _reorder_gru(R, units).t(),
                  "bias_ih_l0": _reorder_gru(B[0], units), "bias_hh_l0": _reorder_gru(B[1], units)}
        states = H0.unsqueeze(0)
    else:
        module = torch.nn.RNN(features, units, batch_first=True).double()
        params = {"weight_ih_l0": K.t(), "weight_hh_l0": R.t(), "bias_ih_l0": B, "bias_hh_l0": torch.zeros_like(B)}
        states = H0.unsqueeze(0)
    if cell != "gru_reset_before":
        out, final = torch.func.functional_call(module, params, (inputs, states))
    final = list(final) if isinstance(final, tuple) else [final]
    loss = (out * torch.tensor(weight, dtype=torch.float64)).sum()
    loss.backward()
    lst = lambda a: np.asarray(a.detach(), dtype=np.float32).astype(float).ravel().tolist()
    return {
        "name": name, "cell": cell, "go_backwards": go_backwards,
        "batch": batch, "time": time, "features": features, "units": units,
        "x": lst(X), "kernel": lst(K), "recurrent_kernel": lst(R), "bias": lst(B),
        "bias_shape": list(bias.shape), "h0": lst(H0), "c0": lst(C0), "weight": lst(torch.tensor(weight)),
        "outputs": lst(out), "states": [lst(s.squeeze(0)) for s in final],
        "grad_x": lst(X.grad), "grad_kernel": lst(K.grad), "grad_recurrent_kernel": lst(R.grad),
        "grad_bias": lst(B.grad), "grad_h0": lst(H0.grad), "grad_c0": lst(C0.grad) if cell == "lstm" else [],
    }


CASES = {
    "lstm": lambda: case("lstm"),
    "lstm_backwards": lambda: case("lstm", go_backwards=True),
    "gru": lambda: case("gru"),
    "gru_backwards": lambda: case("gru", go_backwards=True),
    "gru_reset_before": lambda: case("gru_reset_before"),
    "gru_reset_before_backwards": lambda: case("gru_reset_before", go_backwards=True),
    "simple": lambda: case("simple"),
}


def main(argv):
    ensure_venv_and_reexec(os.path.abspath(__file__), argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(CASES), help="generate only this case (repeatable)")
    arguments = parser.parse_args(argv)
    existing = {}
    if arguments.only and os.path.exists(OUTPUT):
        with open(OUTPUT) as handle:
            existing = {c["name"]: c for c in json.load(handle)["cases"]}
    for name in arguments.only or list(CASES):
        existing[name] = CASES[name]()
    with open(OUTPUT, "w") as handle:
        json.dump({"generator": "scripts/fixtures_recurrent.py", "cases": [existing[k] for k in sorted(existing)]}, handle)
        handle.write("\n")
    print(f"wrote {len(existing)} cases to {os.path.relpath(OUTPUT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
