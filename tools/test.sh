#!/usr/bin/env bash
# The whole test suite: installs what is missing, then runs every test twice,
# optimized and under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bazel test //... "$@"
bazel test --config=sanitize //... "$@"
