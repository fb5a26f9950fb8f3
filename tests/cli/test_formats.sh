#!/usr/bin/env bash
# Output formats, filters, --output and colour rules on the example account.
. "$(dirname "$0")/lib.sh"
EX="$SRC/examples/account"
run 1 "$DBWARD" scan --snapshot "$EX" --format json --output "$TMP/r.json"
CHECKS=$((CHECKS + 1))
if ! jq -e '.tool.name == "dbward" and .account_id == "123456789012" and (.regions | length) == 2
           and (.findings | length) == .summary.total and .summary.by_status.FAIL > 0' "$TMP/r.json" >/dev/null; then
  echo "FAIL: JSON report shape"; FAILS=$((FAILS + 1))
fi
# Every FAIL carries commands or notes; every control appears; no finding lacks a reason.
CHECKS=$((CHECKS + 1))
if ! jq -e '[.findings[] | select(.status == "FAIL") | (.remediation.commands + .remediation.notes | length)] | all(. > 0)' "$TMP/r.json" >/dev/null; then
  echo "FAIL: a FAIL without remediation"; FAILS=$((FAILS + 1))
fi
CHECKS=$((CHECKS + 1))
# The evaluated controls: the registry without ACCOUNT (no evaluator; only a
# many-account run whose role fails makes its finding).
want=$("$DBWARD" controls --format json --config /dev/null | jq '[.[] | select(.id != "ACCOUNT")] | length')
n=$(jq '[.findings[].control_id] | unique | length' "$TMP/r.json")
[ "$n" -eq "$want" ] || { echo "FAIL: $n controls in the demo, want $want"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1))
if ! jq -e '[.findings[] | .reason | length] | all(. > 5)' "$TMP/r.json" >/dev/null; then
  echo "FAIL: empty reason"; FAILS=$((FAILS + 1))
fi
# Every control passes and fails somewhere in the demo.
CHECKS=$((CHECKS + 1))
m=$(jq '[.findings | group_by(.control_id)[] | select((map(.status) | index("PASS")) and (map(.status) | index("FAIL")))] | length' "$TMP/r.json")
[ "$m" -eq "$want" ] || { echo "FAIL: only $m controls both pass and fail in the demo"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1))
jq -e '.summary.by_status.ERROR > 0' "$TMP/r.json" >/dev/null || { echo "FAIL: demo shows no ERROR"; FAILS=$((FAILS + 1)); }

run 1 "$DBWARD" scan --snapshot "$EX" --controls 'DDB-0*,ACC-04' --format json
CHECKS=$((CHECKS + 1))
got=$(jq -r '[.findings[].control_id] | unique | join(",")' "$TMP/out")
[ "$got" = "ACC-04,DDB-01,DDB-02,DDB-03,DDB-04,DDB-05,DDB-06,DDB-07,DDB-08,DDB-09" ] || { echo "FAIL: --controls gave $got"; FAILS=$((FAILS + 1)); }
run 1 "$DBWARD" scan --snapshot "$EX" --severity critical --format json
CHECKS=$((CHECKS + 1))
[ "$(jq -r '[.findings[].severity] | unique | join(",")' "$TMP/out")" = "critical" ] || { echo "FAIL: --severity"; FAILS=$((FAILS + 1)); }
run 1 "$DBWARD" scan --snapshot "$EX" --region eu-west-1 --format json
CHECKS=$((CHECKS + 1))
[ "$(jq -r '[.findings[].region] | unique | join(",")' "$TMP/out")" = "eu-west-1,global" ] || { echo "FAIL: --region"; FAILS=$((FAILS + 1)); }
run 1 "$DBWARD" scan --snapshot "$EX" --param required_tags=Owner --controls DMS-06 --format json
CHECKS=$((CHECKS + 1))
[ "$(jq '[.findings[] | select(.status == "FAIL")] | length' "$TMP/out")" -eq 1 ] || { echo "FAIL: --param required_tags"; FAILS=$((FAILS + 1)); }
# Text: no colour when not a TTY, even without NO_COLOR.
run 1 "$DBWARD" scan --snapshot "$EX"
lacks "$TMP/out" $'\033['
has "$TMP/out" "fix (recreate):"
has "$TMP/out" "aws dms modify-replication-instance --region us-east-1 --replication-instance-arn arn:aws:dms:us-east-1:123456789012:rep:LEGACYREPORTING4Q9ZT --auto-minor-version-upgrade --apply-immediately"
if command -v script >/dev/null; then
  script -qec "$DBWARD scan --snapshot $EX --controls DMS-01" /dev/null </dev/null >"$TMP/tty" 2>&1
  has "$TMP/tty" $'\033[31mFAIL'
  NO_COLOR=1 script -qec "$DBWARD scan --snapshot $EX --controls DMS-01" /dev/null </dev/null >"$TMP/tty2" 2>&1
  lacks "$TMP/tty2" $'\033[31m'
fi
# Several reports from one run: -o FORMAT:FILE, repeatable, beside the stdout report.
run 1 "$DBWARD" scan --snapshot "$EX" -o csv:"$TMP/r.csv" -o junit:"$TMP/r.xml" -o matrix-md:"$TMP/m.md" \
  -o json:"$TMP/r2.json" --format json
CHECKS=$((CHECKS + 1))
/usr/bin/python3 - "$TMP" <<'PY' || { echo "FAIL: multi-output files"; FAILS=$((FAILS + 1)); }
import csv, json, sys, xml.etree.ElementTree as E
d = sys.argv[1]
rep = json.load(open(d + "/r2.json"))
rows = list(csv.reader(open(d + "/r.csv", newline="")))
suites = E.parse(d + "/r.xml").getroot()
n = rep["summary"]["total"]
assert len(rows) == n + 1, (len(rows), n)
assert int(suites.get("tests")) == n and int(suites.get("failures")) == rep["summary"]["by_status"]["FAIL"]
assert len(suites) == len({f["control_id"] for f in rep["findings"]})
assert sum(1 for _ in suites.iter("testcase")) == n
assert "| PR.DS-01 |" in open(d + "/m.md").read()  # CSF 2.0, the matrix default
PY
cmp -s "$TMP/out" "$TMP/r2.json" || { echo "FAIL: stdout JSON differs from -o json:FILE"; FAILS=$((FAILS + 1)); }
run 0 "$DBWARD" controls --format json
CHECKS=$((CHECKS + 1))
[ "$(jq length "$TMP/out")" -eq $((want + 1)) ] && jq -e 'map(.id) | index("ACCOUNT")' "$TMP/out" >/dev/null ||
  { echo "FAIL: controls --format json: want the $want evaluated controls and ACCOUNT"; FAILS=$((FAILS + 1)); }
run 0 "$DBWARD" controls
has "$TMP/out" "required_tags"
run 0 "$DBWARD" explain dms-01
has "$TMP/out" "How to audit by hand"
has "$TMP/out" "control statements: 6"
finish
