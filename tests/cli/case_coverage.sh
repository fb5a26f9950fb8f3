#!/usr/bin/env bash
# Fails unless the control cases cover the catalog clause by clause:
#  - every control in the catalog has pass, fail and error cases;
#  - every clause of tests/data/controls/clauses.txt has a fail-<clause>
#    case (fail-<clause>-<variant> also counts), and every fail-* case of a
#    control that has clauses names one of them;
#  - every regional control (all but the IAM ones and, until the policy
#    rewrite, ACC-05) has a two-regions case.
set -euo pipefail
dbward=$1 dir=$2
table=$dir/clauses.txt
global="DDB-01 ACC-02 ACC-03 ACC-04 ACC-05 ACC-10 ACC-11"
missing=0
# ACCOUNT stands for an account the audit could not enter: it has no
# evaluator and no snapshot cases (cli/test_accounts covers it).
ids=$("$dbward" controls --format json | grep -o '"id": "[A-Z0-9-]*"' | cut -d'"' -f4 | grep -vx ACCOUNT)
n_ids=$(printf '%s\n' $ids | wc -l)
for id in $ids; do
  for kind in pass fail error; do
    if [ ! -f "$dir/$id/$kind/expected" ]; then
      echo "missing case: $id/$kind"
      missing=1
    fi
  done
  case " $global " in
    *" $id "*) ;;
    *) [ -f "$dir/$id/two-regions/expected" ] || { echo "missing case: $id/two-regions"; missing=1; } ;;
  esac
done
n_clauses=0
while read -r id clause rest; do
  case "$id" in ''|'#'*) continue ;; esac
  if [ -n "${rest:-}" ] || [ -z "${clause:-}" ]; then
    echo "$table: malformed line: $id $clause ${rest:-}"
    missing=1
    continue
  fi
  n_clauses=$((n_clauses + 1))
  found=0
  for d in "$dir/$id/fail-$clause" "$dir/$id"/fail-"$clause"-*; do
    [ -f "$d/expected" ] && found=1
  done
  [ $found = 1 ] || { echo "clause without a failing case: $id $clause (want $id/fail-$clause)"; missing=1; }
done < "$table"
for d in "$dir"/*/fail-*/; do
  d=${d%/}
  id=$(basename "$(dirname "$d")") name=$(basename "$d")
  grep -q "^$id " "$table" || continue # no clauses listed yet (DDB-01, ACC-05)
  ok=0
  while read -r cid clause; do
    [ "$cid" = "$id" ] || continue
    case "$name" in "fail-$clause" | "fail-$clause"-*) ok=1 ;; esac
  done < <(grep "^$id " "$table")
  [ $ok = 1 ] || { echo "case $id/$name names no clause of $id in clauses.txt"; missing=1; }
done
n=$(ls -d "$dir"/*/ | wc -l)
[ "$n" -eq "$n_ids" ] || { echo "expected $n_ids control folders (one per evaluated control), found $n"; missing=1; }
[ $missing = 1 ] || echo "ok: $n controls, $n_clauses clauses, each with a failing case"
exit $missing
