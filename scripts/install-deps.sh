#!/usr/bin/env bash
# Installs the Debian packages Synapse builds against, when they are missing:
# oneDNN (matrix products), zlib (gzip, PNG), libjpeg-turbo (JPEG), pkg-config, the HDF5
# run-time library (loaded only by `export-keras`) and Open MPI (mpirun and libmpi.so.40,
# loaded only by training under mpirun; the distributed tests use them); neither of the last
# two is needed to build. Quiet and quick when everything is already there; needs root or
# sudo when something is missing.
set -euo pipefail

packages=(libdnnl-dev zlib1g-dev libturbojpeg0-dev pkg-config libhdf5-103-1 openmpi-bin)

if ! command -v dpkg >/dev/null 2>&1; then
    echo "install-deps: no dpkg here (not Debian/Ubuntu); make sure ${packages[*]} or their equivalents are installed" >&2
    exit 0
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed'; then
        missing+=("$package")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    echo "install-deps: ${missing[*]} missing, and this is not root and there is no sudo; install them as root" >&2
    exit 1
fi
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
