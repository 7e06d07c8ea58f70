#!/usr/bin/env bash
# test_names.sh - front ends (src/main, src/mpi, the core in src/, bench/)
# never ask which kernel they hold by its name: what differs between
# kernels is in the descriptor (include/ompkit/kernel.h), so a new kernel
# needs no front-end code. Only the registry looks kernels up by name.
# (The loader's table of shard kinds, src/io/, is the loader's to fix.)
# Prints "names: N passed, M failed, K skipped" last.
. "$(dirname "$0")/lib.sh"
hits=$(grep -nE 'strcmp\([^,]*(kernel|k|job->kernel)->name, *"' src/*.c src/main/*.c src/mpi/*.c \
	bench/*.c 2>/dev/null | grep -v '^src/registry.c:')
detail_lines=1000 # every hit
result "no front end compares a kernel's name with a literal" "$([ -z "$hits" ] && echo 1)" "$hits"
finish names
