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
                rows.append(json.loads(line))
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
    if kind == "produce":
        out.append("| scenario | krafka rec/s | librdkafka rec/s | ratio | "
                   "krafka CPU us/rec | librdkafka CPU us/rec | ratio | "
                   "krafka p99 us | librdkafka p99 us |")
        out.append("|---|---|---|---|---|---|---|---|---|")
    else:
        out.append("| scenario | krafka rec/s | librdkafka rec/s | ratio | "
                   "krafka CPU us/rec | librdkafka CPU us/rec | ratio | "
                   "krafka max stall ms | librdkafka max stall ms |")
        out.append("|---|---|---|---|---|---|---|---|---|")
    for sc in scenarios_of(rows):
        rk = vals(rows, "krafka", sc, "records_per_s")
        rr = vals(rows, "librdkafka", sc, "records_per_s")
        ck = vals(rows, "krafka", sc, "cpu_us_per_record")
        cr = vals(rows, "librdkafka", sc, "cpu_us_per_record")
        last = "lat_p99_us" if kind == "produce" else "max_stall_ms"
        lf = "{:,.0f}" if kind == "produce" else "{:,.1f}"
        lk = vals(rows, "krafka", sc, last)
        lr = vals(rows, "librdkafka", sc, last)
        cpu_note = " (incl. rate sleeps)" if sc.startswith("rate") else ""
        out.append("| {} | {} | {} | {} | {}{} | {} | {} | {} | {} |".format(
            sc, fmt_range(rk, "{:,.0f}"), fmt_range(rr, "{:,.0f}"),
            ratio(med(rk), med(rr)), fmt_range(ck, "{:.3f}"), cpu_note,
            fmt_range(cr, "{:.3f}"), ratio(med(ck), med(cr)),
            fmt_range(lk, lf), fmt_range(lr, lf)))
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
              "region, divided by the records.".format(
                  machine.get("pairs", "?")))
    md.append("")
    md.append("Machine: {}, {} cores, {}, Linux {}; whole run {} s.".format(
        machine.get("cpu", "?"), machine.get("cores", "?"),
        machine.get("os", "?"), machine.get("kernel", "?"),
        machine.get("seconds", "?")))
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
