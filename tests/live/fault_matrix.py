#!/usr/bin/python3
"""fault_matrix.py DBWARD SRC: every fault at every call dbward makes, against
one mock AWS server serving the example account.

For each call seen in a clean live scan (STS identity aside: without it there
is no account to scan, and tests/live/test_credentials.sh covers that) and
each fault below, it scans live with the fault injected on that call in every
region, and asserts that:
  - the scan completes (exit 0, 1 or 3) with a JSON report;
  - every finding of a control that does not read the call is unchanged
    (same status and reason, no finding added or lost);
  - the controls that read the call are ERROR where their data was lost, each
    ERROR with a reason, and no finding turned into PASS that was not PASS;
  - faults that a client must absorb (an empty page once, throttling that
    clears) change nothing at all.
Prints a faults x calls table and exits 1 on any broken assertion. The cells run
FAULT_MATRIX_JOBS at a time (default 6), each against a mock of its own: a scan
mostly waits (timeouts, retry back-off), so six fit on two cores."""
import concurrent.futures
import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

DBWARD, SRC = sys.argv[1], sys.argv[2]
# fault name -> (fault list entry extras, expectation)
FAULTS = [
    ("throttle", {}, "error"),               # throttled on every attempt: retries run out
    ("throttle-once", {"fault": "throttle", "times": 1}, "same"),
    ("500", {}, "error"),
    ("503", {}, "error"),
    ("reset", {}, "error"),
    ("slow", {}, "error"),                    # past --timeout on every attempt (3.5 s > 3 s: the margin
                                              # keeps a loaded sanitizer build from timing out elsewhere)
    ("truncate", {}, "error"),
    ("malformed", {}, "error"),
    ("denied", {}, "error"),
    ("expired", {}, "error"),                 # the token expires mid-scan
    ("empty-page", {"times": 1}, "same"),    # an empty page with a next token: follow it

]
PROBLEMS = []


def plan_depends():
    """Calls the live collector makes from another call's answer, from the call
    plan (`dbward plan --format json`): a fault on the parent loses the child too."""
    plan = json.loads(subprocess.run([DBWARD, "plan", "--format", "json"], capture_output=True, check=True).stdout)
    deps = {}
    for c in plan["calls"]:
        if c["parent"] and c["call"] not in deps.setdefault(c["parent"], []):
            deps[c["parent"]].append(c["call"])
    return deps


DEPENDS = plan_depends()


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    urllib.request.urlopen(req, timeout=10).read()


def scan(url, out, env):
    cmd = [DBWARD, "scan", "--endpoint-url", url, "--format", "json", "--output", out,
           "--timeout", "3", "--max-attempts", "2"]
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=240)
    return p.returncode, p.stderr.decode(errors="replace")


def same_reading(b, g):
    """One finding read alike in two scans. Ages are measured from the
    clock, so a day can tick over between the baseline and a cell (a backup
    taken at 03:00 is 13 days old at 02:59 and 14 at 03:00): with the same
    status, reasons that differ only in their digits are the same reading."""
    if not b or not g or b["status"] != g["status"]:
        return False
    return b["reason"] == g["reason"] or re.sub(r"[0-9]+", "#", b["reason"]) == re.sub(r"[0-9]+", "#", g["reason"])


def keyed(report):
    return {(f["control_id"], f["region"], f["resource_id"]): f for f in report["findings"]}


def main():
    tmp = tempfile.mkdtemp()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": "AKIDMOCKLONGTERM01", "AWS_SECRET_ACCESS_KEY": "mock-secret-key-long-term",
                "AWS_EC2_METADATA_DISABLED": "true", "HOME": tmp, "DBWARD_RETRY_BASE_MS": "5",
                "MOCK_SLOW_SECONDS": "3.5"})
    # One mock per worker: a mock's fault list is global, so two scans at once need two mocks.
    jobs = max(1, int(os.environ.get("FAULT_MATRIX_JOBS", "6")))
    mocks, urls = [], []
    for i in range(jobs):
        port_file = os.path.join(tmp, "port%d" % i)
        mocks.append(subprocess.Popen(["/usr/bin/python3", os.path.join(SRC, "tests/mock/mock_aws.py"),
                                       "--snapshot", os.path.join(SRC, "examples/account"),
                                       "--port-file", port_file, "--max-seconds", "1500"], env=env))
        for _ in range(200):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.05)
        urls.append("http://127.0.0.1:" + open(port_file).read().strip())
    try:
        url = urls[0]
        controls = json.loads(subprocess.run([DBWARD, "controls", "--format", "json"], capture_output=True,
                                             check=True).stdout)
        reads = {c["id"]: [x.split("/")[0] for x in c["calls"]] for c in controls}
        post(url + "/__mock/faults", [])
        base_path = os.path.join(tmp, "base.json")
        rc, err = scan(url, base_path, env)
        if rc not in (0, 1, 3):
            print("baseline scan failed (%d): %s" % (rc, err))
            return 1
        base = keyed(json.load(open(base_path)))
        stats = json.loads(urllib.request.urlopen(url + "/__mock/stats").read())
        calls = sorted(c for c in stats["by_call"] if not c.startswith("sts "))
        # Bootstrap calls decide what is scanned at all; when they fail, the scan
        # must stop with a message naming the call (exit 2), not guess a scope.
        bootstrap = {"ec2 describe-regions": "cannot list the account's regions"}
        table = {}
        started = time.time()
        affected_by = {}
        for call in calls:
            lost = {call}
            while True:
                more = {d for c in lost for d in DEPENDS.get(c, [])} - lost
                if not more:
                    break
                lost |= more
            affected_by[call] = {cid for cid, r in reads.items() if lost & set(r)}
            if not affected_by[call] and call not in bootstrap:
                PROBLEMS.append("%s: no control lists this call among the calls it reads" % call)
        free = queue.Queue()
        for i, u in enumerate(urls):
            free.put((u, os.path.join(tmp, "r%d.json" % i)))

        def cell(call, name, extra, expect):
            affected = affected_by[call]
            mock_url, out = free.get()
            try:
                fault = {"call": call, "fault": name}
                fault.update(extra)
                post(mock_url + "/__mock/faults", [fault])
                if os.path.exists(out):
                    os.unlink(out)
                rc, err = scan(mock_url, out, env)
                got = None
                if rc in (0, 1, 3) and os.path.exists(out):
                    got = keyed(json.load(open(out)))
            finally:
                free.put((mock_url, out))
            where = "%s x %s" % (name, call)
            if call in bootstrap and expect != "same":
                ok = rc == 2 and bootstrap[call] in err
                if not ok:
                    return "FAIL", ["%s: wanted exit 2 naming the call, got %d: %s" % (where, rc, err[-200:])]
                return "stop", []
            if got is None:
                return "X", ["%s: scan did not complete (exit %d): %s" % (where, rc, err.strip()[-300:])]
            bad = []
            for k in set(base) | set(got):
                cid = k[0]
                b, g = base.get(k), got.get(k)
                if expect == "same" or cid not in affected:
                    if not same_reading(b, g):
                        bad.append("%s %s %s: %s -> %s" % (cid, k[1], k[2], b and b["status"], g and g["status"]))
                    continue
                if g and g["status"] == "PASS" and (not b or b["status"] != "PASS"):
                    bad.append("%s %s %s: became PASS" % k)
                if g and g["status"] == "ERROR" and not g["reason"].strip():
                    bad.append("%s %s %s: ERROR without a reason" % k)
            if expect != "same":
                new_errors = [k for k, g in got.items() if k[0] in affected and g["status"] == "ERROR"
                              and (k not in base or base[k]["status"] != "ERROR")]
                # A call whose answer no finding needed (kms list-aliases when no key is
                # named by alias) may fail without effect: then nothing at all may change.
                unchanged = all(same_reading(base.get(k), g) for k, g in got.items()) and len(got) == len(base)
                if not new_errors and not unchanged:
                    bad.append("findings changed but no control that reads %s became ERROR" % call)
            return ("ok" if not bad else "FAIL"), ["%s: %s" % (where, b) for b in bad[:8]]

        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {(name, call): pool.submit(cell, call, name, extra, expect)
                       for call in calls for name, extra, expect in FAULTS}
            for call in calls:
                for name, _, _ in FAULTS:
                    verdict, problems = futures[(name, call)].result()
                    table[(name, call)] = verdict
                    PROBLEMS.extend(problems)
                print("%-44s %s" % (call, " ".join(table.get((n, call), "-") for n, _, _ in FAULTS)), flush=True)
        names = [f[0] for f in FAULTS]
        print("%-48s %s" % ("call \\ fault", " ".join("%-6s" % n[:6] for n in names)))
        for call in calls:
            print("%-48s %s" % (call, " ".join("%-6s" % table.get((n, call), "-") for n in names)))
        cells = len(calls) * len(FAULTS)
        print("fault matrix: %d faults x %d calls = %d scans in %.0f s (%d at a time), %d problem(s)" %
              (len(FAULTS), len(calls), cells, time.time() - started, jobs, len(PROBLEMS)))
        for p in PROBLEMS[:40]:
            print("PROBLEM " + p)
        return 1 if PROBLEMS else 0
    finally:
        for m in mocks:
            m.kill()
            m.wait()


if __name__ == "__main__":
    sys.exit(main())
