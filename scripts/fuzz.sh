#!/usr/bin/env bash
# Fuzzes Synapse's readers of untrusted files with libFuzzer + AddressSanitizer.
#
#   scripts/fuzz.sh [safetensors|images|onnx|all] [RUNS] [extra libFuzzer flags...]
#                                  (default: all, RUNS 1000000 for each target)
#
# safetensors: the safetensors reader (SafeTensors.parse). SynapseTraining and its
#   dependencies are built by SwiftPM (release) in $FUZZ_SCRATCH (default
#   .build-fuzz), then Fuzz/SafeTensorsFuzzer/*.swift and
#   Sources/SynapseIO/SafeTensors.swift are compiled with swiftc
#   -sanitize=fuzzer,address (so the reader itself is coverage-instrumented) and
#   linked against the objects of SynapseCore ... SynapseTraining (whose model-file
#   metadata parsers the fuzzer also calls, uninstrumented). The seed corpus
#   Fuzz/corpus is written by the real writer (Fuzz/SeedWriter) when it is empty.
# images: the PNG and JPEG decoders as ImageFolder and `synapse predict` use them
#   (ImageDecoder.decode): Fuzz/ImageDecoderFuzzer and the decoders' sources,
#   instrumented, against Debian's zlib and libjpeg-turbo; seeds are the PNG and JPEG
#   test fixtures (Tests/SynapseIOTests/Fixtures/images).
# onnx: the ONNX importer (ONNXImport.read, behind `synapse import-onnx`):
#   SynapseTraining and SwiftProtobuf are built by SwiftPM in $FUZZ_SCRATCH, then
#   Fuzz/ONNXImportFuzzer/*.swift and all of Sources/SynapseONNX (importer, exporter
#   and the generated protobuf types) are compiled instrumented as one module and
#   linked against the uninstrumented objects. Seeds: Fuzz/corpus-onnx (small
#   graphs written by torch.onnx.export: MLP, CNN, LSTM, GRU).
#
# New inputs found while fuzzing go to $FUZZ_WORK/<target>-corpus (default work
# folder .build-fuzz-work), crashes to $FUZZ_WORK/. Every run is bounded: inputs up
# to a few KiB, 10 s and 2 GB each (more is reported as a bug: a hang or an
# unbounded allocation).
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=all
if [[ "${1:-}" =~ ^(safetensors|images|onnx|all)$ ]]; then TARGET="$1"; shift; fi
RUNS="${1:-1000000}"
shift || true
SCRATCH="${FUZZ_SCRATCH:-.build-fuzz}"
WORK="${FUZZ_WORK:-.build-fuzz-work}"
LIMITS=(-runs="$RUNS" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$WORK/" -print_final_stats=1)

fuzz_safetensors() {
    mkdir -p "$WORK/safetensors-corpus"
    swift build -c release --scratch-path "$SCRATCH" --target SynapseTraining
    local bin objects
    bin="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"
    objects=$(for module in SynapseCore SynapseIO SynapseData SynapsePlot SynapseNN SynapseTraining; do
        find "$bin/$module.build" -name '*.o'; done)
    local common=(-O -I "$bin/Modules" -Xcc -fmodule-map-file=Sources/CDNNL/module.modulemap
                  -Xcc -fmodule-map-file=Sources/CZlib/module.modulemap
                  -Xcc -fmodule-map-file=Sources/CTurboJPEG/module.modulemap -ldnnl -lgomp -lz -lturbojpeg)
    if ! ls Fuzz/corpus/*.safetensors >/dev/null 2>&1; then
        swiftc "${common[@]}" -module-name SeedWriter -parse-as-library \
            Fuzz/SeedWriter/SeedWriter.swift Sources/SynapseIO/SafeTensors.swift Sources/SynapseIO/AtomicWrite.swift \
            $objects -o "$WORK/seed-writer"
        "$WORK/seed-writer" Fuzz/corpus
    fi
    swiftc "${common[@]}" -module-name SafeTensorsFuzzer -parse-as-library -sanitize=fuzzer,address \
        Fuzz/SafeTensorsFuzzer/SafeTensorsFuzzer.swift Sources/SynapseIO/SafeTensors.swift Sources/SynapseIO/AtomicWrite.swift \
        $objects -o "$WORK/safetensors-fuzzer"
    "$WORK/safetensors-fuzzer" "${LIMITS[@]}" -max_len=4096 "$@" "$WORK/safetensors-corpus" Fuzz/corpus
}

fuzz_images() {
    mkdir -p "$WORK/images-corpus" "$WORK/images-seeds"
    cp Tests/SynapseIOTests/Fixtures/images/*.png Tests/SynapseIOTests/Fixtures/images/*.jpg "$WORK/images-seeds/"
    swiftc -O -module-name ImageDecoderFuzzer -parse-as-library -sanitize=fuzzer,address \
        -Xcc -fmodule-map-file=Sources/CZlib/module.modulemap -Xcc -fmodule-map-file=Sources/CTurboJPEG/module.modulemap \
        Fuzz/ImageDecoderFuzzer/ImageDecoderFuzzer.swift \
        Sources/SynapseIO/{ImageDecoder,PNGDecoder,JPEGDecoder,DecodedImage,ImageDecodingError,Zlib}.swift \
        -lz -lturbojpeg -o "$WORK/image-decoder-fuzzer"
    "$WORK/image-decoder-fuzzer" "${LIMITS[@]}" -max_len=16384 "$@" "$WORK/images-corpus" "$WORK/images-seeds"
}

fuzz_onnx() {
    mkdir -p "$WORK/onnx-corpus"
    swift build -c release --scratch-path "$SCRATCH" --target SynapseTraining
    swift build -c release --scratch-path "$SCRATCH" --target SwiftProtobuf
    local bin objects
    bin="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"
    objects=$(for module in CKernels SynapseCore SynapseIO SynapseData SynapsePlot SynapseNN SynapseTraining SwiftProtobuf; do
        find "$bin/$module.build" -name '*.o'; done)
    swiftc -O -I "$bin/Modules" -Xcc -fmodule-map-file=Sources/CDNNL/module.modulemap \
        -Xcc -fmodule-map-file="$bin/CKernels.build/module.modulemap" -Xcc -I -Xcc Sources/CKernels/include \
        -Xcc -fmodule-map-file=Sources/CZlib/module.modulemap -Xcc -fmodule-map-file=Sources/CTurboJPEG/module.modulemap \
        -module-name ONNXImportFuzzer -parse-as-library -sanitize=fuzzer,address \
        Fuzz/ONNXImportFuzzer/ONNXImportFuzzer.swift Sources/SynapseONNX/*.swift Sources/SynapseONNX/Generated/*.swift \
        $objects -ldnnl -lgomp -lz -lturbojpeg -o "$WORK/onnx-import-fuzzer"
    "$WORK/onnx-import-fuzzer" "${LIMITS[@]}" -max_len=16384 "$@" "$WORK/onnx-corpus" Fuzz/corpus-onnx
}

mkdir -p "$WORK"
case "$TARGET" in
    safetensors) fuzz_safetensors "$@" ;;
    images) fuzz_images "$@" ;;
    onnx) fuzz_onnx "$@" ;;
    all) fuzz_safetensors "$@"; fuzz_images "$@"; fuzz_onnx "$@" ;;
esac
