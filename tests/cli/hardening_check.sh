#!/usr/bin/env bash
# Debian's hardening-check (devscripts) on a built dbward binary: stack
# protector, FORTIFY, PIE, read-only relocations and immediate binding must
# be "yes". FORTIFY may be "unknown" (the tool says so when no fortifiable
# call is used at all); "no" fails.
# Control flow integrity: the tool looks for the ELF note "x86 feature: IBT,
# SHSTK", which ld writes only when every object linked has it; Debian 12's
# glibc start files (Scrt1.o, crti.o) have none, so no binary built there
# gets it (the tool says "no" for /bin/ls too). So when the compiler took
# -fcf-protection (CET=1) and the note is absent, the check is that the code
# carries the IBT landing pads: every dw_* function starts with endbr64 (a
# stripped binary: at least 100 endbr64).
# Usage: hardening_check.sh HARDENING_CHECK BINARY [CET: 1 or 0]
set -uo pipefail
tool=$1 bin=$2 cet=${3:-1}
out=$("$tool" "$bin" 2>&1)
echo "$out"
fails=0
need() { # need LABEL ACCEPTED-REGEX
  local line
  line=$(grep -F " $1:" <<<"$out" | head -1)
  if [ -z "$line" ]; then
    echo "FAIL: hardening-check printed no \"$1\" line"; fails=$((fails + 1))
  elif ! [[ ${line#*: } =~ $2 ]]; then
    echo "FAIL: $line"; fails=$((fails + 1))
  fi
}
need "Position Independent Executable" '^yes'
need "Stack protected" '^yes'
need "Fortify Source functions" '^(yes|unknown)'
need "Read-only relocations" '^yes'
need "Immediate binding" '^yes'
cfi=$(grep -F " Control flow integrity:" <<<"$out" | head -1)
if [ "$cet" = 1 ] && ! [[ ${cfi#*: } =~ ^yes ]]; then
  dis=$(objdump -d --no-show-raw-insn "$bin" 2>/dev/null)
  funcs=$(grep -cE '^[0-9a-f]+ <dw_[a-z0-9_]+>:$' <<<"$dis")
  if [ "$funcs" -gt 0 ]; then
    missing=$(grep -A1 -E '^[0-9a-f]+ <dw_[a-z0-9_]+>:$' <<<"$dis" | grep -E '^ +[0-9a-f]+:' | grep -vc endbr64)
    echo "CET: no IBT/SHSTK note (the toolchain's start files lack it); $((funcs - missing)) of $funcs dw_* functions start with endbr64"
    [ "$missing" -eq 0 ] || { echo "FAIL: $missing dw_* functions without endbr64"; fails=$((fails + 1)); }
  else
    n=$(grep -c endbr64 <<<"$dis")
    echo "CET: no IBT/SHSTK note (the toolchain's start files lack it); stripped binary, $n endbr64"
    [ "$n" -ge 100 ] || { echo "FAIL: only $n endbr64: built without -fcf-protection?"; fails=$((fails + 1)); }
  fi
fi
echo "hardening: $fails failed"
[ "$fails" -eq 0 ]
