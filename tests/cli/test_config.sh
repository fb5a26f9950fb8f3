#!/usr/bin/env bash
# dbward.yaml from the command line: --config and ./dbward.yaml, custom
# controls in controls/explain/scan, suppressions (MUTED, never a failure),
# the expiry warning, and errors with file:line:column.
. "$(dirname "$0")/lib.sh"
EX="$SRC/examples/account"
CFG="$SRC/examples/dbward.yaml"
run 0 "$DBWARD" controls --config "$CFG"
has "$TMP/out" "CUS-01"
has "$TMP/out" "(custom, dbward.yaml)"
run 0 "$DBWARD" explain CUS-01 --config "$CFG"
has "$TMP/out" "condition: contains(['3.5.2', '3.5.3'], EngineVersion)"
run 2 "$DBWARD" explain CUS-01
run 1 "$DBWARD" scan --snapshot "$EX" --config "$CFG" --format json
CHECKS=$((CHECKS + 1))
if ! jq -e '(.summary.by_status.MUTED == 1)
            and ([.findings[] | select(.status == "MUTED")][0].suppression.original_status == "FAIL")
            and ([.findings[] | select(.control_id == "DDB-11")] | length == 0)
            and ([.findings[] | select(.control_id == "DDB-05")][0].severity == "medium")
            and ([.findings[] | select(.control_id == "CUS-01" and .status == "FAIL")] | length == 1)' "$TMP/out" >/dev/null; then
  echo "FAIL: config effects in the JSON report"; FAILS=$((FAILS + 1))
fi
# A MUTED finding never fails the run: mute the only failure and the exit is 0.
mksnap "$TMP/s"
sed -i 's/"DeletionProtectionEnabled":true/"DeletionProtectionEnabled":false/' "$TMP/s/us-east-1/dynamodb/describe-table/t.json"
printf 'suppressions:\n  - control: DDB-12\n    reason: accepted risk\n' >"$TMP/mute.yaml"
run 1 "$DBWARD" scan --snapshot "$TMP/s" --controls DDB-12
run 0 "$DBWARD" scan --snapshot "$TMP/s" --controls DDB-12 --config "$TMP/mute.yaml"
has "$TMP/out" "muted (was FAIL): accepted risk"
# Expired: warns, does not mute.
printf 'suppressions:\n  - control: DDB-12\n    reason: old waiver\n    expires: 2020-01-31\n' >"$TMP/old.yaml"
run 1 "$DBWARD" scan --snapshot "$TMP/s" --controls DDB-12 --config "$TMP/old.yaml"
has "$TMP/err" "old.yaml:2:5: the suppression of DDB-12 for * expired on 2020-01-31; it no longer mutes"
# ./dbward.yaml is found in the current folder.
cp "$TMP/mute.yaml" "$TMP/s/dbward.yaml"
( cd "$TMP/s" && "$DBWARD" scan --snapshot . --controls DDB-12 >"$TMP/out" 2>&1 )
rc=$?
CHECKS=$((CHECKS + 1))
[ $rc -eq 0 ] && grep -q "MUTED" "$TMP/out" || { echo "FAIL: ./dbward.yaml not used"; FAILS=$((FAILS + 1)); }
# Errors name file, line and column; the CLI exits 2.
printf 'parameters:\n  backup_max_age_days: soon\n' >"$TMP/bad.yaml"
run 2 "$DBWARD" scan --snapshot "$EX" --config "$TMP/bad.yaml"
has "$TMP/err" "bad.yaml:2:24: backup_max_age_days must be a whole number"
printf 'custom_controls:\n  - id: CUS-9\n    title: t\n    severity: low\n    call: dynamodb describe-table\n    id_expression: Table.TableArn\n    condition: Table.ItemCount >> 1\n' >"$TMP/expr.yaml"
run 2 "$DBWARD" controls --config "$TMP/expr.yaml"
has "$TMP/err" "expr.yaml:7:33: condition: syntax error: unexpected token"
run 2 "$DBWARD" scan --snapshot "$EX" --config "$TMP/nowhere.yaml"
has "$TMP/err" "cannot open the configuration"
# A suppression's control is a glob over the whole registry, custom controls
# included: control: "CUS-*" mutes what include: ["CUS-*"] selects.
printf 'custom_controls:\n  - id: CUS-9\n    title: t\n    severity: low\n    call: dynamodb describe-table\n    id_expression: Table.TableArn\n    condition: "`false`"\n' >"$TMP/cus.yaml"
cp "$TMP/cus.yaml" "$TMP/cus-inc.yaml"
printf 'controls:\n  include: ["CUS-*"]\n' >>"$TMP/cus-inc.yaml"
run 1 "$DBWARD" scan --snapshot "$EX" --config "$TMP/cus-inc.yaml" --format json
CHECKS=$((CHECKS + 1))
[ "$(jq '[.findings[] | select(.control_id == "CUS-9" and .status == "FAIL")] | length' "$TMP/out")" -ge 1 ] &&
  [ "$(jq '[.findings[] | select(.control_id != "CUS-9")] | length' "$TMP/out")" -eq 0 ] ||
  { echo "FAIL: include CUS-* does not select CUS-9 alone"; FAILS=$((FAILS + 1)); }
cp "$TMP/cus-inc.yaml" "$TMP/cus-supp.yaml"
printf 'suppressions:\n  - control: "CUS-*"\n    reason: custom checks are advisory\n' >>"$TMP/cus-supp.yaml"
run 0 "$DBWARD" scan --snapshot "$EX" --config "$TMP/cus-supp.yaml" --format json
CHECKS=$((CHECKS + 1))
[ "$(jq '[.findings[] | select(.control_id == "CUS-9" and .status == "MUTED")] | length' "$TMP/out")" -ge 1 ] &&
  [ "$(jq '.summary.by_status.FAIL' "$TMP/out")" -eq 0 ] ||
  { echo "FAIL: suppression control CUS-* does not mute CUS-9"; FAILS=$((FAILS + 1)); }
# A glob that matches nothing is still refused, with its place.
printf 'suppressions:\n  - control: "ZZZ-*"\n    reason: r\n' >"$TMP/nomatch.yaml"
run 2 "$DBWARD" scan --snapshot "$EX" --config "$TMP/nomatch.yaml"
has "$TMP/err" "nomatch.yaml:2:14: control ZZZ-* matches no control"
# ACCOUNT (an account the audit could not enter) is a control like the others.
run 0 "$DBWARD" explain ACCOUNT --config /dev/null
has "$TMP/out" "ACCOUNT  The audit role can be assumed in the account"
run 0 "$DBWARD" explain account --config /dev/null
run 0 "$DBWARD" scan --snapshot "$EX" --controls ACCOUNT --config /dev/null
run 0 "$DBWARD" controls --config /dev/null
has "$TMP/out" "ACCOUNT"
printf 'suppressions:\n  - control: ACCOUNT\n    account: "123456789012"\n    reason: being onboarded\n' >"$TMP/acct.yaml"
run 0 "$DBWARD" scan --snapshot "$EX" --controls ACCOUNT --config "$TMP/acct.yaml"
# Command-line parameters win over the file's.
run 0 "$DBWARD" scan --snapshot "$EX" --config "$CFG" --param backup_max_age_days=30 --controls DDB-10 --format json
CHECKS=$((CHECKS + 1))
[ "$(jq '[.findings[] | select(.status == "FAIL")] | length' "$TMP/out")" -eq 0 ] || { echo "FAIL: --param did not win"; FAILS=$((FAILS + 1)); }
finish
