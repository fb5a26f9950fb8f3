#!/usr/bin/python3
"""Property checks of dbward's CSV reader (src/csv) against Python's csv
module as the oracle, which shares no code with it.

1. Agreement: random short texts over the bytes that matter (comma, quote,
   LF, CRLF, a lone CR, letters, space) are read by both. Where Python's
   strict reader raises, yields no record, or yields a record whose length is
   not the header's, dbward must refuse with a position inside the text;
   otherwise dbward must give the same header and records (Python's empty
   lines, [], are not records).
2. Round trip: random tables written by csv.writer (minimal and full
   quoting, CRLF and LF) read back field for field.

Usage: csv_oracle.py CSV_DUMP [COUNT]"""
import csv
import io
import json
import random
import subprocess
import sys

DUMP = sys.argv[1]
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
rng = random.Random(18)
TOKENS = [",", "\"", "\n", "\r\n", "\r", "a", "b", " ", "x,y", "\"\""]


def oracle(text):
    try:
        rows = [r for r in csv.reader(io.StringIO(text, newline=""), strict=True) if r != []]
    except csv.Error:
        return None
    if not rows or any(len(r) != len(rows[0]) for r in rows):
        return None
    return {"header": rows[0], "rows": rows[1:]}


def run(texts):
    p = subprocess.run([DUMP], input=json.dumps(texts).encode(), capture_output=True, check=True)
    return [json.loads(line) for line in p.stdout.decode().splitlines()]


def main():
    texts = ["".join(rng.choice(TOKENS) for _ in range(rng.randint(0, 14))) for _ in range(COUNT)]
    tables = []
    for _ in range(COUNT // 3):
        cols = rng.randint(1, 5)
        rows = [[("".join(rng.choice(["a", ",", "\"", "\n", "\r\n", " ", "z9", ""]) for _ in range(rng.randint(0, 4))))
                 for _ in range(cols)] for _ in range(rng.randint(1, 5))]
        buf = io.StringIO(newline="")
        w = csv.writer(buf, quoting=rng.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
                       lineterminator=rng.choice(["\r\n", "\n"]))
        w.writerows(rows)
        tables.append((buf.getvalue(), rows))
    got = run(texts + [t for t, _ in tables])
    bad = 0
    refused = accepted = 0
    for text, g in zip(texts, got):
        want = oracle(text)
        if want is None:
            refused += 1
            ok = "error" in g and g["line"] >= 1 and g["column"] >= 1 and g["offset"] <= len(text)
        else:
            accepted += 1
            ok = g == want
        if not ok:
            bad += 1
            if bad <= 10:
                print("DISAGREE %r: python %r, dbward %r" % (text, want, g))
    for (text, rows), g in zip(tables, got[len(texts):]):
        want = {"header": rows[0], "rows": rows[1:]}
        if g != want:
            bad += 1
            if bad <= 10:
                print("ROUND TRIP %r: wrote %r, read %r" % (text, rows, g))
    print("csv oracle: %d texts (%d refused by both, %d read alike), %d tables round-tripped, %d disagreements"
          % (len(texts), refused, accepted, len(tables), bad))
    return 1 if bad else 0


sys.exit(main())
