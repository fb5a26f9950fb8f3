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
# The live scan evaluates its snapshot in memory; the folder it saved is the
# oracle: the whole report is the same, but for where the evidence came from.
check "the in-memory report equals the saved folder's, \"source\" aside" \
  cmp -s <(jq -S 'del(.source)' "$TMP/live.json") <(jq -S 'del(.source)' "$TMP/offline.json")
check "the live report's source is live" [ "$(jq -r .source "$TMP/live.json")" = live ]
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
# --concurrency 1 gives the same findings (the mock's call sequence starts afresh for it).
curl -s -X POST -d '[]' "$URL/__mock/faults" >/dev/null
"$DBWARD" scan --endpoint-url "$URL" --concurrency 1 --save-snapshot "$TMP/c1" --format json --output "$TMP/c1.json" 2>/dev/null
"$DBWARD" scan --snapshot "$TMP/c1" --format json --output "$TMP/c1-off.json"
check "concurrency 1 gives the same findings" cmp -s <(jq -c '.findings' "$TMP/c1.json") <(jq -c '.findings' "$TMP/c1-off.json")
# Per-resource calls start as each list page arrives: at concurrency 1 the
# requests reach the mock in the order they were started, and the first
# kms describe-key (an item of list-keys' first page) comes before the last
# list-keys page. The saved list is still the merged answer (cli_form above),
# and the findings are the same (above).
seq=$(mock_stats | jq -c '[.sequence | to_entries[] | select(.value | endswith(" us-east-1")) | .value |= sub(" us-east-1$"; "")]')
first_child=$(printf '%s' "$seq" | jq '[.[] | select(.value == "kms describe-key") | .key] | min')
last_page=$(printf '%s' "$seq" | jq '[.[] | select(.value == "kms list-keys") | .key] | max')
check "list-keys was paginated in us-east-1 ($(printf '%s' "$seq" | jq '[.[] | select(.value == "kms list-keys")] | length') pages)" \
  [ "$(printf '%s' "$seq" | jq '[.[] | select(.value == "kms list-keys")] | length')" -ge 3 ]
check "the first describe-key ($first_child) before the last list-keys page ($last_page)" [ "$first_child" -lt "$last_page" ]
# Without --save-snapshot nothing is written: no folder is made, no file
# created (strace sees every mkdir and every open that may create), and the
# findings are those of the saved runs (digits of reasons aside: ages follow the clock).
if command -v strace >/dev/null; then
  strace -f -qq -e trace=mkdir,mkdirat,open,openat,creat,rename,renameat,renameat2 -o "$TMP/trace" \
    "$DBWARD" scan --endpoint-url "$URL" --format json --output "$TMP/mem.json" 2>/dev/null
  check "no folder made without --save-snapshot: $(grep -E 'mkdir' "$TMP/trace" | head -3)" \
    bash -c "! grep -qE 'mkdir(at)?\(' '$TMP/trace'"
  check "no file created but the report: $(grep -E 'O_CREAT|rename' "$TMP/trace" | grep -v 'mem\.json' | head -3)" \
    bash -c "! grep -E 'O_CREAT|creat\(|rename' '$TMP/trace' | grep -v 'mem[.]json' | grep -q ."
else
  "$DBWARD" scan --endpoint-url "$URL" --format json --output "$TMP/mem.json" 2>/dev/null
fi
norm='[.findings[] | .reason |= gsub("[0-9]+"; "N")]'
check "the in-memory scan's findings equal the saved folder's" \
  cmp -s <(jq -c "$norm" "$TMP/mem.json") <(jq -c "$norm" "$TMP/offline.json")
finish
