#!/usr/bin/env bash
# End-to-end checks of gogcsim sweep and merge: shards 0/2 and 1/2 merge into
# the bytes of an unsharded sweep, 1 and 2 threads write the same bytes, and
# merge refuses a missing shard, a shard given twice and another grid.
set -uo pipefail

source "$TEST_SRCDIR/$TEST_WORKSPACE/tests/cli_lib.sh"

# 3 GOGC values x 2 seeds = 6 small runs (40,000 records each).
GRID=(steady --gogc_list=25,50,100 --seeds=2 --records=40000)

"$BIN" sweep "${GRID[@]}" --threads=1 --out="$TMP/all1" >"$TMP/all1.txt" 2>"$TMP/all1.err"; rc=$?
check "sweep exits 0" test $rc -eq 0
"$BIN" sweep "${GRID[@]}" --threads=2 --out="$TMP/all2" >/dev/null 2>&1
for f in sweep.json sweep.csv; do
  check "sweep wrote $f" test -s "$TMP/all1/$f"
  check "$f is byte-identical with 1 and 2 threads" cmp -s "$TMP/all1/$f" "$TMP/all2/$f"
done
check "no temporary files left" bash -c "! ls -A '$TMP/all1' | grep -q tmp"
check "CSV has a header and 6 rows" test "$(wc -l <"$TMP/all1/sweep.csv")" -eq 7
check "CSV header starts with the grid columns" grep -q '^index,gogc,gomaxprocs,seed,cycles,' "$TMP/all1/sweep.csv"
# Row 3 is GOGC 50 (outer), GOMAXPROCS 1, seed 2 (innermost).
check "rows are in grid order" grep -q '^3,50,1,2,' "$TMP/all1/sweep.csv"
check "JSON names the grid" grep -q '"grid": {"gogc": \[25, 50, 100\], "gomaxprocs": \[1\], "seeds": \[1, 2\]}' "$TMP/all1/sweep.json"
check "table printed" grep -q '^sweep steady: 6 runs of 6' "$TMP/all1.txt"
check "progress on stderr" grep -q 'sweep: 6/6 runs done' "$TMP/all1.err"

"$BIN" sweep "${GRID[@]}" --shard=0/2 --out="$TMP/s0" >/dev/null 2>&1; rc0=$?
"$BIN" sweep "${GRID[@]}" --shard=1/2 --out="$TMP/s1" >/dev/null 2>&1; rc1=$?
check "shards exit 0" test $rc0 -eq 0 -a $rc1 -eq 0
check "shard 0/2 holds indices 0, 2, 4" test "$(cut -d, -f1 "$TMP/s0/sweep.csv" | tail -n +2 | tr '\n' ' ')" = "0 2 4 "
"$BIN" merge --out="$TMP/merged" "$TMP/s1" "$TMP/s0/sweep.json" >"$TMP/merge.txt" 2>&1; rc=$?
check "merge exits 0" test $rc -eq 0
for f in sweep.json sweep.csv; do
  check "merged $f is the unsharded $f" cmp -s "$TMP/merged/$f" "$TMP/all1/$f"
done
"$BIN" merge --json "$TMP/s0" "$TMP/s1" >"$TMP/merged.json" 2>/dev/null
check "merge --json prints the table" cmp -s "$TMP/merged.json" "$TMP/all1/sweep.json"

"$BIN" merge "$TMP/s0" >/dev/null 2>"$TMP/err"; rc=$?
check "missing shard exits 2" test $rc -eq 2
check "missing shard is named" grep -q 'grid indices missing: 1, 3, 5 (shard 1/2 not given?)' "$TMP/err"
"$BIN" merge "$TMP/s0" "$TMP/s1" "$TMP/s1/sweep.json" >/dev/null 2>"$TMP/err"; rc=$?
check "duplicate shard exits 2" test $rc -eq 2
check "duplicate shard names both files" grep -q "is in both $TMP/s1 and $TMP/s1/sweep.json" "$TMP/err"
"$BIN" sweep steady --gogc_list=25,50,200 --seeds=2 --records=40000 --shard=1/2 --out="$TMP/other" >/dev/null 2>&1
"$BIN" merge "$TMP/s0" "$TMP/other" >/dev/null 2>"$TMP/err"; rc=$?
check "another grid exits 2" test $rc -eq 2
check "another grid is named" grep -q "$TMP/other is a sweep of steady (records 40000, GOGC 25,50,200 x GOMAXPROCS 1 x seeds 1,2)" "$TMP/err"
"$BIN" merge "$TMP/nowhere" >/dev/null 2>"$TMP/err"; rc=$?
check "unreadable shard exits 2" test $rc -eq 2
check "unreadable shard is named" grep -q "$TMP/nowhere: cannot open" "$TMP/err"

"$BIN" sweep steady --shard=2/2 >/dev/null 2>"$TMP/err"; rc=$?
check "bad shard exits 2" test $rc -eq 2
check "bad shard is explained" grep -q -- '--shard=2/2: want i/N with 0 <= i < N' "$TMP/err"
"$BIN" sweep steady --gogc_list=25,x >/dev/null 2>"$TMP/err"; rc=$?
check "bad list exits 2" test $rc -eq 2
"$BIN" sweep no-such-scenario >/dev/null 2>"$TMP/err"; rc=$?
check "unknown scenario exits 2" test $rc -eq 2

finish
