#!/usr/bin/env bash
# bench/metrics_overhead.sh -- what the producer's metrics cost: krafka-perf
# produce with metrics on (the default) and off (-X enable.metrics=false),
# in alternating pairs (on/off, off/on, ...) pinned to one core, against
# one broker; prints each run and the medians of records/s and client CPU
# per record, and the difference on - off.
#
#   bench/metrics_overhead.sh -b BOOTSTRAP | --mock [--build DIR]
#       [--pairs N] [--cpu N] [-n RECORDS] [-- KRAFKA-PERF-ARGS...]
#
# --mock: librdkafka's mock cluster (bench/rdkafka-perf mock, pinned to
# the other core, one topic for every run): the broker is not the limit
# and does not share the client's core, so the runs vary much less.
#
# Defaults: --build build-release, 5 pairs, CPU 1, 1000000 records of
# 100 bytes, -X linger.ms=5 -X acks=1 -X enable.idempotence=false, one
# topic per run (deleted after). Extra arguments after -- replace those
# producer arguments. The broker must be running (tests/kafka/harness
# start single 4.1.1); nothing else should load the machine meanwhile.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build-release"
BOOTSTRAP=""
PAIRS=5
CPU=1
MOCK=0
MOCK_PID=""
N=1000000
ARGS=(-s 100 -X linger.ms=5 -X acks=1 -X enable.idempotence=false)

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
    exit "${1:-2}"
}

while [ $# -gt 0 ]; do
    case "$1" in
    -b) BOOTSTRAP=$2; shift 2 ;;
    --mock) MOCK=1; shift ;;
    --build) BUILD=$(realpath "$2"); shift 2 ;;
    --pairs) PAIRS=$2; shift 2 ;;
    --cpu) CPU=$2; shift 2 ;;
    -n) N=$2; shift 2 ;;
    --) shift; ARGS=("$@"); break ;;
    -h|--help) usage 0 ;;
    *) usage ;;
    esac
done
[ -n "$BOOTSTRAP" ] || [ "$MOCK" = 1 ] || usage
KPERF="$BUILD/tools/krafka-perf"
[ -x "$KPERF" ] || { echo "missing $KPERF: build first" >&2; exit 2; }

OUT=$(mktemp)
cleanup() {
    rm -f "$OUT"
    if [ -n "$MOCK_PID" ]; then
        kill "$MOCK_PID" 2>/dev/null || true
        wait "$MOCK_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT
NOCREATE=()
if [ "$MOCK" = 1 ]; then
    f=$(mktemp)
    taskset -c $((CPU == 0 ? 1 : 0)) "$BUILD/bench/rdkafka-perf" mock 1 \
        perf-metrics:1 > "$f" < /dev/null &
    MOCK_PID=$!
    for _ in $(seq 50); do
        BOOTSTRAP=$(head -1 "$f")
        [ -n "$BOOTSTRAP" ] && break
        sleep 0.1
    done
    rm -f "$f"
    [ -n "$BOOTSTRAP" ] || { echo "mock cluster did not start" >&2; exit 1; }
    NOCREATE=(--no-create)
fi

# run MODE I: one run, its JSON line appended to $OUT as "MODE <json>"
run() {
    local mode=$1 i=$2 topic="perf-metrics-$1-$2-$$" extra=()
    [ "$MOCK" = 1 ] && topic=perf-metrics
    [ "$mode" = off ] && extra=(-X enable.metrics=false)
    local line
    line=$(taskset -c "$CPU" "$KPERF" produce -b "$BOOTSTRAP" -t "$topic" \
           -n "$N" -q "${NOCREATE[@]}" "${ARGS[@]}" "${extra[@]}" \
           < /dev/null) || true
    [ "$MOCK" = 1 ] ||
        "$KPERF" delete -b "$BOOTSTRAP" -t "$topic" > /dev/null 2>&1 || true
    if [ -z "$line" ]; then
        echo "$mode $i: no result" >&2
        return
    fi
    echo "$mode $line" >> "$OUT"
    python3 - "$mode" "$line" <<'PY'
import json, sys
r = json.loads(sys.argv[2])
print(f"{sys.argv[1]:>3}: {r['records_per_s']:>9.0f} rec/s  "
      f"{r['cpu_us_per_record']:.4f} cpu us/rec  errors {r['errors']}")
PY
}

for i in $(seq 1 "$PAIRS"); do
    if [ $((i % 2)) = 1 ]; then run on "$i"; run off "$i"
    else run off "$i"; run on "$i"; fi
done

python3 - "$OUT" <<'PY'
import json, statistics, sys
runs = {"on": [], "off": []}
for l in open(sys.argv[1]):
    mode, js = l.split(" ", 1)
    runs[mode].append(json.loads(js))
def med(mode, key):
    return statistics.median(r[key] for r in runs[mode])
if not runs["on"] or not runs["off"]:
    sys.exit("no results")
print(f"pairs: on {len(runs['on'])}, off {len(runs['off'])} "
      f"(medians; spread = max - min of the runs)")
for key, unit in (("records_per_s", "rec/s"),
                  ("cpu_us_per_record", "cpu us/rec")):
    on, off = med("on", key), med("off", key)
    spread = {m: max(r[key] for r in runs[m]) - min(r[key] for r in runs[m])
              for m in runs}
    print(f"{unit:>11}: on {on:.4f}  off {off:.4f}  "
          f"on-off {100 * (on - off) / off:+.2f}%  "
          f"(spread on {spread['on']:.4f}, off {spread['off']:.4f})")
PY
