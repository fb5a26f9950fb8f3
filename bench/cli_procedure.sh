#!/usr/bin/env bash
# cli_procedure.sh ENDPOINT_URL [DBWARD]: the manual audit as a script: the
# aws CLI, one call at a time, region by region, as a person following the
# playbooks' "aws ... describe-..." steps would run them. The calls are
# dbward's own call plan, as `dbward snapshot-script` prints it (the script
# asks again for the ids it loops over, as a person would); answers go to a
# scratch folder. Prints the number of aws commands run.
set -uo pipefail
URL=$1
DBWARD=${2:-${DBWARD:-build/dbward}}
AWS=${AWS:-/usr/bin/aws}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}   # the home region: STS, the regions, IAM
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/bin"
cat >"$W/bin/aws" <<STUB
#!/bin/sh
echo >>"$W/count"
exec "$AWS" --endpoint-url "$URL" "\$@"
STUB
chmod +x "$W/bin/aws"
"$DBWARD" snapshot-script >"$W/collect.sh" || exit 2
PATH="$W/bin:$PATH" sh "$W/collect.sh" "$W/out" >/dev/null 2>&1
wc -l <"$W/count" | tr -d ' '
