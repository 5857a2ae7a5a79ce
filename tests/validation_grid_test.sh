#!/usr/bin/env bash
# A small what-if validation grid, made fresh on every run (run by
# tools/test.sh outside Bazel's sandbox: it uses the toolchain cache):
# churn and maps recorded at GOMAXPROCS 1 and GOGC 100, predicted at GOGC
# 50, 100 and 200, each cell against 5 plain go1.10.2 runs. The mean
# |error| of each measure must stay inside what was measured at c05fcfb
# over 13 such grids (cycles 7.0-21.6%, peak heap at mark termination
# 8.6-82.9%, mean marked heap 17.3-32.8%), at 7e3f1be over 6 (9.8-15.5%,
# 17.1-48.7%, 18.8-31.5%) and, with lifetime runs (the grid's default
# since 3ea33d1, and this test's), at 2916b50 over 4 (15.5-26.9%,
# 20.7-30.6%, 13.5-20.7%), with a margin for the real
# runs' noise: churn's real marks sometimes run 5-16 ms instead of 0.5
# and take the heap from 4 to 23 MB, which no prediction follows. So the
# bounds catch a model change that makes prediction clearly worse (what-if
# runs that ignored GOGC gave cycles 70.8%), not small drifts.
set -uo pipefail
source "$(dirname "$0")/cli_lib.sh"
recorder_setup || { finish; exit 1; }

GOGCSIM_BIN="$BIN" GRID_PROGRAMS="churn maps" GRID_GOGC="50 100 200" GRID_PROCS=1 GRID_RUNS=5 \
  bash "$ROOT/tools/validation_grid.sh" "$TMP/grid" >grid.out 2>grid.err; rc=$?
check "the grid is made and validated (exit $rc)" test $rc -eq 0
[ $rc -eq 0 ] || cat grid.err
check "6 cells" grep -q "^validate .*: 6 cells$" grid.out
check "lifetime runs recorded" test -s "$TMP/grid/recordings/churn-p1.rec.life"
check "every cell ran with its lifetimes" bash -c "! grep -q 'without lifetimes' grid.err"
for f in validation.csv validation.json validation.html; do
  check "$f written" test -s "$TMP/grid/$f"
done
check "the CSV has a row per cell" test "$(wc -l <"$TMP/grid/validation.csv")" -eq 7
check "the HTML has a chart per judged measure" test "$(grep -c '<svg' "$TMP/grid/validation.html")" -eq 3

# "  GC cycles    12.1%  5/6": the mean |error| of a measure, in %.
error_of() { grep -F "  $1 " grid.out | grep -Eo '[0-9.]+%' | head -1 | tr -d %; }
within() { awk -v e="$1" -v max="$2" 'BEGIN { exit !(e != "" && e <= max) }'; }
cycles=$(error_of "GC cycles")
peak=$(error_of "peak heap at mark termination (MB)")
marked=$(error_of "mean marked heap (MB)")
echo "mean |error|: cycles $cycles%, peak heap at mark termination $peak%, mean marked heap $marked%"
check "cycles: mean |error| $cycles% <= 40%" within "$cycles" 40
check "peak heap at mark termination: mean |error| $peak% <= 100%" within "$peak" 100
check "mean marked heap: mean |error| $marked% <= 45%" within "$marked" 45
finish
