# sizes.sh - the sizes of every measurement in scripts/report.sh, by
# --sizes (tiny, quick, full), in one place so the three can be read side
# by side. Kernel sizes give a seq run of roughly: tiny ~1 ms (the tests'
# check of the numbers, not a measurement), quick ~0.2-0.4 s, full ~1-3 s
# on the 2-core development machine when idle; with the fixed part (the
# pipeline's latencies, the heartbeat's job) quick takes under 3 minutes
# and full under 20 there. Sourced, never run.
#
# set_sizes MODE sets:
#   kargs[K]     the kernel K's own arguments in the sweeps
#   repeat       timed runs per point (the median is used)
#   est[K]       seconds a kernel's sweep is estimated to take (progress)
#   membw_mib    bench_fold's buffer size (MiB) and the file sumsq and
#                checksum read (the memory-bandwidth section)
#   pipe_args    the overlap vs serial pipeline (the tutorial's Exercise 3)
#   inflight_shards, inflight_latency, inflight_len   the in-flight sweep
#   gantt_args   the pipeline drawn as a Gantt chart
#   hb_args      the heartbeat, inline and offloaded
#   sieve_from, sieve_width, pi_x, fio_shards, fio_len   the peers (a window
#                where the fast primes variant sieves, like primesieve)
#   est_*        the other steps' estimates
declare -A kargs est
set_sizes() {
	case $1 in
	tiny) col=1 ;;
	quick) col=2 ;;
	full) col=3 ;;
	esac
	# of TINY QUICK FULL: the value for this size (one row a setting below).
	of() {
		local v=("$@")
		echo "${v[col - 1]}"
	}
	#                 tiny                      quick                       full
	kargs[lcg]=$(of "--seeds 4 --iters 1e4" "--seeds 8 --iters 5e7" "--seeds 8 --iters 3e8")
	kargs[primes]=$(of "--to 2000" "--to 50000 --jobs 4" "--to 100000 --jobs 4")
	kargs[collatz]=$(of "--to 2000" "--to 3e6" "--to 2e7")
	kargs[sumsq]=$(of "--to 1e5" "--to 3e8" "--to 2e9")
	kargs[checksum]=$(of "--buffers 2 --size 1e4" "--buffers 8 --size 3e7" "--buffers 8 --size 1e8")
	est[lcg]=$(of 1 8 50)
	est[primes]=$(of 2 25 130)
	est[collatz]=$(of 1 10 80)
	est[sumsq]=$(of 1 8 60)
	est[checksum]=$(of 1 8 40)
	repeat=$(of 1 3 5)
	membw_mib=$(of 4 128 1024)
	pipe_args=$(of "--shards 4 --shard-len 1000 --latency-ms 5" "" "")
	inflight_shards=$(of 4 16 64)
	inflight_latency=$(of 5 20 20)
	inflight_len=$(of 100 1000 1000)
	gantt_args=$(of "--shards 4 --inflight 2 --latency-ms 5 --kernel checksum --shard-len 1e5 --variant seq" \
		"--shards 8 --inflight 4 --latency-ms 20 --kernel checksum --shard-len 4e6 --variant seq" \
		"--shards 8 --inflight 4 --latency-ms 20 --kernel checksum --shard-len 4e6 --variant seq")
	hb_args=$(of "--tick-ms 10 --ticks 3 --block-ms 30" "--tick-ms 50 --ticks 8 --block-ms 300" \
		"--tick-ms 50 --ticks 8 --block-ms 300")
	sieve_from=$(of 0 1e12 1e12)
	sieve_width=$(of 1e6 1e8 1e9)
	pi_x=$(of 1e7 1e12 1e14)
	fio_shards=$(of 4 16 64)
	fio_len=$(of 65536 524288 524288)
	est_machine=$(of 1 1 1)
	est_bandwidth=$(of 3 6 40)
	est_overlap=$(of 1 2 5)
	est_inflight=$(of 1 3 15)
	est_heartbeat=$(of 1 2 3)
	est_peers=$(of 2 8 35)
}
