#!/usr/bin/env bash
# Installs Synapse as a new user would and uses it from outside the repository:
#   1. `make install PREFIX=<temporary folder>`;
#   2. the installed binary needs no Swift toolchain and no library beyond oneDNN
#      (with its OpenMP runtime) and the C and C++ runtimes: its NEEDED entries
#      are listed and checked;
#   3. from another temporary folder, with SYNAPSE_DATA_DIR unset, `synapse train`
#      of Examples/configs/pima.yaml finds the bundled data in PREFIX/share/synapse
#      and reaches a test accuracy a broken model would miss (≥ 0.70, majority 0.65);
#   4. with the data pointed elsewhere, the error names --data-dir and
#      SYNAPSE_DATA_DIR and the command exits 1 without a crash;
#   5. `synapse serve` of the trained model answers a raw feature row on 127.0.0.1
#      with a probability computed after the saved standardisation, and stops on
#      SIGTERM with status 0.
# Environment: SWIFT, INSTALL_SCRATCH (build folder, default .build-static).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d /tmp/synapse-install-check.XXXXXX)
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
prefix="$work/prefix"
elsewhere="$work/elsewhere"
mkdir -p "$elsewhere"

echo "== make install PREFIX=$prefix"
make --no-print-directory install PREFIX="$prefix" SWIFT="${SWIFT:-swift}" INSTALL_SCRATCH="${INSTALL_SCRATCH:-.build-static}" >"$work/install.log" 2>&1 \
    || { tail -30 "$work/install.log"; exit 1; }
synapse="$prefix/bin/synapse"
[ -x "$synapse" ] || { echo "install-check: $synapse is missing" >&2; exit 1; }
[ -f "$prefix/share/synapse/pima/pima-indians-diabetes.data.csv" ] || { echo "install-check: the data sets are not in $prefix/share/synapse" >&2; exit 1; }

echo "== shared libraries the installed binary needs"
needed=$(readelf -d "$synapse" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "$needed" | sed 's/^/   /'
# oneDNN and its OpenMP runtime, the C++ runtime, the C library; nothing of Swift's.
unexpected=$(echo "$needed" | grep -v -E '^(libdnnl|libgomp|libstdc\+\+|libgcc_s|libm|libc|ld-linux-x86-64)\.so' || true)
if [ -n "$unexpected" ]; then
    echo "install-check: the binary needs shared libraries beyond oneDNN and the C/C++ runtimes: $unexpected" >&2; exit 1
fi

echo "== synapse train (from $elsewhere, SYNAPSE_DATA_DIR unset)"
cd "$elsewhere"
env -u SYNAPSE_DATA_DIR "$synapse" train "$repo/Examples/configs/pima.yaml" --epochs 30 --quiet \
    --output-dir "$elsewhere/run" >"$work/train.log" 2>&1 || { cat "$work/train.log"; exit 1; }
grep '^test:' "$work/train.log"
accuracy=$(sed -n 's/^test:.*accuracy \([0-9.]*\).*/\1/p' "$work/train.log")
python3 -c "import sys; a = float('$accuracy'); sys.exit(0 if a >= 0.70 else 1)" \
    || { echo "install-check: test accuracy $accuracy is below 0.70" >&2; cat "$work/train.log"; exit 1; }

echo "== a missing data folder is a readable error"
status=0
SYNAPSE_DATA_DIR="$work/nowhere" "$synapse" train "$repo/Examples/configs/pima.yaml" --epochs 1 \
    --output-dir "$elsewhere/failed" >"$work/missing.log" 2>&1 || status=$?
cat "$work/missing.log"
[ "$status" -eq 1 ] || { echo "install-check: expected exit status 1, got $status" >&2; exit 1; }
grep -q -- '--data-dir' "$work/missing.log" && grep -q SYNAPSE_DATA_DIR "$work/missing.log" \
    || { echo "install-check: the error does not name --data-dir and SYNAPSE_DATA_DIR" >&2; exit 1; }

echo "== synapse serve (from $elsewhere)"
"$synapse" serve "$elsewhere/run/model.safetensors" --name pima --port 0 >"$work/serve.log" 2>&1 &
server=$!
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/serve.log" | head -1)
    [ -n "$port" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; echo "install-check: the server exited" >&2; exit 1; }
    sleep 0.2
done
[ -n "$port" ] || { cat "$work/serve.log"; echo "install-check: the server did not start listening" >&2; exit 1; }
reply=$(python3 -c "import sys, urllib.request as u; print(u.urlopen(u.Request(sys.argv[1], data=sys.argv[2].encode()), timeout=30).read().decode())" \
    "http://127.0.0.1:$port/v1/models/pima:predict" '{"instances": [[6, 148, 72, 35, 0, 33.6, 0.627, 50]]}')
echo "   $reply"
# The row is raw (glucose 148, age 50): the server standardises it with the statistics
# saved in the model file, so the probability is not saturated at 0 or 1.
python3 -c "import json, sys; p = json.loads(sys.argv[1])['predictions'][0]; v = p[0] if isinstance(p, list) else p; sys.exit(0 if 0.02 < v < 0.98 else 1)" "$reply" \
    || { echo "install-check: unexpected prediction reply (the saved standardisation was not applied?)" >&2; exit 1; }
kill -TERM "$server"
status=0
wait "$server" || status=$?
server=""
[ "$status" -eq 0 ] || { cat "$work/serve.log"; echo "install-check: serve exited with $status after SIGTERM" >&2; exit 1; }
echo "install-check: passed"
