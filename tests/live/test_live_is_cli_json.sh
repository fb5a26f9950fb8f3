#!/usr/bin/env bash
# The live snapshot is the CLI's JSON: a live scan of a mock whose answers
# look like AWS's wire (epoch timestamps with fractions, JSON nulls, members
# newer than the models, an EC2 policy document as text) saves files that
# scripts/check-shapes.py accepts and that are byte for byte what Debian's
# AWS CLI prints for the same calls against the same mock.
. "$(dirname "$0")/lib.sh"
clean_env
long_term
cp -r "$SRC/examples/account" "$TMP/acct"
/usr/bin/python3 - "$TMP/acct/us-east-1" <<'PY'
import json, os, sys
r = sys.argv[1]
def edit(rel, fn):
    p = os.path.join(r, rel)
    d = json.load(open(p))
    fn(d)
    json.dump(d, open(p, "w"), indent=4)
def table(d):
    t = d["Table"]
    t["CreationDateTime"] = 1717243200.123456   # JSON protocol: epoch seconds
    t["TableClassSummary"] = None                # null: botocore drops it
    t["SomethingNewer"] = {"Flag": True}         # not in the model: dropped
def key(d):
    d["KeyMetadata"]["CreationDate"] = 1700000000.5
    d["KeyMetadata"]["DeletionDate"] = None
def vpce(d):
    d["VpcEndpoints"][0]["PolicyDocument"] = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})
edit("dynamodb/describe-table/orders.json", table)
k = sorted(os.listdir(os.path.join(r, "kms/describe-key")))[0]
edit("kms/describe-key/" + k, key)
edit("ec2/describe-vpc-endpoints.json", vpce)
PY
mock_start --snapshot "$TMP/acct"
"$DBWARD" scan --endpoint-url "$URL" --region us-east-1 --save-snapshot "$TMP/live" --format json --output "$TMP/live.json" 2>"$TMP/err"
check "check-shapes passes on the live-saved snapshot" /usr/bin/python3 "$SRC/scripts/check-shapes.py" "$TMP/live"
check "the saved files are the CLI's output, byte for byte" \
  /usr/bin/python3 "$SRC/tests/live/cli_bytes.py" "$TMP/live" "$URL" us-east-1
check "fractional epoch seconds kept as the CLI prints them" \
  grep -q '"CreationDateTime": "2024-06-01T12:00:00.123456+00:00"' "$TMP/live/us-east-1/dynamodb/describe-table/orders.json"
check "EC2 PolicyDocument stays a string" \
  [ "$(jq -r '.VpcEndpoints[0].PolicyDocument | type' "$TMP/live/us-east-1/ec2/describe-vpc-endpoints.json")" = string ]
check "nulls and unknown members dropped" \
  [ "$(jq -c '.Table | [has("TableClassSummary"), has("SomethingNewer")]' "$TMP/live/us-east-1/dynamodb/describe-table/orders.json")" = '[false,false]' ]
finish
