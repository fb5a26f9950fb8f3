#!/usr/bin/env bash
# Many accounts in one run: the mock plays an organization of three accounts
# (one without the audit role) in two OUs. dbward lists the accounts through
# Organizations (paginated), assumes the role in each with the right ARN and
# external id, signs each account's calls with that account's keys, reports
# the missing role as an ERROR finding, and writes one snapshot per account
# that scan --snapshot reads back as the same report.
. "$(dirname "$0")/lib.sh" "$@"
clean_env
long_term
ORG="$TMP/org"
mkdir -p "$ORG"
for a in 111111111111 222222222222 333333333333; do
  /usr/bin/python3 "$SRC/bench/gen-account.py" "$ORG/$a" --account "$a" --regions 2 --dms 1 --tables 2 --keys 1 --users 2 >/dev/null
done
cat > "$ORG/org.json" <<'J'
{"accounts": {"111111111111": {"Name": "prod", "parent": "ou-prod", "snapshot": "111111111111", "role": "dbward-audit",
                               "external_id": "ext-42"},
              "222222222222": {"Name": "dev", "parent": "ou-dev", "snapshot": "222222222222", "role": "dbward-audit",
                               "external_id": "ext-42"},
              "333333333333": {"Name": "sandbox", "parent": "ou-dev-sub", "snapshot": "333333333333", "role": null}},
 "ous": {"r-root": ["ou-prod", "ou-dev"], "ou-dev": ["ou-dev-sub"]}}
J
mock_start --snapshot "$SRC/examples/account" --org "$ORG/org.json"
"$DBWARD" scan --endpoint-url "$URL" --accounts org --role-name dbward-audit --external-id ext-42 \
  --save-snapshot "$TMP/snap" -o "json:$TMP/org.json" -o "html:$TMP/org.html" -o /dev/null 2>"$TMP/err"
rc=$?
check "the scan completes with failures (exit 1, got $rc)" [ "$rc" -eq 1 ]
st=$(mock_stats)
check "Organizations ListAccounts was paginated" [ "$(printf '%s' "$st" | jq '[.org_calls[] | select(.op == "ListAccounts")] | length')" -eq 2 ]
check "STS AssumeRole for each account, with the role ARN" [ "$(printf '%s' "$st" | jq -c '[.assume_role[].role] | sort')" = \
  '["arn:aws:iam::111111111111:role/dbward-audit","arn:aws:iam::222222222222:role/dbward-audit","arn:aws:iam::333333333333:role/dbward-audit"]' ]
check "the external id is passed" [ "$(printf '%s' "$st" | jq '[.assume_role[] | select(.external_id == "ext-42")] | length')" -eq 3 ]
check "account 111 calls signed with its keys" [ "$(printf '%s' "$st" | jq '.keys_used.ASIA111111111111ORGK')" -gt 20 ]
check "account 222 calls signed with its keys" [ "$(printf '%s' "$st" | jq '.keys_used.ASIA222222222222ORGK')" -gt 20 ]
check "no call into 333 (no role)" [ "$(printf '%s' "$st" | jq '.keys_used.ASIA333333333333ORGK // 0')" -eq 0 ]
check "every account in the report" [ "$(jq -c '.accounts' "$TMP/org.json")" = '["111111111111","222222222222","333333333333"]' ]
check "the missing role is an ERROR finding" [ "$(jq -r '[.findings[] | select(.account_id == "333333333333")] | map(.control_id + ":" + .status) | join(",")' "$TMP/org.json")" = "ACCOUNT:ERROR" ]
check "its reason says why" grep -q "AccessDenied" <(jq -r '.findings[] | select(.control_id == "ACCOUNT") | .reason' "$TMP/org.json")
check "each finding's resources belong to its account" [ "$(jq '[.findings[] | select(.resource_id | startswith("arn:")) | select((.resource_id | split(":")[4]) != .account_id and (.resource_id | split(":")[4]) != "")] | length' "$TMP/org.json")" -eq 0 ]
check "the findings come account by account, in the list's order (whichever finished first)" [ \
  "$(jq -c '[.findings[].account_id] | reduce .[] as $a ([]; if (.[-1] // "") == $a then . else . + [$a] end)' "$TMP/org.json")" = \
  '["111111111111","222222222222","333333333333"]' ]
check "both scanned accounts have findings" [ "$(jq '[.findings[].account_id] | unique | length' "$TMP/org.json")" -eq 3 ]
check "the HTML groups by account" grep -q 'id="accounts"' "$TMP/org.html"
check "one snapshot per account" [ -f "$TMP/snap/111111111111/manifest.json" ] && [ -f "$TMP/snap/222222222222/manifest.json" ]
# Streamed (JSON and CSV only: each account's findings written as soon as
# the accounts before it are done, none kept): the same findings, in the
# same order, as the run above that kept them all for its HTML report.
"$DBWARD" scan --endpoint-url "$URL" --accounts org --role-name dbward-audit --external-id ext-42 \
  -o "json:$TMP/org-stream.json" -o "csv:$TMP/org-stream.csv" 2>/dev/null
keys() { jq -c '[.findings[] | [.account_id, .region, .control_id, .resource_id, .status]]' "$1" | md5sum; }
check "the streamed org report lists the kept run's findings in its order" [ "$(keys "$TMP/org-stream.json")" = "$(keys "$TMP/org.json")" ]
check "the streamed CSV has a row per finding" [ "$(/usr/bin/python3 -c 'import csv,sys; print(len(list(csv.reader(open(sys.argv[1], newline=""))))-1)' "$TMP/org-stream.csv")" -eq "$(jq '.summary.total' "$TMP/org-stream.json")" ]
# The tree reads back offline into the same findings (the unscanned account aside).
"$DBWARD" scan --snapshot "$TMP/snap" --format json --output "$TMP/tree.json" 2>/dev/null
check "scan --snapshot of the tree gives the same findings" [ \
  "$(jq -c '[.findings[] | select(.control_id != "ACCOUNT") | [.account_id, .region, .control_id, .resource_id, .status, .reason]] | sort' "$TMP/org.json" | md5sum)" = \
  "$(jq -c '[.findings[] | [.account_id, .region, .control_id, .resource_id, .status, .reason]] | sort' "$TMP/tree.json" | md5sum)" ]
"$DBWARD" scan --snapshot "$TMP/snap" > "$TMP/tree.txt" 2>/dev/null
check "the text report has a line per account" [ "$(grep -cE '^  (111111111111|222222222222) ' "$TMP/tree.txt")" -eq 2 ]
# --ou: the unit and the units below it; --exclude-accounts; explicit lists.
"$DBWARD" scan --endpoint-url "$URL" --accounts org --ou ou-dev --role-name dbward-audit --external-id ext-42 \
  --format json --output "$TMP/ou.json" 2>/dev/null
check "--ou ou-dev takes 222 and 333 (in ou-dev-sub)" [ "$(jq -c '.accounts' "$TMP/ou.json")" = '["222222222222","333333333333"]' ]
"$DBWARD" scan --endpoint-url "$URL" --accounts 111111111111,222222222222 --exclude-accounts 222222222222 \
  --role-name dbward-audit --external-id ext-42 --format json --output "$TMP/one.json" 2>/dev/null
check "--exclude-accounts leaves 222 out" [ "$(jq -c '.accounts' "$TMP/one.json")" = '["111111111111"]' ]
"$DBWARD" scan --endpoint-url "$URL" --accounts 111111111111 --role-name dbward-audit --format json \
  --output "$TMP/noext.json" 2>/dev/null
check "a wrong external id makes the account ERROR" [ "$(jq -r '[.findings[] | select(.control_id == "ACCOUNT") | .status] | join(",")' "$TMP/noext.json")" = ERROR ]
"$DBWARD" scan --endpoint-url "$URL" --accounts 12345 --role-name x >/dev/null 2>"$TMP/bad"
check "a malformed account id is a usage error" [ $? -eq 2 ] && grep -q "12-digit" "$TMP/bad"
"$DBWARD" scan --endpoint-url "$URL" --accounts org >/dev/null 2>"$TMP/bad"
check "--accounts without --role-name is a usage error" [ $? -eq 2 ]
# --shard: live, after the list is known; the share depends on the set of ids, not their order.
"$DBWARD" scan --endpoint-url "$URL" --accounts 222222222222,111111111111 --role-name dbward-audit \
  --external-id ext-42 --shard 1/2 --format json --output "$TMP/sh-a.json" 2>/dev/null
"$DBWARD" scan --endpoint-url "$URL" --accounts 111111111111,222222222222 --role-name dbward-audit \
  --external-id ext-42 --shard 1/2 --format json --output "$TMP/sh-b.json" 2>/dev/null
check "--shard 1/2 of two ids is the larger id, whatever the order" [ \
  "$(jq -c '.accounts' "$TMP/sh-a.json")$(jq -c '.accounts' "$TMP/sh-b.json")" = '["222222222222"]["222222222222"]' ]
JOB_COMPLETION_INDEX=0 "$DBWARD" scan --endpoint-url "$URL" --accounts org --role-name dbward-audit \
  --external-id ext-42 --shard auto/2 --format json --output "$TMP/sh-org0.json" 2>"$TMP/sh-err"
check "--shard auto/2 with JOB_COMPLETION_INDEX=0 takes 111 and 333 of the organization" [ \
  "$(jq -c '.accounts' "$TMP/sh-org0.json")" = '["111111111111","333333333333"]' ]
check "the shard says what it took" grep -q 'shard 0/2: 2 of 3 accounts' "$TMP/sh-err"
"$DBWARD" scan --endpoint-url "$URL" --accounts org --role-name dbward-audit --external-id ext-42 --shard 2/2 \
  >/dev/null 2>"$TMP/bad"
check "--shard 2/2 is a usage error" [ $? -eq 2 ]
finish
