#!/usr/bin/env bash
# The evidence a live scan saves (--save-snapshot): folders 0700 and files
# 0600, the manifest too, under umask 022 and 000; a planted link in an
# existing folder (manifest.json, a region folder) is never written
# through; on a full disk (a tmpfs in a private mount namespace) the scan
# exits 2 naming the file with "No space left on device", leaves no empty
# or temporary file and no manifest, and says nothing unrelated.
. "$(dirname "$0")/lib.sh"
clean_env
long_term
mock_start --snapshot "$SRC/examples/account"
mode() { stat -c %a -- "$1"; }
# tree_modes DIR WHAT: every folder below DIR is 0700 and every file 0600.
tree_modes() {
  local bad
  bad=$(find "$1" -mindepth 1 \( -type d ! -perm 0700 \) -o \( -type f ! -perm 0600 \) -o \( ! -type d ! -type f \))
  CHECKS=$((CHECKS + 1))
  if [ -n "$bad" ]; then
    echo "FAIL: $2: wrong modes or kinds:"; echo "$bad" | head -5 | while read -r f; do ls -ld "$f"; done
    FAILS=$((FAILS + 1))
  fi
}

# ---- Modes, under umask 022 and 000, for a new folder.
for um in 022 000; do
  S="$TMP/snap-$um"
  (umask "$um"; "$DBWARD" scan --endpoint-url "$URL" --save-snapshot "$S" --format json --output "$TMP/live-$um.json" \
     2>"$TMP/err-$um"; echo $? >"$TMP/rc")
  check "umask $um: live scan exits 1, got $(cat "$TMP/rc"): $(head -3 "$TMP/err-$um")" [ "$(cat "$TMP/rc")" -eq 1 ]
  check "umask $um: the snapshot folder is 0700" [ "$(mode "$S")" = 700 ]
  check "umask $um: the manifest is 0600" [ "$(mode "$S/manifest.json")" = 600 ]
  check "umask $um: the report is 0600" [ "$(mode "$TMP/live-$um.json")" = 600 ]
  check "umask $um: more than 50 evidence files" [ "$(find "$S" -type f | wc -l)" -gt 50 ]
  tree_modes "$S" "umask $um"
  check "umask $um: no temporary file" [ -z "$(find "$S" -name '*.dbward-*')" ]
done

# ---- Planted links in an existing --save-snapshot folder.
mkdir -p "$TMP/private"
printf 'do not touch\n' >"$TMP/private/target"; chmod 600 "$TMP/private/target"
S="$TMP/planted"
mkdir -p "$S"
ln -s "$TMP/private/target" "$S/manifest.json"
"$DBWARD" scan --endpoint-url "$URL" --save-snapshot "$S" --format json --output /dev/null 2>"$TMP/err"
rc=$?
check "planted manifest.json link: exit 2, got $rc" [ "$rc" -eq 2 ]
check "planted manifest.json link: named" grep -qF "dbward: $S/manifest.json: is a symbolic link; dbward replaces only regular files and never writes through a link" "$TMP/err"
grep -F "manifest.json" "$TMP/err" | head -1 | sed "s|$TMP|\$TMP|g" >"$TMP/msg-planted.txt"
check "planted manifest.json link: the target is untouched" [ "$(cat "$TMP/private/target")" = "do not touch" ]
check "planted manifest.json link: the target's mode is untouched" [ "$(mode "$TMP/private/target")" = 600 ]
check "planted manifest.json link: the link is still a link" [ -L "$S/manifest.json" ]
# A region folder planted as a link to a folder outside: nothing is written there.
S="$TMP/planted-dir"
mkdir -p "$S" "$TMP/private/outside"
ln -s "$TMP/private/outside" "$S/us-east-1"
"$DBWARD" scan --endpoint-url "$URL" --save-snapshot "$S" --format json --output /dev/null 2>"$TMP/err"
rc=$?
check "planted region folder link: exit 2, got $rc" [ "$rc" -eq 2 ]
check "planted region folder link: named" grep -qF "dbward: $S/us-east-1: is a symbolic link" "$TMP/err"
grep -F "us-east-1: is a symbolic link" "$TMP/err" | head -1 | sed "s|$TMP|\$TMP|g" >>"$TMP/msg-planted.txt"
check "planted region folder link: nothing written through it" [ -z "$(ls -A "$TMP/private/outside")" ]
check "planted region folder link: no manifest" [ ! -e "$S/manifest.json" ]

# ---- A full disk. The tmpfs lives in the namespace of one unshare'd shell,
# ---- which runs the scan and records what it left.
full_disk() { # full_disk NAME SIZE PREFILL: scan into a SIZE tmpfs; PREFILL=1 fills it first
  local out="$TMP/full-$1"
  mkdir -p "$out"
  unshare -m bash -c '
    d=$1/mnt; mkdir -p "$d"
    mount -t tmpfs -o size=$2 tmpfs "$d" || exit 77
    [ "$3" = 1 ] && dd if=/dev/zero of="$d/fill" bs=4k 2>/dev/null
    "$4" scan --endpoint-url "$5" --save-snapshot "$d/snap" --format json --output "$1/report.json" 2>"$1/err"
    echo $? >"$1/rc"
    find "$d/snap" -type f -empty >"$1/empty" 2>/dev/null
    find "$d/snap" -name "*.dbward-*" >"$1/temps" 2>/dev/null
    find "$d/snap" -type f | wc -l >"$1/files"
    [ -e "$d/snap/manifest.json" ] && echo yes >"$1/manifest"
    umount "$d"' _ "$out" "$2" "$3" "$DBWARD" "$URL"
  local urc=$?
  if [ "$urc" -eq 77 ]; then echo "SKIP: $1: cannot mount a tmpfs"; return; fi
  check "$1: exit 2, got $(cat "$out/rc")" [ "$(cat "$out/rc")" -eq 2 ]
  check "$1: names an evidence file with the OS error: $(cat "$out/err")" \
    grep -qE "^dbward: $out/mnt/snap/.*\.json: cannot write: No space left on device$" "$out/err"
  check "$1: says the folder is incomplete" grep -qF "$out/mnt/snap is incomplete: no manifest was written" "$out/err"
  check "$1: no unrelated error" bash -c "! grep -qiE 'malformed|parse|refused the credentials|regions' '$out/err'"
  check "$1: no empty evidence file: $(head -3 "$out/empty")" [ ! -s "$out/empty" ]
  check "$1: no temporary file" [ ! -s "$out/temps" ]
  check "$1: no manifest" [ ! -e "$out/manifest" ]
  check "$1: no report" [ ! -e "$out/report.json" ]
  sed "s|$TMP|\$TMP|g; s|^|$1 ($(cat "$out/files") files kept): |" "$out/err" >>"$TMP/msg-full.txt"
}
# Full from the start: the very first answer (the identity) cannot be saved.
full_disk full-at-start 64k 1
# Full half way through the collection.
full_disk full-half-way 64k 0

# ---- Many accounts: an account's folder planted as a link in an existing
# ---- --save-snapshot folder is refused (that account is an ERROR), never followed.
ORG="$TMP/org"
mkdir -p "$ORG"
cp -r "$SRC/examples/account" "$ORG/111111111111"
jq '.account_id = "111111111111"' "$SRC/examples/account/manifest.json" >"$ORG/111111111111/manifest.json"
cat >"$ORG/org.json" <<'J'
{"accounts": {"111111111111": {"Name": "prod", "parent": "r-root", "snapshot": "111111111111", "role": "dbward-audit"}},
 "ous": {"r-root": []}}
J
mock_start --snapshot "$SRC/examples/account" --org "$ORG/org.json"
S="$TMP/planted-accounts"
mkdir -p "$S" "$TMP/private/acct"
ln -s "$TMP/private/acct" "$S/111111111111"
"$DBWARD" scan --endpoint-url "$URL" --accounts 111111111111 --role-name dbward-audit --save-snapshot "$S" \
  --format json --output "$TMP/acct.json" 2>"$TMP/err"
rc=$?
check "planted account folder link: exit 3 (the account is ERROR), got $rc" [ "$rc" -eq 3 ]
check "planted account folder link: the reason names it" grep -qF "$S/111111111111: is a symbolic link" \
  <(jq -r '.findings[] | select(.control_id == "ACCOUNT") | .reason' "$TMP/acct.json")
grep -F "111111111111: not scanned" "$TMP/err" | head -1 | sed "s|$TMP|\$TMP|g" >>"$TMP/msg-planted.txt"
check "planted account folder link: nothing written through it" [ -z "$(ls -A "$TMP/private/acct")" ]

# ---- Many accounts, a full disk: the account whose evidence cannot be
# ---- written is an ERROR naming the file and the OS error, never a silent gap.
out="$TMP/full-accounts"
mkdir -p "$out"
unshare -m bash -c '
  d=$1/mnt; mkdir -p "$d"
  mount -t tmpfs -o size=64k tmpfs "$d" || exit 77
  "$2" scan --endpoint-url "$3" --accounts 111111111111 --role-name dbward-audit --save-snapshot "$d/snap" \
    --format json --output "$1/report.json" 2>"$1/err"
  echo $? >"$1/rc"
  [ -e "$d/snap/111111111111/manifest.json" ] && echo yes >"$1/manifest"
  find "$d/snap" -name "*.dbward-*" >"$1/temps" 2>/dev/null
  umount "$d"' _ "$out" "$DBWARD" "$URL"
if [ $? -eq 77 ]; then echo "SKIP: many accounts, full disk: cannot mount a tmpfs"; else
  check "many accounts, full disk: exit 3 (the account is ERROR), got $(cat "$out/rc")" [ "$(cat "$out/rc")" -eq 3 ]
  check "many accounts, full disk: the reason names the file and the OS error" \
    grep -qE "^account not scanned: $out/mnt/snap/111111111111/.*\.json: cannot write: No space left on device$" \
    <(jq -r '.findings[] | select(.control_id == "ACCOUNT") | .reason' "$out/report.json")
  check "many accounts, full disk: no manifest" [ ! -e "$out/manifest" ]
  check "many accounts, full disk: no temporary file" [ ! -s "$out/temps" ]
  check "many accounts, full disk: the only finding is the ERROR" [ "$(jq '.findings | length' "$out/report.json")" -eq 1 ]
fi

[ -n "${DW_SHOW_MESSAGES:-}" ] && cat "$TMP/msg-planted.txt" "$TMP/msg-full.txt"
finish
