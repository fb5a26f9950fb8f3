#!/usr/bin/env bash
# Throttling: against a mock whose DynamoDB has a real token bucket of 20
# requests/s per region, a scan at concurrency 256 completes with every call
# answered (no more calls recorded as failed than without the bucket, none of
# them DynamoDB's) and the same findings as an unthrottled scan; --max-rate
# caps the rate the mock sees per service and region (with a wide margin: the
# limiter's burst is half a second). No timing thresholds.
. "$(dirname "$0")/lib.sh"
clean_env
long_term
export AWS_REGION=us-east-1
/usr/bin/python3 "$SRC/bench/gen-account.py" "$TMP/acct" --regions 2 --dms 2 --tables 30 --keys 2 --users 3 >/dev/null
failed() { grep -o '[0-9]* recorded as failed' "$1" | awk '{print $1}'; }

mock_start --snapshot "$TMP/acct"
"$DBWARD" scan --endpoint-url "$URL" --format json --output "$TMP/plain.json" 2>"$TMP/plain.err"
check "unthrottled scan ran" [ -s "$TMP/plain.json" ]
check "unthrottled: no throttles" [ "$(mock_stats | jq '.throttled // 0')" -eq 0 ]

mock_start --snapshot "$TMP/acct" --throttle-rps dynamodb=20
"$DBWARD" scan --endpoint-url "$URL" --concurrency 256 --save-snapshot "$TMP/s" --format json \
  --output "$TMP/thr.json" 2>"$TMP/thr.err"
cat "$TMP/thr.err"
check "the mock throttled DynamoDB" [ "$(mock_stats | jq '.throttled // 0')" -gt 0 ]
check "the summary reports the throttles" grep -qE '[1-9][0-9]* throttled, lowest rate [0-9.]+/s \(dynamodb/' "$TMP/thr.err"
check "no more calls recorded as failed than unthrottled ($(failed "$TMP/plain.err"))" \
  [ "$(failed "$TMP/thr.err")" = "$(failed "$TMP/plain.err")" ]
check "no DynamoDB call recorded as failed" [ -z "$(find "$TMP/s" -path '*/dynamodb/*' -name '*.error.json')" ]
check "same findings as unthrottled" cmp -s <(jq -S .findings "$TMP/plain.json") <(jq -S .findings "$TMP/thr.json")

# In flight per endpoint: 16 at most, whatever --concurrency allows in all.
mock_start --snapshot "$TMP/acct" --latency-ms 30
"$DBWARD" scan --endpoint-url "$URL" --concurrency 256 --format json --output "$TMP/wide.json" 2>"$TMP/wide.err"
ep_peak=$(mock_stats | jq '[.max_in_flight_ep[]] | max')
all_peak=$(mock_stats | jq '.max_in_flight')
check "at most 16 requests in flight to one endpoint (saw $ep_peak)" [ "$ep_peak" -le 16 ]
check "the cap is what binds: one endpoint reached it (saw $ep_peak)" [ "$ep_peak" -ge 12 ]
check "more than 16 in flight in all (saw $all_peak)" [ "$all_peak" -gt 16 ]
check "capped in flight: same findings" cmp -s <(jq -S .findings "$TMP/plain.json") <(jq -S .findings "$TMP/wide.json")

mock_start --snapshot "$TMP/acct"
"$DBWARD" scan --endpoint-url "$URL" --region us-east-1 --max-rate 10 --format json --output "$TMP/cap.json" 2>"$TMP/cap.err"
peak=$(mock_stats | jq '[.max_rps[]] | max')
# The mock stamps a request when it handles it: on a loaded machine a stall
# there bunches paced requests into one second, so the bound is twice the
# cap (an uncapped scan sends hundreds a second).
check "--max-rate 10: at most 20 requests in any second to one endpoint (saw $peak)" [ "$peak" -le 20 ]
check "--max-rate: same findings for us-east-1" cmp -s \
  <(jq -S '[.findings[] | select(.region == "us-east-1" or .region == "global")]' "$TMP/plain.json") \
  <(jq -S '[.findings[] | select(.region == "us-east-1" or .region == "global")]' "$TMP/cap.json")
check "a bad --max-rate is refused" sh -c "! '$DBWARD' scan --endpoint-url '$URL' --max-rate 0 2>/dev/null"
finish
