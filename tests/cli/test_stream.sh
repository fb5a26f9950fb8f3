#!/usr/bin/env bash
# Streamed reports: the scan hands each account's findings to the writers
# as they are made and keeps none. JSON and CSV are written batch by batch;
# every other format is written at the end from a spool of the findings in
# temporary files, read back one at a time. The oracle is the whole-run
# writer (DBWARD_NO_STREAM=1 keeps every finding in memory and writes at the
# end): both must give the same bytes in every format (the ASFF parts too),
# the same exit code and warnings, for one account, a tree of accounts, no
# findings at all, and a config whose expired suppression matches in every
# account (said once, not per account).
. "$(dirname "$0")/lib.sh"
outs() { # prefix: one output of each format
  local p=$1
  echo -o "$p.json" -o "$p.csv" -o "$p.sarif" -o "$p.html" -o "$p.xml" -o "$p.jsonl" -o "asff:$p.asff.json" \
    -o "matrix-md:$p.md" -o "matrix:$p.mtx" -o "text:$p.txt"
}
same() { # label cmd...: the streamed and the whole-run outputs are equal
  local label=$1; shift
  rm -rf "$TMP"/s "$TMP"/w && mkdir -p "$TMP/s" "$TMP/w"
  # shellcheck disable=SC2046
  "$@" $(outs "$TMP/s/r") >"$TMP/s.out" 2>"$TMP/s.all"; local rs=$?
  grep -v 'so they are merged in memory' "$TMP/s.all" >"$TMP/s.err"
  # shellcheck disable=SC2046
  DBWARD_NO_STREAM=1 "$@" $(outs "$TMP/w/r") >"$TMP/w.out" 2>"$TMP/w.err"; local rw=$?
  "$@" --status FAIL,PASS >"$TMP/s/status.txt" 2>/dev/null
  DBWARD_NO_STREAM=1 "$@" --status FAIL,PASS >"$TMP/w/status.txt" 2>/dev/null
  CHECKS=$((CHECKS + 1))
  if [ "$rs" != "$rw" ] || ! diff -r "$TMP/s" "$TMP/w" >/dev/null || ! cmp -s "$TMP/s.err" "$TMP/w.err" ||
     [ "$(ls "$TMP/s" | wc -l)" -lt 11 ]; then
    echo "FAIL: $label: streamed and whole-run reports differ (exit $rs vs $rw)"
    diff "$TMP/s.err" "$TMP/w.err" | head -5; diff -rq "$TMP/s" "$TMP/w" | head -5
    FAILS=$((FAILS + 1))
  fi
  cp "$TMP/s/r.json" "$TMP/s.json"
  CHECKS=$((CHECKS + 1))
  [ -s "$TMP/s.json" ] && jq -e '(.findings | length) == .summary.total' "$TMP/s.json" >/dev/null ||
    { echo "FAIL: $label: the streamed JSON report does not count its findings"; FAILS=$((FAILS + 1)); }
}
same "demo with config" "$DBWARD" scan --snapshot "$SRC/examples/account" --config "$SRC/examples/dbward.yaml"
for a in 111111111111 222222222222 333333333333; do
  /usr/bin/python3 "$SRC/bench/gen-account.py" "$TMP/tree/$a" --account "$a" --regions 2 --dms 2 --tables 3 --keys 1 --users 2 >/dev/null
done
same "tree of three accounts" "$DBWARD" scan --snapshot "$TMP/tree"
CHECKS=$((CHECKS + 1))
[ -s "$TMP/s/r.asff-2.json" ] || { echo "FAIL: the tree should need a second ASFF batch"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1))
[ "$(jq -r '[.findings[].account_id] | unique | join(",")' "$TMP/s.json")" = "111111111111,222222222222,333333333333" ] ||
  { echo "FAIL: the tree's report lacks an account"; FAILS=$((FAILS + 1)); }
mkdir -p "$TMP/empty"
printf '{"account_id":"123456789012","partition":"aws","regions":["us-east-1"],"taken_at":"2026-01-10T00:00:00Z"}\n' >"$TMP/empty/manifest.json"
mkdir -p "$TMP/empty/us-east-1/dynamodb" && echo '{"TableNames": []}' >"$TMP/empty/us-east-1/dynamodb/list-tables.json"
same "no findings" "$DBWARD" scan --snapshot "$TMP/empty" --controls DDB-02
CHECKS=$((CHECKS + 1))
[ "$(jq -c '.findings' "$TMP/s.json")" = "[]" ] || { echo "FAIL: expected no findings"; FAILS=$((FAILS + 1)); }
cat >"$TMP/expired.yaml" <<'YAML'
suppressions:
  - control: "DDB-*"
    resource: "*"
    reason: "waived until the migration"
    expires: 2020-01-01
YAML
same "expired suppression over accounts" "$DBWARD" scan --snapshot "$TMP/tree" --config "$TMP/expired.yaml"
CHECKS=$((CHECKS + 1))
[ "$(grep -c 'expired on 2020-01-01' "$TMP/s.err")" = 1 ] ||
  { echo "FAIL: the expired suppression should be said once"; sed 's/^/  /' "$TMP/s.err" | head -5; FAILS=$((FAILS + 1)); }
# report and merge stream too: each report is read twice, its metadata
# first, then its findings into the spool; reports of disjoint accounts
# merge without being held. Reports that share an account, or hold a key
# twice, are merged in memory (said on stderr), as a merge must pick the
# newer of two findings.
for a in 111111111111 222222222222 333333333333; do
  "$DBWARD" scan --snapshot "$TMP/tree/$a" -o "$TMP/r-$a.json" 2>/dev/null
done
"$DBWARD" scan --snapshot "$TMP/tree" -o "$TMP/tree.json" 2>/dev/null
streams() { # label: the last run streamed (no note of a merge in memory)
  CHECKS=$((CHECKS + 1))
  if grep -q 'merged in memory' "$TMP/s.all"; then echo "FAIL: $1 should stream"; FAILS=$((FAILS + 1)); fi
}
in_memory() {
  CHECKS=$((CHECKS + 1))
  grep -q 'merged in memory' "$TMP/s.all" || { echo "FAIL: $1 should be merged in memory"; FAILS=$((FAILS + 1)); }
}
same "report of one report" "$DBWARD" report "$TMP/tree.json"
streams "report of one report"
same "merge of three accounts" "$DBWARD" merge "$TMP/r-111111111111.json" "$TMP/r-222222222222.json" "$TMP/r-333333333333.json"
streams "merge of three accounts"
CHECKS=$((CHECKS + 1))
[ "$(jq -c '[.findings[] | [.account_id, .region, .control_id, .resource_id, .status]] | sort' "$TMP/s.json")" = \
  "$(jq -c '[.findings[] | [.account_id, .region, .control_id, .resource_id, .status]] | sort' "$TMP/tree.json")" ] ||
  { echo "FAIL: the streamed merge differs from one scan of the tree"; FAILS=$((FAILS + 1)); }
same "report of three accounts" "$DBWARD" report "$TMP/r-333333333333.json" "$TMP/r-111111111111.json" "$TMP/r-222222222222.json"
streams "report of three accounts"
same "merge of one report" "$DBWARD" merge "$TMP/tree.json"
streams "merge of one report"
same "merge with itself" "$DBWARD" merge "$TMP/r-111111111111.json" "$TMP/r-111111111111.json"
in_memory "merge with itself"
# A finding of another report's account (newer there, so the whole merge
# keeps the other's), and a key twice in one report.
jq --slurpfile o "$TMP/r-222222222222.json" '.findings += [$o[0].findings[0] + {"reason": "foreign"}]' \
  "$TMP/r-111111111111.json" >"$TMP/foreign.json"
jq '.taken_at = "2027-01-01T00:00:00Z"' "$TMP/r-222222222222.json" >"$TMP/newer-222.json"
same "a foreign finding" "$DBWARD" merge "$TMP/newer-222.json" "$TMP/foreign.json"
in_memory "a foreign finding"
reasons() { # reason want message: how many findings of the last merge have the reason
  CHECKS=$((CHECKS + 1))
  [ "$(jq --arg r "$1" '[.findings[] | select(.reason == $r)] | length' "$TMP/s.json")" = "$2" ] ||
    { echo "FAIL: $3"; FAILS=$((FAILS + 1)); }
}
reasons foreign 0 "the newer report's finding should win over the foreign one"
jq '.findings += [.findings[0] + {"reason": "twice"}]' "$TMP/r-111111111111.json" >"$TMP/twice.json"
same "a key twice" "$DBWARD" merge "$TMP/twice.json" "$TMP/r-222222222222.json"
in_memory "a key twice"
reasons twice 1 "the later of two findings of one key wins"
# Parts that join alike are not one key: account 1 in region x|r and
# account 1|x in region r stay two findings, streamed or whole.
hdr='{"tool":{"name":"dbward"},"schema_version":2,"taken_at":"2026-0'
printf '%s1-01T00:00:00Z","account_id":"1","findings":[{"control_id":"DDB-02","status":"FAIL","severity":"high","account_id":"1","region":"x|r","resource_id":"t"}]}' "$hdr" >"$TMP/pipe-a.json"
printf '%s2-01T00:00:00Z","account_id":"1|x","findings":[{"control_id":"DDB-02","status":"PASS","severity":"high","account_id":"1|x","region":"r","resource_id":"t"}]}' "$hdr" >"$TMP/pipe-b.json"
same "accounts and regions with a |" "$DBWARD" merge "$TMP/pipe-a.json" "$TMP/pipe-b.json"
CHECKS=$((CHECKS + 1))
[ "$(jq -c '.summary.by_status | [.FAIL, .PASS]' "$TMP/s.json")" = "[1,1]" ] ||
  { echo "FAIL: two findings whose parts join alike were merged into one"; FAILS=$((FAILS + 1)); }
# More reports than the process may open files: each report is opened
# again for its findings, so the merge holds one at a time.
mkdir -p "$TMP/many"
for i in $(seq 10 89); do
  jq --arg a "1000000000$i" '.account_id = $a | .accounts = [$a] | .findings |= map(.account_id = $a)' \
    "$TMP/r-111111111111.json" >"$TMP/many/r$i.json"
done
(ulimit -n 64; "$DBWARD" merge "$TMP"/many/r*.json -o "$TMP/many.json" >"$TMP/out" 2>"$TMP/err"); rc=$?
CHECKS=$((CHECKS + 1))
[ "$rc" = 0 ] && [ "$(jq ".accounts | length" "$TMP/many.json")" = 80 ] ||
  { echo "FAIL: 80 reports under ulimit -n 64 (the spool takes a file per control) (exit $rc): $(head -2 "$TMP/err")"; FAILS=$((FAILS + 1)); }
# A backslash as the last byte: the error is placed at the end of the file.
printf '{ \n"a":"\\' >"$TMP/backslash.json"
run 2 "$DBWARD" report "$TMP/backslash.json"
has "$TMP/err" "backslash.json:2:7: the file ends inside a value"
# A broken finding half-way through a report: refused with its place, and
# no output written.
jq '.findings[3].status = "MAYBE"' "$TMP/r-111111111111.json" >"$TMP/bad-finding.json"
run 2 "$DBWARD" merge "$TMP/r-222222222222.json" "$TMP/bad-finding.json" -o "$TMP/never.json"
has "$TMP/err" "bad-finding.json"
has "$TMP/err" "finding 3 has no control_id"
CHECKS=$((CHECKS + 1))
[ ! -e "$TMP/never.json" ] || { echo "FAIL: a failed merge left its output"; FAILS=$((FAILS + 1)); }
{ head -c 3000 "$TMP/r-111111111111.json"; printf '}}}'; } >"$TMP/cut.json"
run 2 "$DBWARD" report "$TMP/cut.json"
has "$TMP/err" "cut.json:"
# A stream that cannot be written fails the run and names the output.
run 2 "$DBWARD" scan --snapshot "$SRC/examples/account" -f json -o /dev/full
has "$TMP/err" "/dev/full"
run 2 "$DBWARD" scan --snapshot "$SRC/examples/account" -o sarif:/dev/full
has "$TMP/err" "/dev/full"
finish
