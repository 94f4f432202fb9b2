# bench/compare_lib.sh -- what produce_compare.sh and consume_compare.sh
# share: the options, the broker (the harness's single 4.1.1 broker, -b,
# or librdkafka's mock cluster), alternating runs and the table
# (compare_table.py). Sourced, not run: the script sets CMP_KIND
# (produce|consume) and defines scenarios() first.
# shellcheck shell=bash
# shellcheck disable=SC2034 # QUICK, NOCREATE, ...: read by the scripts

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HARNESS="$ROOT/tests/kafka/harness"
BUILD="$ROOT/build"
BOOTSTRAP=""
MOCK=0
PAIRS=5
CPU=1
ONLY=""
QUICK=0
SCALE=100
OUT=""
TABLE_ONLY=""
STARTED_BROKER=0
MOCK_PID=""
SERVER_PID=""
NOCREATE=""
# A broker this script starts runs with the JIT and GC of Kafka's own
# start scripts (kafka-run-class.sh: G1, full tiered compilation), not
# with the harness's start-up-friendly SerialGC and C1 only: warm, that
# broker spent 0.18-0.22 us of CPU per 100 B record on this class of
# machine against 0.12-0.19 us with these flags, at about one core per
# partition.
BENCH_JAVA_OPTS="-XX:TieredStopAtLevel=4 -XX:-UseSerialGC -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35"

# cmp_usage SCRIPT [STATUS]: the script's header comment
cmp_usage() {
    sed -n '2,/^set -euo/p' "$1" | sed '$d' | sed 's/^# \{0,1\}//'
    exit "${2:-2}"
}

# cmp_parse_args SCRIPT "$@": the options both scripts take
cmp_parse_args() {
    local script=$1
    shift
    while [ $# -gt 0 ]; do
        case "$1" in
        -b) BOOTSTRAP=$2; shift 2 ;;
        --mock) MOCK=1; shift ;;
        --pairs) PAIRS=$2; shift 2 ;;
        --build) BUILD=$(realpath "$2"); shift 2 ;;
        --cpu) CPU=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --scale) SCALE=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --table) TABLE_ONLY=$2; shift 2 ;;
        -h|--help) cmp_usage "$script" 0 ;;
        *) cmp_usage "$script" ;;
        esac
    done
    if [ -n "$TABLE_ONLY" ]; then
        cmp_table "$TABLE_ONLY"
        exit 0
    fi
    KPERF="$BUILD/tools/krafka-perf"
    RPERF="$BUILD/bench/rdkafka-perf"
    for b in "$KPERF" "$RPERF"; do
        [ -x "$b" ] || {
            echo "missing $b: build first (--build DIR)" >&2
            exit 2
        }
    done
}

cmp_table() {
    python3 "$ROOT/bench/compare_table.py" "$CMP_KIND" "$1"
}

# Stops what we started; the scripts chain their own clean-up first.
cmp_cleanup() {
    if [ -n "$MOCK_PID" ]; then
        kill "$MOCK_PID" 2>/dev/null || true
        wait "$MOCK_PID" 2>/dev/null || true
        MOCK_PID=""
    fi
    if [ "$STARTED_BROKER" = 1 ]; then
        "$HARNESS" stop single 4.1.1 >&2 || true
        STARTED_BROKER=0
    fi
}

harness_running() {
    local status
    status=$("$HARNESS" status 2>/dev/null || true)
    grep -Eq '^single +4\.1\.1 .* running' <<<"$status"
}

port_busy() {
    [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
}

# cmp_start_mock TOPIC[:PARTITIONS]...: the mock gets the other core (of
# two); sets BOOTSTRAP and MOCK_PID.
cmp_start_mock() {
    local f
    f=$(mktemp)
    if [ "$CPU" = none ]; then
        "$RPERF" mock 1 "$@" > "$f" < /dev/null &
    else
        taskset -c $((CPU == 0 ? 1 : 0)) "$RPERF" mock 1 "$@" \
            > "$f" < /dev/null &
    fi
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

# cmp_pick_broker MOCK_TOPIC[:PARTITIONS]...: the topics matter only for
# the mock, which does not serve CreateTopics.
cmp_pick_broker() {
    if [ "$MOCK" = 1 ]; then
        cmp_start_mock "$@"
    elif [ -z "$BOOTSTRAP" ]; then
        if ! harness_running; then
            if port_busy 19092; then
                echo "127.0.0.1:19092 is in use by another run; retry" \
                     "later with KRAFKA_RUN set, or pass -b" >&2
                exit 1
            fi
            KRAFKA_JAVA_OPTS="$BENCH_JAVA_OPTS" \
                "$HARNESS" start single 4.1.1 >&2
            STARTED_BROKER=1
        fi
        BOOTSTRAP=127.0.0.1:19092
    fi
    echo "broker: $BOOTSTRAP$([ "$MOCK" = 1 ] && echo " (mock)")" >&2
    cmp_find_server
}

# cmp_open_out: the JSON lines file
cmp_open_out() {
    mkdir -p "$ROOT/.run/perf"
    [ -n "$OUT" ] ||
        OUT="$ROOT/.run/perf/$CMP_KIND-compare-$(date +%Y%m%d-%H%M%S).jsonl"
    : > "$OUT"
}

# cmp_find_server: SERVER_PID, the process serving BOOTSTRAP when we know
# it (the mock, or the harness's single 4.1.1 broker on 127.0.0.1:19092),
# so that each run also records the server's CPU time.
cmp_find_server() {
    SERVER_PID=""
    if [ -n "$MOCK_PID" ]; then
        SERVER_PID=$MOCK_PID
    elif [ "$BOOTSTRAP" = 127.0.0.1:19092 ]; then
        SERVER_PID=$("$HARNESS" status 2>/dev/null |
            awk '$1 == "single" && $2 == "4.1.1" && $7 == "running" {
                     print $6; exit }')
    fi
    if [ -n "$SERVER_PID" ]; then
        echo "server pid: $SERVER_PID (its CPU time is recorded per run)" >&2
        if [ -z "$MOCK_PID" ] &&
           ! tr '\0' ' ' < /proc/"$SERVER_PID"/cmdline |
               grep -q 'TieredStopAtLevel=4'; then
            echo "warning: the running broker has the harness's test JVM" \
                 "flags (C1 only); it, not the client, may set the pace" >&2
        fi
    fi
}

# cmp_server_ns: the CPU time of all the server's threads so far, in ns
# (schedstat), or -1 when there is no known server
cmp_server_ns() {
    local ns=""
    if [ -n "$SERVER_PID" ]; then
        ns=$(cat /proc/"$SERVER_PID"/task/*/schedstat 2>/dev/null |
             awk '{ s += $1 } END { if (NR) printf "%.0f\n", s }')
    fi
    echo "${ns:--1}"
}

# cmp_record SCENARIO JSON [SERVER_NS_BEFORE SERVER_NS_AFTER]: tags the
# line (and the server's CPU seconds over the whole run, warm-up and
# set-up included, when known), keeps it, prints a summary
cmp_record() {
    local name=$1 line=$2 extra=""
    if [ $# -ge 4 ] && [ "$3" -ge 0 ] && [ "$4" -ge "$3" ]; then
        extra=$(awk -v a="$3" -v b="$4" \
            'BEGIN { printf ",\"server_cpu_s\":%.4f", (b - a) / 1e9 }')
    fi
    echo "${line%\}}$extra,\"scenario\":\"$name\"}" >> "$OUT"
    python3 "$ROOT/bench/compare_table.py" "$CMP_KIND" --line \
        "$(tail -1 "$OUT")" || true
}

cmp_selected() {
    [ -z "$ONLY" ] && return 0
    case ",$ONLY," in *",$1,"*) return 0 ;; esac
    return 1
}

# cmp_settle: before a run against the real broker, the earlier runs'
# dirty pages (the broker's log segments) go to disk, so that writing them
# back does not fall into this run's timed region
cmp_settle() {
    [ "$MOCK" = 1 ] || sync
}

# cmp_alternate FUNCTION ARGS...: FUNCTION CLIENT ARGS..., PAIRS times
# per client, alternating which goes first (ABBA...)
cmp_alternate() {
    local fn=$1
    shift
    for i in $(seq "$PAIRS"); do
        if [ $((i % 2)) = 1 ]; then
            cmp_settle; "$fn" krafka "$@"
            cmp_settle; "$fn" librdkafka "$@"
        else
            cmp_settle; "$fn" librdkafka "$@"
            cmp_settle; "$fn" krafka "$@"
        fi
    done
}

# cmp_pin COMMAND...: runs it on core $CPU (--cpu none: where the kernel
# puts it)
cmp_pin() {
    if [ "$CPU" = none ]; then "$@"; else taskset -c "$CPU" "$@"; fi
}

# cmp_count N: N records scaled by --scale PERCENT (at least 1000)
cmp_count() {
    local n=$(($1 * SCALE / 100))
    echo $((n < 1000 ? 1000 : n))
}

# cmp_bin CLIENT: its program
cmp_bin() {
    if [ "$1" = librdkafka ]; then echo "$RPERF"; else echo "$KPERF"; fi
}
