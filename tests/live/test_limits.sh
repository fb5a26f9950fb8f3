#!/usr/bin/env bash
# Limits of a live scan, at the limit and one past it: the number of pages
# in one pagination (1000) and the size of one response body (64 MiB). At
# the limit the scan is exactly as without the fault; past it the controls
# that needed the call are ERROR with a reason naming the limit.
. "$(dirname "$0")/lib.sh" "$@"
clean_env
long_term
mock_start --snapshot "$SRC/examples/account"
setf() { curl -s -X POST --data "$1" "$URL/__mock/faults" >/dev/null; }
# A generous per-attempt limit: a 64 MiB answer from the Python mock on a loaded machine is slow.
scan() { "$DBWARD" scan --endpoint-url "$URL" --region us-east-1 --timeout 120 --format json --output "$1" 2>/dev/null; }
setf '[]'
scan "$TMP/base.json"
st() { jq -r --arg c "$2" '[.findings[] | select(.control_id == $c) | .status] | unique | join(",")' "$1"; }
reason() { jq -r --arg c "$2" '[.findings[] | select(.control_id == $c and .status == "ERROR") | .reason][0]' "$1"; }
same() { jq -S '.findings' "$1" > "$1.f"; jq -S '.findings' "$TMP/base.json" > "$TMP/base.f"; cmp -s "$1.f" "$TMP/base.f"; }
# Pages: 999 empty pages with a next token, then the real one, is 1000 pages: complete.
setf '[{"call": "dynamodb list-tables", "region": "us-east-1", "fault": "empty-page", "times": 999}]'
scan "$TMP/p1000.json"
check "1000 pages: the scan is unchanged" same "$TMP/p1000.json"
check "1000 pages were served" [ "$(curl -s "$URL/__mock/stats" | jq '.by_call["dynamodb list-tables"]')" -eq 1000 ]
setf '[{"call": "dynamodb list-tables", "region": "us-east-1", "fault": "empty-page", "times": 1000}]'
scan "$TMP/p1001.json"
check "1001 pages: DDB-02 is ERROR" [ "$(st "$TMP/p1001.json" DDB-02)" = ERROR ]
check "1001 pages: the reason names the limit" grep -q "more than 1000 pages" <(reason "$TMP/p1001.json" DDB-02)
check "1001 pages: DMS findings unchanged" [ "$(st "$TMP/p1001.json" DMS-01)" = "$(st "$TMP/base.json" DMS-01)" ]
# Response body: exactly 64 MiB is read; one byte more is refused.
max=$((64 * 1024 * 1024))
setf "[{\"call\": \"dynamodb list-tables\", \"region\": \"us-east-1\", \"fault\": \"pad:$max\", \"times\": 1}]"
scan "$TMP/b-at.json"
check "a 64 MiB body: the scan is unchanged" same "$TMP/b-at.json"
setf "[{\"call\": \"dynamodb list-tables\", \"region\": \"us-east-1\", \"fault\": \"pad:$((max + 1))\"}]"
scan "$TMP/b-past.json"
check "64 MiB + 1: DDB-02 is ERROR" [ "$(st "$TMP/b-past.json" DDB-02)" = ERROR ]
check "64 MiB + 1: the reason names the limit" grep -q "larger than $max bytes" <(reason "$TMP/b-past.json" DDB-02)
finish
