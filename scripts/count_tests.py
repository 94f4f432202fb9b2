#!/usr/bin/env python3
"""Counts the tests meson ran, across build dirs, for the closing line.

A Check suite counts as its number of checks (from its summary line
"NN%: Checks: X, Failures: Y, Errors: Z"); any other test counts as one.
Prints the per-build counts and returns the totals as "passed failed".
"""
import json
import re
import sys

CHECK_RE = re.compile(r"Checks: (\d+), Failures: (\d+), Errors: (\d+)")


def count(logfile):
    passed = failed = 0
    with open(logfile) as f:
        for line in f:
            t = json.loads(line)
            ok = t.get("result") in ("OK", "EXPECTEDFAIL", "SKIP")
            m = CHECK_RE.search(t.get("stdout", "") or "")
            if m:
                n, fl, er = (int(x) for x in m.groups())
                failed += fl + er
                passed += n - fl - er
                if not ok and fl + er == 0:
                    failed += 1  # crashed or timed out after its summary
            elif ok:
                passed += 1
            else:
                failed += 1
    return passed, failed


def main():
    tp = tf = 0
    for log in sys.argv[1:]:
        p, f = count(log)
        print(f"{log}: {p} passed, {f} failed", file=sys.stderr)
        tp += p
        tf += f
    print(tp, tf)


if __name__ == "__main__":
    main()
