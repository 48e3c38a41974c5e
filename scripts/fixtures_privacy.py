#!/usr/bin/env python3
"""Writes Opacus' privacy accounting for a grid of DP-SGD settings, which Synapse's
PrivacyAccountant must reproduce within 1 % (Tests/SynapseTrainingTests/Fixtures/privacy.json).

    python3 scripts/fixtures_privacy.py

Re-executes itself inside $HOME/.cache/synapse-venv (see fixtures_common.py) and
installs Opacus there when it is missing (without touching the installed torch).
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import fixtures_common as common  # noqa: E402


def main(argv):
    common.ensure_venv_and_reexec(os.path.abspath(__file__), argv)
    try:
        import opacus  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "opacus"])
    import warnings
    from opacus.accountants import RDPAccountant
    from opacus.accountants.analysis.rdp import compute_rdp
    from opacus.accountants.utils import get_noise_multiplier

    warnings.simplefilter("ignore")
    cases = []
    for q, sigma, steps, delta in [
        (256 / 60000, 1.1, 60000 // 256 * 15, 1e-5),     # Abadi et al.'s MNIST setting, 15 epochs
        (256 / 60000, 1.1, 60000 // 256 * 60, 1e-5),
        (0.01, 0.8, 1000, 1e-5),
        (0.01, 4.0, 10000, 1e-6),
        (0.1, 1.0, 100, 1e-5),
        (0.02, 0.6, 50, 1e-3),
        (1.0, 5.0, 10, 1e-5),                              # full batches
        (0.004, 2.0, 1, 1e-5),
    ]:
        accountant = RDPAccountant()
        accountant.history = [(sigma, q, steps)]
        epsilon, order = accountant.get_privacy_spent(delta=delta)
        orders = [1.5, 2.0, 3.7, 10.0, 32.0]
        rdp = [float(v) for v in compute_rdp(q=q, noise_multiplier=sigma, steps=1, orders=orders)]
        cases.append({"sample_rate": q, "noise_multiplier": sigma, "steps": steps, "delta": delta,
                      "epsilon": float(epsilon), "order": float(order), "orders": orders, "rdp_per_step": rdp})
    noise = []
    for target, q, steps in [(3.0, 256 / 60000, 60000 // 256 * 15), (1.0, 0.01, 2000), (8.0, 0.05, 400)]:
        noise.append({"target_epsilon": target, "delta": 1e-5, "sample_rate": q, "steps": steps,
                      "noise_multiplier": float(get_noise_multiplier(target_epsilon=target, target_delta=1e-5,
                                                                     sample_rate=q, steps=steps))})
    out = os.path.join(ROOT, "Tests", "SynapseTrainingTests", "Fixtures")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "privacy.json"), "w") as f:
        import opacus
        json.dump({"generator": "opacus " + opacus.__version__, "epsilon": cases, "noise_multiplier": noise}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} accounting and {len(noise)} noise-multiplier cases")


if __name__ == "__main__":
    main(sys.argv[1:])
