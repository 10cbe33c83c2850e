#!/usr/bin/env python3
"""Reading flow logs: `vpcflow logs --file F --summary` side by side with what
a user would run instead.

Generates a plain-text flow log file of default-format records (1 GB unless
--size says otherwise) in a temporary directory, then times, over --runs runs
each (median):
  vpcflow logs --file F --summary --output json
  the same summary in awk (tests/bench/logs_summary.awk; gawk and mawk)
  the same summary in Python (a plain loop over split lines)
  wc -l F, the floor of merely reading the lines (run in turn with vpcflow)
and prints MB/s and the ratios, of wall-clock time and of CPU time (user +
system, which a busy machine inflates less), with the load average seen. The
goal: vpcflow at least 5x the awk figure and within 4x of wc -l. The file is
deleted at the end (unless given with --file).

Usage: tests/bench/logs.py [--size MB] [--runs N] [--vpcflow build/release/vpcflow]
                           [--file F]
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

import timing

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

PY_SUMMARY = r'''
import sys
from collections import Counter, defaultdict
acc = rej = accb = rejb = accp = rejp = nodata = skipdata = 0
talk, rejsrc, ports = Counter(), Counter(), Counter()
conv = defaultdict(lambda: [0, 0, 0, 0])
with open(sys.argv[1], "rb") as f:
    for line in f:
        v = line.split()
        if len(v) != 14:
            continue
        if v[13] == b"NODATA":
            nodata += 1; continue
        if v[13] == b"SKIPDATA":
            skipdata += 1; continue
        p, b = int(v[8]), int(v[9])
        a = v[12] == b"ACCEPT"
        if a:
            acc += 1; accp += p; accb += b
        else:
            rej += 1; rejp += p; rejb += b; rejsrc[v[3]] += 1
        talk[v[3], v[4]] += b
        ports[v[7], v[6]] += 1
        k1, k2 = (v[3], v[5]), (v[4], v[6])
        if k1 < k2:
            conv[k1, k2, v[7]][0 if a else 1] += 1
        else:
            conv[k2, k1, v[7]][2 if a else 3] += 1
acl = Counter()
for k, (a0, r0, a1, r1) in conv.items():
    if a0 and r1: acl[k] = r1
    elif a1 and r0: acl[k] = r0
print(acc, accp, accb, rej, rejp, rejb, nodata, skipdata)
print(talk.most_common(10)); print(rejsrc.most_common(10)); print(ports.most_common(10))
print(sum(acl.values()), acl.most_common(10))
'''


def generate(path, size_mb, seed=1):
    """Writes about size_mb MB of default-format records: a block of distinct
    records (hosts of a few subnets, outside addresses, ports, actions, NODATA
    and the rejected returns of accepted requests), repeated with shifted
    times until the size is reached."""
    rnd = random.Random(seed)
    hosts = ["10.%d.%d.%d" % (rnd.randrange(4), rnd.randrange(16), rnd.randrange(1, 250))
             for _ in range(2000)]
    outside = ["%d.%d.%d.%d" % (rnd.randrange(1, 223), rnd.randrange(256), rnd.randrange(256),
                                rnd.randrange(1, 255)) for _ in range(3000)]
    enis = ["eni-%017x" % rnd.randrange(1 << 68) for _ in range(50)]
    block = []
    t0 = 1795737600
    for i in range(200000):
        eni = rnd.choice(enis)
        start = t0 + i // 20
        if rnd.random() < 0.01:
            block.append("2 123456789012 %s - - - - - - - %d %d - NODATA" % (eni, start, start + 60))
            continue
        src = rnd.choice(hosts if rnd.random() < 0.6 else outside)
        dst = rnd.choice(hosts)
        proto = rnd.choice((6, 6, 6, 17, 1))
        sport = 0 if proto == 1 else rnd.choice((443, 22, 80, 32768 + rnd.randrange(28000)))
        dport = 0 if proto == 1 else rnd.choice((443, 22, 53, 3389, 8080, 5432))
        action = "REJECT" if rnd.random() < 0.25 else "ACCEPT"
        packets = rnd.randrange(1, 200)
        rec = "2 123456789012 %s %s %s %d %d %d %d %d %d %d %s OK" % (
            eni, src, dst, sport, dport, proto, packets, packets * rnd.randrange(40, 1500),
            start, start + 60, action)
        block.append(rec)
        if action == "ACCEPT" and rnd.random() < 0.05:
            block.append("2 123456789012 %s %s %s %d %d %d 1 40 %d %d REJECT OK" % (
                eni, dst, src, dport, sport, proto, start, start + 60))
    text = ("\n".join(block) + "\n").encode()
    target = size_mb * 1000 * 1000
    with open(path, "wb") as f:
        written = 0
        while written < target:
            f.write(text)
            written += len(text)
    return os.path.getsize(path)


def load():
    return "%.2f %.2f %.2f" % os.getloadavg()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1000, help="file size in MB (default 1000)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--vpcflow", default=os.path.join(ROOT, "build", "release", "vpcflow"))
    ap.add_argument("--skip-python", action="store_true", help="leave out the Python run")
    ap.add_argument("--file", help="use this flow-log file instead of generating one")
    args = ap.parse_args()
    if not os.path.exists(args.vpcflow):
        sys.exit("no %s: build it first (cmake --preset release && "
                 "cmake --build --preset release)" % args.vpcflow)
    tmp = tempfile.mkdtemp(prefix="vpcflow-bench-")
    path = args.file or os.path.join(tmp, "flows.log")
    try:
        if not args.file:
            print("generating %d MB of flow records in %s ..." % (args.size, path), flush=True)
            generate(path, args.size)
        size = os.path.getsize(path)
        mb = size / 1e6
        subprocess.run(["cat", path], stdout=subprocess.DEVNULL)  # warm the page cache
        cases = [("wc -l", ["wc", "-l", path]),
                 ("vpcflow logs --summary",
                  [args.vpcflow, "logs", "--file", path, "--summary", "--output", "json"])]
        for awk in ("gawk", "mawk"):
            if shutil.which(awk):
                cases.append(("%s summary" % awk,
                              [awk, "-f", os.path.join(HERE, "logs_summary.awk"), path]))
        if not args.skip_python:
            cases.append(("python summary", [sys.executable, "-c", PY_SUMMARY, path]))
        print("%.1f MB, %d cores, load average %s" % (mb, os.cpu_count(), load()))
        print("%-24s %8s %10s %8s %10s" % ("", "wall s", "wall MB/s", "cpu s", "cpu MB/s"))
        results = {}
        # wc -l and vpcflow in turn, run by run; then the others.
        wc, ours, paired = timing.measure_pair(cases[0][1], cases[1][1], args.runs)
        results[cases[0][0]], results[cases[1][0]] = wc, ours
        for name, argv in cases:
            if name not in results:
                runs = 1 if name.startswith("python") else args.runs
                results[name] = timing.median(timing.measure(argv, runs))
            wall, cpu = results[name]
            print("%-24s %8.2f %10.1f %8.2f %10.1f" % (name, wall, mb / wall, cpu, mb / cpu),
                  flush=True)
        wall_ours, cpu_ours = results["vpcflow logs --summary"]
        print("\nload average after: %s" % load())
        print("%-24s %14s %14s" % ("", "wall ratio", "cpu ratio"))
        for name, (wall, cpu) in results.items():
            if name.startswith("vpcflow"):
                continue
            print("%-24s %13.2fx %13.2fx" % (name + " / vpcflow", wall / wall_ours, cpu / cpu_ours))
        print("\nvpcflow / wc -l, median of the runs side by side: %.2fx" % paired)
        print("goal: >= 5x awk, and wc -l / vpcflow >= 0.25 (within 4x of wc -l)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
