#!/usr/bin/env python3
"""Oracles for reports read back (tests/cli/test_read_back.sh), written from
docs/report-json.md, not from dbward's C:

  report_oracle.py same A.json B.json [--drop-diff]
      A and B hold the same JSON value (objects compared as sets of
      members, so member order does not count). --drop-diff first takes out
      of A what only a diff report has (old, new, the class lists and each
      finding's "diff"), so A can be compared with A read back.

  report_oracle.py diff OLD.json NEW.json DIFF.json [--cross-account]
      DIFF (dbward diff -f json) classes the findings as the documented
      rules say: each class holds the same (key, old status, new status)
      entries, and its findings are NEW's side of each entry with its class.

Prints what differs and exits 1, else exits 0."""
import json
import sys

CLASSES = ["new_failures", "fixed", "changed", "still_failing", "not_evaluated_in_new", "evaluated_in_new_only"]


def first_difference(a, b, path="$"):
    if type(a) is not type(b):
        return "%s: %s against %s" % (path, type(a).__name__, type(b).__name__)
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return "%s.%s: only in %s" % (path, k, "the first" if k in a else "the second")
            d = first_difference(a[k], b[k], "%s.%s" % (path, k))
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return "%s: %d items against %d" % (path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    return None if a == b else "%s: %r against %r" % (path, a, b)


def key(f, cross):
    return ("" if cross else f.get("account_id", ""), f.get("region", ""), f.get("control_id", ""),
            f.get("resource_id", ""))


def accounts(rep):
    if rep.get("accounts"):
        return rep["accounts"]
    return [rep["account_id"]] if rep.get("account_id") else []


def in_scope(rep, f, cross):
    run = rep.get("run")
    if isinstance(run, dict) and run.get("controls"):
        if f["control_id"].lower() not in [c.lower() for c in run["controls"]]:
            return False
    regions = rep.get("regions") or []
    if f["region"] != "global" and regions and f["region"] not in regions:
        return False
    acc = accounts(rep)
    return cross or not acc or f["account_id"] in acc


def classify(old, new, cross):
    oi = {key(f, cross): f for f in old["findings"]}
    ni = {key(f, cross): f for f in new["findings"]}
    out = {c: set() for c in CLASSES}
    for k, n in ni.items():
        o = oi.get(k)
        ns, os_ = n["status"], o["status"] if o else None
        c = None
        if o is None and ns == "FAIL" and not in_scope(old, n, cross):
            c = "evaluated_in_new_only"
        elif ns == "FAIL" and os_ != "FAIL":
            c = "new_failures"
        elif ns == "FAIL":
            c = "changed" if o["reason"] != n["reason"] else "still_failing"
        elif os_ == "FAIL" and ns in ("PASS", "NOT_APPLICABLE"):
            c = "fixed"
        elif o is not None and os_ != ns:
            c = "changed"
        if c:
            out[c].add((k, os_, ns))
    for k, o in oi.items():
        if k in ni or o["status"] != "FAIL":
            continue
        out["fixed" if in_scope(new, o, cross) else "not_evaluated_in_new"].add((k, "FAIL", None))
    return out


def main(argv):
    if len(argv) >= 3 and argv[0] == "same":
        a, b = (json.load(open(p)) for p in argv[1:3])
        if "--drop-diff" in argv:
            for m in ["old", "new"] + CLASSES:
                a.pop(m, None)
            for f in a.get("findings", []):
                f.pop("diff", None)
        d = first_difference(a, b)
        if d:
            print("%s and %s differ: %s" % (argv[1], argv[2], d))
            return 1
        return 0
    if len(argv) >= 4 and argv[0] == "diff":
        old, new, got = (json.load(open(p)) for p in argv[1:4])
        cross = "--cross-account" in argv
        want = classify(old, new, cross)
        bad = 0
        tagged = []
        for c in CLASSES:
            have = set()
            for e in got[c]:
                side = e["new"] or e["old"]
                have.add((key(side, cross), e["old"]["status"] if e["old"] else None,
                          e["new"]["status"] if e["new"] else None))
                if e["new"]:
                    tagged.append((key(e["new"], cross), c))
            if have != want[c] or len(got[c]) != len(have):
                print("%s: dbward has %d entries, the rules %d; only in dbward's: %s; only in the rules': %s"
                      % (c, len(got[c]), len(want[c]), sorted(have - want[c])[:3], sorted(want[c] - have)[:3]))
                bad = 1
        findings = sorted((key(f, cross), f.get("diff")) for f in got["findings"])
        if findings != sorted(tagged):
            print("the diff report's findings are not NEW's side of each entry with its class")
            bad = 1
        return bad
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
