#!/usr/bin/env python3
"""PyTorch's side of scripts/gpu-check.sh: the sgemm shapes synapse-cuda-check ran,
timed the same way on the same GPU, copy bandwidth, and the side-by-side table.

    python3 scripts/gpu_reference.py --probe-json OUT/cuda-check.json --json OUT/torch-reference.json

Shapes come from the probe's JSON (so both sides run exactly the same products);
without it, the probe's default list is used. Each product is timed with CUDA events
around one call, the median of --repeats calls after three warm-up calls, with TF32
off (PyTorch's default for float32 matmul, and cuBLAS' default math mode that the
probe sets). The ratio is Synapse's median time over PyTorch's: below 1.0, Synapse
is faster. Exits 0 when it measured, 3 when PyTorch or a GPU is missing.
"""

import argparse
import json
import os
import statistics
import sys
import time

DEFAULT_SHAPES = [
    # name, m, n, k, batch, transposeA, transposeB — as synapse-cuda-check's MatmulShape.standard
    ("sgemm square 1024", 1024, 1024, 1024, 1, False, False),
    ("sgemm square 4096", 4096, 4096, 4096, 1, False, False),
    ("sgemm mlp x·W", 512, 128, 784, 1, False, False),
    ("sgemm xT·g", 784, 128, 512, 1, True, False),
    ("sgemm A·BT", 1000, 2000, 1536, 1, False, True),
    ("sgemm batched Q·KT", 256, 256, 64, 32, False, True),
]


def load_probe(path):
    if not path or not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError) as error:
        print(f"cannot read {path}: {error}")
        return None


def shapes_from(probe):
    entries = [e for e in (probe or {}).get("sgemm", []) if "m" in e]
    if not entries:
        return DEFAULT_SHAPES
    return [(e["name"], e["m"], e["n"], e["k"], e["batch"], e["transposeA"], e["transposeB"]) for e in entries]


def time_gpu(torch, function, repeats):
    for _ in range(3):
        function()
    torch.cuda.synchronize()
    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    times = []
    for _ in range(repeats):
        start.record()
        function()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def sgemm(torch, shape, repeats):
    name, m, n, k, batch, transpose_a, transpose_b = shape
    generator = torch.Generator(device="cuda").manual_seed(m * 1000003 + n * 1009 + k)
    stored_a = (k, m) if transpose_a else (m, k)
    stored_b = (n, k) if transpose_b else (k, n)
    lead = (batch,) if batch > 1 else ()
    a = torch.rand(lead + stored_a, device="cuda", generator=generator) * 2 - 1
    b = torch.rand(lead + stored_b, device="cuda", generator=generator) * 2 - 1
    op_a = a.transpose(-1, -2) if transpose_a else a
    op_b = b.transpose(-1, -2) if transpose_b else b
    c = torch.empty(lead + (m, n), device="cuda")
    if batch > 1:
        function = lambda: torch.bmm(op_a, op_b, out=c)  # noqa: E731
    else:
        function = lambda: torch.mm(op_a, op_b, out=c)  # noqa: E731
    milliseconds = time_gpu(torch, function, repeats)
    flops = 2.0 * m * n * k * batch
    return {"name": name, "m": m, "n": n, "k": k, "batch": batch, "transposeA": transpose_a,
            "transposeB": transpose_b, "medianMilliseconds": milliseconds,
            "gflops": flops / (milliseconds * 1e6), "repeats": repeats}


def copy_bandwidth(torch, byte_count, repeats=5):
    device = torch.empty(byte_count, dtype=torch.uint8, device="cuda")
    pageable = torch.ones(byte_count, dtype=torch.uint8)
    pinned = pageable.pin_memory()

    def measure(copy):
        copy()
        torch.cuda.synchronize()
        times = []
        for _ in range(repeats):
            begin = time.perf_counter()
            copy()
            torch.cuda.synchronize()
            times.append(time.perf_counter() - begin)
        return byte_count / statistics.median(times) / 1e9

    return {
        "bytes": byte_count,
        "hostToDevicePageableGBs": measure(lambda: device.copy_(pageable)),
        "hostToDevicePinnedGBs": measure(lambda: device.copy_(pinned)),
        "deviceToHostPageableGBs": measure(lambda: pageable.copy_(device)),
        "deviceToHostPinnedGBs": measure(lambda: pinned.copy_(device)),
    }


def table(probe, results, copy):
    synapse = {e["name"]: e for e in (probe or {}).get("sgemm", []) if "medianMilliseconds" in e}
    lines = [f"{'product':<22} {'m x n x k':<22} {'Synapse ms':>10} {'GFLOP/s':>9} {'PyTorch ms':>10} {'GFLOP/s':>9} {'ratio':>6}"]
    for result in results:
        dims = (f"{result['batch']}×" if result["batch"] > 1 else "") + f"{result['m']}x{result['n']}x{result['k']}"
        dims += (" Aᵀ" if result["transposeA"] else "") + (" Bᵀ" if result["transposeB"] else "")
        ours = synapse.get(result["name"])
        if ours:
            ratio = ours["medianMilliseconds"] / result["medianMilliseconds"]
            result["synapseMedianMilliseconds"] = ours["medianMilliseconds"]
            result["ratio"] = ratio
            lines.append(f"{result['name']:<22} {dims:<22} {ours['medianMilliseconds']:>10.3f} {ours['gflops']:>9.1f} "
                         f"{result['medianMilliseconds']:>10.3f} {result['gflops']:>9.1f} {ratio:>6.2f}")
        else:
            lines.append(f"{result['name']:<22} {dims:<22} {'-':>10} {'-':>9} "
                         f"{result['medianMilliseconds']:>10.3f} {result['gflops']:>9.1f} {'-':>6}")
    ours = (probe or {}).get("copy", {})
    lines.append("")
    lines.append(f"{'copy (GB/s)':<34} {'Synapse':>10} {'PyTorch':>10}")
    for key, label in [("hostToDevicePageableGBs", "host→device pageable"), ("hostToDevicePinnedGBs", "host→device pinned"),
                       ("deviceToHostPageableGBs", "device→host pageable"), ("deviceToHostPinnedGBs", "device→host pinned")]:
        mine = f"{ours[key]:.1f}" if key in ours else "-"
        lines.append(f"{label:<34} {mine:>10} {copy[key]:>10.1f}")
    lines.append("ratio = Synapse median time / PyTorch median time (below 1.0: Synapse faster); TF32 off on both sides")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--probe-json", help="synapse-cuda-check's --json output")
    parser.add_argument("--json", help="where to write PyTorch's figures")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()

    def finish(record, status):
        if args.json:
            temporary = args.json + ".tmp"
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(record, handle, indent=2)
            os.replace(temporary, args.json)
        sys.exit(status)

    try:
        import torch
    except ImportError as error:
        print(f"pytorch: unavailable — {error} ({sys.executable})")
        finish({"available": False, "reason": f"import torch: {error}"}, 3)
    if not torch.cuda.is_available():
        print(f"pytorch {torch.__version__}: CUDA unavailable (torch.version.cuda = {torch.version.cuda})")
        finish({"available": False, "torch": torch.__version__, "reason": "torch.cuda.is_available() is False"}, 3)

    torch.backends.cuda.matmul.allow_tf32 = False
    properties = torch.cuda.get_device_properties(0)
    print(f"pytorch {torch.__version__}, CUDA {torch.version.cuda}, cuBLAS via torch, {properties.name}, "
          f"sm_{properties.major}{properties.minor}, {properties.total_memory / 2**30:.1f} GiB ({sys.executable})")
    probe = load_probe(args.probe_json)
    quick = bool(probe) and any(e.get("m") == 256 and e.get("k") == 256 for e in probe.get("sgemm", []))
    results = [sgemm(torch, shape, args.repeats) for shape in shapes_from(probe)]
    copy = copy_bandwidth(torch, (16 if quick else 256) << 20)
    print(table(probe, results, copy))
    finish({"available": True, "torch": torch.__version__, "cuda": torch.version.cuda, "device": properties.name,
            "computeCapability": f"{properties.major}.{properties.minor}", "sgemm": results, "copy": copy}, 0)


if __name__ == "__main__":
    main()
