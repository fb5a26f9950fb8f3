#!/usr/bin/env bash
# The secret canary: distinctive secret keys, session tokens, a web identity
# token, a container authorization token and DMS endpoint passwords are
# planted in every credential source and in the endpoint settings. Every
# command and every output format then runs, --debug on and off, live and
# offline; no canary may appear in any output, log or file dbward wrote.
. "$(dirname "$0")/lib.sh" "$@"
clean_env
CANARIES=(CanarySecretKeyQ7w3Zp9 CanaryTempSecretM4k8Xv2 CanarySessionTokenR5t1Yh6 CanaryWebIdentityJwtB2c6
          CanaryContainerAuthJ3n7 CanaryEndpointPasswordK8s2 CanaryEcaPasswordD4f9 CanaryKafkaSaslW1e5
          mock-secret-key-temporary mock-session-token-1)
OUT="$TMP/out"      # everything dbward writes goes here
IN="$TMP/in"        # the planted inputs (they hold the canaries on purpose)
mkdir -p "$OUT" "$IN"
# A snapshot whose DMS endpoints carry passwords, as a careless export might.
cp -r "$SRC/examples/account" "$IN/snap"
for f in "$IN"/snap/*/dms/describe-endpoints.json; do
  jq '.Endpoints |= map(. + {"MongoDbSettings": {"Password": "CanaryEndpointPasswordK8s2", "Username": "app"},
                              "KafkaSettings": {"SaslPassword": "CanaryKafkaSaslW1e5"},
                              "ExtraConnectionAttributes": "password=CanaryEcaPasswordD4f9;heartbeatEnable=Y"})' \
     "$f" > "$f.tmp" && mv "$f.tmp" "$f"
done
check "the planted snapshot holds the canaries" grep -rq CanaryEndpointPasswordK8s2 "$IN/snap"
mock_start --snapshot "$IN/snap"
# Credential sources.
cat > "$IN/credentials" <<C
[default]
aws_access_key_id = AKIDCANARYLONGTERM
aws_secret_access_key = CanarySecretKeyQ7w3Zp9
[session]
aws_access_key_id = ASIACANARYSESSION1
aws_secret_access_key = CanaryTempSecretM4k8Xv2
aws_session_token = CanarySessionTokenR5t1Yh6
C
cat > "$IN/proc.sh" <<'P'
#!/bin/sh
echo '{"Version": 1, "AccessKeyId": "ASIACANARYSESSION1", "SecretAccessKey": "CanaryTempSecretM4k8Xv2",
       "SessionToken": "CanarySessionTokenR5t1Yh6", "Expiration": "2099-01-01T00:00:00Z"}'
P
chmod +x "$IN/proc.sh"
printf '[profile proc]\ncredential_process = %s\n' "$IN/proc.sh" > "$IN/config"
printf 'CanaryWebIdentityJwtB2c6' > "$IN/oidc"
n=0
live() { # live NAME [VAR=VALUE...]: scan live with every report format, --debug off and on
  local name=$1; shift
  for dbg in "" --debug; do
    n=$((n + 1))
    local d="$OUT/$name$dbg"
    mkdir -p "$d"
    env "$@" "$DBWARD" scan --endpoint-url "$URL" $dbg --save-snapshot "$d/snap" --db "$OUT/history.db" \
      -o "json:$d/r.json" -o "sarif:$d/r.sarif" -o "ocsf:$d/r.ocsf" -o "asff:$d/r.asff" -o "html:$d/r.html" \
      -o "csv:$d/r.csv" -o "junit:$d/r.xml" -o "matrix:$d/m.txt" -o "matrix-md:$d/m.md" >"$d/stdout" 2>"$d/stderr"
    local rc=$?
    check "live scan $name $dbg completes (exit $rc)" [ "$rc" -eq 1 ]
  done
}
live env-long-term AWS_ACCESS_KEY_ID=AKIDCANARYLONGTERM AWS_SECRET_ACCESS_KEY=CanarySecretKeyQ7w3Zp9
live env-session AWS_ACCESS_KEY_ID=ASIACANARYSESSION1 AWS_SECRET_ACCESS_KEY=CanaryTempSecretM4k8Xv2 \
  AWS_SESSION_TOKEN=CanarySessionTokenR5t1Yh6
live file-default AWS_SHARED_CREDENTIALS_FILE="$IN/credentials"
live file-session AWS_SHARED_CREDENTIALS_FILE="$IN/credentials" AWS_PROFILE=session
live process AWS_CONFIG_FILE="$IN/config" AWS_PROFILE=proc
live web-identity AWS_WEB_IDENTITY_TOKEN_FILE="$IN/oidc" AWS_ROLE_ARN=arn:aws:iam::123456789012:role/ci
live container AWS_CONTAINER_CREDENTIALS_FULL_URI="$URL/container-creds" \
  AWS_CONTAINER_AUTHORIZATION_TOKEN=CanaryContainerAuthJ3n7
# A failing run must not leak either: wrong secret, debug on.
AWS_ACCESS_KEY_ID=AKIDCANARYLONGTERM AWS_SECRET_ACCESS_KEY=CanarySecretKeyQ7w3Zp9-wrong \
  "$DBWARD" scan --endpoint-url "$URL" --debug >"$OUT/bad.stdout" 2>"$OUT/bad.stderr"
# Offline, every format and every other command, on the planted snapshot.
for fmt in text json csv junit sarif ocsf asff html matrix matrix-md; do
  "$DBWARD" scan --snapshot "$IN/snap" --format "$fmt" >"$OUT/offline.$fmt" 2>>"$OUT/offline.stderr"
done
"$DBWARD" scan --snapshot "$IN/snap" --db "$OUT/history.db" -o "json:$OUT/off.json" -o /dev/null 2>>"$OUT/offline.stderr"
"$DBWARD" remediate "$OUT/off.json" >"$OUT/fix.sh" 2>&1
"$DBWARD" diff "$OUT/env-long-term/r.json" "$OUT/off.json" >"$OUT/diff.txt" 2>&1
"$DBWARD" diff "$OUT/env-long-term/r.json" "$OUT/off.json" --format json >"$OUT/diff.json" 2>&1
"$DBWARD" diff --db "$OUT/history.db" >"$OUT/diff-db.txt" 2>&1
"$DBWARD" history --db "$OUT/history.db" --format json >"$OUT/history.json" 2>&1
"$DBWARD" controls --format json >"$OUT/controls.json" 2>&1
for id in DMS-04 DMS-05 DMS-12; do "$DBWARD" explain "$id" >"$OUT/explain-$id" 2>&1; done
"$DBWARD" snapshot-script >"$OUT/collect.sh" 2>&1
"$DBWARD" query 'Endpoints[].EndpointIdentifier' <"$IN/snap/us-east-1/dms/describe-endpoints.json" >"$OUT/query" 2>&1
# The SQLite history is binary: dump it as text too.
/usr/bin/python3 -c 'import sqlite3,sys; [print(r) for r in sqlite3.connect(sys.argv[1]).iterdump()]' \
  "$OUT/history.db" >"$OUT/history.sql"
check "$n live scans ran" [ "$n" -eq 14 ]
check "the debug log has requests in it" grep -q "POST" "$OUT/env-session--debug/stderr"
check "the saved snapshot received the passwords and redacted them" \
  grep -q '"Password": "\[REDACTED\]"' "$OUT/env-long-term/snap/us-east-1/dms/describe-endpoints.json"
check "the saved snapshot keeps the endpoints" grep -q EndpointIdentifier "$OUT/env-long-term/snap/us-east-1/dms/describe-endpoints.json"
files=$(find "$OUT" -type f | wc -l)
for c in "${CANARIES[@]}"; do
  hits=$(grep -rlaF -- "$c" "$OUT" | head -5)
  check "canary $c appears in none of $files files (found in: ${hits:-none})" [ -z "$hits" ]
done
echo "searched $files files written by dbward for ${#CANARIES[@]} canaries"
finish
