#!/usr/bin/python3
"""Differential test of the creds module's INI reader and word splitter:
random files built from the tricky pieces of the format (indentation,
comments, both delimiters, blank lines, [DEFAULT], duplicates, odd headers,
CR/LF/CRLF line ends) are read by tests/ini_dump.c and by botocore's
configloader.raw_config_parse (Python's configparser underneath); random
strings are split by dwi_shlex_split and by shlex.split. Both must accept
the same inputs and give the same sections, keys, values and words.

    ini_parity.py INI_DUMP [CASES]
"""
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile

import botocore.configloader
import botocore.exceptions

DUMP = sys.argv[1]
CASES = int(sys.argv[2]) if len(sys.argv) > 2 else 3000

HEADERS = ["[default]", "[profile a]", "[DEFAULT]", "[a]b]", "[ x ]", "[]", "[x", "  [y]", "[default] ; c",
           "[profile  a]", "[a]", "[b]", "\t[a]"]
OPTIONS = ["k = v", "K=V", "k:v", "k : v = w", "key= ", "= v", "k", "aws_access_key_id = A", "  k2 = v2",
           "\tk3 = v", "k = v # c", "    deeper", "  deeper = x", "s3 =", "   addressing_style = path",
           "Key = é", "k2 =  spaced  value  ", "x=y=z", "x:y", "   ", "  :v"]
COMMENTS = ["# c", "; c", "  # ind", "\t; tab"]
ENDS = ["\n", "\r\n", "\r"]


def random_file(rng):
    lines = []
    if rng.random() < 0.8:
        lines.append(rng.choice(HEADERS[:4]))
    for _ in range(rng.randint(0, 9)):
        r = rng.random()
        pool = HEADERS if r < 0.15 else COMMENTS if r < 0.25 else [""] if r < 0.35 else OPTIONS
        lines.append(rng.choice(pool))
    end = rng.choice(ENDS)
    text = end.join(lines)
    if rng.random() < 0.7:
        text += end
    return text


def botocore_view(path):
    try:
        botocore.configloader.raw_config_parse(path)  # with nested blocks: may fail where raw does not
        raw = botocore.configloader.raw_config_parse(path, parse_subsections=False)
    except botocore.exceptions.BotoCoreError:
        return {"ok": False}
    return {"ok": True, "sections": raw}


def random_words(rng):
    return "".join(rng.choice(["a", "b", " ", "\t", "'", '"', "\\", "#", "$", ";", "x y"])
                   for _ in range(rng.randint(0, 12)))


def main():
    rng = random.Random(20261201)
    work = tempfile.mkdtemp(prefix="dw-ini-")
    paths, texts = [], []
    for i in range(CASES):
        p = os.path.join(work, "c%05d.ini" % i)
        t = random_file(rng)
        with open(p, "w", newline="") as f:
            f.write(t)
        paths.append(p)
        texts.append(t)
    out = subprocess.run([DUMP, "ini"] + paths, capture_output=True, text=True, check=True).stdout.splitlines()
    bad = 0
    for p, t, line in zip(paths, texts, out):
        mine = json.loads(line)
        want = botocore_view(p)
        if mine != want:
            bad += 1
            if bad <= 5:
                print("INI DIFFER %r\n  dbward:   %s\n  botocore: %s" % (t, json.dumps(mine), json.dumps(want)))
    words = [random_words(rng) for _ in range(CASES)]
    out = subprocess.run([DUMP, "shlex"], input="\n".join(words) + "\n", capture_output=True, text=True,
                         check=True).stdout.splitlines()
    wbad = 0
    for w, line in zip(words, out):
        try:
            want = shlex.split(w)
        except ValueError:
            want = None
        if json.loads(line) != want:
            wbad += 1
            if wbad <= 5:
                print("SHLEX DIFFER %r: dbward %s, shlex %s" % (w, line, json.dumps(want)))
    for p in paths:
        os.unlink(p)
    os.rmdir(work)
    print("%d INI files, %d agree; %d strings split, %d agree" % (CASES, CASES - bad, CASES, CASES - wbad))
    return 1 if bad or wbad else 0


if __name__ == "__main__":
    sys.exit(main())
