/*
 * steps.c - steps(n) for one start, exactly: the plain rule in 128 bits,
 * refusing (never wrapping) a value past 2^128. Its own file because both
 * the scan (fast.c) and the bound table (bounds.c, which measures the
 * published records with it) call it, and neither may call the other.
 */
#include <errno.h>

#include "ompkit/collatz.h"

#include "fast_int.h"

int ompk_collatz_steps(uint64_t n, uint64_t *steps)
{
	u128 v = n;
	uint64_t s = 0;

	if (n == 0 || !steps)
		return -EINVAL;
	while (v != 1) {
		if (v & 1) {
			if (v > (U128_MAX - 1) / 3)
				return -EOVERFLOW;
			v = 3 * v + 1;
		} else {
			v >>= 1;
		}
		s++;
	}
	*steps = s;
	return 0;
}
