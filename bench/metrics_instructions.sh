#!/usr/bin/env bash
# bench/metrics_instructions.sh -- what the producer's metrics cost, counted
# in instructions rather than timed: krafka-perf produce runs under
# valgrind's callgrind against librdkafka's mock cluster with metrics on
# and off (-X enable.metrics=false), and the script prints both programs'
# instruction totals, the difference per record and in percent, and the
# functions whose counts changed most. Instruction counts do not depend on
# what else runs on the machine, so the figure is stable where the timed
# comparison (bench/metrics_overhead.sh) is lost in the noise of a shared
# 2-core machine.
#
#   bench/metrics_instructions.sh [--build DIR] [-n RECORDS]
#
# Defaults: --build build-release, 300000 records of 100 bytes, linger.ms=5,
# acks=1, idempotence off. Needs valgrind (scripts/install-deps).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build-release"
N=300000
while [ $# -gt 0 ]; do
    case "$1" in
    --build) BUILD=$(realpath "$2"); shift 2 ;;
    -n) N=$2; shift 2 ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
done
command -v valgrind >/dev/null || { echo "valgrind is missing" >&2; exit 2; }
W=$(mktemp -d)
MOCK_PID=""
cleanup() {
    [ -n "$MOCK_PID" ] && { kill "$MOCK_PID" 2>/dev/null || true; wait "$MOCK_PID" 2>/dev/null || true; }
    rm -rf "$W"
}
trap cleanup EXIT
"$BUILD/bench/rdkafka-perf" mock 1 perf-cg:1 > "$W/mock" < /dev/null &
MOCK_PID=$!
BS=""
for _ in $(seq 50); do
    BS=$(head -1 "$W/mock")
    [ -n "$BS" ] && break
    sleep 0.1
done
[ -n "$BS" ] || { echo "mock cluster did not start" >&2; exit 1; }
for mode in on off; do
    extra=()
    [ "$mode" = off ] && extra=(-X enable.metrics=false)
    timeout 600 valgrind --tool=callgrind --callgrind-out-file="$W/cg.$mode" \
        "$BUILD/tools/krafka-perf" produce -b "$BS" -t perf-cg -n "$N" -s 100 \
        -q --no-create -X linger.ms=5 -X acks=1 -X enable.idempotence=false \
        "${extra[@]}" > "$W/$mode.json" 2> "$W/$mode.err" < /dev/null
    callgrind_annotate "$W/cg.$mode" 2>/dev/null > "$W/$mode.txt"
done
python3 - "$W" "$N" <<'PY'
import re, sys
w, n = sys.argv[1], int(sys.argv[2])
def load(mode):
    d = {}
    for l in open(f"{w}/{mode}.txt"):
        m = re.match(r'\s*([\d,]+) \([^)]*\)\s+(.*)', l)
        if m:
            d[m.group(2).split(' [')[0]] = int(m.group(1).replace(',', ''))
    return d
on, off = load("on"), load("off")
t_on, t_off = on["PROGRAM TOTALS"], off["PROGRAM TOTALS"]
print(f"instructions: metrics on {t_on:,}, off {t_off:,} ({n:,} records)")
print(f"difference: {(t_on - t_off) / n:.1f} per record, "
      f"{100 * (t_on - t_off) / t_off:+.2f}% of the whole program")
print("largest changes by function (on - off):")
rows = sorted(((on.get(k, 0) - off.get(k, 0), k) for k in set(on) | set(off)
               if k != "PROGRAM TOTALS"), reverse=True)
for d, k in rows[:6]:
    print(f"  {d:>+13,}  {d / n:+7.1f}/record  {k}")
PY
