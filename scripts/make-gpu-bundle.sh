#!/usr/bin/env bash
# Builds what scripts/gpu-check.sh runs on a GPU machine that has no Swift toolchain,
# and packs it as ONE compressed archive:
#
#   synapse-gpu/bin/synapse-cuda-check   release build, Swift runtime linked statically, stripped
#   synapse-gpu/lib/                     shared libraries a bare glibc system may lack (oneDNN,
#                                        OpenMP, the OpenCL loader oneDNN links), from `ldd`
#   synapse-gpu/cxx/                     the C++ runtime (libstdc++, libgcc_s): used only when the
#                                        GPU machine's is missing or too old (this one needs glibc 2.36)
#   synapse-gpu/glibc/                   this machine's glibc and loader: gpu-check.sh falls back
#                                        to them only when the GPU machine's glibc is too old
#   synapse-gpu/scripts/                 gpu-check.sh and gpu_reference.py
#   synapse-gpu/BUILD-INFO               commit, date, toolchain, the newest glibc symbol needed
#
# Nothing CUDA is in it: the binary opens libcuda, cuBLAS and NVRTC on the GPU machine.
#
#   scripts/make-gpu-bundle.sh [OUTPUT_DIR]     (default .gpu-bundle)
#
# Writes OUTPUT_DIR/bundle.tar.xz and copies gpu-check.sh and gpu_reference.py beside
# it, so `bash OUTPUT_DIR/gpu-check.sh` works in a tree that does not have them yet.
# Environment: SYNAPSE_SCRATCH (build folder, default .build-static), SWIFT.
set -euo pipefail
cd "$(dirname "$0")/.."

out_dir="${1:-.gpu-bundle}"
scratch="${SYNAPSE_SCRATCH:-.build-static}"
swift="${SWIFT:-swift}"
build=("$swift" build -c release --scratch-path "$scratch" --product synapse-cuda-check --static-swift-stdlib)

echo "== building synapse-cuda-check (release, static Swift runtime, $scratch)"
"${build[@]}"
binary="$("${build[@]}" --show-bin-path)/synapse-cuda-check"

stage_parent="$(mktemp -d "${TMPDIR:-/tmp}/synapse-gpu-bundle.XXXXXX")"
trap 'rm -rf "$stage_parent"' EXIT
stage="$stage_parent/synapse-gpu"
mkdir -p "$stage/bin" "$stage/lib" "$stage/cxx" "$stage/glibc" "$stage/scripts"
cp "$binary" "$stage/bin/"
strip --strip-all "$stage/bin/synapse-cuda-check"

# Every shared library the binary needs: glibc's own go to glibc/ and the C++ runtime
# to cxx/ (both used only as fallbacks), the rest to lib/ (put on LD_LIBRARY_PATH).
while read -r library; do
    case "$(basename "$library")" in
        libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|librt.so.*|libresolv.so.*|libutil.so.*|ld-linux-*)
            cp -L "$library" "$stage/glibc/" ;;
        libstdc++.so.*|libgcc_s.so.*)
            cp -L "$library" "$stage/cxx/" ;;
        *)
            cp -L "$library" "$stage/lib/" ;;
    esac
done < <(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }')
cp -L /lib64/ld-linux-x86-64.so.2 "$stage/glibc/"
# The dynamic loader resolves by soname: keep the files under the names ldd printed.
strip --strip-unneeded "$stage/lib/"* "$stage/cxx/"* 2>/dev/null || true

cp scripts/gpu-check.sh scripts/gpu_reference.py "$stage/scripts/"

newest_glibc() {
    (objdump -T "$@" 2>/dev/null || true) | grep -o 'GLIBC_[0-9.]*' | sort -t. -k1,1 -k2,2n -k3,3n -u | tail -1
}
needs_glibc="$(newest_glibc "$stage/bin/synapse-cuda-check" "$stage/lib/"*)"
needs_glibc_cxx="$(newest_glibc "$stage/cxx/"*)"
{
    echo "commit:        $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
    echo "built:         $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "toolchain:     $("$swift" --version 2>&1 | head -1)"
    echo "needs glibc:   ${needs_glibc#GLIBC_} or newer; ${needs_glibc_cxx#GLIBC_} with the bundled C++ runtime (else the bundled glibc/ is used)"
    echo "libraries:     $(cd "$stage/lib" && ls | tr '\n' ' ')+ fallbacks $(cd "$stage/cxx" && ls | tr '\n' ' ')"
} > "$stage/BUILD-INFO"

mkdir -p "$out_dir"
archive="$out_dir/bundle.tar.xz"
tar -C "$stage_parent" -cf - synapse-gpu | xz -9e -T0 > "$archive.tmp"
mv "$archive.tmp" "$archive"
cp scripts/gpu-check.sh scripts/gpu_reference.py "$out_dir/"
chmod +x "$out_dir/gpu-check.sh"

echo "== $archive: $(du -h "$archive" | cut -f1) ($(stat -c %s "$archive") bytes)"
sed 's/^/   /' "$stage/BUILD-INFO"
(cd "$stage_parent" && find synapse-gpu -type f -printf '   %10s  %p\n' | sort -k2)
