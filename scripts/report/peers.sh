# peers.sh - the peers section of scripts/report.sh: each well-known
# program that does what one of ours does, where it is installed, run side
# by side with ours on the same input, alternated run by run, medians of
# the report's repeats. Times are each program's own measurement of the
# work where it has one (our median_s, the peer's --time), so process start
# and our independent check are left out; xxhsum has none and is timed
# whole process (which the page says).
#   primesieve   primes in a window [A, A+W)     bin/primes --variant fast (it sieves there)
#   primecount   pi(X)                           bin/primes --variant fast
#   xxhsum       hashing the bandwidth file      bin/checksum --variant fast --file
#   fio          reading shard files, io_uring   bin/pipeline --source DIR (warm, like
#                                                bench/pipeline.sh: bytes over the last fetch)
# Counts must be equal (else the report stops); the hashes differ by
# definition and are not compared. A peer that is not installed is a note
# on the page, not an error. Sourced by scripts/report.sh, never run.

# median_pick VALUE...: sets MED to the median and MED_I to the index of
# the run it belongs to: for an odd count the middle value as given (so it
# stays that run's own number, digit for digit), for an even count the mean
# of the two middle ones (bench/lib.sh's median) and MED_I=-1.
median_pick() {
	read -r MED_I MED < <(for ((i = 1; i <= $#; i++)); do echo "$((i - 1)) ${!i}"; done | sort -k2,2g |
		awk -v n=$# '{ i[NR] = $1; v[NR] = $2 }
		END { if (n % 2) print i[(n + 1) / 2], v[(n + 1) / 2]; else printf "-1 %.9g\n", (v[n / 2] + v[n / 2 + 1]) / 2 }')
}

# peer_row PEER VERSION WHAT OURS PEER UNIT RATIO OURS_RESULT PEER_RESULT EQUAL RUN
peer_row() { (IFS=$'\t'; echo "$*") >>"$work/peers.tsv"; }

# ratio_or_dash A B: A / B to 3 places, or - when B is 0 (below the peer's resolution).
ratio_or_dash() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'; }

# peer_medians: mo and mp, the medians of ot (ours) and pt (the peer's), and
# run, the JSON of our run whose number mo is (empty for an even count).
peer_medians() {
	median_pick "${ot[@]}"
	mo=$MED run=""
	[ "$MED_I" -lt 0 ] || run=${runs[MED_I]}
	median_pick "${pt[@]}"
	mp=$MED
}

# count_peer PEER WHAT OURS_ARGS -- PEER_ARGS: our fast primes against a
# counting peer, R alternated runs each; the counts must agree. Times are
# each program's own measurement of the work: our median_s, the peer's
# "Seconds:" (--time), so process start and our check are left out.
count_peer() {
	local peer=$1 what=$2 ours=() theirs=() ot=() pt=() runs=() oc pc r t method
	shift 2
	while [ "$1" != -- ]; do ours+=("$1"); shift; done
	shift
	theirs=("$@")
	for ((r = 1; r <= repeat; r++)); do
		run_json peers "$peer side: primes ${ours[*]}, run $r" "$bindir/primes" "${ours[@]}"
		runs+=("${JSON#"$work"/}")
		read -r oc t < <(json_get "$JSON" result.count median_s)
		ot+=("$t")
		wall_of "${theirs[@]}" --time
		pt+=("$(sed -n 's/^Seconds: *//p' "$work/peer.out" | tail -n 1)")
		pc=$(grep -E '^[0-9]+$' "$work/peer.out" | tail -n 1)
		[ "$oc" = "$pc" ] || die "$peer: $what: ours counts $oc, $peer counts ${pc:-nothing}; report stopped"
	done
	peer_medians
	method=$(json_get "$work/${runs[0]}" method 2>/dev/null) || method="?"
	peer_row "$peer" "$("$peer" --version | head -n 1 | cut -d, -f1)" "$what (ours: $method)" "$mo" "$mp" s \
		"$(ratio_or_dash "$mo" "$mp")" "$oc" "$pc" yes "$run"
}

# fio_peer: the loader reading shard files against fio --ioengine=io_uring,
# both warm (the files read beforehand), same block size and depth.
fio_peer() {
	local dir=$work/data/shards r ot=() pt=() runs=() bytes last bw mo mp run
	local bs=$((1 << 20)) depth=16
	# fio reads nothing of a file shorter than one block
	[ $((fio_len * 8)) -ge $((4 << 20)) ] || bs=$((64 << 10))
	mkdir -p "$dir"
	spawn /dev/null "$work/peer.err" "$bindir/pipeline" --make-shards "$dir" --shards "$fio_shards" \
		--shard-len "$fio_len" -q || fail_run "shard files for fio" "$work/peer.err" 1 "$bindir/pipeline" --make-shards "$dir"
	bytes=$((fio_shards * (fio_len * 8 + 16)))
	for ((r = 1; r <= repeat; r++)); do
		cat "$dir"/shard-*.bin >/dev/null
		run_json peers "fio side: pipeline --source, run $r" "$bindir/pipeline" --source "$dir" \
			--shards "$fio_shards" --shard-len "$fio_len" --latency-ms 0 --inflight "$depth" \
			--read-block "$bs" --variant fast --threads 1
		runs+=("${JSON#"$work"/}")
		last=$(json_get "$JSON" timeline.fetch_done_ms | tr ' ' '\n' | sort -g | tail -n 1)
		ot+=("$(awk -v b="$bytes" -v ms="$last" 'BEGIN { printf "%.0f", b / (ms / 1e3) }')")
		cat "$dir"/shard-*.bin >/dev/null
		wall_of fio --name=shards --ioengine=io_uring --rw=read --bs="$bs" --iodepth="$depth" \
			--opendir="$dir" --file_service_type=roundrobin --numjobs=1 --thread \
			--output-format=terse --terse-version=3 --invalidate=0
		bw=$(awk -F';' '$1 == 3 { printf "%.0f", $7 * 1024; exit }' "$work/peer.out")
		[[ $bw =~ ^[0-9]+$ ]] && [ "$bw" -gt 0 ] || die "fio: no read bandwidth in its terse output; report stopped"
		pt+=("$bw")
	done
	peer_medians
	peer_row fio "$(fio --version)" "read $fio_shards shard files ($((bytes >> 20)) MiB), io_uring, $((bs >> 10)) KiB blocks, depth $depth, warm" \
		"$(awk -v x="$mo" 'BEGIN { printf "%.4f", x / 1e9 }')" "$(awk -v x="$mp" 'BEGIN { printf "%.4f", x / 1e9 }')" \
		GB/s "$(ratio_or_dash "$mo" "$mp")" "$(json_get "$work/${runs[0]}" result.sum)" - "n/a (fio computes nothing)" "$run"
}

# xxhsum_peer: hashing the bandwidth section's file, one thread each.
xxhsum_peer() {
	local f=$work/data/membw.bin r ot=() pt=() runs=() mo mp run
	[ -e "$f" ] || spawn "$f" /dev/null bash -c "yes 'ompkit report: memory bandwidth data, 0123456789abcdefghij' | head -c $((membw_mib << 20))"
	for ((r = 1; r <= repeat; r++)); do
		run_json peers "xxhsum side: checksum --file, run $r" "$bindir/checksum" --file "$f" \
			--variant fast --threads 1
		runs+=("${JSON#"$work"/}")
		ot+=("$(json_get "$JSON" median_s)")
		wall_of xxhsum -H1 "$f"
		pt+=("$WALL")
	done
	peer_medians
	peer_row xxhsum "$(xxhsum --version 2>&1 | head -n 1 | cut -d, -f1)" \
		"hash a $membw_mib MiB file in memory, 1 thread (XXH64 vs our byte fold; xxhsum: whole process)" "$mo" "$mp" s \
		"$(ratio_or_dash "$mo" "$mp")" "$(json_get "$work/${runs[0]}" result.checksums)" "$(cut -d' ' -f1 "$work/peer.out")" \
		"n/a (different hashes)" "$run"
}

peers_step() {
	local a x
	have_primes=0
	[[ " ${kernels[*]} " == *" primes "* ]] && have_primes=1
	if [ "$have_primes" = 0 ]; then
		note peers "primesieve and primecount: skipped (primes is not among --kernels)"
	else
		if command -v primesieve >/dev/null 2>&1; then
			read -r a x < <(awk -v a="$sieve_from" -v w="$sieve_width" 'BEGIN { printf "%.0f %.0f\n", a, a + w }')
			count_peer primesieve "primes in [$sieve_from, $sieve_from + $sieve_width), $ncpu threads" \
				--variant fast --from "$a" --to "$x" --threads "$ncpu" -- \
				primesieve "$a" "$((x - 1))" --threads="$ncpu" -q
		else
			note peers "primesieve: not installed (Debian: apt-get install primesieve)"
		fi
		if command -v primecount >/dev/null 2>&1; then
			x=$(awk -v x="$pi_x" 'BEGIN { printf "%.0f", x }')
			count_peer primecount "pi($pi_x), $ncpu threads" --variant fast --to "$((x + 1))" \
				--threads "$ncpu" -- primecount "$x" --threads="$ncpu"
		else
			note peers "primecount: not installed (Debian: apt-get install primecount)"
		fi
	fi
	if ! command -v xxhsum >/dev/null 2>&1; then
		note peers "xxhsum: not installed (Debian: apt-get install xxhash)"
	elif [[ " ${kernels[*]} " != *" checksum "* ]]; then
		note peers "xxhsum: skipped (checksum is not among --kernels)"
	else
		xxhsum_peer
	fi
	if command -v fio >/dev/null 2>&1; then
		fio_peer
	else
		note peers "fio: not installed (Debian: apt-get install fio)"
	fi
	[ ! -e "$work/peers.tsv" ] || python3 "$here/derive.py" peers "$work"
}
