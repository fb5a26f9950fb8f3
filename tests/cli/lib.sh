# Shared helpers for the CLI tests: run a command, check exit code and output.
set -uo pipefail
DBWARD=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
CHECKS=0
# run EXPECTED_RC CMD...: runs CMD, stdout to $TMP/out, stderr to $TMP/err.
run() {
  local want=$1; shift
  CHECKS=$((CHECKS + 1))
  "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL: '$*' exited $rc, wanted $want"; sed 's/^/  stderr: /' "$TMP/err" | head -5
    FAILS=$((FAILS + 1))
  fi
}
# has FILE TEXT: the file contains TEXT (fixed string).
has() {
  CHECKS=$((CHECKS + 1))
  if ! grep -qF -- "$2" "$1"; then
    echo "FAIL: $1 lacks: $2"; head -5 "$1" | sed 's/^/  got: /'
    FAILS=$((FAILS + 1))
  fi
}
lacks() {
  CHECKS=$((CHECKS + 1))
  if grep -qF -- "$2" "$1"; then
    echo "FAIL: $1 should not contain: $2"
    FAILS=$((FAILS + 1))
  fi
}
finish() {
  echo "$CHECKS checks, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}
# mksnap DIR: a minimal valid snapshot with one clean table.
mksnap() {
  mkdir -p "$1/us-east-1/dynamodb/describe-table"
  printf '{"account_id":"123456789012","partition":"aws","regions":["us-east-1"],"taken_at":"2026-01-10T00:00:00Z"}\n' >"$1/manifest.json"
  printf '{"TableNames":["t"]}\n' >"$1/us-east-1/dynamodb/list-tables.json"
  printf '{"Table":{"TableName":"t","TableArn":"arn:aws:dynamodb:us-east-1:123456789012:table/t","DeletionProtectionEnabled":true}}\n' \
    >"$1/us-east-1/dynamodb/describe-table/t.json"
}
