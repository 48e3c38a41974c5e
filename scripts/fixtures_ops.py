"""Fixture group "ops": one case per tensor-op behaviour of Sources/SynapseCore/Ops.

Each case names the Synapse op (`op`, the key the Swift test dispatches on) and
its parameters in Synapse's spelling. Absent parameters mean "Synapse's default",
and the reference uses the value Synapse documents as its default (Keras'
conventions where Synapse follows Keras: leakyRelu alpha 0.3, population variance,
the left operand of minimum/maximum taking the gradient on ties, one-hot of an
out-of-range index being a zero row).
"""

import numpy as np
import torch
import torch.nn.functional as F

from fixtures_common import Inputs, make_case, make_case_from_values


class Collector:
    """Accumulates cases; `add` wraps make_case with seeded inputs per case name."""

    def __init__(self):
        self.cases = []

    def add(self, name, op, inputs, function, params=None, **extra):
        self.cases.append(make_case(name, op, inputs, function, params, **extra))

    def add_values(self, name, op, inputs, outputs, params=None, **extra):
        self.cases.append(make_case_from_values(name, op, inputs, outputs, params, **extra))


def _x(name):
    return Inputs(name)


def arithmetic(c):
    binary = {
        "add": lambda a, b: a + b,
        "subtract": lambda a, b: a - b,
        "multiply": lambda a, b: a * b,
    }
    shapes = {
        "same": ([2, 3], [2, 3]),
        "row": ([2, 3], [3]),
        "column_by_row": ([2, 1], [1, 4]),
        "scalar_tensor": ([2, 3], []),
        "rank3": ([2, 1, 4], [3, 1]),
        "left_broadcast": ([4], [2, 3, 4]),
    }
    for op, function in binary.items():
        for label, (left, right) in shapes.items():
            name = f"{op}/{label}"
            g = _x(name)
            c.add(name, op, [("a", g.normal(*left)), ("b", g.normal(*right))], function)
    for label, (left, right) in shapes.items():
        name = f"divide/{label}"
        g = _x(name)
        c.add(name, "divide", [("a", g.normal(*left)), ("b", g.away_from_zero(*right))], lambda a, b: a / b)

    for label, (left, right) in {"same": ([2, 3], [2, 3]), "exponent_row": ([2, 3], [3]),
                                 "base_column": ([3, 1], [3, 4])}.items():
        name = f"pow/{label}"
        g = _x(name)
        c.add(name, "pow", [("base", g.uniform(*left, low=0.3, high=2.5)),
                            ("exponent", g.uniform(*right, low=-2, high=3))], torch.pow)

    for exponent, low, high in [(2.0, -2, 2), (3.0, -2, 2), (0.5, 0.2, 3), (-1.5, 0.3, 3), (0.0, -2, 2), (1.0, -2, 2)]:
        name = f"powScalar/{exponent:g}"
        g = _x(name)
        c.add(name, "powScalar", [("x", g.uniform(2, 4, low=low, high=high))],
              lambda x, e=exponent: x ** e, {"exponent": exponent})

    # Keras (TensorFlow) gives the whole gradient to the left operand on ties;
    # torch.maximum would split it. torch.where reproduces the Keras rule.
    extrema = {
        "maximum": lambda a, b: torch.where(a >= b, a, b),
        "minimum": lambda a, b: torch.where(a <= b, a, b),
    }
    for op, function in extrema.items():
        for label, (left, right) in {"same": ([2, 3], [2, 3]), "row": ([2, 3], [3]),
                                     "rank3": ([2, 1, 4], [3, 1])}.items():
            name = f"{op}/{label}"
            g = _x(name)
            c.add(name, op, [("a", g.normal(*left)), ("b", g.normal(*right))], function)
        name = f"{op}/ties_left_operand_takes_gradient"
        g = _x(name)
        c.add(name, op, [("a", g.integers_as_float(3, 4, low=-1, high=2)),
                         ("b", g.integers_as_float(3, 4, low=-1, high=2))], function,
              note="Keras convention: on ties the gradient goes to the left operand")

    for operator, scalar, on_left, function in [
        ("+", 2.5, False, lambda x: x + 2.5), ("+", -1.25, True, lambda x: -1.25 + x),
        ("-", 0.75, False, lambda x: x - 0.75), ("-", 3.0, True, lambda x: 3.0 - x),
        ("*", -1.5, False, lambda x: x * -1.5), ("*", 4.0, True, lambda x: 4.0 * x),
        ("/", 8.0, False, lambda x: x / 8.0), ("/", 2.0, True, lambda x: 2.0 / x),
    ]:
        side = "left" if on_left else "right"
        name = f"scalarArithmetic/{side}{operator}{scalar:g}"
        g = _x(name)
        x = g.away_from_zero(2, 3) if operator == "/" and on_left else g.normal(2, 3)
        c.add(name, "scalarArithmetic", [("x", x)], function,
              {"operator": operator, "scalar": scalar, "scalarOnLeft": on_left})


def inclusive_clamp(x, lower, upper):
    """torch.clamp's value with the gradient passing at the bounds too (Synapse and
    TensorFlow's clip_by_value); torch.clamp's own gradient is 0 at a scalar bound."""
    inside = torch.ones_like(x, dtype=torch.bool)
    if lower is not None:
        inside &= x >= lower
    if upper is not None:
        inside &= x <= upper
    return torch.where(inside, x, torch.clamp(x, lower, upper).detach())


def unary_math(c):
    def with_specials(name, shape, specials, **bounds):
        g = _x(name)
        values = g.uniform(*shape, **bounds) if bounds else g.normal(*shape)
        flat = values.reshape(-1)
        flat[:len(specials)] = specials
        return values

    cases = [
        ("negate", lambda x: -x, None),
        ("exp", torch.exp, None),
        ("log", torch.log, dict(low=0.05, high=4)),
        ("log1p", torch.log1p, dict(low=-0.9, high=3)),
        ("sqrt", torch.sqrt, dict(low=0.05, high=4)),
        ("rsqrt", torch.rsqrt, dict(low=0.1, high=4)),
        ("abs", torch.abs, None),
        ("square", torch.square, None),
        ("sign", torch.sign, None),
        ("sin", torch.sin, dict(low=-6, high=6)),
        ("cos", torch.cos, dict(low=-6, high=6)),
    ]
    for op, function, bounds in cases:
        name = f"{op}/basic"
        g = _x(name)
        x = g.uniform(3, 4, **bounds) if bounds else g.normal(3, 4)
        if op in ("abs", "sign"):
            x.reshape(-1)[:2] = [0.0, -0.0]   # gradient 0 at 0, as PyTorch
        c.add(name, op, [("x", x)], function)
    name = "reciprocal/basic"
    c.add(name, "reciprocal", [("x", _x(name).away_from_zero(3, 4))], torch.reciprocal)
    name = "exp/large_and_small"
    c.add(name, "exp", [("x", with_specials(name, [2, 4], [-80.0, -20.0, 20.0, 80.0]))], torch.exp)

    for label, lower, upper in [("both", -0.5, 0.75), ("lower_only", -0.25, None), ("upper_only", None, 0.5)]:
        name = f"clamped/{label}"
        specials = [v for v in (lower, upper) if v is not None]   # bounds are inclusive for the gradient
        x = with_specials(name, [3, 4], specials)
        params = {}
        if lower is not None:
            params["min"] = lower
        if upper is not None:
            params["max"] = upper
        c.add(name, "clamped", [("x", x)], lambda x, lo=lower, hi=upper: inclusive_clamp(x, lo, hi), params,
              note="gradient 1 at the bounds, as TensorFlow's clip_by_value (torch.clamp gives 0 there)")


def activations(c):
    elementwise = [
        ("relu", {}, torch.relu),
        ("leakyRelu", {}, lambda x: F.leaky_relu(x, 0.3)),           # Keras' default slope
        ("leakyRelu", {"alpha": 0.1}, lambda x: F.leaky_relu(x, 0.1)),
        ("elu", {}, F.elu),
        ("elu", {"alpha": 0.5}, lambda x: F.elu(x, 0.5)),
        ("selu", {}, F.selu),
        ("gelu", {}, F.gelu),
        ("gelu", {"approximate": True}, lambda x: F.gelu(x, approximate="tanh")),
        ("gelu", {"approximate": False}, F.gelu),
        ("sigmoid", {}, torch.sigmoid),
        ("tanh", {}, torch.tanh),
        ("softplus", {}, F.softplus),
        ("softsign", {}, F.softsign),
        ("swish", {}, F.silu),
    ]
    for op, params, function in elementwise:
        suffix = "_".join(f"{k}={v}" for k, v in params.items()) or "default"
        name = f"{op}/{suffix}"
        g = _x(name)
        x = g.normal(3, 5, scale=2.0)
        x.reshape(-1)[0] = 0.0
        c.add(name, op, [("x", x)], function, params)
    for op, function in [("sigmoid", torch.sigmoid), ("tanh", torch.tanh), ("softplus", F.softplus),
                         ("swish", F.silu), ("gelu", F.gelu), ("elu", F.elu), ("selu", F.selu),
                         ("softsign", F.softsign)]:
        name = f"{op}/saturated"
        x = np.array([-60, -30, -12, -5, 5, 12, 30, 60], dtype=np.float32)
        c.add(name, op, [("x", x)], function)

    for op, function in [("softmax", torch.softmax), ("logSoftmax", torch.log_softmax)]:
        for label, shape, axis in [("last", [3, 5], None), ("last_rank3", [2, 3, 4], -1),
                                   ("middle", [2, 4, 3], 1), ("first", [3, 2, 2], 0)]:
            name = f"{op}/{label}"
            g = _x(name)
            params = {} if axis is None else {"axis": axis}
            c.add(name, op, [("x", g.normal(*shape, scale=2.0))],
                  lambda x, a=(-1 if axis is None else axis), f=function: f(x, a), params)
        name = f"{op}/large_logits"
        c.add(name, op, [("x", _x(name).normal(2, 4) + np.float32(1000))],
              lambda x, f=function: f(x, -1))
        name = f"{op}/masked"
        x = _x(name).normal(2, 4)
        x[0, 1] = x[1, 3] = -np.inf
        c.add(name, op, [("x", x)], lambda x, f=function: f(x, -1))


def reductions(c):
    axis_sets = [
        ("axis1", [1], False), ("last_keep", [-1], True), ("first", [0], False),
        ("nonadjacent_keep", [0, 2], True), ("nonadjacent", [0, 2], False),
        ("two_trailing", [1, 2], False), ("all", None, False),
    ]
    everything = (0, 1, 2)

    def dims(axes):
        return everything if axes is None else tuple(axes)

    def params_of(axes, keep, **more):
        params = {} if axes is None else {"axes": axes, "keepDims": keep}
        params.update(more)
        return params

    simple = {
        "sum": lambda x, d, k: x.sum(dim=d, keepdim=k),
        "mean": lambda x, d, k: x.mean(dim=d, keepdim=k),
        "max": lambda x, d, k: x.amax(dim=d, keepdim=k),
        "min": lambda x, d, k: x.amin(dim=d, keepdim=k),
        "logSumExp": lambda x, d, k: torch.logsumexp(x, dim=d, keepdim=k),
    }
    for op, function in simple.items():
        for label, axes, keep in axis_sets:
            name = f"{op}/{label}"
            c.add(name, op, [("x", _x(name).normal(2, 3, 4))],
                  lambda x, f=function, d=dims(axes), k=keep: f(x, d, k), params_of(axes, keep))
    for op in ("max", "min"):
        function = simple[op]
        for label, axes in [("ties_axis1", [1]), ("ties_all", None)]:
            name = f"{op}/{label}"
            c.add(name, op, [("x", _x(name).integers_as_float(2, 3, 4, low=-1, high=2))],
                  lambda x, f=function, d=dims(axes): f(x, d, False), params_of(axes, False),
                  note="ties share the gradient equally, as torch.amax/amin")
    name = "logSumExp/large"
    c.add(name, "logSumExp", [("x", _x(name).normal(2, 3, 4) + np.float32(500))],
          lambda x: torch.logsumexp(x, dim=(2,)), params_of([2], False))
    name = "logSumExp/partly_negative_infinity"
    x = _x(name).normal(2, 3, 4)
    x[0, 1, 2] = x[1, 2, 0] = x[1, 2, 3] = -np.inf
    c.add(name, "logSumExp", [("x", x)], lambda x: torch.logsumexp(x, dim=(2,)), params_of([2], False))

    for op, function in [("variance", torch.var), ("standardDeviation", torch.std)]:
        for label, axes, keep in axis_sets:
            for correction in (None, 1):
                suffix = "population" if correction is None else "correction1"
                name = f"{op}/{label}/{suffix}"
                params = params_of(axes, keep)
                if correction is not None:
                    params["correction"] = correction
                c.add(name, op, [("x", _x(name).normal(2, 3, 4))],
                      lambda x, f=function, d=dims(axes), k=keep, cc=(correction or 0): f(x, dim=d, correction=cc, keepdim=k),
                      params)

    for op, function in [("argmax", torch.argmax), ("argmin", torch.argmin)]:
        for label, axis, keep, ties in [("default_axis", None, False, False), ("axis0_keep", 0, True, False),
                                        ("middle", 1, False, False), ("ties_first_index", -1, False, True)]:
            name = f"{op}/{label}"
            g = _x(name)
            x = g.integers_as_float(2, 3, 4, low=0, high=2) if ties else g.normal(2, 3, 4)
            params = {} if axis is None else {"axis": axis, "keepDims": keep}
            c.add(name, op, [("x", x)],
                  lambda x, f=function, a=(-1 if axis is None else axis), k=keep: f(x, dim=a, keepdim=k), params)


def matmul(c):
    def stored(shape, transpose):
        """Shape as stored: a transposed operand keeps its last two dims swapped."""
        if transpose and len(shape) >= 2:
            return shape[:-2] + [shape[-1], shape[-2]]
        return shape

    def reference(a, b, ta, tb):
        if ta and a.dim() >= 2:
            a = a.transpose(-2, -1)
        if tb and b.dim() >= 2:
            b = b.transpose(-2, -1)
        return torch.matmul(a, b)

    # (label, logical shape of A, logical shape of B, transposeA, transposeB)
    cases = [
        ("2d", [3, 4], [4, 5], False, False),
        ("2d_transposeA", [3, 4], [4, 5], True, False),
        ("2d_transposeB", [3, 4], [4, 5], False, True),
        ("2d_transposeA_transposeB", [3, 4], [4, 5], True, True),
        ("batched", [2, 3, 4], [2, 4, 5], False, False),
        ("batched_transposeA", [2, 3, 4], [2, 4, 5], True, False),
        ("batched_transposeB", [2, 3, 4], [2, 4, 5], False, True),
        ("batched_both", [2, 3, 4], [2, 4, 5], True, True),
        ("broadcast_batch", [2, 1, 3, 4], [3, 4, 5], False, False),
        ("broadcast_batch_transposeB", [2, 1, 3, 4], [3, 4, 5], False, True),
        ("singleton_batch_left", [1, 3, 4], [2, 4, 5], False, False),
        ("batched_by_matrix", [2, 3, 4], [4, 5], False, False),
        ("batched_by_matrix_transposeB", [2, 3, 4], [4, 5], False, True),
        ("batched_by_matrix_transposeA", [2, 3, 4], [4, 5], True, False),
        ("matrix_by_batched", [3, 4], [2, 4, 5], False, False),
        ("matrix_by_batched_transposeA", [3, 4], [2, 4, 5], True, False),
        ("vector_by_matrix", [4], [4, 5], False, False),
        ("vector_by_matrix_transposeB", [4], [4, 5], False, True),
        ("matrix_by_vector", [3, 4], [4], False, False),
        ("matrix_transposeA_by_vector", [3, 4], [4], True, False),
        ("batched_by_vector", [2, 3, 4], [4], False, False),
        ("vector_by_batched", [4], [2, 4, 5], False, False),
        ("vector_by_vector", [4], [4], False, False),
    ]
    for label, left, right, ta, tb in cases:
        name = f"matmul/{label}"
        g = _x(name)
        params = {}
        if ta:
            params["transposeA"] = True
        if tb:
            params["transposeB"] = True
        c.add(name, "matmul", [("a", g.normal(*stored(left, ta))), ("b", g.normal(*stored(right, tb)))],
              lambda a, b, ta=ta, tb=tb: reference(a, b, ta, tb), params)


def shape_ops(c):
    def add(name, op, shape, function, params=None):
        c.add(name, op, [("x", _x(name).normal(*shape))], function, params)

    add("reshaped/infer", "reshaped", [2, 3, 4], lambda x: x.reshape(4, -1), {"shape": [4, -1]})
    add("reshaped/explicit", "reshaped", [2, 3, 4], lambda x: x.reshape(6, 4), {"shape": [6, 4]})
    add("reshaped/to_rank4", "reshaped", [6, 4], lambda x: x.reshape(2, 3, 2, 2), {"shape": [2, 3, 2, 2]})
    add("permuted/rotate", "permuted", [2, 3, 4], lambda x: x.permute(2, 0, 1), {"permutation": [2, 0, 1]})
    add("permuted/rank4", "permuted", [2, 3, 2, 2], lambda x: x.permute(1, 3, 0, 2), {"permutation": [1, 3, 0, 2]})
    add("transposed/default_last_two", "transposed", [2, 3, 4], lambda x: x.transpose(-2, -1))
    add("transposed/outer", "transposed", [2, 3, 4], lambda x: x.transpose(0, 2), {"axes": [0, 2]})
    add("T/matrix", "T", [3, 5], lambda x: x.T)
    add("squeezed/all", "squeezed", [1, 3, 1, 2], lambda x: x.squeeze())
    add("squeezed/axis", "squeezed", [1, 3, 1, 2], lambda x: x.squeeze(2), {"axis": 2})
    add("squeezed/negative_axis", "squeezed", [3, 2, 1], lambda x: x.squeeze(-1), {"axis": -1})
    add("unsqueezed/front", "unsqueezed", [3, 2], lambda x: x.unsqueeze(0), {"axis": 0})
    add("unsqueezed/middle", "unsqueezed", [3, 2], lambda x: x.unsqueeze(1), {"axis": 1})
    add("unsqueezed/end_negative", "unsqueezed", [3, 2], lambda x: x.unsqueeze(-1), {"axis": -1})
    add("flattened/all", "flattened", [2, 3, 4], lambda x: x.flatten())
    add("flattened/from_axis1", "flattened", [2, 3, 4], lambda x: x.flatten(1), {"startAxis": 1})
    add("flattened/from_last", "flattened", [2, 3, 4], lambda x: x.flatten(2), {"startAxis": 2})
    add("broadcast/column", "broadcast", [3, 1], lambda x: x.broadcast_to(2, 3, 4), {"shape": [2, 3, 4]})
    add("broadcast/prepend", "broadcast", [4], lambda x: x.broadcast_to(2, 3, 4), {"shape": [2, 3, 4]})
    add("broadcast/scalar", "broadcast", [], lambda x: x.broadcast_to(2, 2), {"shape": [2, 2]})


def indexing(c):
    # Slice specs in Synapse's TensorIndex vocabulary, and the same index for torch.
    def to_torch(spec):
        result = []
        for entry in spec:
            kind = entry["kind"]
            if kind == "index":
                result.append(entry["value"])
            elif kind == "range":
                result.append(slice(entry.get("start"), entry.get("end"), entry.get("step", 1)))
            elif kind == "all":
                result.append(slice(None))
            elif kind == "newAxis":
                result.append(None)
            elif kind == "ellipsis":
                result.append(Ellipsis)
        return tuple(result)

    def r(start=None, end=None, step=1):
        entry = {"kind": "range", "step": step}
        if start is not None:
            entry["start"] = start
        if end is not None:
            entry["end"] = end
        return entry

    ALL, NEW, ELLIPSIS = {"kind": "all"}, {"kind": "newAxis"}, {"kind": "ellipsis"}

    def i(value):
        return {"kind": "index", "value": value}

    slices = [
        ("ranges_and_step", [r(1, 3), ALL, r(0, 6, 2)]),
        ("steps_everywhere", [r(1, None, 2), i(2), r(None, None, 3)]),
        ("ellipsis_last_index", [ELLIPSIS, i(-1)]),
        ("new_axis_and_step", [NEW, i(0), r(1, 5, 3)]),
        ("negative_bounds", [r(-3, -1)]),
        ("two_integers", [i(1), i(2)]),
        ("step_larger_than_axis", [ALL, r(None, None, 7), r(5, None, 4)]),
        ("empty_range", [r(2, 2)]),
    ]
    for label, spec in slices:
        name = f"slice/{label}"
        c.add(name, "slice", [("x", _x(name).normal(4, 5, 6))],
              lambda x, key=to_torch(spec): x[key], {"indices": spec})

    def gather(x, indices, axis):
        axis = axis % x.dim()
        picked = torch.index_select(x, axis, indices.reshape(-1))
        return picked.reshape(x.shape[:axis] + indices.shape + x.shape[axis + 1:])

    gathers = [
        ("axis0_repeated", [5, 3], np.array([0, 4, 4, 1, 0], dtype=np.int32), None),
        ("axis1", [2, 5, 3], np.array([3, 0, 3], dtype=np.int32), 1),
        ("last_axis", [2, 3, 4], np.array([3, 3, 1], dtype=np.int32), -1),
        ("nd_indices", [5, 3], np.array([[0, 2], [2, 4], [1, 1]], dtype=np.int32), None),
        ("nd_indices_middle_axis", [2, 4, 3], np.array([[3, 0], [0, 0]], dtype=np.int32), 1),
    ]
    for label, shape, indices, axis in gathers:
        name = f"gather/{label}"
        params = {} if axis is None else {"axis": axis}
        c.add(name, "gather", [("x", _x(name).normal(*shape)), ("indices", indices)],
              lambda x, idx, a=(0 if axis is None else axis): gather(x, idx, a), params)

    one_hots = [
        ("vector", np.array([0, 2, 1, 3, 3], dtype=np.int32), 4),
        ("matrix", np.array([[2, 0, 1], [1, 1, 0]], dtype=np.int32), 3),
        ("out_of_range_is_zero_row", np.array([-1, 0, 3, 2], dtype=np.int32), 3),
    ]
    for label, indices, depth in one_hots:
        expected = (indices[..., None] == np.arange(depth)).astype(np.float32)
        c.add_values(f"oneHot/{label}", "oneHot", [("indices", indices)], [expected], {"depth": depth},
                     note="Keras convention: indices outside 0..<depth give all-zero rows")


def joining(c):
    def add(name, op, shapes, function, params=None):
        g = _x(name)
        c.add(name, op, [(f"x{k}", g.normal(*shape)) for k, shape in enumerate(shapes)], function, params)

    add("concatenate/axis0", "concatenate", [[1, 3], [2, 3], [3, 3]], lambda *xs: torch.cat(xs, 0))
    add("concatenate/axis1", "concatenate", [[2, 1, 4], [2, 3, 4]], lambda *xs: torch.cat(xs, 1), {"axis": 1})
    add("concatenate/last_negative", "concatenate", [[2, 3, 1], [2, 3, 2], [2, 3, 3]],
        lambda *xs: torch.cat(xs, -1), {"axis": -1})
    add("stack/axis0", "stack", [[2, 3], [2, 3]], lambda *xs: torch.stack(xs, 0))
    add("stack/axis1", "stack", [[2, 3], [2, 3], [2, 3]], lambda *xs: torch.stack(xs, 1), {"axis": 1})
    add("stack/last_negative", "stack", [[2, 3], [2, 3]], lambda *xs: torch.stack(xs, -1), {"axis": -1})
    add("split/sizes_axis1", "split", [[2, 6, 2]], lambda x: torch.split(x, [1, 3, 2], 1),
        {"sizes": [1, 3, 2], "axis": 1})
    add("split/sizes_with_empty_piece", "split", [[4, 3]], lambda x: torch.split(x, [2, 0, 2], 0),
        {"sizes": [2, 0, 2]})
    add("split/count_axis0", "split", [[4, 3]], lambda x: torch.split(x, 2, 0), {"count": 2})
    add("split/count_last", "split", [[2, 6]], lambda x: torch.split(x, 2, -1), {"count": 3, "axis": -1})
    add("narrowed/middle", "narrowed", [[2, 5, 3]], lambda x: x.narrow(1, 1, 3), {"axis": 1, "start": 1, "length": 3})


def comparison(c):
    operators = {
        ".==": torch.eq, ".!=": torch.ne, ".<": torch.lt,
        ".<=": torch.le, ".>": torch.gt, ".>=": torch.ge,
    }
    for op, function in operators.items():
        name = f"{op}/float_ties_broadcast"
        g = _x(name)
        c.add(name, op, [("a", g.integers_as_float(3, 4, low=-1, high=2)),
                         ("b", g.integers_as_float(4, low=-1, high=2))], function)
        name = f"{op}/int32"
        g = _x(name)
        c.add(name, op, [("a", g.int32(2, 3, low=0, high=3)), ("b", g.int32(2, 3, low=0, high=3))], function)
        name = f"{op}/scalar"
        g = _x(name)
        c.add(name, "compareScalar", [("x", g.integers_as_float(2, 4, low=-2, high=3))],
              lambda x, f=function: f(x, torch.tensor(1.0)), {"operator": op, "scalar": 1.0})

    specials = np.array([[1.5, np.inf, -np.inf], [np.nan, 0.0, -2.0]], dtype=np.float32)
    c.add("isFinite/specials", "isFinite", [("x", specials)], torch.isfinite)
    c.add("isNaN/specials", "isNaN", [("x", specials)], torch.isnan)

    name = "where/same_shape"
    g = _x(name)
    c.add(name, "where", [("condition", g.bool(2, 3)), ("a", g.normal(2, 3)), ("b", g.normal(2, 3))], torch.where)
    name = "where/broadcast_condition_and_scalar"
    g = _x(name)
    c.add(name, "where", [("condition", g.bool(3)), ("a", g.normal(2, 3)), ("b", g.normal())], torch.where)
    name = "where/broadcast_values"
    g = _x(name)
    c.add(name, "where", [("condition", g.bool(2, 3)), ("a", g.normal(2, 1)), ("b", g.normal(3))], torch.where)

    values = np.array([[-2.7, -1.0, -0.5, 0.0], [0.4, 1.0, 2.9, 7.5]], dtype=np.float32)
    c.add("to/float_to_int32_truncates", "to", [("x", values)], lambda x: x.to(torch.int32), {"dtype": "int32"})
    c.add("to/float_to_bool", "to", [("x", values)], lambda x: x != 0, {"dtype": "bool"})
    c.add("to/float_to_float_keeps_gradient", "to", [("x", values)], lambda x: x, {"dtype": "float32"})
    ints = np.array([[-3, 0, 2], [7, 1, -1]], dtype=np.int32)
    c.add("to/int32_to_float", "to", [("x", ints)], lambda x: x.to(torch.float64), {"dtype": "float32"})
    c.add("to/int32_to_bool", "to", [("x", ints)], lambda x: x != 0, {"dtype": "bool"})
    bools = np.array([True, False, True])
    c.add("to/bool_to_float", "to", [("x", bools)], lambda x: x.to(torch.float64), {"dtype": "float32"})
    c.add("to/bool_to_int32", "to", [("x", bools)], lambda x: x.to(torch.int32), {"dtype": "int32"})


def ops_cases():
    """Every case of the "ops" group, in a stable order."""
    collector = Collector()
    for section in (arithmetic, unary_math, activations, reductions, matmul,
                    shape_ops, indexing, joining, comparison):
        section(collector)
    return collector.cases
