#!/usr/bin/env bash
# dbward query: results, error kinds with the position, bad JSON input, and
# the output cap on results that would print exponentially.
. "$(dirname "$0")/lib.sh"
echo '{"Table": {"SSEDescription": {"Status": "ENABLED"}, "ItemCount": 3}}' >"$TMP/t.json"
run 0 "$DBWARD" query 'Table.SSEDescription.Status' <"$TMP/t.json"
has "$TMP/out" '"ENABLED"'
run 1 "$DBWARD" query 'Table.[' <"$TMP/t.json"
has "$TMP/err" "syntax error at column 8: unexpected end of expression"
run 1 "$DBWARD" query 'length(Table.ItemCount)' <"$TMP/t.json"
has "$TMP/err" "invalid-type"
run 1 "$DBWARD" query 'nope(@)' <"$TMP/t.json"
has "$TMP/err" "unknown-function"
run 2 "$DBWARD" query '@' <<<'{"a": }'
has "$TMP/err" "stdin:1:7:"
E='[@,@]'; for _ in $(seq 39); do E="$E | [@,@]"; done
run 1 "$DBWARD" query "$E" <<<'"x"'
has "$TMP/err" "limit error: the result is larger than"
run 2 "$DBWARD" query
finish
