#!/usr/bin/python3
"""dbward scan --shard I/N over a tree of account folders, and dbward merge of
the shards' reports. The demo account is copied into a tree of seven accounts
(its id rewritten in every file). For N = 1..5 and every I, the shard's
report lists exactly the accounts this file's own reading of the rule gives
(the ids sorted, position p goes to shard p mod N); together the shards of
one N cover every account exactly once and differ in size by one at most;
and the merge of the N shard reports has the findings of the unsharded scan
of the tree. --shard auto/N takes the index from JOB_COMPLETION_INDEX or
AWS_BATCH_JOB_ARRAY_INDEX; bad values are usage errors (exit 2).
Usage: shards.py DBWARD SRC"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

DEMO = "123456789012"
# Listed out of order on purpose: the rule sorts.
ACCOUNTS = ["555555555555", "111111111111", "777777777777", "222222222222", "666666666666",
            "333333333333", "444444444444"]
FAILS = []


def check(what, ok):
    if not ok:
        FAILS.append(what)
        print("FAIL: " + what)


def make_tree(src, tree):
    os.mkdir(tree)
    for account in ACCOUNTS:
        dst = os.path.join(tree, account)
        shutil.copytree(os.path.join(src, "examples", "account"), dst)
        for root, _, files in os.walk(dst):
            for name in files:
                path = os.path.join(root, name)
                with open(path) as f:
                    text = f.read()
                with open(path, "w") as f:
                    f.write(text.replace(DEMO, account))


def scan(dbward, args, out, env=None):
    e = dict(os.environ)
    for k in ("JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"):
        e.pop(k, None)
    e.update(env or {})
    p = subprocess.run([dbward, "scan", "--config", "/dev/null", "-f", "json", "-o", out] + args,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=e)
    return p.returncode, p.stderr


def key(report):
    return sorted(json.dumps([f["account_id"], f["region"], f["control_id"], f["resource_id"], f["status"],
                              f["reason"]]) for f in report["findings"])


def main(dbward, src):
    tmp = tempfile.mkdtemp()
    try:
        tree = os.path.join(tmp, "org")
        make_tree(src, tree)
        full_path = os.path.join(tmp, "full.json")
        rc, err = scan(dbward, ["--snapshot", tree], full_path)
        check("the unsharded scan runs (exit %d: %s)" % (rc, err), rc in (0, 1, 3))
        full = json.load(open(full_path))
        check("the unsharded scan has every account", sorted(full["accounts"]) == sorted(ACCOUNTS))
        ordered = sorted(ACCOUNTS)
        for n in range(1, 6):
            seen = []
            paths = []
            for i in range(n):
                path = os.path.join(tmp, "s%d-%d.json" % (n, i))
                rc, err = scan(dbward, ["--snapshot", tree, "--shard", "%d/%d" % (i, n)], path)
                check("shard %d/%d runs (exit %d: %s)" % (i, n, rc, err), rc in (0, 1, 3))
                got = json.load(open(path))
                want = [a for p, a in enumerate(ordered) if p % n == i]
                check("shard %d/%d has %s, not %s" % (i, n, want, got["accounts"]),
                      sorted(got["accounts"]) == want)
                check("shard %d/%d's findings are of its accounts" % (i, n),
                      {f["account_id"] for f in got["findings"]} <= set(want))
                check("shard %d/%d says which share it is" % (i, n), "shard %d/%d" % (i, n) in err)
                seen += got["accounts"]
                paths.append(path)
            check("N=%d: every account exactly once" % n, sorted(seen) == ordered)
            sizes = [len([a for p, a in enumerate(ordered) if p % n == i]) for i in range(n)]
            check("N=%d: balanced (%s)" % (n, sizes), max(sizes) - min(sizes) <= 1)
            merged = os.path.join(tmp, "m%d.json" % n)
            p = subprocess.run([dbward, "merge"] + paths + ["-o", merged], capture_output=True, text=True)
            check("N=%d: merge runs (exit %d: %s)" % (n, p.returncode, p.stderr), p.returncode == 0)
            m = json.load(open(merged))
            check("N=%d: the merged findings are the unsharded scan's" % n, key(m) == key(full))
            check("N=%d: the merged accounts are every account" % n, sorted(m["accounts"]) == ordered)
            check("N=%d: the merged summary is the unsharded scan's" % n, m["summary"] == full["summary"])
        # More shards than accounts: an empty share is an empty report, not an error.
        path = os.path.join(tmp, "empty.json")
        rc, err = scan(dbward, ["--snapshot", tree, "--shard", "8/9"], path)
        check("an empty shard exits 0 (got %d: %s)" % (rc, err), rc == 0)
        check("an empty shard lists no account", json.load(open(path))["accounts"] == [])
        merged = os.path.join(tmp, "m-empty.json")
        p = subprocess.run([dbward, "merge", path, full_path, "-o", merged], capture_output=True, text=True)
        check("an empty shard merges into nothing (exit %d)" % p.returncode,
              p.returncode == 0 and key(json.load(open(merged))) == key(full)
              and sorted(json.load(open(merged))["accounts"]) == ordered)
        # auto/N: the index from the batch system's environment.
        for env, want in (({"JOB_COMPLETION_INDEX": "2"}, 2), ({"AWS_BATCH_JOB_ARRAY_INDEX": "1"}, 1),
                          ({"JOB_COMPLETION_INDEX": "0", "AWS_BATCH_JOB_ARRAY_INDEX": "0"}, 0)):
            path = os.path.join(tmp, "auto.json")
            rc, err = scan(dbward, ["--snapshot", tree, "--shard", "auto/3"], path, env)
            got = json.load(open(path))["accounts"] if rc in (0, 1, 3) else None
            check("auto/3 with %s is shard %d" % (env, want),
                  got is not None and sorted(got) == [a for p, a in enumerate(ordered) if p % 3 == want])
        # Bad values: usage errors, with no report.
        bad = [(["--shard", "3/3"], {}), (["--shard", "1/0"], {}), (["--shard", "-1/2"], {}),
               (["--shard", "a/2"], {}), (["--shard", "1/"], {}), (["--shard", "2"], {}),
               (["--shard", "1/2x"], {}), (["--shard", "0/10001"], {}), (["--shard", "auto/2"], {}),
               (["--shard", "auto/2"], {"JOB_COMPLETION_INDEX": "2"}),
               (["--shard", "auto/2"], {"AWS_BATCH_JOB_ARRAY_INDEX": "x"}),
               (["--shard", "auto/2"], {"JOB_COMPLETION_INDEX": "0", "AWS_BATCH_JOB_ARRAY_INDEX": "1"})]
        for args, env in bad:
            path = os.path.join(tmp, "bad.json")
            if os.path.exists(path):
                os.unlink(path)
            rc, err = scan(dbward, ["--snapshot", tree] + args, path, env)
            check("%s %s is a usage error (exit %d: %s)" % (args, env, rc, err.strip()),
                  rc == 2 and "--shard" in err and not os.path.exists(path))
        rc, err = scan(dbward, ["--snapshot", os.path.join(tree, ACCOUNTS[0]), "--shard", "0/2"],
                       os.path.join(tmp, "one.json"))
        check("--shard on one account's snapshot is a usage error (exit %d)" % rc, rc == 2)
        rc, err = scan(dbward, ["--shard", "0/2", "--endpoint-url", "http://127.0.0.1:9"],
                       os.path.join(tmp, "live.json"))
        check("--shard without --accounts or --snapshot is a usage error (exit %d)" % rc, rc == 2)
    finally:
        shutil.rmtree(tmp)
    print("%d failures" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
