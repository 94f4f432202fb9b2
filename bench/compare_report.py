#!/usr/bin/env python3
"""The report of bench/compare: a Markdown table per kind, broker and
pinning, and two SVG charts drawn by gnuplot.

  compare_report.py RUN_DIR RESULTS_DIR

RUN_DIR holds {produce,consume}-{mock,real}-{pinned,unpinned}.jsonl (the
perf tools' JSON lines tagged with "scenario") and machine.txt. Writes
RESULTS_DIR/<date>.md, <date>-records.svg and <date>-cpu.svg, and prints
the Markdown path.
"""
import datetime
import json
import os
import statistics
import subprocess
import sys

CLIENTS = ("krafka", "librdkafka")
TARGETS = (("mock", "librdkafka mock cluster"), ("real", "Kafka 4.1.1"))
PINS = (("pinned", "client pinned to one core"), ("unpinned", "unpinned"))


def load(path):
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                r = json.loads(line)
                if r.get("server_cpu_s") is not None and r.get("records"):
                    r["server_us_per_record"] = (r["server_cpu_s"] * 1e6 /
                                                 r["records"])
                rows.append(r)
    return rows


def vals(rows, client, scenario, key):
    return [r[key] for r in rows
            if r["client"] == client and r["scenario"] == scenario
            and r.get(key, -1) is not None and r.get(key, -1) >= 0
            and not r.get("errors")]


def med(v):
    return statistics.median(v) if v else None


def fmt_range(v, f):
    if not v:
        return "-"
    s = f.format(med(v))
    if len(v) > 1:
        s += " (" + f.format(min(v)) + ".." + f.format(max(v)) + ")"
    return s


def ratio(a, b):
    return "-" if not a or not b else "{:.2f}x".format(a / b)


def scenarios_of(rows):
    seen = []
    for r in rows:
        if r["scenario"] not in seen:
            seen.append(r["scenario"])
    return seen


def table(kind, rows):
    out = []
    last_h = "p99 us" if kind == "produce" else "max stall ms"
    out.append("| scenario | krafka rec/s | librdkafka rec/s | ratio | "
               "krafka CPU us/rec | librdkafka CPU us/rec | ratio | "
               "krafka {0} | librdkafka {0} | broker CPU us/rec with "
               "krafka | with librdkafka |".format(last_h))
    out.append("|---" * 11 + "|")
    for sc in scenarios_of(rows):
        rk = vals(rows, "krafka", sc, "records_per_s")
        rr = vals(rows, "librdkafka", sc, "records_per_s")
        ck = vals(rows, "krafka", sc, "cpu_us_per_record")
        cr = vals(rows, "librdkafka", sc, "cpu_us_per_record")
        last = "lat_p99_us" if kind == "produce" else "max_stall_ms"
        lf = "{:,.0f}" if kind == "produce" else "{:,.1f}"
        lk = vals(rows, "krafka", sc, last)
        lr = vals(rows, "librdkafka", sc, last)
        sk = vals(rows, "krafka", sc, "server_us_per_record")
        sr = vals(rows, "librdkafka", sc, "server_us_per_record")
        cpu_note = " (incl. rate sleeps)" if sc.startswith("rate") else ""
        out.append("| {} | {} | {} | {} | {}{} | {} | {} | {} | {} | {} | {} |"
                   .format(sc, fmt_range(rk, "{:,.0f}"),
                           fmt_range(rr, "{:,.0f}"), ratio(med(rk), med(rr)),
                           fmt_range(ck, "{:.3f}"), cpu_note,
                           fmt_range(cr, "{:.3f}"), ratio(med(ck), med(cr)),
                           fmt_range(lk, lf), fmt_range(lr, lf),
                           fmt_range(sk, "{:.3f}"), fmt_range(sr, "{:.3f}")))
    return out


# producer scenario -> (codec, value size) of bench_codec's encode rows
CODEC_OF = {"100B-lz4": ("lz4", 100), "1KiB-lz4": ("lz4", 1024),
            "100B-zstd": ("zstd", 100), "1KiB-zstd": ("zstd", 1024)}


def codec_table(run):
    """The producer's CPU per record with compression next to the codec's
    own cost (bench_codec: building a RecordBatch of the same generated
    values, with null keys like the producer runs, and compressing it, on
    one core), for the pinned mock runs (where the client is not waiting
    for a broker) and the real broker. The reference is the codec row at
    the producer's batch size (batch.size 1,000,000: the 1 MiB row); the
    16 KiB row is given too."""
    codec = load(os.path.join(run, "codec.jsonl"))
    if not codec:
        return []
    keyless = [c for c in codec if c.get("key_size") == 0]
    codec = keyless or codec
    out = ["## compression: the producer against the codec's own speed", "",
           "Codec: `bench/bench_codec --no-keys` encode rows, pinned to one "
           "core, median of 5 rounds: the CPU per record of building a "
           "RecordBatch of the same "
           "generated values (null keys, as in the producer runs) and "
           "compressing it, in batches of 1 MiB (the producer's: "
           "batch.size is 1,000,000) and, in brackets, 16 KiB. Producer: "
           "median client CPU per record of the pinned runs above. "
           "Ratio = producer / codec at 1 MiB (in brackets: at 16 KiB); "
           "the target is at most 1.15.", "",
           "| scenario | codec us/rec, 1 MiB (16 KiB) | "
           "krafka us/rec, mock | ratio | krafka us/rec, Kafka 4.1.1 | "
           "ratio |", "|---|---|---|---|---|---|"]
    runs = {t: load(os.path.join(run, "produce-{}-pinned.jsonl".format(t)))
            for t, _ in TARGETS}

    def codec_us(name, size, batch):
        rate = med([c["records_per_s"] for c in codec
                    if c.get("bench") == "encode" and c["codec"] == name
                    and c["value_size"] == size
                    and c.get("batch_size") == batch])
        return 1e6 / rate if rate else None

    for sc, (name, size) in CODEC_OF.items():
        big = codec_us(name, size, 1 << 20)
        small = codec_us(name, size, 16 << 10)
        if big is None or small is None:
            continue
        cells = []
        for t, _ in TARGETS:
            p = med(vals(runs[t], "krafka", sc, "cpu_us_per_record"))
            cells += ["-", "-"] if p is None else [
                "{:.3f}".format(p),
                "{:.2f} ({:.2f})".format(p / big, p / small)]
        out.append("| {} | {:.3f} ({:.3f}) | {} |".format(
            sc, big, small, " | ".join(cells)))
    out.append("")
    return out


def chart(path, title, ylabel, data, logscale):
    """data: [(label, krafka, librdkafka)] -> an SVG clustered histogram."""
    dat = path + ".dat"
    with open(dat, "w") as f:
        for label, k, r in data:
            f.write('"{}" {} {}\n'.format(label, k if k else 0, r if r else 0))
    script = """
set terminal svg size 1100,520 dynamic font "sans,11" background "white"
set output "{out}"
set title "{title}"
set ylabel "{ylabel}"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -35 scale 0 font ",9"
set key top left
set grid ytics
{log}
plot "{dat}" using 2:xtic(1) title "libkrafka" lc rgb "#1f77b4", \\
     "" using 3 title "librdkafka 2.0.2" lc rgb "#ff7f0e"
""".format(out=path, title=title, ylabel=ylabel, dat=dat,
           log="set logscale y" if logscale else "set yrange [0:*]")
    subprocess.run(["gnuplot"], input=script.encode(), check=True)
    os.remove(dat)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    run, results = sys.argv[1], sys.argv[2]
    os.makedirs(results, exist_ok=True)
    day = datetime.date.today().isoformat()
    machine = {}
    mpath = os.path.join(run, "machine.txt")
    if os.path.exists(mpath):
        for line in open(mpath):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                machine[k] = v
    md = ["# libkrafka vs librdkafka, {}".format(day), ""]
    md.append("Made by `bench/compare` ({}); every figure is the median of "
              "the runs, with min..max, and the ratio of the medians "
              "(libkrafka / librdkafka). CPU is getrusage of the whole "
              "client process (user + system, all threads) over the timed "
              "region, divided by the records. Broker CPU is the CPU time "
              "of all the server process's threads (the JVM, or "
              "`rdkafka-perf mock`) over the whole client run, warm-up and "
              "set-up included, divided by the records.".format(
                  machine.get("pairs", "?")))
    md.append("")
    md.append("Machine: {}, {} cores, {}, Linux {}; whole run {} s.".format(
        machine.get("cpu", "?"), machine.get("cores", "?"),
        machine.get("os", "?"), machine.get("kernel", "?"),
        machine.get("seconds", "?")))
    if machine.get("broker_jvm"):
        md.append("")
        md.append("Kafka 4.1.1 broker (the test harness's single node, "
                  "KRaft, one partition per topic, RF 1; {}) JVM flags: "
                  "`{}`.".format(
                      ("started empty for this run, its log on {}".format(
                          "tmpfs" if machine.get("broker_log") == "tmpfs"
                          else "disk"))
                      if machine.get("broker_state") == "fresh"
                      else "already running, used as it was",
                      machine["broker_jvm"]))
    md.append("")
    md.append("![records per second]({}-records.svg)".format(day))
    md.append("![CPU per record]({}-cpu.svg)".format(day))
    md.append("")
    rec_data, cpu_data = [], []
    for kind in ("produce", "consume"):
        for tkey, tname in TARGETS:
            for pkey, pname in PINS:
                rows = load(os.path.join(run, "{}-{}-{}.jsonl".format(
                    kind, tkey, pkey)))
                if not rows:
                    continue
                md.append("## {}: {}, {}".format(kind, tname, pname))
                md.append("")
                md.extend(table(kind, rows))
                md.append("")
                if pkey != "pinned":
                    continue
                for sc in scenarios_of(rows):
                    label = "{} {}".format(sc if kind == "consume"
                                           else "produce-" + sc, tkey)
                    rk = med(vals(rows, "krafka", sc, "records_per_s"))
                    rr = med(vals(rows, "librdkafka", sc, "records_per_s"))
                    rec_data.append((label, rk, rr))
                    if not sc.startswith("rate"):
                        ck = med(vals(rows, "krafka", sc, "cpu_us_per_record"))
                        cr = med(vals(rows, "librdkafka", sc,
                                      "cpu_us_per_record"))
                        cpu_data.append((label, ck, cr))
    md.extend(codec_table(run))
    if rec_data:
        chart(os.path.join(results, day + "-records.svg"),
              "records/s (client pinned to one core; higher is better)",
              "records/s", rec_data, True)
    if cpu_data:
        chart(os.path.join(results, day + "-cpu.svg"),
              "client CPU per record (pinned; lower is better)",
              "CPU microseconds per record", cpu_data, False)
    out = os.path.join(results, day + ".md")
    with open(out, "w") as f:
        f.write("\n".join(md) + "\n")
    print(out)


if __name__ == "__main__":
    main()
