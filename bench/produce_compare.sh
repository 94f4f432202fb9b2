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
    local n100=1000000 n1k=300000 nrate=250000
    if [ "$QUICK" = 1 ]; then n100=200000 n1k=60000 nrate=50000; fi
    n100=$(cmp_count $n100) n1k=$(cmp_count $n1k) nrate=$(cmp_count $nrate)
    local base="-X acks=1 -X enable.idempotence=false"
    cat <<EOS
100B|$n100|-s 100 -X linger.ms=5 $base
100B-keyed|$n100|-s 100 -k -X linger.ms=5 $base
1KiB|$n1k|-s 1024 -X linger.ms=5 $base
100B-lz4|$n100|-s 100 -X linger.ms=5 -X compression.type=lz4 $base
100B-zstd|$n100|-s 100 -X linger.ms=5 -X compression.type=zstd $base
1KiB-lz4|$n1k|-s 1024 -X linger.ms=5 -X compression.type=lz4 $base
1KiB-zstd|$n1k|-s 1024 -X linger.ms=5 -X compression.type=zstd $base
rate50k|$nrate|-s 100 -X linger.ms=0 --rate 50000 $base
rate50k-linger5|$nrate|-s 100 -X linger.ms=5 --rate 50000 $base
rate50k-mif5|$nrate|-s 100 -X linger.ms=0 --rate 50000 -X max.in.flight=5 $base
EOS
}

# run_one CLIENT SCENARIO COUNT ARGS...: one JSON line, kept
run_one() {
    local client=$1 name=$2 count=$3
    shift 3
    local line=""
    # shellcheck disable=SC2086
    line=$(cmp_pin "$(cmp_bin "$client")" produce \
           -b "$BOOTSTRAP" -t "perf-$name" -n "$count" -q $NOCREATE "$@" \
           < /dev/null) || true
    if [ -z "$line" ]; then
        echo "$client $name: no result" >&2
        return
    fi
    cmp_record "$name" "$line"
}

main() {
    cmp_parse_args "${BASH_SOURCE[0]}" "$@"
    trap cmp_cleanup EXIT
    cmp_open_out
    local topics=() name count args
    while IFS='|' read -r name _ _; do topics+=("perf-$name"); done \
        < <(scenarios)
    cmp_pick_broker "${topics[@]}"
    while IFS='|' read -r name count args; do
        cmp_selected "$name" || continue
        echo "== $name ($PAIRS pairs)" >&2
        # shellcheck disable=SC2086
        cmp_alternate run_one "$name" "$count" $args
    done < <(scenarios)
    echo "results: $OUT" >&2
    cmp_table "$OUT"
}

main "$@"
