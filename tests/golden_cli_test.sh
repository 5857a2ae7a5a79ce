#!/usr/bin/env bash
# The goldens through the command line: `gogcsim run` reproduces every
# golden in tests/golden/goldens.txt and `gogcsim diff` says so (exit 0);
# a run with another triggerGain makes `gogcsim diff` exit 1 and name the
# first end_cycle; bad input exits 2 naming file:line; `gogcsim report`
# writes a self-contained page.
set -uo pipefail

source "$TEST_SRCDIR/$TEST_WORKSPACE/tests/cli_lib.sh"
RUNFILES="$TEST_SRCDIR/$TEST_WORKSPACE"
WRITER="$RUNFILES/tests/golden_writer"
GOLDEN="$RUNFILES/tests/golden"

n=0
while read -r scenario records rest; do
  case "$scenario" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  "$BIN" run "$scenario" --records="$records" --out="$TMP/$scenario" >/dev/null
  "$BIN" diff "$GOLDEN/$scenario" "$TMP/$scenario" >"$TMP/$scenario.diff"; rc=$?
  check "$scenario matches its golden (exit 0)" test $rc -eq 0
  check "$scenario diff says identical" grep -qx "identical" "$TMP/$scenario.diff"
  check "$scenario diff compared the cycles too" grep -q "^B .*/cycles.jsonl" "$TMP/$scenario.diff"
done <"$GOLDEN/goldens.txt"
check "at least two goldens" test $n -ge 2
records=$(awk '$1 == "steady" {print $2}' "$GOLDEN/goldens.txt")

# triggerGain 0.6 instead of 0.5: endCycle's output is the first to change.
"$WRITER" steady "$records" "$TMP/gain" 0.6; rc=$?
check "golden_writer exits 0" test $rc -eq 0
first_end=$(grep -n '"kind":"end_cycle"' "$GOLDEN/steady/decisions.jsonl" | head -1 | cut -d: -f1)
first_seq=$((first_end - 1))  # seq counts from 0, lines from 1
"$BIN" diff "$GOLDEN/steady" "$TMP/gain" >"$TMP/gain.diff"; rc=$?
check "changed triggerGain: diff exits 1" test $rc -eq 1
check "first difference is the first end_cycle (line $first_end)" \
  grep -q "first difference: record $first_seq (A: line $first_end, B: line $first_end): seq $first_seq end_cycle" "$TMP/gain.diff"
check "the field is out.triggerRatio" grep -A1 "first difference:" "$TMP/gain.diff" | grep -q "out.triggerRatio"
check "diff summarises how far triggerRatio moved" grep -Eq "^  triggerRatio +[0-9]+ +[1-9]" "$TMP/gain.diff"
check "diff ends with A and B differ" bash -c "tail -1 '$TMP/gain.diff' | grep -qx 'A and B differ'"

"$BIN" diff --json "$GOLDEN/steady" "$TMP/gain" >"$TMP/gain.json"; rc=$?
check "JSON diff exits 1" test $rc -eq 1
check "JSON says not the same" grep -q '^  "same": false' "$TMP/gain.json"
check "JSON first difference kind" grep -q '"kind": "end_cycle"' "$TMP/gain.json"
check "JSON has the movement summary" grep -q '"assistWorkPerByte": {' "$TMP/gain.json"

"$BIN" diff --tolerance=0 "$GOLDEN/steady" "$TMP/steady" >"$TMP/tol.diff"; rc=$?
check "identical logs are the same within tolerance 0" test $rc -eq 0
check "tolerance mode says so" grep -qx "the same within the tolerance" "$TMP/tol.diff"

# Bad input: exit 2, naming file and line.
head -5 "$GOLDEN/steady/decisions.jsonl" >"$TMP/bad.jsonl"
echo '{"seq":5,' >>"$TMP/bad.jsonl"
"$BIN" diff "$GOLDEN/steady/decisions.jsonl" "$TMP/bad.jsonl" >/dev/null 2>"$TMP/err"; rc=$?
check "malformed log exits 2" test $rc -eq 2
check "malformed log error names file:line" grep -q "bad.jsonl:6: not valid JSON" "$TMP/err"
"$BIN" diff "$GOLDEN/steady" "$TMP/nothing" >/dev/null 2>"$TMP/err"; rc=$?
check "missing input exits 2" test $rc -eq 2
"$BIN" diff "$GOLDEN/steady" >/dev/null 2>&1; rc=$?
check "one argument is a usage error" test $rc -eq 2

# The report of a run directory (the steady run above has every file).
"$BIN" run steady --records="$records" --out="$TMP/run" >/dev/null
"$BIN" report "$TMP/run" >"$TMP/report.txt"; rc=$?
check "report exits 0" test $rc -eq 0
check "report written to DIR/report.html" test -s "$TMP/run/report.html"
check "report has its charts" test "$(grep -c '<svg class="chart"' "$TMP/run/report.html")" -eq 4
check "report needs no network" bash -c "! grep -Eq 'https?://|src=|href=' '$TMP/run/report.html'"
"$BIN" report "$TMP/run" --out="$TMP/again.html" >/dev/null
check "report is byte-identical for the same run" cmp -s "$TMP/run/report.html" "$TMP/again.html"
"$BIN" report "$TMP/nothing" >/dev/null 2>"$TMP/err"; rc=$?
check "report of a missing directory exits 2" test $rc -eq 2
check "report error names the directory" grep -q "nothing" "$TMP/err"

finish
