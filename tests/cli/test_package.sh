#!/usr/bin/env bash
# Packaging: cpack -G DEB builds a .deb from this build; it is unpacked into
# a clean root with dpkg -x, and the installed binary prints its version and
# scans the installed example. lintian checks the .deb (no error or warning
# passes). The man page and the completions, generated from the binary's
# tables, are checked against its help.
. "$(dirname "$0")/lib.sh"
BUILD=$3
run 0 cpack --config "$BUILD/CPackConfig.cmake" -G DEB -B "$TMP/pkg"
deb=$(ls "$TMP"/pkg/*.deb 2>/dev/null | head -1)
CHECKS=$((CHECKS + 1))
[ -n "$deb" ] || { echo "FAIL: no .deb written"; FAILS=$((FAILS + 1)); finish; exit 1; }
dpkg-deb -I "$deb" > "$TMP/info"
has "$TMP/info" "Package: dbward"
for lib in libcurl4 libjansson4 libssl3 libxml2 libyaml-0-2 libsqlite3-0; do has "$TMP/info" "$lib"; done
dpkg-deb -c "$deb" > "$TMP/contents"
for f in ./usr/bin/dbward ./usr/share/man/man1/dbward.1.gz ./usr/share/bash-completion/completions/dbward \
         ./usr/share/zsh/vendor-completions/_dbward ./usr/share/dbward/examples/account/manifest.json \
         ./usr/share/dbward/examples/dbward.yaml ./usr/share/doc/dbward/copyright \
         ./usr/share/doc/dbward/changelog.gz ./usr/share/doc/dbward/botocore-NOTICE; do
  has "$TMP/contents" "$f"
done
CHECKS=$((CHECKS + 1)) # the man page is there compressed only
! grep -qE ' \./usr/share/man/man1/dbward\.1$' "$TMP/contents" || { echo "FAIL: uncompressed man page"; FAILS=$((FAILS + 1)); }
lacks "$TMP/contents" "./usr/share/doc/dbward/LICENSE" # the license is in copyright
lacks "$TMP/info" "localhost"
has "$TMP/info" "Maintainer: dbward developers <dbward-dev@users.noreply.github.com>"
# Owners and modes: root:root, directories and the binary 0755, every other file 0644.
CHECKS=$((CHECKS + 1))
bad=$(awk '$2 != "root/root" { print; next }
           /^d/ { if ($1 != "drwxr-xr-x") print; next }
           $6 == "./usr/bin/dbward" { if ($1 != "-rwxr-xr-x") print; next }
           { if ($1 != "-rw-r--r--") print }' "$TMP/contents")
[ -z "$bad" ] || { echo "FAIL: owner or mode: $bad"; FAILS=$((FAILS + 1)); }
# The changelog's newest entry is this version (dpkg's own parser).
CHECKS=$((CHECKS + 1))
clv=$(dpkg-parsechangelog -l "$SRC/packaging/changelog" -S Version)
debv=$(dpkg-deb -f "$deb" Version)
[ "$clv" = "$debv" ] || { echo "FAIL: packaging/changelog is at $clv, the package at $debv"; FAILS=$((FAILS + 1)); }
# Every Files: pattern of the copyright file names files of the source tree.
while read -r -a pats; do
  for pat in "${pats[@]}"; do
    CHECKS=$((CHECKS + 1))
    (cd "$SRC" && compgen -G "$pat" >/dev/null) || { echo "FAIL: copyright: $pat matches nothing"; FAILS=$((FAILS + 1)); }
  done
done < <(sed -n 's/^Files: //p' "$SRC/packaging/copyright")
# lintian (Debian 12: 2.116): every tag level is shown, errors and warnings fail.
# No tag is suppressed; the package has no informational or pedantic tag either.
CHECKS=$((CHECKS + 1))
if command -v lintian >/dev/null; then
  lintian --fail-on error,warning --display-info --pedantic --display-experimental "$deb" > "$TMP/lintian" 2>&1
  lrc=$?
  grep -v '^running with root privileges is not recommended!$' "$TMP/lintian" | sed 's/^/  lintian: /'
  [ "$lrc" -eq 0 ] || { echo "FAIL: lintian exited $lrc"; FAILS=$((FAILS + 1)); }
else
  echo "FAIL: lintian is not installed (scripts/setup-debian)"; FAILS=$((FAILS + 1))
fi
mkdir -p "$TMP/root"
run 0 dpkg -x "$deb" "$TMP/root"
run 0 "$TMP/root/usr/bin/dbward" --version
has "$TMP/out" "dbward "
has "$TMP/out" "libcurl"
cp "$TMP/out" "$TMP/version"
if [ -n "${DW_HARDENING_CHECK:-}" ]; then # a hardened build: the stripped, packaged binary too
  run 0 bash "$SRC/tests/cli/hardening_check.sh" "$DW_HARDENING_CHECK" "$TMP/root/usr/bin/dbward" "${DW_CET:-1}"
  sed 's/^/  packaged: /' "$TMP/out"
fi
run 1 "$TMP/root/usr/bin/dbward" scan --snapshot "$TMP/root/usr/share/dbward/examples/account" \
  --config "$TMP/root/usr/share/dbward/examples/dbward.yaml"
has "$TMP/out" "Summary  "
echo "installed: $(head -1 "$TMP/version"); $(stat -c %s "$deb") bytes; $(grep '^ Depends' "$TMP/info")"
# The manual covers every option, command, format, environment variable and exit status of the help.
man="$BUILD/dbward.1"
"$DBWARD" help > "$TMP/help"
for o in $(grep -oE -- '--[a-z][a-z-]+' "$TMP/help" | sort -u); do
  has "$man" "\\-\\-$(printf "%s" "${o#--}" | sed "s/-/\\\\-/g")"
done
for c in $(sed -n '/^commands:/,/^options:/p' "$TMP/help" | awk 'NF > 1 && $1 != "commands:" {print $1}' | sort -u); do
  has "$man" ".B dbward $(printf '%s' "$c" | sed 's/-/\\-/g')"
done
for v in NO_COLOR AWS_PROFILE AWS_ENDPOINT_URL AWS_MAX_ATTEMPTS; do has "$man" "$(printf '%s' "$v")"; done
for s in "EXIT STATUS" "ENVIRONMENT" "FILES" "REPORT FORMATS"; do has "$man" ".SH $s"; done
# The installed page is this one, and SEE ALSO names the installed guides, not the source tree.
CHECKS=$((CHECKS + 1))
zcat "$TMP/root/usr/share/man/man1/dbward.1.gz" | cmp -s - "$man" || { echo "FAIL: installed man page differs"; FAILS=$((FAILS + 1)); }
sed -n '/^\.SH SEE ALSO/,$p' "$man" > "$TMP/seealso"
has "$TMP/seealso" "/usr/share/doc/dbward/"
lacks "$TMP/seealso" "source tree"
for g in $(grep -oE '[a-z-]+\.md' "$TMP/seealso"); do
  CHECKS=$((CHECKS + 1))
  [ -f "$TMP/root/usr/share/doc/dbward/$g" ] || { echo "FAIL: SEE ALSO names $g, not installed"; FAILS=$((FAILS + 1)); }
done
CHECKS=$((CHECKS + 1))
if command -v groff >/dev/null; then
  w=$(groff -man -Tutf8 -ww -z "$man" 2>&1)
  [ -z "$w" ] || { echo "FAIL: groff warns: $w"; FAILS=$((FAILS + 1)); }
fi
# Completions: bash, driven as bash does; zsh parsed.
comp="$BUILD/completions/dbward"
mkdir -p "$TMP/home/.aws"
printf '[default]\n[profile audit-prod]\n' > "$TMP/home/.aws/config"
c() { HOME="$TMP/home" bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _dbward; echo "${COMPREPLY[*]}"' _ "$comp" "$@"; }
CHECKS=$((CHECKS + 1)); [ "$(c dbward hist)" = "history" ] || { echo "FAIL: command completion"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1)); [ "$(c dbward scan --conc)" = "--concurrency" ] || { echo "FAIL: option completion"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1)); [ "$(c dbward scan --format sa)" = "sarif" ] || { echo "FAIL: format completion"; FAILS=$((FAILS + 1)); }
acc_ids=$("$DBWARD" controls | awk '$1 ~ /^ACC-0/ {print $1}' | paste -sd' ')
CHECKS=$((CHECKS + 1)); [ "$(c dbward explain ACC-0)" = "$acc_ids" ] || { echo "FAIL: id completion ($(c dbward explain ACC-0) vs $acc_ids)"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1)); [ "$(c dbward scan --profile audit)" = "audit-prod" ] || { echo "FAIL: profile completion"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1)); [ "$(c dbward scan -o htm)" = "html:" ] || { echo "FAIL: -o FORMAT: completion: $(c dbward scan -o htm)"; FAILS=$((FAILS + 1)); }
if command -v zsh >/dev/null; then run 0 zsh -n "$BUILD/completions/_dbward"; fi
finish
