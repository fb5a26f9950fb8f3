#!/usr/bin/python3
"""test_ci_doc.py DBWARD SRC: the CI recipes of docs/ci.md are valid YAML,
hold what the page promises (OIDC, SARIF upload, JUnit, HTML artifact, a
diff gate), and their dbward command lines run: each `dbward scan` line is
run against the example snapshot and each report it names is written."""
import os
import re
import shlex
import subprocess
import sys
import tempfile

import yaml

DBWARD, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
text = open(os.path.join(SRC, "docs/ci.md")).read()
blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
problems = []


def need(what, ok):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        problems.append(what)


need("two YAML recipes", len(blocks) == 2)
gh, gl = (yaml.safe_load(b) for b in blocks)
job = gh["jobs"]["audit"]
steps = job["steps"]
runs = "\n".join(s.get("run", "") for s in steps)
uses = [s.get("uses", "") for s in steps]
need("GitHub: id-token write", gh["permissions"].get("id-token") == "write")
need("GitHub: security-events write", gh["permissions"].get("security-events") == "write")
need("GitHub: SARIF upload of dbward.sarif", any(s.get("uses", "").startswith("github/codeql-action/upload-sarif")
                                                   and s["with"]["sarif_file"] == "dbward.sarif" for s in steps))
need("GitHub: JUnit report", any("junit" in u for u in uses))
need("GitHub: HTML artifact", any(u.startswith("actions/upload-artifact") and "dbward.html" in s["with"]["path"]
                                  for u, s in zip(uses, steps)))
need("GitHub: diff gate", "dbward diff baseline/dbward.json dbward.json" in runs)
need("GitHub: web identity", "AWS_WEB_IDENTITY_TOKEN_FILE" in runs and "AWS_ROLE_ARN" in job["env"])
g = gl["dbward"]
need("GitLab: OIDC id_token for STS", g["id_tokens"]["AWS_OIDC_TOKEN"]["aud"] == "sts.amazonaws.com")
need("GitLab: JUnit report", g["artifacts"]["reports"]["junit"] == "dbward-junit.xml")
need("GitLab: HTML and SARIF kept", {"dbward.html", "dbward.sarif"} <= set(g["artifacts"]["paths"]))
need("GitLab: diff gate", any("dbward diff previous.json dbward.json" in line for line in g["script"]))
need("GitLab: web identity", any("AWS_WEB_IDENTITY_TOKEN_FILE" in line for line in g["before_script"]))

# Run the scan lines offline: the same options, on the example account.
scans = [line for line in (runs.replace("\\\n", " ").splitlines() + g["script"]) if "dbward scan" in line]
need("scan lines found", len(scans) == 2)
for line in scans:
    words = shlex.split(line[line.index("dbward scan"):].split("||")[0])
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.run([DBWARD] + words[1:] + ["--snapshot", os.path.join(SRC, "examples/account")], cwd=tmp,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        need("'%s' runs (exit %d)" % (" ".join(words), p.returncode), p.returncode in (0, 1, 3))
        for w in words:
            if ":" in w and w.split(":")[0] in ("json", "sarif", "junit", "html"):
                f = os.path.join(tmp, w.split(":", 1)[1])
                need("  writes %s" % w, os.path.exists(f) and os.path.getsize(f) > 0)
        d = subprocess.run([DBWARD, "diff", "dbward.json", "dbward.json"], cwd=tmp, stdout=subprocess.DEVNULL)
        need("  the gate passes on an unchanged account", d.returncode == 0)
print("%d problem(s)" % len(problems))
sys.exit(1 if problems else 0)
