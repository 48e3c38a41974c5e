#!/usr/bin/env bash
# `make test`: runs `swift test` with the given arguments, showing its output as it
# comes; when the run fails, repeats the failing tests' lines at the end, where a CI
# log's tail shows them.
#
#   scripts/run-tests.sh [swift test arguments...]      (SWIFT: the swift to use)
set -uo pipefail
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
"${SWIFT:-swift}" test "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
    echo "== swift test failed (status $status); the failing tests and their issues:"
    grep -E "✘|Fatal error|error:" "$log" | tail -40
fi
exit "$status"
