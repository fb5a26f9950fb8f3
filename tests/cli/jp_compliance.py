#!/usr/bin/python3
"""Runs the JMESPath compliance suite through `dbward query` with the
interface of jmespath.test's jp-compliance: the document on stdin, the
expression as the last argument, JSON on stdout and exit 0, or a non-zero
exit with the error kind on stderr. Usage: jp_compliance.py DBWARD DIR"""
import json
import os
import subprocess
import sys


def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b if isinstance(a, bool) and isinstance(b, bool) else False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if type(a) != type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


dbward, root = sys.argv[1], sys.argv[2]
ok = bad = 0
for name in sorted(os.listdir(root)):
    if not name.endswith(".json"):
        continue
    for group in json.load(open(os.path.join(root, name))):
        given = json.dumps(group["given"]).encode()
        for case in group["cases"]:
            p = subprocess.run([dbward, "query", case["expression"]], input=given, capture_output=True)
            if "error" in case:
                err = p.stderr.decode().lower()
                kind = case["error"]
                passed = p.returncode != 0 and (kind in err or all(part in err for part in kind.split("-")))
            elif "result" in case:
                passed = p.returncode == 0 and same(json.loads(p.stdout), case["result"])
            else:
                passed = p.returncode == 0
            if passed:
                ok += 1
            else:
                bad += 1
                print("FAIL %s %r: rc=%d out=%s err=%s" % (name, case["expression"], p.returncode,
                                                         p.stdout[:100], p.stderr[:200]))
print("%d passed, %d failed" % (ok, bad))
sys.exit(1 if bad or ok != 908 else 0)
