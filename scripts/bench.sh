#!/usr/bin/env bash
# The benchmark suite (`make bench`): builds synapse-bench in release, makes sure the
# venv has the peers (PyTorch, torchvision, JAX, Keras 3), then runs Benchmarks/bench.py, which
# times Synapse, PyTorch eager and Keras 3 on JAX side by side, prints the table and
# writes Benchmarks/results/latest.json.
#
#   scripts/bench.sh [--threads N] [--only W1,W4] [--quick] [--repeats R] [--rounds N] [--workers N]
#                    [--update-baseline]
#
# W6's folder of MNIST PNG files is written once into $SYNAPSE_SCRATCH/bench-data and reused.
#
# Environment: SYNAPSE_SCRATCH (build folder, default .build), SWIFT (default swift),
# SYNAPSE_VENV (default $HOME/.cache/synapse-venv), PYTHON (to create the venv).
set -euo pipefail
cd "$(dirname "$0")/.."

scratch="${SYNAPSE_SCRATCH:-.build}"
swift="${SWIFT:-swift}"
venv="${SYNAPSE_VENV:-$HOME/.cache/synapse-venv}"

build_flags=(-c release)
if [[ "$scratch" != ".build" ]]; then build_flags+=(--scratch-path "$scratch"); fi
echo "== building synapse-bench (release, $scratch)"
"$swift" build "${build_flags[@]}" --product synapse-bench
binary="$("$swift" build "${build_flags[@]}" --show-bin-path)/synapse-bench"

if [[ ! -x "$venv/bin/python" ]]; then
    echo "== creating the venv $venv"
    if ! "${PYTHON:-python3}" -m venv "$venv"; then
        echo "bench.sh: cannot create $venv; install Python's venv module (Debian: apt-get install python3-venv)" >&2
        exit 1
    fi
fi
py="$venv/bin/python"
missing=()
"$py" -c "import numpy" 2>/dev/null || missing+=(numpy)
"$py" -c "import torch" 2>/dev/null || missing+=(torch)
"$py" -c "import jax" 2>/dev/null || missing+=("jax[cpu]")
KERAS_BACKEND=jax "$py" -c "import keras, sys; sys.exit(int(keras.__version__.split('.')[0]) < 3)" 2>/dev/null || missing+=("keras>=3")
"$py" -c "import PIL" 2>/dev/null || missing+=(pillow)
if (( ${#missing[@]} )); then
    echo "== installing into $venv: ${missing[*]}"
    "$py" -m pip install --quiet "${missing[@]}"
fi
# torchvision (W6) must match the torch installed: pinning torch to its own version
# makes pip choose a torchvision built for it and never replace torch.
if ! "$py" -c "import torchvision" 2>/dev/null; then
    torch_version="$("$py" -c "import torch; print(torch.__version__.split('+')[0])")"
    echo "== installing into $venv: torchvision for torch $torch_version"
    "$py" -m pip install --quiet torchvision "torch==$torch_version"
fi

exec "$py" Benchmarks/bench.py --binary "$binary" --folder-cache "$scratch/bench-data" "$@"
