/*
 * ref_sieve.h - the reference prime count the prime tests compare against:
 * a one-byte-per-number sieve of the interval, as plain as it can be, with
 * its base primes made once per suite (cmocka group setup). Shared by
 * test_primes.c and test_sieve.c so the two suites check against the same
 * independent count; static, so each suite has its own copy. Include it
 * after <cmocka.h> (it asserts).
 */
#ifndef OMPK_REF_SIEVE_H
#define OMPK_REF_SIEVE_H

#include <stdint.h>
#include <stdlib.h>

/* Base primes for the reference sieve: enough for intervals up to 2^50. */
#define REF_ROOT (UINT32_C(1) << 25)

static uint32_t *ref_primes;
static size_t ref_nprimes;

static int ref_sieve_setup(void **state)
{
	uint8_t *comp = calloc(REF_ROOT + 1, 1);

	(void)state;
	if (!comp)
		return -1;
	ref_primes = malloc(sizeof(*ref_primes) * (REF_ROOT / 8));
	if (!ref_primes) {
		free(comp);
		return -1;
	}
	for (uint64_t i = 2; i <= REF_ROOT; i++) {
		if (comp[i])
			continue;
		ref_primes[ref_nprimes++] = (uint32_t)i;
		for (uint64_t j = i * i; j <= REF_ROOT; j += i)
			comp[j] = 1;
	}
	free(comp);
	return 0;
}

static int ref_sieve_teardown(void **state)
{
	(void)state;
	free(ref_primes);
	return 0;
}

/* Primes in [a, b) by a one-byte-per-number sieve of the interval (b <= 2^50). */
static uint64_t ref_count(uint64_t a, uint64_t b)
{
	uint64_t n = 0;
	uint8_t *comp;

	if (b <= a)
		return 0;
	assert_true(b <= (UINT64_C(1) << 50));
	comp = calloc(b - a, 1);
	assert_non_null(comp);
	for (size_t i = 0; i < ref_nprimes; i++) {
		uint64_t p = ref_primes[i];
		if (p * p >= b)
			break;
		uint64_t m = (a + p - 1) / p * p;
		if (m < p * p)
			m = p * p;
		for (; m < b; m += p)
			comp[m - a] = 1;
	}
	for (uint64_t x = a; x < b; x++)
		n += x >= 2 && !comp[x - a];
	free(comp);
	return n;
}

#endif
