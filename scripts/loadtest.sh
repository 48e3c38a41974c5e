#!/usr/bin/env bash
# Load test of `synapse serve` with wrk, on loopback only.
#
# Trains the MNIST MLP and the MNIST CNN briefly (once; the model files are kept),
# starts one server with both on 127.0.0.1, and drives POST /v1/models/NAME:predict
# with wrk at several concurrency levels, one request of one image each, then a run
# that mixes malformed requests (bad JSON, wrong shape, non-numbers, unknown model,
# a body over the limit) with good ones. Reports throughput, p50/p99 latency, errors
# (socket errors, 5xx and unexpected statuses) and the server's peak RSS (VmHWM),
# and samples its RSS every second (rss.csv) to show whether memory stays flat
# once every model and batch size has been seen (the range during the last run).
# Finally stops the server with SIGTERM and checks that it exits 0.
#
# Usage: scripts/loadtest.sh [--duration SECONDS] [--connections "1 8 64"] [--models "mlp cnn"] [--no-build]
#   --no-build uses the binaries already in the build folder (for example after `swift test`).
#   SYNAPSE_SCRATCH=.build-x picks the build folder (make loadtest passes it).
# Output: a Markdown table on standard output and in $SYNAPSE_SCRATCH/loadtest/report.md.
set -euo pipefail

duration=60
connections="1 8 64"
models="mlp cnn"
build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) duration=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --models) models=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "loadtest: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$duration" in ''|*[!0-9]*) echo "loadtest: --duration takes whole seconds" >&2; exit 2 ;; esac

cd "$(dirname "$0")/.."
scratch=${SYNAPSE_SCRATCH:-.build}
work="$scratch/loadtest"
mkdir -p "$work"

# --- wrk (Debian package) ---------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
    echo "loadtest: installing wrk"
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null 2>&1 \
        || { "${sudo[@]}" apt-get update >/dev/null && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null; }
fi

# --- build and models ---------------------------------------------------------------
if [ "$build" -eq 1 ]; then
    for product in synapse mnist-mlp mnist-cnn; do
        swift build -c release --scratch-path "$scratch" --product "$product" >/dev/null
    done
fi
bin="$scratch/release"
for product in synapse mnist-mlp mnist-cnn; do
    [ -x "$bin/$product" ] || { echo "loadtest: $bin/$product is missing; run without --no-build" >&2; exit 1; }
done
if [ ! -f "$work/mnist-mlp.safetensors" ]; then
    echo "loadtest: training the MNIST MLP (1 epoch on 6,000 images)"
    "$bin/mnist-mlp" --epochs 1 --train-limit 6000 --save "$work/mnist-mlp.safetensors" --json >"$work/train-mlp.log"
fi
if [ ! -f "$work/mnist-cnn.safetensors" ]; then
    echo "loadtest: training the MNIST CNN (1 epoch on 2,000 images)"
    "$bin/mnist-cnn" --epochs 1 --train-limit 2000 --save "$work/mnist-cnn.safetensors" --json >"$work/train-cnn.log"
fi

# --- request bodies -------------------------------------------------------------------
# One 28x28 digit-like image: flat 784 values for the MLP, nested [28][28][1] for the CNN.
awk 'BEGIN { srand(1); printf "{\"instances\": [["; for (i = 0; i < 784; i++) printf "%s%.3f", (i ? "," : ""), (i % 28 > 8 && i % 28 < 20 && i > 150 && i < 630) ? rand() : 0; print "]]}" }' >"$work/mlp.json"
awk 'BEGIN { srand(1); printf "{\"instances\": [["; for (r = 0; r < 28; r++) { printf "%s[", (r ? "," : ""); for (c = 0; c < 28; c++) { i = r * 28 + c; printf "%s[%.3f]", (c ? "," : ""), (c > 8 && c < 20 && i > 150 && i < 630) ? rand() : 0 }; printf "]" }; print "]]}" }' >"$work/cnn.json"
max_body=65536
awk -v n=$((max_body / 2)) 'BEGIN { printf "{\"instances\": [["; for (i = 0; i < n; i++) printf "%s0", (i ? "," : ""); print "]]}" }' >"$work/oversized.json"

cat >"$work/post.lua" <<'LUA'
-- POST one body file; print one JSON line with the figures at the end.
function init(args)
    local file = assert(io.open(args[1], "rb"))
    wrk.method = "POST"
    wrk.body = file:read("*a")
    wrk.headers["Content-Type"] = "application/json"
    file:close()
end
function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format('RESULT {"requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p99_ms": %.3f, "socket_errors": %d, "non_2xx": %d, "timeouts": %d}\n',
        summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
        e.connect + e.read + e.write, e.status, e.timeout))
end
LUA

cat >"$work/mixed.lua" <<'LUA'
-- Cycle through good and malformed requests; count answers by status in every thread.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
    local function read(path) local f = assert(io.open(path, "rb")); local s = f:read("*a"); f:close(); return s end
    local good = read(args[1])
    local kinds = {
        {"/v1/models/mnist-mlp:predict", good},                                   -- 200
        {"/v1/models/mnist-mlp:predict", '{"instances": [[1, 2, 3'},             -- 400 malformed JSON
        {"/v1/models/mnist-mlp:predict", '{"instances": [[1, 2, 3]]}'},          -- 400 wrong shape
        {"/v1/models/mnist-mlp:predict", '{"instances": [["a", null, true]]}'},  -- 400 non-numbers
        {"/v1/models/nope:predict", good},                                        -- 404 unknown model
        {"/v1/models/mnist-mlp:predict", good},                                   -- 200
        {"/v1/models/mnist-mlp:predict", read(args[2])},                          -- 413 over the limit
        {"/v1/models/mnist-mlp:predict", "\0\1\2\255 not json at all"},           -- 400 garbage bytes
    }
    requests = {}
    for i, kind in ipairs(kinds) do
        requests[i] = wrk.format("POST", kind[1], {["Content-Type"] = "application/json"}, kind[2])
    end
    counter = 0
    counts = {}
end
function request()
    counter = counter + 1
    return requests[(counter - 1) % #requests + 1]
end
function response(status, headers, body)
    counts[status] = (counts[status] or 0) + 1
end
function done(summary, latency, requests)
    local total = {}
    for _, thread in ipairs(threads) do
        local c = thread:get("counts")
        for status, n in pairs(c) do total[status] = (total[status] or 0) + n end
    end
    local parts, unexpected = {}, 0
    for status, n in pairs(total) do
        table.insert(parts, string.format('"%d": %d', status, n))
        if not (status == 200 or status == 400 or status == 404 or status == 413) then unexpected = unexpected + n end
    end
    local e = summary.errors
    io.write(string.format('RESULT {"requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p99_ms": %.3f, "socket_errors": %d, "non_2xx": %d, "timeouts": %d, "unexpected": %d, "statuses": {%s}}\n',
        summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
        e.connect + e.read + e.write, e.status, e.timeout, unexpected, table.concat(parts, ", ")))
end
LUA

# --- server -------------------------------------------------------------------------------
"$bin/synapse" serve "$work/mnist-mlp.safetensors" "$work/mnist-cnn.safetensors" \
    --host 127.0.0.1 --port 0 --max-body-bytes "$max_body" 2>"$work/server.log" &
pid=$!
sampler=""
cleanup() {
    kill "$pid" 2>/dev/null || true
    if [ -n "$sampler" ]; then kill "$sampler" 2>/dev/null || true; fi
}
trap cleanup EXIT
port=""
for _ in $(seq 1 600); do
    port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/server.log" | head -n 1)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$port" ] || { echo "loadtest: the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
url="http://127.0.0.1:$port"

start=$(date +%s)
echo "seconds,rss_kb" >"$work/rss.csv"
( while kill -0 "$pid" 2>/dev/null; do
      rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
      [ -n "$rss" ] && echo "$(( $(date +%s) - start )),$rss" >>"$work/rss.csv"
      sleep 1
  done ) &
sampler=$!

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }
hwm_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$pid/status"; }
field() { sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p" <<<"$2"; }

report="$work/report.md"
{
    echo "Load test of synapse serve: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, ${duration} s per run, wrk on the same machine."
    echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "| model | connections | requests/s | p50 ms | p99 ms | errors | RSS after MiB | load avg |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
} >"$report"
cat "$report"

failures=0
run() {  # run LABEL CONNECTIONS SCRIPT PATH ARGS...
    local label=$1 conns=$2 script=$3 path=$4; shift 4
    local threads=$(( conns < 2 ? 1 : 2 ))
    local out
    out=$(wrk -t "$threads" -c "$conns" -d "${duration}s" --timeout 10s -s "$script" "$url$path" -- "$@" 2>&1) || true
    local line
    line=$(grep '^RESULT ' <<<"$out" | sed 's/^RESULT //')
    if [ -z "$line" ]; then echo "loadtest: wrk failed: $out" >&2; failures=$((failures + 1)); return; fi
    echo "$label $conns $line" >>"$work/results.jsonl"
    local requests seconds errors rps
    requests=$(field requests "$line"); seconds=$(field seconds "$line")
    errors=$(( $(field socket_errors "$line") + $(field timeouts "$line") ))
    if [ "$label" = "mixed" ]; then
        errors=$(( errors + $(field unexpected "$line") ))
    else
        errors=$(( errors + $(field non_2xx "$line") ))
    fi
    rps=$(awk -v r="$requests" -v s="$seconds" 'BEGIN { printf "%.0f", r / s }')
    if ! kill -0 "$pid" 2>/dev/null; then echo "loadtest: the server died" >&2; failures=$((failures + 1)); errors="$errors (server died)"; fi
    [ "${errors%% *}" = "0" ] || failures=$((failures + 1))
    local row
    row="| $label | $conns | $rps | $(field p50_ms "$line") | $(field p99_ms "$line") | $errors | $(( $(rss_kb 2>/dev/null || echo 0) / 1024 )) | $(cut -d' ' -f1 /proc/loadavg) |"
    echo "$row" | tee -a "$report"
    if [ "$label" = "mixed" ]; then echo "$(sed -n 's/.*"statuses": \({[^}]*}\).*/\1/p' <<<"$line")" >>"$work/mixed-statuses.txt"; fi
}

rm -f "$work/results.jsonl" "$work/mixed-statuses.txt"
rss_start=$(rss_kb)
for model in $models; do
    for conns in $connections; do
        run "mnist-$model" "$conns" "$work/post.lua" "/v1/models/mnist-$model:predict" "$work/$model.json"
    done
done
mixed_start=$(( $(date +%s) - start ))
run mixed 8 "$work/mixed.lua" "/" "$work/mlp.json" "$work/oversized.json"
rss_end=$(rss_kb)
hwm=$(hwm_kb)

kill "$sampler" 2>/dev/null || true
sampler=""
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
trap - EXIT
{
    echo
    echo "Mixed run answers by status: $(cat "$work/mixed-statuses.txt" 2>/dev/null)"
    echo "Server RSS: $((rss_start / 1024)) MiB after start-up, $((rss_end / 1024)) MiB at the end, peak (VmHWM) $((hwm / 1024)) MiB; samples every second in $work/rss.csv."
    # Each run warms the allocator's block cache up to its cap once; after that RSS
    # should stay put, so the last run (after every model and batch size was seen) shows the trend.
    awk -F, -v from=$((mixed_start + 2)) 'NR > 1 && $1 >= from { if (!n || $2 < lo) lo = $2; if ($2 > hi) hi = $2; n++ }
        END { if (n) printf "RSS during the mixed run (%d samples after its first 2 s): %.1f to %.1f MiB.\n", n, lo / 1024, hi / 1024 }' "$work/rss.csv"
    echo "SIGTERM: the server exited with status $status."
    echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee -a "$report"
[ "$status" -eq 0 ] || failures=$((failures + 1))
if [ "$failures" -ne 0 ]; then
    echo "loadtest: $failures problem(s); see $work/server.log and $work/results.jsonl" >&2
    exit 1
fi
