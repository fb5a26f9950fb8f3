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
# A report of schema 1 (before CSF 2.0 was recorded: no nist_csf2) still
# merges and diffs; the merged report, schema 2, gives its findings the CSF
# 2.0 ids (NIST's successors, written here by hand; DDB-11's own override).
jq '.schema_version = 1 | .findings |= map(del(.nist_csf2))' "$TMP/all.json" > "$TMP/v1.json"
run 0 "$DBWARD" merge "$TMP/v1.json" -o "$TMP/m5.json"
CHECKS=$((CHECKS + 1)); [ "$(jq '.schema_version' "$TMP/m5.json")" = 2 ] || { echo "FAIL: merged schema_version"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1)); [ "$(key "$TMP/m5.json")" = "$(key "$TMP/all.json")" ] || { echo "FAIL: schema 1 merge changed findings"; FAILS=$((FAILS + 1)); }
csf2_of() { jq -c --arg c "$2" '[.findings[] | select(.control_id == $c) | .nist_csf2] | unique' "$1"; }
for want in 'DMS-01 [["PR.AA-03","PR.AA-05","PR.IR-01"]]' 'DMS-07 [["DE.CM-01","DE.CM-03","DE.CM-06","DE.CM-09","PR.PS-04"]]' \
            'DDB-10 [["PR.DS-11","RC.RP-01"]]' 'DDB-11 [["ID.AM-08"]]' 'ACC-03 [["PR.AA-03"]]'; do
  CHECKS=$((CHECKS + 1)); got=$(csf2_of "$TMP/m5.json" "${want%% *}")
  [ "$got" = "${want#* }" ] || { echo "FAIL: ${want%% *} from a schema 1 report: nist_csf2 $got"; FAILS=$((FAILS + 1)); }
done
run 0 "$DBWARD" merge "$TMP/v1.json" "$TMP/us.json" -o "$TMP/m6.json"
CHECKS=$((CHECKS + 1)); [ "$(jq '[.findings[] | select(has("nist_csf2") | not)] | length' "$TMP/m6.json")" = 0 ] || { echo "FAIL: a merged finding without nist_csf2"; FAILS=$((FAILS + 1)); }
run 0 "$DBWARD" diff "$TMP/v1.json" "$TMP/all.json"
has "$TMP/out" "New failures: 0"
# Refusals.
jq '.schema_version = 3' "$TMP/all.json" > "$TMP/v3.json"
run 2 "$DBWARD" merge "$TMP/all.json" "$TMP/v3.json"
has "$TMP/err" "$TMP/v3.json: report schema_version 3"
has "$TMP/err" "reads schema_version 1 to 2"
jq '.schema_version = 0' "$TMP/all.json" > "$TMP/v0.json"
run 2 "$DBWARD" merge "$TMP/v0.json"
has "$TMP/err" "report schema_version 0"
echo '{"hello": 1}' > "$TMP/other.json"
run 2 "$DBWARD" merge "$TMP/all.json" "$TMP/other.json"
has "$TMP/err" "not a dbward JSON report"
echo '{"broken": ' > "$TMP/broken.json"
run 2 "$DBWARD" merge "$TMP/broken.json"
has "$TMP/err" "$TMP/broken.json:"
run 2 "$DBWARD" merge
finish
