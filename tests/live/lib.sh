# Shared by the live tests: start the mock AWS server on 127.0.0.1, stop it on exit.
# Usage: . lib.sh DBWARD SRC; mock_start [mock args...]; ... ; finish
set -uo pipefail
DBWARD=$1
SRC=$2
TMP=$(mktemp -d)
MOCK_PID=
FAILS=0
CHECKS=0
cleanup() {
  [ -n "${KEEP_TMP:-}" ] && cp -r "$TMP" /tmp/kept-live
  [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
mock_start() {
  [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null && wait "$MOCK_PID" 2>/dev/null
  rm -f "$TMP/port"
  /usr/bin/python3 "$SRC/tests/mock/mock_aws.py" --port-file "$TMP/port" --max-seconds 300 "$@" &
  MOCK_PID=$!
  for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
  PORT=$(cat "$TMP/port")
  URL="http://127.0.0.1:$PORT"
}
mock_stats() { curl -s "$URL/__mock/stats"; }
# Clean environment: no real credentials, no instance metadata, a fake HOME.
clean_env() {
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE \
        AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
        AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_ENDPOINT_URL \
        AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE AWS_REGION AWS_DEFAULT_REGION
  export AWS_EC2_METADATA_DISABLED=true
  export HOME="$TMP/home"
  mkdir -p "$HOME/.aws"
  export DBWARD_RETRY_BASE_MS=20
}
long_term() { export AWS_ACCESS_KEY_ID=AKIDMOCKLONGTERM01 AWS_SECRET_ACCESS_KEY=mock-secret-key-long-term; }
check() { # check DESCRIPTION COMMAND...: the command must succeed
  local what=$1; shift
  CHECKS=$((CHECKS + 1))
  if ! "$@"; then echo "FAIL: $what"; FAILS=$((FAILS + 1)); fi
}
finish() { echo "$CHECKS checks, $FAILS failed"; [ "$FAILS" -eq 0 ]; }
