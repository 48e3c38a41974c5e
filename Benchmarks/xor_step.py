"""W4 alone (kept for `make bench-xor`): the XOR step of the benchmark suite for
Synapse, PyTorch, Keras 3 on JAX and a hand-written NumPy loop.

Usage: python3 Benchmarks/xor_step.py SYNAPSE_BENCH_BINARY [--threads N] [--quick]
Same as Benchmarks/bench.py --binary SYNAPSE_BENCH_BINARY --only W4; it writes
Benchmarks/results/latest.json. Use the venv $HOME/.cache/synapse-venv's Python
for the peers (scripts/bench.sh prepares it).
"""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
venv_python = os.path.expanduser("~/.cache/synapse-venv/bin/python")
python = venv_python if os.path.exists(venv_python) else sys.executable
if len(sys.argv) < 2:
    sys.exit(__doc__)
os.execv(python, [python, os.path.join(here, "bench.py"), "--binary", sys.argv[1], "--only", "W4", *sys.argv[2:]])
