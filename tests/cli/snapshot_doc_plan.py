#!/usr/bin/python3
"""docs/snapshot.md's "Every file dbward reads" table lists exactly the calls
of the call plan (`dbward plan --format json`). Usage: snapshot_doc_plan.py DBWARD SRC"""
import json
import os
import re
import subprocess
import sys

plan = json.loads(subprocess.run([sys.argv[1], "plan", "--format", "json"], check=True, capture_output=True,
                                 text=True).stdout)
want = {c["call"] for c in plan["calls"] if c["scope"] != "bootstrap"}
text = open(os.path.join(sys.argv[2], "docs", "snapshot.md")).read()
table = text.split("## Every file dbward reads", 1)[1]
have = set(re.findall(r"^\| `[^`]+` \| `aws ([a-z0-9]+ [a-z0-9-]+)", table, re.M))
bad = 0
for c in sorted(want - have):
    print("docs/snapshot.md does not list the plan's call %s" % c)
    bad += 1
for c in sorted(have - want):
    print("docs/snapshot.md lists %s, which is not in the plan" % c)
    bad += 1
print("%d plan calls, %d documented" % (len(want), len(have)))
sys.exit(1 if bad else 0)
