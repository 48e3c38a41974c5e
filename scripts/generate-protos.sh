#!/usr/bin/env bash
# Generates the Swift message types of the ONNX and TensorBoard protocol buffers.
#
# The .proto files under Protos/ are the upstream definitions, unchanged (see
# Protos/README.md for their sources and licences). Their generated Swift is
# committed, because building swift-protobuf's protoc plugin takes minutes; run
# this script again only when a .proto file changes:
#
#   bash scripts/generate-protos.sh
#
# It installs Debian's protoc when missing, builds protoc-gen-swift from the
# swift-protobuf version Package.swift resolves to (scratch folder .build-protoc),
# and writes Sources/SynapseONNX/Generated and Sources/SynapseTensorBoard/Generated.
# The types are internal: the modules' public API wraps them.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v protoc >/dev/null; then
    apt-get update -qq && apt-get install -y -qq protobuf-compiler
fi

swift package resolve
checkout=.build/checkouts/swift-protobuf
[ -d "$checkout" ] || { echo "error: $checkout missing after 'swift package resolve'" >&2; exit 1; }
scratch="$PWD/.build-protoc"
swift build -c release --package-path "$checkout" --scratch-path "$scratch" --product protoc-gen-swift
plugin="$scratch/release/protoc-gen-swift"

generate() { # generate OUTPUT_DIR PROTO...
    local out=$1; shift
    rm -rf "$out" && mkdir -p "$out"
    protoc --plugin=protoc-gen-swift="$plugin" -I Protos \
        --swift_opt=Visibility=Internal --swift_opt=FileNaming=DropPath \
        --swift_out="$out" "$@"
}

generate Sources/SynapseONNX/Generated onnx/onnx.proto3
generate Sources/SynapseTensorBoard/Generated \
    tensorboard/compat/proto/{event,histogram,resource_handle,summary,tensor,tensor_shape,types}.proto
echo "generated: $(ls Sources/SynapseONNX/Generated Sources/SynapseTensorBoard/Generated | grep -c pb.swift) files"
