#!/usr/bin/env bash
# The krafka CLI against a real broker (KRAFKA_TEST_BOOTSTRAP, from
# tests/kafka/harness): produce/consume round trips with keys, headers,
# every codec and output format; output compared byte for byte with kcat's
# (Debian's kcat 1.7) for -C with -f and -J, for -L and -Q; the topics and
# groups subcommands; bad flags and unreachable brokers.
#
# Usage: test_cli.sh path/to/krafka. Exit 0 pass, 1 fail, 77 skip (no
# kcat). Every command runs under `timeout`, so the test is bounded.
set -u
KRAFKA=${1:?usage: test_cli.sh path/to/krafka}
if ! command -v kcat >/dev/null 2>&1; then
    echo "SKIP: kcat not installed (scripts/install-deps installs it)"
    exit 77
fi
B=${KRAFKA_TEST_BOOTSTRAP:?KRAFKA_TEST_BOOTSTRAP not set: start tests/kafka/harness and source .run/kafka/env}
T=60 # seconds any single command may take
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fails=0
checks=0
run_id="$$-$(date +%s)"

pass() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }
k() { timeout -k 5 $T "$KRAFKA" "$@"; }
kc() { timeout -k 5 $T kcat "$@"; }

# expect_same NAME: compares $W/k.out with $W/c.out (and the exit codes).
expect_same() {
    if cmp -s "$W/k.out" "$W/c.out" && [ "$krc" = "$crc" ]; then
        pass
    else
        fail "$1: krafka (rc $krc) and kcat (rc $crc) differ"
        diff <(od -c "$W/k.out" | head -20) <(od -c "$W/c.out" | head -20)
    fi
}

# compare_consume TOPIC ARGS...: krafka -C and kcat -C, same arguments.
compare_consume() {
    local t=$1
    shift
    k -b "$B" -t "$t" -C -e -q "$@" >"$W/k.out" 2>"$W/k.err"
    krc=$?
    kc -b "$B" -t "$t" -C -e -q "$@" >"$W/c.out" 2>"$W/c.err"
    crc=$?
    expect_same "-C $* on $t"
}

expect_rc() { # NAME WANT GOT
    if [ "$2" = "$3" ]; then pass; else fail "$1: exit code $3, want $2"; fi
}

expect_grep() { # NAME PATTERN FILE
    if grep -q -- "$2" "$3"; then pass; else
        fail "$1: no '$2' in $(basename "$3"):"
        head -5 "$3"
    fi
}

# ---- topics create / describe / list ----
T1="cli_t1_$run_id"   # 1 partition: byte-for-byte comparisons
T3="cli_t3_$run_id"   # 3 partitions
k topics create -b "$B" --partitions 1 --replication-factor 1 "$T1" 2>"$W/err"
expect_rc "topics create $T1" 0 $?
k topics create -b "$B" --partitions 3 --config retention.ms=3600000 "$T3" 2>"$W/err"
expect_rc "topics create $T3" 0 $?
k topics create -b "$B" "$T3" 2>"$W/err"
expect_rc "topics create existing" 1 $?
expect_grep "topics create existing" "TOPIC_ALREADY_EXISTS" "$W/err"
k topics create -b "$B" --if-not-exists "$T3" 2>"$W/err"
expect_rc "topics create --if-not-exists" 0 $?
k topics list -b "$B" >"$W/list"
expect_grep "topics list" "^$T3\$" "$W/list"
k topics describe -b "$B" "$T3" >"$W/desc"
expect_rc "topics describe" 0 $?
expect_grep "topics describe" "PartitionCount: 3	ReplicationFactor: 1" "$W/desc"
expect_grep "topics describe" "Partition: 2	Leader: " "$W/desc"
expect_grep "topics describe: configs" "^	Configs: .*retention.ms=3600000" "$W/desc"
k topics describe -b "$B" -J "$T3" >"$W/desc.json"
python3 - "$W/desc.json" "$T3" <<'EOF' || fail "topics describe -J"
import json, sys
d = json.load(open(sys.argv[1]))
assert d[0]["topic"] == sys.argv[2] and d[0]["partition_count"] == 3, d
assert [p["partition"] for p in d[0]["partitions"]] == [0, 1, 2], d
assert d[0]["configs"]["retention.ms"] == "3600000", d
EOF
pass
k topics describe -b "$B" "nosuch_$run_id" 2>"$W/err" >/dev/null
expect_rc "topics describe unknown" 5 $?

# ---- topics alter: more partitions (CreatePartitions) ----
TA="cli_ta_$run_id"
k topics create -b "$B" --partitions 1 "$TA" -q 2>"$W/err"
expect_rc "topics create $TA" 0 $?
k topics alter -b "$B" --partitions 4 "$TA" 2>"$W/err"
expect_rc "topics alter to 4" 0 $?
k topics describe -b "$B" -J "$TA" >"$W/alter.json"
python3 - "$W/alter.json" <<'EOF' || fail "topics alter: describe"
import json, sys
d = json.load(open(sys.argv[1]))
assert d[0]["partition_count"] == 4, d
EOF
pass
k topics alter -b "$B" --partitions 2 "$TA" 2>"$W/err"
expect_rc "topics alter to fewer" 1 $?
expect_grep "topics alter to fewer" "INVALID_PARTITIONS" "$W/err"
k topics alter -b "$B" "$TA" 2>"$W/err"
expect_rc "topics alter without --partitions" 2 $?
k topics delete -b "$B" "$TA" -q 2>"$W/err"

# ---- produce: keys, headers, nulls, awkward bytes ----
printf 'k1:v1\nk2:value two\n:emptykey\nnokey\nk5:\nq":a\\b\001\037\177\303\251/\ttab\n' >"$W/in"
k -b "$B" -t "$T1" -P -K: -H h1=one -H hnull -H 'h"q=x\y' <"$W/in" 2>"$W/err"
expect_rc "produce with keys and headers" 0 $?
printf 'z1\nz2\n' | k -b "$B" -t "$T1" -P -k fixed -Z -q
expect_rc "produce fixed key" 0 $?
printf 'n1:\n:n2\n' | k -b "$B" -t "$T1" -P -K: -Z -q
expect_rc "produce -Z nulls" 0 $?
printf 'a;;b;;c' | k -b "$B" -t "$T1" -P -D ';;' -T -q >"$W/tee"
expect_rc "produce -D" 0 $?
printf 'abc' | cmp -s - "$W/tee" && pass || fail "produce -T echo"
# kcat's own records on the same topic, read back by both.
printf 'kc:from kcat\n' | kc -b "$B" -t "$T1" -P -K: -H via=kcat

# What krafka wrote, as kcat reads it.
kc -b "$B" -t "$T1" -C -e -q -f '%k|%K|%s|%S|%h\n' >"$W/c.out"
cat >"$W/want" <<'EOF'
k1|2|v1|2|h1=one,hnull=NULL,h"q=x\y
k2|2|value two|9|h1=one,hnull=NULL,h"q=x\y
|0|emptykey|8|h1=one,hnull=NULL,h"q=x\y
|-1|nokey|5|h1=one,hnull=NULL,h"q=x\y
k5|2||0|h1=one,hnull=NULL,h"q=x\y
EOF
head -5 "$W/c.out" | cmp -s - "$W/want" && pass ||
    { fail "round trip as kcat reads it"; head -5 "$W/c.out"; }
sed -n 7,12p "$W/c.out" >"$W/tail"
printf 'fixed|5|z1|2|\nfixed|5|z2|2|\nn1|2||-1|\n|-1|n2|2|\n|-1|a|1|\n|-1|b|1|\n' |
    cmp -s - "$W/tail" && pass || { fail "fixed key, nulls, -D"; cat "$W/tail"; }

# ---- consume: krafka's output is kcat's, byte for byte ----
compare_consume "$T1"
compare_consume "$T1" -J
compare_consume "$T1" -J -D ';;'
compare_consume "$T1" -f '%t %p %o %k %K %s %S %h\n'
compare_consume "$T1" -f '%R%s'
compare_consume "$T1" -f '%T|%k\t%s\x41\r\n%%'
compare_consume "$T1" -Z -f '[%k][%s]\n'
compare_consume "$T1" -K '\t' -D '|'
compare_consume "$T1" -o 3 -c 4 -J
compare_consume "$T1" -o -3 -f '%o %s\n'
compare_consume "$T1" -o end
# The end-of-partition messages on stderr (without -q).
k -b "$B" -t "$T1" -C -e -o -1 >"$W/k.out" 2>"$W/k.err"
krc=$?
kc -b "$B" -t "$T1" -C -e -o -1 >"$W/c.out" 2>"$W/c.err"
crc=$?
expect_same "-C -e stdout"
cp "$W/k.err" "$W/k.out"
cp "$W/c.err" "$W/c.out"
expect_same "-C -e stderr"

# ---- -L and -Q ----
k -b "$B" -L -t "$T3" >"$W/k.out"
krc=$?
kc -b "$B" -L -t "$T3" >"$W/c.out"
crc=$?
expect_same "-L -t"
k -b "$B" -L -J -t "$T3" >"$W/k.out"
krc=$?
kc -b "$B" -L -J -t "$T3" >"$W/c.out"
crc=$?
expect_same "-L -J -t"
k -b "$B" -L >"$W/k.out"
krc=$?
kc -b "$B" -L >"$W/c.out"
crc=$?
expect_same "-L"
k -b "$B" -L -J >"$W/k.out"
krc=$?
kc -b "$B" -L -J >"$W/c.out"
crc=$?
expect_same "-L -J"
ts=$(kc -b "$B" -t "$T1" -C -e -q -o 2 -c 1 -f '%T')
for j in "" -J; do
    # (kcat: a partition must occur only once)
    k -b "$B" -Q $j -t "$T1:0:$ts" -t "$T3:0:0" -t "$T3:2:99999999999999" \
        -t "$T3:1:0" -t "$T3:7:0" >"$W/k.out"
    krc=$?
    kc -b "$B" -Q $j -t "$T1:0:$ts" -t "$T3:0:0" -t "$T3:2:99999999999999" \
        -t "$T3:1:0" -t "$T3:7:0" >"$W/c.out"
    crc=$?
    expect_same "-Q $j"
done

# ---- every codec, both ways ----
for z in none gzip snappy lz4 zstd; do
    TZ="cli_z_${z}_$run_id"
    k topics create -b "$B" --partitions 1 "$TZ" 2>/dev/null
    seq 1 500 | sed "s/^/key&:$z value &/" | k -b "$B" -t "$TZ" -P -K: -z "$z" -q
    expect_rc "produce -z $z" 0 $?
    seq 1 500 | sed "s/^/kcat&:$z kcat &/" | kc -b "$B" -t "$TZ" -P -K: -z "$z" -q 2>/dev/null ||
        seq 1 500 | sed "s/^/kcat&:$z kcat &/" | k -b "$B" -t "$TZ" -P -K: -q
    k -b "$B" -t "$TZ" -C -e -q -f '%k=%s\n' >"$W/z.out"
    { seq 1 500 | sed "s/^/key&=$z value &/"; seq 1 500 | sed "s/^/kcat&=$z kcat &/"; } |
        cmp -s - "$W/z.out" && pass || fail "codec $z round trip"
    compare_consume "$TZ" -J
    k topics delete -b "$B" "$TZ" -q
done

# ---- partitions, files, -c ----
for p in 0 1 2; do printf "p$p-a\np$p-b\n" | k -b "$B" -t "$T3" -p $p -P -q; done
k -b "$B" -t "$T3" -C -e -q -p 1 -f '%p %s\n' >"$W/p.out"
printf '1 p1-a\n1 p1-b\n' | cmp -s - "$W/p.out" && pass || fail "-p 1"
k -b "$B" -t "$T3" -C -e -q -f '%s\n' | sort >"$W/all.out"
[ "$(wc -l <"$W/all.out")" = 6 ] && pass || fail "-C all partitions: $(wc -l <"$W/all.out") records"
k -b "$B" -t "$T3" -C -e -q -p 7 2>"$W/err"
expect_rc "-C -p 7 (no such partition)" 5 $?
expect_grep "-C -p 7" "partition 7 does not exist" "$W/err"
printf 'whole\nfile\n' >"$W/f1"
k -b "$B" -t "$T1" -P -q "$W/f1"
expect_rc "produce a file" 0 $?
k -b "$B" -t "$T1" -C -e -q -o -1 -f '%s' >"$W/f.out"
cmp -s "$W/f1" "$W/f.out" && pass || fail "file as one message"

# ---- groups ----
G="cli_g_$run_id"
k -b "$B" -G "$G" -o beginning -e -q -f '%p:%s\n' "$T3" >"$W/g.out" 2>"$W/g.err"
expect_rc "-G -e" 0 $?
[ "$(wc -l <"$W/g.out")" = 6 ] && pass || { fail "-G read $(wc -l <"$W/g.out") of 6"; cat "$W/g.err"; }
k groups list -b "$B" >"$W/gl"
expect_rc "groups list" 0 $?
expect_grep "groups list" "^$G .*consumer" "$W/gl"
printf 'x\ny\n' | k -b "$B" -t "$T3" -p 0 -P -q
k groups describe -b "$B" -J "$G" >"$W/gd.json"
expect_rc "groups describe" 0 $?
python3 - "$W/gd.json" "$G" "$T3" <<'EOF' || fail "groups describe -J: lag"
import json, sys
g = json.load(open(sys.argv[1]))[0]
assert g["group"] == sys.argv[2] and g["state"] == "Empty", g
offs = {o["partition"]: o for o in g["offsets"] if o["topic"] == sys.argv[3]}
assert sorted(offs) == [0, 1, 2], offs
assert offs[0]["committed"] == 2 and offs[0]["log_end"] == 4, offs
assert offs[0]["lag"] == 2 and offs[1]["lag"] == 0 and offs[2]["lag"] == 0, offs
EOF
pass
k groups describe -b "$B" "$G" >"$W/gd"
expect_grep "groups describe" "state Empty" "$W/gd"
expect_grep "groups describe" "LAG" "$W/gd"
# A live member: its assignment is shown while it runs.
k -b "$B" -G "${G}_live" -q "$T3" >/dev/null 2>&1 &
live=$!
ok=0
for _ in $(seq 1 60); do
    k groups describe -b "$B" -J "${G}_live" >"$W/live.json" 2>/dev/null
    if python3 - "$W/live.json" <<'EOF'
import json, sys
g = json.load(open(sys.argv[1]))[0]
m = g.get("members", [])
sys.exit(0 if g.get("state") == "Stable" and len(m) == 1 and len(m[0]["assignment"]) == 3 else 1)
EOF
    then ok=1; break; fi
    sleep 0.5
done
kill -TERM $live 2>/dev/null
wait $live
[ $ok = 1 ] && pass || { fail "groups describe of a live member"; cat "$W/live.json"; }

# ---- --metrics-port ----
k -b "$B" -t "$T1" -C -q --metrics-port 0 >/dev/null 2>"$W/m.err" &
mp=$!
port=
for _ in $(seq 1 50); do
    port=$(sed -n 's/.*127.0.0.1:\([0-9]*\)\/metrics.*/\1/p' "$W/m.err")
    [ -n "$port" ] && break
    sleep 0.1
done
# the tool's own counters, and the consumer's metrics once it exists
scrape=
for _ in $(seq 1 50); do
    scrape=$(timeout 10 python3 -c 'import urllib.request, sys
print(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1],
                             timeout=5).read().decode())' "$port" 2>&1)
    echo "$scrape" | grep -q '^krafka_records_received_total{' && break
    sleep 0.1
done
kill -TERM $mp 2>/dev/null
wait $mp
echo "$scrape" | grep -q 'krafka_cli_consumed_records_total{client_id="krafka-cli"}' &&
    pass || fail "--metrics-port scrape: $scrape"
echo "$scrape" | grep -q '^krafka_records_received_total{' &&
    pass || fail "--metrics-port scrape has no consumer metrics: $scrape"

# ---- bad flags, unreachable brokers, unknown topics ----
k -b "$B" -Y >/dev/null 2>"$W/err"
expect_rc "unknown flag" 2 $?
expect_grep "unknown flag" "unknown argument" "$W/err"
k -C -t x >/dev/null 2>"$W/err"
expect_rc "no -b" 2 $?
expect_grep "no -b" "-b <broker,..> missing" "$W/err"
k -b "$B" -C -t "$T1" -f '%z' >/dev/null 2>"$W/err"
expect_rc "bad format" 2 $?
k -b "$B" -C -t "$T1" -X no.such.property=1 >/dev/null 2>"$W/err"
expect_rc "unknown property" 2 $?
k topics frobnicate -b "$B" >/dev/null 2>&1
expect_rc "unknown topics command" 2 $?
k -b "$B" -X list >"$W/props"
expect_grep "-X list" "bootstrap.servers" "$W/props"
start=$(date +%s)
k -b 127.0.0.1:1 -L -m 2 >/dev/null 2>"$W/err"
expect_rc "-L unreachable" 3 $?
expect_grep "-L unreachable" "Are the brokers reachable" "$W/err"
printf 'x\n' | k -b 127.0.0.1:1 -t x -P -m 2 >/dev/null 2>"$W/err"
expect_rc "-P unreachable" 3 $?
k topics list -b 127.0.0.1:1 -m 2 >/dev/null 2>"$W/err"
expect_rc "topics list unreachable" 3 $?
k groups list -b 127.0.0.1:1 -m 2 >/dev/null 2>"$W/err"
expect_rc "groups list unreachable" 3 $?
took=$(($(date +%s) - start))
[ $took -le 30 ] && pass || fail "unreachable brokers took ${took}s for four 2 s timeouts"
# ---- secrets: never printed, in -X list or any error or debug line ----
sec="cli-secret-$run_id"
k -b "$B" -X sasl.password="$sec" -X ssl.key.password="$sec" -X list \
    >"$W/sec.out" 2>&1
SB=${KRAFKA_TEST_SASL_BOOTSTRAP:-}
if [ -n "$SB" ]; then
    for mech in PLAIN SCRAM-SHA-256 SCRAM-SHA-512; do
        k -b "$SB" -L -m 2 -X security.protocol=sasl_plaintext \
            -X sasl.mechanism=$mech -X sasl.username=krafka \
            -X sasl.password="$sec" -X debug=all >>"$W/sec.out" 2>&1
        expect_rc "-L with a wrong $mech password" 4 $?
    done
    expect_grep "wrong password" "Authentication failed" "$W/sec.out"
fi
if grep -q -- "$sec" "$W/sec.out"; then
    fail "a secret was printed: $(grep -m1 -- "$sec" "$W/sec.out")"
else
    pass
fi

k -b "$B" -C -t "nosuch_$run_id" -e >/dev/null 2>"$W/err"
expect_rc "unknown topic" 5 $?
expect_grep "unknown topic" "Unknown topic or partition" "$W/err"

# ---- delete ----
k topics delete -b "$B" "$T1" "$T3" 2>"$W/err"
expect_rc "topics delete" 0 $?
k topics delete -b "$B" "$T1" 2>"$W/err"
expect_rc "topics delete again" 5 $?

echo "test_cli: $checks checks, $fails failed"
[ $fails = 0 ]
