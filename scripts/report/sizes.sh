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
	tiny)
		kargs=([lcg]="--seeds 4 --iters 1e4" [primes]="--to 2000" [collatz]="--to 2000"
			[sumsq]="--to 1e5" [checksum]="--buffers 2 --size 1e4")
		est=([lcg]=1 [primes]=2 [collatz]=1 [sumsq]=1 [checksum]=1)
		repeat=1 membw_mib=4
		pipe_args="--shards 4 --shard-len 1000 --latency-ms 5"
		inflight_shards=4 inflight_latency=5 inflight_len=100
		gantt_args="--shards 4 --inflight 2 --latency-ms 5 --kernel checksum --shard-len 1e5 --variant seq"
		hb_args="--tick-ms 10 --ticks 3 --block-ms 30"
		sieve_from=0 sieve_width=1e6 pi_x=1e7 fio_shards=4 fio_len=65536
		est_machine=1 est_bandwidth=3 est_overlap=1 est_inflight=1 est_heartbeat=1 est_peers=2
		;;
	quick)
		kargs=([lcg]="--seeds 8 --iters 5e7" [primes]="--to 50000 --jobs 4" [collatz]="--to 3e6"
			[sumsq]="--to 3e8" [checksum]="--buffers 8 --size 3e7")
		est=([lcg]=8 [primes]=25 [collatz]=10 [sumsq]=8 [checksum]=8)
		repeat=3 membw_mib=128
		pipe_args=""
		inflight_shards=16 inflight_latency=20 inflight_len=1000
		gantt_args="--shards 8 --inflight 4 --latency-ms 20 --kernel checksum --shard-len 4e6 --variant seq"
		hb_args="--tick-ms 50 --ticks 8 --block-ms 300"
		sieve_from=1e12 sieve_width=1e8 pi_x=1e12 fio_shards=16 fio_len=524288
		est_machine=1 est_bandwidth=6 est_overlap=2 est_inflight=3 est_heartbeat=2 est_peers=8
		;;
	full)
		kargs=([lcg]="--seeds 8 --iters 3e8" [primes]="--to 100000 --jobs 4" [collatz]="--to 2e7"
			[sumsq]="--to 2e9" [checksum]="--buffers 8 --size 1e8")
		est=([lcg]=50 [primes]=130 [collatz]=80 [sumsq]=60 [checksum]=40)
		repeat=5 membw_mib=1024
		pipe_args=""
		inflight_shards=64 inflight_latency=20 inflight_len=1000
		gantt_args="--shards 8 --inflight 4 --latency-ms 20 --kernel checksum --shard-len 4e6 --variant seq"
		hb_args="--tick-ms 50 --ticks 8 --block-ms 300"
		sieve_from=1e12 sieve_width=1e9 pi_x=1e14 fio_shards=64 fio_len=524288
		est_machine=1 est_bandwidth=40 est_overlap=5 est_inflight=15 est_heartbeat=3 est_peers=35
		;;
	esac
}
