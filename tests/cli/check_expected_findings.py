#!/usr/bin/python3
"""Compares a --format json scan of a snapshot with hand-written expected
findings: the multisets of (control, resource id, status) must be equal.
Usage: check_expected_findings.py DBWARD SNAPSHOT EXPECTED.tsv [MORE.tsv ...]
Each expected file holds `control<TAB>resource<TAB>status` lines; '#' lines
and blank lines are ignored. Only the controls named in the expected files
are compared, so a file may cover a part of the catalog. Prints every
difference and exits 1 when there is one."""
import collections
import json
import subprocess
import sys


def load_expected(paths):
    want = collections.Counter()
    for path in paths:
        with open(path) as f:
            for no, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                parts = line.split("\t")
                if len(parts) != 3 or not all(parts):
                    sys.exit("%s:%d: want control<TAB>resource<TAB>status, got %r" % (path, no, line))
                want[tuple(parts)] += 1
    return want


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    dbward, snap, files = argv[1], argv[2], argv[3:]
    want = load_expected(files)
    controls = sorted({c for c, _r, _s in want})
    r = subprocess.run([dbward, "scan", "--snapshot", snap, "--format", "json"], capture_output=True, text=True)
    if r.returncode not in (0, 1, 3):
        sys.exit("dbward scan exited %d: %s" % (r.returncode, r.stderr.strip()))
    report = json.loads(r.stdout)
    got = collections.Counter((f["control_id"], f["resource_id"], f["status"]) for f in report["findings"]
                              if f["control_id"] in controls)
    missing = want - got
    extra = got - want
    for c, res, st in sorted(missing.elements()):
        print("expected but not found: %s %s %s" % (c, res, st))
    for c, res, st in sorted(extra.elements()):
        print("found but not expected: %s %s %s" % (c, res, st))
    n = sum(want.values())
    if missing or extra:
        print("%d difference(s) against %d expected findings of %d controls" % (len(list(missing.elements())) + len(list(extra.elements())), n, len(controls)))
        return 1
    print("ok: %d findings of %d controls as expected" % (n, len(controls)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
