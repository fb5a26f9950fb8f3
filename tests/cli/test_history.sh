#!/usr/bin/env bash
# Scan history in SQLite: scan --db records runs, history lists them, diff
# --db compares two runs (exit 1 on new failures), bad files are refused.
. "$(dirname "$0")/lib.sh"
EX="$SRC/examples/account"
CFG="$SRC/examples/dbward.yaml"
PY=/usr/bin/python3
DB="$TMP/h.db"
sql() { $PY -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); [print("|".join(map(str,r))) for r in c.execute(sys.argv[2])]; c.commit()' "$@"; }
# Run 1: with the config (DDB-10 on sessions-legacy muted); run 2: without it.
run 1 "$DBWARD" scan --snapshot "$EX" --config "$CFG" --db "$DB" -o "json:$TMP/r1.json" -o /dev/null
has "$TMP/err" "recorded run 1 in $DB"
run 1 "$DBWARD" scan --snapshot "$EX" --db "$DB" -o "json:$TMP/r2.json" -o /dev/null
has "$TMP/err" "recorded run 2 in $DB"
run 0 "$DBWARD" history --db "$DB"
has "$TMP/out" "    1  "
has "$TMP/out" "    2  "
run 0 "$DBWARD" history --db "$DB" --format json
CHECKS=$((CHECKS + 1))
jq -e 'length == 2 and .[0].MUTED == 1 and .[1].MUTED == 0 and .[1].total > 100' "$TMP/out" >/dev/null \
  || { echo "FAIL: history JSON"; FAILS=$((FAILS + 1)); }
# One findings row per finding, with the report's statuses.
CHECKS=$((CHECKS + 1))
[ "$(sql "$DB" 'select count(*) from findings where run_id=2')" -eq "$(jq '.findings | length' "$TMP/r2.json")" ] \
  || { echo "FAIL: findings rows of run 2"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1))
[ "$(sql "$DB" "select count(*) from findings where run_id=1 and status='FAIL'")" -eq "$(jq '.summary.by_status.FAIL' "$TMP/r1.json")" ] \
  || { echo "FAIL: FAIL rows of run 1"; FAILS=$((FAILS + 1)); }
# diff between runs: the default is latest~1 -> latest; the unmuted backup failure is new.
run 1 "$DBWARD" diff --db "$DB"
has "$TMP/out" "dbward diff run 1 -> run 2"
has "$TMP/out" "MUTED -> FAIL"
run 1 "$DBWARD" diff --db "$DB" 1 latest --format json
CHECKS=$((CHECKS + 1))
jq -e '.new_failures | length >= 1' "$TMP/out" >/dev/null || { echo "FAIL: diff JSON new failures"; FAILS=$((FAILS + 1)); }
# The same comparison from the two JSON reports gives the same answer.
"$DBWARD" diff "$TMP/r1.json" "$TMP/r2.json" --format json > "$TMP/files.json"
"$DBWARD" diff --db "$DB" 1 2 --format json > "$TMP/runs.json"
CHECKS=$((CHECKS + 1))
[ "$(jq -c '.new_failures, .fixed, .changed, .still_failing | length' "$TMP/files.json")" = \
  "$(jq -c '.new_failures, .fixed, .changed, .still_failing | length' "$TMP/runs.json")" ] \
  || { echo "FAIL: diff of runs differs from diff of files"; FAILS=$((FAILS + 1)); }
run 0 "$DBWARD" diff --db "$DB" 2 2
# Bad references and files.
run 2 "$DBWARD" diff --db "$DB" latest~7 latest
has "$TMP/err" "no run \"latest~7\""
run 2 "$DBWARD" diff --db "$DB" 1 nonsense
has "$TMP/err" "is not a run"
run 2 "$DBWARD" diff --db "$DB" 1
run 2 "$DBWARD" history
echo "not a database at all, just text" > "$TMP/text.db"
run 2 "$DBWARD" history --db "$TMP/text.db"
has "$TMP/err" "$TMP/text.db: not a dbward history"
run 2 "$DBWARD" scan --snapshot "$EX" --db "$TMP/text.db" -o /dev/null
sql "$TMP/other.db" "create table t(x)" >/dev/null
run 2 "$DBWARD" history --db "$TMP/other.db"
has "$TMP/err" "not a dbward history"
cp "$DB" "$TMP/newer.db"
sql "$TMP/newer.db" "pragma user_version=9" >/dev/null
run 2 "$DBWARD" history --db "$TMP/newer.db"
has "$TMP/err" "newer dbward"
finish
