#!/usr/bin/env python3
"""Fails unless the control cases cover the catalog clause by clause.

The clauses are declared on each control's registry row (`.clauses`, read
here from `dbward controls --format json`), not next to the cases:
 - every evaluated control has pass, fail and error cases;
 - every clause has a fail-<clause> case (fail-<clause>-<variant> counts),
   and every fail-* case of a control with clauses names one of them;
 - every regional control has a two-regions case.
usage: case_coverage.py DBWARD CASES_DIR"""
import json
import os
import subprocess
import sys

# Regional controls without a two-regions case, and why.
NO_TWO_REGIONS = {
    "ACC-05": "key policies are judged per key; the region only names the key (its ARN)",
}
# Controls whose fail cases are not yet tied to clauses (policy engine;
# the brute-force differential in tests/policy/ covers its semantics).
NO_CLAUSES_YET = {"DDB-01", "ACC-05"}


def main():
    dbward, cases = sys.argv[1], sys.argv[2]
    out = subprocess.run([dbward, "controls", "--format", "json"], check=True, capture_output=True, text=True).stdout
    controls = [c for c in json.loads(out) if c["id"] != "ACCOUNT"]  # ACCOUNT: cli/test_accounts
    problems = []
    n_clauses = 0
    for c in controls:
        cid = c["id"]
        here = os.path.join(cases, cid)
        for kind in ("pass", "fail", "error"):
            if not os.path.isfile(os.path.join(here, kind, "expected")):
                problems.append("missing case: %s/%s" % (cid, kind))
        if not c["global"] and cid not in NO_TWO_REGIONS and not os.path.isfile(os.path.join(here, "two-regions", "expected")):
            problems.append("missing case: %s/two-regions" % cid)
        clauses = c.get("clauses", [])
        if not clauses and cid not in NO_CLAUSES_YET:
            problems.append("%s declares no clauses on its registry row" % cid)
        fails = [d for d in (os.listdir(here) if os.path.isdir(here) else [])
                 if d.startswith("fail-") and os.path.isfile(os.path.join(here, d, "expected"))]
        for cl in clauses:
            n_clauses += 1
            if not any(d == "fail-" + cl or d.startswith("fail-" + cl + "-") for d in fails):
                problems.append("clause without a failing case: %s %s (want %s/fail-%s)" % (cid, cl, cid, cl))
        if clauses:
            for d in fails:
                if not any(d == "fail-" + cl or d.startswith("fail-" + cl + "-") for cl in clauses):
                    problems.append("case %s/%s names no clause of %s" % (cid, d, cid))
    folders = [d for d in os.listdir(cases) if os.path.isdir(os.path.join(cases, d))]
    if len(folders) != len(controls):
        problems.append("expected %d control folders (one per evaluated control), found %d" % (len(controls), len(folders)))
    for p in problems:
        print(p)
    if problems:
        return 1
    print("ok: %d controls, %d clauses, each with a failing case" % (len(controls), n_clauses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
