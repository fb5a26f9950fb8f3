#!/usr/bin/env bash
# A live scan of the mock account (paginated in pages of 2) writes exactly the
# example snapshot back, every request's signature verifies, and the live
# findings equal the offline findings of the snapshot it saved.
. "$(dirname "$0")/lib.sh"
clean_env
long_term
mock_start --snapshot "$SRC/examples/account" --page-size 2
"$DBWARD" scan --endpoint-url "$URL" --save-snapshot "$TMP/live" --format json --output "$TMP/live.json" 2>"$TMP/err"
rc=$?
check "live scan exits 1 (the example has failures), got $rc: $(cat "$TMP/err")" [ "$rc" -eq 1 ]
check "summary line on stderr" grep -q "calls (0 retries" "$TMP/err"
"$DBWARD" scan --snapshot "$TMP/live" --format json --output "$TMP/offline.json"
check "live findings equal offline findings of the saved snapshot" \
  cmp -s <(jq -c '.findings' "$TMP/live.json") <(jq -c '.findings' "$TMP/offline.json")
check "every collected answer equals the recorded one, as the CLI prints it" \
  /usr/bin/python3 "$SRC/tests/live/cli_form.py" "$SRC/examples/account" "$TMP/live"
stats=$(mock_stats)
check "no signature failures" [ "$(echo "$stats" | jq .signature_failures)" -eq 0 ]
check "no unknown operations" [ "$(echo "$stats" | jq .unknown)" -eq 0 ]
check "pagination was exercised" [ "$(echo "$stats" | jq '.by_call["kms list-keys"]')" -ge 3 ]
# Collected once for the account, not per region: as many calls as pages of 2 of its longest list.
iam_pages=$(jq '[.UserDetailList, .GroupDetailList, .RoleDetailList, .Policies | length] | max | (. + 1) / 2 | floor' \
  "$SRC/examples/account/global/iam/get-account-authorization-details.json")
check "IAM called once (global): $iam_pages pages" [ "$(echo "$stats" | jq '.by_call["iam get-account-authorization-details"]')" -eq "$iam_pages" ]
check "manifest names the account" [ "$(jq -r .account_id "$TMP/live/manifest.json")" = 123456789012 ]
# --region limits the regions; the default came from DescribeRegions.
"$DBWARD" scan --endpoint-url "$URL" --region eu-west-1 --format json --output "$TMP/eu.json" 2>/dev/null
check "--region eu-west-1 only" [ "$(jq -r '[.findings[].region] | unique | join(",")' "$TMP/eu.json")" = "eu-west-1,global" ]
# --concurrency 1 gives the same findings.
"$DBWARD" scan --endpoint-url "$URL" --concurrency 1 --save-snapshot "$TMP/c1" --format json --output "$TMP/c1.json" 2>/dev/null
"$DBWARD" scan --snapshot "$TMP/c1" --format json --output "$TMP/c1-off.json"
check "concurrency 1 gives the same findings" cmp -s <(jq -c '.findings' "$TMP/c1.json") <(jq -c '.findings' "$TMP/c1-off.json")
finish
