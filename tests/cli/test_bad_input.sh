#!/usr/bin/env bash
# Bad input: malformed files are named with line and column; one bad file
# only affects the controls that need it; nothing unreadable becomes PASS.
. "$(dirname "$0")/lib.sh"
mksnap "$TMP/s"
printf '{"account_id": "123456789012",\n  "partition": "aws"\n  "regions": []}\n' >"$TMP/s/manifest.json"
run 2 "$DBWARD" scan --snapshot "$TMP/s"
has "$TMP/err" "manifest.json:3:11: '}' expected near '\"regions\"'"
has "$TMP/err" "^"
mksnap "$TMP/s"
printf '{"Table": {"TableName": "t",\n "DeletionProtectionEnabled": true,,}}\n' >"$TMP/s/us-east-1/dynamodb/describe-table/t.json"
run 3 "$DBWARD" scan --snapshot "$TMP/s" --controls DDB-12,DDB-05
has "$TMP/out" "describe-table/t.json:2:36:"
lacks "$TMP/out" "PASS   "
# A denied list call: ERROR for the scope, other controls unaffected.
mksnap "$TMP/d"
mkdir -p "$TMP/d/us-east-1/dax"
printf '{"code": "AccessDeniedException", "message": "no"}\n' >"$TMP/d/us-east-1/dax/describe-clusters.error.json"
run 3 "$DBWARD" scan --snapshot "$TMP/d" --controls DDB-03,DDB-13,DDB-12 --format json
CHECKS=$((CHECKS + 1))
if ! jq -e '[.findings[] | select(.control_id != "DDB-12") | .status] == ["ERROR","ERROR"] and
            ([.findings[] | select(.control_id == "DDB-12") | .status] == ["PASS"])' "$TMP/out" >/dev/null; then
  echo "FAIL: denied dax call"; jq -c '.findings[] | [.control_id,.status,.reason]' "$TMP/out"; FAILS=$((FAILS + 1))
fi
# Empty folder for a region: every control that needs data is ERROR, none PASS.
mkdir -p "$TMP/e"
printf '{"account_id":"123456789012","partition":"aws","regions":["us-east-1"],"taken_at":"2026-01-10T00:00:00Z"}\n' >"$TMP/e/manifest.json"
run 3 "$DBWARD" scan --snapshot "$TMP/e" --format json
CHECKS=$((CHECKS + 1))
want=$("$DBWARD" controls --format json --config /dev/null | jq '[.[] | select(.id != "ACCOUNT")] | length')
if ! jq -e --argjson want "$want" '(.summary.by_status.PASS == 0) and (.summary.by_status.ERROR >= $want)' "$TMP/out" >/dev/null; then
  echo "FAIL: empty snapshot produced PASS"; jq '.summary.by_status' "$TMP/out"; FAILS=$((FAILS + 1))
fi
finish
