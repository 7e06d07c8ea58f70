#!/usr/bin/env bash
# check-layers.sh - calls between the library's files run one way: no two
# object files of the library reference each other's symbols (issue 11,
# "no circle"). For every pair of objects A, B where A uses a symbol B
# defines and B one A defines, prints the pair and the symbols each way,
# and exits 1; exits 0 when there is no such pair, 2 when there is nothing
# to check.
#
# The library is every object under BUILD/src and BUILD/kernels whose
# source file still exists (a stale object of a moved file is not part of
# it), the MPI driver aside: src/mpi/driver.o is linked only into the -mpi
# binaries.
#
# Usage: scripts/check-layers.sh [BUILD_DIR [SOURCE_DIR]]
#   BUILD_DIR   default: the one above OMPK_BIN_DIR (as `make test` sets it),
#               else the current configuration's (`make print-BUILD`)
#   SOURCE_DIR  the tree the objects were built from (default: this one)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
build=${1:-}
src=${2:-.}
if [ -z "$build" ] && [ -n "${OMPK_BIN_DIR:-}" ]; then
	build=$(dirname "$OMPK_BIN_DIR")
elif [ -z "$build" ]; then
	build=$(make -s --no-print-directory print-BUILD 2>/dev/null) || {
		echo "check-layers: no build directory found; build first or name it" >&2
		exit 2
	}
fi
objs=()
while IFS= read -r o; do
	rel=${o#"$build"/}
	[ -f "$src/${rel%.o}.c" ] && objs+=("$o")
done < <(find "$build/src" "$build/kernels" -name '*.o' ! -path "$build/src/mpi/*" 2>/dev/null |
	sort)
if [ ${#objs[@]} -eq 0 ]; then
	echo "check-layers: no library objects under $build/src or $build/kernels" >&2
	exit 2
fi

# "OBJ D SYM" for each global symbol defined, "OBJ U SYM" for each one used.
nm -A -g "${objs[@]}" | awk -v pre="$build/" '
	{
		# GNU nm -A: "file.o:VALUE TYPE NAME", or "file.o: TYPE NAME" when undefined.
		split($0, q, ":"); obj = q[1]; sub("^" pre, "", obj)
		rest = substr($0, length(q[1]) + 2)
		n = split(rest, f, " ")
		sym = f[n]; type = f[n - 1]
		if (type == "U") used[obj, sym] = 1
		else if (type ~ /^[A-TV-Za-z]$/ && type != "w" && type != "v") def[sym] = obj
		objs[obj] = 1
	}
	END {
		for (k in used) {
			split(k, p, SUBSEP); x = p[1]; s = p[2]
			if (!(s in def) || def[s] == x) continue
			y = def[s]
			if ((x, y) in edge)
				edge[x, y] = edge[x, y] " " s
			else
				edge[x, y] = s
		}
		bad = 0
		for (k in edge) {
			split(k, p, SUBSEP); x = p[1]; y = p[2]
			if (x < y && (y, x) in edge) {
				printf "cycle: %s <-> %s\n", x, y
				printf "  %s uses %s\n", x, edge[x, y]
				printf "  %s uses %s\n", y, edge[y, x]
				bad++
			}
		}
		n = 0
		for (o in objs) n++
		if (bad) {
			printf "check-layers: %d pair(s) of objects reference each other", bad
			printf " (%d objects)\n", n
			exit 1
		}
		printf "check-layers: %d objects, no two reference each other\n", n
	}'
