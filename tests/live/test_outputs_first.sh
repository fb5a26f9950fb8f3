#!/usr/bin/env bash
# A live scan opens every output before its first call (issue 20 item 1):
# an impossible output (a folder that does not exist, a symbolic link)
# exits 2 with the mock having received no request at all, and the good
# output beside it is not written. With good outputs the same scan calls.
. "$(dirname "$0")/lib.sh"
clean_env
long_term
mock_start --snapshot "$SRC/examples/account"
requests() { mock_stats | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])'; }

"$DBWARD" scan --endpoint-url "$URL" -o "json:$TMP/ok.json" -o "html:$TMP/nowhere/r.html" >"$TMP/out" 2>"$TMP/err"
rc=$?
check "exit 2 on an output in a missing folder, got $rc" [ "$rc" -eq 2 ]
check "the error names the output: $(cat "$TMP/err")" grep -qF "$TMP/nowhere/r.html: cannot open its folder" "$TMP/err"
check "no request reached the mock before the refusal (got $(requests))" [ "$(requests)" -eq 0 ]
check "the good output was not written" [ ! -e "$TMP/ok.json" ]

ln -s "$TMP/elsewhere" "$TMP/link.json"
"$DBWARD" scan --endpoint-url "$URL" --progress -o "json:$TMP/link.json" >"$TMP/out" 2>"$TMP/err"
rc=$?
check "exit 2 on an output that is a symbolic link, got $rc" [ "$rc" -eq 2 ]
check "still no request (got $(requests))" [ "$(requests)" -eq 0 ]

"$DBWARD" scan --endpoint-url "$URL" --progress -o "json:$TMP/ok.json" -o "text:$TMP/ok.txt" >"$TMP/out" 2>"$TMP/err"
rc=$?
check "a good live scan exits 1 (failures), got $rc: $(head -3 "$TMP/err")" [ "$rc" -eq 1 ]
check "then the mock is called" [ "$(requests)" -gt 0 ]
check "both outputs written" [ -s "$TMP/ok.json" ] && [ -s "$TMP/ok.txt" ]
# --progress: plain lines (no carriage return, no escape), the last one final.
check "--progress writes a plain line on stderr" grep -qE '^dbward: progress: [0-9]+ regions, [0-9]+ calls done, .* \(done\)$' "$TMP/err"
check "--progress lines carry no carriage return or escape" bash -c "! grep -q \$'[\\r\\033]' '$TMP/err'"
finish
