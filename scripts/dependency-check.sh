#!/usr/bin/env bash
# Synapse used as a versioned dependency (`make dependency-check`, run by CI).
#
# SwiftPM refuses a package used by version whose targets carry unsafeFlags, and a
# build of this repository itself never notices. So: clone the committed state of
# the repository (uncommitted changes are left out on purpose), tag it with a
# version, and build in release a tiny consumer package whose Package.swift has
#   .package(url: "file://<clone>", from: "<version>")
# and whose executable trains a 2-4-1 network on XOR and checks that the loss fell.
#
#   scripts/dependency-check.sh [REVISION]     # default HEAD
#
# Environment: SWIFT (default swift), SYNAPSE_DEPENDENCY_VERSION (the tag to give
# the clone; default the version tag already on REVISION, else 0.1.0),
# KEEP_TEMP=1 keeps the temporary folder. Synapse's own dependencies (GitHub
# packages) resolve as for any SwiftPM build on the machine: through the network,
# or through git's url.<base>.insteadOf when a machine mirrors them locally.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
swift="${SWIFT:-swift}"
revision="$(git -C "$root" rev-parse --verify "${1:-HEAD}^{commit}")"

work="$(mktemp -d "${TMPDIR:-/tmp}/synapse-dependency-check.XXXXXX")"
if [[ "${KEEP_TEMP:-0}" == 1 ]]; then
    echo "== keeping $work"
else
    trap 'rm -rf "$work"' EXIT
fi

# A clone at the revision, with exactly one version tag, on that revision, so the
# version requirement can only resolve to it.
version="${SYNAPSE_DEPENDENCY_VERSION:-$(git -C "$root" tag --points-at "$revision" \
    | grep -E '^v?[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -n 1 || true)}"
version="${version:-0.1.0}"
clone="$work/synapse"
echo "== cloning $root at ${revision:0:12} into $clone, tagged $version"
git clone --quiet --no-checkout "$root" "$clone"
git -C "$clone" cat-file -e "$revision^{commit}" 2>/dev/null || git -C "$clone" fetch --quiet origin "$revision"
git -C "$clone" checkout --quiet --detach "$revision"
git -C "$clone" tag -l | xargs -r git -C "$clone" tag -d > /dev/null
git -C "$clone" tag "$version"

consumer="$work/consumer"
mkdir -p "$consumer/Sources/consumer"
cat > "$consumer/Package.swift" <<EOF
// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "consumer",
    dependencies: [
        .package(url: "file://$clone", from: "${version#v}"),
    ],
    targets: [
        .executableTarget(
            name: "consumer",
            dependencies: [.product(name: "Synapse", package: "synapse")]),
    ]
)
EOF
cat > "$consumer/Sources/consumer/main.swift" <<'EOF'
// Trains the XOR network through Synapse's public API (Adam: the C kernel too), as a
// user's package would.
import Foundation
import Synapse

Random.seed(7)
let x = Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
let y = Tensor([[0], [1], [1], [0]])
let model = Sequential {
    Input(shape: [2])
    Dense(4, activation: .tanh)
    Dense(1, activation: .sigmoid)
}
model.compile(optimizer: Adam(learningRate: 0.05), loss: MeanSquaredError())
let losses = model.fit(x: x, y: y, epochs: 200, batchSize: 4, shuffle: false, verbose: 0).values["loss"] ?? []
guard let first = losses.first, let last = losses.last, last < first else {
    print("consumer: the loss did not decrease: \(losses)")
    exit(1)
}
let predictions = model.predict(x).scalars.map { ($0 * 1000).rounded() / 1000 }
print("consumer: loss \(first) -> \(last) after \(losses.count) epochs; predictions \(predictions)")
EOF

echo "== building the consumer in release (Synapse $version from $clone)"
start=$SECONDS
"$swift" build --package-path "$consumer" -c release
echo "== built in $((SECONDS - start)) s; running"
"$("$swift" build --package-path "$consumer" -c release --show-bin-path)/consumer"
echo "== dependency check passed: Synapse $version builds and trains as a versioned dependency"
