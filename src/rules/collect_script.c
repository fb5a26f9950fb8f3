/* collect_script.c: writes the POSIX sh script behind `dbward
 * snapshot-script`. The script uses only the stock aws CLI and POSIX tools
 * and writes the layout of docs/snapshot.md, failed calls included, so an
 * auditor can gather evidence on a machine without dbward. */
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

static const char s_head[] =
    "#!/bin/sh\n"
    "# Evidence collection for dbward: writes an offline snapshot with the stock aws CLI.\n"
    "# Usage: sh collect.sh [OUTPUT_DIR]   (read-only calls; credentials as for any aws command)\n"
    "# Every call lands in OUT/<region>/<service>/<command>[/<key>].json; a call that fails\n"
    "# lands in the same path with .error.json and the AWS error code, so a denied call is\n"
    "# never mistaken for an empty answer.\n"
    "set -u\n"
    "umask 077   # the evidence is the account's configuration: folders 0700, files 0600\n"
    "OUT=${1:-dbward-snapshot}\n";

static const char s_body[] =
    "mkdir -p \"$OUT\" || exit 2\n"
    "ERR=$(mktemp) || exit 2\n"
    "trap 'rm -f \"$ERR\"' EXIT\n"
    "\n"
    "# dw_call PATH aws-arguments...: runs one call and files its answer or its error.\n"
    "dw_call() {\n"
    "  p=$1; shift\n"
    "  mkdir -p \"$(dirname \"$OUT/$p\")\"\n"
    "  if aws \"$@\" --output json >\"$OUT/$p.json.part\" 2>\"$ERR\"; then\n"
    "    mv \"$OUT/$p.json.part\" \"$OUT/$p.json\"\n"
    "  else\n"
    "    rm -f \"$OUT/$p.json.part\"\n"
    "    code=$(sed -n 's/.*An error occurred (\\([A-Za-z0-9._-]*\\)).*/\\1/p' \"$ERR\" | head -n 1)\n"
    "    [ -n \"$code\" ] || code=CliError\n"
    "    msg=$(tr '\\n\\r\\t' '   ' <\"$ERR\" | sed 's/\\\\/\\\\\\\\/g; s/\"/\\\\\"/g' | cut -c1-500)\n"
    "    printf '{\"code\": \"%s\", \"message\": \"%s\"}\\n' \"$code\" \"$msg\" >\"$OUT/$p.error.json\"\n"
    "    echo \"dbward collect: $p failed ($code)\" >&2\n"
    "  fi\n"
    "}\n"
    "# dw_ids aws-arguments...: prints the ids a --query selects, one per line.\n"
    "dw_ids() {\n"
    "  aws \"$@\" --output text 2>/dev/null | tr '\\t' '\\n' | grep -v '^None$' | grep -v '^$'\n"
    "}\n"
    "\n"
    "ACCOUNT=$(aws sts get-caller-identity --query Account --output text) || exit 2\n"
    "CALLER=$(aws sts get-caller-identity --query Arn --output text) || exit 2\n"
    "PARTITION=$(echo \"$CALLER\" | cut -d: -f2)\n"
    "TAKEN_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)\n"
    "START=$(date -u -d '-30 days' +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -v-30d +%Y-%m-%dT%H:%M:%SZ)\n"
    "\n"
    "# IAM is global.\n"
    "dw_call global/iam/get-account-authorization-details iam get-account-authorization-details\n"
    "for u in $(dw_ids iam list-users --query 'Users[].UserName'); do\n"
    "  dw_call \"global/iam/list-access-keys/$u\" iam list-access-keys --user-name \"$u\"\n"
    "  dw_call \"global/iam/get-login-profile/$u\" iam get-login-profile --user-name \"$u\"\n"
    "  dw_call \"global/iam/list-mfa-devices/$u\" iam list-mfa-devices --user-name \"$u\"\n"
    "done\n"
    "\n"
    "for R in $REGIONS; do\n"
    "  echo \"dbward collect: $R\" >&2\n"
    "  dw_call \"$R/dms/describe-replication-instances\" dms describe-replication-instances --region \"$R\"\n"
    "  dw_call \"$R/dms/describe-endpoints\" dms describe-endpoints --region \"$R\"\n"
    "  dw_call \"$R/dms/describe-replication-tasks\" dms describe-replication-tasks --region \"$R\"\n"
    "  for arn in $(dw_ids dms describe-replication-instances --region \"$R\" --query 'ReplicationInstances[].ReplicationInstanceArn') \\\n"
    "             $(dw_ids dms describe-endpoints --region \"$R\" --query 'Endpoints[].EndpointArn') \\\n"
    "             $(dw_ids dms describe-replication-tasks --region \"$R\" --query 'ReplicationTasks[].ReplicationTaskArn'); do\n"
    "    dw_call \"$R/dms/list-tags-for-resource/${arn##*:}\" dms list-tags-for-resource --region \"$R\" --resource-arn \"$arn\"\n"
    "  done\n"
    "  dw_call \"$R/ec2/describe-vpcs\" ec2 describe-vpcs --region \"$R\"\n"
    "  dw_call \"$R/ec2/describe-vpc-endpoints\" ec2 describe-vpc-endpoints --region \"$R\"\n"
    "  dw_call \"$R/ec2/describe-route-tables\" ec2 describe-route-tables --region \"$R\"\n"
    "  dw_call \"$R/ec2/describe-security-groups\" ec2 describe-security-groups --region \"$R\"\n"
    "  dw_call \"$R/cloudtrail/describe-trails\" cloudtrail describe-trails --region \"$R\"\n"
    "  for t in $(dw_ids cloudtrail describe-trails --region \"$R\" --query \"trailList[?HomeRegion=='$R'].Name\"); do\n"
    "    dw_call \"$R/cloudtrail/get-trail-status/$t\" cloudtrail get-trail-status --region \"$R\" --name \"$t\"\n"
    "    dw_call \"$R/cloudtrail/get-event-selectors/$t\" cloudtrail get-event-selectors --region \"$R\" --trail-name \"$t\"\n"
    "  done\n"
    "  dw_call \"$R/cloudwatch/describe-alarms\" cloudwatch describe-alarms --region \"$R\"\n"
    "  dw_call \"$R/dax/describe-clusters\" dax describe-clusters --region \"$R\"\n"
    "  dw_call \"$R/dynamodb/list-tables\" dynamodb list-tables --region \"$R\"\n"
    "  dw_call \"$R/dynamodb/list-backups\" dynamodb list-backups --region \"$R\" --backup-type ALL\n"
    "  for t in $(dw_ids dynamodb list-tables --region \"$R\" --query 'TableNames[]'); do\n"
    "    dw_call \"$R/dynamodb/describe-table/$t\" dynamodb describe-table --region \"$R\" --table-name \"$t\"\n"
    "    dw_call \"$R/dynamodb/describe-continuous-backups/$t\" dynamodb describe-continuous-backups --region \"$R\" --table-name \"$t\"\n"
    "    dw_call \"$R/dynamodb/list-tags-of-resource/$t\" dynamodb list-tags-of-resource --region \"$R\" --resource-arn \"arn:$PARTITION:dynamodb:$R:$ACCOUNT:table/$t\"\n"
    "    q='[{\"Id\":\"read\",\"Label\":\"ConsumedReadCapacityUnits\",\"MetricStat\":{\"Metric\":{\"Namespace\":\"AWS/DynamoDB\",\"MetricName\":\"ConsumedReadCapacityUnits\",\"Dimensions\":[{\"Name\":\"TableName\",\"Value\":\"'\"$t\"'\"}]},\"Period\":86400,\"Stat\":\"Sum\"}},{\"Id\":\"write\",\"Label\":\"ConsumedWriteCapacityUnits\",\"MetricStat\":{\"Metric\":{\"Namespace\":\"AWS/DynamoDB\",\"MetricName\":\"ConsumedWriteCapacityUnits\",\"Dimensions\":[{\"Name\":\"TableName\",\"Value\":\"'\"$t\"'\"}]},\"Period\":86400,\"Stat\":\"Sum\"}}]'\n"
    "    dw_call \"$R/cloudwatch/get-metric-data/$t\" cloudwatch get-metric-data --region \"$R\" --metric-data-queries \"$q\" --start-time \"$START\" --end-time \"$TAKEN_AT\"\n"
    "  done\n"
    "  dw_call \"$R/kms/list-keys\" kms list-keys --region \"$R\"\n"
    "  dw_call \"$R/kms/list-aliases\" kms list-aliases --region \"$R\"\n"
    "  for k in $(dw_ids kms list-keys --region \"$R\" --query 'Keys[].KeyId'); do\n"
    "    dw_call \"$R/kms/describe-key/$k\" kms describe-key --region \"$R\" --key-id \"$k\"\n"
    "    dw_call \"$R/kms/get-key-rotation-status/$k\" kms get-key-rotation-status --region \"$R\" --key-id \"$k\"\n"
    "    dw_call \"$R/kms/get-key-policy/$k\" kms get-key-policy --region \"$R\" --key-id \"$k\" --policy-name default\n"
    "  done\n"
    "done\n"
    "\n"
    "regions_json=$(printf '\"%s\",' $REGIONS | sed 's/,$//')\n"
    "cat >\"$OUT/manifest.json\" <<EOF\n"
    "{\n"
    "  \"account_id\": \"$ACCOUNT\",\n"
    "  \"partition\": \"$PARTITION\",\n"
    "  \"regions\": [$regions_json],\n"
    "  \"taken_at\": \"$TAKEN_AT\",\n"
    "  \"produced_by\": {\"tool\": \"dbward snapshot-script\", \"version\": \"%VERSION%\", \"aws_cli\": \"$(aws --version 2>&1 | head -n 1)\"}\n"
    "}\n"
    "EOF\n"
    "echo \"dbward collect: wrote $OUT (account $ACCOUNT)\" >&2\n";

char *dw_collect_script(const char **regions, size_t n_regions)
{
    struct dw_buf b;
    dw_buf_init(&b, (size_t)16 * 1024 * 1024);
    dw_buf_puts(&b, s_head);
    if (n_regions) {
        dw_buf_puts(&b, "REGIONS=\"");
        for (size_t i = 0; i < n_regions; i++) {
            if (i)
                dw_buf_puts(&b, " ");
            dw_shell_quote(&b, regions[i]); /* inside "...": quoted for that */
        }
        dw_buf_puts(&b, "\"\n");
    } else {
        dw_buf_puts(&b, "# Every region enabled for the account:\n"
                        "REGIONS=$(aws ec2 describe-regions --query 'Regions[].RegionName' "
                        "--output text) || exit 2\n");
    }
    const char *v = strstr(s_body, "%VERSION%");
    dw_buf_append(&b, s_body, (size_t)(v - s_body));
    dw_buf_puts(&b, dw_version());
    dw_buf_puts(&b, v + strlen("%VERSION%"));
    return dw_buf_steal(&b);
}
