#!/usr/bin/python3
"""Every control in a multi-account snapshot: the demo account copied into a
tree of two accounts (the account id rewritten in every file), scanned as one
tree. Each account's findings must equal the hand-written expected findings
of the demo (examples/expected-findings*.tsv) with the account id rewritten
the same way: nothing lost, added or changed between accounts, and no
finding filed under the wrong account. Every control of the catalog must have
findings in both accounts.
Usage: multi_account_controls.py DBWARD SRC"""
import base64
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

DEMO = "123456789012"
ACCOUNTS = ["111111111111", "222222222222"]


def expected(src, account):
    want = collections.Counter()
    for name in ("expected-findings.tsv", "expected-findings-policy.tsv"):
        with open(os.path.join(src, "examples", name)) as f:
            for line in f:
                line = line.rstrip("\n")
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                control, resource, status = line.split("\t")
                want[(control, resource.replace(DEMO, account), status)] += 1
    return want


def main(dbward, src):
    tmp = tempfile.mkdtemp()
    try:
        tree = os.path.join(tmp, "org")
        os.mkdir(tree)
        for account in ACCOUNTS:
            dst = os.path.join(tree, account)
            shutil.copytree(os.path.join(src, "examples", "account"), dst)
            for root, _, files in os.walk(dst):
                for name in files:
                    path = os.path.join(root, name)
                    with open(path) as f:
                        text = f.read()
                    text = text.replace(DEMO, account)
                    if name == "get-credential-report.json":
                        # The credential report's CSV travels base64-encoded: its ARNs move too.
                        doc = json.loads(text)
                        csv_text = base64.b64decode(doc["Content"]).decode().replace(DEMO, account)
                        doc["Content"] = base64.b64encode(csv_text.encode()).decode()
                        text = json.dumps(doc, indent=4)
                    with open(path, "w") as f:
                        f.write(text)
        out = os.path.join(tmp, "r.json")
        p = subprocess.run([dbward, "scan", "--snapshot", tree, "--config", "/dev/null", "-o", "json:" + out],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if p.returncode not in (0, 1, 3):
            print("scan of the tree failed (exit %d): %s" % (p.returncode, p.stderr))
            return 1
        findings = json.load(open(out))["findings"]
        controls = [c["id"] for c in json.loads(subprocess.run([dbward, "controls", "--format", "json",
                                                                "--config", "/dev/null"],
                                                               capture_output=True, check=True).stdout)
                    if c["id"] != "ACCOUNT"]
        problems = 0
        for account in ACCOUNTS:
            want = expected(src, account)
            got = collections.Counter((f["control_id"], f["resource_id"], f["status"]) for f in findings
                                      if f.get("account_id") == account)
            for k in sorted((want - got).keys()):
                print("%s: expected but not found: %s" % (account, " ".join(k)))
                problems += 1
            for k in sorted((got - want).keys()):
                print("%s: found but not expected: %s" % (account, " ".join(k)))
                problems += 1
            seen = {f["control_id"] for f in findings if f.get("account_id") == account}
            for c in controls:
                if c not in seen:
                    print("%s: control %s has no finding" % (account, c))
                    problems += 1
            others = [f for f in findings if f.get("account_id") == account and
                      any(o in f["resource_id"] for o in ACCOUNTS if o != account)]
            for f in others:
                print("%s: finding names another account: %s" % (account, f["resource_id"]))
                problems += 1
        print("multi-account: %d accounts x %d controls, %d findings, %d problem(s)" %
              (len(ACCOUNTS), len(controls), len(findings), problems))
        return 1 if problems else 0
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
