#!/usr/bin/env python3
"""The module include graph of dbward, derived from the #include lines.

A module is a folder of src/ (src/rules, src/cli, ...). An edge A -> B means
a file of A includes a header of B: a private one ("B/x.h"), or a public
one (<dbward/x.h>), whose module is named in HEADER_MODULE below. A public
header that includes another public header gives its module that edge too.

  scripts/module-graph.py [--dot] [SRCDIR]

prints the edges (or a Graphviz graph) and exits 1 when the graph has a
cycle, naming it, or when a public header is missing from HEADER_MODULE.
--self-test checks the cycle finder on small graphs. ctest runs both
(internals/include-cycles, internals/include-cycles-self-test)."""
import os
import re
import sys

# Which module implements each public header.
HEADER_MODULE = {
    "audit.h": "audit", "config.h": "config", "creds.h": "creds", "dbward.h": "rules",
    "error.h": "util", "file.h": "util", "finding.h": "finding", "history.h": "history",
    "jmespath.h": "jmespath", "json.h": "util", "live.h": "collect", "plan.h": "plan", "policy.h": "policy",
    "process.h": "util", "report.h": "report", "secret.h": "util", "sigv4.h": "sigv4",
    "snapshot.h": "snapshot", "version.h": "util", "csv.h": "csv",
}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def targets(text, here):
    """Modules the #include lines of one file point to (here: its own module)."""
    out = set()
    for kind, path in INCLUDE.findall(text):
        if path.startswith("dbward/"):
            name = path[len("dbward/"):]
            if name not in HEADER_MODULE:
                raise SystemExit("module-graph: <%s> is in no module (add it to HEADER_MODULE)" % path)
            out.add(HEADER_MODULE[name])
        elif kind == '"':
            out.add(path.split("/")[0] if "/" in path else here)
    out.discard(here)
    return out


def graph(root):
    edges = {}
    src = os.path.join(root, "src")
    for mod in sorted(os.listdir(src)):
        folder = os.path.join(src, mod)
        if not os.path.isdir(folder):
            continue
        edges.setdefault(mod, set())
        for name in os.listdir(folder):
            if name.endswith((".c", ".h")):
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    edges[mod] |= targets(f.read(), mod)
    inc = os.path.join(root, "include", "dbward")
    for name in sorted(os.listdir(inc)):
        if name not in HEADER_MODULE:
            raise SystemExit("module-graph: include/dbward/%s is in no module (add it to HEADER_MODULE)" % name)
        mod = HEADER_MODULE[name]
        with open(os.path.join(inc, name), encoding="utf-8") as f:
            edges.setdefault(mod, set()).update(targets(f.read(), mod))
    return edges


def cycle(edges):
    """One cycle as a list of modules, or None."""
    state = {}
    stack = []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for n in sorted(edges.get(m, ())):
            if state.get(n) == 1:
                return stack[stack.index(n):] + [n]
            if n not in state:
                found = visit(n)
                if found:
                    return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(edges):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def self_test():
    """The cycle finder on hand-made graphs: it must see these and only these."""
    cases = [({"a": {"b"}, "b": {"a"}}, True), ({"a": {"b"}, "b": {"c"}, "c": set()}, False),
             ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, True), ({"a": {"a"}}, True),
             ({"a": {"b", "c"}, "b": {"c"}, "c": set()}, False)]
    bad = [g for g, want in cases if (cycle(g) is not None) != want]
    for g in bad:
        print("module-graph: self-test: wrong answer for %r" % g, file=sys.stderr)
    return 1 if bad else 0


def main():
    if "--self-test" in sys.argv:
        return self_test()
    args = [a for a in sys.argv[1:] if a != "--dot"]
    root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    edges = graph(root)
    if "--dot" in sys.argv:
        print("digraph dbward {")
        for m in sorted(edges):
            for n in sorted(edges[m]):
                print('  "%s" -> "%s";' % (m, n))
        print("}")
    else:
        for m in sorted(edges):
            print("%-9s -> %s" % (m, " ".join(sorted(edges[m])) or "(nothing)"))
    found = cycle(edges)
    if found:
        print("module-graph: include cycle: " + " -> ".join(found), file=sys.stderr)
        return 1
    print("module-graph: no include cycle among %d modules" % len(edges), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
