#!/usr/bin/env bash
# The main job: installs what is missing, builds gogcsim and runs it on the
# built-in default scenario, or on whatever arguments are given (from the
# caller's directory, so `bash tools/run.sh record prog.go` finds prog.go).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
(cd "$repo" && bash tools/setup.sh && bazel build //tools:gogcsim >&2)
# The go1.10.2 source the recorder's toolchain is built from, where this
# machine has it (users elsewhere give --go_src or set GOGCSIM_GO_SRC).
if [ -z "${GOGCSIM_GO_SRC:-}" ] && [ -f "$repo/../shared/go/go1.10.2-src.tar.xz" ]; then
  export GOGCSIM_GO_SRC="$repo/../shared/go/go1.10.2-src.tar.xz"
fi
if (($#)); then
  exec "$repo/bazel-bin/tools/gogcsim" "$@"
fi
cd "$repo"
exec ./bazel-bin/tools/gogcsim run steady --out=out/steady
