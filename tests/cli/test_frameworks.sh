#!/usr/bin/env bash
# NIST CSF 1.1 and 2.0 in the reports and the compliance matrix
# (--framework csf1|csf2, csf2 by default), and the sources by title.
# The matrix rows are checked against counts taken from the JSON report's
# own 1.1 ids with NIST's 1.1 -> 2.0 successors written here by hand.
. "$(dirname "$0")/lib.sh"
EX="$SRC/examples/account"
run 1 "$DBWARD" scan --snapshot "$EX" -f json -o "$TMP/r.json"

# row FILE ID: "PASS FAIL ERROR OTHER" of the text matrix's row ID.
row() { awk -v id="$2" '$1 == id { print $2, $3, $4, $5; exit }' "$1"; }
# want JSON 1.1-IDS...: the same counts from the findings that carry any of the 1.1 ids.
want() {
  local f=$1; shift
  jq -r '[.findings[] | select(any(.nist_csf[]; . as $x | $ARGS.positional | any(. == $x)))] |
    "\(map(select(.status == "PASS")) | length) \(map(select(.status == "FAIL")) | length) \(map(select(.status == "ERROR")) | length) \(map(select(.status != "PASS" and .status != "FAIL" and .status != "ERROR")) | length)"' --args "$@" <"$f"
}
check_row() {
  CHECKS=$((CHECKS + 1))
  local file=$1 id=$2; shift 2
  local got exp
  got=$(row "$file" "$id")
  exp=$(want "$TMP/r.json" "$@")
  [ "$got" = "$exp" ] || { echo "FAIL: $id row in $file is '$got', want '$exp' (from $*)"; FAILS=$((FAILS + 1)); }
}

# The default is CSF 2.0.
run 1 "$DBWARD" scan --snapshot "$EX" --format matrix
cp "$TMP/out" "$TMP/m2.txt"
has "$TMP/m2.txt" "NIST CSF 2.0 subcategories"
lacks "$TMP/m2.txt" "PR.AC-"
lacks "$TMP/m2.txt" "PR.PT-"
lacks "$TMP/m2.txt" "PR.AA-06"
# PR.AA-05 gathers PR.AC-1, PR.AC-3 and PR.AC-4; PR.IR-01 PR.AC-3, PR.AC-5 and
# PR.PT-4; PR.DS-11 is PR.IP-4 renamed; DE.CM-09 takes in PR.DS-6 and DE.CM-7.
check_row "$TMP/m2.txt" PR.AA-05 PR.AC-1 PR.AC-3 PR.AC-4
check_row "$TMP/m2.txt" PR.IR-01 PR.AC-3 PR.AC-5 PR.PT-4
check_row "$TMP/m2.txt" PR.DS-11 PR.IP-4
check_row "$TMP/m2.txt" DE.CM-09 PR.DS-6 DE.CM-7
check_row "$TMP/m2.txt" PR.PS-04 PR.PT-1
run 1 "$DBWARD" scan --snapshot "$EX" --format matrix --framework csf2
CHECKS=$((CHECKS + 1)); cmp -s "$TMP/out" "$TMP/m2.txt" || { echo "FAIL: --framework csf2 is not the default"; FAILS=$((FAILS + 1)); }

# CSF 1.1: the catalog's own ids, each row its findings.
run 1 "$DBWARD" scan --snapshot "$EX" --format matrix --framework csf1
cp "$TMP/out" "$TMP/m1.txt"
has "$TMP/m1.txt" "NIST CSF 1.1 subcategories"
lacks "$TMP/m1.txt" "PR.AA-"
check_row "$TMP/m1.txt" PR.AC-5 PR.AC-5
check_row "$TMP/m1.txt" PR.DS-1 PR.DS-1
check_row "$TMP/m1.txt" ID.AM-1 ID.AM-1
# The company statements do not depend on the framework.
CHECKS=$((CHECKS + 1))
[ "$(sed -n '/Company control statements/,$p' "$TMP/m1.txt")" = "$(sed -n '/Company control statements/,$p' "$TMP/m2.txt")" ] ||
  { echo "FAIL: statements differ between csf1 and csf2"; FAILS=$((FAILS + 1)); }

# Markdown, as a second output, and the spelling is case-insensitive.
run 1 "$DBWARD" scan --snapshot "$EX" --framework CSF1 -o matrix-md:"$TMP/m1.md" -f json
has "$TMP/m1.md" "## NIST CSF 1.1 subcategories"
has "$TMP/m1.md" "| PR.DS-1 |"

# Refusals: an unknown framework, and --framework where no matrix is written.
for bad in csf3 nist 2.0 ""; do
  run 2 "$DBWARD" scan --snapshot "$EX" --format matrix --framework "$bad"
  has "$TMP/err" "--framework must be csf1 (NIST CSF 1.1) or csf2 (NIST CSF 2.0), not \"$bad\""
done
run 2 "$DBWARD" scan --snapshot "$EX" --framework csf1
has "$TMP/err" "--framework chooses the NIST CSF version of the compliance matrix"
run 2 "$DBWARD" controls --framework csf1
has "$TMP/err" "option --framework does not apply to \"controls\""

# Every finding carries both versions; the JSON report is schema 2.
CHECKS=$((CHECKS + 1))
jq -e '.schema_version == 2 and ([.findings[] | select((.nist_csf | length) > 0 and (.nist_csf2 | length) > 0)] | length) == (.findings | length)' \
  "$TMP/r.json" >/dev/null || { echo "FAIL: a finding without nist_csf or nist_csf2"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1))
[ "$(jq -c '[.findings[] | select(.control_id == "ACC-06") | .nist_csf2] | unique' "$TMP/r.json")" = '[["PR.DS-01","DE.CM-09","PR.PS-04"]]' ] ||
  { echo "FAIL: ACC-06 nist_csf2"; FAILS=$((FAILS + 1)); }
# Text, CSV and SARIF show 2.0 beside 1.1.
run 1 "$DBWARD" scan --snapshot "$EX" --controls DMS-09
has "$TMP/out" "[CSF 1.1: PR.IP-12 ID.RA-1; 2.0: ID.RA-01 PR.PS-02]"
run 1 "$DBWARD" scan --snapshot "$EX" --controls DDB-07 -f csv
has "$TMP/out" ",DE.CM-1;DE.AE-3,DE.CM-01;DE.AE-03,"
run 1 "$DBWARD" scan --snapshot "$EX" --controls DMS-03 -f sarif
CHECKS=$((CHECKS + 1))
[ "$(jq -c '.runs[0].tool.driver.rules[0].properties | [.nist_csf, .nist_csf2]' "$TMP/out")" = '[["PR.AC-5","PR.PT-4"],["PR.IR-01"]]' ] ||
  { echo "FAIL: SARIF nist_csf2"; FAILS=$((FAILS + 1)); }

# explain and controls: both versions, and the sources by title, never "seed".
run 0 "$DBWARD" explain DMS-07 --config /dev/null
has "$TMP/out" "NIST CSF 1.1: DE.CM-1, DE.CM-7, PR.PT-1"
has "$TMP/out" "NIST CSF 2.0: DE.CM-01, DE.CM-03, DE.CM-06, DE.CM-09, PR.PS-04"
has "$TMP/out" "sources: AWS DMS (Database Migration Service) - Security Playbook"
lacks "$TMP/out" "seed"
run 0 "$DBWARD" explain DDB-12 --config /dev/null
has "$TMP/out" "sources: beyond the sources: checked by Prowler, Security Hub and AWS Config"
run 0 "$DBWARD" controls --format json --config /dev/null
CHECKS=$((CHECKS + 1))
jq -e 'all(.[]; (.sources | length) > 0 and (.nist_csf2 | length) > 0 and (has("seed") | not))' "$TMP/out" >/dev/null ||
  { echo "FAIL: controls --format json: sources and nist_csf2 on every control"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1))
[ "$(jq -c '.[] | select(.id == "DMS-02") | [.sources[].id]' "$TMP/out")" = '["002","000","001"]' ] ||
  { echo "FAIL: DMS-02 sources"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1))
[ "$(jq -r '.[] | select(.id == "DMS-04") | .sources[1].title' "$TMP/out")" = "AWS DMS User Guide: Security in AWS Database Migration Service" ] ||
  { echo "FAIL: DMS-04 source title"; FAILS=$((FAILS + 1)); }

# A custom control: its 2.0 ids come from the table, or from nist_csf2.
cat > "$TMP/dbward.yaml" <<'EOF'
custom_controls:
  - id: CUS-01
    title: Tables have a stream
    severity: low
    nist_csf: [DE.CM-1, PR.PT-1]
    call: dynamodb describe-table
    id_expression: Table.TableArn
    condition: Table.StreamSpecification.StreamEnabled == `true`
  - id: CUS-02
    title: Tables have a name
    severity: low
    nist_csf: [PR.IP-3]
    nist_csf2: [PR.PS-01]
    call: dynamodb describe-table
    id_expression: Table.TableArn
    condition: Table.TableName != null
  - id: CUS-03
    title: Tables have an ARN
    severity: low
    nist_csf: [PR.IP-3]
    call: dynamodb describe-table
    id_expression: Table.TableArn
    condition: Table.TableArn != null
EOF
run 0 "$DBWARD" explain CUS-01 --config "$TMP/dbward.yaml"
has "$TMP/out" "NIST CSF 2.0: DE.CM-01, PR.PS-04"
has "$TMP/out" "sources: dbward.yaml"
run 0 "$DBWARD" explain CUS-02 --config "$TMP/dbward.yaml"
has "$TMP/out" "NIST CSF 2.0: PR.PS-01"
run 0 "$DBWARD" explain CUS-03 --config "$TMP/dbward.yaml"
has "$TMP/out" "NIST CSF 2.0: (PR.IP-3 has no CSF 2.0 mapping in dbward; give nist_csf2 in dbward.yaml)"
run 2 "$DBWARD" explain CUS-01 --config <(sed 's/nist_csf2: \[PR.PS-01\]/nist_csf2: [A, B, C, D, E, F, G]/' "$TMP/dbward.yaml")
has "$TMP/err" "at most 5 NIST CSF 2.0 subcategories"
finish
