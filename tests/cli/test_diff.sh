#!/usr/bin/env bash
# dbward diff on report pairs: the example account before and after a
# change that fixes one failure, adds one, turns one into an ERROR and
# removes a failing resource.
. "$(dirname "$0")/lib.sh"
EX="$SRC/examples/account"
cp -r "$EX" "$TMP/after"
A="$TMP/after/us-east-1"
# fixed: legacy-reporting gets automatic minor upgrades (DMS-09)
jq '(.ReplicationInstances[] | select(.ReplicationInstanceIdentifier == "legacy-reporting") | .AutoMinorVersionUpgrade) = true' \
  "$A/dms/describe-replication-instances.json" >"$TMP/x" && mv "$TMP/x" "$A/dms/describe-replication-instances.json"
# new failure: orders loses deletion protection (DDB-12)
jq '.Table.DeletionProtectionEnabled = false' "$A/dynamodb/describe-table/orders.json" >"$TMP/x" && mv "$TMP/x" "$A/dynamodb/describe-table/orders.json"
# changed: the PITR answer for sessions-legacy is now denied (DDB-09 FAIL -> ERROR)
rm "$A/dynamodb/describe-continuous-backups/sessions-legacy.json"
printf '{"code": "AccessDeniedException", "message": "no"}\n' >"$A/dynamodb/describe-continuous-backups/sessions-legacy.error.json"
"$DBWARD" scan --snapshot "$EX" --format json --output "$TMP/before.json"
"$DBWARD" scan --snapshot "$TMP/after" --format json --output "$TMP/after.json"
run 1 "$DBWARD" diff "$TMP/before.json" "$TMP/after.json" --format json
T=arn:aws:dynamodb:us-east-1:123456789012:table
CHECKS=$((CHECKS + 1))
if ! jq -e --arg t "$T" '
  ([.new_failures[].new | [.control_id, .resource_id]] == [["DDB-12", ($t + "/orders")]])
  and ([.fixed[].old | [.control_id, .resource_id]] == [["DMS-09", "arn:aws:dms:us-east-1:123456789012:rep:LEGACYREPORTING4Q9ZT"]])
  and ([.changed[] | [.new.control_id, .old.status, .new.status]] | any(. == ["DDB-09", "FAIL", "ERROR"]))
  and ((.still_failing | length) > 30)' "$TMP/out" >/dev/null; then
  echo "FAIL: diff classes"; jq -c '{n: [.new_failures[].new.control_id], f: [.fixed[].old.control_id], c: [.changed[] | [.new.control_id, .old.status, .new.status]]}' "$TMP/out"
  FAILS=$((FAILS + 1))
fi
run 1 "$DBWARD" diff "$TMP/before.json" "$TMP/after.json"
has "$TMP/out" "New failures: 1"
has "$TMP/out" "Fixed: 1"
has "$TMP/out" "FAIL -> ERROR"
# The reverse direction: DDB-12 is fixed, two failures are new.
run 1 "$DBWARD" diff "$TMP/after.json" "$TMP/before.json"
has "$TMP/out" "New failures: 2"   # DMS-09 comes back, and DDB-09 ERROR -> FAIL
run 0 "$DBWARD" diff "$TMP/before.json" "$TMP/before.json"
has "$TMP/out" "New failures: 0"
# A resource that disappears while failing counts as fixed (gone).
jq 'del(.findings[] | select(.control_id == "DDB-12" and (.resource_id | endswith("/orders"))))' "$TMP/after.json" >"$TMP/gone.json"
run 0 "$DBWARD" diff "$TMP/after.json" "$TMP/gone.json"
has "$TMP/out" "FAIL -> (gone)"
# Bad input.
run 2 "$DBWARD" diff "$TMP/before.json"
echo '{"findings": []}' >"$TMP/other.json"
run 2 "$DBWARD" diff "$TMP/before.json" "$TMP/other.json"
has "$TMP/err" "not a dbward JSON report"
finish
