/*
 * fast.c - O(log n) jump-ahead for x = a*x + c mod 2^64.
 *
 * n steps of f(x) = a*x + c compose to f^n(x) = A_n*x + C_n with
 * A_n = a^n and C_n = c*(a^(n-1) + ... + a + 1). Both follow from
 * f^(2m) = f^m o f^m: A_2m = A_m^2 and C_2m = C_m*(A_m + 1), so the pair
 * is built by repeated squaring over the bits of n (Brown, "Random number
 * generation with arbitrary strides", 1994). Only multiplications and
 * additions are used: a-1 is even, so it has no inverse mod 2^64 and the
 * closed form c*(a^n-1)/(a-1) cannot be evaluated by division.
 */
#include "ompkit/lcg.h"

uint64_t ompk_lcg_jump(uint64_t x, uint64_t n, uint64_t a, uint64_t c)
{
	uint64_t acc_a = 1, acc_c = 0; /* the composed map so far */

	while (n) {
		if (n & 1) {
			acc_a *= a;
			acc_c = acc_c * a + c;
		}
		c *= a + 1; /* the map for twice as many steps */
		a *= a;
		n >>= 1;
	}
	return acc_a * x + acc_c;
}
