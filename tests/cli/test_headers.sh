#!/usr/bin/env bash
# Every public header compiles on its own, in C17, with the project's warnings.
set -uo pipefail
SRC=$2
cc=${CC:-cc}
fails=0
n=0
for h in "$SRC"/include/dbward/*.h; do
  n=$((n + 1))
  name=$(basename "$h")
  if ! printf '#include <dbward/%s>\n' "$name" | \
       $cc -std=c17 -Wall -Wextra -Werror -Wstrict-prototypes -fsyntax-only -I "$SRC/include" \
           $(pkg-config --cflags jansson) -x c - 2>&1; then
    echo "FAIL: $name does not compile on its own"
    fails=$((fails + 1))
  fi
done
echo "$n headers, $fails failed"
[ "$fails" -eq 0 ] && [ "$n" -gt 0 ]
