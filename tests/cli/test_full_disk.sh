#!/usr/bin/env bash
# A full disk, for real: a 1 MiB tmpfs mounted in a private mount
# namespace (unshare -m; needs root or CAP_SYS_ADMIN, skipped with 77
# otherwise), filled to the last block. Every output (-o in each format,
# --output, remediate -o, --db new and existing) must exit 2 with the file
# and "No space left on device", keep the previous file as it was (or leave
# none), and leave no temporary file; a truncated fix.sh is never left.
if [ -z "${DW_FULL_DISK_NS:-}" ]; then
  if ! unshare -m true 2>/dev/null; then
    echo "SKIP: unshare -m is not allowed here (needs CAP_SYS_ADMIN)"
    exit 77
  fi
  DW_FULL_DISK_NS=1 exec unshare -m bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
EX="$SRC/examples/account"
D="$TMP/disk"
mkdir -p "$D"
if ! mount -t tmpfs -o size=1m,mode=0755 tmpfs "$D" 2>"$TMP/mount.err"; then
  echo "SKIP: cannot mount a tmpfs: $(cat "$TMP/mount.err")"
  exit 77
fi
trap 'umount "$D" 2>/dev/null; rm -rf "$TMP"' EXIT
fill() { rm -f "$D/fill"; dd if=/dev/zero of="$D/fill" bs=4k 2>/dev/null; sync; }
unfill() { rm -f "$D/fill"; }
# full_fails WHAT FILE: the last run named FILE with the OS error.
full_fails() {
  has "$TMP/err" "dbward: $2: "
  has "$TMP/err" "No space left on device"
  lacks "$TMP/err" "malformed"
  grep -F "No space left on device" "$TMP/err" | head -1 | sed "s|$TMP|\$TMP|g; s|^|$1: |" >>"$TMP/messages.txt"
}
no_temps() {
  CHECKS=$((CHECKS + 1))
  if find "$D" -name '*.dbward-*' -o -name '*-journal' | grep -q .; then
    echo "FAIL: $1: temporary files left:"; find "$D" -name '*.dbward-*' -o -name '*-journal'; FAILS=$((FAILS + 1))
  fi
}
# same FILE WANT_CONTENT: the previous content is intact.
same() {
  CHECKS=$((CHECKS + 1))
  if [ "$(cat "$1" 2>/dev/null)" != "$2" ]; then
    echo "FAIL: $1 changed on a full disk: $(head -c 80 "$1" 2>/dev/null)"; FAILS=$((FAILS + 1))
  fi
}
absent() {
  CHECKS=$((CHECKS + 1))
  [ ! -e "$1" ] || { echo "FAIL: $1 was left on a full disk ($(stat -c %s "$1") bytes)"; FAILS=$((FAILS + 1)); }
}

"$DBWARD" scan --snapshot "$EX" --format json --output "$TMP/r.json" 2>/dev/null
# Previous files, then no space left.
echo '{"old": true}' >"$D/r.json"
printf '#!/usr/bin/env bash\necho old fixes\n' >"$D/fix.sh"
echo 'old text report' >"$D/report.txt"
fill

run 2 "$DBWARD" scan --snapshot "$EX" -o "json:$D/r.json"
full_fails "-o json" "$D/r.json"
same "$D/r.json" '{"old": true}'
no_temps "-o json"
for fmt in text json csv junit sarif ocsf asff html matrix matrix-md; do
  run 2 "$DBWARD" scan --snapshot "$EX" -o "$fmt:$D/new.$fmt"
  full_fails "-o $fmt" "$D/new.$fmt"
  absent "$D/new.$fmt"
  no_temps "-o $fmt"
done
run 2 "$DBWARD" scan --snapshot "$EX" --output "$D/report.txt"
full_fails "--output" "$D/report.txt"
same "$D/report.txt" 'old text report'
run 2 "$DBWARD" remediate "$TMP/r.json" -o "$D/fix.sh"
full_fails "remediate -o (existing fix.sh)" "$D/fix.sh"
same "$D/fix.sh" $'#!/usr/bin/env bash\necho old fixes'
run 2 "$DBWARD" remediate "$TMP/r.json" -o "$D/new-fix.sh"
full_fails "remediate -o (new fix.sh)" "$D/new-fix.sh"
absent "$D/new-fix.sh"
no_temps "remediate"
# Space for part of the file only (16 KiB of a 26 KiB fix.sh, 110 KiB report):
# the disk fills half way through, and still nothing truncated is left.
truncate -s -16K "$D/fill"
run 2 "$DBWARD" remediate "$TMP/r.json" -o "$D/fix.sh"
full_fails "remediate -o (half way)" "$D/fix.sh"
same "$D/fix.sh" $'#!/usr/bin/env bash\necho old fixes'
run 2 "$DBWARD" scan --snapshot "$EX" -o "json:$D/r.json"
full_fails "-o json (half way)" "$D/r.json"
same "$D/r.json" '{"old": true}'
no_temps "half way"
fill
# A new history: not left half-created (no file at all).
run 2 "$DBWARD" scan --snapshot "$EX" -o /dev/null --db "$D/new.db"
full_fails "--db (new)" "$D/new.db"
absent "$D/new.db"
no_temps "--db new"
# An existing history: the failed run is rolled back, the old runs stay.
unfill
run 1 "$DBWARD" scan --snapshot "$EX" -o /dev/null --db "$D/h.db"
cp "$D/h.db" "$TMP/h.db.before"
fill
run 2 "$DBWARD" scan --snapshot "$EX" -o /dev/null --db "$D/h.db"
full_fails "--db (existing)" "$D/h.db"
no_temps "--db existing"
unfill
CHECKS=$((CHECKS + 1))
if ! /usr/bin/python3 - "$D/h.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ok = db.execute("PRAGMA integrity_check").fetchone()[0]
runs = db.execute("SELECT count(*) FROM runs").fetchone()[0]
print("integrity:", ok, "runs:", runs)
sys.exit(0 if ok == "ok" and runs == 1 else 1)
PY
then echo "FAIL: the existing history is damaged or changed"; FAILS=$((FAILS + 1)); fi
# With space again, the same commands succeed and the files are complete.
run 1 "$DBWARD" scan --snapshot "$EX" -o "json:$D/r.json"
CHECKS=$((CHECKS + 1))
cmp -s <(jq -S '.findings' "$D/r.json") <(jq -S '.findings' "$TMP/r.json") || { echo "FAIL: report after space came back"; FAILS=$((FAILS + 1)); }
run 0 "$DBWARD" remediate "$TMP/r.json" -o "$D/fix.sh"
CHECKS=$((CHECKS + 1))
bash -n "$D/fix.sh" || { echo "FAIL: fix.sh does not parse"; FAILS=$((FAILS + 1)); }

[ -n "${DW_SHOW_MESSAGES:-}" ] && cat "$TMP/messages.txt"
umount "$D"
finish
