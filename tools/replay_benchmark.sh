#!/usr/bin/env bash
# Replay v2's speed against the recorded program, and its memory per live
# object (issue 16): records a program fresh with the instrumented
# toolchain (built first if missing), then runs
# //scenarios:replay_v2_benchmark on the recording. Nothing is stored.
#
#   bash tools/replay_benchmark.sh [PROGRAM.go [GOMAXPROCS [-- ARGS]]]
#
# Default: the reference churn program at GOMAXPROCS 4 (1.57 M
# allocations). Target: x_faster_than_program > 1. Needs a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PROG="${1:-$PWD/../shared/reference/programs/churn.go}"
PROCS="${2:-4}"
shift $(( $# > 2 ? 2 : $# ))
: "${GOGCSIM_GO_SRC:=$PWD/../shared/go/go1.10.2-src.tar.xz}"
export GOGCSIM_GO_SRC
bash tools/setup.sh
bazel build -c opt //tools:gogcsim //scenarios:replay_v2_benchmark >&2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
bazel-bin/tools/gogcsim record --gomaxprocs="$PROCS" --out="$WORK/bench.rec" "$PROG" "$@"
GOGCSIM_RECORDING="$WORK/bench.rec" bazel-bin/scenarios/replay_v2_benchmark --benchmark_repetitions=3
