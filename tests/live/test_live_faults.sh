#!/usr/bin/env bash
# Faults during a live scan: throttling that clears is retried and counted;
# persistent 500s, AccessDenied, truncated bodies and slow answers past the
# timeout make the controls that need the call ERROR with the reason, the
# scan completes, and nothing missing becomes PASS. Expired credentials at
# the start give one message and exit 2.
. "$(dirname "$0")/lib.sh"
clean_env
long_term
cat >"$TMP/faults.json" <<'J'
[{"call": "dynamodb list-tables", "region": "us-east-1", "fault": "throttle", "times": 2},
 {"call": "dax describe-clusters", "region": "us-east-1", "fault": "500"},
 {"call": "kms list-aliases", "region": "eu-west-1", "fault": "denied"},
 {"call": "cloudwatch describe-alarms", "region": "us-east-1", "fault": "truncate"},
 {"call": "ec2 describe-security-groups", "region": "eu-west-1", "fault": "slow"},
 {"call": "dynamodb list-backups", "region": "eu-west-1", "fault": "malformed"},
 {"call": "dms describe-endpoints", "region": "eu-west-1", "fault": "empty-page"}]
J
MOCK_SLOW_SECONDS=3 mock_start --snapshot "$SRC/examples/account" --faults "$TMP/faults.json"
"$DBWARD" scan --endpoint-url "$URL" --timeout 1 --max-attempts 3 --save-snapshot "$TMP/s" --format json \
  --output "$TMP/r.json" 2>"$TMP/err"
rc=$?
check "scan completes with failures (exit 1), got $rc" [ "$rc" -eq 1 ]
check "retries counted" grep -qE "calls \([1-9][0-9]* retries" "$TMP/err"
f() { jq -r --arg c "$1" --arg r "$2" '[.findings[] | select(.control_id == $c and .region == $r) | .status] | unique | join(",")' "$TMP/r.json"; }
reason() { jq -r --arg c "$1" --arg r "$2" '[.findings[] | select(.control_id == $c and .region == $r) | .reason][0]' "$TMP/r.json"; }
check "throttled list-tables recovered: DDB-12 us-east-1 has PASS" grep -q PASS <(f DDB-12 us-east-1)
check "500: DDB-03 us-east-1 is ERROR" [ "$(f DDB-03 us-east-1)" = ERROR ]
check "500 reason names the code" grep -q "InternalFailure" <(reason DDB-03 us-east-1)
check "truncated body: DDB-07 us-east-1 is ERROR" [ "$(f DDB-07 us-east-1)" = ERROR ]
check "slow past timeout: DMS-11 eu-west-1 is ERROR" [ "$(f DMS-11 eu-west-1)" = ERROR ]
check "timeout reason" grep -qi "timeout\|timed out" <(reason DMS-11 eu-west-1)
check "malformed answer: DDB-10 eu-west-1 is ERROR" [ "$(f DDB-10 eu-west-1)" = ERROR ]
check "endless empty pages stop at the page limit: DMS-04 eu-west-1 is ERROR" [ "$(f DMS-04 eu-west-1)" = ERROR ]
check "page limit reason" grep -q "pages" <(reason DMS-04 eu-west-1)
check "untouched controls still pass: DMS-01 us-east-1 has PASS" grep -q PASS <(f DMS-01 us-east-1)
check "error files written" [ -f "$TMP/s/us-east-1/dax/describe-clusters.error.json" ]
check "offline scan of the saved snapshot agrees" cmp -s <(jq -c .findings "$TMP/r.json") \
  <("$DBWARD" scan --snapshot "$TMP/s" --format json | jq -c .findings)
# Expired credentials at the start: one clear message, exit 2.
cat >"$TMP/expired.json" <<'J'
[{"call": "sts get-caller-identity", "fault": "expired"}]
J
mock_start --snapshot "$SRC/examples/account" --faults "$TMP/expired.json"
"$DBWARD" scan --endpoint-url "$URL" >"$TMP/out" 2>"$TMP/err"
rc=$?
check "expired credentials exit 2, got $rc" [ "$rc" -eq 2 ]
check "expired credentials message" grep -q "credentials from environment have expired.*ExpiredToken" "$TMP/err"
check "one line" [ "$(wc -l <"$TMP/err")" -eq 1 ]
# Wrong secret: the mock's signature check refuses it.
AWS_SECRET_ACCESS_KEY=wrong "$DBWARD" scan --endpoint-url "$URL" >"$TMP/out" 2>"$TMP/err"
check "bad secret exits 2" [ $? -eq 2 ]
check "bad secret message" grep -q "SignatureDoesNotMatch" "$TMP/err"
# Unreachable endpoint: errors, not a hang.
"$DBWARD" scan --endpoint-url "http://127.0.0.1:9" --timeout 2 >"$TMP/out" 2>"$TMP/err"
check "unreachable endpoint exits 2" [ $? -eq 2 ]
finish
