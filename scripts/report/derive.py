#!/usr/bin/env python3
"""derive.py - the CSV behind each plot of scripts/report.sh, computed from
the runs' own JSON reports (listed in WORK/manifest.tsv) and the sweeps'
results.csv, one function per section. Numbers the binaries printed are
copied as printed (the JSON is read with its number tokens kept as text),
so the page, the CSVs and results.json show the same digits; derived
numbers (ratios, GB/s) are computed here and say so in their column name.

Usage: derive.py SECTION WORK [ARGS...]
  fast WORK NCPU KERNEL...   fast.csv: seq, omp and fast medians, speedups
  bandwidth WORK             bandwidth.csv: bench_fold's read rate, sumsq, checksum
  overlap WORK               overlap.csv: the pipeline overlapped vs serial
  inflight WORK              inflight.csv: wall time against K
  gantt WORK                 gantt.csv: one pipeline's timeline
  heartbeat WORK             heartbeat.csv: ticks against due times
  peers WORK                 peers.csv from peers.tsv
"""
import csv
import json
import os
import re
import statistics
import sys


def load(path):
    """A run's JSON with every number kept as the binary printed it."""
    with open(path) as f:
        return json.load(f, parse_float=str, parse_int=str)


def runs(work, section):
    """(label, path under work, report) of the section's runs, in run order."""
    out = []
    with open(os.path.join(work, "manifest.tsv")) as f:
        for line in f:
            sec, label, path, _cmd = line.rstrip("\n").split("\t", 3)
            if sec == section:
                out.append((label, path, load(os.path.join(work, path))))
    return out


def write(work, name, header, rows):
    with open(os.path.join(work, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def g(x, digits=6):
    """A derived number, to `digits` significant digits."""
    return "%.*g" % (digits, x)


def median(xs):
    return statistics.median(xs)


def fast(work, ncpu, kernels):
    """Per kernel: seq at 1 thread, the best omp schedule at P threads (the
    most threads used that the CPUs can run at once, at most NCPU), fast at
    P threads (or its 1-thread run when it has no thread axis)."""
    rows = []
    for k in kernels:
        with open(os.path.join(work, "sweep-" + k, "results.csv"), newline="") as f:
            recs = list(csv.DictReader(f))
        seq = [r for r in recs if r["variant"] == "seq"]
        used = [int(r["threads_used"]) for r in recs if r["variant"] == "omp"]
        p = max([t for t in used if t <= ncpu] or [0])
        omp = [r for r in recs if r["variant"] == "omp" and int(r["threads_used"]) == p]
        fst = [r for r in recs if r["variant"] == "fast"]
        if not seq or not omp or not fst:
            continue
        omp_best = min(omp, key=lambda r: float(r["median_s"]))
        at_p = [r for r in fst if int(r["threads"]) == p] or fst
        fast_best = min(at_p, key=lambda r: float(r["median_s"]))
        ts, to, tf = (float(r["median_s"]) for r in (seq[0], omp_best, fast_best))
        rows.append([k, seq[0]["median_s"], omp_best["median_s"], omp_best["schedule"],
                     omp_best["threads_used"], fast_best["median_s"], fast_best["schedule"],
                     fast_best["threads"], fast_best["threads_used"], g(ts / to), g(ts / tf),
                     g(to / tf)])
    write(work, "fast.csv", ["kernel", "seq_s", "omp_s", "omp_schedule", "omp_threads", "fast_s",
                             "fast_schedule", "fast_threads_asked", "fast_threads",
                             "omp_speedup_vs_seq", "fast_speedup_vs_seq", "fast_speedup_vs_omp"],
          rows)


def bandwidth(work):
    """bench_fold's "membw read" rows (its second pair: the larger u64
    buffer), then each kernel run on the file, in GB/s (1e9 bytes/s)."""
    rows = []
    path = os.path.join(work, "bench_fold.txt")
    if os.path.exists(path):
        membw = []
        for line in open(path):
            m = re.match(r"\s*membw read\s+(\d+)\s+([0-9.]+)", line)
            if m:
                membw.append((m.group(1), m.group(2)))
        for threads, gbs in membw[-2:]:
            rows.append(["memory", "read (bench_fold)", threads, gbs, "", "bench_fold.txt"])
    for label, path, r in runs(work, "bandwidth"):
        per = 8 if r["rate_unit"] == "values/s" else 1  # sumsq counts u64 values
        rows.append([r["kernel"], r["variant"], r["threads"], g(float(r["rate"]) * per / 1e9, 4),
                     r["rate"] + " " + r["rate_unit"], path])
    write(work, "bandwidth.csv", ["what", "variant", "threads", "gb_per_s", "rate", "run"], rows)


def overlap(work):
    rows = []
    for label, path, r in runs(work, "overlap"):
        p = r["params"]
        rows.append([r["mode"], r["median_s"], r["overlap"], r["fetch_sum_s"], r["compute_sum_s"],
                     p["shards"], p["latency_ms"], r["backend"], path])
    write(work, "overlap.csv", ["mode", "median_s", "overlap", "fetch_sum_s", "compute_sum_s",
                                "shards", "latency_ms", "backend", "run"], rows)
    # The medians of the alternated runs, one row per mode, for the plot.
    modes = {}
    for row in rows:
        modes.setdefault(row[0], []).append(float(row[1]))
    write(work, "overlap_median.csv", ["mode", "median_of_runs_ms", "runs", "ideal_ms"],
          [[m, g(median(v) * 1e3), len(v), g(ideal_ms(rows, m))] for m, v in modes.items()])


def ideal_ms(rows, mode):
    """Overlapped: one latency (all fetches wait at once); serial: one per shard."""
    shards, lat = int(rows[0][5]), int(rows[0][6])
    return lat if mode == "overlap" else shards * lat


def inflight(work):
    rows = []
    for label, path, r in runs(work, "inflight"):
        p = r["params"]
        k, s, lat = int(p["inflight"]), int(p["shards"]), int(p["latency_ms"])
        rows.append([p["inflight"], g(float(r["median_s"]) * 1e3), g(float(r["min_s"]) * 1e3),
                     g(float(r["max_s"]) * 1e3), g(-(-s // k) * lat), r["median_s"], r["overlap"],
                     path])
    write(work, "inflight.csv", ["inflight", "median_ms", "min_ms", "max_ms", "ideal_ms",
                                 "median_s", "overlap", "run"], rows)


def gantt(work):
    """Per shard: the fetch as the latency before it landed, the compute from
    the later of its landing and the previous compute's end (one compute
    thread takes the shards in turn) to its stamp."""
    label, path, r = runs(work, "gantt")[-1]
    lat = float(r["params"]["latency_ms"])
    fd = [float(x) for x in r["timeline"]["fetch_done_ms"]]
    cd = [float(x) for x in r["timeline"]["compute_done_ms"]]
    rows = []
    for i in range(len(fd)):
        before = [c for c in cd if c < cd[i]]
        start = max([fd[i]] + ([max(before)] if before else []))
        rows.append([i, g(max(fd[i] - lat, 0)), r["timeline"]["fetch_done_ms"][i], g(start),
                     r["timeline"]["compute_done_ms"][i], path])
    write(work, "gantt.csv", ["shard", "fetch_start_ms", "fetch_done_ms", "compute_start_ms",
                              "compute_done_ms", "run"], rows)


def heartbeat(work):
    rows = []
    for label, path, r in runs(work, "heartbeat"):
        tick = float(r["params"]["tick_ms"])
        for i, (at, late) in enumerate(zip(r["tick_times_ms"], r["lateness_ms"])):
            rows.append([r["mode"], i + 1, g(tick * (i + 1)), at, late, r["job_done_ms"], path])
    write(work, "heartbeat.csv", ["mode", "tick", "due_ms", "at_ms", "late_ms", "job_done_ms",
                                  "run"], rows)


def peers(work):
    rows = [line.rstrip("\n").split("\t") for line in open(os.path.join(work, "peers.tsv"))]
    write(work, "peers.csv", ["peer", "version", "what", "ours", "peer_value", "unit",
                              "ours_over_peer", "ours_result", "peer_result", "equal", "run"],
          rows)


def main():
    section, work = sys.argv[1], sys.argv[2]
    if section == "fast":
        fast(work, int(sys.argv[3]), sys.argv[4:])
    else:
        globals()[section](work)


if __name__ == "__main__":
    main()
