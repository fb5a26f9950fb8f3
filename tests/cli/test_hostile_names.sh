#!/usr/bin/env bash
# Hostile names end to end: a snapshot whose tables, keys, users, DMS
# instances and tasks carry every shell metacharacter, newline, CR, control
# bytes, unicode and option-like names (tests/cli/hostile_names.py) goes
# through scan and remediate; the script must parse, and run against a stub
# aws that records its argv, it must make exactly the calls written by hand in
# hostile_names.py (each name one argument, byte for byte) and nothing else:
# no PWNED or X file anywhere. The report path is hostile too, and a manifest
# region like us-east-1$(touch X) is refused.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
HN="$SRC/tests/cli/hostile_names.py"
CTLS="DMS-08,DMS-09,DDB-05,DDB-12,ACC-01,ACC-04"
S="$TMP/snap"
"$PY" "$HN" gen "$S"
echo "hostile names: $("$PY" "$HN" names)"

# A report path that is itself hostile: newline, command substitution, quote.
RDIR="$TMP/dir \$(touch PWNED)"$'\n'"touch X;'"
mkdir -p "$RDIR"
R="$RDIR/r\`touch X\`.json"
run 1 "$DBWARD" scan --snapshot "$S" --controls "$CTLS" --format json --output "$R"
run 1 "$DBWARD" scan --snapshot "$S" --controls "$CTLS" --format text --output "$TMP/r.txt"
run 1 "$DBWARD" scan --snapshot "$S" --controls "$CTLS" --format html --output "$TMP/r.html"
run 0 "$DBWARD" remediate "$R" -o "$TMP/fix.sh"

CHECKS=$((CHECKS + 1))
bash -n "$TMP/fix.sh" || { echo "FAIL: bash -n fix.sh"; FAILS=$((FAILS + 1)); }
# Every line is a comment, empty, the set line or an aws command: nothing else runs.
CHECKS=$((CHECKS + 1))
if LC_ALL=C grep -nvE '^(#.*|aws .*|set -euo pipefail|)$' "$TMP/fix.sh"; then
  echo "FAIL: the lines above would run and are not aws commands"; FAILS=$((FAILS + 1))
fi
CHECKS=$((CHECKS + 1))
if LC_ALL=C grep -nvE '^(#.*)?$' "$TMP/fix.sh" | LC_ALL=C grep -vE '^[0-9]+:(aws |set -euo pipefail$)' | grep -q .; then
  echo "FAIL: a runnable line that is not an aws command:"; LC_ALL=C grep -nvE '^(#.*|aws .*|set -euo pipefail)?$' "$TMP/fix.sh" | head -5
  FAILS=$((FAILS + 1))
fi
CHECKS=$((CHECKS + 1))
if LC_ALL=C grep -n '^[^#]' "$TMP/fix.sh" | LC_ALL=C grep -q $'[^\x20-\x7e]'; then
  echo "FAIL: a command holds a byte outside printable ASCII"; FAILS=$((FAILS + 1))
fi
# The header names the report path without letting its newline out of the comment.
has "$TMP/fix.sh" "# Fixes for the failures in $TMP/dir \$(touch PWNED)"
has "$TMP/fix.sh" "# Fixes for the failures in touch X;'/r\`touch X\`.json"

# The same quoted commands in the JSON, text and HTML reports as in the script.
"$PY" - "$R" "$TMP/fix.sh" "$TMP/r.txt" "$TMP/r.html" <<'EOF' || FAILS=$((FAILS + 1))
import html, json, sys
rep = json.load(open(sys.argv[1]))
cmds = [c for f in rep["findings"] for c in f.get("remediation", {}).get("commands", [])]
script = open(sys.argv[2], encoding="utf-8", errors="surrogateescape").read().splitlines()
text = open(sys.argv[3], encoding="utf-8").read()
page = html.unescape(open(sys.argv[4], encoding="utf-8").read())
runnable = [l for l in script if l.startswith("aws ")]
bad = [c for c in cmds if c not in runnable or c not in text or c not in page]
if bad or sorted(cmds) != sorted(runnable):
    print("FAIL: reports and script disagree on %d commands, e.g. %r" % (len(bad), bad[:1]))
    sys.exit(1)
print("commands in report = script = text = html: %d" % len(cmds))
EOF
CHECKS=$((CHECKS + 1))

# Run the script against the stub aws, from an empty folder.
mkdir -p "$TMP/bin" "$TMP/rec" "$TMP/run"
cat >"$TMP/bin/aws" <<'EOF'
#!/bin/bash
# Stub aws: one file per call, each argument NUL-terminated.
n=0
[ -f "$DW_REC/n" ] && read -r n <"$DW_REC/n"
n=$((n + 1))
echo "$n" >"$DW_REC/n"
printf -v f 'call.%05d' "$n"
printf '%s\0' "$@" >"$DW_REC/$f"
EOF
chmod +x "$TMP/bin/aws"
CHECKS=$((CHECKS + 1))
(cd "$TMP/run" && DW_REC="$TMP/rec" PATH="$TMP/bin:/usr/bin:/bin" bash "$TMP/fix.sh" >"$TMP/run.out" 2>&1) ||
  { echo "FAIL: fix.sh exited $?"; head -5 "$TMP/run.out"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1))
"$PY" "$HN" check "$TMP/rec" || { echo "FAIL: recorded argv differ"; FAILS=$((FAILS + 1)); }
# No side effect: no PWNED or X file in the temp folder or the current folder.
CHECKS=$((CHECKS + 1))
found=$(find "$TMP" "$PWD" -maxdepth 3 \( -name PWNED -o -name X -o -name 'X;*' \) 2>/dev/null)
[ -z "$found" ] || { echo "FAIL: side effects: $found"; FAILS=$((FAILS + 1)); }
[ -s "$TMP/run.out" ] && { echo "FAIL: fix.sh printed:"; head -3 "$TMP/run.out"; FAILS=$((FAILS + 1)); }
echo "side effects: $(printf '%s' "$found" | grep -c .)"

# A manifest region that is not a region name is refused, naming the file and field.
cp -r "$S" "$TMP/badregion"
sed -i 's/"regions": \["us-east-1"\]/"regions": ["us-east-1$(touch X)"]/' "$TMP/badregion/manifest.json"
run 2 "$DBWARD" scan --snapshot "$TMP/badregion"
has "$TMP/err" "badregion/manifest.json"
has "$TMP/err" 'manifest field "regions"[0] is not a region name of partition "aws", got "us-east-1$(touch X)"'
# ... and so is a region folder whose name is no region name of the partition.
mkdir -p "$TMP/extra"
cp -r "$S/." "$TMP/extra/"
mkdir -p "$TMP/extra/us-east-1\$(touch X)/dms"
run 2 "$DBWARD" scan --snapshot "$TMP/extra"
has "$TMP/err" 'the snapshot has a folder "us-east-1$(touch X)" that is neither "global" nor a region name of partition "aws"'
found=$(find "$TMP" "$PWD" -maxdepth 3 \( -name PWNED -o -name X \) 2>/dev/null)
CHECKS=$((CHECKS + 1))
[ -z "$found" ] || { echo "FAIL: side effects: $found"; FAILS=$((FAILS + 1)); }
finish
