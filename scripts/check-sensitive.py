#!/usr/bin/python3
"""Checks dbward's list of sensitive members (src/redact/redact.c) against
Debian's botocore models: every member bound to a shape, or itself marked,
with the `sensitive` trait, in the input or output shapes of the operations
dbward calls (the call plan, `dbward plan --format json`,
and scripts/gen-aws-models.py EXTRA), must be on the list, apart
from the documented exceptions. Exit 1 names the missing ones.

Usage: check-sensitive.py SRC_DIR DBWARD"""
import importlib.util
import os
import re
import sys

import botocore.session

# Organizations' AccountName and Email: personal data, and member names
# ("Name", "Email") that would blank every resource name (redact.c says why).
EXCEPTIONS = {("organizations", "Name"), ("organizations", "Email"),
              # Firehose's HTTP endpoint attribute names and Redshift/Snowflake user names: DynamoDB's
              # AttributeName (TTL, key schema) and DMS's Username are read by controls, and a name is
              # not the secret (the values, URLs, passwords and HEC token are redacted).
              ("firehose", "AttributeName"), ("firehose", "Username")}


def main():
    src = sys.argv[1]
    spec = importlib.util.spec_from_file_location("gen", os.path.join(src, "scripts", "gen-aws-models.py"))
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    text = open(os.path.join(src, "src", "redact", "redact.c")).read()
    block = re.search(r"s_sensitive\[\] = \{(.*?)\};", text, re.S).group(1)
    listed = set(re.findall(r'"([A-Za-z0-9]+)"', block))
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    calls = gen.plan_calls(session, sys.argv[2])
    found = {}
    for svc, ops in calls.items():
        shapes = loader.load_service_model(gen.boto_name(svc), "service-2")["shapes"]
        model_ops = loader.load_service_model(gen.boto_name(svc), "service-2")["operations"]
        seen = set()
        todo = [model_ops[op][io]["shape"] for op in ops for io in ("input", "output") if io in model_ops[op]]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            s = shapes[name]
            for mname, m in s.get("members", {}).items():
                if m.get("sensitive") or shapes[m["shape"]].get("sensitive"):
                    found.setdefault(mname, set()).add(svc)
                todo.append(m["shape"])
            for k in ("member", "key", "value"):
                if k in s:
                    todo.append(s[k]["shape"])
    missing = sorted("%s (%s)" % (m, ", ".join(sorted(svcs))) for m, svcs in found.items()
                     if m not in listed and not all((svc, m) in EXCEPTIONS for svc in svcs))
    print("sensitive members in the models of dbward's %d calls: %s" %
          (sum(len(o) for o in calls.values()), ", ".join(sorted(found))))
    if missing:
        print("missing from src/redact/redact.c s_sensitive: " + ", ".join(missing))
        return 1
    print("all %d are redacted (%d exceptions documented)" % (len(found), len(EXCEPTIONS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
