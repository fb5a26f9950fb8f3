#!/usr/bin/env bash
# Per-command help and options (issue 20 item 4): dbward COMMAND --help
# lists that command's options only; options are checked per command;
# attached short values work; -p is --profile; an empty selection, an
# unknown id in the config's exclude and a history file that does not
# exist are usage errors. Expected texts are written here by hand.
. "$(dirname "$0")/lib.sh"
EX=$SRC/examples/account
cd "$TMP" || exit 2

# ---- Help per command.
run 0 "$DBWARD" scan --help
has "$TMP/out" "dbward scan --snapshot DIR [OPTIONS]"
has "$TMP/out" "--snapshot DIR"
has "$TMP/out" "formats (-f FORMAT, -o FORMAT:FILE; the first is the default): text json csv junit sarif ocsf asff html matrix matrix-md"
lacks "$TMP/out" "--cross-account"
lacks "$TMP/out" "dbward diff"
run 0 "$DBWARD" help diff
has "$TMP/out" "dbward diff OLD.json NEW.json [OPTIONS]"
has "$TMP/out" "--cross-account"
lacks "$TMP/out" "--snapshot"
run 0 "$DBWARD" query --help
has "$TMP/out" "dbward query EXPRESSION [OPTIONS]"
lacks "$TMP/out" "formats ("
run 2 "$DBWARD" help nosuch
has "$TMP/err" 'unknown command "nosuch"'
run 0 "$DBWARD" help
has "$TMP/out" "dbward COMMAND --help (or dbward help COMMAND)"

# ---- Options are checked per command, wherever they stand.
run 2 "$DBWARD" controls --snapshot "$EX"
has "$TMP/err" 'option --snapshot does not apply to "controls" (see dbward controls --help)'
run 2 "$DBWARD" --snapshot "$EX" explain DMS-01
has "$TMP/err" 'option --snapshot does not apply to "explain"'
run 2 "$DBWARD" scan --snapshot "$EX" --cross-account
has "$TMP/err" 'option --cross-account does not apply to "scan"'
run 2 "$DBWARD" scan --snapshot "$EX" --nosuch
has "$TMP/err" 'unknown or ambiguous option "--nosuch"'
run 2 "$DBWARD" scan --snapshot
has "$TMP/err" 'option --snapshot needs DIR'
run 2 "$DBWARD" scan --snapshot "$EX" --quiet=yes
has "$TMP/err" 'option --quiet takes no value'
run 2 "$DBWARD" scan --snapshot "$EX" extra
has "$TMP/err" 'scan takes no arguments ("extra")'
run 2 "$DBWARD" scan --snapshot "$EX" --color=sometimes
has "$TMP/err" '--color takes always, never or auto, not "sometimes"'
run 2 "$DBWARD" scan --snapshot "$EX" --status PASSED
has "$TMP/err" 'unknown status "PASSED"'

# ---- getopt conventions: attached short values, --opt=value, options after
# the arguments, "--" ending the options.
run 1 "$DBWARD" scan -s"$EX" -rus-east-1 -cDMS-01 -ftext
has "$TMP/out" "regions us-east-1"
lacks "$TMP/out" "eu-west-1"
run 0 "$DBWARD" scan --snapshot="$EX" --region=eu-west-1 --controls=DMS-01
has "$TMP/out" "regions eu-west-1"
run 0 "$DBWARD" explain -- DMS-01
has "$TMP/out" "DMS-01  DMS replication instances are not publicly accessible"
# -p is --profile (Prowler's habit); --param has no short form.
run 2 "$DBWARD" scan --snapshot "$EX" -p audit
has "$TMP/err" "--profile, --endpoint-url, --save-snapshot and --debug are for live scans"
run 2 "$DBWARD" scan --snapshot "$EX" -P x=1
has "$TMP/err" 'unknown option "-P"'

# ---- Empty selections and unknown ids are errors.
run 2 "$DBWARD" scan --snapshot "$EX" -c 'DMS-*' --severity critical
has "$TMP/err" "the selection matches no control: these --controls with this --severity (see dbward controls)"
run 2 "$DBWARD" scan --snapshot "$EX" -c 'XYZ-*'
has "$TMP/err" "--controls XYZ-* matches no control"
printf 'controls:\n  exclude: [DDB-1l]\n' >typo.yaml
run 2 "$DBWARD" scan --snapshot "$EX" --config typo.yaml
has "$TMP/err" "typo.yaml:2:13: controls.exclude DDB-1l matches no control (see dbward controls)"
printf 'controls:\n  include: ["DMS-*"]\n  exclude: ["DMS-*"]\n' >none.yaml
run 2 "$DBWARD" scan --snapshot "$EX" --config none.yaml
has "$TMP/err" "the selection matches no control: these --controls, less the config's exclude"

# ---- history and diff read a history file; only scan creates one.
run 2 "$DBWARD" history --db typo.db
has "$TMP/err" "typo.db: no such history file (dbward scan --db typo.db creates it)"
CHECKS=$((CHECKS + 1)); [ -e typo.db ] && { echo "FAIL: history created typo.db"; FAILS=$((FAILS + 1)); }
run 2 "$DBWARD" diff --db typo.db
has "$TMP/err" "typo.db: no such history file"
CHECKS=$((CHECKS + 1)); [ -e typo.db ] && { echo "FAIL: diff created typo.db"; FAILS=$((FAILS + 1)); }

# ---- The manual page and completions come from the same tables.
run 0 "$DBWARD" man
has "$TMP/out" '\fB\-\-cross\-account\fR'
has "$TMP/out" '\fB\-p\fR, \fB\-\-profile\fR'
run 0 "$DBWARD" completion bash
has "$TMP/out" "--status"
has "$TMP/out" "report"
# Completion per command: only that command's options and formats.
"$DBWARD" completion bash >comp.bash
comp() { bash -c 'source ./comp.bash; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _dbward; echo "${COMPREPLY[*]}"' _ "$@"; }
CHECKS=$((CHECKS + 3))
[ "$(comp dbward diff --c)" = "--cross-account" ] || { echo "FAIL: diff --c completes to: $(comp dbward diff --c)"; FAILS=$((FAILS + 1)); }
[ "$(comp dbward diff -f '')" = "text json" ] || { echo "FAIL: diff -f completes to: $(comp dbward diff -f '')"; FAILS=$((FAILS + 1)); }
[ "$(comp dbward scan --c)" = "--controls --color --concurrency --config" ] ||
  { echo "FAIL: scan --c completes to: $(comp dbward scan --c)"; FAILS=$((FAILS + 1)); }
if [ -x /usr/bin/zsh ]; then
  CHECKS=$((CHECKS + 1))
  "$DBWARD" completion zsh | /usr/bin/zsh -n || { echo "FAIL: zsh completion does not parse"; FAILS=$((FAILS + 1)); }
fi
finish
