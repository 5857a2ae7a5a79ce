#!/usr/bin/env bash
# Regenerates the golden decision logs in tests/golden/ from the list in
# tests/golden/goldens.txt ("SCENARIO RECORDS" per line):
#   bash tools/update_goldens.sh            every golden
#   bash tools/update_goldens.sh steady     only these scenarios (e.g. a new line)
#
# The goldens pin down every pacer decision of the shipped scenarios, so that
# any change to them is seen. Regenerating is legitimate only when a change
# is MEANT to change decisions, and you know why each difference happens:
#   - a fix that makes the port closer to Go 1.10.2 (the conformance tests
#     against the real runtime's recordings still pass, or pass more);
#   - a deliberate change of a shipped scenario's definition, of the cost
#     model, or of the decision-log / cycle-summary format;
#   - a new golden (a new line in goldens.txt).
# It is never a way to make a failing golden test pass. First look at the
# difference (`gogcsim diff tests/golden/NAME NEW_RUN_DIR`, and with
# --tolerance=0 for how far the outputs moved), then regenerate, and say in
# the commit message what changed and why (paste the diff's summary).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bazel build //tools:gogcsim >&2
BIN=./bazel-bin/tools/gogcsim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
found=0
while read -r scenario records rest; do
  case "$scenario" in ''|'#'*) continue ;; esac
  if (($#)) && [[ " $* " != *" $scenario "* ]]; then continue; fi
  found=$((found + 1))
  "$BIN" run "$scenario" --records="$records" --out="$tmp/$scenario" >/dev/null
  mkdir -p "tests/golden/$scenario"
  for f in decisions.jsonl cycles.jsonl; do
    if [ -f "tests/golden/$scenario/$f" ] && cmp -s "$tmp/$scenario/$f" "tests/golden/$scenario/$f"; then
      echo "unchanged tests/golden/$scenario/$f"
    else
      cp "$tmp/$scenario/$f" "tests/golden/$scenario/$f"
      echo "wrote     tests/golden/$scenario/$f ($(wc -l <"tests/golden/$scenario/$f") records)"
    fi
  done
done <tests/golden/goldens.txt
if ((found == 0)); then
  echo "update_goldens: no matching line in tests/golden/goldens.txt" >&2
  exit 2
fi
