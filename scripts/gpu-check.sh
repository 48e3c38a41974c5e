#!/usr/bin/env bash
# The GPU check, run from the repository root on a lent GPU machine (NVIDIA driver and
# PyTorch there, no Swift toolchain). Unpacks the bundle from scripts/make-gpu-bundle.sh,
# runs synapse-cuda-check (CUDA loaded at run time: NVRTC kernels and cuBLAS sgemm
# checked against the CPU, timed with CUDA events), runs the same sgemm shapes in
# PyTorch for a side-by-side figure, and writes under $OUT:
#
#   report.txt            everything below, readable
#   cuda-check.json       synapse-cuda-check's results
#   torch-reference.json  PyTorch's figures and the ratios
#   probe.log             the probe's output
#
#   OUT=/some/folder bash scripts/gpu-check.sh [BUNDLE]
#
# BUNDLE defaults to bundle.tar.xz beside this script, else .gpu-bundle/bundle.tar.xz.
# Python: $SYNAPSE_GPU_PYTHON, else /opt/torch/.venv/bin/python3, else python3.
# SYNAPSE_GPU_CHECK_ARGS: extra arguments for synapse-cuda-check (e.g. "--quick").
# Exit status: 0 all checks passed; 1 a check failed; 3 no GPU or CUDA unavailable
# (said in one line); 4 no usable bundle. Takes well under three minutes.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${OUT:-$PWD/gpu-check-out}"
mkdir -p "$out"
report="$out/report.txt"
: > "$report"
say() { printf '%s\n' "$*" | tee -a "$report"; }
started=$SECONDS

# --- the bundle --------------------------------------------------------------------
bundle="${1:-}"
if [[ -z "$bundle" ]]; then
    for candidate in "$here/bundle.tar.xz" "$PWD/.gpu-bundle/bundle.tar.xz"; do
        if [[ -f "$candidate" ]]; then bundle="$candidate"; break; fi
    done
fi
if [[ -z "$bundle" || ! -f "$bundle" ]]; then
    say "gpu-check: no bundle (looked for ${1:-$here/bundle.tar.xz and .gpu-bundle/bundle.tar.xz}); build it with scripts/make-gpu-bundle.sh"
    exit 4
fi

python=""
for candidate in "${SYNAPSE_GPU_PYTHON:-}" /opt/torch/.venv/bin/python3 "$(command -v python3 || true)"; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then python="$candidate"; break; fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/synapse-gpu-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
if ! tar -xJf "$bundle" -C "$work" 2>"$work/tar.err"; then
    # A machine without the xz program: Python's tarfile reads .tar.xz itself.
    if [[ -z "$python" ]] || ! "$python" -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$bundle" "$work"; then
        say "gpu-check: cannot unpack $bundle: $(cat "$work/tar.err")"
        exit 4
    fi
fi
root="$work/synapse-gpu"
probe="$root/bin/synapse-cuda-check"
if [[ ! -x "$probe" ]]; then
    say "gpu-check: $bundle has no synapse-gpu/bin/synapse-cuda-check"
    exit 4
fi

say "== Synapse GPU check, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(hostname)"
say "bundle: $bundle ($(stat -c %s "$bundle") bytes)"
sed 's/^/  /' "$root/BUILD-INFO" | tee -a "$report"
say "host: $(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown OS}"), $(ldd --version 2>/dev/null | head -1), $(nproc) cores"

# --- the GPU as the driver's tool sees it -------------------------------------------
say ""
say "== nvidia-smi"
if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi -L 2>&1 | tee -a "$report"
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,power.limit --format=csv 2>&1 | tee -a "$report"
else
    say "nvidia-smi: not found (no NVIDIA driver on this machine)"
fi

# --- Synapse ------------------------------------------------------------------------
say ""
say "== synapse-cuda-check"
export LD_LIBRARY_PATH="$root/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# A fresh kernel cache, so the report shows a real NVRTC compile and a disk read-back.
export SYNAPSE_CUDA_CACHE="${SYNAPSE_CUDA_CACHE:-$work/kernel-cache}"
run_probe() {
    # shellcheck disable=SC2086  # word splitting of the extra arguments is intended
    timeout 150 "$@" --json "$out/cuda-check.json" --require-gpu ${SYNAPSE_GPU_CHECK_ARGS:-} > "$out/probe.log" 2>&1
    local status=$?
    tee -a "$report" < "$out/probe.log"
    return $status
}
# The dynamic loader refused the binary (a library missing or too old), rather than
# the probe running and failing.
loader_refused() {
    [[ $1 -eq 127 || $1 -eq 126 ]] || grep -q -e 'error while loading shared libraries' -e 'not found (required by' "$out/probe.log"
}
run_probe "$probe"
probe_status=$?
if loader_refused $probe_status; then
    say "-- the loader refused it; again with the bundled C++ runtime"
    run_probe env LD_LIBRARY_PATH="$root/cxx:$LD_LIBRARY_PATH" "$probe"
    probe_status=$?
fi
if loader_refused $probe_status; then
    say "-- the loader refused it; again with the bundled glibc and C++ runtime"
    run_probe "$root/glibc/ld-linux-x86-64.so.2" --library-path "$root/glibc:$root/cxx:$LD_LIBRARY_PATH" "$probe"
    probe_status=$?
fi
case $probe_status in
    0) verdict="passed" ;;
    3) verdict="found CUDA unavailable: $(sed -n 's/^cuda: unavailable — //p' "$out/probe.log" | head -1)" ;;
    124) verdict="FAILED: timed out after 150 s" ;;
    *) verdict="FAILED (exit $probe_status)" ;;
esac

# --- PyTorch on the same GPU --------------------------------------------------------
say ""
say "== PyTorch reference"
reference="$here/gpu_reference.py"
[[ -f "$reference" ]] || reference="$root/scripts/gpu_reference.py"
if [[ -z "$python" ]]; then
    say "no python3 found; PyTorch comparison skipped"
else
    timeout 120 "$python" "$reference" --probe-json "$out/cuda-check.json" --json "$out/torch-reference.json" 2>&1 | tee -a "$report"
fi

say ""
say "== result: synapse-cuda-check $verdict ($((SECONDS - started)) s in all)"
case $probe_status in
    0) exit 0 ;;
    3) exit 3 ;;
    *) exit 1 ;;
esac
