#!/usr/bin/env bash
# The credential report (ACC-11) live: the mock, like a fresh account,
# answers the first generate-credential-report with State STARTED and the
# first get-credential-report with ReportInProgress; the collector asks
# again and saves the report as the AWS CLI prints it (Content in base64),
# byte for byte the example account's. A report that never gets ready
# costs the plan's budget (10 generations) and is ERROR naming the call and
# code, never PASS.
. "$(dirname "$0")/lib.sh"
clean_env
long_term
mock_start --snapshot "$SRC/examples/account"
"$DBWARD" scan --endpoint-url "$URL" --region us-east-1 --controls ACC-11 --save-snapshot "$TMP/snap" \
  --format json --output "$TMP/live.json" 2>"$TMP/err"
rc=$?
check "live scan exits 1 (bob.analyst fails), got $rc: $(head -3 "$TMP/err")" [ "$rc" -eq 1 ]
stats=$(mock_stats)
check "generate-credential-report called 3 times (STARTED, COMPLETE, again after ReportInProgress): $stats" \
  [ "$(echo "$stats" | jq '.by_call["iam generate-credential-report"]')" -eq 3 ]
check "get-credential-report called twice: $stats" \
  [ "$(echo "$stats" | jq '.by_call["iam get-credential-report"]')" -eq 2 ]
check "the saved report is the recorded one" \
  [ "$(jq -S . "$TMP/snap/global/iam/get-credential-report.json")" = "$(jq -S . "$SRC/examples/account/global/iam/get-credential-report.json")" ]
check "no error file is left for the report" [ ! -e "$TMP/snap/global/iam/get-credential-report.error.json" ]
check "the last generation answer is saved" \
  [ "$(jq -r .State "$TMP/snap/global/iam/generate-credential-report.json")" = COMPLETE ]
"$DBWARD" scan --snapshot "$SRC/examples/account" --controls ACC-11 --format json --output "$TMP/offline.json" 2>/dev/null
shape='[.findings[] | {resource_id, status}]'  # the ages differ: live is judged now
check "live and offline ACC-11 verdicts are the same" \
  [ "$(jq -S "$shape" "$TMP/live.json")" = "$(jq -S "$shape" "$TMP/offline.json")" ]

# ---- Never ready: every read answers ReportInProgress.
cp -r "$SRC/examples/account" "$TMP/never"
rm "$TMP/never/global/iam/get-credential-report.json"
printf '{"code": "ReportInProgress", "message": "Report generation in progress."}\n' \
  >"$TMP/never/global/iam/get-credential-report.error.json"
mock_start --snapshot "$TMP/never"
"$DBWARD" scan --endpoint-url "$URL" --region us-east-1 --controls ACC-11 --save-snapshot "$TMP/snap2" \
  --format json --output "$TMP/never.json" 2>"$TMP/err2"
rc=$?
check "never ready: exit 3 (ERROR), got $rc: $(head -3 "$TMP/err2")" [ "$rc" -eq 3 ]
stats=$(mock_stats)
check "never ready: the budget, 10 generations: $stats" \
  [ "$(echo "$stats" | jq '.by_call["iam generate-credential-report"]')" -eq 10 ]
check "never ready: one ERROR naming the call and the code" \
  jq -e '[.findings[] | select(.status == "ERROR")] | length == 1 and (.[0].reason | test("get-credential-report.*ReportInProgress.*still so after 10 calls of iam generate-credential-report"))' "$TMP/never.json"
check "never ready: no PASS" jq -e '[.findings[] | select(.status == "PASS")] | length == 0' "$TMP/never.json"
finish
