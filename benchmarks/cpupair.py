#!/usr/bin/env python3
"""Paired CPU-time comparison of two Go test binaries, for a loaded machine.

    cpupair.py BEFORE.test AFTER.test ROUNDS PREFIX NAME:N [NAME:N ...]

For each round and each NAME, runs both binaries (alternating which goes
first) with -test.bench '^PREFIX$/^NAME$' -test.benchtime Nx, and charges each
run the user+system CPU time of its process divided by N. Wall time on a
machine whose cores other jobs share measures the queue; CPU time measures
the work. Prints the median per side and their ratio (after / before).
Choose N so that a run takes a few hundred milliseconds: CPU time is counted
in clock ticks (10 ms), and process start-up is charged to the run.
"""
import os
import statistics
import subprocess
import sys


def run(binary, bench, n):
    # Anchor every level: "^BenchmarkEmit/span$" would also run, silently and
    # charged to this run, every BenchmarkEmit... without sub-benchmarks
    # (BenchmarkEmitScanned), N times.
    pattern = "/".join("^" + level + "$" for level in bench.split("/"))
    t0 = os.times()
    out = subprocess.run([binary, "-test.run", "^$", "-test.bench", pattern,
                          "-test.benchtime", "%dx" % n, "-test.count", "1"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout
    t1 = os.times()
    if ("Benchmark" + bench.removeprefix("Benchmark")).encode() not in out:
        return None  # the binary has no such benchmark
    cpu = (t1.children_user - t0.children_user) + (t1.children_system - t0.children_system)
    return cpu / n * 1e9


def main():
    before, after, rounds, prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    specs = [(s.split(":")[0], int(s.split(":")[1])) for s in sys.argv[5:]]
    got = {}
    for r in range(rounds):
        for name, n in specs:
            sides = [("before", before), ("after", after)]
            for label, binary in (sides if r % 2 == 0 else sides[::-1]):
                v = run(binary, prefix + "/" + name, n)
                if v is not None:
                    got.setdefault((name, label), []).append(v)
    print("%-28s %10s %10s %7s" % ("CPU ns/op (median)", "before", "after", "ratio"))
    for name, _ in specs:
        b, a = got.get((name, "before")), got.get((name, "after"))
        mb = statistics.median(b) if b else float("nan")
        ma = statistics.median(a) if a else float("nan")
        print("%-28s %10.1f %10.1f %7.2f" % (name, mb, ma, ma / mb if b and a else float("nan")))


if __name__ == "__main__":
    main()
