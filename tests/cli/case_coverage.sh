#!/usr/bin/env bash
# Fails unless every control in the catalog has pass, fail and error cases.
set -euo pipefail
dbward=$1 dir=$2
missing=0
for id in $("$dbward" controls --format json | grep -o '"id": "[A-Z0-9-]*"' | cut -d'"' -f4); do
  for kind in pass fail error; do
    if [ ! -f "$dir/$id/$kind/expected" ]; then
      echo "missing case: $id/$kind"
      missing=1
    fi
  done
done
n=$(ls -d "$dir"/*/ | wc -l)
[ "$n" -eq 31 ] || { echo "expected 31 control folders, found $n"; missing=1; }
exit $missing
