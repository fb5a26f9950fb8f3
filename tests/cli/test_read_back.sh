#!/usr/bin/env bash
# Reports read back (dw_report_load, the one reader) and written again
# (dw_report_json, the one writer; `dbward report X.json -o json:Y` is
# exactly that) are the same JSON, compared structurally by Python's json:
# the demo scan, one with suppressions and a config, merged reports (one of
# shards that disagree on the run), a schema 1 report (its CSF 2.0 ids come
# back as the scan wrote them) and a diff report. diff on loaded reports
# classes findings as an independent reading of the documented rules
# (report_oracle.py) does, on the fixtures of test_diff.sh and
# test_diff_scope.sh's kinds of scope.
. "$(dirname "$0")/lib.sh"
EX="$SRC/examples/account"
CFG="$SRC/examples/dbward.yaml"
PY=/usr/bin/python3
O="$SRC/tests/cli/report_oracle.py"
cd "$TMP" || exit 1
same() { # same A B [--drop-diff]: A and B are the same JSON
  CHECKS=$((CHECKS + 1))
  $PY "$O" same "$@" || FAILS=$((FAILS + 1))
}
back() { # back A: A read back and written again equals A (exit 1: the demo fails controls)
  run 1 "$DBWARD" report "$1" -o "json:${1%.json}.back.json"
  same "$1" "${1%.json}.back.json" "${@:2}"
}
"$DBWARD" scan --snapshot "$EX" -o all.json 2>/dev/null
"$DBWARD" scan --snapshot "$EX" --config "$CFG" -o cfg.json 2>/dev/null
"$DBWARD" scan --snapshot "$EX" -r us-east-1 -o us.json 2>/dev/null
"$DBWARD" scan --snapshot "$EX" -r eu-west-1 -o eu.json 2>/dev/null
"$DBWARD" scan --snapshot "$EX" -c 'DMS-*' -o dms.json 2>/dev/null
CHECKS=$((CHECKS + 1))
jq -e '[.findings[] | select(.status == "MUTED")] | length > 0' cfg.json >/dev/null || { echo "FAIL: cfg.json mutes nothing"; FAILS=$((FAILS + 1)); }

# ---- Round trips.
back all.json
back cfg.json
run 0 "$DBWARD" merge us.json eu.json -o m.json
back m.json
run 0 "$DBWARD" merge cfg.json us.json -o mixed.json
CHECKS=$((CHECKS + 1))
[ "$(jq -c '[.run.selection, .run.params, .run.config, .merged_from]' mixed.json)" = '[null,null,null,["cfg.json","us.json"]]' ] \
  || { echo "FAIL: shards that disagree: $(jq -c '.run | del(.controls)' mixed.json)"; FAILS=$((FAILS + 1)); }
back mixed.json
# A merge of merges: merged_from names the merged reports, the findings are the same.
run 0 "$DBWARD" merge m.json all.json -o mm.json
back mm.json
CHECKS=$((CHECKS + 1))
[ "$(jq -c '[.findings[] | [.account_id, .region, .control_id, .resource_id, .status]] | sort' mm.json)" = \
  "$(jq -c '[.findings[] | [.account_id, .region, .control_id, .resource_id, .status]] | sort' all.json)" ] \
  || { echo "FAIL: a merge of a merge and the full scan"; FAILS=$((FAILS + 1)); }
# Schema 1 (no nist_csf2): written back as schema 2, with the CSF 2.0 ids the scan wrote.
jq '.schema_version = 1 | .findings |= map(del(.nist_csf2))' all.json > v1.json
run 1 "$DBWARD" report v1.json -o json:v1.back.json
same v1.back.json all.json
# A diff report is a report: read back, it is itself less the diff's own members.
run 0 "$DBWARD" diff all.json all.json -o json:self.json
back self.json --drop-diff

# ---- diff against the rules.
cp -r "$EX" after
A=after/us-east-1
jq '(.ReplicationInstances[] | select(.ReplicationInstanceIdentifier == "legacy-reporting") | .AutoMinorVersionUpgrade) = true' \
  "$A/dms/describe-replication-instances.json" > x && mv x "$A/dms/describe-replication-instances.json"
jq '.Table.DeletionProtectionEnabled = false' "$A/dynamodb/describe-table/orders.json" > x && mv x "$A/dynamodb/describe-table/orders.json"
rm "$A/dynamodb/describe-continuous-backups/sessions-legacy.json"
printf '{"code": "AccessDeniedException", "message": "no"}\n' > "$A/dynamodb/describe-continuous-backups/sessions-legacy.error.json"
"$DBWARD" scan --snapshot after -o after.json 2>/dev/null
jq 'del(.findings[] | select(.control_id == "DDB-12" and (.resource_id | endswith("/orders"))))' after.json > gone.json
check_diff() { # check_diff OLD NEW [--cross-account]: the classes, and exit 1 exactly when one is new
  CHECKS=$((CHECKS + 1))
  "$DBWARD" diff "$1" "$2" -o json:d.json "${@:3}" 2>"$TMP/err"
  local rc=$? want
  want=$(jq 'if (.new_failures | length) > 0 then 1 else 0 end' d.json)
  [ "$rc" = "$want" ] || { echo "FAIL: diff $1 $2 exited $rc, wanted $want"; FAILS=$((FAILS + 1)); }
  CHECKS=$((CHECKS + 1))
  $PY "$O" diff "$1" "$2" d.json "${@:3}" || { echo "  (diff $1 $2 ${*:3})"; FAILS=$((FAILS + 1)); }
}
check_diff all.json after.json   # one new failure, one fixed, FAIL -> ERROR
CHECKS=$((CHECKS + 1))
[ "$(jq -c '[.new_failures, .fixed, .changed] | map(length)' d.json)" = '[1,1,1]' ] \
  || { echo "FAIL: all -> after: $(jq -c '[.new_failures, .fixed, .changed] | map(length)' d.json)"; FAILS=$((FAILS + 1)); }
# The oracles tell a difference: an entry moved to another class, a finding's reason changed.
jq '.fixed += [.still_failing[0]] | .still_failing |= .[1:]' d.json > moved.json
CHECKS=$((CHECKS + 1))
if $PY "$O" diff all.json after.json moved.json >/dev/null; then echo "FAIL: the diff oracle missed a moved entry"; FAILS=$((FAILS + 1)); fi
jq '.findings[3].reason = "edited"' all.json > edited.json
CHECKS=$((CHECKS + 1))
if $PY "$O" same all.json edited.json >/dev/null; then echo "FAIL: the JSON oracle missed an edit"; FAILS=$((FAILS + 1)); fi
check_diff after.json all.json
check_diff after.json gone.json  # a failing resource gone: fixed
check_diff cfg.json all.json     # MUTED -> FAIL
check_diff all.json cfg.json
check_diff all.json eu.json      # us-east-1 not evaluated in NEW
check_diff us.json all.json      # eu-west-1 evaluated in NEW only
check_diff all.json dms.json     # controls NEW did not run
check_diff dms.json all.json
check_diff m.json all.json
check_diff v1.json all.json
# Different accounts: compared only with --cross-account, the account out of the key.
jq '.account_id = "210987654321" | .accounts = ["210987654321"] | .findings |= map(.account_id = "210987654321")' after.json > other.json
run 2 "$DBWARD" diff all.json other.json
has "$TMP/err" "covers account 123456789012"
check_diff all.json other.json --cross-account
finish
