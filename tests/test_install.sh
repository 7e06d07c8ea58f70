#!/usr/bin/env bash
# test_install.sh - ompkit installed as a user would have it (issue 16):
# `make install PREFIX=$tmp/opt`, then with only $tmp/opt/bin (and
# /usr/bin:/bin for the shell) on PATH, from a directory with no build tree,
# every binary and script runs and gives the build tree's answers (and known
# values: pi(10^5) = 9592, the Collatz record 837799 with 524 steps below
# 10^6, the tutorial's sums and checksums); the man pages render without
# warnings and list every flag of their binary's --help; the README's
# example builds with `pkg-config --cflags --libs ompkit`, shared and static,
# and prints pi(10^9) = 50847534, pi(10^6) = 78498, pi(10^7) = 664579 and the
# pipeline's sum of squares of 0..3999 (the closed form, computed here);
# `nm -D` shows exactly the API of scripts/libompkit.map, all of it declared
# in the installed headers, none of the driver's internals; DESTDIR stages
# without leaking into the files; `make uninstall` leaves the prefix as it
# was (a file of another package there survives). Bash completion offers
# every flag of each --help and the values it lists. Then `make deb`: the
# package's metadata and dependencies, its tree unpacked with dpkg -x into a
# scratch root (binaries, scripts and the example run from there), dpkg -i
# and dpkg -r on a scratch dpkg database, and, as root with CI=true, dpkg -i
# on the system, the example built with the system's pkg-config, then dpkg -r
# leave nothing behind.
#
# The install is of the release configuration (SAN= MPI=), also under
# make check-san. Prints "install: N passed, M failed, K skipped" last.
. "$(dirname "$0")/lib.sh"
# contains NAME TEXT WORD...: passes when TEXT holds each WORD as a whole word.
contains() {
	local name=$1 text=$2 w
	shift 2
	for w in "$@"; do
		grep -q -w -F -- "$w" <<<"$text" || {
			bad "$name (no '$w')" "$text"
			return
		}
	done
	ok "$name"
}

# The nested make runs without the parent's jobserver (this script is not a
# make recipe line) but keeps its variables (CC=..., V=1).
MAKEFLAGS=$(sed -E 's/(^| )--jobserver-(auth|fds)=[^ ]*//g; s/(^| )-j[0-9]*( |$)/ /g' \
	<<<"${MAKEFLAGS:-}")
export MAKEFLAGS
mk() { ${MAKE:-make} --no-print-directory SAN= MPI= "$@"; }

version=$(sed -n 's/^#define OMPK_VERSION "\(.*\)"/\1/p' include/ompkit/build.h)
# The example is built with the compiler of the build under test (make CC=clang test:
# clang, whose OpenMP runtime is LLVM's libomp, packaged as libomp5-*; gcc: libgomp1).
build_cc=$(mk -s print-CC)
if $build_cc -dM -E -x c /dev/null | grep -q __clang__; then omp_pkg=libomp5; else omp_pkg=libgomp1; fi
kernels=$(sed -n 's/^OMPK_KERNEL(\([a-z0-9_]*\)).*/\1/p' include/ompkit/kernels.def)
progs="$kernels pipeline heartbeat demo"
# The binaries of the configuration installed (not OMPK_BIN_DIR's, which may
# be a sanitizer build's); the installed scripts must find theirs alone.
unset OMPK_BIN_DIR
bindir=$(mk -s -f Makefile -f - print-bindir <<<'print-bindir: ; @echo $(BINDIR)' 2>/dev/null |
	tail -n 1)
[ -x "$bindir/primes" ] || mk -s all >/dev/null || {
	bad "make all"
	finish install
}
sumsq4000=$(awk 'BEGIN { n = 4000; printf "%.0f\n", (n - 1) * n * (2 * n - 1) / 6 }')

# --- make install ---------------------------------------------------------
opt=$tmp/opt
mkdir -p "$opt/bin" "$opt/share/man/man1"
echo 'not ompkit' >"$opt/bin/other-tool" # another package's files
echo '.TH OTHER 1' >"$opt/share/man/man1/other.1"
list() { (cd "$1" && find . \( -type f -o -type l \) | LC_ALL=C sort); }
before=$(list "$opt")

if mk install PREFIX="$opt" >"$tmp/install.log" 2>&1; then
	ok "make install PREFIX=$opt"
else
	bad "make install" "$(cat "$tmp/install.log")"
	finish install
fi

want=""
for p in $progs sweep profile; do want+="./bin/ompk-$p"$'\n'; done
want+="./bin/other-tool"
got=$(cd "$opt" && find ./bin | grep -v '^./bin$' | LC_ALL=C sort)
[ "$got" = "$(LC_ALL=C sort <<<"$want")" ] && ok "bin/ holds ompk-<name> only, for every program" ||
	bad "bin/ contents" "$got"
missing=""
for f in lib/libompkit.so.$version lib/libompkit.so.0 lib/libompkit.so lib/libompkit.a \
	lib/pkgconfig/ompkit.pc include/ompkit/kernel.h include/ompkit/registry.h \
	include/ompkit/kernels.def include/ompkit/primes.h include/ompkit/loader.h \
	share/man/man7/ompkit.7 share/doc/ompkit/examples/embed.c; do
	[ -e "$opt/$f" ] || missing+=" $f"
done
[ -z "$missing" ] && ok "libraries, headers, ompkit.pc, ompkit.7, example installed" ||
	bad "installed files missing:$missing"
[ "$(readlink "$opt/lib/libompkit.so.0")" = "libompkit.so.$version" ] &&
	objdump -p "$opt/lib/libompkit.so.$version" | grep -q 'SONAME *libompkit\.so\.0$' &&
	ok "soname libompkit.so.0, real name libompkit.so.$version" || bad "soname or links"
if [ -f src/schema/ompkit.schema.json ]; then
	cmp -s src/schema/ompkit.schema.json "$opt/share/ompkit/ompkit.schema.json" &&
		ok "JSON schema in share/ompkit/" || bad "JSON schema not installed"
else
	skip "JSON schema (src/schema/ompkit.schema.json not in this tree yet)"
fi

# --- the installed programs, from anywhere --------------------------------
away=$tmp/elsewhere
mkdir -p "$away"
run() { (cd "$away" && env PATH="$opt/bin:/usr/bin:/bin" OMP_NUM_THREADS=2 "$@" 2>&1); }

out=$(run ompk-primes --to 1e5 -q)
[ "$out" = "$("$bindir/primes" --to 1e5 -q 2>&1)" ] &&
	contains "ompk-primes: pi(1e5) = 9592" "$out" 9592 ||
	bad "ompk-primes differs from bin/primes" "$out"
out=$(run ompk-collatz --variant fast --to 1e6 -q)
[ "$out" = "$("$bindir/collatz" --variant fast --to 1e6 -q 2>&1)" ] &&
	contains "ompk-collatz: 837799 with 524 steps below 1e6" "$out" 837799 524 ||
	bad "ompk-collatz differs from bin/collatz" "$out"
contains "ompk-sumsq: the tutorial's sum" "$(run ompk-sumsq -q)" 333332833333500000
contains "ompk-checksum: the tutorial's checksums" "$(run ompk-checksum -q)" \
	15279771427360356480 12112798781011161344 8945826134661966208
out=$(run ompk-lcg --seeds 2 --iters 1000 -q)
[ -n "$out" ] && [ "$out" = "$("$bindir/lcg" --seeds 2 --iters 1000 -q 2>&1)" ] &&
	ok "ompk-lcg: same finals as bin/lcg" || bad "ompk-lcg" "$out"
contains "ompk-pipeline: sum of squares of 0..3999" \
	"$(run ompk-pipeline --shards 4 --shard-len 1000 --latency-ms 1 -q)" "$sumsq4000"
check "ompk-heartbeat runs (offload, 3 ticks of 10 ms)" \
	run ompk-heartbeat --mode offload --tick-ms 10 --ticks 3 --block-ms 20
# The installed binaries are the build's, byte for byte; the demo (which runs
# its whole tour, half a minute on a loaded machine) is run only when it has
# a --help to run instead (make demo runs it).
same=""
for p in $progs; do cmp -s "$bindir/$p" "$opt/bin/ompk-$p" || same+=" $p"; done
[ -z "$same" ] && ok "installed programs are the build's binaries" || bad "differ:$same"
if grep -q '"--help"' src/main/demo.c; then
	contains "ompk-demo --help" "$(run ompk-demo --help)" Usage:
else
	out=$(ldd "$opt/bin/ompk-demo" 2>&1)
	! grep -q 'not found' <<<"$out" && ok "ompk-demo: every library it needs is found" ||
		bad "ompk-demo's libraries" "$out"
fi
wrong=""
for p in $kernels pipeline heartbeat; do
	grep -q -F "$version" <<<"$(run "ompk-$p" --version)" || wrong+=" ompk-$p"
done
[ -z "$wrong" ] && ok "every ompk-<name> --version says $version" ||
	bad "--version does not say $version:$wrong"

accepted=$(tr ' ' '\n' <<<"$kernels" | sort | paste -sd, | sed 's/,/, /g')
accepted="accepted: $accepted"
for s in sweep profile; do
	out=$(run "ompk-$s" no_such_kernel)
	rc=$?
	[ "$rc" -eq 2 ] && grep -q -F "$accepted" <<<"$out" &&
		ok "ompk-$s finds the installed binaries ($accepted)" ||
		bad "ompk-$s (exit $rc)" "$out"
	contains "ompk-$s --help names itself" "$(run "ompk-$s" --help)" "ompk-$s"
done
out=$(run ompk-sweep primes --threads 1,2 --variants omp --schedules static --repeat 1 \
	--out "$away/sweep" -- --to 20000)
[ "$(grep -c '^primes,' "$away/sweep/results.csv" 2>/dev/null)" = 2 ] &&
	ok "ompk-sweep runs the installed ompk-primes (2 rows)" || bad "ompk-sweep" "$out"

# --- man pages ------------------------------------------------------------
export MANWIDTH=100
out=$(cd "$away" && man -M "$opt/share/man" ompk-primes 2>&1)
contains "man -M ... ompk-primes" "$out" "OMPK-PRIMES(1)" --variant --to
contains "man -M ... 7 ompkit" "$(cd "$away" && man -M "$opt/share/man" 7 ompkit 2>&1)" \
	"OMPKIT(7)" ompkit.schema.json
warn=""
for page in "$opt"/share/man/man*/ompk*; do
	w=$(groff -ww -z -man "$page" 2>&1)
	[ -z "$w" ] || warn+="$(basename "$page"): $w"$'\n'
done
npages=$(ls "$opt"/share/man/man*/ompk* | wc -l)
[ -z "$warn" ] && ok "groff -ww -z -man: no warnings on $npages pages" ||
	bad "groff warnings" "$warn"
drift=""
for p in $kernels pipeline heartbeat; do
	page=$(man -M "$opt/share/man" "ompk-$p" 2>/dev/null)
	for f in $("$bindir/$p" --help | grep -o -E -- '--[a-z][a-z0-9-]*' | sort -u); do
		grep -q -F -- "$f" <<<"$page" || drift+=" ompk-$p:$f"
	done
done
[ -z "$drift" ] && ok "each man page lists every flag of its binary's --help" ||
	bad "man pages miss flags:$drift"

# --- bash completion ------------------------------------------------------
# complete WORDS...: what the installed completion offers for the last word.
complete_words() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		f=$(complete -p "$1" | awk "{ print \$3 }"); "$f" 2>/dev/null
		printf "%s\n" "${COMPREPLY[@]}" | sort | paste -sd" "' _ \
		"$opt/share/bash-completion/completions/ompkit" "$@"
}
comp=$opt/share/bash-completion/completions
[ -L "$comp/ompk-primes" ] && [ -L "$comp/ompk-sweep" ] && [ -f "$comp/ompkit" ] &&
	ok "bash completion installed, a link per command" || bad "bash completion files"
want_comp() {
	local want=$1 got
	shift
	got=$(complete_words "$@")
	[ "$got" = "$want" ] && ok "complete '$*' -> $want" ||
		bad "complete '$*': got '$got', want '$want'"
}
want_comp "fast omp seq" ompk-primes --variant ""
want_comp "csv json text" ompk-sumsq --format=""
want_comp "auto threads uring" ompk-pipeline --backend ""
want_comp "epoll" ompk-heartbeat --loop e
want_comp "$(tr ' ' '\n' <<<"$kernels" | sort | paste -sd' ')" ompk-sweep ""
want_comp "--variants" ompk-sweep primes --var
drift=""
for p in $kernels pipeline heartbeat; do
	offered=" $(complete_words "ompk-$p" --) "
	for f in $("$bindir/$p" --help | grep -o -E -- '^ +(-[a-z], )?--[a-z][a-z0-9-]*' |
		grep -o -E -- '--[a-z0-9-]+'); do
		[[ $offered == *" $f "* ]] || drift+=" ompk-$p:$f"
	done
done
[ -z "$drift" ] && ok "completion offers every flag of each binary's --help" ||
	bad "completion misses flags:$drift"

# --- the library: exports, headers, the example ---------------------------
lib=$opt/lib/libompkit.so.$version
exported=$(nm -D --defined-only "$lib" | awk '$3 != "OMPKIT_0" { sub(/@.*/, "", $3); print $3 }' |
	LC_ALL=C sort)
mapped=$(sed -n 's/^\t\(ompk_[a-z0-9_]*\);$/\1/p' scripts/libompkit.map | LC_ALL=C sort)
[ "$exported" = "$mapped" ] && ok "nm -D: exactly the $(wc -l <<<"$mapped") names of the map" ||
	bad "nm -D differs from the map" "$(diff <(echo "$mapped") <(echo "$exported"))"
internal=""
for s in ompk_driver_main ompk_cli_parse ompk_options_parse_one ompk_report_print \
	ompk_heartbeat_cli ompk_progress_tty_init ompk_file_read_all ompk__uring_run; do
	grep -q -x "$s" <<<"$exported" && internal+=" $s"
done
[ -z "$internal" ] && ok "no driver or CLI internals exported" || bad "exported:$internal"
# Declared in the installed headers: every export, and nothing else but the
# binaries' own driver functions (listed), so a new public function cannot be
# forgotten in the map.
declared=$(cat "$opt"/include/ompkit/*.h | perl -0pe 's{/\*.*?\*/}{}gs' | tr '\n' ' ' |
	grep -o -E '\bompk_[a-z0-9_]+ *\(' |
	sed 's/ *($//' | LC_ALL=C sort -u)
binaries_only="ompk_binding_free ompk_binding_query ompk_build_compiler ompk_build_flags
ompk_cli_check ompk_cli_parse ompk_driver_finish ompk_driver_main ompk_driver_setup
ompk_flag_value ompk_heartbeat_cli ompk_msg_sanitize ompk_number_arg ompk_options_help
ompk_options_parse_one ompk_proc_bind_name ompk_report_print ompk_result_print_bare
ompk_threads_warn ompk_variant_unavailable ompk_progress_report ompk_driver_group
ompk_heartbeat_cli_parse ompk_build_compiler_name ompk_build_compiler_version ompk_build_openmp
ompk_build_openmp_library ompk_build_openmp_runtime ompk_csv_field ompk_emit_begin ompk_emit_bool
ompk_emit_end ompk_emit_int ompk_emit_ints ompk_emit_null ompk_emit_num ompk_emit_nums
ompk_emit_object ompk_emit_object_end ompk_emit_only ompk_emit_str ompk_emit_textf
ompk_emit_textline ompk_emit_u64 ompk_emit_u64s ompk_help ompk_json_string ompk_opts_defaults
ompk_opts_parse ompk_threads_check ompk_threads_max ompk_usage_error ompk_version
ompk_output_flush"
functions=$(grep -v -x -F "$(printf 'ompk_kernel_%s\n' $kernels; echo ompk_kernels)" <<<"$exported")
gap=$(comm -3 <(echo "$functions") <(comm -23 <(echo "$declared") \
	<(tr ' ' '\n' <<<"$binaries_only" | grep . | LC_ALL=C sort)))
[ -z "$gap" ] && ok "exports = functions of the installed headers minus the driver's" ||
	bad "exported but not declared (left) or declared but not exported (right)" "$gap"

export PKG_CONFIG_PATH=$opt/lib/pkgconfig
example=$opt/share/doc/ompkit/examples/embed.c
check_example() {
	local name=$1 out=$2
	contains "$name" "$out" "pi(1e9) = 50847534" "pi(1e6) = 78498" "pi(1e7) = 664579" \
		"verified: yes" "= $sumsq4000"
}
flags=$(pkg-config --cflags --libs ompkit 2>&1)
if (cd "$away" && $build_cc -std=c11 -Wall -Wextra -Werror "$example" $flags -o embed) \
	>"$tmp/cc.log" 2>&1; then
	ok "example builds with pkg-config --cflags --libs ompkit ($flags)"
	LD_LIBRARY_PATH=$opt/lib ldd "$away/embed" |
		grep -q "libompkit.so.0 => $opt/lib/libompkit.so.0" &&
		ok "example linked to the installed libompkit.so.0" || bad "example's libompkit"
	check_example "example (shared) prints the known values" \
		"$(cd "$away" && LD_LIBRARY_PATH=$opt/lib OMP_NUM_THREADS=2 ./embed 2>&1)"
else
	bad "example does not build" "$(cat "$tmp/cc.log")"
fi
static=$(pkg-config --static --libs ompkit | sed 's/-lompkit//')
if (cd "$away" && $build_cc -std=c11 "$example" $(pkg-config --cflags ompkit) "$opt/lib/libompkit.a" \
	$static -o embed-static) >"$tmp/cc.log" 2>&1; then
	ldd "$away/embed-static" | grep -q libompkit && bad "static example needs libompkit.so"
	check_example "example (static, pkg-config --static) prints the known values" \
		"$(cd "$away" && OMP_NUM_THREADS=2 ./embed-static 2>&1)"
else
	bad "example does not link statically" "$(cat "$tmp/cc.log")"
fi
contains "README's example is the installed one" "$(diff <(mk -s -f Makefile -f - print-ex \
	<<<'print-ex: ; @cat $(EXAMPLE)' 2>/dev/null) "$example" && echo same)" same

# --- DESTDIR --------------------------------------------------------------
stage=$tmp/stage
if mk install DESTDIR="$stage" PREFIX=/usr/local >"$tmp/install.log" 2>&1; then
	[ -x "$stage/usr/local/bin/ompk-primes" ] &&
		grep -q '^prefix=/usr/local$' "$stage/usr/local/lib/pkgconfig/ompkit.pc" &&
		! grep -r -q -F "$stage" "$stage" &&
		ok "DESTDIR: staged under DESTDIR, no file mentions it" || bad "DESTDIR install"
	mk uninstall DESTDIR="$stage" PREFIX=/usr/local >/dev/null 2>&1
	[ -z "$(cd "$stage" && find . \( -type f -o -type l \))" ] &&
		ok "DESTDIR: uninstall removes every file" || bad "DESTDIR uninstall left files"
else
	bad "make install DESTDIR" "$(cat "$tmp/install.log")"
fi

# --- uninstall ------------------------------------------------------------
mk uninstall PREFIX="$opt" >"$tmp/uninstall.log" 2>&1 ||
	bad "make uninstall" "$(cat "$tmp/uninstall.log")"
after=$(list "$opt")
[ "$after" = "$before" ] && ok "uninstall: the prefix holds just what it held before" ||
	bad "uninstall left or removed files" "$(diff <(echo "$before") <(echo "$after"))"
left=$(cd "$opt" && find . -name '*ompk*')
[ -z "$left" ] && ok "uninstall: no ompkit directory left" || bad "left behind" "$left"

# --- the Debian package ---------------------------------------------------
# The package unpacked into a scratch root: its binaries, a script and the
# example built against it.
deb_unpacked() {
	local deb=$1 dr=$tmp/debroot ma out page w flags
	dpkg -x "$deb" "$dr"
	ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)
	out=$(cd "$away" && PATH="$dr/usr/bin:/usr/bin:/bin" ompk-primes --to 1e5 -q 2>&1)
	contains "dpkg -x: ompk-primes runs" "$out" 9592
	out=$(cd "$away" && PATH="$dr/usr/bin:/usr/bin:/bin" ompk-sweep no_such_kernel 2>&1)
	grep -q -F "$accepted" <<<"$out" && ok "dpkg -x: ompk-sweep finds the packaged binaries" ||
		bad "dpkg -x: ompk-sweep" "$out"
	for page in "$dr"/usr/share/man/man*/*.gz; do
		w=$(zcat "$page" | groff -ww -z -man 2>&1)
		[ -z "$w" ] || bad "$(basename "$page"): groff warnings" "$w"
	done
	flags=$(PKG_CONFIG_SYSROOT_DIR=$dr PKG_CONFIG_PATH=$dr/usr/lib/$ma/pkgconfig \
		pkg-config --cflags --libs ompkit)
	if ! (cd "$away" && $build_cc -std=c11 "$dr/usr/share/doc/ompkit/examples/embed.c" $flags \
		-o embed-deb) >"$tmp/cc.log" 2>&1; then
		bad "dpkg -x: the example does not build" "$(cat "$tmp/cc.log")"
		return
	fi
	out=$(cd "$away" && LD_LIBRARY_PATH=$dr/usr/lib/$ma OMP_NUM_THREADS=2 ./embed-deb 2>&1)
	check_example "dpkg -x: the example builds against the package and runs" "$out"
}

# dpkg -i then dpkg -r into a scratch dpkg database and root (its
# dependencies are this machine's, so they are not checked there): the
# package's maintainer side works without touching the system.
deb_scratch() {
	local deb=$1 r=$tmp/dpkgroot left
	local -a dpkg=(dpkg --root="$r" --log=/dev/null --force-depends --force-script-chrootless
		--force-not-root)
	mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" "$r/var/lib/dpkg/triggers"
	touch "$r/var/lib/dpkg/status" "$r/var/lib/dpkg/available"
	if ! "${dpkg[@]}" -i "$deb" >"$tmp/dpkg.log" 2>&1; then
		bad "dpkg -i into a scratch root" "$(cat "$tmp/dpkg.log")"
		return
	fi
	[ -x "$r/usr/bin/ompk-primes" ] && [ -f "$r/var/lib/dpkg/info/ompkit.md5sums" ] &&
		ok "dpkg -i into a scratch root" || bad "dpkg -i into a scratch root: files missing"
	"${dpkg[@]}" -r ompkit >"$tmp/dpkg.log" 2>&1 || bad "dpkg -r" "$(cat "$tmp/dpkg.log")"
	left=$(cd "$r" && find . \( -type f -o -type l \) -not -path './var/lib/dpkg/*')
	[ -z "$left" ] && ok "dpkg -r from the scratch root: nothing left" ||
		bad "dpkg -r left files" "$left"
}

# dpkg -i, the installed tools and the example with the system's pkg-config,
# then dpkg -r: every file the package listed is gone.
deb_installed() {
	local deb=$1 files left f
	if ! dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1; then
		bad "dpkg -i" "$(cat "$tmp/dpkg.log")"
		return
	fi
	files=$(dpkg -L ompkit | while read -r f; do [ -f "$f" ] || [ -L "$f" ] && echo "$f"; done)
	contains "dpkg -i: /usr/bin/ompk-primes runs" \
		"$(cd "$away" && /usr/bin/ompk-primes --to 1e5 -q 2>&1)" 9592
	if (cd "$away" && cc /usr/share/doc/ompkit/examples/embed.c \
		$(env -u PKG_CONFIG_PATH pkg-config --cflags --libs ompkit) -o embed-sys \
		>"$tmp/cc.log" 2>&1); then
		check_example "dpkg -i: example with the system's pkg-config" \
			"$(cd "$away" && OMP_NUM_THREADS=2 ./embed-sys 2>&1)"
	else
		bad "dpkg -i: example does not build" "$(cat "$tmp/cc.log")"
	fi
	dpkg -r ompkit >"$tmp/dpkg.log" 2>&1 || bad "dpkg -r" "$(cat "$tmp/dpkg.log")"
	left=$(while read -r f; do [ -e "$f" ] || [ -L "$f" ] && echo "$f"; done <<<"$files")
	[ -z "$left" ] && ok "dpkg -r: all $(wc -l <<<"$files") files gone" ||
		bad "dpkg -r left files" "$left"
}

arch=$(dpkg --print-architecture 2>/dev/null)
deb=""
if ! command -v dpkg-deb >/dev/null || ! command -v dpkg-shlibdeps >/dev/null; then
	skip "make deb (dpkg-dev not installed)"
else
	touch "$tmp/stamp"
	mk deb >"$tmp/deb.log" 2>&1 &&
		deb=$(find build -name "ompkit_${version}_$arch.deb" -newer "$tmp/stamp" |
			head -n 1)
	[ -n "$deb" ] && ok "make deb: $deb" || bad "make deb" "$(cat "$tmp/deb.log")"
fi
if [ -n "$deb" ]; then
	contains "package metadata and dependencies" \
		"$(dpkg-deb -f "$deb" Package Version Architecture Depends)" "Package: ompkit" \
		"Version: $version" "Architecture: $arch" "$omp_pkg" liburing2 libc6
	outside=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | grep -v -E '^\./(usr/.*)?$')
	[ -z "$outside" ] && ok "package files all under /usr" || bad "outside /usr" "$outside"
	deb_unpacked "$deb"
	deb_scratch "$deb"
	if [ "$(id -u)" = 0 ] && [ "${CI:-}" = true ]; then
		deb_installed "$deb"
	else
		skip "dpkg -i / dpkg -r (only as root with CI=true)"
	fi
fi

finish install
