#!/usr/bin/python3
"""validate_schema.py SCHEMA FILE [--lines] [--github]: validates a JSON
document (or, with --lines, each line of a JSON-lines file) against a JSON
Schema with Debian's python3-jsonschema. --github adds the rules GitHub code
scanning applies to SARIF uploads. Prints every problem; exits 1 on any."""
import json
import sys

import jsonschema


def github_rules(doc):
    problems = []
    for r, run in enumerate(doc["runs"]):
        rules = run["tool"]["driver"].get("rules", [])
        ids = [x["id"] for x in rules]
        if len(rules) > 25000:
            problems.append("run %d: more than 25000 rules" % r)
        for x in rules:
            sev = x.get("properties", {}).get("security-severity")
            if sev is not None and not 0.0 <= float(sev) <= 10.0:
                problems.append("rule %s: security-severity %r out of 0..10" % (x["id"], sev))
        results = run.get("results", [])
        if len(results) > 25000:
            problems.append("run %d: more than 25000 results" % r)
        for i, res in enumerate(results):
            where = "run %d result %d" % (r, i)
            if res.get("ruleId") not in ids:
                problems.append("%s: ruleId %r is not a rule" % (where, res.get("ruleId")))
            elif ids.index(res["ruleId"]) != res.get("ruleIndex", ids.index(res["ruleId"])):
                problems.append("%s: ruleIndex does not point at its rule" % where)
            if not res.get("message", {}).get("text"):
                problems.append("%s: no message.text" % where)
            locs = res.get("locations") or []
            if not locs or "physicalLocation" not in locs[0]:
                problems.append("%s: no physical location" % where)
                continue
            pl = locs[0]["physicalLocation"]
            if not pl.get("artifactLocation", {}).get("uri"):
                problems.append("%s: no artifactLocation.uri" % where)
            if pl.get("region", {}).get("startLine", 0) < 1:
                problems.append("%s: no region.startLine" % where)
            if not res.get("partialFingerprints"):
                problems.append("%s: no partialFingerprints" % where)
    return problems


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    schema = json.load(open(args[0]))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    text = open(args[1], encoding="utf-8").read()
    docs = [json.loads(line) for line in text.splitlines() if line.strip()] if "--lines" in sys.argv else [json.loads(text)]
    problems = []
    for n, doc in enumerate(docs):
        for e in validator.iter_errors(doc):
            problems.append("%s #%d at /%s: %s" % (args[1], n + 1, "/".join(str(p) for p in e.absolute_path), e.message[:300]))
        if "--github" in sys.argv:
            problems += ["%s: %s" % (args[1], p) for p in github_rules(doc)]
    for p in problems[:20]:
        print(p)
    print("%s: %d document(s), %d problem(s)" % (args[1], len(docs), len(problems)))
    sys.exit(1 if problems or not docs else 0)


if __name__ == "__main__":
    main()
