#!/usr/bin/python3
"""shard_recipes.py DBWARD SRC: the three shard recipes of docs/accounts.md
(a Kubernetes Indexed Job, an AWS Batch array job, a GitHub Actions matrix)
parse, hold the fields that make them shard (checked by hand here, and the
Batch documents against botocore's RegisterJobDefinition and SubmitJob input
shapes), and their dbward lines work: each scan line is run as the batch
system would run it, once per index with that index in its variable, with
dbward standing in through a wrapper that replaces the live account list by
a generated tree of five accounts; together the shards' reports must cover
every account exactly once, and the recipe's merge line must join them.
No network: nothing is submitted anywhere."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import botocore.session
import yaml
from botocore.validate import ParamValidator

DBWARD, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
text = open(os.path.join(SRC, "docs/accounts.md")).read()
section = text[text.index("## Past one machine"):]
yamls = re.findall(r"```yaml\n(.*?)```", section, re.S)
jsons = re.findall(r"```json\n(.*?)```", section, re.S)
ACCOUNTS = ["444444444444", "111111111111", "555555555555", "222222222222", "333333333333"]
problems = []


def need(what, ok):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        problems.append(what)


def shard_count(line):
    m = re.search(r"--shard (?:auto|\S+)/(\d+)", line)
    return int(m.group(1)) if m else None


def run_shards(name, line, n, env_of, fix, tmp, tree):
    """Runs the recipe's shell line once per index and checks the reports cover the tree."""
    out = os.path.join(tmp, name)
    os.mkdir(out)
    bin_dir = os.path.join(tmp, "bin")
    seen = []
    for i in range(n):
        env = dict(os.environ, PATH=bin_dir + ":" + os.environ["PATH"], OUT=out, TREE=tree)
        for k in ("JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"):
            env.pop(k, None)
        env.update(env_of(i))
        sh = fix(line, i, out)
        p = subprocess.run(["sh", "-c", sh], env=env, capture_output=True, text=True, cwd=out)
        need("%s: index %d runs (exit %d: %s)" % (name, i, p.returncode, p.stderr.strip()[-300:]), p.returncode == 0)
    reports = sorted(f for f in os.listdir(out) if f.startswith("shard-") and f.endswith(".json"))
    need("%s: one report per index (%s)" % (name, reports), len(reports) == n)
    for r in reports:
        seen += json.load(open(os.path.join(out, r)))["accounts"]
    need("%s: the shards cover every account exactly once (%s)" % (name, sorted(seen)),
         sorted(seen) == sorted(ACCOUNTS))
    return out


def main():
    need("two YAML recipes (Kubernetes, GitHub Actions)", len(yamls) == 2)
    need("two JSON documents (Batch definition, submission)", len(jsons) == 2)
    k8s, gh = (yaml.safe_load(b) for b in yamls)
    jobdef, submit = (json.loads(b) for b in jsons)
    tmp = tempfile.mkdtemp()
    try:
        tree = os.path.join(tmp, "tree")
        os.mkdir(tree)
        for a in ACCOUNTS:
            subprocess.run(["/usr/bin/python3", os.path.join(SRC, "bench/gen-account.py"), os.path.join(tree, a),
                            "--account", a, "--regions", "1", "--dms", "1", "--tables", "1", "--keys", "1",
                            "--users", "1"], check=True, stdout=subprocess.DEVNULL)
        bin_dir = os.path.join(tmp, "bin")
        os.mkdir(bin_dir)
        # dbward as the recipes call it, offline: --accounts LIST and --role-name NAME become --snapshot TREE.
        with open(os.path.join(bin_dir, "dbward"), "w") as f:
            f.write("#!/usr/bin/python3\nimport os, sys\nargs = sys.argv[1:]\nout = []\ni = 0\n"
                    "while i < len(args):\n"
                    "    if args[i] in ('--accounts', '--role-name'):\n        i += 2\n        continue\n"
                    "    out.append(args[i])\n    i += 1\n"
                    "if out and out[0] == 'scan':\n    out += ['--snapshot', os.environ['TREE']]\n"
                    "os.execv(%r, [%r] + out)\n" % (DBWARD, DBWARD))
        os.chmod(os.path.join(bin_dir, "dbward"), 0o755)
        with open(os.path.join(tmp, "accounts.txt"), "w") as f:
            f.write("\n".join(ACCOUNTS) + "\n")

        # Kubernetes Indexed Job.
        spec = k8s["spec"]
        pod = spec["template"]["spec"]
        c = pod["containers"][0]
        line = " ".join(c["args"])
        need("k8s: batch/v1 Job", k8s["apiVersion"] == "batch/v1" and k8s["kind"] == "Job")
        need("k8s: completionMode Indexed", spec["completionMode"] == "Indexed")
        need("k8s: restartPolicy Never or OnFailure", pod["restartPolicy"] in ("Never", "OnFailure"))
        need("k8s: --shard auto/N with N = completions", "--shard auto/" in line
             and shard_count(line) == spec["completions"])
        need("k8s: parallelism <= completions", spec.get("parallelism", 1) <= spec["completions"])
        need("k8s: the mounts name declared volumes",
             {m["name"] for m in c["volumeMounts"]} <= {v["name"] for v in pod["volumes"]})
        need("k8s: a report per index", "$JOB_COMPLETION_INDEX" in line)
        run_shards("k8s", line, spec["completions"], lambda i: {"JOB_COMPLETION_INDEX": str(i)},
                   lambda s, i, out: s.replace("/config/accounts.txt", os.path.join(tmp, "accounts.txt"))
                   .replace("/reports/", out + "/"), tmp, tree)

        # AWS Batch array job, against botocore's shapes of the calls that take these documents.
        batch = botocore.session.get_session().get_service_model("batch")
        for op, doc in (("RegisterJobDefinition", jobdef), ("SubmitJob", submit)):
            report = ParamValidator().validate(doc, batch.operation_model(op).input_shape)
            need("batch: %s input is valid for botocore (%s)" % (op, report.generate_report()),
                 not report.has_errors())
        cmd = jobdef["containerProperties"]["command"]
        bline = cmd[-1]
        need("batch: --shard auto/N with N = arrayProperties.size", "--shard auto/" in bline
             and shard_count(bline) == submit["arrayProperties"]["size"])
        need("batch: the submission names the definition", submit["jobDefinition"] == jobdef["jobDefinitionName"])
        need("batch: ACCOUNTS and RUN given", {"ACCOUNTS", "RUN"} <=
             {e["name"] for e in submit["containerOverrides"]["environment"]})
        envs = {e["name"]: e["value"] for e in submit["containerOverrides"]["environment"]}
        envs["ACCOUNTS"] = ",".join(ACCOUNTS)
        run_shards("batch", bline, submit["arrayProperties"]["size"],
                   lambda i: dict(envs, AWS_BATCH_JOB_ARRAY_INDEX=str(i)),
                   lambda s, i, out: s.replace("aws s3 cp", "cp").replace("s3://audit-reports/$RUN/", out + "/")
                   .replace("/tmp/shard.json", out + "/part.json"), tmp, tree)

        # GitHub Actions matrix.
        scan = gh["jobs"]["scan"]
        merge = gh["jobs"]["merge"]
        runs = [s["run"] for s in scan["steps"] if "run" in s and "dbward scan" in s["run"]]
        need("actions: one scan step", len(runs) == 1)
        gline = runs[0]
        n = shard_count(gline.replace("${{ matrix.shard }}", "0"))
        need("actions: the matrix is 0..N-1 for --shard I/N", scan["strategy"]["matrix"]["shard"] == list(range(n or 0)))
        need("actions: fail-fast off (one shard's failure keeps the others)", scan["strategy"]["fail-fast"] is False)
        need("actions: merge needs the scans", merge["needs"] == "scan")
        need("actions: OIDC token", gh["permissions"]["id-token"] == "write")
        dl = [s for s in merge["steps"] if s.get("uses", "").startswith("actions/download-artifact")]
        need("actions: the merge downloads every shard into one folder",
             len(dl) == 1 and dl[0]["with"]["pattern"] == "shard-*" and dl[0]["with"]["merge-multiple"] is True)
        out = run_shards("actions", gline, n or 0, lambda i: {},
                         lambda s, i, out: s.replace("${{ matrix.shard }}", str(i))
                         .replace("accounts.txt", os.path.join(tmp, "accounts.txt")), tmp, tree)
        mline = [s["run"] for s in merge["steps"] if "dbward merge" in s.get("run", "")]
        need("actions: one merge step", len(mline) == 1)
        p = subprocess.run(["sh", "-c", mline[0]], cwd=out, capture_output=True, text=True,
                           env=dict(os.environ, PATH=bin_dir + ":" + os.environ["PATH"]))
        need("actions: the merge line runs (exit %d: %s)" % (p.returncode, p.stderr.strip()), p.returncode == 0)
        if p.returncode == 0:
            need("actions: the merged report has every account",
                 sorted(json.load(open(os.path.join(out, "org.json")))["accounts"]) == sorted(ACCOUNTS))
    finally:
        shutil.rmtree(tmp)
    print("%d problems" % len(problems))
    return 1 if problems else 0


sys.exit(main())
