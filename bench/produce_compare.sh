#!/usr/bin/env bash
# bench/produce_compare.sh -- krafka-perf against its librdkafka twin
# (rdkafka-perf): the same scenarios run alternately (ABBA...), pinned to
# one core, against one broker; prints a table of medians and ratios
# (krafka / librdkafka). See bench/README.md.
#
#   bench/produce_compare.sh [-b BOOTSTRAP | --mock] [--pairs N]
#       [--build DIR] [--cpu N|none] [--only NAME[,NAME...]] [--quick]
#       [--scale PERCENT] [--out FILE.jsonl] [--table FILE.jsonl]
#
# Without -b and --mock it uses the harness's single 4.1.1 broker
# (tests/kafka/harness), starting it if it is not running and stopping it
# at the end if it started it. It never uses a port some other run owns:
# if 127.0.0.1:19092 is busy but not ours, it stops (set KRAFKA_RUN to
# another run dir and retry later, or pass -b). --mock uses librdkafka's
# mock cluster (rdkafka-perf mock, pinned to the other core).
# --table FILE only prints the table of an earlier --out file.
set -euo pipefail

CMP_KIND=produce
# shellcheck source=bench/compare_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/compare_lib.sh"

# name | records | arguments shared by both clients
scenarios() {
    # Runs long enough that the start (the first fill of the queue:
    # 100,000 records of fresh memory for either client) and the end
    # (linger.ms and the last acknowledgement) are not most of the timed
    # region: 100 B at 5M records/s is 1 s at --scale 100.
    local n100=5000000 n1k=2000000 n1kc=300000 nrate=250000
    if [ "$QUICK" = 1 ]; then n100=1000000 n1k=400000 n1kc=60000 nrate=50000; fi
    n100=$(cmp_count $n100) n1k=$(cmp_count $n1k) n1kc=$(cmp_count $n1kc)
    nrate=$(cmp_count $nrate)
    local base="-X acks=1 -X enable.idempotence=false"
    cat <<EOS
100B|$n100|-s 100 -X linger.ms=5 $base
100B-keyed|$n100|-s 100 -k -X linger.ms=5 $base
1KiB|$n1k|-s 1024 -X linger.ms=5 $base
100B-lz4|$n100|-s 100 -X linger.ms=5 -X compression.type=lz4 $base
100B-zstd|$n100|-s 100 -X linger.ms=5 -X compression.type=zstd $base
1KiB-lz4|$n1kc|-s 1024 -X linger.ms=5 -X compression.type=lz4 $base
1KiB-zstd|$n1kc|-s 1024 -X linger.ms=5 -X compression.type=zstd $base
rate50k|$nrate|-s 100 -X linger.ms=0 --rate 50000 $base
rate50k-linger5|$nrate|-s 100 -X linger.ms=5 --rate 50000 $base
rate50k-mif5|$nrate|-s 100 -X linger.ms=0 --rate 50000 -X max.in.flight=5 $base
EOS
}

# run_one CLIENT SCENARIO COUNT ARGS...: one JSON line, kept
run_one() {
    local client=$1 name=$2 count=$3
    shift 3
    local line="" s0 s1
    s0=$(cmp_server_ns)
    # shellcheck disable=SC2086
    line=$(cmp_pin "$(cmp_bin "$client")" produce \
           -b "$BOOTSTRAP" -t "perf-$name" -n "$count" -q $NOCREATE "$@" \
           < /dev/null) || true
    if [ -z "$line" ]; then
        echo "$client $name: no result" >&2
        return
    fi
    s1=$(cmp_server_ns)
    cmp_record "$name" "$line" "$s0" "$s1"
}

main() {
    cmp_parse_args "${BASH_SOURCE[0]}" "$@"
    trap cmp_cleanup EXIT
    cmp_open_out
    local topics=() name count args
    while IFS='|' read -r name _ _; do topics+=("perf-$name"); done \
        < <(scenarios)
    cmp_pick_broker "${topics[@]}"
    if [ "$MOCK" = 0 ]; then
        # A JVM broker compiles its hot paths under load: on this class of
        # machine a fresh broker took 1.06 us of CPU per 100 B record in
        # the first 2.5M records and 0.13 us after 10M. Warm it up
        # (untimed; plain, keyed, 1 KiB, lz4) before measuring.
        echo "== broker warm-up" >&2
        local w
        for w in "-n 12000000 -s 100" "-n 3000000 -s 100 -k" \
                 "-n 1000000 -s 1024" \
                 "-n 2000000 -s 100 -X compression.type=lz4"; do
            # shellcheck disable=SC2086
            cmp_pin "$KPERF" produce -b "$BOOTSTRAP" -t perf-warmup $w -q \
                -X linger.ms=5 -X acks=1 -X enable.idempotence=false \
                > /dev/null < /dev/null || true
        done
        "$KPERF" delete -b "$BOOTSTRAP" -t perf-warmup > /dev/null 2>&1 ||
            true
    fi
    while IFS='|' read -r name count args; do
        cmp_selected "$name" || continue
        echo "== $name ($PAIRS pairs)" >&2
        # shellcheck disable=SC2086
        cmp_alternate run_one "$name" "$count" $args
        # its records are not needed again: less for the broker's disk
        [ "$MOCK" = 1 ] ||
            "$KPERF" delete -b "$BOOTSTRAP" -t "perf-$name" \
                > /dev/null 2>&1 < /dev/null || true
    done < <(scenarios)
    echo "results: $OUT" >&2
    cmp_table "$OUT"
}

main "$@"
