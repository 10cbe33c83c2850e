"""Timing commands for the benchmarks: each run's wall-clock and CPU time
(user + system of the child, which a busy machine inflates less than the
wall clock), medians, and two commands run in turn."""

import resource
import statistics
import subprocess
import sys
import time


def run_once(argv, env=None, ok=(0,)):
    """(wall s, cpu s) of one run of argv, its output thrown away; exits
    naming the command when its exit code is not in ok."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        sys.exit("%s failed (%d): %s" % (" ".join(argv), proc.returncode,
                                         proc.stderr.decode()[:500]))
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def measure(argv, runs, env=None, ok=(0,)):
    """[(wall s, cpu s)] of runs runs of argv."""
    return [run_once(argv, env, ok) for _ in range(runs)]


def walls(samples):
    return [wall for wall, _ in samples]


def median(samples):
    """(median wall s, median cpu s) of samples."""
    return (statistics.median(wall for wall, _ in samples),
            statistics.median(cpu for _, cpu in samples))


def measure_pair(first, second, runs, env=None):
    """median() of two commands run in turn (first, second, first, ...), so
    that both see the same moments of a busy machine; also the median of
    second's wall-clock time over first's, run by run."""
    a, b = [], []
    for _ in range(runs):
        a.append(run_once(first, env))
        b.append(run_once(second, env))
    return median(a), median(b), statistics.median(y[0] / x[0] for x, y in zip(a, b))
