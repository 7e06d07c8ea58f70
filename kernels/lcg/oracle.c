/*
 * oracle.c - the LCG's closed form, a second method beside the jump-ahead
 * (fast.c) that needs neither its loop nor its doubling.
 */
#include "ompkit/lcg.h"

/*
 * The same map by its closed form, a second method used to verify the
 * jump-ahead: f^n(x) = a^n*x + c*G with G = (a^n - 1)/(a - 1). The
 * division is exact over the integers but a - 1 has no inverse mod 2^64,
 * so write a - 1 = 2^t*u with u odd: a^n - 1 = G*2^t*u, hence
 * ((a^n - 1) mod 2^(64+t)) / 2^t = G*u mod 2^64, and G = that * u^-1.
 * a^n mod 2^(64+t) (t <= 63) is computed in 128-bit arithmetic: products
 * wrap mod 2^128, a multiple of 2^(64+t), so reducing afterwards is exact.
 * Requires a odd and a != 1 (true of every full-period multiplier).
 */
uint64_t ompk_lcg_closed_form(uint64_t x, uint64_t n, uint64_t a, uint64_t c)
{
	const unsigned t = (unsigned)__builtin_ctzll(a - 1);
	const unsigned __int128 mask = (((unsigned __int128)1) << (64 + t)) - 1;
	unsigned __int128 p = 1, b = a;
	uint64_t u = (a - 1) >> t, inv = u, g;

	for (uint64_t e = n; e; e >>= 1) {
		if (e & 1)
			p = (p * b) & mask;
		b = (b * b) & mask;
	}
	/* Newton's iteration for the inverse of odd u doubles the correct bits. */
	for (int i = 0; i < 6; i++)
		inv *= 2 - u * inv;
	g = (uint64_t)(((p - 1) & mask) >> t) * inv;
	return (uint64_t)p * x + c * g;
}
