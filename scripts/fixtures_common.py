"""Shared machinery of the fixture generator: the virtual environment, seeded
inputs, reference evaluation in float64 with torch autograd, and the JSON writer.

Nothing here knows about particular ops; generate_fixtures.py and its groups
describe the cases.
"""

import json
import os
import subprocess
import sys
import zlib

VENV = os.environ.get("SYNAPSE_VENV", os.path.expanduser("~/.cache/synapse-venv"))
# nvidia-cuda-nvrtc: CUDA 13's run-time compiler (libnvrtc.so.13, no GPU needed), the
# one PyTorch's CUDA 13 wheels use; the Swift tests compile every CUDA kernel source
# for sm_90 with it (Tests/SynapseCoreTests/CUDANVRTCCompilerTests.swift) and are
# skipped, saying so, where it is missing.
# pillow and pypng: the JPEG and PNG files of fixtures_images.py (pypng writes the
# 16-bit, low-bit and interlaced PNGs Pillow cannot).
# keras: the "layers" group evaluates Keras 3's own layers (PyTorch back end).
REQUIREMENTS = ["numpy", "torch", "safetensors", "pillow", "pypng", "nvidia-cuda-nvrtc>=13,<14", "keras"]
PROBE = ("import numpy, torch, safetensors, PIL, png, keras, importlib.metadata as m; "
         "m.version('nvidia-cuda-nvrtc')")


# ---------------------------------------------------------------------------
# Virtual environment
# ---------------------------------------------------------------------------

def _venv_python():
    return os.path.join(VENV, "bin", "python")


def _inside_venv():
    return os.path.realpath(sys.prefix) == os.path.realpath(VENV)


def ensure_venv_and_reexec(script, argv):
    """Runs the rest of the script inside $HOME/.cache/synapse-venv.

    Creates the environment (python3 -m venv + pip install of REQUIREMENTS) when it
    is missing or lacks one of them, then re-executes `script` with the venv's
    interpreter.
    Returns only when already running inside the environment.
    """
    if _inside_venv():
        return
    python = _venv_python()
    if not os.path.exists(python):
        print(f"creating virtual environment {VENV}", file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    probe = subprocess.run([python, "-c", PROBE],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if probe.returncode != 0:
        print(f"installing {' '.join(REQUIREMENTS)} into {VENV}", file=sys.stderr)
        subprocess.check_call([python, "-m", "pip", "install", "--quiet", *REQUIREMENTS])
    os.execv(python, [python, script, *argv])


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------

def rng_for(name):
    """A NumPy generator seeded from the case name, so adding or removing a case
    never changes the values of the others."""
    import numpy as np
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


class Inputs:
    """Seeded input factories for one case; every array is float32, int32 or bool."""

    def __init__(self, name):
        self.rng = rng_for(name)

    def normal(self, *shape, scale=1.0):
        import numpy as np
        return (self.rng.standard_normal(shape) * scale).astype(np.float32)

    def uniform(self, *shape, low=-1.0, high=1.0):
        import numpy as np
        return self.rng.uniform(low, high, shape).astype(np.float32)

    def away_from_zero(self, *shape, low=0.5, high=2.0):
        """Magnitudes in [low, high) with random signs (safe denominators)."""
        import numpy as np
        magnitude = self.rng.uniform(low, high, shape)
        sign = np.where(self.rng.random(shape) < 0.5, -1.0, 1.0)
        return (magnitude * sign).astype(np.float32)

    def integers_as_float(self, *shape, low=-3, high=4):
        """Small integer values stored as float32: ties are exact."""
        import numpy as np
        return self.rng.integers(low, high, shape).astype(np.float32)

    def int32(self, *shape, low=0, high=5):
        import numpy as np
        return self.rng.integers(low, high, shape).astype(np.int32)

    def bool(self, *shape):
        import numpy as np
        return self.rng.random(shape) < 0.5


# ---------------------------------------------------------------------------
# Reference evaluation
# ---------------------------------------------------------------------------

def _finite_or_string(value):
    """JSON has no NaN or infinity: those travel as the strings "nan", "inf", "-inf"."""
    import math
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def encode_array(array):
    """{dtype, shape, values}: values row-major; float32 in their shortest
    round-trip decimal form, bool as 0/1."""
    import numpy as np
    array = np.asarray(array)
    if array.dtype == np.float32:
        values = [_finite_or_string(float(str(v))) for v in array.reshape(-1)]
        dtype = "float32"
    elif array.dtype == np.int32:
        values = [int(v) for v in array.reshape(-1)]
        dtype = "int32"
    elif array.dtype == np.bool_:
        values = [1 if v else 0 for v in array.reshape(-1)]
        dtype = "bool"
    else:
        raise TypeError(f"unsupported fixture dtype {array.dtype}")
    return {"dtype": dtype, "shape": list(array.shape), "values": values}


def _to_torch(array):
    """float32 → float64 (exact), int32 → int64 (what torch indexing wants), bool → bool."""
    import numpy as np
    import torch
    if array.dtype == np.float32:
        return torch.tensor(array.astype(np.float64), requires_grad=True)
    if array.dtype == np.int32:
        return torch.tensor(array.astype(np.int64))
    return torch.tensor(array)


def _from_torch(tensor, like_dtype=None):
    import numpy as np
    import torch
    tensor = tensor.detach()
    if tensor.dtype in (torch.float64, torch.float32):
        return tensor.numpy().astype(np.float32)
    if tensor.dtype in (torch.int64, torch.int32):
        return tensor.numpy().astype(np.int32)
    if tensor.dtype == torch.bool:
        return tensor.numpy()
    raise TypeError(f"unsupported output dtype {tensor.dtype}")


def make_case(name, op, inputs, function, params=None, tolerance=None, note=None):
    """Evaluates one op case with torch in float64 and returns its fixture record.

    - inputs: list of (input name, NumPy array) — float32, int32 or bool.
    - function: takes the torch inputs (float64 / int64 / bool) and returns a
      tensor or a list of tensors (the op's outputs).
    - The loss is Σᵢ sum(outputᵢ · wᵢ) over the float outputs, with seeded weights
      wᵢ stored in the record; gradients of it are recorded for every float input.
    - tolerance: optional {"absolute": a, "relative": r, "why": "..."} override.
    """
    import numpy as np
    import torch

    rng = rng_for(name + "/weights")
    torch_inputs = [_to_torch(array) for _, array in inputs]
    result = function(*torch_inputs)
    outputs = list(result) if isinstance(result, (list, tuple)) else [result]

    weights = []
    loss = None
    for output in outputs:
        if output.dtype == torch.float64 and output.requires_grad:
            weight = rng.standard_normal(tuple(output.shape)).astype(np.float32)
            term = (output * torch.tensor(weight.astype(np.float64))).sum()
            loss = term if loss is None else loss + term
            weights.append(encode_array(weight))
        else:
            weights.append(None)

    gradients = [None] * len(inputs)
    float_positions = [i for i, t in enumerate(torch_inputs) if t.dtype == torch.float64]
    if loss is not None and float_positions:
        grads = torch.autograd.grad(loss, [torch_inputs[i] for i in float_positions], allow_unused=True)
        for position, grad in zip(float_positions, grads):
            if grad is None:
                grad = torch.zeros_like(torch_inputs[position])
            gradients[position] = encode_array(_from_torch(grad))

    record = {
        "name": name,
        "op": op,
        "params": params or {},
        "inputs": [dict(name=input_name, **encode_array(array)) for input_name, array in inputs],
        "outputs": [encode_array(_from_torch(output)) for output in outputs],
        "weights": weights,
        "gradients": gradients,
    }
    if tolerance is not None:
        record["tolerance"] = tolerance
    if note is not None:
        record["note"] = note
    return record


def make_case_from_values(name, op, inputs, outputs, params=None, note=None):
    """A case whose expected outputs come from NumPy directly (ops without
    gradient whose convention differs from torch, e.g. Keras' one-hot)."""
    import numpy as np
    return {
        "name": name,
        "op": op,
        "params": params or {},
        "inputs": [dict(name=input_name, **encode_array(array)) for input_name, array in inputs],
        "outputs": [encode_array(np.asarray(output)) for output in outputs],
        "weights": [None] * len(outputs),
        "gradients": [None] * len(inputs),
        **({"note": note} if note else {}),
    }


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

def write_fixture_file(path, header, cases):
    """Writes {header..., "cases": [...]} with one case per line (diff-friendly)."""
    names = [case["name"] for case in cases]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"duplicate case names: {duplicates}")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    lines = ["{"]
    for key, value in header.items():
        lines.append(f"  {json.dumps(key)}: {json.dumps(value)},")
    lines.append('  "cases": [')
    body = [
        "    " + json.dumps(case, separators=(",", ":"), allow_nan=False)
        for case in cases
    ]
    lines.append(",\n".join(body))
    lines.append("  ]")
    lines.append("}")
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    os.replace(temporary, path)
    return os.path.getsize(path)
