# cpu.sh - the CPU-bound half of scripts/report.sh, one function per
# section: the machine, each kernel's thread sweep (scripts/sweep.sh), the
# fast variants against seq and omp, and memory bandwidth as the limit of
# sumsq and checksum. Each writes its CSV into $work (scripts/report/
# derive.py computes it from the runs' JSON) and its plot with gnuplot.
# Sourced by scripts/report.sh, never run.

# kv KEY VALUE: one fact of the machine (machine.tsv).
kv() { printf '%s\t%s\n' "$1" "$2" >>"$work/machine.tsv"; }

# note SECTION TEXT: a line shown in that section of the page (a skipped
# part and why).
note() { printf '%s\t%s\n' "$1" "$2" >>"$work/notes.tsv"; }

# The caches of CPU 0 from sysfs: "L1d 48K (per 1 CPU), ..., L3 480M (per 2 CPUs)".
caches() {
	local d level type size shared list=""
	for d in /sys/devices/system/cpu/cpu0/cache/index*; do
		[ -r "$d/level" ] || continue
		level=$(cat "$d/level") type=$(cat "$d/type") size=$(cat "$d/size")
		shared=$(awk -F, '{ n = 0; for (i = 1; i <= NF; i++) { split($i, r, "-"); n += (r[2] == "" ? 1 : r[2] - r[1] + 1) } print n }' "$d/shared_cpu_list")
		case $type in Data) type=d ;; Instruction) type=i ;; *) type="" ;; esac
		list+="${list:+, }L$level$type $size (shared by $shared CPU$([ "$shared" = 1 ] || echo s))"
	done
	echo "${list:-unknown (no /sys/devices/system/cpu/cpu0/cache)}"
}

machine_step() {
	local lscpu_out
	lscpu_out=$(LC_ALL=C lscpu 2>/dev/null || true)
	lsv() { sed -n "s/^$1: *//p" <<<"$lscpu_out" | head -n 1; }
	kv host "$(hostname 2>/dev/null || echo unknown)"
	kv date "$(date -u '+%Y-%m-%d %H:%M UTC')"
	kv cpu_model "$(lsv 'Model name')"
	kv cpus "$ncpu online ($(lsv 'Socket(s)') socket(s) x $(lsv 'Core(s) per socket') core(s) x $(lsv 'Thread(s) per core') thread(s) per core)"
	kv hypervisor "$(lsv 'Hypervisor vendor')"
	kv caches "$(caches)"
	kv memory "$(awk '/^MemTotal/ { t = $2 } /^MemAvailable/ { a = $2 } END { printf "%.1f GiB, %.1f GiB available", t / 1048576, a / 1048576 }' /proc/meminfo)"
	kv kernel "$(uname -srm)"
	kv os "$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown}")"
	kv io_uring_disabled "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 'no such sysctl (kernel before 6.6)')"
	kv omp_env "$(env | grep -E '^(OMP|GOMP|KMP)_' | sort | paste -sd' ' || true)"
	kv ompkit "$(cd "$root" && git describe --always --dirty 2>/dev/null || echo 'not a git checkout')"
	run_json machine "io_uring probe: the pipeline on one shard" "$bindir/pipeline" --shards 1 --shard-len 1 --latency-ms 1
	kv io_uring "$(json_get "$JSON" backend fallback | awk -F'\t' '{ print ($2 == "true" ? "refused: the pipeline fell back to its threads backend" : "available: the pipeline ran on its " $1 " backend") }')"
}

# The schedules worth comparing: primes' cost grows with the number, so
# static hands the last thread the dearest part; the others are even.
schedules_of() { case $1 in primes) echo static,dynamic ;; *) echo static ;; esac; }

# kernel_step K: scripts/sweep.sh on K (seq, omp, fast), each run's JSON
# kept, the plots as SVG; a run that fails stops the sweep and the report.
kernel_step() {
	local k=$1 d=$work/sweep-$1 rc=0 targs=() f b v s p
	[ -z "$threads_list" ] || targs=(--threads "$threads_list")
	# shellcheck disable=SC2086 # kargs are words
	spawn "$work/sweep-$k.txt" "$work/sweep-$k.log" "$root/scripts/sweep.sh" "$k" \
		--variants seq,omp,fast --schedules "$(schedules_of "$k")" --repeat "$repeat" \
		"${targs[@]}" --out "$d" --json "$d/json" --plot-format svg -- ${kargs[$k]} --warmup 1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo >&2
		sed 's/^/  /' "$work/sweep-$k.log" >&2
		die "$k: the sweep failed (exit $rc); report stopped, nothing written to $out"
	fi
	mv "$work/sweep-$k.txt" "$d/table.txt"
	mv "$work/sweep-$k.log" "$d/sweep.log"
	for f in "$d"/json/*.json; do
		b=$(basename "$f" .json)
		b=${b#"$k"-}
		v=${b%%-*} p=${b##*-t} s=${b#*-}
		s=${s%-t*}
		[ "$(json_get "$f" verified)" = true ] ||
			die "$k $v $s threads=$p: not verified ($(json_get "$f" verify_method)); report stopped"
		record kernels "$k $v ${s//_/,} threads=$p" "$f" \
			"OMP_NUM_THREADS=$p OMP_SCHEDULE=$( [ "$s" = none ] && schedules_of "$k" | cut -d, -f1 || echo "${s//_/,}")" \
			"$bindir/$k" --variant "$v" --repeat "$repeat" --format json "${kargs[$k]}" --warmup 1
	done
}

# fast_step: the fast variant against seq and omp for each kernel, from the
# sweeps' medians (no new runs); a bar chart of the speedups over seq.
fast_step() {
	python3 "$here/derive.py" fast "$work" "$ncpu" "${kernels[@]}"
	plot fast.gp "$work/fast.svg" csv="$work/fast.csv"
}

# bandwidth_step: bench_fold's memory read rate (1 and all threads) beside
# sumsq and checksum reading the same amount from a file in memory.
bandwidth_step() {
	local f=$work/data/membw.bin k v t want=()
	for k in sumsq checksum; do [[ " ${kernels[*]} " == *" $k "* ]] && want+=("$k"); done
	if [ "${#want[@]}" -eq 0 ]; then
		note bandwidth "skipped: neither sumsq nor checksum is among --kernels"
		return 0
	fi
	mkdir -p "$work/data"
	spawn "$f" /dev/null bash -c "yes 'ompkit report: memory bandwidth data, 0123456789abcdefghij' | head -c $((membw_mib << 20))"
	if [ -x "$bench_fold" ]; then
		local rc=0
		spawn "$work/bench_fold.txt" "$work/bench_fold.err" "$bench_fold" "$membw_mib" "$membw_mib" || rc=$?
		[ "$rc" -eq 0 ] || fail_run "bench_fold" "$work/bench_fold.err" "$rc" "$bench_fold" "$membw_mib" "$membw_mib"
		rm -f "$work/bench_fold.err"
	else
		note bandwidth "the memory read rate is missing: $bench_fold is not built (make report builds it)"
	fi
	for k in "${want[@]}"; do
		for v in "seq 1" "omp $ncpu" "fast 1" "fast $ncpu"; do
			t=${v#* } v=${v% *}
			run_json bandwidth "$k --file $v threads=$t" "$bindir/$k" --file "$f" --variant "$v" \
				--threads "$t" --repeat "$repeat" --warmup 1
		done
	done
	python3 "$here/derive.py" bandwidth "$work"
	plot bandwidth.gp "$work/bandwidth.svg" csv="$work/bandwidth.csv"
}
