#!/usr/bin/env python3
"""The tables of bench/produce_compare.sh and bench/consume_compare.sh.

  compare_table.py produce|consume FILE.jsonl     medians and ratios
  compare_table.py produce|consume --line JSON    one run, for progress

FILE holds the tools' JSON lines, each tagged with "scenario". Per
scenario and client: the median of each column (consume: also min..max),
then the ratio of the medians krafka / librdkafka.
"""
import json
import statistics
import sys

# key, header, format, show min..max
COLS = {
    "produce": [
        ("records_per_s", "rec/s", "{:,.0f}", False),
        ("mb_per_s", "MB/s", "{:.1f}", False),
        ("cpu_us_per_record", "CPU us/rec", "{:.3f}", False),
        ("lat_p50_us", "lat p50 us", "{:,.0f}", False),
        ("lat_p99_us", "lat p99 us", "{:,.0f}", False),
        ("lat_p999_us", "lat p99.9 us", "{:,.0f}", False),
        ("e2e_p99_us", "e2e p99 us", "{:,.0f}", False),
        ("max_rss_kb", "RSS MiB", "{:.0f}", False),
        ("server_us_per_record", "broker CPU us/rec", "{:.3f}", False),
    ],
    "consume": [
        ("records_per_s", "rec/s", "{:,.0f}", True),
        ("mb_per_s", "MB/s", "{:.1f}", False),
        ("cpu_us_per_record", "CPU us/rec", "{:.3f}", True),
        ("max_stall_ms", "max stall ms", "{:.1f}", True),
        ("max_rss_kb", "RSS MiB", "{:.0f}", True),
        ("server_us_per_record", "broker CPU us/rec", "{:.3f}", False),
    ],
}

LINE = {
    "produce": "  {client:<10} {scenario:<12} {records_per_s:10.0f} rec/s "
               "{cpu_us_per_record:7.3f} us/rec  p99 {lat_p99_us:8d} us  "
               "err {errors}",
    "consume": "  {client:<10} {scenario:<18} {records_per_s:10.0f} rec/s "
               "{cpu_us_per_record:7.3f} us/rec  stall {max_stall_ms:7.1f} ms"
               "  RSS {max_rss_kb:7d} KiB  err {errors}  n {records}",
}


def values(rs, key):
    v = [r[key] for r in rs if r.get(key, -1) >= 0]
    return [x / 1024 for x in v] if key == "max_rss_kb" else v


def cell(v, fmt, rng):
    if not v:
        return "-", None
    m = statistics.median(v)
    s = fmt.format(m)
    if rng and len(v) > 1:
        s += " (" + fmt.format(min(v)) + ".." + fmt.format(max(v)) + ")"
    return s, m


def table(kind, path):
    cols = COLS[kind]
    runs = {}
    for line in open(path):
        line = line.strip()
        if line.startswith("{"):
            d = json.loads(line)
            if d.get("server_cpu_s") is not None and d.get("records"):
                d["server_us_per_record"] = d["server_cpu_s"] * 1e6 / \
                    d["records"]
            runs.setdefault(d["scenario"], {}).setdefault(
                d["client"], []).append(d)
    print("| scenario | client | n | " + " | ".join(c[1] for c in cols) +
          " |")
    print("|---" * (len(cols) + 3) + "|")
    for sc, by in runs.items():
        meds = {}
        for client in ("krafka", "librdkafka"):
            rs = by.get(client, [])
            cells = [cell(values(rs, c[0]), c[2], c[3]) for c in cols]
            meds[client] = [m for _, m in cells]
            errs = sum(r["errors"] for r in rs)
            n = f"{len(rs)}" + (f" ({errs} err)" if errs else "")
            print(f"| {sc} | {client} | {n} | " +
                  " | ".join(s for s, _ in cells) + " |")
        ratio = ["-" if a is None or b is None or b == 0 else f"{a / b:.2f}x"
                 for a, b in zip(meds["krafka"], meds["librdkafka"])]
        print(f"| {sc} | ratio k/r | | " + " | ".join(ratio) + " |")


def main():
    if len(sys.argv) != 3 and not (len(sys.argv) == 4 and
                                   sys.argv[2] == "--line"):
        sys.exit(__doc__)
    kind = sys.argv[1]
    if kind not in COLS:
        sys.exit(__doc__)
    if sys.argv[2] == "--line":
        print(LINE[kind].format(**json.loads(sys.argv[3])), file=sys.stderr)
    else:
        table(kind, sys.argv[2])


main()
