/*
 * simd.c - which SIMD kernel the fast variants may use on this CPU
 * (see ompkit/simd.h). Shared by every file with per-ISA kernels.
 *
 * OMPK_SIMD in the environment forces what AUTO means, so the tests (and
 * anyone comparing paths) run the AVX2 or the scalar code on an AVX-512
 * machine through the same binaries and calls; the tools check it once at
 * the start (ompk_simd_env_check) and refuse a value they cannot honour.
 */
#include "ompkit/simd.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "ompkit/kernel.h"

/* The values OMPK_SIMD takes, widest first, and the ISA each forces. */
static const struct ompk_name paths[] = {
	{ "avx512vnni", OMPK_SIMD_AVX512VNNI },
	{ "avx512", OMPK_SIMD_AVX512 },
	{ "avx2", OMPK_SIMD_AVX2 },
	{ "scalar", OMPK_SIMD_SCALAR },
};

#define NPATHS OMPK_COUNT(paths)

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

/* The ISA OMPK_SIMD names into *isa: 0, 1 when it is unset or empty, -EINVAL for another word. */
static int env_isa(int *isa)
{
	const char *v = getenv(OMPK_SIMD_ENV);

	if (!v || !*v)
		return 1;
	return ompk_name_value(paths, NPATHS, v, strlen(v), isa) ? -EINVAL : 0;
}

static int widest(void)
{
	for (size_t i = 0; i < NPATHS; i++)
		if (cpu_runs(paths[i].value))
			return paths[i].value;
	return OMPK_SIMD_SCALAR;
}

int ompk_simd_resolve(int simd, int *isa)
{
	if (simd == OMPK_SIMD_AUTO) {
		/* A value the tools would refuse means the widest here: AUTO always resolves. */
		if (env_isa(isa) != 0 || !cpu_runs(*isa))
			*isa = widest();
	} else if (simd >= OMPK_SIMD_SCALAR && simd <= OMPK_SIMD_AVX512VNNI) {
		*isa = simd;
	} else {
		return -EINVAL;
	}
	return cpu_runs(*isa) ? 0 : -ENOTSUP;
}

const char *ompk_simd_name(int isa)
{
	return ompk_name_of(paths, NPATHS, isa, "?");
}

int ompk_simd_env_check(char *msg, size_t len)
{
	char have[64] = "";
	int isa, err = env_isa(&isa);

	if (err == 1 || (err == 0 && cpu_runs(isa)))
		return 0;
	for (size_t i = 0; i < NPATHS; i++)
		if (cpu_runs(paths[i].value))
			snprintf(have + strlen(have), sizeof(have) - strlen(have), "%s%s",
				 have[0] ? ", " : "", paths[i].name);
	if (err)
		snprintf(msg, len, "%s: '%.64s' is not a SIMD path; accepted: %s (this CPU)",
			 OMPK_SIMD_ENV, getenv(OMPK_SIMD_ENV), have);
	else
		snprintf(msg, len, "%s: '%s' is not available on this CPU; accepted: %s",
			 OMPK_SIMD_ENV, ompk_simd_name(isa), have);
	return err ? err : -ENOTSUP;
}
