#!/usr/bin/env bash
# SARIF and OCSF output against JSON Schemas written from their specifications
# (tests/schemas), validated with Debian's python3-jsonschema; SARIF also
# against GitHub code scanning's upload rules. Each check is shown able to
# fail on a broken copy.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
V="$SRC/tests/cli/validate_schema.py"
SARIF_S="$SRC/tests/schemas/sarif-2.1.0.schema.json"
OCSF_S="$SRC/tests/schemas/ocsf-1.1.0-compliance-finding.schema.json"
run 1 "$DBWARD" scan --snapshot "$SRC/examples/account" --config "$SRC/examples/dbward.yaml" -o /dev/null \
  -o "sarif:$TMP/r.sarif" -o "ocsf:$TMP/r.ocsf" -o "json:$TMP/r.json"
run 0 $PY "$V" "$SARIF_S" "$TMP/r.sarif" --github
run 0 $PY "$V" "$OCSF_S" "$TMP/r.ocsf" --lines
run 0 $PY "$V" "$SARIF_S" "$SRC/tests/data/reports/fixture.sarif" --github
run 0 $PY "$V" "$OCSF_S" "$SRC/tests/data/reports/fixture.ocsf.jsonl" --lines
# Counts agree with the JSON report: one OCSF event per finding; one SARIF
# result per FAIL, ERROR and MUTED finding; one rule per control seen.
CHECKS=$((CHECKS + 1))
[ "$(wc -l < "$TMP/r.ocsf")" -eq "$(jq '.findings | length' "$TMP/r.json")" ] || { echo "FAIL: OCSF event count"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1))
want=$(jq '[.findings[] | select(.status == "FAIL" or .status == "ERROR" or .status == "MUTED")] | length' "$TMP/r.json")
got=$(jq '.runs[0].results | length' "$TMP/r.sarif")
[ "$got" -eq "$want" ] || { echo "FAIL: SARIF has $got results, want $want"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1))
[ "$(jq '.runs[0].tool.driver.rules | length' "$TMP/r.sarif")" -eq "$(jq '[.findings[].control_id] | unique | length' "$TMP/r.json")" ] \
  || { echo "FAIL: SARIF rule count"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1))
jq -e '[.runs[0].results[] | select(.suppressions)] | length == 1' "$TMP/r.sarif" >/dev/null \
  || { echo "FAIL: the muted finding is not a suppressed SARIF result"; FAILS=$((FAILS + 1)); }
# Broken copies must be refused.
jq '.runs[0].results[0].level = "fatal"' "$TMP/r.sarif" > "$TMP/b1"
run 1 $PY "$V" "$SARIF_S" "$TMP/b1"
jq '.runs[0].results[0].locaton = .runs[0].results[0].locations' "$TMP/r.sarif" > "$TMP/b2"
run 1 $PY "$V" "$SARIF_S" "$TMP/b2"
jq 'del(.runs[0].results[1].partialFingerprints)' "$TMP/r.sarif" > "$TMP/b3"
run 1 $PY "$V" "$SARIF_S" "$TMP/b3" --github
jq '.runs[0].results[2].ruleId = "NOPE-1"' "$TMP/r.sarif" > "$TMP/b4"
run 1 $PY "$V" "$SARIF_S" "$TMP/b4" --github
jq -c 'if .class_uid == 2003 then .class_uid = 2004 else . end' "$TMP/r.ocsf" > "$TMP/b5"
run 1 $PY "$V" "$OCSF_S" "$TMP/b5" --lines
jq -c '.compliance.status_id = 1 | .compliance.status = "Fail"' "$TMP/r.ocsf" > "$TMP/b6"
run 1 $PY "$V" "$OCSF_S" "$TMP/b6" --lines
jq -c 'del(.finding_info.uid)' "$TMP/r.ocsf" > "$TMP/b7"
run 1 $PY "$V" "$OCSF_S" "$TMP/b7" --lines
finish
