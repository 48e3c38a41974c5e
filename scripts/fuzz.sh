#!/usr/bin/env bash
# Fuzzes the safetensors reader (SafeTensors.parse) with libFuzzer + AddressSanitizer.
#
#   scripts/fuzz.sh [RUNS] [extra libFuzzer flags...]     (RUNS defaults to 1000000)
#
# Not part of the package build: SynapseTraining and its dependencies are built by SwiftPM (release) in
# $FUZZ_SCRATCH (default .build-fuzz), then Fuzz/SafeTensorsFuzzer/*.swift and
# Sources/SynapseIO/SafeTensors.swift are compiled with swiftc
# -sanitize=fuzzer,address (so the reader itself is coverage-instrumented) and
# linked against the objects of SynapseCore ... SynapseTraining (whose model-file
# metadata parsers the fuzzer also calls, uninstrumented). The seed corpus Fuzz/corpus is written by
# the real writer (Fuzz/SeedWriter) when it is empty; new inputs found while
# fuzzing go to $FUZZ_WORK/corpus (default .build-fuzz-work), crashes to $FUZZ_WORK/.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-1000000}"
shift || true
SCRATCH="${FUZZ_SCRATCH:-.build-fuzz}"
WORK="${FUZZ_WORK:-.build-fuzz-work}"
mkdir -p "$WORK/corpus"

swift build -c release --scratch-path "$SCRATCH" --target SynapseTraining
BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"
OBJECTS=$(for module in SynapseCore SynapseIO SynapseData SynapsePlot SynapseNN SynapseTraining; do
    find "$BIN/$module.build" -name '*.o'; done)
COMMON=(-O -I "$BIN/Modules" -Xcc -fmodule-map-file=Sources/CDNNL/module.modulemap
        -Xcc -fmodule-map-file=Sources/CZlib/module.modulemap -ldnnl -lgomp -lz)

if ! ls Fuzz/corpus/*.safetensors >/dev/null 2>&1; then
    swiftc "${COMMON[@]}" -module-name SeedWriter -parse-as-library \
        Fuzz/SeedWriter/SeedWriter.swift Sources/SynapseIO/SafeTensors.swift Sources/SynapseIO/AtomicWrite.swift \
        $OBJECTS -o "$WORK/seed-writer"
    "$WORK/seed-writer" Fuzz/corpus
fi

swiftc "${COMMON[@]}" -module-name SafeTensorsFuzzer -parse-as-library -sanitize=fuzzer,address \
    Fuzz/SafeTensorsFuzzer/SafeTensorsFuzzer.swift Sources/SynapseIO/SafeTensors.swift Sources/SynapseIO/AtomicWrite.swift \
    $OBJECTS -o "$WORK/safetensors-fuzzer"

# Inputs up to 4 KiB; a run over 10 s or 2 GB is reported as a bug (hang / unbounded allocation).
"$WORK/safetensors-fuzzer" -runs="$RUNS" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$WORK/" -print_final_stats=1 "$@" "$WORK/corpus" Fuzz/corpus
