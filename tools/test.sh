#!/usr/bin/env bash
# The whole test suite: installs what is missing, then runs every test twice,
# optimized and under AddressSanitizer + UndefinedBehaviorSanitizer, and the
# threaded ones a third time under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
log=$(mktemp)
fnv_opt=$(mktemp)
trap 'rm -f "$log" "$fnv_opt"' EXIT
bazel test //... "$@" 2>&1 | tee "$log"
grep '^decision-log ' bazel-testlogs/scenarios/simulation_test/test.log >"$fnv_opt"
bazel test --config=sanitize //... "$@" 2>&1 | tee -a "$log"
# Determinism across builds: the sanitized build's decision logs hash the
# same as the optimized build's.
if ! grep '^decision-log ' bazel-testlogs/scenarios/simulation_test/test.log | cmp -s - "$fnv_opt" \
   || [ ! -s "$fnv_opt" ]; then
  echo "decision logs differ between the optimized and the sanitizer builds:" >&2
  cat "$fnv_opt" >&2
  grep '^decision-log ' bazel-testlogs/scenarios/simulation_test/test.log >&2 || true
  exit 1
fi
echo "decision logs identical in the optimized and sanitizer builds: $(wc -l <"$fnv_opt") hashes"
# The threaded parts under ThreadSanitizer (after the check above: this
# run points bazel-testlogs elsewhere): the sweep's thread pool (on 2 and
# 3 threads) and the replays' record prefetchers (v1, v2).
bazel test --config=tsan //scenarios:sweep_test //traces:record_prefetcher_test //traces:recording_v2_prefetch_test "$@" 2>&1 | tee -a "$log"
# A first run must look like the tool it is: Debian's /etc/bazel/bazelrc
# turns on --sandbox_debug (.bazelrc turns it off again), and -Werror
# keeps compiler warnings out.
if grep -E 'src/main/tools/linux-sandbox|warning:' "$log" >&2; then
  echo "the build printed linux-sandbox debug lines or compiler warnings (above)" >&2
  exit 1
fi
# bazel-bin back on the optimized build, for the recorder test.
bazel build //tools:gogcsim "$@" 2>&1 | tee -a "$log" >/dev/null
# The recorder on programs recorded fresh (outside Bazel: it uses the
# toolchain cache, and builds the instrumented go1.10.2 first if needed).
echo "recorder test (tests/record_test.sh):"
if ! bash tests/record_test.sh; then
  echo "the recorder test failed" >&2
  exit 1
fi
# Replay v2 on 11 programs recorded fresh at GOMAXPROCS 1, 2, 4 and 8:
# every record of every recording must match.
echo "replay v2 grid (tests/replay_v2_test.sh):"
if ! bash tests/replay_v2_test.sh; then
  echo "the replay v2 grid failed" >&2
  exit 1
fi
# What-if predictions against real runs: a small grid made fresh, its
# errors inside what was measured.
echo "what-if validation grid (tests/validation_grid_test.sh):"
if ! bash tests/validation_grid_test.sh; then
  echo "the what-if validation grid failed" >&2
  exit 1
fi
# Everything passed (pipefail): report the count of test targets run, the
# recorder test and the two grids counting as one each.
n=$(grep -Eo 'Executed [0-9]+ out of [0-9]+ tests?' "$log" | awk '{s += $5} END {print s + 3}')
echo "tests: $n passed, 0 failed"
