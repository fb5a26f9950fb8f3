#!/usr/bin/env bash
# Streamed reports: with only JSON and CSV outputs the scan hands each
# account's findings to the writers as they are made and keeps none. The
# oracle is the whole-run writer (DBWARD_NO_STREAM=1 keeps every finding and
# writes at the end): both must give the same bytes, exit code and warnings,
# for one account, a tree of accounts, no findings at all, and a config whose
# expired suppression matches in every account (said once, not per account).
. "$(dirname "$0")/lib.sh"
same() { # label cmd...: the streamed and the whole-run outputs are equal
  local label=$1; shift
  rm -f "$TMP"/s.* "$TMP"/w.*
  "$@" -o "$TMP/s.json" -o "$TMP/s.csv" >"$TMP/s.out" 2>"$TMP/s.err"; local rs=$?
  DBWARD_NO_STREAM=1 "$@" -o "$TMP/w.json" -o "$TMP/w.csv" >"$TMP/w.out" 2>"$TMP/w.err"; local rw=$?
  CHECKS=$((CHECKS + 1))
  if [ "$rs" != "$rw" ] || ! cmp -s "$TMP/s.json" "$TMP/w.json" || ! cmp -s "$TMP/s.csv" "$TMP/w.csv" ||
     ! cmp -s "$TMP/s.err" "$TMP/w.err"; then
    echo "FAIL: $label: streamed and whole-run reports differ (exit $rs vs $rw)"
    diff "$TMP/s.err" "$TMP/w.err" | head -5; cmp "$TMP/s.json" "$TMP/w.json" | head -2
    FAILS=$((FAILS + 1))
  fi
  CHECKS=$((CHECKS + 1))
  [ -s "$TMP/s.json" ] && jq -e '(.findings | length) == .summary.total' "$TMP/s.json" >/dev/null ||
    { echo "FAIL: $label: the streamed JSON report does not count its findings"; FAILS=$((FAILS + 1)); }
}
same "demo with config" "$DBWARD" scan --snapshot "$SRC/examples/account" --config "$SRC/examples/dbward.yaml"
for a in 111111111111 222222222222 333333333333; do
  /usr/bin/python3 "$SRC/bench/gen-account.py" "$TMP/tree/$a" --account "$a" --regions 2 --dms 2 --tables 3 --keys 1 --users 2 >/dev/null
done
same "tree of three accounts" "$DBWARD" scan --snapshot "$TMP/tree"
CHECKS=$((CHECKS + 1))
[ "$(jq -r '[.findings[].account_id] | unique | join(",")' "$TMP/s.json")" = "111111111111,222222222222,333333333333" ] ||
  { echo "FAIL: the tree's report lacks an account"; FAILS=$((FAILS + 1)); }
mkdir -p "$TMP/empty"
printf '{"account_id":"123456789012","partition":"aws","regions":["us-east-1"],"taken_at":"2026-01-10T00:00:00Z"}\n' >"$TMP/empty/manifest.json"
mkdir -p "$TMP/empty/us-east-1/dynamodb" && echo '{"TableNames": []}' >"$TMP/empty/us-east-1/dynamodb/list-tables.json"
same "no findings" "$DBWARD" scan --snapshot "$TMP/empty" --controls DDB-02
CHECKS=$((CHECKS + 1))
[ "$(jq -c '.findings' "$TMP/s.json")" = "[]" ] || { echo "FAIL: expected no findings"; FAILS=$((FAILS + 1)); }
cat >"$TMP/expired.yaml" <<'YAML'
suppressions:
  - control: "DDB-*"
    resource: "*"
    reason: "waived until the migration"
    expires: 2020-01-01
YAML
same "expired suppression over accounts" "$DBWARD" scan --snapshot "$TMP/tree" --config "$TMP/expired.yaml"
CHECKS=$((CHECKS + 1))
[ "$(grep -c 'expired on 2020-01-01' "$TMP/s.err")" = 1 ] ||
  { echo "FAIL: the expired suppression should be said once"; sed 's/^/  /' "$TMP/s.err" | head -5; FAILS=$((FAILS + 1)); }
# A stream that cannot be written fails the run and names the output.
run 2 "$DBWARD" scan --snapshot "$SRC/examples/account" -f json -o /dev/full
has "$TMP/err" "/dev/full"
finish
