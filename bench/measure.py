#!/usr/bin/python3
"""measure.py CMD...: runs CMD once (output discarded) and prints its wall
time in seconds, its peak RSS in KiB and its exit status."""
import resource
import subprocess
import sys
import time

t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - t
print("%.3f %d %d" % (wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode))
