#!/usr/bin/env bash
# The whole test suite: installs what is missing, then runs every test twice,
# optimized and under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
bazel test //... "$@" 2>&1 | tee "$log"
bazel test --config=sanitize //... "$@" 2>&1 | tee -a "$log"
# Both runs passed (pipefail): report the count of test targets run.
n=$(grep -Eo 'Executed [0-9]+ out of [0-9]+ tests?' "$log" | awk '{s += $5} END {print s + 0}')
echo "tests: $n passed, 0 failed"
