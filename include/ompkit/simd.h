/*
 * simd.h - which SIMD kernel a fast variant uses. AUTO picks the widest
 * the CPU supports at run time; the others force one (tests and benches
 * use them to reach every kernel), and a function returns -ENOTSUP when
 * the CPU lacks it. AVX512VNNI (AVX-512 F, BW and VNNI) is a superset of
 * what AVX512 needs on every CPU that has it; a kernel without a VNNI path
 * runs its AVX-512 one for it.
 */
#ifndef OMPKIT_SIMD_H
#define OMPKIT_SIMD_H

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

#endif
