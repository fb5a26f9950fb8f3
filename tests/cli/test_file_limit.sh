#!/usr/bin/env bash
# The snapshot file size limit (512 MiB), at the limit and one byte past it,
# with sparse files: a file of exactly 512 MiB is read (and then refused for
# what it holds, with its position); one byte more is refused for its size,
# before it is read. Either way the controls that read the file are ERROR
# with the file named, and every other control's findings are as before.
. "$(dirname "$0")/lib.sh"
cp -r "$SRC/examples/account" "$TMP/snap"
f="$TMP/snap/us-east-1/dynamodb/describe-table/orders.json"
"$DBWARD" scan --snapshot "$TMP/snap" -f json -o "$TMP/base.json" 2>/dev/null
reason() { jq -r '[.findings[] | select(.control_id == "DDB-02" and (.resource_id | endswith("table/orders"))) | .status + " " + .reason][0]' "$1"; }
# Controls that do not read describe-table must not change at all.
readers=$("$DBWARD" controls --format json --config /dev/null | jq -c '[.[] | select(.calls | map(startswith("dynamodb describe-table")) | any) | .id]')
others() { jq -c --argjson r "$readers" '[.findings[] | select(.control_id as $c | $r | index($c) | not) | [.control_id, .resource_id, .status, .reason]] | sort' "$1"; }
rm "$f" && truncate -s $((512 * 1024 * 1024)) "$f"
run 1 "$DBWARD" scan --snapshot "$TMP/snap" -f json -o "$TMP/at.json"
CHECKS=$((CHECKS + 1))
r=$(reason "$TMP/at.json")
case "$r" in "ERROR "*orders.json:1:*) ;; *) echo "FAIL: at the limit, want a parse ERROR with the position, got: $r"; FAILS=$((FAILS + 1));; esac
CHECKS=$((CHECKS + 1)); [ "$(others "$TMP/at.json")" = "$(others "$TMP/base.json")" ] || { echo "FAIL: other findings changed"; FAILS=$((FAILS + 1)); }
rm "$f" && truncate -s $((512 * 1024 * 1024 + 1)) "$f"
run 1 "$DBWARD" scan --snapshot "$TMP/snap" -f json -o "$TMP/past.json"
CHECKS=$((CHECKS + 1))
r=$(reason "$TMP/past.json")
case "$r" in "ERROR "*"orders.json"*"larger than 536870912 bytes"*) ;; *) echo "FAIL: past the limit, want the size error, got: $r"; FAILS=$((FAILS + 1));; esac
CHECKS=$((CHECKS + 1)); [ "$(others "$TMP/past.json")" = "$(others "$TMP/base.json")" ] || { echo "FAIL: other findings changed"; FAILS=$((FAILS + 1)); }
finish
