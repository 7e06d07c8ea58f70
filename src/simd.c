/*
 * simd.c - which SIMD kernel the fast variants may use on this CPU
 * (see ompkit/simd.h). Shared by every file with per-ISA kernels.
 */
#include "ompkit/simd.h"

#include <errno.h>
#include <stdbool.h>

static bool cpu_runs(int isa)
{
	switch (isa) {
	case OMPK_SIMD_SCALAR:
		return true;
#if defined(__x86_64__) && defined(__GNUC__)
	/* libgcc's checks include the OS (XCR0) saving the ymm/zmm state. */
	case OMPK_SIMD_AVX2:
#if defined(__AVX2__)
		return true;
#else
		return __builtin_cpu_supports("avx2");
#endif
	case OMPK_SIMD_AVX512:
#if defined(__AVX512F__) && defined(__AVX512DQ__)
		return true;
#else
		return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
#endif
	/* DQ too: a kernel without a VNNI path runs its AVX512 one instead */
	case OMPK_SIMD_AVX512VNNI:
#if defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__AVX512BW__) && \
	defined(__AVX512VNNI__)
		return true;
#else
		return cpu_runs(OMPK_SIMD_AVX512) && __builtin_cpu_supports("avx512bw") &&
		       __builtin_cpu_supports("avx512vnni");
#endif
#endif
	default:
		return false;
	}
}

int ompk_simd_resolve(int simd, int *isa)
{
	if (simd == OMPK_SIMD_AUTO)
		*isa = cpu_runs(OMPK_SIMD_AVX512VNNI) ? OMPK_SIMD_AVX512VNNI
		       : cpu_runs(OMPK_SIMD_AVX512)   ? OMPK_SIMD_AVX512
		       : cpu_runs(OMPK_SIMD_AVX2)     ? OMPK_SIMD_AVX2
						      : OMPK_SIMD_SCALAR;
	else if (simd >= OMPK_SIMD_SCALAR && simd <= OMPK_SIMD_AVX512VNNI)
		*isa = simd;
	else
		return -EINVAL;
	return cpu_runs(*isa) ? 0 : -ENOTSUP;
}
