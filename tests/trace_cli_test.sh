#!/usr/bin/env bash
# End-to-end checks of `gogcsim trace import` and `gogcsim trace info`:
# outputs, exit codes, error messages naming the file, determinism.
set -uo pipefail

source "$TEST_SRCDIR/$TEST_WORKSPACE/tests/cli_lib.sh"
SAMPLE="$TEST_SRCDIR/$TEST_WORKSPACE/traces/testdata/allocfreetrace_sample.txt"

[ -f "$REF/workers-p2.rec.gz" ] || { echo "reference recordings not found at $REF"; exit 1; }

"$BIN" --help >"$TMP/help" 2>&1
check "help names trace info" grep -q "gogcsim trace info FILE" "$TMP/help"
check "help names trace import" grep -q "gogcsim trace import --from=recording|reference|allocfreetrace" "$TMP/help"

# allocfreetrace sample (traces/testdata/README.md gives the expected counts).
"$BIN" trace import --from=allocfreetrace "$SAMPLE" "$TMP/afl.trace" >"$TMP/imp.txt"; rc=$?
check "allocfreetrace import exits 0" test $rc -eq 0
check "import reports 8 allocations" grep -q "8 allocations" "$TMP/imp.txt"
"$BIN" trace info "$TMP/afl.trace" >"$TMP/info.txt"; rc=$?
check "info exits 0" test $rc -eq 0
check "info counts events" grep -q "^  events       18 in 1 chunks" "$TMP/info.txt"
check "info lists DEATH events" grep -Eq "^    DEATH +5$" "$TMP/info.txt"
check "info has no time span without a clock" grep -q "time span    unknown (the source has no clock)" "$TMP/info.txt"
check "info size histogram: 5 allocations of 16-31 bytes" grep -Eq "^    16-31 +5 +80$" "$TMP/info.txt"
check "info size histogram: the large one" grep -Eq "^    32768-65535 +1 +40960$" "$TMP/info.txt"
"$BIN" trace info --json "$TMP/afl.trace" >"$TMP/info.json"; rc=$?
check "info --json exits 0" test $rc -eq 0
check "json: source" grep -q '"source": "allocfreetrace"' "$TMP/info.json"
check "json: goroutines" grep -q '"goroutines": 2,' "$TMP/info.json"
check "json: no time" grep -q '"time": null' "$TMP/info.json"

# A reference recording, gzip'd; the allocation count comes from the recording.
allocs=$(zcat "$REF/workers-p2.rec.gz" | grep -c '^A ')
"$BIN" trace import --from=reference --gzip "$REF/workers-p2.rec.gz" "$TMP/w.trace.gz" >"$TMP/imp2.txt"; rc=$?
check "reference import exits 0" test $rc -eq 0
check "the trace is gzip'd" bash -c "head -c2 '$TMP/w.trace.gz' | od -An -tx1 | grep -q '1f 8b'"
"$BIN" trace info --json "$TMP/w.trace.gz" >"$TMP/w.json"; rc=$?
check "info on a gzip'd trace exits 0" test $rc -eq 0
check "json: allocations as in the recording ($allocs)" grep -q "\"allocations\": $allocs," "$TMP/w.json"
check "json: GOMAXPROCS from the H record" grep -q '"gomaxprocs": 2,' "$TMP/w.json"
check "json: two Ps and none" bash -c "tr -d ' \n' <'$TMP/w.json' | grep -q '\"ps\":\[-1,0,1\]'"
"$BIN" trace import --from=reference --gzip "$REF/workers-p2.rec.gz" "$TMP/w2.trace.gz" >/dev/null
check "import is deterministic" cmp -s "$TMP/w.trace.gz" "$TMP/w2.trace.gz"
check "no temporary files left" bash -c "! ls -A '$TMP' | grep -q '\.tmp\.'"

# Bad input: exit 2 and a message naming the file.
echo "not a trace" >"$TMP/bad.trace"
"$BIN" trace info "$TMP/bad.trace" >/dev/null 2>"$TMP/err"; rc=$?
check "info on a bad file exits 2" test $rc -eq 2
check "the error names the file" grep -q "$TMP/bad.trace: not a gogcsim trace" "$TMP/err"
head -c 400 "$TMP/afl.trace" >"$TMP/cut.trace"
"$BIN" trace info "$TMP/cut.trace" >/dev/null 2>"$TMP/err"; rc=$?
check "info on a truncated trace exits 2" test $rc -eq 2
check "the truncation is named" grep -q "$TMP/cut.trace: .*truncated" "$TMP/err"
"$BIN" trace info "$TMP/missing.trace" >/dev/null 2>"$TMP/err"; rc=$?
check "info on a missing file exits 2" test $rc -eq 2
check "the missing file is named" grep -q "missing.trace" "$TMP/err"
printf 'tracealloc(0xc420010000, 0x10)\nnot a goroutine header\n' >"$TMP/bad.txt"
"$BIN" trace import --from=allocfreetrace "$TMP/bad.txt" "$TMP/bad_out.trace" >/dev/null 2>"$TMP/err"; rc=$?
check "malformed allocfreetrace exits 2" test $rc -eq 2
check "the error names file:line" grep -q "$TMP/bad.txt:2:" "$TMP/err"
check "no output for a failed import" test ! -e "$TMP/bad_out.trace"
"$BIN" trace import --from=pprof "$SAMPLE" "$TMP/x.trace" >/dev/null 2>"$TMP/err"; rc=$?
check "unknown --from exits 2" test $rc -eq 2
check "unknown --from is named" grep -q "unknown --from=pprof" "$TMP/err"
"$BIN" trace frobnicate >/dev/null 2>"$TMP/err"; rc=$?
check "unknown subcommand exits 2" test $rc -eq 2

finish
