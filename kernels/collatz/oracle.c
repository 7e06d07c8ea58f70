/*
 * oracle.c - Collatz step counts by a different route from the
 * kernel's plain loop, to verify it.
 *
 * Differences that make it an independent check: even runs are removed in
 * one shift by counting trailing zeros; an odd n goes straight to
 * (3n+1)/2, counted as two steps (3n+1 is even for odd n); trajectories
 * stop as soon as they fall below TABLE_N, where a table built bottom-up
 * from steps(1) = 0 gives the rest; values past 2^64 continue in 128-bit
 * arithmetic with their own overflow test.
 */
#include <errno.h>
#include <stdlib.h>

#include "ompkit/collatz.h"

#define TABLE_BITS 20
#define TABLE_N (UINT64_C(1) << TABLE_BITS)

static int steps_wide(unsigned __int128 n, const uint16_t *table, uint64_t *out)
{
	const unsigned __int128 limit = ~(unsigned __int128)0 / 3 - 1;
	uint64_t s = 0;

	while (n >= TABLE_N) {
		if (n & 1) {
			if (n > limit)
				return -EOVERFLOW;
			n = (3 * n + 1) >> 1;
			s += 2;
		} else {
			uint64_t lo = (uint64_t)n;
			int z = lo ? __builtin_ctzll(lo) : 64;

			n >>= z;
			s += (uint64_t)z;
		}
	}
	*out = s + table[(uint64_t)n];
	return 0;
}

static int steps_of(uint64_t n, const uint16_t *table, uint64_t *out)
{
	uint64_t s = 0;

	while (n >= TABLE_N) {
		if (n & 1) {
			/* (3n+1)/2 = n + (n+1)/2 fits in 64 bits while n < 2^64 * 2/3. */
			if (n > (UINT64_MAX / 3) * 2 - 1) {
				uint64_t rest = 0;
				int err = steps_wide(((unsigned __int128)3 * n + 1) >> 1, table,
						     &rest);

				*out = s + 2 + rest;
				return err;
			}
			n = n + (n >> 1) + 1;
			s += 2;
		} else {
			int z = __builtin_ctzll(n);

			n >>= z;
			s += (uint64_t)z;
		}
	}
	*out = s + table[n];
	return 0;
}

/* table[n] = steps(n) for 1 <= n < TABLE_N, each from smaller entries. */
static uint16_t *build_table(void)
{
	uint16_t *t = malloc(TABLE_N * sizeof(*t));

	if (!t)
		return NULL;
	t[0] = 0;
	t[1] = 0;
	for (uint64_t n = 2; n < TABLE_N; n++) {
		uint64_t m = n, s = 0;

		/* Every trajectory from n < 2^20 stays far below 2^64. */
		while (m >= n) {
			if (m & 1) {
				m = (3 * m + 1) >> 1;
				s += 2;
			} else {
				m >>= 1;
				s++;
			}
		}
		t[n] = (uint16_t)(s + t[m]);
	}
	return t;
}

int ompk_oracle_collatz(uint64_t from, uint64_t to, uint64_t *best_n, uint64_t *best_steps)
{
	uint16_t *table;
	uint64_t bn = 0, bs = 0;
	int err = 0;

	if (from == 0 || from >= to)
		return -EINVAL;
	table = build_table();
	if (!table)
		return -ENOMEM;
#pragma omp parallel default(none) shared(from, to, table, bn, bs, err)
	{
		uint64_t ln = 0, ls = 0;
		int lerr = 0;

#pragma omp for schedule(dynamic, 4096) nowait
		for (uint64_t n = from; n < to; n++) {
			uint64_t s;

			if (lerr || steps_of(n, table, &s) < 0) {
				lerr = -EOVERFLOW;
				continue;
			}
			if (ln == 0 || s > ls) {
				ln = n;
				ls = s;
			}
		}
#pragma omp critical(ompk_oracle_collatz)
		{
			if (lerr)
				err = lerr;
			else if (ln && (bn == 0 || ls > bs || (ls == bs && ln < bn))) {
				bn = ln;
				bs = ls;
			}
		}
	}
	free(table);
	if (err)
		return err;
	*best_n = bn;
	*best_steps = bs;
	return 0;
}

int ompk_oracle_collatz_points(const uint64_t *ns, size_t count, uint64_t *steps)
{
	uint16_t *table = build_table();
	int err = 0;

	if (!table)
		return -ENOMEM;
	for (size_t i = 0; i < count && !err; i++)
		err = ns[i] == 0 ? -EINVAL : steps_of(ns[i], table, &steps[i]);
	free(table);
	return err;
}
