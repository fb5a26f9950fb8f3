#!/usr/bin/env bash
# --security-hub (issue 20 item 8): findings go to the mock Security Hub
# with BatchImportFindings, signed (the mock recomputes every signature),
# at most 100 a call (the mock refuses more), each ProductArn naming the
# region the call is signed for (the mock checks it); passing findings are
# RESOLVED; a call that cannot be made exits 2 naming it.
# The expected counts come from the JSON report, counted here with jq.
. "$(dirname "$0")/lib.sh"
clean_env
long_term
mock_start --snapshot "$SRC/examples/account"
EX=$SRC/examples/account
calls() { mock_stats | jq -c '[.import_calls[]? | select(.region == "'"$1"'")] | map(.findings)'; }

"$DBWARD" scan --snapshot "$EX" -o json:"$TMP/r.json" >/dev/null 2>&1
total=$(jq '.findings | length' "$TMP/r.json")
passed=$(jq '[.findings[] | select(.status == "PASS" or .status == "NOT_APPLICABLE")] | length' "$TMP/r.json")

"$DBWARD" scan --snapshot "$EX" --security-hub --endpoint-url "$URL" -r eu-west-1 -o /dev/null 2>"$TMP/err"
rc=$?
check "scan --security-hub exits 1 (the account fails), got $rc: $(head -3 "$TMP/err")" [ "$rc" -eq 1 ]
n_eu=$(jq '[.findings[] | select(.region == "eu-west-1" or .region == "global")] | length' "$TMP/r.json")
check "stderr says how many went, and where: $(cat "$TMP/err")" \
  grep -qF "dbward: Security Hub (eu-west-1): $n_eu findings imported in 1 calls, 0 refused" "$TMP/err"
check "one call signed for eu-west-1 (the import region): $(calls eu-west-1)" [ "$(calls eu-west-1)" = "[$n_eu]" ]

"$DBWARD" report "$TMP/r.json" --security-hub --endpoint-url "$URL" -r us-east-1 -o /dev/null 2>"$TMP/err"
rc=$?
check "report --security-hub exits 1, got $rc: $(head -3 "$TMP/err")" [ "$rc" -eq 1 ]
want=$(( (total + 99) / 100 ))
check "$total findings in $want calls of at most 100: $(calls us-east-1)" \
  [ "$(calls us-east-1 | jq 'length')" -eq "$want" ] && [ "$(calls us-east-1 | jq 'max')" -le 100 ] &&
  [ "$(calls us-east-1 | jq 'add')" -eq "$total" ]
resolved=$(mock_stats | jq '[.import_calls[] | select(.region == "us-east-1") | .resolved] | add')
check "passing and not-applicable findings are RESOLVED ($resolved, want $passed)" [ "$resolved" -eq "$passed" ]
check "no signature failure" [ "$(mock_stats | jq .signature_failures)" -eq 0 ]

# A call that cannot be made (nothing listens): exit 2 naming the call, the
# report still written.
"$DBWARD" report "$TMP/r.json" --security-hub --endpoint-url http://127.0.0.1:9 --max-attempts 1 -r us-east-1 \
  -o json:"$TMP/still.json" >/dev/null 2>"$TMP/err"
rc=$?
check "a failed import exits 2, got $rc" [ "$rc" -eq 2 ]
check "the error names the call: $(cat "$TMP/err")" \
  grep -qF "securityhub batch-import-findings in us-east-1 failed (transport error" "$TMP/err"
check "the other output is written all the same" cmp -s "$TMP/r.json" "$TMP/still.json"

# More than 8 calls' worth (the import sends at most 8 bodies before it
# waits for their answers): every finding goes once, streamed from the
# scan's spool or from memory (DBWARD_NO_STREAM=1) alike.
/usr/bin/python3 "$SRC/bench/gen-account.py" "$TMP/big" --regions 1 --dms 2 --tables 250 --keys 2 --users 2 >/dev/null
"$DBWARD" scan --snapshot "$TMP/big" -o json:"$TMP/big.json" >/dev/null 2>&1
big=$(jq '.findings | length' "$TMP/big.json")
check "the big account needs more than 8 calls ($big findings)" [ "$big" -gt 800 ]
region=$(jq -r '.regions[0]' "$TMP/big.json")
for mode in streamed whole; do
  before=$(calls "$region" | jq 'length')
  if [ "$mode" = whole ]; then export DBWARD_NO_STREAM=1; fi
  "$DBWARD" scan --snapshot "$TMP/big" --security-hub --endpoint-url "$URL" -r "$region" -f json -o "$TMP/big-$mode.json" \
    2>"$TMP/err"
  unset DBWARD_NO_STREAM
  got=$(calls "$region" | jq -c ".[$before:]")
  check "$mode: $big findings in $(( (big + 99) / 100 )) calls of at most 100: $got" \
    [ "$(echo "$got" | jq 'length')" -eq $(( (big + 99) / 100 )) ] && [ "$(echo "$got" | jq 'max')" -le 100 ] &&
    [ "$(echo "$got" | jq 'add')" -eq "$big" ]
  check "$mode: stderr counts them: $(cat "$TMP/err")" grep -qF "$big findings imported in" "$TMP/err"
done
check "the JSON report beside the import is the same streamed or not" cmp -s "$TMP/big-streamed.json" "$TMP/big-whole.json"

# Options that only make sense for the import are refused without it.
"$DBWARD" report "$TMP/r.json" -r us-east-1 >/dev/null 2>"$TMP/err"
check "report -r without --security-hub exits 2" [ $? -eq 2 ]
check "and says so" grep -qF "go with --security-hub" "$TMP/err"
finish
