#!/usr/bin/env python3
"""render.py - the page of scripts/report.sh: WORK/index.html, one
self-contained file (every plot an inline SVG that gnuplot drew, the style
inline, a Content-Security-Policy that forbids every fetch, no script), and
WORK/results.json, every run's own JSON report with what ran it. Prints the
short summary for the terminal on stdout.

Every number a binary printed is shown as it printed it, in an element
that names its source: data-run (the run's JSON file under WORK) and
data-key (the key in that JSON, dotted for members, e.g.
timeline.fetch_done_ms.3), so a test can check each one against
results.json. Derived numbers (speedups, GB/s) come from derive.py's CSVs
and from sweep.sh's results.csv. The HTML pieces are in markup.py.

Usage: render.py WORK SCHEMA   (SCHEMA: src/schema/ompkit.schema.json; each
run is validated against it when python3-jsonschema is installed)
"""
import csv
import json
import os
import re
import sys

from markup import STYLE, esc, figure, inline_svg, num, table, txt
from markup import section as markup_section

WORK = sys.argv[1]
SCHEMA = sys.argv[2]


def path(*p):
    return os.path.join(WORK, *p)


def read_csv(name):
    if not os.path.exists(path(name)):
        return []
    with open(path(name), newline="") as f:
        return list(csv.DictReader(f))


# --- the runs ------------------------------------------------------------

def manifest():
    rows = []
    if os.path.exists(path("manifest.tsv")):
        for line in open(path("manifest.tsv")):
            sec, label, file, cmd = line.rstrip("\n").split("\t", 3)
            with open(path(file)) as f:
                rep = json.load(f)
            rows.append({"section": sec, "label": label, "file": file, "command": cmd,
                         "report": rep})
    return rows


def validate(runs):
    """Each run against the schema; a report with an invalid run is not written."""
    try:
        import jsonschema
    except ImportError:
        return "not validated (python3-jsonschema missing)"
    schema = json.load(open(SCHEMA))
    v = jsonschema.Draft202012Validator(schema)
    for r in runs:
        errors = list(v.iter_errors(r["report"]))
        if errors:
            sys.exit("render: %s (%s): not valid against the schema: %s"
                     % (r["file"], r["label"], errors[0].message))
    return "each run valid against src/schema/ompkit.schema.json"


def kv_file(name):
    out = {}
    if os.path.exists(path(name)):
        for line in open(path(name)):
            k, _, v = line.rstrip("\n").partition("\t")
            out.setdefault(k, v)
    return out


def notes(section):
    out = []
    if os.path.exists(path("notes.tsv")):
        for line in open(path("notes.tsv")):
            s, _, t = line.rstrip("\n").partition("\t")
            if s == section:
                out.append("<p class=note>%s</p>" % esc(t))
    return "\n".join(out)


# --- HTML pieces -----------------------------------------------------------

svg_count = 0


def svg(file, caption, data=None):
    """A plot of WORK inline, as a figure with its caption and data file."""
    global svg_count
    if not os.path.exists(path(file)):
        return "<p class=note>plot %s missing</p>" % esc(file)
    svg_count += 1
    s = inline_svg(open(path(file)).read(), svg_count, caption)
    if s is None:
        sys.exit("render: %s refers outside itself or holds a script" % file)
    return figure(s, caption, data or re.sub(r"\.svg$", ".csv", file))


def section(sid, title, intro, body):
    return markup_section(sid, title, intro, notes(sid), body)


def plot_section(sid, title, intro, plot, caption, header, rows):
    """A section of one plot and the table of the numbers drawn in it."""
    return section(sid, title, intro, svg(plot, caption) + table(header, rows))


# --- the sections ----------------------------------------------------------

def machine_section(m, runs):
    build = next((r["report"]["build"] for r in runs if "build" in r["report"]), {})
    probe = next((r for r in runs if r["section"] == "machine"), None)
    rows = [[txt(k), txt(v)] for k, v in [
        ("CPU", m.get("cpu_model", "")), ("CPUs", m.get("cpus", "")),
        ("hypervisor", m.get("hypervisor") or "none"), ("caches", m.get("caches", "")),
        ("memory", m.get("memory", "")), ("kernel", m.get("kernel", "")), ("OS", m.get("os", "")),
        ("io_uring", m.get("io_uring", "")),
        ("kernel.io_uring_disabled", m.get("io_uring_disabled", "")),
        ("OMP_*, GOMP_*, KMP_* set", m.get("omp_env") or "none"),
        ("load average", "%s at the start, %s at the end (1, 5, 15 minutes); at each step: %s"
         % (m.get("loadavg_start"), m.get("loadavg_end"), m.get("loadavg_steps"))),
        ("ompkit", m.get("ompkit", ""))]]
    if build and probe:
        f = probe["file"]
        rows += [[txt("compiler"), '<td><span data-run="%s" data-key="build.compiler">%s</span> '
                  '<span data-run="%s" data-key="build.version">%s</span>, flags %s</td>'
                  % (esc(f), esc(build["compiler"]), esc(f), esc(build["version"]), esc(build["flags"]))],
                 [txt("OpenMP"), "<td>_OPENMP %s; runtime %s (%s)</td>"
                  % (esc(build["openmp"]), esc(build["openmp_runtime"]), esc(build["openmp_library"]))]]
    intro = ("What this report ran on, and how loaded it was: on a shared machine read the ratios, "
             "not the absolute times. Host %s, %s; %s sizes, %s timed runs per point (medians), "
             "%s s in all." % (esc(m.get("host")), esc(m.get("date")), esc(m.get("sizes")),
                               esc(m.get("repeat")), esc(m.get("seconds"))))
    load = max(float(x) for x in (m.get("loadavg_start", "0").split()[:1] + m.get("loadavg_end", "0").split()[:1]
                                  + m.get("loadavg_steps", "").split()))
    ncpu = int(m.get("cpus", "1").split()[0])
    if load > ncpu * 0.5:
        intro += (' <strong class=note>The load average reached %.2f on %d CPUs: other work shared '
                  'them, so the absolute times are not this machine\'s idle ones (loaded).</strong>'
                  % (load, ncpu))
    return section("machine", "The machine", intro, table(["fact", "value"], rows, "facts"))


def kernel_file(k, variant, schedule, threads):
    return "sweep-%s/json/%s-%s-%s-t%s.json" % (k, k, variant, schedule.replace(",", "_"), threads)


def kernels_section(m, kernels):
    parts = []
    for k in kernels:
        recs = read_csv("sweep-%s/results.csv" % k)
        rows = []
        for r in recs:
            f = kernel_file(k, r["variant"], r["schedule"], r["threads"])
            rows.append([txt(r["variant"]), txt(r["schedule"]), num(r["threads"]),
                         num(r["threads_used"], f, "threads"), num(r["median_s"], f, "median_s"),
                         num(r["min_s"], f, "min_s"), num(r["max_s"], f, "max_s"),
                         num(r["rate"], f, "rate"), txt(r["rate_unit"]), num(r["speedup"]),
                         num(r["efficiency"]), num(r["karp_flatt"]), num(r["speedup_vs_seq"]),
                         txt(r["verified"])])
        params = ""
        if recs:
            f = kernel_file(k, recs[0]["variant"], recs[0]["schedule"], recs[0]["threads"])
            rep = json.load(open(path(f)))
            params = ", ".join("%s = %s" % (a, b) for a, b in rep["params"].items())
            result = "; ".join("%s = %s" % (a, " ".join(map(str, b)) if isinstance(b, list) else b)
                               for a, b in rep["result"].items())
            params = ("<p>Parameters: %s. Result (every run the same, verified by %s): "
                      "<code>%s</code></p>") % (esc(params), esc(rep["verify_method"]), esc(result))
        figs = "".join(svg("sweep-%s/%s.svg" % (k, p), "%s: %s" % (k, c),
                           "sweep-%s/results.csv, plot/*.dat" % k) for p, c in
                       [("speedup", "speedup T(1)/T(p), log-log, ideal dashed"),
                        ("efficiency", "parallel efficiency T(1)/(p T(p))"),
                        ("karp_flatt", "Karp-Flatt serial fraction")]
                       if os.path.exists(path("sweep-%s/%s.svg" % (k, p))))
        if not figs:
            figs = ("<p class=note>No scaling plots: no series ran at more than one thread "
                    "count (see --threads).</p>")
        parts.append('<article id="kernel-%s"><h3>%s</h3>%s<div class=figs>%s</div>%s'
                     '<p class=src>Raw data: sweep-%s/results.csv, each run\'s JSON in sweep-%s/json/.</p></article>'
                     % (esc(k), esc(k), params, figs,
                        table(["variant", "schedule", "threads asked", "threads used", "median s",
                               "min s", "max s", "rate", "unit", "speedup", "efficiency",
                               "Karp-Flatt", "vs seq", "verified"], rows), esc(k), esc(k)))
    intro = ("Each kernel's <code>seq</code> variant once, then <code>omp</code> and <code>fast</code> at "
             "every thread count, including once past the CPUs, by <code>scripts/sweep.sh</code> "
             "(medians of the repeats after one warm-up; speedup against the same variant's 1-thread "
             "run; Karp-Flatt e = (1/S &minus; 1/p)/(1 &minus; 1/p), the serial fraction the speedup "
             "implies). primes compares the static and dynamic schedules: its cost grows with the "
             "number, so static gives the last thread the dearest part.")
    return section("kernels", "CPU-bound: every kernel at 1..P threads", intro, "\n".join(parts))


def fast_section(kernels):
    rows = []
    for r in read_csv("fast.csv"):
        k = r["kernel"]
        fs = kernel_file(k, "seq", "none", 1)
        fo = kernel_file(k, "omp", r["omp_schedule"], r["omp_threads"])
        ff = kernel_file(k, "fast", r["fast_schedule"], r["fast_threads_asked"])
        rows.append([txt(k), num(r["seq_s"], fs, "median_s"), num(r["omp_s"], fo, "median_s"),
                     txt("%s, %s threads" % (r["omp_schedule"], r["omp_threads"])),
                     num(r["fast_s"], ff, "median_s"), num(r["fast_threads"], ff, "threads"),
                     num(r["omp_speedup_vs_seq"]), num(r["fast_speedup_vs_seq"]),
                     num(r["fast_speedup_vs_omp"])])
    intro = ("The right algorithm, and the parallelism inside one core, against more cores: each "
             "kernel's <code>fast</code> variant beside <code>seq</code> and <code>omp</code> at P threads, "
             "from the sweeps' medians. The bars are speedups over seq on a log scale.")
    return plot_section("fast", "Algorithm beats cores", intro,
                        "fast.svg", "algorithm beats cores: speedup over seq, log scale",
                        ["kernel", "seq s", "omp s", "omp at", "fast s", "fast threads", "omp / seq", "fast / seq",
         "fast / omp"], rows)


def bandwidth_section():
    rows = []
    for r in read_csv("bandwidth.csv"):
        if r["run"].endswith(".json"):
            rows.append([txt(r["what"]), txt(r["variant"]), num(r["threads"], r["run"], "threads"),
                         num(r["gb_per_s"]), num(r["rate"].split()[0], r["run"], "rate"),
                         txt(r["rate"].split()[1])])
        else:
            rows.append([txt(r["what"]), txt(r["variant"]), num(r["threads"]), num(r["gb_per_s"]),
                         txt("bench_fold.txt"), txt("")])
    if not rows:
        return section("bandwidth", "Memory bandwidth", "Not measured.", "")
    intro = ("sumsq and checksum read their input once: past the caches they can go no faster than "
             "memory delivers it. Their rates reading the same file (mapped, in the page cache) beside "
             "the machine's read bandwidth measured by <code>bench_fold</code> (a plain streaming "
             "read, src/membw.c). Caches larger than the buffer make this a cache bandwidth.")
    return plot_section("bandwidth", "Memory bandwidth as the limit of sumsq and checksum", intro,
                        "bandwidth.svg", "memory bandwidth: GB/s read, kernels and a plain read",
                        ["what", "variant", "threads", "GB/s", "rate", "unit"], rows)


def overlap_section():
    rows = []
    for r in read_csv("overlap.csv"):
        f = r["run"]
        rows.append([txt(r["mode"]), num(r["median_s"], f, "median_s"), num(r["overlap"], f, "overlap"),
                     num(r["fetch_sum_s"], f, "fetch_sum_s"), num(r["compute_sum_s"], f, "compute_sum_s"),
                     num(r["shards"], f, "params.shards"), num(r["latency_ms"], f, "params.latency_ms"),
                     txt(r["backend"])])
    intro = ("I/O-bound work waits; more cores do nothing for it, overlapping the waits is the whole "
             "win. <code>bin/pipeline</code> fetches its shards through io_uring and computes each as "
             "it lands; <code>--mode serial</code> does the same work one shard after another. Runs "
             "alternated; overlap = (sum of fetches + sum of computes) / wall.")
    return plot_section("overlap", "I/O-bound: overlap vs serial", intro,
                        "overlap.svg", "pipeline wall time, overlapped vs serial",
                        ["mode", "wall s", "overlap", "fetch sum s", "compute sum s", "shards", "latency ms",
         "backend"], rows)


def inflight_section():
    rows = []
    for r in read_csv("inflight.csv"):
        f = r["run"]
        rows.append([num(r["inflight"], f, "params.inflight"), num(r["median_s"], f, "median_s"),
                     num(r["median_ms"]), num(r["ideal_ms"]), num(r["overlap"], f, "overlap")])
    intro = ("The same shards with at most K fetches in flight: the wall time falls as "
             "ceil(S/K) &times; latency until every fetch waits at once.")
    return plot_section("inflight", "The in-flight sweep", intro,
                        "inflight.svg", "wall time against fetches in flight, log-log",
                        ["K", "wall s (median)", "wall ms", "ideal ms", "overlap"], rows)


def gantt_section():
    rows = []
    for r in read_csv("gantt.csv"):
        f, i = r["run"], r["shard"]
        rows.append([num(i), num(r["fetch_start_ms"]),
                     num(r["fetch_done_ms"], f, "timeline.fetch_done_ms.%s" % i),
                     num(r["compute_start_ms"]),
                     num(r["compute_done_ms"], f, "timeline.compute_done_ms.%s" % i)])
    cmd = next((x["command"] for x in manifest_rows if x["section"] == "gantt"), "")
    intro = ("One pipeline run drawn from its own timeline (<code>%s</code>): each fetch is its "
             "latency before it landed; each compute runs from when the compute thread took the shard "
             "to when it was done. Fetches overlap each other and the computes." % esc(
                 re.sub(r"^\S*/", "", cmd)))
    return plot_section("gantt", "A pipeline's timeline", intro,
                        "gantt.svg", "one pipeline run: fetch and compute per shard",
                        ["shard", "fetch start ms", "fetch done ms", "compute start ms", "compute done ms"], rows)


def heartbeat_section():
    rows = []
    for r in read_csv("heartbeat.csv"):
        f, i = r["run"], int(r["tick"]) - 1
        rows.append([txt(r["mode"]), num(r["tick"]), num(r["due_ms"]),
                     num(r["at_ms"], f, "tick_times_ms.%d" % i), num(r["late_ms"], f, "lateness_ms.%d" % i),
                     num(r["job_done_ms"], f, "job_done_ms")])
    intro = ("An event loop (io_uring) with a periodic tick and one blocking job: on the loop "
             "thread the job starves every timer; offloaded to a worker the ticks stay on time.")
    return plot_section("heartbeat", "The heartbeat: inline vs offloaded", intro,
                        "heartbeat.svg", "heartbeat ticks against their due times",
                        ["mode", "tick", "due ms", "came at ms", "late ms", "job done ms"], rows)


def peers_section():
    rows = []
    for r in read_csv("peers.csv"):
        f = r["run"]
        key = "median_s" if r["unit"] == "s" else None
        rows.append([txt(r["peer"]), txt(r["version"]), txt(r["what"]), num(r["ours"], f, key),
                     num(r["peer_value"]), txt(r["unit"]), num(r["ours_over_peer"]),
                     txt(r["ours_result"]), txt(r["peer_result"]), txt(r["equal"])])
    intro = ("Well-known programs that do what ours do, on the same input, alternated run by run, "
             "medians. Times are each program's own measurement of the work where it has one "
             "(ours: median_s; primesieve and primecount: --time); a ratio below 1 in seconds, or "
             "above 1 in GB/s, is ours ahead. Counts must be equal, or the report stops.")
    body = table(["peer", "version", "comparison", "ours", "peer", "unit", "ours / peer",
                  "our result", "peer's result", "equal"], rows) if rows else ""
    return section("peers", "Peers", intro, body)


def data_section():
    files = []
    for dirpath, dirs, names in os.walk(WORK):
        dirs.sort()
        for n in sorted(names):
            rel = os.path.relpath(os.path.join(dirpath, n), WORK)
            if n.endswith((".csv", ".txt", ".gp", ".log")) or rel == "results.json":
                files.append(rel)
    for d in sorted(os.listdir(WORK)):
        for sub in ("", "json"):
            full = os.path.join(WORK, d, sub)
            if os.path.isdir(full) and (d == "runs") == (sub == ""):
                n = len([x for x in os.listdir(full) if x.endswith(".json")])
                files.append("%s/ (%d runs' JSON)" % (os.path.join(d, sub).rstrip("/"), n))
    items = "".join("<li><code>%s</code></li>" % esc(f) for f in sorted(set(files + ["results.json"])))
    intro = ("Everything on this page, beside it in the report's directory: <code>results.json</code> "
             "(every run's own JSON report, valid against the schema, with the command that ran it), "
             "the CSV behind each plot, each sweep's results.csv and the runs' JSON files.")
    return section("data", "Raw data", intro, "<ul class=files>%s</ul>" % items)


TITLES = [("machine", "The machine"), ("kernels", "Every kernel at 1..P threads"),
          ("fast", "Algorithm beats cores"), ("bandwidth", "Memory bandwidth"),
          ("overlap", "Overlap vs serial"), ("inflight", "The in-flight sweep"),
          ("gantt", "A pipeline's timeline"), ("heartbeat", "The heartbeat"),
          ("peers", "Peers"), ("data", "Raw data")]


def page(m, runs, kernels, validated):
    sections = [machine_section(m, runs), kernels_section(m, kernels), fast_section(kernels),
                bandwidth_section(), overlap_section(), inflight_section(), gantt_section(),
                heartbeat_section(), peers_section(), data_section()]
    nav = "".join('<li><a href="#%s">%s</a></li>' % (a, esc(t)) for a, t in TITLES)
    head = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            'style-src \'unsafe-inline\'; img-src data:">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<title>ompkit report: %s</title>\n<style>%s</style>\n</head>\n<body>\n'
            % (esc(m.get("host")), STYLE))
    top = ('<header><h1>ompkit: what this machine does with CPU-bound and I/O-bound work</h1>'
           '<p>%s, %s &mdash; <code>%s</code>, %s runs, %s. The report is complete: every run '
           'verified (the heartbeat, a timing experiment, has no oracle); a run that does not verify '
           'stops the report and no page is written.</p>'
           '<nav><ol>%s</ol></nav></header>\n'
           % (esc(m.get("cpu_model")), esc(m.get("date")), esc(m.get("command")), len(runs),
              esc(validated), nav))
    return head + top + "\n".join(sections) + '\n<footer><p class=src>Written by scripts/report.sh.</p></footer>\n</body>\n</html>\n'


def results_json(m, runs):
    peers = read_csv("peers.csv")
    note = []
    if os.path.exists(path("notes.tsv")):
        note = [dict(zip(("section", "text"), l.rstrip("\n").split("\t", 1))) for l in open(path("notes.tsv"))]
    doc = {"ompkit_report": {"command": m.get("command"), "sizes": m.get("sizes"),
                             "repeat": int(m.get("repeat", 1)), "seconds": float(m.get("seconds", 0)),
                             "kernels": m.get("kernels", "").split()},
           "machine": m, "runs": runs, "peers": peers, "notes": note}
    with open(path("results.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def summary(m, runs, kernels):
    """The few lines for the terminal: one per section that ran."""
    out = ["ompkit report: %s sizes, %s s; %s, %s CPUs; load average %s at the start, %s at the end"
           % (m.get("sizes"), m.get("seconds"), m.get("cpu_model"), m.get("cpus", "").split()[0],
              m.get("loadavg_start", "").split()[0], m.get("loadavg_end", "").split()[0])]
    fast = read_csv("fast.csv")
    if fast:
        out.append("  speedup over seq (omp / fast): " + ", ".join(
            "%s %.3g / %.3g" % (r["kernel"], float(r["omp_speedup_vs_seq"]),
                                float(r["fast_speedup_vs_seq"])) for r in fast))
    bw = read_csv("bandwidth.csv")
    if bw:
        out.append("  GB/s read: " + ", ".join(
            "%s %s %st %.3g" % (r["what"], r["variant"].split()[0], r["threads"], float(r["gb_per_s"]))
            for r in bw if r["variant"] in ("read (bench_fold)", "fast")))
    ov = read_csv("overlap_median.csv")
    if ov:
        out.append("  pipeline: " + " vs ".join(
            "%s %.1f ms" % (r["mode"], float(r["median_of_runs_ms"])) for r in ov) +
            "; in flight " + ", ".join("K=%s %.1f ms" % (r["inflight"], float(r["median_ms"]))
                                       for r in read_csv("inflight.csv")))
    hb = [r["report"] for r in runs if r["section"] == "heartbeat"]
    if hb:
        out.append("  heartbeat, latest tick: " + ", ".join(
            "%s %.1f ms late" % (r["mode"], r["result"]["max_lateness_ms"]) for r in hb))
    peers = read_csv("peers.csv")
    if peers:
        out.append("  peers, ours / peer: " + ", ".join(
            "%s %s (%s)" % (r["peer"], r["ours_over_peer"], r["unit"]) for r in peers))
    return "\n".join(out)


manifest_rows = []


def main():
    global manifest_rows
    m = kv_file("machine.tsv")
    manifest_rows = manifest()
    validated = validate(manifest_rows)
    kernels = m.get("kernels", "").split()
    results_json(m, manifest_rows)
    with open(path("index.html"), "w") as f:
        f.write(page(m, manifest_rows, kernels, validated))
    os.remove(path("manifest.tsv"))
    print(summary(m, manifest_rows, kernels))


if __name__ == "__main__":
    main()
