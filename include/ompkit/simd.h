/*
 * simd.h - which SIMD kernel a fast variant uses. AUTO picks the widest
 * the CPU supports at run time, or the one the environment variable
 * OMPK_SIMD names (avx512vnni, avx512, avx2 or scalar: every path is
 * reachable through the binaries, e.g. the AVX2 code on an AVX-512
 * machine); the others force one (tests and benches use them to reach
 * every kernel), and a function returns -ENOTSUP when the CPU lacks it.
 * AVX512VNNI (AVX-512 F, DQ, BW and VNNI) is a superset of what AVX512
 * needs on every CPU that has it; a kernel without a VNNI path runs its
 * AVX-512 one for it.
 */
#ifndef OMPKIT_SIMD_H
#define OMPKIT_SIMD_H

#include <stddef.h>

#define OMPK_SIMD_AUTO 0
#define OMPK_SIMD_SCALAR 1
#define OMPK_SIMD_AVX2 2
#define OMPK_SIMD_AVX512 3
#define OMPK_SIMD_AVX512VNNI 4

/*
 * Resolves a requested kernel: AUTO becomes the widest this CPU (and the
 * OS, which must save the wide registers) runs. Returns 0 with *isa set,
 * -EINVAL for an unknown value, -ENOTSUP when the CPU cannot run it.
 */
int ompk_simd_resolve(int simd, int *isa);

#define OMPK_SIMD_ENV "OMPK_SIMD"

/* "avx512vnni", "avx512", "avx2" or "scalar" (OMPK_SIMD's words); "?" for another value. */
const char *ompk_simd_name(int isa);

/*
 * Checks OMPK_SIMD: 0 when it is unset, empty, or names a path this CPU
 * runs; -EINVAL for another word, -ENOTSUP for a path the CPU lacks, with
 * the message "OMPK_SIMD: ...; accepted: <the paths this CPU runs>" in
 * msg. AUTO treats a refused value as unset; the tools refuse it first.
 */
int ompk_simd_env_check(char *msg, size_t len);

#endif
