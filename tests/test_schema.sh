#!/usr/bin/env bash
# test_schema.sh - every tool speaks one schema. Runs every kernel (each
# variant it has, --repeat 2, and a --file run where it takes one),
# bin/pipeline (both modes, --repeat 2, a --source directory whose name
# holds a comma), bin/heartbeat (both modes) and, when built, a -mpi
# binary under mpirun; then checks with python3 (Debian's
# python3-jsonschema, see scripts/debian-packages.txt):
#   - each JSON object validates against src/schema/ompkit.schema.json;
#   - median_s is the median of times_s (the mean of the two middle ones
#     for an even count), min_s and max_s their extremes, in JSON and in
#     CSV; the pipeline's rate is its values (or bytes) / median_s, the
#     heartbeat has none;
#   - the pipeline's overlap belongs to the run it names (median_run);
#   - a --file run lists no range parameter it did not use;
#   - each CSV output parses (python csv) to a header and one row of as
#     many fields, with the JSON's keys as columns and the same values
#     (verified: true/false/null in JSON is yes/no/empty in CSV);
#   - the text report's `verified` line says the same as the JSON;
#   - peak_rss_bytes of a run holding 200 MB lies between 200 MB and
#     GNU time's maximum resident set of the same process.
# Prints "schema: N passed, M failed" last; exits non-zero on a failure.
. "$(dirname "$0")/lib.sh"

if ! python3 -c 'import jsonschema' 2>/dev/null; then
	bad "python3 with jsonschema (Debian: apt-get install python3-jsonschema)"
	finish schema
fi

kernels=$(sed -n 's/^OMPK_KERNEL(\([a-z0-9_]*\)).*/\1/p' include/ompkit/kernels.def)
manifest=$tmp/manifest
: >"$manifest"
n=0

# small sizes, so the whole suite stays quick; a kernel not listed runs its defaults
small_args() {
	case $1 in
	lcg) echo "--seeds 3 --iters 1000" ;;
	primes) echo "--to 2000 --jobs 2" ;;
	collatz) echo "--to 2000" ;;
	sumsq) echo "--to 10000" ;;
	checksum) echo "--buffers 3 --size 1000" ;;
	esac
}

# run NAME KIND COMMAND...: KIND json, csv or text; rc 0/1 is a report, 2 a usage error.
run() {
	local name=$1 kind=$2 rc=0
	shift 2
	n=$((n + 1))
	"$@" >"$tmp/$n.out" 2>"$tmp/$n.err" || rc=$?
	printf '%s\t%s\t%s\t%s\n' "$name" "$kind" "$tmp/$n.out" "$rc" >>"$manifest"
}

# A file for the kernels that read one: 64 bytes (8 u64 values), its name with a comma.
data="$tmp/data,1.bin"
head -c 64 /dev/urandom >"$data"

for k in $kernels; do
	read -r -a args <<<"$(small_args "$k")"
	for v in seq omp fast; do
		bin/"$k" --variant "$v" "${args[@]}" --format json >/dev/null 2>"$tmp/probe" ||
			{ grep -q "not available" "$tmp/probe" && continue; }
		run "$k $v" json bin/"$k" --variant "$v" "${args[@]}" --repeat 2 --format json
		run "$k $v" csv bin/"$k" --variant "$v" "${args[@]}" --repeat 2 --format csv
		run "$k $v" text bin/"$k" --variant "$v" "${args[@]}"
	done
	run "$k --no-verify" json bin/"$k" "${args[@]}" --no-verify --format json
	run "$k --no-verify" csv bin/"$k" "${args[@]}" --no-verify --format csv
	run "$k --no-verify" text bin/"$k" "${args[@]}" --no-verify
	if bin/"$k" --help | grep -q -- '--file PATH'; then
		run "$k --file" json bin/"$k" --file "$data" --repeat 3 --format json
		run "$k --file" csv bin/"$k" --file "$data" --format csv
		run "$k --file" text bin/"$k" --file "$data"
	fi
done

shards="$tmp/shards,1"
bin/pipeline --make-shards "$shards" --shards 3 --shard-len 1000 >/dev/null
for mode in overlap serial; do
	p=(bin/pipeline --mode "$mode" --shards 3 --shard-len 1000 --latency-ms 2)
	run "pipeline $mode" json "${p[@]}" --repeat 2 --format json
	run "pipeline $mode" csv "${p[@]}" --repeat 2 --format csv
	run "pipeline $mode" text "${p[@]}"
	run "pipeline $mode --source DIR,1" json "${p[@]}" --source "$shards" --repeat 3 --format json
	run "pipeline $mode --source DIR,1" csv "${p[@]}" --source "$shards" --format csv
	run "pipeline $mode --source DIR,1" text "${p[@]}" --source "$shards"
done
run "pipeline checksum --no-verify" json bin/pipeline --kernel checksum --latency-ms 1 \
	--shard-len 1000 --no-verify --repeat 4 --format json
run "pipeline checksum --no-verify" csv bin/pipeline --kernel checksum --latency-ms 1 \
	--shard-len 1000 --no-verify --format csv

for mode in inline offload; do
	h=(bin/heartbeat --mode "$mode" --tick-ms 5 --ticks 2 --block-ms 12)
	run "heartbeat $mode" json "${h[@]}" --format json
	run "heartbeat $mode" csv "${h[@]}" --format csv
	run "heartbeat $mode" text "${h[@]}"
done
run "heartbeat lcg" json bin/heartbeat --work lcg --tick-ms 5 --ticks 1 --block-ms 5 --format json

# The MPI driver, when it was built (make MPI=1) and mpirun is here.
mpi_bins=$(ls -d build/*-mpi/bin 2>/dev/null | head -n 1)
if [ -n "$mpi_bins" ] && [ -x "$mpi_bins/primes-mpi" ] && command -v mpirun >/dev/null; then
	mpirun=(timeout 120 mpirun --oversubscribe --bind-to none -np 2)
	[ "$(id -u)" = 0 ] && mpirun+=(--allow-run-as-root)
	run "primes-mpi" json "${mpirun[@]}" "$mpi_bins/primes-mpi" --to 2000 --repeat 2 --format json
	run "primes-mpi" csv "${mpirun[@]}" "$mpi_bins/primes-mpi" --to 2000 --format csv
	run "primes-mpi" text "${mpirun[@]}" "$mpi_bins/primes-mpi" --to 2000
	run "sumsq-mpi --file" json "${mpirun[@]}" "$mpi_bins/sumsq-mpi" --file "$data" --format json
else
	echo "note: no -mpi binaries built (make MPI=1): the MPI driver's output is not checked here"
fi

# peak_rss_bytes means what GNU time means by the process's maximum resident set: a run
# that holds 8 buffers of 25 MB reports at least their 200 MB and at most what time(1)
# reads at the process's exit.
if [ -x /usr/bin/time ]; then
	rc=0
	/usr/bin/time -f %M -o "$tmp/rss.kib" bin/checksum --buffers 8 --size 2.5e7 --no-verify \
		--format json >"$tmp/rss.json" 2>/dev/null || rc=$?
	printf '%s\t%s\t%s\t%s\n' "checksum 8 x 25 MB" rss "$tmp/rss.json" "$rc" >>"$manifest"
else
	echo "note: no /usr/bin/time (Debian: time): peak_rss_bytes is not compared with it"
fi

python3 - "$manifest" src/schema/ompkit.schema.json <<'PY'
import csv, io, json, math, sys
import jsonschema

manifest, schema_path = sys.argv[1], sys.argv[2]
schema = json.load(open(schema_path))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
passed = failed = 0
reports = {}  # name -> parsed JSON


def result(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL " + name)
        for line in str(detail).splitlines()[:10]:
            print("     | " + line)


def median(t):
    s = sorted(t)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-7, abs_tol=1e-9)


RANGE_PARAMS = {"from", "to", "buffers", "size", "seeds", "iters"}

for line in open(manifest):
    name, kind, path, rc = line.rstrip("\n").split("\t")
    out = open(path).read()
    if rc not in ("0",):
        result(f"{name} ({kind}): exit 0", False, f"exit {rc}; stdout: {out[:300]}")
        continue
    if kind == "json":
        lines = out.splitlines()
        try:
            doc = json.loads(out)
        except ValueError as e:
            result(f"{name}: one JSON object", False, f"{e}: {out[:300]}")
            continue
        result(f"{name}: one JSON object on one line", len(lines) == 1 and isinstance(doc, dict), out[:300])
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        result(f"{name}: valid against the schema", not errors,
               "\n".join(f"{list(e.path)}: {e.message}" for e in errors))
        t = doc.get("times_s", [])
        ok = (len(t) == doc.get("repeats") and close(doc["median_s"], median(t))
              and close(doc["min_s"], min(t)) and close(doc["max_s"], max(t)))
        result(f"{name}: median_s/min_s/max_s of times_s ({len(t)} repeats)", ok,
               f"times {t}, median {doc.get('median_s')}, min {doc.get('min_s')}, max {doc.get('max_s')}")
        if doc.get("tool") == "pipeline":
            work = doc["params"]["shards"] * doc["params"]["shard_len"]
            result(f"{name}: rate is shards * shard_len / median_s",
                   math.isclose(doc["rate"], work / doc["median_s"], rel_tol=1e-7),
                   f"rate {doc['rate']}, {work} / {doc['median_s']} = {work / doc['median_s']}")
        if doc.get("tool") == "heartbeat":
            result(f"{name}: no rate", doc["rate"] is None and doc["rate_unit"] is None,
                   f"rate {doc['rate']} {doc['rate_unit']}")
        if doc.get("tool") == "pipeline":
            i = doc["median_run"]
            wall = t[i]
            s = sorted(t)
            middle = s[(len(s) - 1) // 2]
            want = (doc["fetch_sum_s"] + doc["compute_sum_s"]) / wall
            result(f"{name}: overlap and timeline are those of run {i}, the one nearest the median",
                   wall == middle and math.isclose(doc["overlap"], want, rel_tol=1e-5),
                   f"times {t}, run {i}: wall {wall}, overlap {doc['overlap']}, "
                   f"(fetch + compute) / wall = {want}")
        if "--file" in name:
            unused = RANGE_PARAMS & set(doc["params"])
            result(f"{name}: no unused range parameters", not unused, f"params {doc['params']}")
        reports[name] = doc
    elif kind == "csv":
        rows = list(csv.reader(io.StringIO(out, newline="")))
        ok = len(rows) == 2 and len(rows[0]) == len(rows[1])
        result(f"{name}: CSV header and one row of as many fields", ok,
               f"{len(rows)} rows, fields {[len(r) for r in rows]}: {out[:400]}")
        if not ok:
            continue
        rec = dict(zip(rows[0], rows[1]))
        if rec.get("times_s"):
            t = [float(x) for x in rec["times_s"].split()]
            ok = (len(t) == int(rec["repeats"]) and close(float(rec["median_s"]), median(t))
                  and close(float(rec["min_s"]), min(t)) and close(float(rec["max_s"]), max(t)))
            result(f"{name} (csv): median_s/min_s/max_s of times_s ({len(t)} repeats)", ok,
                   f"times {t}, median {rec['median_s']}, min {rec['min_s']}, max {rec['max_s']}")
        doc = reports.get(name)
        if doc is None:
            continue
        want = {"true": "yes", "false": "no", "null": ""}[json.dumps(doc["verified"])]
        bad = []
        if rec.get("verified") != want:
            bad.append(f"verified {rec.get('verified')!r}, JSON {doc['verified']}")
        for key in ("tool", "kernel", "variant", "verify_method", "source", "mode", "file"):
            if key in doc and rec.get(key) != ("" if doc[key] is None else str(doc[key])):
                bad.append(f"{key}: CSV {rec.get(key)!r}, JSON {doc[key]!r}")
        for key, v in doc.items():
            if isinstance(v, dict) and key in ("params", "result"):
                missing = [k for k in v if k not in rec]
            elif isinstance(v, dict):
                missing = [f"{key}.{k}" for k in v if f"{key}.{k}" not in rec]
            else:
                missing = [] if key in rec or key in ("expected",) else [key]
            if missing:
                bad.append(f"JSON keys missing in CSV: {missing}")
        result(f"{name}: CSV has the JSON's keys and values", not bad, "\n".join(bad))
    elif kind == "rss":
        doc = json.loads(out)
        kib = int(open(path[: -len(".json")] + ".kib").read().split()[-1])
        rss = doc["peak_rss_bytes"]
        result(f"{name}: peak_rss_bytes {rss} holds the 200 MB and is at most time(1)'s {kib} KiB",
               200_000_000 <= rss <= kib * 1024)
    elif kind == "text":
        doc = reports.get(name)
        if doc is None:
            continue
        vline = [l for l in out.splitlines() if l.startswith("verified ")]
        word = vline[0].split("=", 1)[1].strip() if vline else ""
        want = {True: "yes", False: "no", None: "not checked"}[doc["verified"]]
        result(f"{name}: text `verified` says {want}, as the JSON", word.startswith(want),
               f"text: {vline}")
        lines = out.splitlines()
        tline = [l for l in lines if l.startswith("time ")]
        result(f"{name}: text has a time line", len(tline) == 1, out[:300])

print(f"schema: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
