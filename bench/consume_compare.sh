#!/usr/bin/env bash
# bench/consume_compare.sh -- krafka-perf consume against rdkafka-perf
# consume: each topic is filled once (krafka-perf produce), then both
# consumers read it from the beginning alternately (ABBA...), pinned to one
# core; prints a table of medians, min..max and ratios (krafka /
# librdkafka). See bench/README.md.
#
#   bench/consume_compare.sh [-b BOOTSTRAP | --mock] [--pairs N]
#       [--build DIR] [--cpu N|none] [--only NAME[,NAME...]] [--quick]
#       [--scale PERCENT] [--out FILE.jsonl] [--table FILE.jsonl]
#
# Brokers as in produce_compare.sh (default: the harness's single 4.1.1
# broker; -b any broker; --mock librdkafka's mock cluster). Topics on a
# real broker are named perf-c-<run>-<fill> and deleted at the end. The
# mock keeps only 5 MiB per partition and answers ListOffsets v4+ with
# one int32 too many per partition, so there the topics get 64 partitions
# (16 elsewhere) and both consumers start at --offset 0; the -group
# scenario is skipped there (krafka wants OffsetFetch v8+, which that mock
# does not serve).
set -euo pipefail

CMP_KIND=consume
# shellcheck source=bench/compare_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/compare_lib.sh"

RUN_ID=$(date +%H%M%S)-$$
FILLED=()

# Fills: name | records | produce arguments. 10-byte keys spread the
# records evenly over the partitions (the mock's 5 MiB cap).
fills() {
    local n100=2000000 n1k=500000
    if [ "$QUICK" = 1 ]; then n100=400000 n1k=100000; fi
    n100=$(cmp_count $n100) n1k=$(cmp_count $n1k)
    cat <<EOS
100B|$n100|-s 100
100B-lz4|$n100|-s 100 -X compression.type=lz4
1KiB-lz4|$n1k|-s 1024 -X compression.type=lz4
EOS
}

# Scenarios: name | fill | consume arguments shared by both clients
scenarios() {
    cat <<EOS
consume-100B|100B|
consume-100B-lz4|100B-lz4|
consume-1KiB-lz4|1KiB-lz4|
consume-100B-batch1000|100B|--batch 1000
consume-100B-group|100B|--group
EOS
}

topic_of() {
    if [ "$MOCK" = 1 ]; then echo "perf-c-$1"; else echo "perf-c-$RUN_ID-$1"; fi
}

fill_count() {
    fills | awk -F'|' -v f="$1" '$1 == f { print $2 }'
}

parts() {
    if [ "$MOCK" = 1 ]; then echo 64; else echo 16; fi
}

# fill NAME: produces the fill's records (once; unpinned)
fill() {
    local name=$1 f count args line
    for f in "${FILLED[@]}"; do [ "$f" = "$name" ] && return; done
    IFS='|' read -r _ count args < <(fills | awk -F'|' -v f="$name" \
                                           '$1 == f')
    echo "== fill $(topic_of "$name"): $count records" >&2
    # shellcheck disable=SC2086
    line=$("$KPERF" produce -b "$BOOTSTRAP" -t "$(topic_of "$name")" \
           -n "$count" -k --partitions "$(parts)" $NOCREATE $args \
           -X linger.ms=5 -X acks=1 -X enable.idempotence=false \
           < /dev/null) || { echo "fill $name failed: $line" >&2; exit 1; }
    FILLED+=("$name")
}

delete_topics() {
    [ "$MOCK" = 1 ] && return
    local f
    for f in "${FILLED[@]}"; do
        "$KPERF" delete -b "$BOOTSTRAP" -t "$(topic_of "$f")" >&2 || true
    done
}

# run_one CLIENT SCENARIO FILL ARGS...: one JSON line, kept. COUNT is
# the fill plus its producer's warm-up record, i.e. the whole topic.
run_one() {
    local client=$1 name=$2 fill=$3
    shift 3
    local args=() a line=""
    for a in "$@"; do
        # a new group each run: no committed offsets to start from
        [ "$a" = --group ] && a="--group=perf-c-$RUN_ID-$client-$RANDOM"
        args+=("$a")
    done
    [ "$MOCK" = 1 ] && args+=(--offset 0)
    local s0 s1
    s0=$(cmp_server_ns)
    line=$(cmp_pin "$(cmp_bin "$client")" consume \
           -b "$BOOTSTRAP" -t "$(topic_of "$fill")" \
           -n $(($(fill_count "$fill") + 1)) -q "${args[@]}" \
           < /dev/null) || true
    if [ -z "$line" ]; then
        echo "$client $name: no result" >&2
        return
    fi
    s1=$(cmp_server_ns)
    cmp_record "$name" "$line" "$s0" "$s1"
}

cleanup() {
    delete_topics
    cmp_cleanup
}

main() {
    cmp_parse_args "${BASH_SOURCE[0]}" "$@"
    trap cleanup EXIT
    cmp_open_out
    local topics=() name fill args
    while IFS='|' read -r name _ _; do
        topics+=("$(topic_of "$name"):$(parts)")
    done < <(fills)
    cmp_pick_broker "${topics[@]}"
    while IFS='|' read -r name fill args; do
        cmp_selected "$name" || continue
        if [ "$MOCK" = 1 ] && [ "${name%-group}" != "$name" ]; then
            echo "== $name: skipped on the mock (no OffsetFetch v8)" >&2
            continue
        fi
        fill "$fill"
        echo "== $name ($PAIRS pairs)" >&2
        # shellcheck disable=SC2086
        cmp_alternate run_one "$name" "$fill" $args
    done < <(scenarios)
    echo "results: $OUT" >&2
    cmp_table "$OUT"
}

main "$@"
