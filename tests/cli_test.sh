#!/usr/bin/env bash
# End-to-end checks of the gogcsim command line: help, exit codes, error
# messages, JSON output, determinism of output, and divergence reporting.
set -uo pipefail

source "$TEST_SRCDIR/$TEST_WORKSPACE/tests/cli_lib.sh"

[ -f "$REF/churn-p1.rec.gz" ] || { echo "reference recordings not found at $REF"; exit 1; }

"$BIN" --help >"$TMP/help" 2>&1; rc=$?
check "help exits 0" test $rc -eq 0
check "help names replay" grep -q "gogcsim replay --reference" "$TMP/help"
"$BIN" sweep --help >"$TMP/help-sweep" 2>&1; rc=$?
check "sweep --help exits 0" test $rc -eq 0
check "sweep --help is sweep's usage" grep -q "^  gogcsim sweep " "$TMP/help-sweep"
check "sweep --help is only sweep's usage" bash -c "! grep -q 'gogcsim replay' '$TMP/help-sweep'"
"$BIN" trace --help >"$TMP/help-trace" 2>&1
check "trace --help shows info and import" bash -c "grep -q 'gogcsim trace info' '$TMP/help-trace' && grep -q 'gogcsim trace import' '$TMP/help-trace'"

"$BIN" run alloc-mix --json --allocations=30000 >"$TMP/run1.json"; rc=$?
"$BIN" run alloc-mix --json --allocations=30000 >"$TMP/run2.json"
check "run exits 0" test $rc -eq 0
check "run output is byte-identical for the same seed" cmp -s "$TMP/run1.json" "$TMP/run2.json"
check "run JSON has heap_live" grep -q '"heap_live": [0-9]' "$TMP/run1.json"
"$BIN" run alloc-mix --json --allocations=30000 --seed=2 >"$TMP/run3.json"
check "another seed gives other output" bash -c "! cmp -s '$TMP/run1.json' '$TMP/run3.json'"

# The GC run writes its outputs; the same seed gives the same bytes.
"$BIN" run steady --records=60000 --out="$TMP/o1" >"$TMP/steady.txt"; rc=$?
"$BIN" run steady --records=60000 --out="$TMP/o2" >/dev/null
check "GC run exits 0" test $rc -eq 0
check "GC run prints gctrace lines" grep -q '^  gc 1 @' "$TMP/steady.txt"
for f in decisions.jsonl cycles.jsonl gctrace.txt summary.json; do
  check "GC run wrote $f" test -s "$TMP/o1/$f"
done
check "no temporary files left" bash -c "! ls -A '$TMP/o1' | grep -q tmp"
check "decision log has all four kinds" bash -c "for k in set_trigger start_cycle revise end_cycle; do grep -q '\"kind\":\"'\$k'\"' '$TMP/o1/decisions.jsonl' || exit 1; done"
check "decision logs are byte-identical for the same seed" cmp -s "$TMP/o1/decisions.jsonl" "$TMP/o2/decisions.jsonl"
check "floats carry their bit patterns" grep -q '"triggerRatio":{"bits":"3fec000000000000","value":0.875}' "$TMP/o1/decisions.jsonl"

"$BIN" run no-such-scenario >/dev/null 2>"$TMP/err"; rc=$?
check "unknown scenario exits 2" test $rc -eq 2
check "unknown scenario is named" grep -q 'no-such-scenario' "$TMP/err"

"$BIN" replay --reference="$TMP/missing.rec.gz" >/dev/null 2>"$TMP/err"; rc=$?
check "missing recording exits 2" test $rc -eq 2
check "missing recording names the path" grep -q "missing.rec.gz" "$TMP/err"

"$BIN" replay --json --reference="$REF/phase-p1-gogc50.rec.gz" >"$TMP/rep.json"; rc=$?
check "replay exits 0 when everything matches" test $rc -eq 0
check "replay JSON counts Z" grep -q '"Z": {' "$TMP/rep.json"
check "replay JSON has no divergence" grep -q '"first_divergence": null' "$TMP/rep.json"

# A recording with one address changed on line 40 (a tiny allocation at
# 842350559296 in churn-p1) must diverge there.
zcat "$REF/churn-p1.rec.gz" | head -2000 | sed '40s/^Z 842350559296$/Z 842350559312/' | gzip >"$TMP/bad.rec.gz"
check "line 40 was altered" bash -c "zcat '$TMP/bad.rec.gz' | sed -n 40p | grep -qx 'Z 842350559312'"
"$BIN" replay --reference="$TMP/bad.rec.gz" >"$TMP/bad.txt" 2>&1; rc=$?
check "divergent replay exits 1" test $rc -eq 1
check "divergence names line 40" grep -q "first divergence at line 40" "$TMP/bad.txt"

# A malformed line is an input error naming file and line.
zcat "$REF/churn-p1.rec.gz" | head -100 | sed '50s/.*/Q 1 2 3/' | gzip >"$TMP/malformed.rec.gz"
"$BIN" replay --reference="$TMP/malformed.rec.gz" >/dev/null 2>"$TMP/err"; rc=$?
check "malformed recording exits 2" test $rc -eq 2
check "malformed recording error names file:line" grep -q "malformed.rec.gz:50:" "$TMP/err"

finish
