# lib.sh - the shell helpers scripts/sweep.sh and scripts/profile.sh share,
# written once: the one-line errors (usage: exit 2 and "Try '... --help'";
# runtime: exit 1), option values taken as "--flag V" or "--flag=V", and
# finding the kernel binary the user named. Sourced, never run; bash only.
#
# The sourcing script sets, before calling any of these:
#   prog    its path as the user types it (scripts/sweep.sh), for "Try"
#   name    the prefix of its messages (sweep)
#   bindir  where the kernel binaries are (OMPK_BIN_DIR, default bin/)

die_usage() {
	echo "$name: $*" >&2
	echo "Try '$prog --help'" >&2
	exit 2
}

die() {
	echo "$name: $*" >&2
	exit 1
}

# take "$@" at "--flag V" or "--flag=V": sets flag (--flag), val (V) and
# shift_by (how many words the option took), or dies when V is missing.
take() {
	flag=${1%%=*}
	if [[ $1 == *=* ]]; then
		val=${1#*=}
		shift_by=1
	elif [ $# -ge 2 ]; then
		val=$2
		shift_by=2
	else
		die_usage "$flag: missing value"
	fi
}

# common_arg "$@": an argument both scripts take alike: -h/--help (the
# script's own usage), '--' (the rest go to the kernel: kargs), an unknown
# option, or the one KERNEL. Sets shift_by (for '--': all that is left).
common_arg() {
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	--)
		kargs=("${@:2}")
		shift_by=$#
		;;
	-*) die_usage "$1: unknown option (kernel options go after '--')" ;;
	*)
		[ -z "$kernel" ] || die_usage "$1: unexpected argument (one KERNEL only; kernel options go after '--')"
		kernel=$1
		shift_by=1
		;;
	esac
}

# A whole number of at most 9 digits (so shell arithmetic cannot overflow).
is_uint() { [[ $1 =~ ^[0-9]+$ ]] && [ "${#1}" -le 9 ]; }

# thread_list LIST: the comma-separated thread counts of --threads, one a
# line, or a usage error naming the flag.
thread_list() {
	local t raw
	IFS=, read -r -a raw <<<"$1"
	[ "${#raw[@]}" -gt 0 ] || die_usage "--threads: empty list; accepted: thread counts from 1 to 65536, e.g. 1,2,4"
	for t in "${raw[@]}"; do
		is_uint "$t" && [ "$t" -ge 1 ] && [ "$t" -le 65536 ] ||
			die_usage "--threads: '$t' is not a thread count; accepted: whole numbers from 1 to 65536, e.g. 1,2,4"
		echo "$t"
	done
}

# The kernel binaries in $bindir, comma-separated, for "accepted:" lists.
available_kernels() {
	local k list=""
	for k in "$bindir"/*; do
		case $(basename "$k") in demo | pipeline | heartbeat | *-mpi) continue ;; esac
		[ -x "$k" ] && list+="${list:+, }$(basename "$k")"
	done
	echo "${list:-none built (run 'make')}"
}

# find_kernel KERNEL: sets bin to $bindir/KERNEL, or dies with what is accepted.
# The other binaries are refused by name: they have no variants or schedules.
find_kernel() {
	[ -n "$1" ] || die_usage "missing KERNEL; accepted: $(available_kernels)"
	case $1 in demo | pipeline | heartbeat | *-mpi)
		die_usage "$1: not a kernel binary (no variants or schedules to run); accepted: $(available_kernels)" ;;
	esac
	[[ $1 =~ ^[a-z0-9_]+$ ]] && [ -x "$bindir/$1" ] ||
		die_usage "$1: no such kernel binary in $bindir; accepted: $(available_kernels)"
	bin=$bindir/$1
}
