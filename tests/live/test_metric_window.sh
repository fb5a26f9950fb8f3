#!/usr/bin/env bash
# DDB-11's window reaches the collector: an empty table last written 45 days
# ago fails with the default unused_days (30) and passes with unused_days=90,
# because the live scan asks CloudWatch for 90 days (the mock answers only the
# datapoints inside the StartTime..EndTime asked for, as CloudWatch does).
. "$(dirname "$0")/lib.sh"
clean_env
long_term
cp -r "$SRC/examples/account" "$TMP/acct"
/usr/bin/python3 - "$TMP/acct/us-east-1/cloudwatch/get-metric-data/sessions-legacy.json" <<'PY'
import datetime, json, sys
p = sys.argv[1]
d = json.load(open(p))
when = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=45)).replace(microsecond=0)
for r in d["MetricDataResults"]:
    if r["Id"] == "write":
        r["Timestamps"], r["Values"] = [when.isoformat()], [5.0]
json.dump(d, open(p, "w"), indent=4)
PY
mock_start --snapshot "$TMP/acct" --metric-window
status() { jq -r '[.findings[] | select(.control_id=="DDB-11" and (.resource_id|endswith("table/sessions-legacy")))][0].status' "$1"; }
"$DBWARD" scan --endpoint-url "$URL" --region us-east-1 --controls DDB-11 --save-snapshot "$TMP/d30" --format json --output "$TMP/d30.json" 2>"$TMP/err"
check "default window (30 days): sessions-legacy fails, got $(status "$TMP/d30.json")" [ "$(status "$TMP/d30.json")" = FAIL ]
"$DBWARD" scan --endpoint-url "$URL" --region us-east-1 --controls DDB-11 --param unused_days=90 --save-snapshot "$TMP/d90" --format json --output "$TMP/d90.json" 2>"$TMP/err"
check "unused_days=90: sessions-legacy passes, got $(status "$TMP/d90.json")" [ "$(status "$TMP/d90.json")" = PASS ]
check "the metric call asked for 90 days" /usr/bin/python3 - "$TMP/d90/us-east-1/cloudwatch/get-metric-data/sessions-legacy.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if any(r["Values"] for r in d["MetricDataResults"]) else 1)
PY
finish
