#!/usr/bin/env bash
# Crash test for checkpoints: start checkpointed training (the MNIST MLP on 3,000
# images, 250 epochs), kill it with SIGKILL at a random moment, check that the newest
# checkpoint loads as a model (`synapse summary`), resume from it, and repeat. Passes when
# every newest checkpoint loads and the run finally completes.
#
# Usage: scripts/crash_test.sh [ROUNDS]   (default 20; SCRATCH=.build-x picks the build folder)
set -euo pipefail
rounds=${1:-20}
cd "$(dirname "$0")/.."
scratch=${SCRATCH:-.build}
swift build -c release --scratch-path "$scratch" --product mnist-mlp >/dev/null
swift build -c release --scratch-path "$scratch" --product synapse >/dev/null
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=(--epochs 250 --train-limit 3000 --checkpoint-dir "$work/ckpt" --json)
export SYNAPSE_NUM_THREADS=1

newest() { { ls -1 "$work/ckpt"/epoch-*.safetensors 2>/dev/null || true; } | sort | tail -n 1; }
passed=0
for round in $(seq 1 "$rounds"); do
    resume=()
    if [ -n "$(newest)" ]; then resume=(--resume "$(newest)"); fi
    "$bin/mnist-mlp" "${args[@]}" "${resume[@]}" >"$work/log" 2>&1 &
    pid=$!
    # Kill somewhere between 0.3 s and 2.5 s in: before, during and between saves.
    sleep "$(awk -v seed="$RANDOM" 'BEGIN { srand(seed); printf "%.2f", 0.3 + rand() * 2.2 }')"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    latest=$(newest)
    if [ -z "$latest" ]; then
        echo "round $round: killed before the first checkpoint"
        passed=$((passed + 1))
        continue
    fi
    if "$bin/synapse" summary "$latest" >/dev/null 2>&1; then
        passed=$((passed + 1))
        echo "round $round: newest checkpoint $(basename "$latest") loads"
    else
        echo "round $round: FAILED: $(basename "$latest") does not load"
    fi
    if ls "$work/ckpt"/.*tmp* >/dev/null 2>&1; then echo "round $round: (a temporary file was left by the kill; never renamed into place)"; fi
done
# Finish the run from the newest checkpoint.
resume=()
if [ -n "$(newest)" ]; then resume=(--resume "$(newest)"); fi
"$bin/mnist-mlp" "${args[@]}" "${resume[@]}" >"$work/log" 2>&1
tail -n 1 "$work/log"
echo "crash test: $passed of $rounds rounds left a loadable newest checkpoint; the resumed run completed"
[ "$passed" -eq "$rounds" ]
