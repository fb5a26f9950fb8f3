#!/usr/bin/python3
"""measure.py CMD...: runs CMD once (output discarded) and prints its wall
time in seconds, its peak RSS in KiB (the largest of it and its children),
its exit status and its CPU time (user + system) in seconds.

The peak RSS comes from GNU time (/usr/bin/time -f %M), which forks from a
process of about 1 MB: a child forked from Python would start its count
from Python's own 10 MB, which hides a floor that small."""
import os
import resource
import subprocess
import sys
import tempfile
import time

fd, rss_file = tempfile.mkstemp()
os.close(fd)
try:
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-q", "-f", "%M", "-o", rss_file] + sys.argv[1:],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    with open(rss_file) as f:
        lines = [x for x in f.read().split() if x.isdigit()]
    rss = int(lines[-1]) if lines else 0
finally:
    os.unlink(rss_file)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f %d %d %.3f" % (wall, rss, p.returncode, ru.ru_utime + ru.ru_stime))
