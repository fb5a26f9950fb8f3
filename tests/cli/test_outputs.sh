#!/usr/bin/env bash
# The output contract of every command (issue 20 item 1): -o FORMAT:FILE
# where a command writes a report and refused (exit 2) where it does not;
# a bare -o FILE takes its format from the extension or is refused;
# --output json is refused; every output is opened before any work and one
# failing output never drops the others. Expected formats are checked by
# their first bytes, written here by hand.
. "$(dirname "$0")/lib.sh"
EX=$SRC/examples/account
cd "$TMP" || exit 2

# ---- A bare -o FILE: the format is the extension's.
run 1 "$DBWARD" scan --snapshot "$EX" -o r.json -o r.sarif -o r.html -o r.csv -o r.xml -o r.jsonl -o r.md -o r.txt
CHECKS=$((CHECKS + 1)); [ -s "$TMP/out" ] && { echo "FAIL: stdout not empty with a bare -o"; FAILS=$((FAILS + 1)); }
head -c 1 r.json | grep -q '{' || { echo "FAIL: r.json is not JSON"; FAILS=$((FAILS + 1)); }
has r.sarif '"version": "2.1.0"'
has r.html '<!DOCTYPE html>'
has r.csv 'control_id,'
has r.xml '<testsuites'
has r.jsonl '"class_uid":2003'
has r.md '| '
has r.txt 'Summary  '
CHECKS=$((CHECKS + 8))
for f in r.json r.sarif r.html r.csv r.xml r.jsonl r.md r.txt; do
  [ "$(stat -c %a "$f")" = 600 ] || { echo "FAIL: $f is not 0600"; FAILS=$((FAILS + 1)); }
done

# ---- Refused: an extension no format has, a format name as a file, a
# format the command does not write, --format against the extension.
run 2 "$DBWARD" scan --snapshot "$EX" -o report.bin
has "$TMP/err" 'cannot tell the format of "report.bin" from its name; write -o FORMAT:report.bin'
run 2 "$DBWARD" scan --snapshot "$EX" --output json
has "$TMP/err" '-o json would write a file named "json": write -o json:FILE, or --format json for stdout'
CHECKS=$((CHECKS + 1)); [ -e json ] && { echo "FAIL: a file named json was written"; FAILS=$((FAILS + 1)); }
run 2 "$DBWARD" scan --snapshot "$EX" -f json -o r2.txt
has "$TMP/err" '-o r2.txt is text by its name but --format says json'
run 2 "$DBWARD" diff r.json r.json -o html:d.html
has "$TMP/err" 'diff writes text json, not html (-o html:d.html); dbward report renders a JSON report in it'
run 2 "$DBWARD" scan --snapshot "$EX" -o json:a.json -o json:a.json
has "$TMP/err" 'two outputs name a.json'
run 2 "$DBWARD" scan --snapshot "$EX" -o json:- -o text:-
has "$TMP/err" 'only one output can go to stdout'

# ---- Commands that write no report refuse -o and -f.
for c in "query @" "whoami" "man" "completion bash"; do
  run 2 "$DBWARD" $c -o x.txt
  has "$TMP/err" "writes no report, so -o/--output does not apply"
  run 2 "$DBWARD" $c -f json
  has "$TMP/err" "writes no report, so -f/--format does not apply"
done
# -f where a command has no such format.
run 2 "$DBWARD" controls -f csv
has "$TMP/err" 'controls writes text json markdown; not --format csv'
run 2 "$DBWARD" explain DMS-01 -f html
has "$TMP/err" 'explain writes text markdown; not --format html'
run 2 "$DBWARD" history --db h.db -f csv
has "$TMP/err" 'history writes text json; not --format csv'
run 2 "$DBWARD" diff r.json r.json -f sarif
has "$TMP/err" 'diff writes text json; not --format sarif'
run 2 "$DBWARD" remediate r.json -f json
has "$TMP/err" 'remediate writes a shell script only, so -f/--format does not apply'
run 2 "$DBWARD" snapshot-script -f text
has "$TMP/err" 'snapshot-script writes a shell script only'

# ---- -o FORMAT:FILE works on every command that writes something.
run 0 "$DBWARD" controls -o json:c.json -o c.md
head -c 1 c.json | grep -q '\[' || { echo "FAIL: controls -o json: not a JSON array"; FAILS=$((FAILS + 1)); }
has c.md '| [DMS-01](DMS-01.md) |'
CHECKS=$((CHECKS + 1)); [ -s "$TMP/out" ] && { echo "FAIL: controls: stdout not empty with a bare -o"; FAILS=$((FAILS + 1)); }
run 0 "$DBWARD" controls -o json:c2.json
has "$TMP/out" 'ID      SEVERITY  FIX        TITLE'
run 0 "$DBWARD" explain DMS-01 -o markdown:e.md
has e.md '# DMS-01'
run 0 "$DBWARD" plan -o p.json
has p.json '"service"'
run 0 "$DBWARD" snapshot-script -o collect.sh
has collect.sh '#!/bin/sh'
run 0 "$DBWARD" remediate r.json -o fix.sh -o sh:fix2.sh
has fix.sh 'set -euo pipefail'
cmp -s fix.sh fix2.sh || { echo "FAIL: remediate's two outputs differ"; FAILS=$((FAILS + 1)); }
run 0 "$DBWARD" merge r.json -o html:org.html -o sarif:org.sarif -o org.json
has org.html '<!DOCTYPE html>'
has org.sarif '"version": "2.1.0"'
has org.json '"merged_from"'
run 0 "$DBWARD" diff r.json r.json -o json:d.json -o d.txt
has d.json '"new_failures": []'
has d.txt 'New failures: 0'
"$DBWARD" scan --snapshot "$EX" --db h.db -o /dev/null 2>/dev/null
run 0 "$DBWARD" history --db h.db -o json:h.json -o h.txt
has h.json '"account_id": "123456789012"'
has h.txt 'evidence taken'

# ---- Every output is opened first: a folder that does not exist stops the
# run before anything, and no other output appears.
rm -f ok.json
run 2 "$DBWARD" scan --snapshot "$EX" -o json:ok.json -o html:/nonexistent/r.html
has "$TMP/err" '/nonexistent/r.html: cannot open its folder: No such file or directory'
CHECKS=$((CHECKS + 1)); [ -e ok.json ] && { echo "FAIL: ok.json written though the run stopped"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1)); [ -s "$TMP/out" ] && { echo "FAIL: a report on stdout though the run stopped"; FAILS=$((FAILS + 1)); }

# ---- One failing output never drops the others: a full /dev/full output
# fails, the files beside it are complete, the exit is 2.
if [ -w /dev/full ]; then
  rm -f ok.json ok.sarif
  run 2 "$DBWARD" scan --snapshot "$EX" -o json:ok.json -o text:/dev/full -o sarif:ok.sarif
  has "$TMP/err" 'could not write /dev/full'
  cmp -s ok.json r.json || { echo "FAIL: ok.json differs from r.json"; FAILS=$((FAILS + 1)); }
  has ok.sarif '"version": "2.1.0"'
fi
finish
