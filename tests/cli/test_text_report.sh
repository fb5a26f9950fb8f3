#!/usr/bin/env bash
# The text report reads top-down (issue 20 item 5): failures first by
# severity (critical first, whatever the catalog order), then errors, then
# one line of passes and not-applicables per control, then the summary;
# --status lists only some statuses, --quiet the summary alone; colour by
# --color, --no-color, NO_COLOR and FORCE_COLOR. Expected texts by hand.
. "$(dirname "$0")/lib.sh"
EX=$SRC/examples/account
cd "$TMP" || exit 2
S=$TMP/s
mkdir -p "$S/us-east-1/dynamodb/describe-table" "$S/us-east-1/dax"
printf '{"account_id":"123456789012","partition":"aws","regions":["us-east-1"],"taken_at":"2026-01-10T00:00:00Z"}\n' >"$S/manifest.json"
printf '{"TableNames":["t","u"]}\n' >"$S/us-east-1/dynamodb/list-tables.json"
printf '{"Table":{"TableName":"t","TableArn":"arn:aws:dynamodb:us-east-1:123456789012:table/t","DeletionProtectionEnabled":true}}\n' \
  >"$S/us-east-1/dynamodb/describe-table/t.json"
printf '{"Table":{"TableName":"u","TableArn":"arn:aws:dynamodb:us-east-1:123456789012:table/u","DeletionProtectionEnabled":false}}\n' \
  >"$S/us-east-1/dynamodb/describe-table/u.json"
printf '{"Clusters":[{"ClusterName":"c1","ClusterArn":"arn:aws:dax:us-east-1:123456789012:cache/c1"}]}\n' \
  >"$S/us-east-1/dax/describe-clusters.json"
# DDB-03 (DAX in use) lowered to low: DDB-12 (medium) must now come first.
printf 'controls:\n  severity: {DDB-03: low}\n' >low.yaml
V=$("$DBWARD" --version | head -1 | cut -d' ' -f2)

cat >want.txt <<EOT
dbward $V  account 123456789012 (aws)  regions us-east-1
source $S, taken at 2026-01-10T00:00:00Z

FAIL: 2 findings failed (critical 0, high 0, medium 1, low 1)

DDB-12  medium  DynamoDB tables have deletion protection  [CSF 1.1: PR.IP-4; 2.0: PR.DS-11]
  FAIL           us-east-1      arn:aws:dynamodb:us-east-1:123456789012:table/u
      DeletionProtectionEnabled is false
      fix (in-place):
        \$ aws dynamodb update-table --region us-east-1 --table-name u --deletion-protection-enabled

DDB-03  low  DAX is not used  [CSF 1.1: PR.DS-1; 2.0: PR.DS-01]
  FAIL           us-east-1      123456789012/us-east-1
      1 DAX cluster(s) exist although DAX is not approved: c1
      fix (manual):
        \$ aws dax delete-cluster --region us-east-1 --cluster-name c1
      note: Move the applications to DynamoDB directly (or get DAX approved) before deleting: deletion drops the cache at once.

ERROR: 2 findings could not be evaluated (critical 0, high 0, medium 2, low 0)

DDB-09  medium  DynamoDB tables have point-in-time recovery  [CSF 1.1: PR.IP-4; 2.0: PR.DS-11]
  ERROR          us-east-1      arn:aws:dynamodb:us-east-1:123456789012:table/t
      dynamodb describe-continuous-backups for t in us-east-1 was not recorded (us-east-1/dynamodb/describe-continuous-backups/t.json is missing)
  ERROR          us-east-1      arn:aws:dynamodb:us-east-1:123456789012:table/u
      dynamodb describe-continuous-backups for u in us-east-1 was not recorded (us-east-1/dynamodb/describe-continuous-backups/u.json is missing)

PASS and NOT_APPLICABLE, per control:
  DDB-12      1 PASS    0 NOT_APPLICABLE  DynamoDB tables have deletion protection

Summary  5 findings: PASS 1 FAIL 2 ERROR 2 NOT_APPLICABLE 0 MUTED 0
  critical  PASS 0 FAIL 0 ERROR 0 NOT_APPLICABLE 0 MUTED 0
  high      PASS 0 FAIL 0 ERROR 0 NOT_APPLICABLE 0 MUTED 0
  medium    PASS 1 FAIL 1 ERROR 2 NOT_APPLICABLE 0 MUTED 0
  low       PASS 0 FAIL 1 ERROR 0 NOT_APPLICABLE 0 MUTED 0
EOT
run 1 "$DBWARD" scan --snapshot "$S" -c DDB-03,DDB-09,DDB-12 --config low.yaml
CHECKS=$((CHECKS + 1))
diff want.txt "$TMP/out" >d.txt || { echo "FAIL: text report differs from the hand-written one:"; head -20 d.txt; FAILS=$((FAILS + 1)); }

# --quiet: the header and the summary.
run 1 "$DBWARD" scan --snapshot "$S" -c DDB-03,DDB-09,DDB-12 --config low.yaml --quiet
{ head -2 want.txt; echo; tail -5 want.txt; } >want-q.txt
CHECKS=$((CHECKS + 1))
diff want-q.txt "$TMP/out" >d.txt || { echo "FAIL: --quiet differs:"; head -10 d.txt; FAILS=$((FAILS + 1)); }

# --status FAIL: the failures and the summary, no errors, no pass counts.
run 1 "$DBWARD" scan --snapshot "$S" -c DDB-03,DDB-09,DDB-12 --config low.yaml --status FAIL
{ sed -n '1,/^ERROR: /p' want.txt | sed '$d'; tail -5 want.txt; } >want-f.txt
CHECKS=$((CHECKS + 1))
diff want-f.txt "$TMP/out" >d.txt || { echo "FAIL: --status FAIL differs:"; head -10 d.txt; FAILS=$((FAILS + 1)); }
# --status PASS lists the passes themselves.
run 1 "$DBWARD" scan --snapshot "$S" -c DDB-03,DDB-09,DDB-12 --config low.yaml --status pass
has "$TMP/out" "PASS: 1 findings passed (critical 0, high 0, medium 1, low 0)"
has "$TMP/out" "  PASS           us-east-1      arn:aws:dynamodb:us-east-1:123456789012:table/t"
lacks "$TMP/out" "FAIL: "

# The demo account: the one critical failure is the first finding.
"$DBWARD" scan --snapshot "$EX" -o "$TMP/r.json" 2>/dev/null
run 1 "$DBWARD" scan --snapshot "$EX"
CHECKS=$((CHECKS + 1))
nfail=$(jq '[.findings[] | select(.status == "FAIL")] | length' "$TMP/r.json")
line4=$(sed -n 4p "$TMP/out")
[[ "$line4" == "FAIL: $nfail findings failed (critical 1, "* ]] &&
  [ "$(sed -n 6p "$TMP/out")" = "DDB-03  critical  DAX is not used  [CSF 1.1: PR.DS-1; 2.0: PR.DS-01]" ] ||
  { echo "FAIL: the demo's critical failure is not first:"; sed -n 1,7p "$TMP/out"; FAILS=$((FAILS + 1)); }
lacks "$TMP/out" "  PASS  "

# ---- Colour: never in a file or a pipe by default; --color=always,
# FORCE_COLOR force it; --no-color, --color=never and NO_COLOR refuse it.
esc=$'\033['
color_run() { # WANT(yes|no) ARGS...: stdout has an escape or not
  local want=$1; shift
  CHECKS=$((CHECKS + 1))
  env "$@" >"$TMP/c.out" 2>/dev/null
  if grep -qF "$esc" "$TMP/c.out"; then got=yes; else got=no; fi
  [ "$got" = "$want" ] || { echo "FAIL: colour $want expected for: $*"; FAILS=$((FAILS + 1)); }
}
base=("$DBWARD" scan --snapshot "$S" -c DDB-12)
color_run no -u NO_COLOR -u FORCE_COLOR "${base[@]}"
color_run yes -u NO_COLOR -u FORCE_COLOR "${base[@]}" --color=always
color_run yes -u NO_COLOR FORCE_COLOR=1 "${base[@]}"
color_run no -u NO_COLOR FORCE_COLOR=0 "${base[@]}"
color_run no NO_COLOR=1 FORCE_COLOR=1 "${base[@]}"
color_run yes NO_COLOR=1 "${base[@]}" --color always
color_run no -u NO_COLOR FORCE_COLOR=1 "${base[@]}" --no-color
color_run no -u NO_COLOR FORCE_COLOR=1 "${base[@]}" --color=never
# A file never takes colour, even with --color=always.
"$DBWARD" scan --snapshot "$S" -c DDB-12 --color=always -o text:c.txt >/dev/null 2>&1
CHECKS=$((CHECKS + 1)); grep -qF "$esc" c.txt && { echo "FAIL: colour in a file"; FAILS=$((FAILS + 1)); }
# script(1) gives a terminal: auto colours there, NO_COLOR still wins.
if command -v script >/dev/null; then
  color_run yes -u NO_COLOR -u FORCE_COLOR script -qec "${base[*]}" /dev/null
  color_run no NO_COLOR=1 script -qec "${base[*]}" /dev/null
fi
finish
