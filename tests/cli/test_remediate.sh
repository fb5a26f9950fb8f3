#!/usr/bin/env bash
# dbward remediate: a bash script grouped by fix kind, filters, and refusal
# of anything that is not a dbward report.
. "$(dirname "$0")/lib.sh"
EX="$SRC/examples/account"
"$DBWARD" scan --snapshot "$EX" --format json --output "$TMP/r.json"
run 0 "$DBWARD" remediate "$TMP/r.json" -o "$TMP/fix.sh"
CHECKS=$((CHECKS + 1))
bash -n "$TMP/fix.sh" || { echo "FAIL: script does not parse"; FAILS=$((FAILS + 1)); }
has "$TMP/fix.sh" "set -euo pipefail"
has "$TMP/fix.sh" "# ===== In-place fixes: one command each, runnable as they are ====="
has "$TMP/fix.sh" "# ===== Recreate procedures"
has "$TMP/fix.sh" "# ===== Manual decisions"
has "$TMP/fix.sh" "# [DMS-09] arn:aws:dms:us-east-1:123456789012:rep:LEGACYREPORTING4Q9ZT"
# An in-place fix with no placeholder runs as it is; recreate steps are comments; placeholders never run.
has "$TMP/fix.sh" $'\naws dms modify-replication-instance --region us-east-1 --replication-instance-arn arn:aws:dms:us-east-1:123456789012:rep:LEGACYREPORTING4Q9ZT --auto-minor-version-upgrade --apply-immediately'
CHECKS=$((CHECKS + 1))
if grep -E '^[^#].*REPLACE_' "$TMP/fix.sh"; then echo "FAIL: a placeholder would run"; FAILS=$((FAILS + 1)); fi
CHECKS=$((CHECKS + 1))
if grep -E '^aws dms (create|delete)-replication-instance' "$TMP/fix.sh"; then echo "FAIL: a recreate step would run"; FAILS=$((FAILS + 1)); fi
lacks "$TMP/fix.sh" "PubliclyAccessible is false"   # only failures
# Filters.
run 0 "$DBWARD" remediate "$TMP/r.json" --controls DMS-09
CHECKS=$((CHECKS + 1))
[ "$(grep -c '^aws ' "$TMP/out")" -eq 1 ] || { echo "FAIL: --controls DMS-09"; FAILS=$((FAILS + 1)); }
run 0 "$DBWARD" remediate "$TMP/r.json" --severity critical
has "$TMP/out" "# [DDB-03]"
lacks "$TMP/out" "# [DMS-"
has "$TMP/out" "# 1 fix selected."
# Bad input.
printf '{"tool": {"name": "dbward"},\n "findings": [}\n' >"$TMP/bad.json"
run 2 "$DBWARD" remediate "$TMP/bad.json"
has "$TMP/err" "bad.json:2:15:"
echo '{"findings": []}' >"$TMP/other.json"
run 2 "$DBWARD" remediate "$TMP/other.json"
has "$TMP/err" "not a dbward JSON report"
finish
