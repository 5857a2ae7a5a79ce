#!/usr/bin/env bash
# Replay v2 on programs recorded fresh on every run (run by tools/test.sh
# after tests/record_test.sh, outside Bazel's sandbox: it uses the
# toolchain cache). Each program is recorded at GOMAXPROCS 1, 2, 4 and 8,
# and every record of every recording must match: the recordings differ
# on every run, so this is the check that the schedule comes from the
# recording and not from rules fitted to one.
#
# REPLAY_V2_RUNS=N repeats the whole grid N times (default 1).
set -uo pipefail
source "$(dirname "$0")/cli_lib.sh"
recorder_setup || { finish; exit 1; }

# name and arguments: ours (tests/programs) at sizes that keep the grid
# short, and the five reference programs as they are.
PROGRAMS=("bigbuf 200" "blocking 5000" "maps 12" "pipeline 4000" "pool 20000" "stacks 400"
          "workers" "churn" "steady" "phase" "trees")
total=0
for run in $(seq 1 "${REPLAY_V2_RUNS:-1}"); do
  for spec in "${PROGRAMS[@]}"; do
    set -- $spec
    prog="$1"; shift
    src="$PROGS/$prog.go"
    [ -f "$src" ] || src="$ROOT/../shared/reference/programs/$prog.go"
    args=()
    [ $# -eq 0 ] || args=(-- "$@")
    for p in 1 2 4 8; do
      name="$prog-p$p"
      "$BIN" record --gomaxprocs="$p" --out="$name.rec" "$src" "${args[@]}" >"$name.out" 2>"$name.err"; rc=$?
      check "run $run, $name: record exits 0" test $rc -eq 0
      [ $rc -eq 0 ] || { cat "$name.err"; continue; }
      n=$(grep -Eo '[0-9,]+ allocations' "$name.out" | tr -d ', allocations')
      total=$((total + n))
      "$BIN" replay --engine=v2 --reference="$name.rec" >"$name.replay" 2>&1; rc=$?
      check "run $run, $name: replay v2 exits 0" test $rc -eq 0
      check "run $run, $name: every record matched" grep -q "^every record matched" "$name.replay"
      if [ $rc -ne 0 ]; then
        echo "run $run, $name ($n allocations):"
        grep -A12 "^diverged" "$name.replay"
        cp "$name.rec" "${REPLAY_V2_KEEP:-/tmp}/diverged-$run-$name.rec" 2>/dev/null || true
      fi
    done
  done
done
echo "$total allocations recorded and replayed"
check "at least 1 M allocations in the grid" test "$total" -ge 1000000
finish
