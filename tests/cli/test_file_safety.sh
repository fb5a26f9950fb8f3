#!/usr/bin/env bash
# Files dbward writes and reads, offline: every output is 0600 under any
# umask; an output path that is a planted symbolic link, a FIFO or a folder
# is refused and the link's target is untouched; a snapshot entry that is a
# link (to a secret, dangling, looping), a FIFO or a folder is refused with
# a reason naming it, and nothing of a link's target is ever printed.
. "$(dirname "$0")/lib.sh"
EX="$SRC/examples/account"
# mode FILE: its permission bits in octal, without following a link.
mode() { stat -c %a -- "$1"; }
# want_mode WANT FILE...: each file has mode WANT.
want_mode() {
  local want=$1; shift
  for f in "$@"; do
    CHECKS=$((CHECKS + 1))
    if [ "$(mode "$f")" != "$want" ]; then
      echo "FAIL: $f has mode $(mode "$f"), wanted $want"; FAILS=$((FAILS + 1))
    fi
  done
}
# no_temps DIR: no temporary file of the writer is left in DIR.
no_temps() {
  CHECKS=$((CHECKS + 1))
  if find "$1" -name '*.dbward-*' | grep -q .; then
    echo "FAIL: temporary files left in $1:"; find "$1" -name '*.dbward-*'; FAILS=$((FAILS + 1))
  fi
}

# ---- Modes: every output of a scan in every format, --output, remediate -o,
# ---- --db and the other commands' -o, under umask 022 and 000.
for um in 022 000; do
  O="$TMP/modes-$um"
  mkdir -p "$O"
  # A file that exists with a wide mode is replaced by a 0600 one.
  echo old >"$O/report.txt"; chmod 644 "$O/report.txt"
  (umask "$um"
   "$DBWARD" scan --snapshot "$EX" --output "$O/report.txt" --db "$O/history.db" \
     -o "json:$O/r.json" -o "sarif:$O/r.sarif" -o "html:$O/r.html" -o "junit:$O/r.xml" \
     -o "ocsf:$O/r.ocsf.jsonl" -o "asff:$O/r.asff.json" -o "csv:$O/r.csv" -o "matrix:$O/r.matrix" \
     -o "matrix-md:$O/r.md" -o "text:$O/r.txt" >"$TMP/out" 2>"$TMP/err"
   echo $? >"$TMP/rc"
   "$DBWARD" remediate "$O/r.json" -o "$O/fix.sh" 2>>"$TMP/err"
   "$DBWARD" diff "$O/r.json" "$O/r.json" -o "$O/diff.txt" 2>>"$TMP/err"
   "$DBWARD" merge "$O/r.json" -o "$O/merged.json" 2>>"$TMP/err"
   "$DBWARD" history --db "$O/history.db" -o "$O/history.txt" 2>>"$TMP/err"
   "$DBWARD" snapshot-script -o "$O/collect.sh" 2>>"$TMP/err"
   "$DBWARD" controls -o "$O/controls.txt" 2>>"$TMP/err")
  CHECKS=$((CHECKS + 1))
  [ "$(cat "$TMP/rc")" -eq 1 ] || { echo "FAIL: umask $um: scan exited $(cat "$TMP/rc")"; sed 's/^/  /' "$TMP/err"; FAILS=$((FAILS + 1)); }
  n=$(find "$O" -type f | wc -l)
  CHECKS=$((CHECKS + 1))
  # --output, 10 -o (ASFF in 2 batch files), history.db and 6 other commands' -o.
  [ "$n" -eq 19 ] || { echo "FAIL: umask $um: only $n files written"; ls -la "$O"; FAILS=$((FAILS + 1)); }
  want_mode 600 $(find "$O" -type f)
  CHECKS=$((CHECKS + 1))
  ls "$O"/r.asff-2.json >/dev/null 2>&1 || { echo "FAIL: umask $um: no second ASFF batch file"; FAILS=$((FAILS + 1)); }
  has "$O/fix.sh" "set -euo pipefail"
  no_temps "$O"
done

# ---- The evidence the snapshot-script writes with the stock aws CLI is 0600
# ---- in 0700 folders too (the script sets umask 077), here under umask 000.
mkdir -p "$TMP/stub"
cat >"$TMP/stub/aws" <<'STUB'
#!/bin/sh
case "$1 $2" in
  "sts get-caller-identity") case "$*" in *Account*) echo 123456789012 ;; *) echo arn:aws:iam::123456789012:user/a ;; esac ;;
  *--query*) ;;
  *) echo '{}' ;;
esac
STUB
chmod +x "$TMP/stub/aws"
"$DBWARD" snapshot-script --region us-east-1 -o "$TMP/collect.sh"
(umask 000; cd "$TMP" && PATH="$TMP/stub:$PATH" sh "$TMP/collect.sh" "$TMP/collected") >"$TMP/collect.log" 2>&1
CHECKS=$((CHECKS + 1))
[ -f "$TMP/collected/manifest.json" ] || { echo "FAIL: the script wrote no manifest"; head -5 "$TMP/collect.log"; FAILS=$((FAILS + 1)); }
want_mode 700 $(find "$TMP/collected" -type d)
want_mode 600 $(find "$TMP/collected" -type f)

# ---- A new history created by parallel jobs at once: each builds its own
# ---- under a temporary name, one wins, the others record into the winner's.
mkdir -p "$TMP/par"
for i in 1 2 3 4; do
  "$DBWARD" scan --snapshot "$EX" -o /dev/null --db "$TMP/par/h.db" 2>"$TMP/par-err-$i" &
done
wait
CHECKS=$((CHECKS + 1))
runs=$(/usr/bin/python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from runs").fetchone()[0])' "$TMP/par/h.db")
[ "$runs" = 4 ] || { echo "FAIL: parallel new history: $runs runs, wanted 4"; cat "$TMP"/par-err-*; FAILS=$((FAILS + 1)); }
want_mode 600 "$TMP/par/h.db"
no_temps "$TMP/par"

# ---- Outputs that are planted links, FIFOs or folders: refused, target untouched.
mkdir -p "$TMP/shared" "$TMP/private"
printf 'root-owned secret\n' >"$TMP/private/target"; chmod 600 "$TMP/private/target"
cp "$TMP/private/target" "$TMP/target.orig"
ln -s "$TMP/private/target" "$TMP/shared/report.json"
"$DBWARD" scan --snapshot "$EX" --format json --output "$TMP/r.json" 2>/dev/null
target_untouched() { # target_untouched WHAT
  CHECKS=$((CHECKS + 1))
  if ! cmp -s "$TMP/private/target" "$TMP/target.orig" || [ "$(mode "$TMP/private/target")" != 600 ]; then
    echo "FAIL: $1 changed the link's target"; FAILS=$((FAILS + 1))
  fi
  CHECKS=$((CHECKS + 1))
  [ -L "$TMP/shared/report.json" ] || { echo "FAIL: $1 replaced the link"; FAILS=$((FAILS + 1)); }
}
run 2 "$DBWARD" scan --snapshot "$EX" -o "json:$TMP/shared/report.json"
has "$TMP/err" "dbward: $TMP/shared/report.json: is a symbolic link; dbward replaces only regular files and never writes through a link"
cp "$TMP/err" "$TMP/msg-symlink-o.txt"
target_untouched "-o json:LINK"
run 2 "$DBWARD" scan --snapshot "$EX" --format json --output "$TMP/shared/report.json"
has "$TMP/err" "$TMP/shared/report.json: is a symbolic link"
target_untouched "--output LINK"
run 2 "$DBWARD" remediate "$TMP/r.json" -o "sh:$TMP/shared/report.json"
has "$TMP/err" "$TMP/shared/report.json: is a symbolic link"
target_untouched "remediate -o LINK"
run 2 "$DBWARD" scan --snapshot "$EX" -o /dev/null --db "$TMP/shared/report.json"
has "$TMP/err" "$TMP/shared/report.json: is a symbolic link; dbward does not open a history through a link"
target_untouched "--db LINK"
# A dangling link: nothing is created at its target.
ln -s "$TMP/private/created-through-link" "$TMP/shared/dangling.json"
run 2 "$DBWARD" scan --snapshot "$EX" -o "json:$TMP/shared/dangling.json"
has "$TMP/err" "is a symbolic link"
CHECKS=$((CHECKS + 1))
[ ! -e "$TMP/private/created-through-link" ] || { echo "FAIL: a file was created through a dangling link"; FAILS=$((FAILS + 1)); }
# A FIFO is refused at once (never opened, so nothing blocks); a folder too.
mkfifo "$TMP/shared/fifo.json"
run 2 timeout 20 "$DBWARD" scan --snapshot "$EX" -o "json:$TMP/shared/fifo.json"
has "$TMP/err" "$TMP/shared/fifo.json: is a FIFO; dbward replaces only regular files"
mkdir "$TMP/shared/dir.json"
run 2 "$DBWARD" scan --snapshot "$EX" -o "json:$TMP/shared/dir.json"
has "$TMP/err" "$TMP/shared/dir.json: is a folder"
no_temps "$TMP/shared"
# A folder that does not exist: named, with the OS error.
run 2 "$DBWARD" scan --snapshot "$EX" -o "json:$TMP/nowhere/r.json"
has "$TMP/err" "$TMP/nowhere/r.json: cannot open its folder: No such file or directory"

# ---- Reading: entries of a snapshot that are links or special files.
CANARY="CANARY-$$-$RANDOM-shadow"
printf 'root:%s:19000:0:99999:7:::\n' "$CANARY" >"$TMP/private/shadow"
chmod 600 "$TMP/private/shadow"
T=us-east-1/dynamodb/describe-table/t.json
# read_case NAME WANT: scan snapshot $TMP/NAME for DDB-12 (reads t.json); the
# finding is ERROR with WANT in its reason and the canary appears nowhere.
read_case() {
  run 3 timeout 20 "$DBWARD" scan --snapshot "$TMP/$1" --controls DDB-12 --format json
  CHECKS=$((CHECKS + 1))
  local reason
  reason=$(jq -r '.findings[0].reason' "$TMP/out" 2>/dev/null)
  case "$reason" in
    *"$2"*) ;;
    *) echo "FAIL: $1: reason is: $reason"; FAILS=$((FAILS + 1)) ;;
  esac
  echo "$1: $reason" >>"$TMP/read-reasons.txt"
  lacks "$TMP/out" "$CANARY"
  lacks "$TMP/err" "$CANARY"
  lacks "$TMP/out" "was not recorded"
}
mksnap "$TMP/link"; rm "$TMP/link/$T"; ln -s "$TMP/private/shadow" "$TMP/link/$T"
read_case link "$TMP/link/$T: is a symbolic link; dbward does not follow links inside a snapshot"
mksnap "$TMP/loop"; rm "$TMP/loop/$T"; ln -s t.json "$TMP/loop/$T"
read_case loop "$TMP/loop/$T: is a symbolic link"
mksnap "$TMP/dangling"; rm "$TMP/dangling/$T"; ln -s "$TMP/private/none" "$TMP/dangling/$T"
read_case dangling "$TMP/dangling/$T: is a symbolic link"
mksnap "$TMP/fifo"; rm "$TMP/fifo/$T"; mkfifo "$TMP/fifo/$T"
read_case fifo "$TMP/fifo/$T: is a FIFO where a file is expected"
# ... and never opened: a writer blocked opening the FIFO would be let go
# by any reader's open; after the scan it is still waiting.
mksnap "$TMP/fifow"; rm "$TMP/fifow/$T"; mkfifo "$TMP/fifow/$T"
( timeout 60 sh -c "echo x >'$TMP/fifow/$T'" 2>/dev/null; echo done >"$TMP/fifow-writer" ) &
WRITER=$!
sleep 0.2
read_case fifow "$TMP/fifow/$T: is a FIFO where a file is expected"
sleep 0.5
CHECKS=$((CHECKS + 1))
if [ -e "$TMP/fifow-writer" ]; then echo "FAIL: the scan opened the FIFO $TMP/fifow/$T"; FAILS=$((FAILS + 1)); fi
cat "$TMP/fifow/$T" >/dev/null
wait "$WRITER"
mksnap "$TMP/folder"; rm "$TMP/folder/$T"; mkdir "$TMP/folder/$T"
read_case folder "$TMP/folder/$T: is a folder where a file is expected"
# The answer's twin .error.json as a link: refused the same way.
mksnap "$TMP/elink"; rm "$TMP/elink/$T"; ln -s "$TMP/private/shadow" "$TMP/elink/${T%.json}.error.json"
read_case elink "$TMP/elink/${T%.json}.error.json: is a symbolic link"
# A folder on the way that is a link to a folder outside the snapshot.
mksnap "$TMP/dirlink"; mv "$TMP/dirlink/us-east-1/dynamodb/describe-table" "$TMP/private/tables"
cp "$TMP/private/shadow" "$TMP/private/tables/t.json"
ln -s "$TMP/private/tables" "$TMP/dirlink/us-east-1/dynamodb/describe-table"
read_case dirlink "$TMP/dirlink/us-east-1/dynamodb/describe-table: is a symbolic link; dbward does not follow links"
# A device where a file is expected (root can make one; skipped otherwise).
mksnap "$TMP/dev"; rm "$TMP/dev/$T"
if mknod "$TMP/dev/$T" c 1 5 2>/dev/null; then
  read_case dev "$TMP/dev/$T: is a character device where a file is expected"
fi
# The manifest as a link: the snapshot is refused, nothing of the target shown.
mksnap "$TMP/mlink"; cp "$TMP/mlink/manifest.json" "$TMP/private/manifest.json"
rm "$TMP/mlink/manifest.json"; ln -s "$TMP/private/shadow" "$TMP/mlink/manifest.json"
run 2 "$DBWARD" scan --snapshot "$TMP/mlink"
has "$TMP/err" "dbward: $TMP/mlink/manifest.json: is a symbolic link; dbward does not follow links inside a snapshot"
cp "$TMP/err" "$TMP/msg-manifest-link.txt"
lacks "$TMP/err" "$CANARY"
mksnap "$TMP/mfifo"; rm "$TMP/mfifo/manifest.json"; mkfifo "$TMP/mfifo/manifest.json"
run 2 timeout 20 "$DBWARD" scan --snapshot "$TMP/mfifo"
has "$TMP/err" "manifest.json: is a FIFO where a file is expected"
# An account folder of a multi-account tree that is a link: refused, not skipped.
mkdir -p "$TMP/tree"; mksnap "$TMP/tree/111111111111"; mksnap "$TMP/private/222222222222"
ln -s "$TMP/private/222222222222" "$TMP/tree/222222222222"
run 2 "$DBWARD" scan --snapshot "$TMP/tree"
has "$TMP/err" "$TMP/tree/222222222222: is a symbolic link; dbward does not follow links inside a snapshot"
# The snapshot folder the user names may itself be a link: resolved once.
mksnap "$TMP/real"; ln -s "$TMP/real" "$TMP/named-by-link"
run 0 "$DBWARD" scan --snapshot "$TMP/named-by-link" --controls DDB-12
has "$TMP/out" "PASS"

if [ -n "${DW_SHOW_MESSAGES:-}" ]; then
  cat "$TMP/msg-symlink-o.txt" "$TMP/msg-manifest-link.txt" "$TMP/read-reasons.txt"
fi
finish
