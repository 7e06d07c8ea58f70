# io.sh - the I/O-bound half of scripts/report.sh, one function per
# section: the pipeline overlapped against serial, the in-flight sweep
# (wall time against K) with one pipeline's timeline as a Gantt chart, and
# the heartbeat inline against offloaded. Every figure is bin/pipeline's or
# bin/heartbeat's own JSON; scripts/report/derive.py turns the runs into
# the CSVs, gnuplot draws them. Sourced by scripts/report.sh, never run.

# overlap_step: the tutorial's Exercise 3 (4 shards of 50 ms), overlapped
# and one shard after another, the runs alternated so both see the same load.
overlap_step() {
	local mode r
	for ((r = 1; r <= repeat; r++)); do
		for mode in overlap serial; do
			# shellcheck disable=SC2086 # pipe_args are words
			run_json overlap "pipeline --mode $mode, run $r" "$bindir/pipeline" --mode "$mode" $pipe_args
		done
	done
	python3 "$here/derive.py" overlap "$work"
	plot overlap.gp "$work/overlap.svg" csv="$work/overlap_median.csv"
}

# inflight_step: S synthetic shards of L ms with at most K fetches in
# flight, K = 1, 2, 4 .. S: the wall time falls as ceil(S/K) L. Then one
# pipeline with visible compute (a checksum per shard) for the timeline.
inflight_step() {
	local k
	for ((k = 1; k <= inflight_shards; k *= 2)); do
		run_json inflight "pipeline --inflight $k" "$bindir/pipeline" --shards "$inflight_shards" \
			--shard-len "$inflight_len" --latency-ms "$inflight_latency" --inflight "$k" --repeat "$repeat"
	done
	python3 "$here/derive.py" inflight "$work"
	plot inflight.gp "$work/inflight.svg" csv="$work/inflight.csv" shards="$inflight_shards" \
		latency="$inflight_latency"
	# shellcheck disable=SC2086 # gantt_args are words
	run_json gantt "pipeline timeline" "$bindir/pipeline" $gantt_args
	python3 "$here/derive.py" gantt "$work"
	plot gantt.gp "$work/gantt.svg" csv="$work/gantt.csv"
}

# heartbeat_step: the loop's ticks against their due times, the job on the
# loop thread (late by the job) and on a worker (on time).
heartbeat_step() {
	local mode
	for mode in inline offload; do
		# shellcheck disable=SC2086 # hb_args are words
		run_json heartbeat "heartbeat --mode $mode" "$bindir/heartbeat" --mode "$mode" $hb_args
	done
	python3 "$here/derive.py" heartbeat "$work"
	plot heartbeat.gp "$work/heartbeat.svg" csv="$work/heartbeat.csv"
}
