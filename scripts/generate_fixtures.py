#!/usr/bin/env python3
"""Generates the reference values (fixtures) that Synapse's tests compare against.

Run from anywhere:

    python3 scripts/generate_fixtures.py            # every group
    python3 scripts/generate_fixtures.py --only ops # one group
    python3 scripts/generate_fixtures.py --list

The script re-executes itself inside $HOME/.cache/synapse-venv (override with
SYNAPSE_VENV), creating it with numpy, torch, safetensors and keras when missing.

Groups live in GROUPS below: a name, the JSON file it writes (relative to the
repository root) and a function returning the cases. Add a group by writing
such a function (here or in a module next to this file) and registering it.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import fixtures_common as common  # noqa: E402


def main(argv):
    common.ensure_venv_and_reexec(os.path.abspath(__file__), argv)

    import numpy
    import torch

    from fixtures_attention import attention_cases
    from fixtures_conv import conv_cases
    from fixtures_layers import layers_cases
    from fixtures_losses import losses_cases
    from fixtures_merge import merge_cases
    from fixtures_ops import ops_cases
    from fixtures_optimizers import optimizers_cases

    groups = {
        # name: (output file relative to the repository root, case builder)
        "ops": ("Tests/SynapseCoreTests/Fixtures/ops.json", ops_cases),
        "optimizers": ("Tests/SynapseNNTests/Fixtures/optimizers.json", optimizers_cases),
        "losses": ("Tests/SynapseNNTests/Fixtures/losses.json", losses_cases),
        "conv": ("Tests/SynapseCoreTests/Fixtures/conv.json", conv_cases),
        "layers": ("Tests/SynapseNNTests/Fixtures/layers.json", layers_cases),
        "merge": ("Tests/SynapseNNTests/Fixtures/merge.json", merge_cases),
        "attention": ("Tests/SynapseNNTests/Fixtures/attention.json", attention_cases),
    }

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(groups),
                        help="generate only this group (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the groups and exit")
    arguments = parser.parse_args(argv)

    if arguments.list:
        for name, (path, _) in groups.items():
            print(f"{name}\t{path}")
        return 0

    torch.set_default_dtype(torch.float64)
    for name in arguments.only or list(groups):
        path, build = groups[name]
        cases = build()
        header = {
            "generator": "scripts/generate_fixtures.py",
            "group": name,
            "torch": torch.__version__.split("+")[0],
            "numpy": numpy.__version__,
            "convention": "outputs and gradients computed in float64 from the float32 inputs, "
                          "then rounded to float32; loss = sum over float outputs of sum(output * weight)",
        }
        size = common.write_fixture_file(os.path.join(ROOT, path), header, cases)
        print(f"{name}: {len(cases)} cases -> {path} ({size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
