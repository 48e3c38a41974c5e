#!/usr/bin/env python3
"""Fixture group "optimizers": PyTorch trajectories of Synapse's optimizers.

Every case trains the same tiny linear regression (x: [8, 3], y: [8, 2],
parameters W: [3, 2] and b: [2], loss = mean((x @ W + b - y)^2)) for 10 steps
in float32 with a torch.optim optimizer, and records both parameters after each
step. The Swift test runs the Synapse optimizer with the same options and
compares the trajectories.

`options` are the Synapse initializer's arguments in Synapse's spelling; the
torch optimizer gets the same values (epsilon passed explicitly, RMSprop's
`alpha` = `rho`). Gradient clipping is done as Synapse's Optimizer.step() does:
value clipping with torch.nn.utils.clip_grad_value_, global norm clipping with
torch.nn.utils.clip_grad_norm_ (its +1e-6 in the denominator differs from Keras'
formula by ~1e-6 relative), per-parameter norm clipping with Keras' formula
g * c / max(|g|, c) (torch has no per-parameter variant). A `schedule` is
evaluated with Keras' formula at the step index and written into the param
group's lr before each step.

Registered in generate_fixtures.py as the "optimizers" group, written to
Tests/SynapseNNTests/Fixtures/optimizers.json:

    python3 scripts/generate_fixtures.py --only optimizers
    python3 scripts/fixtures_optimizers.py          # the same
"""

import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 10


def _problem():
    """The regression data and initial parameters, float32, seeded by name."""
    from fixtures_common import Inputs
    g = Inputs("optimizers/problem")
    x = g.normal(8, 3)
    true_w = g.normal(3, 2, scale=2.0)
    y = (x @ true_w + g.normal(8, 2, scale=0.1)).astype("float32")
    w0 = g.normal(3, 2, scale=0.5)
    b0 = g.normal(2, scale=0.5)
    return [("x", x), ("y", y), ("w", w0), ("b", b0)]


def _schedule_value(schedule, step):
    """Keras 3's formulas (float64 here; Synapse evaluates them in double too)."""
    kind = schedule["kind"]
    if kind == "exponential":
        exponent = step / schedule["decaySteps"]
        if schedule.get("staircase", False):
            exponent = math.floor(exponent)
        return schedule["initialLearningRate"] * schedule["decayRate"] ** exponent
    if kind == "cosine":
        initial = schedule["initialLearningRate"]
        decay_steps = schedule["decaySteps"]
        alpha = schedule.get("alpha", 0.0)
        target = schedule.get("warmupTarget")
        warmup = schedule.get("warmupSteps", 0)

        def decay(s, start):
            cosine = 0.5 * (1.0 + math.cos(math.pi * s / decay_steps))
            return start * ((1 - alpha) * cosine + alpha)

        if target is None:
            return decay(min(step, decay_steps), initial)
        s = min(step, decay_steps + warmup)
        if s < warmup:
            return (target - initial) * (s / warmup) + initial
        return decay(s - warmup, target)
    raise ValueError(f"unknown schedule kind {kind}")


def _torch_optimizer(kind, options, parameters):
    import torch
    lr = options.get("learningRate", 0.01)
    if kind == "sgd":
        return torch.optim.SGD(parameters, lr=lr, momentum=options.get("momentum", 0.0),
                               nesterov=options.get("nesterov", False),
                               weight_decay=options.get("weightDecay", 0.0), foreach=False)
    if kind in ("adam", "adamw"):
        cls = torch.optim.Adam if kind == "adam" else torch.optim.AdamW
        return cls(parameters, lr=lr, betas=(options.get("beta1", 0.9), options.get("beta2", 0.999)),
                   eps=options["epsilon"], amsgrad=options.get("amsgrad", False),
                   weight_decay=options.get("weightDecay", 0.0), foreach=False)
    if kind == "rmsprop":
        return torch.optim.RMSprop(parameters, lr=lr, alpha=options["rho"], eps=options["epsilon"],
                                   momentum=options.get("momentum", 0.0),
                                   centered=options.get("centered", False), foreach=False)
    if kind == "adagrad":
        return torch.optim.Adagrad(parameters, lr=lr, eps=options["epsilon"],
                                   initial_accumulator_value=options["initialAccumulatorValue"],
                                   foreach=False)
    raise ValueError(f"unknown optimizer {kind}")


def _clip(options, parameters):
    import torch
    if "clipValue" in options:
        torch.nn.utils.clip_grad_value_(parameters, options["clipValue"], foreach=False)
    if "clipNorm" in options:
        limit = options["clipNorm"]
        for p in parameters:
            norm = float(p.grad.norm())
            p.grad.mul_(limit / max(norm, limit))
    if "globalClipNorm" in options:
        torch.nn.utils.clip_grad_norm_(parameters, options["globalClipNorm"], foreach=False)


def _case(name, kind, options, schedule=None, note=None):
    import torch
    from fixtures_common import encode_array
    inputs = _problem()
    arrays = dict(inputs)
    x = torch.tensor(arrays["x"], dtype=torch.float32)
    y = torch.tensor(arrays["y"], dtype=torch.float32)
    w = torch.tensor(arrays["w"], dtype=torch.float32, requires_grad=True)
    b = torch.tensor(arrays["b"], dtype=torch.float32, requires_grad=True)
    parameters = [w, b]
    optimizer = _torch_optimizer(kind, options, parameters)
    trajectory = []
    for step in range(STEPS):
        if schedule is not None:
            for group in optimizer.param_groups:
                group["lr"] = _schedule_value(schedule, step)
        optimizer.zero_grad()
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        _clip(options, parameters)
        optimizer.step()
        trajectory.append([encode_array(p.detach().numpy().copy()) for p in parameters])
    record = {
        "name": name,
        "optimizer": kind,
        "options": options,
        "steps": STEPS,
        "inputs": [dict(name=n, **encode_array(a)) for n, a in inputs],
        "trajectory": trajectory,
    }
    if schedule is not None:
        record["schedule"] = schedule
    if note is not None:
        record["note"] = note
    return record


def optimizers_cases():
    """The cases of the "optimizers" group."""
    eps = 1e-7
    return [
        _case("sgd/plain", "sgd", {"learningRate": 0.1}),
        _case("sgd/momentum", "sgd", {"learningRate": 0.05, "momentum": 0.9}),
        _case("sgd/nesterov", "sgd", {"learningRate": 0.05, "momentum": 0.9, "nesterov": True}),
        _case("sgd/weight_decay", "sgd", {"learningRate": 0.1, "momentum": 0.5, "weightDecay": 0.1}),
        _case("sgd/clip_value", "sgd", {"learningRate": 0.1, "clipValue": 0.2}),
        _case("sgd/clip_norm", "sgd", {"learningRate": 0.1, "momentum": 0.9, "clipNorm": 0.5}),
        _case("sgd/global_clip_norm", "sgd", {"learningRate": 0.1, "momentum": 0.9, "globalClipNorm": 0.5}),
        _case("sgd/exponential_decay", "sgd", {"learningRate": 0.1, "momentum": 0.9},
              schedule={"kind": "exponential", "initialLearningRate": 0.1, "decaySteps": 4, "decayRate": 0.5}),
        _case("adam/plain", "adam", {"learningRate": 0.05, "epsilon": eps}),
        _case("adam/amsgrad", "adam", {"learningRate": 0.05, "epsilon": eps, "amsgrad": True,
                                        "beta1": 0.8, "beta2": 0.9}),
        _case("adam/weight_decay", "adam", {"learningRate": 0.05, "epsilon": eps, "weightDecay": 0.1}),
        _case("adam/global_clip_norm", "adam", {"learningRate": 0.05, "epsilon": eps, "globalClipNorm": 1.0}),
        _case("adam/cosine_warmup", "adam", {"learningRate": 0.05, "epsilon": eps},
              schedule={"kind": "cosine", "initialLearningRate": 0.0, "decaySteps": 6,
                        "alpha": 0.1, "warmupTarget": 0.05, "warmupSteps": 3}),
        _case("adam/large_epsilon", "adam", {"learningRate": 0.05, "epsilon": 0.5},
              note="epsilon large enough that PyTorch's placement (after bias correction) differs from Keras'"),
        _case("adamw/plain", "adamw", {"learningRate": 0.05, "epsilon": eps, "weightDecay": 0.1}),
        _case("adamw/amsgrad", "adamw", {"learningRate": 0.05, "epsilon": eps, "weightDecay": 0.1,
                                          "amsgrad": True, "beta2": 0.9}),
        _case("rmsprop/plain", "rmsprop", {"learningRate": 0.01, "rho": 0.9, "epsilon": eps}),
        _case("rmsprop/momentum", "rmsprop", {"learningRate": 0.01, "rho": 0.9, "epsilon": eps,
                                              "momentum": 0.9}),
        _case("rmsprop/centered", "rmsprop", {"learningRate": 0.01, "rho": 0.9, "epsilon": eps,
                                              "centered": True}),
        _case("rmsprop/centered_momentum", "rmsprop", {"learningRate": 0.01, "rho": 0.8, "epsilon": eps,
                                                       "centered": True, "momentum": 0.5}),
        _case("rmsprop/large_epsilon", "rmsprop", {"learningRate": 0.01, "rho": 0.9, "epsilon": 0.5,
                                                   "centered": True},
              note="epsilon large enough that PyTorch's placement (outside the root) differs from Keras'"),
        _case("adagrad/plain", "adagrad", {"learningRate": 0.1, "initialAccumulatorValue": 0.1,
                                           "epsilon": eps}),
        _case("adagrad/large_epsilon", "adagrad", {"learningRate": 0.1, "initialAccumulatorValue": 0.1,
                                                   "epsilon": 0.5},
              note="epsilon large enough that PyTorch's placement (outside the root) differs from Keras'"),
        _case("adagrad/clip_value", "adagrad", {"learningRate": 0.1, "initialAccumulatorValue": 0.0,
                                                "epsilon": eps, "clipValue": 0.5}),
    ]


def main(argv):
    """Standalone use: the same as `generate_fixtures.py --only optimizers`."""
    script = os.path.join(HERE, "generate_fixtures.py")
    os.execv(sys.executable, [sys.executable, script, "--only", "optimizers", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
