#!/usr/bin/env python3
"""Reference values for gradients of gradients, from PyTorch's
torch.autograd.grad(create_graph=True), in float64.

Writes Tests/SynapseCoreTests/Fixtures/second_order.json:
- "elementwise": d²/dx² of sum(f(x)) for activation functions at fixed points;
- "hvp": a Hessian-vector product of a small tanh MLP's cross-entropy loss with
  respect to its first weight matrix;
- "gradient_penalty": the WGAN-GP term (‖∇ₓD(x)‖₂ − 1)² averaged over a batch, for a
  small critic D, and its gradient with respect to the critic's weights.

Run: python3 scripts/fixtures_second_order.py (re-executes itself in the project's
virtual environment, created when missing).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixtures_common as common  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "SynapseCoreTests", "Fixtures",
                   "second_order.json")


def array(tensor):
    return {"shape": list(tensor.shape), "values": [float(v) for v in tensor.detach().reshape(-1).tolist()]}


def main():
    import torch
    import torch.nn.functional as F
    torch.manual_seed(0)
    generator = common.rng_for("second_order")

    def t(*shape, low=-1.0, high=1.0):
        return torch.tensor(generator.uniform(low, high, shape), dtype=torch.float64)

    elementwise = []
    functions = {
        "tanh": torch.tanh, "sigmoid": torch.sigmoid, "softplus": F.softplus, "swish": F.silu,
        "gelu": F.gelu, "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"), "elu": lambda x: F.elu(x, alpha=0.7),
        "exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt, "erf": torch.erf, "softsign": F.softsign,
    }
    for name, function in functions.items():
        positive = name in ("log", "sqrt")
        x = t(7, low=0.3 if positive else -2.5, high=2.5).requires_grad_()
        (first,) = torch.autograd.grad(function(x).sum(), x, create_graph=True)
        (second,) = torch.autograd.grad(first.sum(), x)
        elementwise.append({"name": name, "x": array(x), "first": array(first), "second": array(second)})

    # Hessian-vector product of an MLP loss with respect to W1.
    x, w1, b1, w2 = t(5, 4), t(4, 6), t(6), t(6, 3)
    labels = torch.tensor([0, 2, 1, 1, 0])
    v = t(4, 6)
    w1.requires_grad_()
    loss = F.cross_entropy(torch.tanh(x @ w1 + b1) @ w2, labels)
    (g,) = torch.autograd.grad(loss, w1, create_graph=True)
    (hv,) = torch.autograd.grad((g * v).sum(), w1)
    hvp = {"x": array(x), "w1": array(w1), "b1": array(b1), "w2": array(w2), "labels": labels.tolist(),
           "v": array(v), "loss": float(loss.detach()), "gradient": array(g), "hvp": array(hv)}

    # Gradient penalty of a critic D(x) = tanh(x·A + c)·u.
    real, a, c, u = t(4, 3), t(3, 5), t(5), t(5, 1)
    a.requires_grad_()
    u.requires_grad_()
    real.requires_grad_()
    critic = torch.tanh(real @ a + c) @ u
    (gx,) = torch.autograd.grad(critic.sum(), real, create_graph=True)
    penalty = ((gx.norm(dim=1) - 1) ** 2).mean()
    ga, gu = torch.autograd.grad(penalty, [a, u])
    gradient_penalty = {"x": array(real), "a": array(a), "c": array(c), "u": array(u), "penalty": float(penalty.detach()),
                        "gradient_a": array(ga), "gradient_u": array(gu)}

    with open(OUT, "w") as handle:
        json.dump({"torch": torch.__version__, "elementwise": elementwise, "hvp": hvp,
                   "gradient_penalty": gradient_penalty}, handle, indent=1)
        handle.write("\n")
    print(f"wrote {os.path.relpath(OUT)}")


if __name__ == "__main__":
    common.ensure_venv_and_reexec(os.path.abspath(__file__), sys.argv[1:])
    main()
