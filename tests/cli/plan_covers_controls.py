#!/usr/bin/python3
"""Every call a control names (built-in, or custom from a config) is a row of
the call plan: `dbward controls --format json` against `dbward plan --format
json`. Usage: plan_covers_controls.py DBWARD [CONFIG]"""
import json
import subprocess
import sys


def run(*args):
    out = subprocess.run(list(args), check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    dbward = sys.argv[1]
    extra = ["--config", sys.argv[2]] if len(sys.argv) > 2 else []
    plan = run(dbward, "plan", "--format", "json")
    have = {c["call"] for c in plan["calls"] if c["scope"] != "bootstrap"}
    controls = run(dbward, "controls", "--format", "json", *extra)
    missing = []
    for c in controls:
        for call in c["calls"]:
            if call.split("/", 1)[0] not in have:
                missing.append(f'{c["id"]}: "{call}"')
    if not controls or not have:
        print("no controls or no plan rows", file=sys.stderr)
        return 1
    for m in missing:
        print(f"control names a call the plan lacks: {m}", file=sys.stderr)
    # Each row's parameters are a JSON object (the templates in plan.c parse).
    for c in plan["calls"]:
        if not isinstance(c["params"], dict):
            print(f'{c["call"]}: its parameters are not a JSON object', file=sys.stderr)
            missing.append(c["call"])
    # Each per-resource row's parent is itself a row.
    for c in plan["calls"]:
        if c["parent"] and c["parent"] not in have:
            print(f'{c["call"]}: parent "{c["parent"]}" is not in the plan', file=sys.stderr)
            missing.append(c["call"])
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
