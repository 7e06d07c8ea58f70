#!/usr/bin/env bash
# test_cli.sh - every binary's command line as a new user meets it: the
# same --help layout (usage line, two columns, defaults), the same
# --version (name, version, build, OpenMP), the same usage error (one
# "ompk: <flag>: ...; accepted: ..." line, then "Try '<bin> --help'.",
# exit 2, nothing on stdout); the thread limit (a count the runtime cannot
# start is refused, never a crash, and the limit stated in --help runs);
# the same oversubscription warning for --threads and OMP_NUM_THREADS; a
# report written to a full device is exit 1 with one line, never 0; and
# bin/demo's flags (which once all ran the 15-second demo).
# Prints "cli: N passed, M failed, K skipped" last; exits non-zero on a failure.
. "$(dirname "$0")/lib.sh"
detail_lines=12
# run COMMAND...: sets rc, and the outputs in $tmp/out and $tmp/err (bounded: 20 s, or
# RUN_TIMEOUT: thousands of threads under ASan on a loaded machine take minutes to tear down).
run() {
	rc=0
	timeout "${RUN_TIMEOUT:-20}" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
}
detail() { echo "exit $rc; stdout: $(head -c 600 "$tmp/out"); stderr: $(head -c 600 "$tmp/err")"; }

# usage NAME BIN FLAG_PATTERN ARGS...: the one usage-error shape.
usage() {
	local name=$1 bin=$2 pat=$3 good=1
	shift 3
	run "bin/$bin" "$@"
	[ "$rc" -eq 2 ] || good=0
	[ ! -s "$tmp/out" ] || good=0
	[ "$(wc -l <"$tmp/err")" -eq 2 ] || good=0
	head -n 1 "$tmp/err" | grep -q -E -- "^ompk: $pat" || good=0
	head -n 1 "$tmp/err" | grep -q -F -- "; accepted: " || good=0
	[ "$(sed -n 2p "$tmp/err")" = "Try '$bin --help'." ] || good=0
	result "$name" "$good" "$(detail)"
}

version=$(sed -n 's/^#define OMPK_VERSION "\(.*\)"/\1/p' include/ompkit/build.h)
kernels=$(sed -n 's/^OMPK_KERNEL(\([a-z0-9_]*\)).*/\1/p' include/ompkit/kernels.def)
for b in $kernels pipeline heartbeat demo; do
	run "bin/$b" --help
	good=1
	[ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] || good=0
	[ "$(head -n 1 "$tmp/out")" = "Usage: $b [OPTION]..." ] || good=0
	grep -q -E '^  -h, --help +show this help and exit$' "$tmp/out" || good=0
	grep -q -E '^      --version +show the version and build, and exit$' "$tmp/out" || good=0
	grep -q -E '^Exit status: 0 .*2 usage error\.$' "$tmp/out" || good=0
	# Two columns: every option line's text starts at the same column.
	cols=$(grep -E '^  (-[a-z], |    )--' "$tmp/out" | awk '{ match($0, /^  (-[a-z], |    )--[^ ]+( [A-Z]+)? +/); print RLENGTH }' | sort -u)
	[ "$cols" = 26 ] || good=0
	result "$b --help: usage line, two columns at one place, exit status" "$good" "$(detail)"

	run "bin/$b" --version
	good=1
	[ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] && [ "$(wc -l <"$tmp/out")" -eq 3 ] || good=0
	[ "$(sed -n 1p "$tmp/out")" = "$b (ompkit) $version" ] || good=0
	sed -n 2p "$tmp/out" | grep -q -E '^build: (gcc|clang) [0-9.]+, .*-fopenmp' || good=0
	sed -n 3p "$tmp/out" | grep -q -E '^OpenMP: [0-9]{6}, (libgomp|LLVM libomp) \(.+\)$' || good=0
	result "$b --version: name (ompkit) version, build, OpenMP" "$good" "$(detail)"

	usage "$b --bogus: usage error" "$b" "--bogus: unknown option" --bogus
	usage "$b --bogus=1: the flag without its value" "$b" "--bogus: unknown option" --bogus=1
	usage "$b stray: usage error" "$b" "stray: unexpected argument" stray
	usage "$b --help=yes: a switch takes no value" "$b" "--help: takes no value" --help=yes
done

# Flags each tool takes, with the driver's meaning.
for b in $kernels pipeline demo; do
	usage "$b --threads 0" "$b" "--threads: '0' is out of range" --threads 0
	usage "$b --threads (missing value)" "$b" "--threads: missing value" --threads
	usage "$b -t x" "$b" "--threads: 'x' is not a number" -t x
done
for b in $kernels pipeline; do
	usage "$b --repeat=0" "$b" "--repeat: '0' is out of range" --repeat=0
	usage "$b --format xml" "$b" "--format: 'xml' is not a format" --format xml
	usage "$b --variant gpu" "$b" "--variant: 'gpu' is not a variant" --variant gpu
done
# What a tool does not use is refused, not silently ignored.
usage "pipeline --schedule: not a pipeline flag" pipeline "--schedule: unknown option" --schedule static
usage "pipeline --bind: not a pipeline flag" pipeline "--bind: unknown option" --bind close
usage "heartbeat --threads: not a heartbeat flag" heartbeat "--threads: unknown option" --threads 2
usage "heartbeat --repeat: not a heartbeat flag" heartbeat "--repeat: unknown option" --repeat 2
usage "demo --format: not a demo flag" demo "--format: unknown option" --format json
usage "pipeline --kernel lcg" pipeline "--kernel: 'lcg' is not a pipeline kernel" --kernel lcg
usage "pipeline --source '' (empty)" pipeline "--source: the value is empty" --source ""
usage "heartbeat --mode sideways" heartbeat "--mode: 'sideways' is not a mode" --mode sideways
usage "demo --repeat 0" demo "--repeat: '0' is out of range" --repeat 0

# A kernel binary names itself as run (bin/primes-mpi is primes-mpi), without its directory.
ln -s "$root/bin/primes" "$tmp/primes-mpi"
run "$tmp/primes-mpi" --bogus
result "a kernel binary under another name: Try '<that name> --help'" \
	"$([ "$rc" -eq 2 ] && [ "$(sed -n 2p "$tmp/err")" = "Try 'primes-mpi --help'." ] && echo 1)" "$(detail)"
run "$tmp/primes-mpi" --version
result "and its --version" "$([ "$(head -n 1 "$tmp/out")" = "primes-mpi (ompkit) $version" ] && echo 1)" \
	"$(detail)"

# --- the thread limit --------------------------------------------------------

usage "sumsq -t 65536: refused with the limit (once SIGSEGV in GOMP_parallel)" sumsq \
	"--threads: '65536' is out of range; accepted: a whole number from 1 to [0-9]+ \(" --to 10 -t 65536
usage "sumsq -t 50000: refused (once 'libgomp: Thread creation failed')" sumsq \
	"--threads: '50000' is out of range" --to 10 -t 50000
# (An assignment before a function call is in the environment of what the function runs.)
OMP_NUM_THREADS=65536 usage "OMP_NUM_THREADS=65536: refused the same way" sumsq \
	"OMP_NUM_THREADS: 65536 threads is out of range; accepted: 1 to [0-9]+ \(" --to 10
OMP_NUM_THREADS=65536 usage "pipeline with OMP_NUM_THREADS=65536" pipeline "OMP_NUM_THREADS: 65536 threads"
usage "pipeline -t 65536" pipeline "--threads: '65536' is out of range" -t 65536
usage "demo -t 65536" demo "--threads: '65536' is out of range" -t 65536
run bin/sumsq --help
max=$(sed -n 's/.*OpenMP threads; 1 to \([0-9]*\) here (.*/\1/p' "$tmp/out")
result "--help states the thread limit" "$([ -n "$max" ] && [ "$max" -ge 1 ] && echo 1)" "$(detail)"
if [ -n "$max" ]; then
	RUN_TIMEOUT=300 run bin/sumsq --to 1000 -t "$max" -q
	result "the limit in --help runs: sumsq -t $max" \
		"$([ "$rc" -eq 0 ] && [ "$(cat "$tmp/out")" = 332833500 ] && echo 1)" "$(detail)"
	usage "one more is refused: -t $((max + 1))" sumsq "--threads: '$((max + 1))' is out of range" -t $((max + 1))
fi
# A small stack lowers the limit (libgomp puts ~128 bytes a thread on it), and the lower limit runs.
run bash -c 'ulimit -s 256 && bin/sumsq --help'
small=$(sed -n 's/.*OpenMP threads; 1 to \([0-9]*\) here (the RLIMIT_STACK.*/\1/p' "$tmp/out")
result "ulimit -s 256: the limit follows the stack" "$([ -n "$small" ] && [ "$small" -lt 2048 ] && echo 1)" "$(detail)"
if [ -n "$small" ]; then
	RUN_TIMEOUT=300 run bash -c "ulimit -s 256 && exec bin/sumsq --to 1000 -t $small -q"
	result "ulimit -s 256: -t $small runs" "$([ "$rc" -eq 0 ] && [ "$(cat "$tmp/out")" = 332833500 ] && echo 1)" \
		"$(detail)"
fi

# --- one oversubscription warning, whichever way the count was given ---------

cores=$(nproc)
many=$((cores * 4 + 1))
for how in flag env; do
	for b in primes pipeline; do
		args=(--to 2000)
		[ "$b" = pipeline ] && args=(--shards 2 --shard-len 100 --latency-ms 1)
		if [ "$how" = flag ]; then
			run env -u OMP_NUM_THREADS "bin/$b" --threads "$many" "${args[@]}"
			src=--threads
		else
			run env OMP_NUM_THREADS="$many" "bin/$b" "${args[@]}"
			src=OMP_NUM_THREADS
		fi
		result "$b with $src $many: runs, one warning naming $src" \
			"$([ "$rc" -eq 0 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
				grep -q "^ompk: $src: $many threads on $cores cores oversubscribes them" "$tmp/err" && echo 1)" \
			"$(detail)"
	done
done
run env OMP_NUM_THREADS=$((cores * 4)) bin/primes --to 2000
result "OMP_NUM_THREADS=$((cores * 4)): no warning" "$([ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] && echo 1)" "$(detail)"

# --- a report that cannot be written is a failure -----------------------------

# stdout on a full device (a full disk): every tool and format exits 1 with one line on
# stderr naming standard output, never 0 as if the report had been written.
full() {
	rc=0
	timeout "${RUN_TIMEOUT:-20}" "$@" >/dev/full 2>"$tmp/err" || rc=$?
	: >"$tmp/out"
}
if [ -w /dev/full ]; then
	for b in $kernels pipeline heartbeat; do
		case $b in
		pipeline) args=(--shards 2 --shard-len 100 --latency-ms 1) ;;
		heartbeat) args=(--tick-ms 2 --ticks 1 --block-ms 1) ;;
		*) args=(--variant fast) ;;
		esac
		for f in text json csv quiet; do
			if [ "$f" = quiet ]; then fa=(-q); else fa=(--format "$f"); fi
			full "bin/$b" "${args[@]}" "${fa[@]}"
			# (where io_uring is off, the pipeline's note of its fallback comes first)
			result "$b ${fa[*]} > /dev/full: exit 1, one line naming standard output" \
				"$([ "$rc" -eq 1 ] && [ "$(grep -v -c '^ompk: io_uring ' "$tmp/err")" -eq 1 ] &&
					grep -q '^ompk: standard output: No space left on device$' "$tmp/err" &&
					echo 1)" "$(detail)"
		done
	done
	for b in $kernels pipeline heartbeat demo; do
		full "bin/$b" --version
		result "$b --version > /dev/full: exit 1" \
			"$([ "$rc" -eq 1 ] && grep -q '^ompk: standard output: ' "$tmp/err" && echo 1)" \
			"$(detail)"
	done
else
	skip "stdout on a full device: no writable /dev/full here"
fi

# --- the demo's flags do not run the demo ------------------------------------

# (The flags' own shapes are checked above; here: none of them starts the kernels.)
for a in --help --version --bogus; do
	run bin/demo "$a"
	result "demo $a does not run the kernels" \
		"$(! grep -q -e '^ompkit demo:' -e 'results verified' -e 'DID NOT VERIFY' "$tmp/out" && echo 1)" "$(detail)"
done

finish cli
