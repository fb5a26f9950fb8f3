#!/usr/bin/env bash
# cli_procedure.sh ENDPOINT_URL: the seeds' manual audit as a script: the
# aws CLI, one call at a time, region by region, as a person following the
# playbooks' "aws ... describe-..." steps would run them. The same calls as
# dbward; answers go to a scratch folder. Prints the number of calls.
set -uo pipefail
URL=$1
AWS=${AWS:-/usr/bin/aws}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
n=0
a() { n=$((n + 1)); "$AWS" --endpoint-url "$URL" --output json "$@" > "$OUT/last" 2>/dev/null || true; }
a sts get-caller-identity --region us-east-1
a ec2 describe-regions --region us-east-1
regions=$(jq -r '.Regions[].RegionName' "$OUT/last")
for r in $regions; do
  a dms describe-replication-instances --region "$r"; arns=$(jq -r '.ReplicationInstances[]?.ReplicationInstanceArn' "$OUT/last")
  a dms describe-endpoints --region "$r"; arns="$arns $(jq -r '.Endpoints[]?.EndpointArn' "$OUT/last")"
  a dms describe-replication-tasks --region "$r"; arns="$arns $(jq -r '.ReplicationTasks[]?.ReplicationTaskArn' "$OUT/last")"
  for x in $arns; do a dms list-tags-for-resource --region "$r" --resource-arn "$x"; done
  a dynamodb list-tables --region "$r"
  for t in $(jq -r '.TableNames[]?' "$OUT/last"); do
    a dynamodb describe-table --region "$r" --table-name "$t"
    a dynamodb describe-continuous-backups --region "$r" --table-name "$t"
    a dynamodb list-tags-of-resource --region "$r" --resource-arn "arn:aws:dynamodb:$r:123456789012:table/$t"
    a cloudwatch get-metric-data --region "$r" --start-time 2026-10-21T00:00:00Z --end-time 2026-11-20T00:00:00Z \
      --metric-data-queries "[{\"Id\":\"read\",\"MetricStat\":{\"Metric\":{\"Namespace\":\"AWS/DynamoDB\",\"MetricName\":\"ConsumedReadCapacityUnits\",\"Dimensions\":[{\"Name\":\"TableName\",\"Value\":\"$t\"}]},\"Period\":86400,\"Stat\":\"Sum\"}}]"
  done
  a dynamodb list-backups --region "$r" --backup-type ALL
  a cloudwatch describe-alarms --region "$r"
  a dax describe-clusters --region "$r"
  a kms list-keys --region "$r"
  for k in $(jq -r '.Keys[]?.KeyId' "$OUT/last"); do
    a kms describe-key --region "$r" --key-id "$k"
    a kms get-key-rotation-status --region "$r" --key-id "$k"
    a kms get-key-policy --region "$r" --key-id "$k" --policy-name default
  done
  a kms list-aliases --region "$r"
  for op in describe-vpcs describe-vpc-endpoints describe-route-tables describe-security-groups; do a ec2 "$op" --region "$r"; done
  a cloudtrail describe-trails --region "$r"
  for t in $(jq -r --arg r "$r" '.trailList[]? | select(.HomeRegion == $r) | .TrailARN' "$OUT/last"); do
    a cloudtrail get-trail-status --region "$r" --name "$t"
    a cloudtrail get-event-selectors --region "$r" --trail-name "$t"
  done
done
a iam get-account-authorization-details --region us-east-1
for u in $(jq -r '.UserDetailList[]?.UserName' "$OUT/last"); do
  a iam list-access-keys --region us-east-1 --user-name "$u"
  a iam get-login-profile --region us-east-1 --user-name "$u"
  a iam list-mfa-devices --region us-east-1 --user-name "$u"
done
echo "$n"
