#!/usr/bin/env python3
"""Writes the NumPy files that Synapse's .npy/.npz tests read (Tests/SynapseIOTests/Fixtures/numpy).

    python3 scripts/fixtures_numpy.py

Re-executes itself inside $HOME/.cache/synapse-venv (see fixtures_common.py). Every
array's values follow a formula the Swift tests restate (NumPyTests.swift), so the
files are the only reference: what numpy writes, Synapse must read.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import fixtures_common as common  # noqa: E402


def main(argv):
    common.ensure_venv_and_reexec(os.path.abspath(__file__), argv)
    import numpy as np

    out = os.path.join(ROOT, "Tests", "SynapseIOTests", "Fixtures", "numpy")
    os.makedirs(out, exist_ok=True)

    def path(name):
        return os.path.join(out, name)

    # float32 [2, 3]: i * 0.5 - 1 in C order.
    np.save(path("float32.npy"), (np.arange(6, dtype=np.float32) * 0.5 - 1).reshape(2, 3))
    # float64 [3, 2] in Fortran order: values i / 3 (C order index i).
    np.save(path("float64_fortran.npy"), np.asfortranarray((np.arange(6, dtype=np.float64) / 3).reshape(3, 2)))
    # int64 [4]: -2, 0, 7, 2_000_000_000.
    np.save(path("int64.npy"), np.array([-2, 0, 7, 2_000_000_000], dtype=np.int64))
    # int64 out of int32's range.
    np.save(path("int64_large.npy"), np.array([1, 3_000_000_000], dtype=np.int64))
    # uint8 [2, 2]: 0, 1, 254, 255.
    np.save(path("uint8.npy"), np.array([[0, 1], [254, 255]], dtype=np.uint8))
    # bool [3]: True, False, True.
    np.save(path("bool.npy"), np.array([True, False, True]))
    # big-endian float32 [2, 2]: 1.5, -2, 0.25, 1e6.
    np.save(path("float32_big_endian.npy"), np.array([[1.5, -2], [0.25, 1e6]], dtype=">f4"))
    # 0-d int32: 42.
    np.save(path("int32_scalar.npy"), np.array(42, dtype=np.int32))
    # format version 2.0 header, float32 [2]: 3, 4.
    with open(path("version2.npy"), "wb") as f:
        np.lib.format.write_array(f, np.array([3, 4], dtype=np.float32), version=(2, 0))
    # an object array: a pickle that must be refused, never loaded.
    np.save(path("object.npy"), np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    # float16: an unsupported element type.
    np.save(path("float16.npy"), np.zeros(2, dtype=np.float16))
    # archives: x float32 [4, 2] = i / 8, y int64 [4] = i % 3.
    x = (np.arange(8, dtype=np.float32) / 8).reshape(4, 2)
    y = np.arange(4, dtype=np.int64) % 3
    np.savez(path("stored.npz"), x=x, y=y)
    np.savez_compressed(path("compressed.npz"), x=x, y=y)
    for name in sorted(os.listdir(out)):
        print(name, os.path.getsize(path(name)), "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
