#!/usr/bin/env bash
# dbward merge: shards of one account (by region) and reports of different
# accounts merge into one report, deduplicated, with summaries consistent
# with the findings; incompatible or foreign documents are refused.
. "$(dirname "$0")/lib.sh"
EX="$SRC/examples/account"
key() { jq -c '[.findings[] | [.account_id, .region, .control_id, .resource_id, .status, .reason]] | sort' "$1"; }
consistent() { jq -e '(.findings | length) == .summary.total and
  ([.findings[] | select(.status == "FAIL")] | length) == .summary.by_status.FAIL and
  ([.findings[] | select(.status == "PASS")] | length) == .summary.by_status.PASS' "$1" >/dev/null; }
"$DBWARD" scan --snapshot "$EX" -f json -o "$TMP/all.json" 2>/dev/null
"$DBWARD" scan --snapshot "$EX" --region us-east-1 -f json -o "$TMP/us.json" 2>/dev/null
"$DBWARD" scan --snapshot "$EX" --region eu-west-1 -f json -o "$TMP/eu.json" 2>/dev/null
# Overlapping shards: the global controls are in both; the merge equals the full scan.
run 0 "$DBWARD" merge "$TMP/us.json" "$TMP/eu.json" -o "$TMP/m1.json"
CHECKS=$((CHECKS + 1)); [ "$(key "$TMP/m1.json")" = "$(key "$TMP/all.json")" ] || { echo "FAIL: region shards do not merge into the full scan"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1)); consistent "$TMP/m1.json" || { echo "FAIL: merged summary"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1)); [ "$(jq -c '.summary' "$TMP/m1.json")" = "$(jq -c '.summary' "$TMP/all.json")" ] || { echo "FAIL: summary differs from the full scan"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1)); [ "$(jq -c '.regions' "$TMP/m1.json")" = '["eu-west-1","us-east-1"]' ] || { echo "FAIL: regions"; FAILS=$((FAILS + 1)); }
# Fully overlapping: a report merged with itself and with a shard is unchanged.
run 0 "$DBWARD" merge "$TMP/all.json" "$TMP/all.json" "$TMP/us.json" -o "$TMP/m2.json"
CHECKS=$((CHECKS + 1)); [ "$(key "$TMP/m2.json")" = "$(key "$TMP/all.json")" ] || { echo "FAIL: self-merge changed findings"; FAILS=$((FAILS + 1)); }
# Disjoint accounts: two generated accounts.
for a in 111111111111 222222222222; do
  /usr/bin/python3 "$SRC/bench/gen-account.py" "$TMP/acct-$a" --account "$a" --regions 1 --dms 1 --tables 2 --keys 1 --users 2 >/dev/null
  "$DBWARD" scan --snapshot "$TMP/acct-$a" -f json -o "$TMP/r-$a.json" 2>/dev/null
done
run 0 "$DBWARD" merge "$TMP/r-111111111111.json" "$TMP/r-222222222222.json" -o "$TMP/m3.json"
CHECKS=$((CHECKS + 1)); [ "$(jq -c '.accounts, .account_id' "$TMP/m3.json" | tr -d '\n')" = '["111111111111","222222222222"]"multiple"' ] || { echo "FAIL: accounts"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1)); [ "$(jq '.summary.total' "$TMP/m3.json")" -eq $(( $(jq '.summary.total' "$TMP/r-111111111111.json") + $(jq '.summary.total' "$TMP/r-222222222222.json") )) ] || { echo "FAIL: disjoint totals"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1)); consistent "$TMP/m3.json" || { echo "FAIL: disjoint summary"; FAILS=$((FAILS + 1)); }
# The tree of the two accounts scanned at once gives the same findings as the merge.
mkdir -p "$TMP/tree" && cp -r "$TMP/acct-111111111111" "$TMP/tree/111111111111" && cp -r "$TMP/acct-222222222222" "$TMP/tree/222222222222"
"$DBWARD" scan --snapshot "$TMP/tree" -f json -o "$TMP/tree.json" 2>/dev/null
CHECKS=$((CHECKS + 1)); [ "$(key "$TMP/m3.json")" = "$(key "$TMP/tree.json")" ] || { echo "FAIL: merge of accounts differs from one scan of the tree"; FAILS=$((FAILS + 1)); }
# Newer evidence wins a conflict.
jq '.taken_at = "2026-12-01T00:00:00Z" | .findings |= map(if .control_id == "DMS-01" then .status = "PASS" | .reason = "fixed later" else . end)' "$TMP/all.json" > "$TMP/newer.json"
run 0 "$DBWARD" merge "$TMP/newer.json" "$TMP/all.json" -o "$TMP/m4.json"
CHECKS=$((CHECKS + 1)); [ "$(jq -r '[.findings[] | select(.control_id == "DMS-01") | .reason] | unique | join(",")' "$TMP/m4.json")" = "fixed later" ] || { echo "FAIL: newer evidence should win"; FAILS=$((FAILS + 1)); }
# Refusals.
jq '.schema_version = 2' "$TMP/all.json" > "$TMP/v2.json"
run 2 "$DBWARD" merge "$TMP/all.json" "$TMP/v2.json"
has "$TMP/err" "$TMP/v2.json: report schema_version 2"
echo '{"hello": 1}' > "$TMP/other.json"
run 2 "$DBWARD" merge "$TMP/all.json" "$TMP/other.json"
has "$TMP/err" "not a dbward JSON report"
echo '{"broken": ' > "$TMP/broken.json"
run 2 "$DBWARD" merge "$TMP/broken.json"
has "$TMP/err" "$TMP/broken.json:"
run 2 "$DBWARD" merge
finish
