/*
 * oracle.c - the closed form that verifies checksum runs over uniform
 * input: the fold of n equal bytes in O(log n), with no loop over them.
 */
#include "ompkit/checksum.h"

/*
 * Folding n equal bytes b from acc = 0 gives b*(P^(n-1) + ... + P + 1).
 * G(n) = 1 + P + ... + P^(n-1) doubles as G(2m) = G(m)*(1 + P^m), so it
 * is built over the bits of n with no division (P-1 is even, so it has no
 * inverse mod 2^64).
 */
uint64_t ompk_oracle_fold_uniform(uint8_t b, uint64_t n)
{
	const uint64_t P = OMPK_FOLD_P;
	uint64_t g = 0, pw = 1;	 /* G and P^k for the bits taken so far */
	uint64_t gb = 1, pb = P; /* G(2^j) and P^(2^j) */

	while (n) {
		if (n & 1) {
			/* G(k + 2^j) = G(k) + P^k * G(2^j) */
			g += pw * gb;
			pw *= pb;
		}
		gb *= 1 + pb;
		pb *= pb;
		n >>= 1;
	}
	return (uint64_t)b * g;
}
