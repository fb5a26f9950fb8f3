#!/usr/bin/env bash
# dbward report (issue 20 item 2): a saved JSON report, read back through
# src/finding, renders in every format exactly as the scan that wrote it
# (round trip, byte for byte); several reports are merged first, and the
# result equals merge then report; the exit code is the scan's; a file
# that is not a dbward report is refused naming it.
. "$(dirname "$0")/lib.sh"
EX=$SRC/examples/account
CFG=$SRC/examples/dbward.yaml
cd "$TMP" || exit 2
fmts="html sarif csv xml jsonl md txt"
args=(); for x in $fmts; do args+=(-o "a.$x"); done
"$DBWARD" scan --snapshot "$EX" --config "$CFG" -o json:r.json -o matrix:a.matrix -o asff:a.asff "${args[@]}" 2>/dev/null
args=(); for x in $fmts; do args+=(-o "b.$x"); done
run 1 "$DBWARD" report r.json --config "$CFG" -o json:b.json -o matrix:b.matrix -o asff:b.asff "${args[@]}"
for x in $fmts matrix asff; do
  CHECKS=$((CHECKS + 1))
  cmp -s "a.$x" "b.$x" || { echo "FAIL: report r.json -o $x differs from the scan's"; diff "a.$x" "b.$x" | head -4; FAILS=$((FAILS + 1)); }
done
CHECKS=$((CHECKS + 1)); cmp -s r.json b.json || { echo "FAIL: report r.json -o json is not the report itself"; FAILS=$((FAILS + 1)); }
# Without the config, a custom control keeps its title and findings but not
# its prose (the report does not carry it).
run 1 "$DBWARD" report r.json --config /dev/null -o text:c.txt
cmp -s a.txt c.txt || { echo "FAIL: text of a report without its config differs"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1))

# The text report on stdout by default; the exit code follows the findings.
run 1 "$DBWARD" report r.json --config "$CFG"
cmp -s a.txt "$TMP/out" || { echo "FAIL: report r.json on stdout differs from the scan's text"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1))
mksnap clean
"$DBWARD" scan --snapshot clean -c DDB-12 -o clean.json 2>/dev/null
run 0 "$DBWARD" report clean.json -q
has "$TMP/out" "Summary  1 findings: PASS 1 FAIL 0 ERROR 0 NOT_APPLICABLE 0 MUTED 0"

# Several reports: merged, then rendered.
"$DBWARD" scan --snapshot "$EX" -r us-east-1 -o us.json 2>/dev/null
"$DBWARD" scan --snapshot "$EX" -r eu-west-1 -o eu.json 2>/dev/null
"$DBWARD" merge us.json eu.json -o m.json 2>/dev/null
"$DBWARD" report m.json -o html:m1.html -o m1.csv 2>/dev/null
run 1 "$DBWARD" report us.json eu.json -o html:m2.html -o m2.csv
for x in html csv; do
  CHECKS=$((CHECKS + 1))
  cmp -s "m1.$x" "m2.$x" || { echo "FAIL: report A B -o $x differs from merge A B then report"; FAILS=$((FAILS + 1)); }
done

# The HTML trend (scan --db): this account's recorded runs and this one;
# none on the first run; another account's runs are left out.
mksnap other; sed -i 's/123456789012/222222222222/' other/manifest.json
"$DBWARD" scan --snapshot "$EX" --db t.db -o html:t1.html -o json:t1.json >/dev/null 2>&1
"$DBWARD" scan --snapshot other --db t.db -o /dev/null >/dev/null 2>&1
"$DBWARD" scan --snapshot "$EX" --db t.db -o html:t2.html >/dev/null 2>&1
lacks t1.html 'id="trend"'
has t2.html 'data-runs="2"'
nf=$(jq '[.findings[] | select(.status == "FAIL")] | length' t1.json)
ne=$(jq '[.findings[] | select(.status == "ERROR")] | length' t1.json)
CHECKS=$((CHECKS + 1))
[ "$(grep -o "<title>evidence 2026-11-20T09:30:00Z: FAIL $nf, ERROR $ne</title>" t2.html | wc -l)" -eq 2 ] ||
  { echo "FAIL: the trend's two runs should each say FAIL $nf, ERROR $ne"; FAILS=$((FAILS + 1)); }

# Not a report.
printf '{"hello": 1}\n' >other.json
run 2 "$DBWARD" report other.json -o html:x.html
has "$TMP/err" "other.json: not a dbward JSON report"
CHECKS=$((CHECKS + 1)); [ -e x.html ] && { echo "FAIL: x.html written for a bad input"; FAILS=$((FAILS + 1)); }
run 2 "$DBWARD" report
has "$TMP/err" "report takes JSON reports"
finish
