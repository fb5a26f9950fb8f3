#!/usr/bin/env bash
# snapshot-script: the generated POSIX sh script parses, and run against a
# stub `aws` it writes the documented layout, error files included, and a
# manifest dbward accepts.
. "$(dirname "$0")/lib.sh"
run 0 "$DBWARD" snapshot-script --region us-east-1 --output "$TMP/collect.sh"
CHECKS=$((CHECKS + 1))
sh -n "$TMP/collect.sh" || { echo "FAIL: script does not parse"; FAILS=$((FAILS + 1)); }
has "$TMP/collect.sh" 'REGIONS="us-east-1"'
run 0 "$DBWARD" snapshot-script
has "$TMP/out" "aws ec2 describe-regions"
mkdir -p "$TMP/bin"
cat >"$TMP/bin/aws" <<'STUB'
#!/bin/sh
# Stub aws CLI: canned answers for a tiny account; DAX is denied.
cmd="$1 $2"
case "$cmd" in
  "sts get-caller-identity")
    case "$*" in *Account*) echo 123456789012 ;; *) echo arn:aws:iam::123456789012:user/auditor ;; esac ;;
  "iam get-account-authorization-details")
    case "$*" in *--query*) echo "svc" ;;
      *) echo '{"UserDetailList": [{"UserName": "svc"}], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}' ;; esac ;;
  "dynamodb describe-table") # an empty table: its usage metrics are collected
    case "$*" in *--query*) echo "orders" ;; *) echo '{"Table": {"TableName": "orders", "ItemCount": 0}}' ;; esac ;;
  "iam get-login-profile") echo "An error occurred (NoSuchEntity) when calling the GetLoginProfile operation: no" >&2; exit 254 ;;
  "dax describe-clusters") echo "An error occurred (AccessDeniedException) when calling the DescribeClusters operation: User: x is \"not\" authorized" >&2; exit 254 ;;
  "iam generate-credential-report") case "$*" in *--query*) echo True ;; *) echo '{"State": "COMPLETE"}' ;; esac ;;
  "dynamodb list-tables") case "$*" in *--query*) echo "orders" ;; *) echo '{"TableNames": ["orders"]}' ;; esac ;;
  *--query*) ;;
  --version) echo "aws-cli/2.0 stub" ;;
  *) echo '{}' ;;
esac
STUB
chmod +x "$TMP/bin/aws"
( cd "$TMP" && PATH="$TMP/bin:$PATH" sh "$TMP/collect.sh" "$TMP/snap" ) >"$TMP/collect.log" 2>&1
CHECKS=$((CHECKS + 1))
[ -f "$TMP/snap/manifest.json" ] || { echo "FAIL: no manifest"; cat "$TMP/collect.log"; FAILS=$((FAILS + 1)); }
for f in global/iam/get-account-authorization-details.json global/iam/get-login-profile/svc.error.json \
         us-east-1/dax/describe-clusters.error.json us-east-1/dynamodb/describe-table/orders.json \
         us-east-1/dynamodb/list-tags-of-resource/orders.json us-east-1/cloudwatch/get-metric-data/orders.json \
         us-east-1/dms/describe-replication-instances.json us-east-1/kms/list-keys.json \
         global/iam/get-credential-report.json; do
  CHECKS=$((CHECKS + 1))
  [ -f "$TMP/snap/$f" ] || { echo "FAIL: collect did not write $f"; FAILS=$((FAILS + 1)); }
done
has "$TMP/snap/us-east-1/dax/describe-clusters.error.json" '"code": "AccessDeniedException"'
has "$TMP/snap/global/iam/get-login-profile/svc.error.json" '"code": "NoSuchEntity"'
CHECKS=$((CHECKS + 1))
jq -e . "$TMP/snap/us-east-1/dax/describe-clusters.error.json" >/dev/null || { echo "FAIL: error file is not JSON"; FAILS=$((FAILS + 1)); }
# dbward reads what the script wrote: DAX denied shows as ERROR, not PASS.
run 3 "$DBWARD" scan --snapshot "$TMP/snap" --controls DDB-03 --format json
CHECKS=$((CHECKS + 1))
jq -e '.findings[0].status == "ERROR"' "$TMP/out" >/dev/null || { echo "FAIL: denied DAX not ERROR"; FAILS=$((FAILS + 1)); }
finish
