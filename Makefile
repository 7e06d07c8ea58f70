# ompkit - build, test and benchmark.
#
#   make                      build every binary; links in bin/ (see "Where binaries go")
#   make deps                 install missing Debian packages (scripts/deps.sh)
#   make demo                 build and run the tutorial's examples, seq vs omp, and the pipeline
#   make test                 build and run every cmocka suite and script test
#   make bench                kernel benchmarks (medians, speedup, efficiency)
#   make report               the whole study of this machine as one page (scripts/report.sh),
#                             e.g. make report REPORT_ARGS='--quick --out /tmp/report'
#   make fuzz FUZZ_SECONDS=60 libFuzzer on the parsers and file readers (clang)
#   make check-san            the whole suite under ASan + UBSan
#   make check-valgrind       the I/O-facing suites under valgrind
#   make mutate               plant each bug of tests/mutants/ in a scratch clone; make test must fail
#                             (scripts/mutate.py; MUTATE_ARGS="--only NAME" for some of them)
#   make CC=clang ...         clang with LLVM's libomp (gcc uses libgomp); own build dir
#   make SAN=address,undefined ...   the same with sanitizers (own build dir)
#   make MPI=1                also bin/<kernel>-mpi, with mpicc (own build dir)
#   make test-mpi             every kernel under mpirun -np 2 and 3 vs one process
#   make bench-mpi            -np 2 x 1 thread vs one process x 2 threads
#   make print-VAR            print a variable (e.g. print-BUILD, print-BINDIR)
#   make V=1 ...              show the commands
#   make clean
#
# Build directories: objects go to build/<compiler>-<major>[-san-...][-mpi]-<hash>/, the hash
# taken over everything that changes the objects (CC and its version, CFLAGS, CPPFLAGS,
# LDFLAGS, LDLIBS, SAN, MPI, MPICC), so switching any of them never mixes or reuses objects:
# e.g. build/gcc-12-1a2b3c4d/, build/clang-14-5e6f7a8b/.
#
# Where binaries go: every build leaves its binaries in $(BUILD)/bin/. bin/ is a real directory
# of links to the last build made with the default compiler (the one `cc` is), sanitizers off;
# an MPI=1 build links its -mpi binaries there too, and a later plain build leaves those links
# alone. Another compiler gets its own directory of links: `make CC=clang` fills bin-clang/.
# Sanitizer builds are linked nowhere (make check-san runs them from their build directory).

CC ?= cc
CFLAGS ?= -O3 -g
PKG_CONFIG ?= pkg-config

# The kernels, read from the one list (include/ompkit/kernels.def).
KERNELS := $(shell sed -n 's/^OMPK_KERNEL(\([a-z0-9_]*\)).*/\1/p' include/ompkit/kernels.def)

# MPI=1: the same objects plus bin/<kernel>-mpi, linked by mpicc. Only
# src/mpi/driver.c and the -mpi entry points see mpi.h; nothing else does.
# mpicc compiles with the compiler of the build (Open MPI's OMPI_CC, MPICH's
# MPICH_CC), so one OpenMP runtime is linked, never libgomp and libomp at once.
MPICC ?= mpicc
ifeq ($(MPI),1)
export OMPI_CC := $(CC)
export MPICH_CC := $(CC)
endif

# The compiler's family and major version from its own predefined macros, and
# its full version string (for the hash): "gcc 12 12.2.0" or "clang 14 Debian Clang 14.0.6".
cc_id = $(shell $(1) -E -dM -x c /dev/null 2>/dev/null | awk ' \
	$$2 == "__clang_major__" { c = $$3 } $$2 == "__GNUC__" { g = $$3 } \
	$$2 == "__VERSION__" { v = $$0; sub(/^[^"]*"/, "", v); sub(/"$$/, "", v) } \
	END { if (c != "") print "clang", c, v; else if (g != "") print "gcc", g, v; else print "cc", "x", "unknown" }')
CC_ID := $(call cc_id,$(CC))
CC_FAMILY := $(word 1,$(CC_ID))
DEFAULT_CC_FAMILY := $(word 1,$(call cc_id,cc))

comma := ,
sq = '$(subst ','\'',$(1))'
CONFIG := $(CC_FAMILY)-$(word 2,$(CC_ID))
ifneq ($(SAN),)
CONFIG := $(CONFIG)-san-$(subst $(comma),-,$(SAN))
endif
ifeq ($(MPI),1)
CONFIG := $(CONFIG)-mpi
endif
BUILD_KEY := CC=$(CC) [$(CC_ID)] CFLAGS=$(CFLAGS) CPPFLAGS=$(CPPFLAGS) LDFLAGS=$(LDFLAGS) \
	LDLIBS=$(LDLIBS) SAN=$(SAN) MPI=$(MPI) MPICC=$(if $(filter 1,$(MPI)),$(MPICC))
BUILD_HASH := $(shell printf '%s' $(call sq,$(BUILD_KEY)) | md5sum | cut -c1-8)
BUILD := build/$(CONFIG)-$(BUILD_HASH)
BINDIR := $(BUILD)/bin

# The directory of links this build fills (empty: none).
ifneq ($(SAN),)
LINKDIR :=
else ifeq ($(CC_FAMILY),$(DEFAULT_CC_FAMILY))
LINKDIR := bin
else
LINKDIR := bin-$(CC_FAMILY)
endif

ifneq ($(SAN),)
override CFLAGS += -fsanitize=$(SAN) -fno-sanitize-recover=all
override LDFLAGS += -fsanitize=$(SAN)
endif

CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)
# liburing: the loader, bin/pipeline and bin/heartbeat; libseccomp: the fallback tests.
URING_CFLAGS := $(shell $(PKG_CONFIG) --cflags liburing 2>/dev/null)
URING_LIBS := $(shell $(PKG_CONFIG) --libs liburing 2>/dev/null || echo -luring)
SECCOMP_LIBS := $(shell $(PKG_CONFIG) --libs libseccomp 2>/dev/null || echo -lseccomp)

USER_CFLAGS := $(CFLAGS)
override CFLAGS += -std=c11 -D_GNU_SOURCE -fopenmp -fno-omit-frame-pointer -Wall -Wextra -Iinclude -MMD -MP $(URING_CFLAGS)
override LDFLAGS += -fopenmp
override CFLAGS += $(URING_CFLAGS)
LDLIBS += $(URING_LIBS) -lpthread -lm

# -MMD -MP writes each object's .d with an empty rule per header, so a deleted
# header never stops make; src_dep adds one for the source itself, so a .d
# naming a source that has since moved or gone does not stop make either (the
# object's own rule names its real source).
src_dep = echo '$<:' >>$(@:.o=.d)

ifeq ($(V),1)
Q :=
else
Q := @
endif

# The library: the core (src/), the I/O layers (src/io/) and every kernel's
# folder. Entry points live in src/main/, the MPI driver in src/mpi/.
LIB_SRCS := $(wildcard src/*.c src/io/*.c $(KERNELS:%=kernels/%/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libompkit.a

BINS := $(KERNELS:%=$(BINDIR)/%) $(BINDIR)/demo $(BINDIR)/pipeline $(BINDIR)/heartbeat
ifeq ($(MPI),1)
BINS += $(KERNELS:%=$(BINDIR)/%-mpi)
endif
TEST_SRCS := $(wildcard tests/test_*.c)
TESTS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
SCRIPT_TESTS := $(wildcard tests/test_*.sh)


.PHONY: all bin deps demo test check-san check-valgrind mutate bench fuzz clean test-mpi bench-mpi report
all: $(BINS) bin

# Links this build's binaries into $(LINKDIR)/ (see "Where binaries go" above);
# links of other builds there (an MPI build's -mpi binaries) stay. A bin that
# is a link to a directory (how older versions did it) becomes a directory.
bin: $(BINS)
ifneq ($(LINKDIR),)
	$(Q)if [ -L $(LINKDIR) ]; then rm -f $(LINKDIR); fi; mkdir -p $(LINKDIR)
	$(Q)for b in $(notdir $(BINS)); do ln -sfn ../$(BINDIR)/$$b $(LINKDIR)/$$b || exit 1; done
endif

deps:
	$(Q)scripts/deps.sh

demo: all
	$(Q)$(BINDIR)/demo
	$(Q)$(BINDIR)/pipeline
	$(Q)$(BINDIR)/pipeline --mode serial
	$(Q)$(BINDIR)/heartbeat --mode inline
	$(Q)$(BINDIR)/heartbeat --mode offload

# The script tests run this build's binaries (OMPK_BIN_DIR), not bin/; the
# report's tests also this build's bench_fold (the memory read rate).
test: all $(TESTS) $(BUILD)/bench/bench_fold
	$(Q)OMPK_BIN_DIR=$(CURDIR)/$(BINDIR) scripts/run-tests.sh $(TESTS) $(SCRIPT_TESTS)

# The whole suite under AddressSanitizer and UBSan (own build directory).
check-san:
	$(Q)$(MAKE) --no-print-directory SAN=address,undefined test

# The I/O-facing suites under valgrind (small sizes); libgomp's known
# thread-pool noise is suppressed by tests/valgrind.supp, nothing else.
# valgrind 3.19 does not release its thread lock around io_uring_enter, so
# a loop waiting for a completion that another thread produces deadlocks
# under it: test_loader and test_loader_faults run only their threads
# backend there and test_heartbeat only its epoll + timerfd loop, skipping
# their io_uring cases with a note (they detect valgrind; those cases run
# in test and check-san).
VALGRIND_TESTS := test_parse test_driver test_fuzz_corpus test_loader test_loader_faults test_heartbeat
VALGRIND := valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,possible \
	--suppressions=tests/valgrind.supp
check-valgrind: $(VALGRIND_TESTS:%=$(BUILD)/tests/%)
	$(Q)TEST_WRAPPER="$(VALGRIND)" scripts/run-tests.sh $^

# Mutation testing: each planted bug of tests/mutants/*.txt in a scratch clone of HEAD (the
# tree here is never changed), make test after each; fails below 90% caught or on a stale mutant.
mutate:
	$(Q)scripts/mutate.py $(MUTATE_ARGS)

# Every bench/*.c is a program built here; the scripts run the binaries given.
BENCHES := $(patsubst %.c,$(BUILD)/%,$(wildcard bench/*.c))

bench: all $(BENCHES)
	$(Q)$(BUILD)/bench/bench_kernels
	$(Q)bench/fast.sh $(BINDIR)
	$(Q)OMPK_PRIMES=$(BINDIR)/primes OMPK_SIEVE=$(BUILD)/bench/sieve_count bench/primes_vs_primesieve.sh
	$(Q)bench/fold.sh $(BUILD)/bench/bench_fold
	$(Q)bench/pipeline.sh $(BINDIR)
	$(Q)$(BUILD)/bench/overhead
	$(Q)bench/peers.sh

# The report page (scripts/report.sh): this build's binaries and its
# bench_fold for the memory read rate; REPORT_ARGS go to the script.
report: all $(BUILD)/bench/bench_fold
	$(Q)OMPK_BIN_DIR=$(CURDIR)/$(BINDIR) OMPK_BENCH_FOLD=$(CURDIR)/$(BUILD)/bench/bench_fold \
		scripts/report.sh $(REPORT_ARGS)

ifeq ($(MPI),1)
test-mpi: all
	$(Q)scripts/test-mpi.sh $(BINDIR)

bench-mpi: all
	$(Q)bench/mpi.sh $(BINDIR)
else
test-mpi bench-mpi:
	$(Q)$(MAKE) --no-print-directory MPI=1 $@
endif

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) -c $< -o $@ && $(src_dep)

# Build information shown by every binary (--version, reports).
$(BUILD)/src/build.o: override CPPFLAGS += -DOMPK_CFLAGS='"$(USER_CFLAGS) -fopenmp -fno-omit-frame-pointer"'

$(LIB): $(LIB_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(KERNELS:%=$(BUILD)/main-%.o): $(BUILD)/main-%.o: src/main/kernel.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< ($*)")
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) -DOMPK_KERNEL=ompk_kernel_$* -c $< -o $@ && $(src_dep)

$(BUILD)/src/mpi/driver.o: src/mpi/driver.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MPICC   $<")
	$(Q)$(MPICC) $(CFLAGS) $(CPPFLAGS) -c $< -o $@ && $(src_dep)

$(KERNELS:%=$(BUILD)/main-mpi-%.o): $(BUILD)/main-mpi-%.o: src/main/kernel.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MPICC   $< ($*)")
	$(Q)$(MPICC) $(CFLAGS) $(CPPFLAGS) -DOMPK_MPI -DOMPK_KERNEL=ompk_kernel_$* -c $< -o $@ && $(src_dep)

$(BINDIR)/%-mpi: $(BUILD)/main-mpi-%.o $(BUILD)/src/mpi/driver.o $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MPILD   $@")
	$(Q)$(MPICC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# One link rule for every entry point: bin/<kernel> from src/main/kernel.c,
# bin/demo, bin/pipeline and bin/heartbeat from src/main/<name>.c.
$(BINDIR)/%: $(BUILD)/main-%.o $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/main-%.o: src/main/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) -c $< -o $@ && $(src_dep)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/test_fuzz_corpus.o: tests/fuzz/fuzz_cli.c tests/fuzz/fuzz_files.c tests/fuzz/fuzz_shards.c
$(BUILD)/tests/test_fuzz_corpus.o: override CPPFLAGS += -Itests -DOMPK_SOURCE_DIR='"$(CURDIR)"'

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) $(CMOCKA_CFLAGS) -c $< -o $@ && $(src_dep)

$(BUILD)/tests/test_loader.o $(BUILD)/tests/test_loader_faults.o: override CPPFLAGS += -DOMPK_BIN_DIR='"$(CURDIR)/$(BINDIR)"'
# Test-only hooks are private headers beside their code (src/io/loader_fault.h,
# src/measure_hooks.h).
$(BUILD)/tests/%.o: override CPPFLAGS += -Isrc -Isrc/io
# The loader's tests make io_uring_setup fail in a child with a seccomp filter.
$(BUILD)/tests/test_loader: $(BUILD)/tests/test_loader.o $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(CMOCKA_LIBS) $(SECCOMP_LIBS) $(LDLIBS) -o $@

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(CMOCKA_LIBS) $(LDLIBS) -o $@

# Fuzzing (libFuzzer, clang): make fuzz FUZZ_SECONDS=60. New inputs go to
# build/fuzz/corpus-<target>; a crash becomes a regression input in
# tests/fuzz/corpus/<target>/, replayed by `make test`.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_TARGETS := cli files shards
FUZZ_BUILD := build/fuzz
FUZZ_FLAGS := -g -O1 -std=c11 -D_GNU_SOURCE -fopenmp -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -Iinclude

# Each target is a plain function fuzz_<t>; tests/fuzz/entry.c gives libFuzzer its entry point.
$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/entry.c $(LIB_SRCS) \
		$(wildcard include/ompkit/*.h src/io/*.h kernels/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -DOMPK_FUZZ_TARGET=fuzz_$* $(filter %.c,$^) $(URING_CFLAGS) $(URING_LIBS) -lpthread -lm -o $@

fuzz: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
	$(Q)for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_BUILD)/corpus-$$t && \
		echo "== fuzz_$$t for $(FUZZ_SECONDS) s" && \
		$(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_BUILD)/crash-$$t- $(FUZZ_BUILD)/corpus-$$t tests/fuzz/corpus/$$t \
			2>$(FUZZ_BUILD)/fuzz_$$t.log || { tail -40 $(FUZZ_BUILD)/fuzz_$$t.log; exit 1; }; \
		grep -E 'stat::number_of_executed_units|stat::peak_rss' $(FUZZ_BUILD)/fuzz_$$t.log; \
	done

clean:
	rm -rf build bin bin-*

# Only this configuration's dependency files; they are only read, never
# made (no built-in rule may try).
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
# make install, uninstall, deb; the shared library and man pages (issue 16).
include scripts/install.mk

%.d: ;
.SECONDARY:

print-%:
	@echo '$(subst ','\'',$($*))'
