#!/usr/bin/env bash
# ASFF output goes into Security Hub as it stands: Debian's aws CLI (which
# checks every parameter against its own model) imports each file written by
# -o asff:FILE into the mock Security Hub, which checks the service's limits.
. "$(dirname "$0")/lib.sh" "$@"
AWS=/usr/bin/aws
[ -x "$AWS" ] || { echo "FAIL: $AWS (Debian package awscli) is missing"; exit 1; }
clean_env
long_term
mock_start --snapshot "$SRC/examples/account"
"$DBWARD" scan --snapshot "$SRC/examples/account" --config "$SRC/examples/dbward.yaml" -o /dev/null \
  -o "asff:$TMP/out.asff.json" -o "json:$TMP/r.json"
total=$(jq '.findings | length' "$TMP/r.json")
check "more than one batch (the example has $total findings)" test "$total" -gt 100
check "first batch file" test -s "$TMP/out.asff.json"
check "second batch file" test -s "$TMP/out.asff-2.json"
check "first batch holds 100" test "$(jq length "$TMP/out.asff.json")" -eq 100
sum=0
for f in "$TMP"/out.asff*.json; do
  resp=$("$AWS" securityhub batch-import-findings --region us-east-1 --endpoint-url "$URL" \
         --findings "file://$f" --output json 2>"$TMP/err")
  rc=$?
  check "aws imports $(basename "$f") (rc $rc: $(head -c 300 "$TMP/err"))" test "$rc" -eq 0
  n=$(printf '%s' "$resp" | jq '.SuccessCount // 0')
  check "no failed findings in $(basename "$f")" test "$(printf '%s' "$resp" | jq '.FailedCount // 1')" -eq 0
  sum=$((sum + n))
done
check "every finding imported ($sum of $total)" test "$sum" -eq "$total"
check "the mock counted them" test "$(mock_stats | jq .imported)" -eq "$total"
# The checks can fail: one batch of more than 100, and a finding without a title.
jq -s 'add' "$TMP"/out.asff*.json > "$TMP/all.json"
check "a batch over 100 is refused" bash -c "! $AWS securityhub batch-import-findings --region us-east-1 \
  --endpoint-url $URL --findings file://$TMP/all.json >/dev/null 2>&1"
jq '.[0:3] | .[1] |= del(.Title)' "$TMP/out.asff.json" > "$TMP/bad.json"
check "a finding without Title is refused" bash -c "! $AWS securityhub batch-import-findings --region us-east-1 \
  --endpoint-url $URL --findings file://$TMP/bad.json >/dev/null 2>&1"
jq '.[0:3] | .[1].Compliance.Status = "OK"' "$TMP/out.asff.json" > "$TMP/bad2.json"
check "an unknown Compliance.Status is refused" bash -c "! $AWS securityhub batch-import-findings --region us-east-1 \
  --endpoint-url $URL --findings file://$TMP/bad2.json >/dev/null 2>&1"
# stdout: one batch per line.
"$DBWARD" scan --snapshot "$SRC/examples/account" --config "$SRC/examples/dbward.yaml" --format asff > "$TMP/lines" 2>/dev/null
check "stdout ASFF is one batch per line" test "$(wc -l < "$TMP/lines")" -eq 2
check "stdout batches hold every finding" test "$(jq -s 'map(length) | add' "$TMP/lines")" -eq "$(jq '.findings | length' "$TMP/r.json")"
finish
