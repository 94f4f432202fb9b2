#!/usr/bin/env bash
# bench/produce_compare.sh -- krafka-perf against its librdkafka twin
# (rdkafka-perf): the same scenarios run alternately (ABBA...), pinned to
# one core, against one broker; prints a table of medians and ratios
# (krafka / librdkafka). See bench/README.md.
#
#   bench/produce_compare.sh [-b BOOTSTRAP | --mock] [--pairs N]
#       [--build DIR] [--cpu N] [--only NAME[,NAME...]] [--quick]
#       [--out FILE.jsonl] [--table FILE.jsonl]
#
# Without -b and --mock it uses the harness's single 4.1.1 broker
# (tests/kafka/harness), starting it if it is not running and stopping it
# at the end if it started it. It never uses a port some other run owns:
# if 127.0.0.1:19092 is busy but not ours, it stops (set KRAFKA_RUN to
# another run dir and retry later, or pass -b). --mock uses librdkafka's
# mock cluster (rdkafka-perf mock, pinned to the other core).
# --table FILE only prints the table of an earlier --out file.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HARNESS="$ROOT/tests/kafka/harness"
BUILD="$ROOT/build"
BOOTSTRAP=""
MOCK=0
PAIRS=5
CPU=1
ONLY=""
QUICK=0
OUT=""
TABLE_ONLY=""
STARTED_BROKER=0
MOCK_PID=""

usage() {
    sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit "${1:-2}"
}

while [ $# -gt 0 ]; do
    case "$1" in
    -b) BOOTSTRAP=$2; shift 2 ;;
    --mock) MOCK=1; shift ;;
    --pairs) PAIRS=$2; shift 2 ;;
    --build) BUILD=$(realpath "$2"); shift 2 ;;
    --cpu) CPU=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --out) OUT=$2; shift 2 ;;
    --table) TABLE_ONLY=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) usage ;;
    esac
done

# name | records | arguments shared by both clients
scenarios() {
    local n100=1000000 n1k=300000 nrate=250000
    if [ "$QUICK" = 1 ]; then n100=200000 n1k=60000 nrate=50000; fi
    local base="-X acks=1 -X enable.idempotence=false"
    cat <<EOF
100B|$n100|-s 100 -X linger.ms=5 $base
1KiB|$n1k|-s 1024 -X linger.ms=5 $base
100B-lz4|$n100|-s 100 -X linger.ms=5 -X compression.type=lz4 $base
100B-zstd|$n100|-s 100 -X linger.ms=5 -X compression.type=zstd $base
1KiB-lz4|$n1k|-s 1024 -X linger.ms=5 -X compression.type=lz4 $base
1KiB-zstd|$n1k|-s 1024 -X linger.ms=5 -X compression.type=zstd $base
rate50k|$nrate|-s 100 -X linger.ms=0 --rate 50000 $base
rate50k-mif5|$nrate|-s 100 -X linger.ms=0 --rate 50000 -X max.in.flight=5 $base
EOF
}

table() {
    python3 - "$1" <<'PYEOF'
import json, statistics, sys

runs = {}
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    d = json.loads(line)
    runs.setdefault(d["scenario"], {}).setdefault(d["client"], []).append(d)

cols = [("records_per_s", "rec/s", "{:,.0f}"), ("mb_per_s", "MB/s", "{:.1f}"),
        ("cpu_us_per_record", "CPU us/rec", "{:.3f}"),
        ("lat_p50_us", "lat p50 us", "{:,.0f}"),
        ("lat_p99_us", "lat p99 us", "{:,.0f}"),
        ("lat_p999_us", "lat p99.9 us", "{:,.0f}"),
        ("e2e_p99_us", "e2e p99 us", "{:,.0f}"),
        ("max_rss_kb", "RSS MiB", "{:.0f}")]

def med(rs, key):
    v = [r[key] for r in rs if r.get(key, -1) >= 0]
    if not v:
        return None
    m = statistics.median(v)
    return m / 1024 if key == "max_rss_kb" else m

print("| scenario | client | n | " + " | ".join(c[1] for c in cols) + " |")
print("|---" * (len(cols) + 3) + "|")
for sc, by in runs.items():
    meds = {}
    for client in ("krafka", "librdkafka"):
        rs = by.get(client, [])
        meds[client] = [med(rs, c[0]) for c in cols]
        cells = ["-" if m is None else c[2].format(m)
                 for m, c in zip(meds[client], cols)]
        errs = sum(r["errors"] for r in rs)
        n = f"{len(rs)}" + (f" ({errs} err)" if errs else "")
        print(f"| {sc} | {client} | {n} | " + " | ".join(cells) + " |")
    ratio = []
    for a, b in zip(meds["krafka"], meds["librdkafka"]):
        ratio.append("-" if a is None or b is None or b == 0
                     else f"{a / b:.2f}x")
    print(f"| {sc} | ratio k/r | | " + " | ".join(ratio) + " |")
PYEOF
}

if [ -n "$TABLE_ONLY" ]; then
    table "$TABLE_ONLY"
    exit 0
fi

KPERF="$BUILD/tools/krafka-perf"
RPERF="$BUILD/bench/rdkafka-perf"
for b in "$KPERF" "$RPERF"; do
    [ -x "$b" ] || { echo "missing $b: build first (--build DIR)" >&2; exit 2; }
done

cleanup() {
    if [ -n "$MOCK_PID" ]; then
        kill "$MOCK_PID" 2>/dev/null || true
        wait "$MOCK_PID" 2>/dev/null || true
    fi
    if [ "$STARTED_BROKER" = 1 ]; then
        "$HARNESS" stop single 4.1.1 >&2 || true
    fi
}
trap cleanup EXIT

harness_running() {
    "$HARNESS" status 2>/dev/null | grep -Eq '^single +4\.1\.1 .* running'
}

port_busy() {
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

start_mock() {
    local f
    f=$(mktemp)
    local topics=()
    while IFS='|' read -r name _ _; do topics+=("perf-$name"); done \
        < <(scenarios)
    # the mock broker gets the other core (of two)
    taskset -c $((CPU == 0 ? 1 : 0)) "$RPERF" mock 1 "${topics[@]}" \
        > "$f" < /dev/null &
    MOCK_PID=$!
    for _ in $(seq 50); do
        BOOTSTRAP=$(head -1 "$f")
        [ -n "$BOOTSTRAP" ] && break
        sleep 0.1
    done
    rm -f "$f"
    [ -n "$BOOTSTRAP" ] || { echo "mock cluster did not start" >&2; exit 1; }
    NOCREATE="--no-create"
}

pick_broker() {
    NOCREATE=""
    if [ "$MOCK" = 1 ]; then
        start_mock
    elif [ -z "$BOOTSTRAP" ]; then
        if ! harness_running; then
            if port_busy 19092; then
                echo "127.0.0.1:19092 is in use by another run; retry" \
                     "later with KRAFKA_RUN set, or pass -b" >&2
                exit 1
            fi
            "$HARNESS" start single 4.1.1 >&2
            STARTED_BROKER=1
        fi
        BOOTSTRAP=127.0.0.1:19092
    fi
    echo "broker: $BOOTSTRAP$([ "$MOCK" = 1 ] && echo " (mock)")" >&2
}

# run CLIENT SCENARIO COUNT ARGS...: one JSON line tagged with the scenario
run_one() {
    local client=$1 name=$2 count=$3
    shift 3
    local bin=$KPERF
    [ "$client" = librdkafka ] && bin=$RPERF
    local line
    # shellcheck disable=SC2086
    if line=$(taskset -c "$CPU" "$bin" produce -b "$BOOTSTRAP" \
              -t "perf-$name" -n "$count" $NOCREATE "$@" < /dev/null); then
        :
    fi
    if [ -z "$line" ]; then
        echo "$client $name: no result" >&2
        return
    fi
    echo "${line%\}},\"scenario\":\"$name\"}" >> "$OUT"
    python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(
        "  %-10s %-12s %10.0f rec/s %7.3f us/rec  p99 %8d us  err %d" % (
        d["client"], d["scenario"], d["records_per_s"],
        d["cpu_us_per_record"], d["lat_p99_us"], d["errors"]))' \
        "$(tail -1 "$OUT")" >&2
}

selected() {
    [ -z "$ONLY" ] && return 0
    case ",$ONLY," in *",$1,"*) return 0 ;; esac
    return 1
}

main() {
    mkdir -p "$ROOT/.run/perf"
    [ -n "$OUT" ] || OUT="$ROOT/.run/perf/compare-$(date +%Y%m%d-%H%M%S).jsonl"
    : > "$OUT"
    pick_broker
    local name count args
    while IFS='|' read -r name count args; do
        selected "$name" || continue
        echo "== $name ($PAIRS pairs)" >&2
        for i in $(seq "$PAIRS"); do
            # shellcheck disable=SC2086
            if [ $((i % 2)) = 1 ]; then
                run_one krafka "$name" "$count" $args
                run_one librdkafka "$name" "$count" $args
            else
                run_one librdkafka "$name" "$count" $args
                run_one krafka "$name" "$count" $args
            fi
        done
    done < <(scenarios)
    echo "results: $OUT" >&2
    table "$OUT"
}

main
