#!/usr/bin/env bash
# The main job: installs what is missing, builds gogcsim and runs it on the
# built-in default scenario (or on whatever arguments are given).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bazel build //tools:gogcsim >&2
if (($#)); then
  exec ./bazel-bin/tools/gogcsim "$@"
fi
exec ./bazel-bin/tools/gogcsim run steady --out=out/steady
