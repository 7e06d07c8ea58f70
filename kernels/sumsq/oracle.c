/*
 * oracle.c - the closed form that verifies sumsq: the sum of squares of a range
 * without a loop over it.
 */
#include "ompkit/sumsq.h"

/*
 * S(n) = 0^2 + ... + (n-1)^2 = (n-1)n(2n-1)/6 mod 2^64. The division must
 * be exact before the wrap, so the factor divisible by 2 and the one
 * divisible by 3 are divided first (one of n-1, n is even; one of n-1, n,
 * 2n-1 is divisible by 3), all in 128-bit so nothing wraps until the
 * final products, which wrap mod 2^64 exactly as the kernel's sum does.
 */
static uint64_t sumsq_below(uint64_t n)
{
	unsigned __int128 a, b, c;

	if (n == 0)
		return 0;
	a = (unsigned __int128)n - 1;
	b = n;
	c = 2 * (unsigned __int128)n - 1;
	if (a % 2 == 0)
		a /= 2;
	else
		b /= 2;
	if (a % 3 == 0)
		a /= 3;
	else if (b % 3 == 0)
		b /= 3;
	else
		c /= 3;
	return (uint64_t)a * (uint64_t)b * (uint64_t)c;
}

uint64_t ompk_oracle_sumsq_range(uint64_t from, uint64_t to)
{
	return to <= from ? 0 : sumsq_below(to) - sumsq_below(from);
}
