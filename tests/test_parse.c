/*
 * test_parse.c - the number parser: every accepted form gives the exact
 * value, every rejected form gives its own reason, nothing is rounded or
 * wrapped. Also the schedule parser.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <omp.h>

#include "ompkit/parse.h"
#include "ompkit/sched.h"

static void parses_to(const char *s, uint64_t want)
{
	uint64_t v = 12345;

	if (ompk_parse_u64(s, &v) != OMPK_PARSE_OK || v != want)
		fail_msg("'%s': wanted %llu, got error %d value %llu", s, (unsigned long long)want,
			 ompk_parse_u64(s, &v), (unsigned long long)v);
}

static void fails_with(const char *s, enum ompk_parse_err want)
{
	uint64_t v = 777;

	assert_int_equal(ompk_parse_u64(s, &v), want);
	assert_int_equal(v, 777); /* untouched on error */
}

static void test_plain_integers(void **state)
{
	(void)state;
	parses_to("0", 0);
	parses_to("7", 7);
	parses_to("50000", 50000);
	parses_to("007", 7);
	parses_to("18446744073709551615", UINT64_MAX);
	parses_to("00000000000000000000000018446744073709551615", UINT64_MAX);
}

static void test_separators(void **state)
{
	(void)state;
	parses_to("1_000_000", 1000000);
	parses_to("50_000", 50000);
	parses_to("1_0", 10);
	fails_with("_1", OMPK_PARSE_SYNTAX);
	fails_with("1_", OMPK_PARSE_SYNTAX);
	fails_with("1__0", OMPK_PARSE_SYNTAX);
	fails_with("1_e3", OMPK_PARSE_SYNTAX);
}

static void test_scientific(void **state)
{
	(void)state;
	parses_to("1e9", 1000000000);
	parses_to("2e6", 2000000);
	parses_to("2.5e6", 2500000);
	parses_to("1E3", 1000);
	parses_to("1e+3", 1000);
	parses_to("1.000e3", 1000);
	parses_to("0.05e3", 50);
	parses_to("2500e-2", 25);
	parses_to("1e19", UINT64_C(10000000000000000000));
	parses_to("1.8446744073709551615e19", UINT64_MAX);
	parses_to("0e999999", 0);
	parses_to("0.0", 0);
	parses_to("5.0", 5);
	parses_to("1_000.5e1", 10005);
}

static void test_rejections(void **state)
{
	(void)state;
	fails_with("", OMPK_PARSE_EMPTY);
	fails_with("-1", OMPK_PARSE_NEGATIVE);
	fails_with("-0", OMPK_PARSE_NEGATIVE);
	fails_with("-", OMPK_PARSE_SYNTAX);
	fails_with("+1", OMPK_PARSE_SYNTAX);
	fails_with("abc", OMPK_PARSE_SYNTAX);
	fails_with("12abc", OMPK_PARSE_SYNTAX);
	fails_with("1e", OMPK_PARSE_SYNTAX);
	fails_with("e5", OMPK_PARSE_SYNTAX);
	fails_with(".5", OMPK_PARSE_SYNTAX);
	fails_with("5.", OMPK_PARSE_SYNTAX);
	fails_with(" 5", OMPK_PARSE_SYNTAX);
	fails_with("5 ", OMPK_PARSE_SYNTAX);
	fails_with("0x10", OMPK_PARSE_SYNTAX);
	fails_with("2.5", OMPK_PARSE_FRACTION);
	fails_with("1e-1", OMPK_PARSE_FRACTION);
	fails_with("2.55e1", OMPK_PARSE_FRACTION);
	fails_with("18446744073709551616", OMPK_PARSE_RANGE);
	fails_with("1e20", OMPK_PARSE_RANGE);
	fails_with("1.8446744073709551616e19", OMPK_PARSE_RANGE);
	fails_with("99999999999999999999999", OMPK_PARSE_RANGE);
	fails_with("1e999999999999", OMPK_PARSE_RANGE);
}

/* Every u64 written in decimal parses back to itself (a second route). */
static void test_round_trip(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15u;
	char buf[32];

	(void)state;
	for (int i = 0; i < 100000; i++) {
		uint64_t v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = x >> (x % 64);
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
		parses_to(buf, v);
	}
}

static void test_schedules(void **state)
{
	struct ompk_sched s;
	char buf[32];

	(void)state;
	assert_int_equal(ompk_sched_parse("static", &s), 0);
	assert_int_equal(s.kind, omp_sched_static);
	assert_int_equal(s.chunk, 0);
	assert_int_equal(ompk_sched_parse("dynamic,64", &s), 0);
	assert_int_equal(s.kind, omp_sched_dynamic);
	assert_int_equal(s.chunk, 64);
	assert_int_equal(ompk_sched_parse("guided,1e3", &s), 0);
	assert_int_equal(s.chunk, 1000);
	assert_int_equal(ompk_sched_parse("auto", &s), 0);
	assert_int_equal(ompk_sched_parse("dynamic,0", &s), -EINVAL);
	assert_int_equal(ompk_sched_parse("dynamic,", &s), -EINVAL);
	assert_int_equal(ompk_sched_parse("dyn", &s), -EINVAL);
	assert_int_equal(ompk_sched_parse("staticx", &s), -EINVAL);
	assert_int_equal(ompk_sched_parse("", &s), -EINVAL);

	/* What is applied is what is reported. */
	assert_int_equal(ompk_sched_parse("guided,7", &s), 0);
	ompk_sched_apply(&s);
	ompk_sched_current(buf, sizeof(buf));
	assert_string_equal(buf, "guided,7");
	assert_int_equal(ompk_sched_parse("static", &s), 0);
	ompk_sched_apply(&s);
	ompk_sched_current(buf, sizeof(buf));
	assert_string_equal(buf, "static");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_integers), cmocka_unit_test(test_separators),
		cmocka_unit_test(test_scientific),     cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_round_trip),     cmocka_unit_test(test_schedules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
