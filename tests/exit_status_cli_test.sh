#!/usr/bin/env bash
# The command line's exit statuses and spellings (issue 19): usage errors
# are 2 everywhere, write errors on stdout are noticed, a failed run leaves
# no output directory, GOGC is written as Go users write it, devices given as
# output paths stay devices.
set -uo pipefail

source "$TEST_SRCDIR/$TEST_WORKSPACE/tests/cli_lib.sh"

status() { "$@" >"$TMP/out" 2>"$TMP/err"; echo $?; }
expect() {  # expect NAME STATUS PATTERN CMD...: exit STATUS, stderr matching PATTERN
  local name="$1" want="$2" pattern="$3"; shift 3
  local rc; rc=$(status "$@")
  check "$name: exit $want (got $rc)" test "$rc" -eq "$want"
  check "$name: message /$pattern/" grep -qE -- "$pattern" "$TMP/err"
}

"$BIN" run steady --records=2000 --out="$TMP/a" >/dev/null 2>&1
check "a small run" test -s "$TMP/a/decisions.jsonl"

# Flag errors: absl exits 1, which diff uses for "different".
expect "diff --tolerance=abc" 2 "--tolerance=abc: " "$BIN" diff "$TMP/a" "$TMP/a" --tolerance=abc
expect "unknown flag" 2 "unknown flag --no_such_flag" "$BIN" run steady --no_such_flag=1
expect "--records=-5" 2 "--records=-5: " "$BIN" run steady --records=-5
expect "--out= with no value" 2 "--out= needs a value" "$BIN" run steady --records=2000 --out=
expect "--gogc=-2" 2 "GOGC -2 outside -1 .. 1000000" "$BIN" run steady --gogc=-2
expect "--lifetimes on a synthetic scenario" 2 "--lifetimes: only for a run of a trace" "$BIN" run steady --lifetimes=x
expect "--ncpu=-2" 2 "--ncpu=-2: must be 0 \\(a CPU per P\\) to 256" "$BIN" run steady --ncpu=-2
expect "--gogc_list=50,-7" 2 "GOGC -7 outside" "$BIN" sweep steady --gogc_list=50,-7 --records=2000

# Write errors on stdout.
for cmd in "run steady --records=2000" "run steady --records=2000 --json" "sweep steady --gogc=100 --records=2000 --json" \
           "merge --json $TMP/sw"; do
  [ "${cmd%% *}" = merge ] && "$BIN" sweep steady --gogc=100 --records=2000 --out="$TMP/sw" >/dev/null 2>&1
  # shellcheck disable=SC2086
  expect "$cmd >/dev/full" 4 "error writing to standard output" bash -c "exec \"$BIN\" $cmd >/dev/full"
done

# A failed run leaves no output directory behind: the scenario loads, its
# trace does not open (the directory used to be created before the run).
echo '{"workload": {"trace": "missing.trace"}}' >"$TMP/wt.json"
expect "run of a scenario whose trace is missing" 2 "open .*missing.trace" "$BIN" run "$TMP/wt.json" --out="$TMP/never"
check "no directory from the failed run" test ! -e "$TMP/never"

# GOGC=off and lists as Go users write them; the old spellings still work.
rc=$(status "$BIN" run steady --records=2000 --gogc=off --json)
check "--gogc=off runs" test "$rc" -eq 0
check "--gogc=off is GOGC -1" grep -q '"gogc": -1,' "$TMP/out"
check "--gogc=off: no GC cycle" grep -q '"cycles": 0,' "$TMP/out"
rc=$(status "$BIN" sweep steady --gogc=25,50,off --gomaxprocs=1,2 --records=2000 --threads=1 --json)
check "sweep --gogc=25,50,off --gomaxprocs=1,2 runs" test "$rc" -eq 0
check "  its grid" grep -q '"grid": {"gogc": \[25, 50, -1\], "gomaxprocs": \[1, 2\], "seeds": \[1\]}' "$TMP/out"
rc=$(status "$BIN" sweep steady --gogc 50,100 --records=2000 --threads=1 --json)
check "sweep --gogc 50,100 (a space) runs" test "$rc" -eq 0
check "  its grid" grep -q '"grid": {"gogc": \[50, 100\], "gomaxprocs": \[1\]' "$TMP/out"
rc=$(status "$BIN" sweep steady --gogc_list=50,100 --gomaxprocs_list=1 --records=2000 --threads=1 --json)
check "the old --gogc_list spelling" test "$rc" -eq 0
check "  its grid" grep -q '"grid": {"gogc": \[50, 100\], "gomaxprocs": \[1\]' "$TMP/out"

# Devices as output paths: written in place, or refused; never replaced.
rc=$(status "$BIN" report "$TMP/a" --out=/dev/null)
check "report --out=/dev/null exits 0" test "$rc" -eq 0
check "/dev/null is still a device" test -c /dev/null
expect "report --out=/dev/full" 2 "error writing /dev/full" "$BIN" report "$TMP/a" --out=/dev/full
check "/dev/full is still a device" test -c /dev/full
"$BIN" trace import --from=allocfreetrace "$TEST_SRCDIR/$TEST_WORKSPACE/traces/testdata/allocfreetrace_sample.txt" \
  /dev/null >"$TMP/out" 2>"$TMP/err"; rc=$?
check "trace import into /dev/null is refused (exit 2, got $rc)" test "$rc" -eq 2
check "  saying why" grep -q '/dev/null: not a regular file' "$TMP/err"
check "/dev/null is still a device after the import" test -c /dev/null

finish
