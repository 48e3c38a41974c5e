"""Runs the XOR-step workload (W4) for Synapse, PyTorch eager and a NumPy loop in
one go, on the same thread count, and prints the per-step medians and ratios.

Usage: python3 Benchmarks/xor_step.py SYNAPSE_BENCH_BINARY [--threads N]
Uses the venv $HOME/.cache/synapse-venv for PyTorch when present.
"""
import json
import os
import subprocess
import sys

binary = sys.argv[1]
threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else os.cpu_count()
env = dict(os.environ, SYNAPSE_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
venv_python = os.path.expanduser("~/.cache/synapse-venv/bin/python")
python = venv_python if os.path.exists(venv_python) else sys.executable
here = os.path.dirname(os.path.abspath(__file__))

rows = [json.loads(subprocess.check_output([binary, "xor-step"], env=env, text=True).strip().splitlines()[-1])]
peer_output = subprocess.check_output([python, os.path.join(here, "peers", "xor_step_peers.py"), "2000", "5", str(threads)],
                                      env=env, text=True)
rows += [json.loads(line) for line in peer_output.strip().splitlines()]
by_name = {row["framework"]: row for row in rows if "median" in row}
synapse = by_name["synapse"]["median"]
print(f"XOR step (2-4-1 sigmoid, MSE, SGD, batch 4), {threads} threads, median per step:")
for name, row in by_name.items():
    print(f"  {name:8s} {row['median'] * 1e6:9.1f} us  (min {row['min'] * 1e6:.1f}, max {row['max'] * 1e6:.1f})")
for name in ("torch", "numpy"):
    if name in by_name:
        print(f"  ratio synapse / {name}: {synapse / by_name[name]['median']:.3f}")
if "train_on_batch_median" in by_name["synapse"]:
    print(f"  synapse trainOnBatch (Keras-style, with metrics bookkeeping): {by_name['synapse']['train_on_batch_median'] * 1e6:.1f} us")
