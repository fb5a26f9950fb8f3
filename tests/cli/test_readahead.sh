#!/usr/bin/env bash
# The snapshot's read-ahead thread (src/snapshot/readahead.c) changes no
# answer: a generated account of 300 tables, 40 keys and 12 DMS instances
# (with their endpoints and tasks), with files broken in the ways a
# snapshot can be (not JSON, not an object, missing, an error twin, both
# twins, a link, a folder), gives the same findings and summary with the
# read-ahead as with --concurrency 1, which reads on one thread (the oracle).
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 2
S=$TMP/s
/usr/bin/python3 "$SRC/bench/gen-account.py" "$S" --regions 1 --dms 12 --tables 300 --keys 40 --users 3 >/dev/null
R=$S/us-east-1/dynamodb
n=0
for f in "$R"/describe-table/*.json; do
  n=$((n + 1))
  b=$(basename "$f" .json)
  case $((n % 12)) in
    1) printf '{"Table": {"TableName": "x",}}' >"$f" ;;
    2) printf '[]' >"$f" ;;
    3) rm -f "$R/describe-continuous-backups/$b.json" ;;
    4) printf '{"code": "AccessDeniedException", "message": "no"}' >"$R/describe-time-to-live/$b.error.json"
       rm -f "$R/describe-time-to-live/$b.json" ;;
    5) printf '{"code": "ThrottlingException"}' >"$R/list-tags-of-resource/$b.error.json" ;;
    6) rm -f "$R/list-tags-of-resource/$b.json" && ln -s "$S/manifest.json" "$R/list-tags-of-resource/$b.json" ;;
    7) rm -f "$R/describe-time-to-live/$b.json" && mkdir "$R/describe-time-to-live/$b.json" ;;
  esac
done
# The per-key loops of DMS-06 (tags of every DMS resource) and ACC-01 (each
# key's description and rotation) read ahead too.
n=0
for f in "$S"/us-east-1/dms/list-tags-for-resource/*.json "$S"/us-east-1/kms/describe-key/*.json \
  "$S"/us-east-1/kms/get-key-rotation-status/*.json; do
  n=$((n + 1))
  case $((n % 9)) in
    1) printf '{"TagList": [' >"$f" ;;
    2) rm -f "$f" ;;
    3) printf '{"code": "AccessDeniedException"}' >"${f%.json}.error.json" ;;
  esac
done
run 1 "$DBWARD" scan --snapshot "$S" --format json --output two.json
run 1 "$DBWARD" scan --snapshot "$S" --concurrency 1 --format json --output one.json
CHECKS=$((CHECKS + 1))
if ! /usr/bin/python3 - two.json one.json <<'PY'; then
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert len(a["findings"]) > 2500, len(a["findings"])
for k in ("findings", "summary"):
    if a[k] != b[k]:
        sys.exit("the %s differ with and without the read-ahead" % k)
errors = sum(1 for f in a["findings"] if f["status"] == "ERROR")
assert errors >= 150, errors  # the broken files are seen
PY
  echo "FAIL: read-ahead and one-thread reports differ"
  FAILS=$((FAILS + 1))
fi
finish
