#!/usr/bin/env bash
# Reports record how they were made, and diff compares like with like
# (issue 20 item 3): the run record (controls evaluated, selection,
# parameters, config hash against sha256sum), a control not run in NEW is
# "not evaluated in NEW" and never fixed, so is a region NEW did not scan;
# reports of different accounts are refused unless --cross-account; diff
# --db with two accounts in one history compares each with itself.
. "$(dirname "$0")/lib.sh"
EX=$SRC/examples/account
CFG=$SRC/examples/dbward.yaml
cd "$TMP" || exit 2
py() { /usr/bin/python3 -c "$@"; }

# ---- The run record.
"$DBWARD" scan --snapshot "$EX" --config "$CFG" -c 'DMS-*,DDB-0?' --severity high,critical \
  --param unused_days=12 -o all.json 2>/dev/null
want_sha=$(sha256sum "$CFG" | cut -d' ' -f1)
py '
import json, sys
r = json.load(open("all.json"))["run"]
want = {"DMS-01", "DMS-02", "DMS-04", "DMS-05", "DMS-12", "DDB-01", "DDB-02", "DDB-03"}
errs = []
if set(r["controls"]) - {"ACCOUNT"} > want or not set(r["controls"]) >= {"DMS-01", "DDB-03"}:
    errs.append("controls %s" % r["controls"])
if any(c.startswith("ACC-") for c in r["controls"]): errs.append("ACC- selected")
if r["selection"]["controls"] != ["DMS-*", "DDB-0?"]: errs.append("selection %s" % r["selection"])
if r["selection"]["severity"] != ["high", "critical"]: errs.append("severity %s" % r["selection"]["severity"])
if r["selection"]["exclude"] != ["DDB-11"]: errs.append("exclude %s" % r["selection"]["exclude"])
if r["params"].get("unused_days") != "12": errs.append("unused_days %s" % r["params"].get("unused_days"))
if r["params"].get("access_key_max_age_days") != "90": errs.append("default param %s" % r["params"])
if r["config"]["sha256"] != sys.argv[1]: errs.append("sha256 %s" % r["config"])
print("\n".join(errs)); sys.exit(1 if errs else 0)' "$want_sha" >"$TMP/py.out"
CHECKS=$((CHECKS + 1)); [ $? -eq 0 ] || { echo "FAIL: run record:"; cat "$TMP/py.out"; FAILS=$((FAILS + 1)); }
# Every control selected must have been evaluated: the severities of the
# catalog, listed by hand for DMS and DDB-0x: high or critical.
for id in DMS-01 DMS-02 DMS-04 DDB-01 DDB-02 DDB-03; do
  CHECKS=$((CHECKS + 1))
  py 'import json,sys; sys.exit(0 if sys.argv[1] in json.load(open("all.json"))["run"]["controls"] else 1)' $id ||
    { echo "FAIL: $id not in run.controls"; FAILS=$((FAILS + 1)); }
done

# ---- A control switched off is not "fixed".
"$DBWARD" scan --snapshot "$EX" -o old.json 2>/dev/null
"$DBWARD" scan --snapshot "$EX" -c 'DMS-02,DMS-03,DMS-04,DMS-05,DMS-06,DMS-07,DMS-08,DMS-09,DMS-1*,DDB-*,ACC-*' \
  -o new.json 2>/dev/null
run 0 "$DBWARD" diff old.json new.json
has "$TMP/out" "Fixed: 0"
has "$TMP/out" "New failures: 0"
has "$TMP/out" "Not evaluated in NEW (a failure of OLD whose control, account or region NEW did not evaluate; not counted as fixed): 1"
has "$TMP/out" "  NOT-RUN   DMS-01  us-east-1  arn:aws:dms:us-east-1:123456789012:rep:LEGACYREPORTING4Q9ZT  FAIL -> (not evaluated)"
lacks "$TMP/out" "FIXED"
run 0 "$DBWARD" diff old.json new.json -f json
py 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if len(d["not_evaluated_in_new"])==1 and not d["fixed"] else 1)' "$TMP/out" ||
  { echo "FAIL: diff -f json: not_evaluated_in_new"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1))
# The other way round: a control NEW runs and OLD did not is not a new failure.
run 0 "$DBWARD" diff new.json old.json
has "$TMP/out" "New failures: 0"
has "$TMP/out" "Evaluated in NEW only (failures of a control, account or region OLD did not evaluate; not counted as new): 1"

# ---- A diff is a report too: dbward report renders it (NEW's side of each
# entry that has one); the count is checked against the class arrays.
"$DBWARD" diff old.json new.json -f json >d.json 2>/dev/null
want=$(jq '[.new_failures, .fixed, .changed, .still_failing, .evaluated_in_new_only | .[] | select(.new != null)] | length' d.json)
CHECKS=$((CHECKS + 1))
[ "$(jq '.findings | length' d.json)" -eq "$want" ] && [ "$want" -gt 0 ] ||
  { echo "FAIL: the diff's findings are not NEW's side of its entries ($want)"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1))
[ "$(jq '[.findings[] | select(.diff == "still_failing")] | length' d.json)" -eq "$(jq '.still_failing | length' d.json)" ] ||
  { echo "FAIL: each finding of the diff names its class"; FAILS=$((FAILS + 1)); }
run 1 "$DBWARD" report d.json -o html:d.html -o text:d.txt
has d.html '<!DOCTYPE html>'
has d.txt "source diff old.json -> new.json"
has d.txt "Summary  $want findings"
lacks d.txt "PASS and NOT_APPLICABLE"

# ---- A region NEW did not scan.
"$DBWARD" scan --snapshot "$EX" -r us-east-1 -o us.json 2>/dev/null
run 0 "$DBWARD" diff old.json us.json
has "$TMP/out" "Fixed: 0"
lacks "$TMP/out" "FIXED"
has "$TMP/out" "NOT-RUN   DMS-03  eu-west-1"

# ---- Different accounts.
mksnap a; mksnap b
sed -i 's/123456789012/111111111111/g' a/manifest.json
sed -i 's/123456789012/222222222222/g' b/manifest.json
"$DBWARD" scan --snapshot a -o a.json 2>/dev/null
"$DBWARD" scan --snapshot b -o b.json 2>/dev/null
run 2 "$DBWARD" diff a.json b.json
has "$TMP/err" "a.json covers account 111111111111 and b.json covers account 222222222222: diff compares an account with itself (--cross-account compares them anyway)"
run 0 "$DBWARD" diff a.json b.json --cross-account
has "$TMP/out" "New failures: 0"
has "$TMP/out" "Fixed: 0"

# ---- diff --db with two accounts in one history: each with itself.
"$DBWARD" scan --snapshot a --db h.db -o /dev/null 2>/dev/null   # run 1: 1111 clean
"$DBWARD" scan --snapshot b --db h.db -o /dev/null 2>/dev/null   # run 2: 2222 clean
"$DBWARD" scan --snapshot a --db h.db -o /dev/null 2>/dev/null   # run 3: 1111 clean
sed -i 's/"DeletionProtectionEnabled":true/"DeletionProtectionEnabled":false/' b/us-east-1/dynamodb/describe-table/t.json
"$DBWARD" scan --snapshot b --db h.db -o /dev/null 2>/dev/null   # run 4: 2222, DDB-12 fails
run 1 "$DBWARD" diff --db h.db
has "$TMP/out" "dbward diff run 1 -> run 3"
has "$TMP/out" "dbward diff run 2 -> run 4"
has "$TMP/out" "  NEW       DDB-12  us-east-1  arn:aws:dynamodb:us-east-1:123456789012:table/t  PASS -> FAIL"
CHECKS=$((CHECKS + 1))
[ "$(grep -c '^New failures: ' "$TMP/out")" -eq 2 ] || { echo "FAIL: two comparisons expected"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1))
[ "$(grep -c '^New failures: 1$' "$TMP/out")" -eq 1 ] || { echo "FAIL: one new failure expected"; FAILS=$((FAILS + 1)); }
run 2 "$DBWARD" diff --db h.db latest~1 latest
has "$TMP/err" "run 3 covers account 111111111111 and run 4 covers account 222222222222"
# One account with one run only: said, and nothing to compare.
"$DBWARD" scan --snapshot a --db one.db -o /dev/null 2>/dev/null
run 2 "$DBWARD" diff --db one.db
has "$TMP/err" "account 111111111111 has one run in one.db, nothing to compare"
finish
