/*
 * test_rng.h - the one pseudo-random sequence the suites draw test inputs
 * from: splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom
 * number generators", OOPSLA 2014). A fixed seed gives the same inputs on
 * every run, so a failure reproduces; each suite keeps its own state.
 */
#ifndef OMPK_TEST_RNG_H
#define OMPK_TEST_RNG_H

#include <stdint.h>

static inline uint64_t ompk_test_rng(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

#endif
