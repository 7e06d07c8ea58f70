/*
 * test_collatz.c - checks ompk_collatz_fast and ompk_collatz_steps
 * against independent, obviously correct methods.
 *
 * References: published records (OEIS A006877/A006878), a plain search
 * written here (one start after the other, one step after the other, in
 * 128 bits with an overflow check), and for trajectories that pass 2^64 a
 * step counter on numbers stored as arrays of 32-bit digits. Ranges are
 * drawn from a fixed-seed generator so a failure is reproducible; they sit
 * near powers of two (block and table edges), cover every residue mod
 * 18 * 2^k, have from > to/2, and reach up to 2^64 - 1.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ompkit/collatz.h"

/* the delay-record list behind the cut-off (private to kernels/collatz/) */
#include "../kernels/collatz/fast_int.h"
#include "test_rng.h"

typedef unsigned __int128 u128;

static uint64_t rng_state = UINT64_C(0x9e3779b97f4a7c15);

static uint64_t rng(void)
{
	return ompk_test_rng(&rng_state);
}

/* uniform enough in [0, n) for picking test cases; n > 0 */
static uint64_t rng_below(uint64_t n)
{
	return rng() % n;
}

/* steps(n) one step at a time; also reports whether a value passed 2^64 */
static uint64_t ref_steps(uint64_t n, int *above64)
{
	u128 v = n;
	uint64_t s = 0;

	while (v != 1) {
		if (v & 1) {
			assert_true(v <= (~(u128)0 - 1) / 3);
			v = 3 * v + 1;
		} else {
			v >>= 1;
		}
		if (above64 && (v >> 64))
			*above64 = 1;
		s++;
	}
	return s;
}

static void ref_best(uint64_t from, uint64_t to, uint64_t *bn, uint64_t *bs)
{
	*bn = 0;
	*bs = 0;
	for (uint64_t n = from; n < to; n++) {
		uint64_t s = ref_steps(n, NULL);

		if (n == from || s > *bs) {
			*bs = s;
			*bn = n;
		}
	}
}

static void check_range(uint64_t from, uint64_t to, int threads)
{
	uint64_t n = 0, s = 0, rn, rs;
	int err = ompk_collatz_fast(from, to, threads, NULL, &n, &s);

	ref_best(from, to, &rn, &rs);
	if (err || n != rn || s != rs)
		print_error("range [%llu, %llu) threads %d: got err %d n %llu s %llu, want n %llu "
			    "s %llu\n",
			    (unsigned long long)from, (unsigned long long)to, threads, err,
			    (unsigned long long)n, (unsigned long long)s, (unsigned long long)rn,
			    (unsigned long long)rs);
	assert_int_equal(err, 0);
	assert_true(n == rn);
	assert_true(s == rs);
}

/* --- a small big-number step counter: little-endian 32-bit digits --- */

#define BIG_DIGITS 8 /* 256 bits: far more than any 64-bit start needs */

struct big {
	uint32_t d[BIG_DIGITS];
};

static int big_is_one(const struct big *x)
{
	if (x->d[0] != 1)
		return 0;
	for (int i = 1; i < BIG_DIGITS; i++)
		if (x->d[i])
			return 0;
	return 1;
}

static void big_half(struct big *x)
{
	for (int i = 0; i < BIG_DIGITS; i++) {
		uint32_t hi = i + 1 < BIG_DIGITS ? x->d[i + 1] : 0;

		x->d[i] = (x->d[i] >> 1) | (hi << 31);
	}
}

static void big_3x1(struct big *x)
{
	uint64_t carry = 1;

	for (int i = 0; i < BIG_DIGITS; i++) {
		uint64_t t = 3 * (uint64_t)x->d[i] + carry;

		x->d[i] = (uint32_t)t;
		carry = t >> 32;
	}
	assert_true(carry == 0);
}

/* steps(n) and the number of 32-bit digits of the largest value seen */
static uint64_t big_steps(uint64_t n, int *max_digits)
{
	struct big x = { { (uint32_t)n, (uint32_t)(n >> 32) } };
	uint64_t s = 0;

	*max_digits = 0;
	while (!big_is_one(&x)) {
		if (x.d[0] & 1)
			big_3x1(&x);
		else
			big_half(&x);
		for (int i = BIG_DIGITS - 1; i >= 0; i--)
			if (x.d[i]) {
				if (i + 1 > *max_digits)
					*max_digits = i + 1;
				break;
			}
		s++;
	}
	return s;
}

/* --- the tests --- */

static void test_records(void **state)
{
	static const struct {
		uint64_t to, n, steps;
	} rec[] = {
		{ 2, 1, 0 },
		{ 3, 2, 1 },
		{ 10, 9, 19 },
		{ 100, 97, 118 },
		{ 1000, 871, 178 },
		{ 100000, 77031, 350 },
		{ 1000000, 837799, 524 },
		{ 10000000, 8400511, 685 },
		{ 100000000, 63728127, 949 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rec) / sizeof(rec[0]); i++) {
		uint64_t n = 0, s = 0;

		assert_int_equal(ompk_collatz_fast(1, rec[i].to, 2, NULL, &n, &s), 0);
		assert_true(n == rec[i].n);
		assert_true(s == rec[i].steps);
	}
}

/*
 * The record list of the cut-off (bounds.c) against a record search done
 * here below 2^20, its counts strictly increasing, and its last terms
 * against the published records below 10^9 ... 10^12 (A284668).
 */
static void test_record_list(void **state)
{
	static const struct {
		uint64_t n, steps;
	} pub[] = {
		{ 670617279, 986 },
		{ UINT64_C(9780657630), 1132 },
		{ UINT64_C(75128138247), 1228 },
		{ UINT64_C(989345275647), 1348 },
	};
	size_t count, i = 0, found = 0;
	uint64_t upto, best = 0, prev = 0;
	const uint64_t *rec = ompk_collatz_records(&count, &upto);

	(void)state;
	assert_true(upto == UINT64_C(1000000000000));
	for (uint64_t n = 1; n < (UINT64_C(1) << 20); n++) {
		uint64_t s = ref_steps(n, NULL);

		if (n == 1 || s > best) {
			assert_true(i < count);
			assert_true(rec[i] == n);
			i++;
			best = s;
		}
	}
	assert_true(i < count && rec[i] >= (UINT64_C(1) << 20));
	for (i = 0; i < count; i++) {
		uint64_t s;

		assert_int_equal(ompk_collatz_steps(rec[i], &s), 0);
		assert_true(i == 0 || (rec[i] > rec[i - 1] && s > prev));
		assert_true(rec[i] <= upto);
		prev = s;
		for (size_t j = 0; j < sizeof(pub) / sizeof(pub[0]); j++)
			found += rec[i] == pub[j].n && s == pub[j].steps;
	}
	assert_true(found == sizeof(pub) / sizeof(pub[0]));
}

/*
 * The bound table (bounds.c): below 2^20 each bucket's entry is exactly
 * the largest count below the bucket's end (a plain running maximum), and
 * above it at least the count of random values in the bucket, up to the
 * end of the record list; beyond it, no bound.
 */
static void test_bound_table(void **state)
{
	static struct tabs t;
	uint64_t run = 0, n = 1;

	(void)state;
	assert_int_equal(ompk_collatz_bounds(&t), 0);
	for (unsigned bl = BSHIFT + 1; bl <= 20; bl++) {
		for (unsigned q = 0; q < BSUB; q++) {
			uint64_t end = (UINT64_C(1) * BSUB + q + 1) << (bl - BSHIFT - 1);

			for (; n < end; n++) {
				uint64_t s = ref_steps(n, NULL);

				run = s > run ? s : run;
			}
			assert_true(t.bound[BSUB * bl + q] == run);
		}
	}
	for (unsigned bl = 21; bl <= 64; bl++) {
		for (unsigned q = 0; q < BSUB; q++) {
			uint64_t start = (UINT64_C(1) * BSUB + q) << (bl - BSHIFT - 1);
			uint64_t len = UINT64_C(1) << (bl - BSHIFT - 1);
			u128 end = (u128)start + len;

			if (end - 1 > UINT64_C(1000000000000)) {
				assert_true(t.bound[BSUB * bl + q] == NO_BOUND);
				continue;
			}
			for (int i = 0; i < 4; i++) {
				uint64_t v = start + (i == 0 ? len - 1 : rng_below(len));

				assert_true(ref_steps(v, NULL) <= t.bound[BSUB * bl + q]);
			}
		}
	}
}

/*
 * The step table the walks end in (tables.c), every entry of a 2^20 table against the plain
 * count: searches build one above 2^16 only for wide ranges, and a wrong entry there shows
 * only where a winner's walk happens to end on it.
 */
static void test_step_table(void **state)
{
	static struct tabs t;

	(void)state;
	t.k = 3;
	t.l = 20;
	assert_int_equal(ompk_collatz_tables(&t, 2), 0);
	for (uint64_t n = 1; n < (UINT64_C(1) << t.l); n++)
		if (t.st[n] != ref_steps(n, NULL))
			fail_msg("st[%llu] = %u, steps %llu", (unsigned long long)n, t.st[n],
				 (unsigned long long)ref_steps(n, NULL));
	ompk_collatz_tables_free(&t);
}

/*
 * The cut-off at its edges: ranges that end just before, at and after a
 * record (the answer changes there), ranges at the bucket boundaries of the
 * bound table (1/32 of an octave), around the end of the record list
 * (10^12), and ranges with many ties. Each against the plain search.
 */
static void test_cutoff_edges(void **state)
{
	static const uint64_t recs[] = { 77031, 106239, 142587, 230631, 410011, 837799, 1117065 };
	size_t count;
	uint64_t upto;

	(void)state;
	(void)ompk_collatz_records(&count, &upto);
	for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		uint64_t r = recs[i];

		check_range(r / 2, r, 1 + i % 3);
		check_range(r / 2, r + 1, 2);
		check_range(r - 5000, r + 3, 1 + i % 2);
		check_range(r, r + 1, 1);
		check_range(r + 1, r + 40000, 2);
	}
	for (unsigned bl = 18; bl <= 44; bl += 2) {
		uint64_t q = rng_below(32), edge = (UINT64_C(32) + q) << (bl - 6);

		check_range(edge - 3000, edge + 3000, 1 + bl % 3);
		check_range(edge, edge + 5000, 2);
	}
	check_range(upto - 20000, upto + 20000, 2);
	check_range(upto, upto + 20000, 3);
	check_range(upto + 1, upto + 30000, 1);
	/* short ranges where neighbours often tie: the smaller must win */
	for (int i = 0; i < 30; i++) {
		uint64_t from = 1 + rng_below(UINT64_C(1) << (20 + i));

		check_range(from, from + 2 + rng_below(64), 1 + i % 2);
	}
}

static void test_steps_small(void **state)
{
	uint64_t s = 0;

	(void)state;
	assert_int_equal(ompk_collatz_steps(1, &s), 0);
	assert_true(s == 0);
	assert_int_equal(ompk_collatz_steps(27, &s), 0);
	assert_true(s == 111);
	for (uint64_t n = 1; n < 20000; n++) {
		assert_int_equal(ompk_collatz_steps(n, &s), 0);
		assert_true(s == ref_steps(n, NULL));
	}
}

/* Every start of small full ranges, all residues and all thread counts. */
static void test_small_full(void **state)
{
	(void)state;
	for (uint64_t to = 2; to < 300; to++)
		check_range(1, to, 1 + (int)(to % 4));
	for (uint64_t from = 1; from < 300; from++)
		check_range(from, from + 1 + from % 37, 1 + (int)(from % 4));
}

/* Tiny ranges (length 1..10) around powers of two and their multiples. */
static void test_near_powers(void **state)
{
	(void)state;
	for (unsigned p = 2; p < 63; p++) {
		for (uint64_t mul = 1; mul <= 3; mul++) {
			uint64_t c = mul << p;

			for (int j = 0; j < 6; j++) {
				uint64_t from = c - rng_below(12 < c ? 12 : c - 1);
				uint64_t len = 1 + rng_below(10);

				if (from == 0)
					from = 1;
				check_range(from, from + len, 1 + j % 4);
			}
		}
	}
}

/* Random ranges of many sizes; from lands in every residue mod 18 * 2^10. */
static void test_random_ranges(void **state)
{
	(void)state;
	for (int i = 0; i < 2000; i++) {
		uint64_t top = UINT64_C(1) << (4 + rng_below(28));
		uint64_t from = 1 + rng_below(top);
		uint64_t len = 1 + rng_below(i % 3 == 0 ? 10 : i % 3 == 1 ? 300 : 3000);

		if (i % 5 == 0) /* step through the residues explicitly */
			from = (from / (18 << 10)) * (18 << 10) + (uint64_t)i % (18 << 10) + 1;
		check_range(from, from + len, 1 + i % 4);
	}
}

/* Ranges long enough for bigger tables, including from > to/2 and from > to/3. */
static void test_medium_ranges(void **state)
{
	(void)state;
	for (int i = 0; i < 40; i++) {
		uint64_t to = 1000 + rng_below(600000);
		uint64_t from;

		switch (i % 4) {
		case 0:
			from = 1 + rng_below(to / 2);
			break;
		case 1:
			from = to / 2 + rng_below(to / 2);
			break;
		case 2:
			from = to / 3 + rng_below(to / 6);
			break;
		default:
			from = 1 + rng_below(100);
			break;
		}
		check_range(from, to, 1 + i % 4);
	}
	for (int i = 0; i < 8; i++) {
		uint64_t from = (UINT64_C(1) << (30 + 3 * i)) + rng_below(1000);

		check_range(from, from + 20000 + rng_below(20000), 1 + i % 4);
	}
}

static void test_threads_agree(void **state)
{
	static const uint64_t r[][2] = {
		{ 1, 3000000 },
		{ 123457, 2000003 },
		{ 1999999, 2000000 * 2 + 5 },
		{ UINT64_C(1000000000000), UINT64_C(1000000000000) + 2000000 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		uint64_t n1 = 0, s1 = 0;

		assert_int_equal(ompk_collatz_fast(r[i][0], r[i][1], 1, NULL, &n1, &s1), 0);
		for (int th = 2; th <= 4; th++) {
			uint64_t n = 0, s = 0;

			assert_int_equal(ompk_collatz_fast(r[i][0], r[i][1], th, NULL, &n, &s), 0);
			assert_true(n == n1);
			assert_true(s == s1);
		}
		/* one independent check of the agreed answer */
		assert_true(s1 == ref_steps(n1, NULL));
	}
}

/* Starts whose trajectories pass 2^64, counted with big numbers. */
static void test_beyond_64(void **state)
{
	static const uint64_t starts[] = {
		UINT64_C(1980976057694848447), /* first path record above 2^64 */
		UINT64_MAX - 2,
		UINT64_MAX - 1,
		UINT64_C(0xfffffffffffffff1),
	};
	(void)state;
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		uint64_t n = starts[i], s = 0, fn = 0, fs = 0;
		int digits;
		uint64_t bs = big_steps(n, &digits);

		assert_true(digits > 2); /* the test is only meaningful past 2^64 */
		assert_int_equal(ompk_collatz_steps(n, &s), 0);
		assert_true(s == bs);
		assert_int_equal(ompk_collatz_fast(n, n + 1, 2, NULL, &fn, &fs), 0);
		assert_true(fn == n);
		assert_true(fs == bs);
	}
	/* ranges at the very top, against the 128-bit plain search */
	check_range(UINT64_MAX - 64, UINT64_MAX, 2);
	check_range(UINT64_MAX - 1000, UINT64_MAX - 900, 3);
	check_range(UINT64_C(1980976057694848447) - 300, UINT64_C(1980976057694848447) + 300, 4);
	{
		int above = 0;

		ref_steps(UINT64_C(1980976057694848447), &above);
		assert_true(above);
	}
}

struct prog_log {
	int calls;
	uint64_t last_done, total;
	int monotone;
};

static void prog_fn(void *ctx, uint64_t done, uint64_t total)
{
	struct prog_log *p = ctx;

	if (done < p->last_done || done > total)
		p->monotone = 0;
	p->last_done = done;
	p->total = total;
	p->calls++;
}

static void test_progress(void **state)
{
	struct prog_log log = { 0, 0, 0, 1 };
	struct ompk_progress prog = { prog_fn, &log };
	uint64_t n = 0, s = 0;

	(void)state;
	assert_int_equal(ompk_collatz_fast(1, 20000000, 2, &prog, &n, &s), 0);
	assert_true(log.calls >= 1);
	assert_true(log.monotone);
	assert_true(log.last_done == log.total);
	assert_true(n == 15733191);
	assert_true(s == 704);
}

static void test_einval(void **state)
{
	uint64_t n, s;

	(void)state;
	assert_int_equal(ompk_collatz_fast(0, 10, 1, NULL, &n, &s), -EINVAL);
	assert_int_equal(ompk_collatz_fast(10, 10, 1, NULL, &n, &s), -EINVAL);
	assert_int_equal(ompk_collatz_fast(11, 10, 1, NULL, &n, &s), -EINVAL);
	assert_int_equal(ompk_collatz_fast(1, 10, 0, NULL, &n, &s), -EINVAL);
	assert_int_equal(ompk_collatz_fast(1, 10, -3, NULL, &n, &s), -EINVAL);
	assert_int_equal(ompk_collatz_fast(1, 10, 1, NULL, NULL, &s), -EINVAL);
	assert_int_equal(ompk_collatz_fast(1, 10, 1, NULL, &n, NULL), -EINVAL);
	assert_int_equal(ompk_collatz_steps(0, &s), -EINVAL);
	assert_int_equal(ompk_collatz_steps(5, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_einval),	      cmocka_unit_test(test_steps_small),
		cmocka_unit_test(test_records),	      cmocka_unit_test(test_small_full),
		cmocka_unit_test(test_near_powers),   cmocka_unit_test(test_random_ranges),
		cmocka_unit_test(test_medium_ranges), cmocka_unit_test(test_threads_agree),
		cmocka_unit_test(test_beyond_64),     cmocka_unit_test(test_progress),
		cmocka_unit_test(test_record_list),   cmocka_unit_test(test_cutoff_edges),
		cmocka_unit_test(test_bound_table),   cmocka_unit_test(test_step_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
