#!/usr/bin/env bash
# The examples (examples/*.c) against a real broker (KRAFKA_TEST_BOOTSTRAP,
# from tests/kafka/harness), checked by what reaches the topics:
#   log_sink            events read back with their severity keys on the
#                       severity's partition; failures reported, exit 1
#   telemetry_exporter  every stdin line arrives, with each set of knobs
#                       (acks, codecs, linger, batching, SASL_SSL); bad
#                       flags, bad credentials, no broker: clean exit codes
#   traced_pipeline     consumer spans carry the producer's trace id and are
#                       children of its send spans; the traceparent header
#   consumer_group      a bounded run commits exactly what it processed and a
#                       second run starts there; two members rebalance (eager
#                       and cooperative), commit on REVOKED, stop on SIGTERM
#                       with everything committed and nothing read twice
#
# Usage: test_examples.sh krafka log_sink telemetry_exporter traced_pipeline
#        consumer_group (paths). Exit 0 pass, 1 fail, 77 skip (no broker
# environment). Every command runs under `timeout`.
set -u
if [ $# -ne 5 ]; then
    echo "usage: $0 krafka log_sink telemetry_exporter traced_pipeline consumer_group" >&2
    exit 2
fi
KRAFKA=$1 LOG_SINK=$2 EXPORTER=$3 TRACED=$4 GROUP=$5
if [ -z "${KRAFKA_TEST_BOOTSTRAP:-}" ]; then
    echo "SKIP: KRAFKA_TEST_BOOTSTRAP not set: start tests/kafka/harness and source .run/kafka/env"
    exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: python3 not installed"
    exit 77
fi
B=$KRAFKA_TEST_BOOTSTRAP
T=60 # seconds any single command may take
W=$(mktemp -d)
bg_pids=()
cleanup() {
    for p in "${bg_pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
    rm -rf "$W"
}
trap cleanup EXIT
fails=0
checks=0
run_id="$$-$(date +%s)"

pass() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }
k() { timeout -k 5 $T "$KRAFKA" "$@"; }
t() { timeout -k 5 $T "$@"; }

expect_rc() { # NAME WANT GOT [FILE to show on failure]
    if [ "$2" = "$3" ]; then pass; else
        fail "$1: exit code $3, want $2"
        [ $# -ge 4 ] && tail -20 "$4"
    fi
}

expect_grep() { # NAME PATTERN FILE
    if grep -q -- "$2" "$3"; then pass; else
        fail "$1: no '$2' in $(basename "$3"):"
        tail -20 "$3"
    fi
}

# py NAME ARGS... <<'EOF' script EOF: a Python check; fails NAME on error.
py() {
    local name=$1
    shift
    if python3 - "$@" >"$W/py.out" 2>&1; then pass; else
        fail "$name"
        tail -20 "$W/py.out"
    fi
}

topic() { # NAME PARTITIONS
    k topics create -b "$B" --partitions "$2" "$1" >/dev/null 2>"$W/create.err" ||
        { echo "cannot create topic $1:"; cat "$W/create.err"; exit 1; }
}

# wait_grep PATTERN FILE SECONDS: until PATTERN is in FILE.
wait_grep() {
    local i
    for i in $(seq 1 $(($3 * 10))); do
        grep -q -- "$1" "$2" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

section() { echo "# $1 (at ${SECONDS}s)"; }
# ======================================================================
section log_sink
# log_sink
# ======================================================================
LS="ex_logs_$run_id"
topic "$LS" 4
t "$LOG_SINK" -b "$B" -t "$LS" -S -n 40 2>"$W/ls1.err"
expect_rc "log_sink async -S" 0 $? "$W/ls1.err"
expect_grep "log_sink async summary" "40 events sent, 40 delivered, 0 failed (async mode)" "$W/ls1.err"
t "$LOG_SINK" -b "$B" -t "$LS" -S -n 8 -m sync -v -s billing 2>"$W/ls2.err"
expect_rc "log_sink sync -S" 0 $? "$W/ls2.err"
expect_grep "log_sink sync acks" "event 7 acked at \[3\] offset" "$W/ls2.err"
k -b "$B" -t "$LS" -C -e -q -f '%p\t%k\t%s\n' >"$W/ls.out"
py "log_sink: keys on their severity's partition, JSON values" "$W/ls.out" <<'EOF'
import json, sys, collections
sev = ["error", "warn", "info", "debug"]
rows = [l.rstrip("\n").split("\t", 2) for l in open(sys.argv[1])]
assert len(rows) == 48, len(rows)
cnt = collections.Counter()
services = collections.Counter()
for p, key, value in rows:
    assert key in sev and int(p) == sev.index(key), (p, key)
    ev = json.loads(value)
    assert ev["level"] == key, ev
    assert sev[ev["seq"] % 4] == key, ev
    cnt[key] += 1
    services[ev["service"]] += 1
assert all(cnt[s] == 12 for s in sev), cnt
assert services == {"log_sink": 40, "billing": 8}, services
EOF
# Without -S, the default partitioner hashes the key: one partition per key.
LS2="ex_logs2_$run_id"
topic "$LS2" 4
t "$LOG_SINK" -b "$B" -t "$LS2" -n 40 -X linger.ms=0 2>"$W/ls3.err"
expect_rc "log_sink default partitioner" 0 $? "$W/ls3.err"
k -b "$B" -t "$LS2" -C -e -q -f '%p\t%k\n' >"$W/ls2.out"
py "log_sink: one partition per severity (murmur2)" "$W/ls2.out" <<'EOF'
import sys
parts = {}
n = 0
for l in open(sys.argv[1]):
    p, key = l.split()
    parts.setdefault(key, set()).add(p)
    n += 1
assert n == 40 and len(parts) == 4, (n, parts)
assert all(len(v) == 1 for v in parts.values()), parts
EOF
# Errors are reported, never swallowed.
t "$LOG_SINK" -b "$B" -t "nosuch_$run_id" -n 3 -X message.timeout.ms=2000 2>"$W/ls4.err"
expect_rc "log_sink to a missing topic" 1 $? "$W/ls4.err"
expect_grep "log_sink failure reported" "event to nosuch_$run_id failed: " "$W/ls4.err"
expect_grep "log_sink failure counted" "3 events sent, 0 delivered, 3 failed" "$W/ls4.err"
t "$LOG_SINK" -b "$B" -t "nosuch_$run_id" -n 1 -m sync -X message.timeout.ms=2000 2>"$W/ls5.err"
expect_rc "log_sink sync to a missing topic" 1 $? "$W/ls5.err"
expect_grep "log_sink sync failure reported" "event 0 failed: " "$W/ls5.err"
t "$LOG_SINK" -t "$LS" 2>"$W/ls6.err"
expect_rc "log_sink without -b" 2 $?
expect_grep "log_sink usage" "usage:" "$W/ls6.err"

# ======================================================================
section telemetry_exporter
# telemetry_exporter
# ======================================================================
TE="ex_tel_$run_id"
topic "$TE" 3
seq 1 5000 | sed 's/^\(.*\)$/host\1:cpu.load host=h\1 value=\1/' >"$W/te1.in"
t "$EXPORTER" -b "$B" -t "$TE" -K: -a all -z lz4 -l 10 --batch-size 16384 \
    --batch-records 500 -r 3 --retry-backoff-ms 50 -T 30000 -p murmur2 \
    -X client.id=telemetry <"$W/te1.in" 2>"$W/te1.err"
expect_rc "telemetry_exporter acks=all lz4" 0 $? "$W/te1.err"
expect_grep "telemetry_exporter summary" "5000 lines read (0 empty), 5000 delivered, 0 failed" "$W/te1.err"
# acks none, zstd, no idempotence, empty lines skipped.
seq 1 1000 | awk '{print "mem.used value=" $1; if ($1 % 100 == 0) print ""}' >"$W/te2.in"
t "$EXPORTER" -b "$B" -t "$TE" --acks none --compression zstd --linger-ms 0 \
    --retries 0 --idempotence false --partitioner random <"$W/te2.in" 2>"$W/te2.err"
expect_rc "telemetry_exporter acks=none zstd" 0 $? "$W/te2.err"
expect_grep "telemetry_exporter empty lines" "1010 lines read (10 empty), 1000 delivered" "$W/te2.err"
# acks one, gzip, over SASL_SSL with SCRAM.
if [ -n "${KRAFKA_TEST_SASL_SSL_BOOTSTRAP:-}" ]; then
    seq 1 200 | sed 's/^/disk.io value=/' >"$W/te3.in"
    t "$EXPORTER" -b "$KRAFKA_TEST_SASL_SSL_BOOTSTRAP" -t "$TE" -a one -z gzip \
        --security-protocol sasl_ssl --sasl-mechanism SCRAM-SHA-256 \
        --sasl-username "$KRAFKA_TEST_SASL_USER" \
        --sasl-password "$KRAFKA_TEST_SASL_PASSWORD" \
        --ssl-ca "$KRAFKA_TEST_CA" <"$W/te3.in" 2>"$W/te3.err"
    expect_rc "telemetry_exporter SASL_SSL" 0 $? "$W/te3.err"
    t "$EXPORTER" -b "$KRAFKA_TEST_SASL_SSL_BOOTSTRAP" -t "$TE" -T 5000 \
        --security-protocol sasl_ssl --sasl-username "$KRAFKA_TEST_SASL_USER" \
        --sasl-password wrong --ssl-ca "$KRAFKA_TEST_CA" <"$W/te3.in" 2>"$W/te4.err"
    expect_rc "telemetry_exporter bad password" 1 $? "$W/te4.err"
    expect_grep "telemetry_exporter bad password" "200 x LOCAL_AUTHENTICATION" "$W/te4.err"
else
    : >"$W/te3.in"
fi
k -b "$B" -t "$TE" -C -e -q -f '%k:%s\n' | sed 's/^://' | sort >"$W/te.out"
cat "$W/te1.in" "$W/te3.in" <(grep -v '^$' "$W/te2.in") | sort >"$W/te.want"
if cmp -s "$W/te.out" "$W/te.want"; then pass; else
    fail "telemetry_exporter: read back $(wc -l <"$W/te.out") lines, want $(wc -l <"$W/te.want")"
    diff "$W/te.out" "$W/te.want" | head -5
fi
# Bad flags and properties: 2; no producer: 3; nothing delivered: 1.
echo x | t "$EXPORTER" -b "$B" -t "$TE" -X no.such.property=1 2>"$W/te5.err"
expect_rc "telemetry_exporter unknown property" 2 $?
expect_grep "telemetry_exporter unknown property" "no.such.property" "$W/te5.err"
echo x | t "$EXPORTER" -b "$B" -t "$TE" --acks maybe 2>"$W/te6.err"
expect_rc "telemetry_exporter bad acks" 2 $?
expect_grep "telemetry_exporter bad acks" "acks" "$W/te6.err"
echo x | t "$EXPORTER" -t "$TE" 2>"$W/te7.err"
expect_rc "telemetry_exporter without -b" 2 $?
echo x | t "$EXPORTER" -b "$B" -t "$TE" --security-protocol ssl --ssl-ca "$W/none.pem" 2>"$W/te8.err"
expect_rc "telemetry_exporter missing CA file" 3 $?
expect_grep "telemetry_exporter missing CA file" "none.pem" "$W/te8.err"
seq 1 3 | t "$EXPORTER" -b 127.0.0.1:1 -t "$TE" -T 2000 2>"$W/te9.err"
expect_rc "telemetry_exporter unreachable broker" 1 $? "$W/te9.err"
expect_grep "telemetry_exporter unreachable broker" "3 x LOCAL_MSG_TIMED_OUT" "$W/te9.err"
t "$EXPORTER" --help >"$W/te.help"
expect_rc "telemetry_exporter --help" 0 $?
expect_grep "telemetry_exporter --help" "Exit codes" "$W/te.help"

# ======================================================================
section traced_pipeline
# traced_pipeline
# ======================================================================
TP="ex_traced_$run_id"
topic "$TP" 3
t "$TRACED" -b "$B" -t "$TP" -n 50 -o "$W/spans.jsonl" -T 60 2>"$W/tp1.err"
expect_rc "traced_pipeline both" 0 $? "$W/tp1.err"
expect_grep "traced_pipeline processed" "processed 50 records" "$W/tp1.err"
k -b "$B" -t "$TP" -C -e -q -f '%p %o %h\n' >"$W/tp.headers"
py "traced_pipeline: span tree and traceparent headers" "$W/spans.jsonl" "$W/tp.headers" <<'EOF'
import json, sys
spans = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for s in spans:
    by.setdefault(s["name"], []).append(s)
send, recv, proc = by["send"], by["receive"], by["process"]
assert len(send) == len(recv) == len(proc) == 50, {k: len(v) for k, v in by.items()}
sends = {(s["partition"], s["offset"]): s for s in send}
assert len(sends) == 50
for s in send:
    assert s["status"] == "ok" and s["offset"] >= 0 and s["parent_id"] is None, s
    assert s["kind"] == "producer" and s["client_id"] == "traced-pipeline-producer", s
    assert len(s["trace_id"]) == 32 and len(s["span_id"]) == 16, s
    assert s["key"].startswith("customer-") and s["duration_us"] >= 0, s
assert len({s["trace_id"] for s in send}) == 50
recvs = {}
for r in recv:
    s = sends[(r["partition"], r["offset"])]
    assert r["trace_id"] == s["trace_id"], (r, s)      # same trace
    assert r["parent_id"] == s["span_id"], (r, s)      # child of the send
    assert r["span_id"] != s["span_id"] and r["key"] == s["key"], (r, s)
    assert r["client_id"] == "traced-pipeline-consumer", r
    recvs[(r["partition"], r["offset"])] = r
for p in proc:
    r = recvs[(p["partition"], p["offset"])]
    assert p["trace_id"] == r["trace_id"] and p["parent_id"] == r["span_id"], (p, r)
# The records carry "traceparent: 00-<trace>-<send span>-01".
n = 0
for l in open(sys.argv[2]):
    part, off, h = l.split()
    s = sends[(int(part), int(off))]
    assert h == "traceparent=00-%s-%s-01" % (s["trace_id"], s["span_id"]), (h, s)
    n += 1
assert n == 50, n
EOF
# Producer and consumer as two processes, the consumer in a group.
TP2="ex_traced2_$run_id"
topic "$TP2" 2
timeout -k 5 $T "$TRACED" -b "$B" -t "$TP2" -m consume -g "tp_$run_id" -n 20 -T 50 \
    -X client.id=billing -o "$W/c.jsonl" 2>"$W/tp2c.err" &
cpid=$!
bg_pids+=("$cpid")
t "$TRACED" -b "$B" -t "$TP2" -m produce -n 20 -X client.id=shop \
    -o "$W/p.jsonl" 2>"$W/tp2p.err"
expect_rc "traced_pipeline produce" 0 $? "$W/tp2p.err"
wait "$cpid"
expect_rc "traced_pipeline consume" 0 $? "$W/tp2c.err"
py "traced_pipeline: two processes, one trace per record" "$W/p.jsonl" "$W/c.jsonl" <<'EOF'
import json, sys
p = [json.loads(l) for l in open(sys.argv[1])]
c = [json.loads(l) for l in open(sys.argv[2])]
sends = {s["span_id"]: s for s in p if s["name"] == "send"}
assert len(sends) == 20 and all(s["client_id"] == "shop" for s in sends.values())
recv = [s for s in c if s["name"] == "receive"]
assert len(recv) == 20, len(recv)
for r in recv:
    s = sends[r["parent_id"]]
    assert r["trace_id"] == s["trace_id"] and r["client_id"] == "billing", (r, s)
    assert (r["partition"], r["offset"]) == (s["partition"], s["offset"]), (r, s)
EOF

# ======================================================================
section consumer_group
# consumer_group
# ======================================================================
CG="ex_cg_$run_id"
topic "$CG" 3
seq 0 59 | sed 's/^\(.*\)$/k\1:job-\1/' | k -b "$B" -t "$CG" -P -K: -q
expect_rc "produce jobs" 0 $?

# committed G WANT_TOTAL: the group's committed offsets sum to WANT_TOTAL
# and equal the log end when WANT_TOTAL is "end".
committed() {
    k groups describe -b "$B" -J "$1" >"$W/gd.json" 2>"$W/gd.err"
    python3 - "$W/gd.json" "$CG" "$2" <<'EOF'
import json, sys
g = json.load(open(sys.argv[1]))[0]
offs = [o for o in g.get("offsets", []) if o["topic"] == sys.argv[2]]
total = sum(max(o["committed"], 0) for o in offs)
if sys.argv[3] == "end":
    ok = len(offs) == 3 and all(o["committed"] == o["log_end"] for o in offs)
else:
    ok = total == int(sys.argv[3])
print("committed", [(o["partition"], o["committed"], o["log_end"]) for o in offs])
sys.exit(0 if ok else 1)
EOF
}

G1="cg1_$run_id"
t "$GROUP" -b "$B" -g "$G1" -n 25 "$CG" >"$W/cg1.out" 2>"$W/cg1.err"
expect_rc "consumer_group -n 25" 0 $? "$W/cg1.err"
[ "$(wc -l <"$W/cg1.out")" = 25 ] && pass || fail "consumer_group -n 25 printed $(wc -l <"$W/cg1.out") records"
expect_grep "consumer_group assigned" "assigned: " "$W/cg1.err"
expect_grep "consumer_group commit at shutdown" "committed (shutdown)" "$W/cg1.err"
committed "$G1" 25 >"$W/c1" && pass || { fail "consumer_group: 25 committed"; cat "$W/c1" "$W/gd.err"; }
t "$GROUP" -b "$B" -g "$G1" -e -i 100 "$CG" >"$W/cg2.out" 2>"$W/cg2.err"
expect_rc "consumer_group -e (second run)" 0 $? "$W/cg2.err"
committed "$G1" end >"$W/c2" && pass || { fail "consumer_group: all committed after -e"; cat "$W/c2"; }
py "consumer_group: the second run starts where the first stopped" "$W/cg1.out" "$W/cg2.out" <<'EOF'
import sys
a = [l.split("\t") for l in open(sys.argv[1])]
b = [l.split("\t") for l in open(sys.argv[2])]
assert len(a) == 25 and len(b) == 35, (len(a), len(b))
vals = sorted(r[4].strip() for r in a + b)
assert vals == sorted("job-%d" % i for i in range(60)), vals
# per partition, the second run's first offset is the first run's last + 1
last = {}
for r in a:
    last[r[1]] = max(last.get(r[1], -1), int(r[2]))
first = {}
for r in b:
    first.setdefault(r[1], int(r[2]))
for p, o in first.items():
    assert o == last.get(p, -1) + 1, (p, o, last)
EOF

# Two members: the first is revoked (and commits) when the second joins;
# both stop on SIGTERM, committing everything; no record is read twice.
# (Background commands run `timeout` directly: it passes SIGTERM on.)
two_members() { # NAME ASSIGNOR
    local name=$1 assignor=$2 g="cg_${1}_$run_id"
    timeout -k 5 $T "$GROUP" -b "$B" -g "$g" -s "$assignor" -i 600000 -T 50 "$CG" \
        >"$W/$name.a.out" 2>"$W/$name.a.err" &
    local a=$!
    bg_pids+=("$a")
    wait_grep "assigned: $CG" "$W/$name.a.err" 30 ||
        { fail "$name: member A got no assignment"; tail -20 "$W/$name.a.err"; }
    # A reads the 60 records; only then B joins.
    for _ in $(seq 1 100); do
        [ "$(wc -l <"$W/$name.a.out")" -ge 60 ] && break
        sleep 0.1
    done
    timeout -k 5 $T "$GROUP" -b "$B" -g "$g" -s "$assignor" -i 600000 -T 50 "$CG" \
        >"$W/$name.b.out" 2>"$W/$name.b.err" &
    local b=$!
    bg_pids+=("$b")
    wait_grep "assigned: $CG" "$W/$name.b.err" 30 ||
        { fail "$name: member B got no assignment"; tail -20 "$W/$name.b.err"; }
    wait_grep "committed (partitions revoked)" "$W/$name.a.err" 30 ||
        fail "$name: member A did not commit on REVOKED"
    committed "$g" 60 >"$W/$name.c1" && pass || { fail "$name: 60 committed on REVOKED"; cat "$W/$name.c1"; }
    # New records spread over both members.
    seq 60 89 | sed 's/^\(.*\)$/k\1:job-\1/' | k -b "$B" -t "$CG" -P -K: -q
    for _ in $(seq 1 100); do
        [ $(($(wc -l <"$W/$name.a.out") + $(wc -l <"$W/$name.b.out"))) -ge 90 ] && break
        sleep 0.1
    done
    kill -TERM "$a" "$b"
    wait "$a"
    expect_rc "$name: member A on SIGTERM" 0 $? "$W/$name.a.err"
    wait "$b"
    expect_rc "$name: member B on SIGTERM" 0 $? "$W/$name.b.err"
    expect_grep "$name: A stopped by the signal" "(signal)" "$W/$name.a.err"
    expect_grep "$name: B stopped by the signal" "(signal)" "$W/$name.b.err"
    committed "$g" end >"$W/$name.c2" && pass || { fail "$name: all committed at shutdown"; cat "$W/$name.c2"; }
    py "$name: every record once" "$W/$name.a.out" "$W/$name.b.out" <<'EOF'
import sys
a = [l.split("\t")[4].strip() for l in open(sys.argv[1])]
b = [l.split("\t")[4].strip() for l in open(sys.argv[2])]
assert len(b) > 0, "member B read nothing"
assert sorted(a + b) == sorted("job-%d" % i for i in range(90)), (len(a), len(b))
EOF
}
section "consumer_group: two members, eager"
two_members eager range
section "consumer_group: two members, cooperative"
two_members_coop() {
    local g="cg_coop_$run_id" name=coop
    timeout -k 5 $T "$GROUP" -b "$B" -g "$g" -s cooperative-sticky -i 600000 -T 50 "$CG" \
        >"$W/$name.a.out" 2>"$W/$name.a.err" &
    local a=$!
    bg_pids+=("$a")
    for _ in $(seq 1 200); do
        [ "$(wc -l <"$W/$name.a.out")" -ge 90 ] && break
        sleep 0.1
    done
    timeout -k 5 $T "$GROUP" -b "$B" -g "$g" -s cooperative-sticky -i 600000 -T 50 "$CG" \
        >"$W/$name.b.out" 2>"$W/$name.b.err" &
    local b=$!
    bg_pids+=("$b")
    wait_grep "assigned: $CG" "$W/$name.b.err" 30 ||
        { fail "$name: member B got no assignment"; tail -20 "$W/$name.b.err"; }
    wait_grep "committed (partitions revoked)" "$W/$name.a.err" 30 ||
        fail "$name: member A did not commit on REVOKED"
    # Cooperative: A gives up only what moves, and keeps the rest.
    local revoked
    revoked=$(grep -m1 "revoked:" "$W/$name.a.err" | wc -w)
    [ "$revoked" -ge 3 ] && [ "$revoked" -lt 5 ] && pass ||
        { fail "$name: A revoked $(grep -m1 "revoked:" "$W/$name.a.err")"; }
    seq 90 119 | sed 's/^\(.*\)$/k\1:job-\1/' | k -b "$B" -t "$CG" -P -K: -q
    for _ in $(seq 1 100); do
        [ $(($(wc -l <"$W/$name.a.out") + $(wc -l <"$W/$name.b.out"))) -ge 120 ] && break
        sleep 0.1
    done
    kill -TERM "$a" "$b"
    wait "$a"
    expect_rc "$name: member A on SIGTERM" 0 $? "$W/$name.a.err"
    wait "$b"
    expect_rc "$name: member B on SIGTERM" 0 $? "$W/$name.b.err"
    committed "$g" end >"$W/$name.c2" && pass || { fail "$name: all committed at shutdown"; cat "$W/$name.c2"; }
    py "$name: every record once" "$W/$name.a.out" "$W/$name.b.out" <<'EOF'
import sys
a = [l.split("\t")[4].strip() for l in open(sys.argv[1])]
b = [l.split("\t")[4].strip() for l in open(sys.argv[2])]
assert len(b) > 0, "member B read nothing"
assert sorted(a + b) == sorted("job-%d" % i for i in range(120)), (len(a), len(b))
EOF
}
two_members_coop

t "$GROUP" -b "$B" "$CG" 2>"$W/cg.err"
expect_rc "consumer_group without -g" 2 $?

# ---- clean up ----
k topics delete -b "$B" "$LS" "$LS2" "$TE" "$TP" "$TP2" "$CG" >/dev/null 2>&1

echo "$checks checks, $fails failed in ${SECONDS}s"
[ $fails = 0 ]
