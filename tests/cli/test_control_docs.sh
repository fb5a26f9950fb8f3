#!/usr/bin/env bash
# docs/controls/ is generated from the catalog (scripts/gen-control-docs):
# the committed pages must be exactly what this binary writes, and every
# catalog control has a page with the sections a reader needs.
. "$(dirname "$0")/lib.sh"
run 0 bash "$SRC/scripts/gen-control-docs" "$DBWARD" "$TMP/controls"
CHECKS=$((CHECKS + 1))
if ! diff -ru "$SRC/docs/controls" "$TMP/controls" > "$TMP/stale"; then
  echo "FAIL: docs/controls is stale; run scripts/gen-control-docs"; head -20 "$TMP/stale"; FAILS=$((FAILS + 1))
fi
n=$("$DBWARD" controls --format json --config /dev/null | jq length)
CHECKS=$((CHECKS + 1))
[ "$(ls "$TMP/controls"/*.md | wc -l)" -eq $((n + 1)) ] || { echo "FAIL: want $n pages and the index"; FAILS=$((FAILS + 1)); }
for id in $("$DBWARD" controls --format json --config /dev/null | jq -r '.[].id'); do
  for s in "## What it checks" "## Why" "## Audit by hand" "## Fix" "## Nearest checks in other tools" "| Prowler |" \
           "| AWS Security Hub |" "| AWS Config |" "| Trend Micro Conformity |" "How dbward differs: " "| NIST CSF 1.1 |" "| NIST CSF 2.0 |" "| sources |"; do
    has "$TMP/controls/$id.md" "$s"
  done
  lacks "$TMP/controls/$id.md" "| seeds |"
  has "$TMP/controls/index.md" "[$id]($id.md)"
done
for s in "## By service" "## By severity" "## By NIST CSF 2.0 function" "### Protect (PR)"; do has "$TMP/controls/index.md" "$s"; done
run 2 "$DBWARD" scan --snapshot "$SRC/examples/account" --format markdown
finish
