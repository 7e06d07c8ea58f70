/*
 * test_report.c - the one measurement and output core: ompk_summarise's
 * median, minimum, maximum and median run against values worked out by
 * hand; the emitter's three spellings of the same calls (aligned text,
 * JSON with exact u64, RFC 4180 CSV); -q's one field per line; the
 * timing keys every tool shares, with known times (an odd and an even
 * count); the one comparison of results, down to a single high byte;
 * the OpenMP team started before any clock, bounded in time.
 */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ompkit/driver.h"
#include "ompkit/emit.h"
#include "ompkit/report.h"
#include "ompkit/stats.h"
#include "ompkit/team.h"

static void summary_is(const double *t, size_t n, double median, double min, double max, size_t run)
{
	struct ompk_summary s;

	assert_int_equal(ompk_summarise(t, n, &s), 0);
	assert_int_equal(s.n, n);
	if (s.median != median || s.min != min || s.max != max || s.median_run != run)
		fail_msg("n=%zu: median %g min %g max %g run %zu; wanted %g %g %g %zu", n, s.median,
			 s.min, s.max, s.median_run, median, min, max, run);
	assert_true(ompk_median(t, n) == median);
}

static void test_summary(void **state)
{
	const double one[] = { 0.5 };
	const double two[] = { 3.0, 1.0 };
	const double three[] = { 5.0, 1.0, 3.0 };
	const double four[] = { 4.0, 1.0, 3.0, 2.0 };
	const double ties[] = { 2.0, 2.0, 2.0, 2.0 };
	const double five[] = { 9.0, 0.25, 7.0, 0.25, 1.0 };
	struct ompk_summary s;

	(void)state;
	summary_is(one, 1, 0.5, 0.5, 0.5, 0);
	/* An even count: the mean of the two middle ones; the run is the faster of them. */
	summary_is(two, 2, 2.0, 1.0, 3.0, 1);
	summary_is(three, 3, 3.0, 1.0, 5.0, 2);
	summary_is(four, 4, 2.5, 1.0, 4.0, 3);
	summary_is(ties, 4, 2.0, 2.0, 2.0, 1);
	summary_is(five, 5, 1.0, 0.25, 9.0, 4);
	assert_int_equal(ompk_summarise(one, 0, &s), -EINVAL);
	assert_true(ompk_median(one, 0) == 0);
	/* The input is not reordered. */
	assert_true(four[0] == 4.0 && four[3] == 2.0);
}

static void test_clock(void **state)
{
	double a = ompk_now(), b = ompk_now();
	uint64_t x = ompk_now_ns(), y = ompk_now_ns();

	(void)state;
	assert_true(b >= a);
	assert_true(y >= x);
	/* The two clocks are the same clock: seconds and nanoseconds agree. */
	assert_true(fabs((double)x * 1e-9 - a) < 1.0);
}

/*
 * ompk_team_start gives the team asked for, whether or not its threads can
 * spread over CPUs of their own; confined to one CPU they cannot, and it
 * must not wait for them (its wait is bounded at 0.1 s in any case; 5 s here
 * is a generous structural bound).
 */
static void test_team_start(void **state)
{
	cpu_set_t all, one;
	double t0;

	(void)state;
	for (int n = 1; n <= 5; n++)
		assert_int_equal(ompk_team_start(n), n);
	assert_int_equal(sched_getaffinity(0, sizeof(all), &all), 0);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	t0 = ompk_now();
	/* a new team's threads inherit the one-CPU mask */
	assert_int_equal(ompk_team_start(7), 7);
	assert_true(ompk_now() - t0 < 5.0);
	assert_int_equal(sched_setaffinity(0, sizeof(all), &all), 0);
}

/* The same calls in one format; the output in a malloc'd string. */
static char *emit_sample(enum ompk_format fmt)
{
	static const uint64_t u[] = { 0, UINT64_MAX };
	static const double d[] = { 0.5, 1e-9 };
	static const int ints[] = { -1, 3 };
	struct ompk_emit e;
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(ompk_emit_begin(&e, f, fmt), 0);
	ompk_emit_str(&e, "tool", "t");
	ompk_emit_str(&e, "source", "data,1 \"q\"");
	ompk_emit_u64(&e, "big", UINT64_MAX);
	ompk_emit_int(&e, "neg", -7);
	ompk_emit_num(&e, "x", 0.25);
	ompk_emit_num(&e, "nan", NAN);
	ompk_emit_bool(&e, "yes", 1);
	ompk_emit_bool(&e, "no", 0);
	ompk_emit_bool(&e, "unknown", -1);
	ompk_emit_str(&e, "none", NULL);
	ompk_emit_object(&e, "params", OMPK_EMIT_FLAT);
	ompk_emit_u64(&e, "n", 3);
	ompk_emit_object_end(&e);
	ompk_emit_object(&e, "build", 0);
	ompk_emit_str(&e, "compiler", "gcc");
	ompk_emit_object_end(&e);
	ompk_emit_u64s(&e, "u", u, 2);
	ompk_emit_nums(&e, "d", d, 2);
	ompk_emit_ints(&e, "i", ints, 2);
	ompk_emit_u64s(&e, "empty", u, 0);
	ompk_emit_only(&e, OMPK_IN_TEXT);
	ompk_emit_str(&e, "textonly", "a");
	ompk_emit_only(&e, OMPK_IN_DATA);
	ompk_emit_str(&e, "dataonly", "b\nc");
	ompk_emit_only(&e, OMPK_IN_ALL);
	ompk_emit_textf(&e, "line", "%d items", 2);
	assert_int_equal(ompk_emit_end(&e), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* The sample as the emitter writes it in fmt is exactly want. */
static void emit_is(enum ompk_format fmt, const char *want)
{
	char *out = emit_sample(fmt);

	assert_string_equal(out, want);
	free(out);
}

static void test_emit_json(void **state)
{
	char *out = emit_sample(OMPK_JSON);

	(void)state;
	assert_string_equal(out, "{\"tool\":\"t\",\"source\":\"data,1 \\\"q\\\"\","
				 "\"big\":18446744073709551615,\"neg\":-7,\"x\":0.25,\"nan\":null,"
				 "\"yes\":true,\"no\":false,\"unknown\":null,\"none\":null,"
				 "\"params\":{\"n\":3},\"build\":{\"compiler\":\"gcc\"},"
				 "\"u\":[0,18446744073709551615],\"d\":[0.5,1e-09],\"i\":[-1,3],"
				 "\"empty\":[],\"dataonly\":\"b\\u000ac\"}\n");
	free(out);
	/* A backslash (a Windows-style path) is escaped as well as a quote. */
	{
		char *buf = NULL;
		size_t len;
		FILE *f = open_memstream(&buf, &len);

		assert_non_null(f);
		ompk_json_string(f, "C:\\x\"y");
		assert_int_equal(fclose(f), 0);
		assert_string_equal(buf, "\"C:\\\\x\\\"y\"");
		free(buf);
	}
}

static void test_emit_csv(void **state)
{
	(void)state;
	/* Quoted where a field holds a comma, a quote or a line break, quotes doubled. */
	emit_is(OMPK_CSV, "tool,source,big,neg,x,nan,yes,no,unknown,none,n,build.compiler,"
			  "u,d,i,empty,dataonly\n"
			  "t,\"data,1 \"\"q\"\"\",18446744073709551615,-7,0.25,,yes,no,,,3,"
			  "gcc,0 18446744073709551615,0.5 1e-09,-1 3,,\"b\nc\"\n");
}

static void test_emit_text(void **state)
{
	(void)state;
	emit_is(OMPK_TEXT, "tool       = t\n"
			   "source     = data,1 \"q\"\n"
			   "big        = 18446744073709551615\n"
			   "neg        = -7\n"
			   "x          = 0.25\n"
			   "nan        = none\n"
			   "yes        = yes\n"
			   "no         = no\n"
			   "unknown    = not checked\n"
			   "none       = none\n"
			   "n          = 3\n"
			   "build.compiler = gcc\n"
			   "u          = 0 18446744073709551615\n"
			   "d          = 0.5 1e-09\n"
			   "i          = -1 3\n"
			   "empty      = \n"
			   "textonly   = a\n"
			   "line       = 2 items\n");
}

/* -q: each field on its own line, an array's values on one line. */
static void test_bare(void **state)
{
	struct ompk_result r = { 0 };
	uint64_t *v;
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(ompk_result_scalar(&r, "count", 25), 0);
	assert_int_equal(ompk_result_add(&r, "per_job", true, 3, &v), 0);
	v[0] = 1, v[1] = 2, v[2] = UINT64_MAX;
	assert_int_equal(ompk_result_add(&r, "none", true, 0, &v), 0);
	ompk_result_print_bare(f, &r);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, "25\n1 2 18446744073709551615\n\n");
	free(buf);
	ompk_result_free(&r);
}

/* A result of up to three fields; a field with n 1 and array false is a scalar. */
struct result_spec {
	const char *name[3];
	size_t n[3];
	uint64_t v[3][3];
};

static void build_result(const struct result_spec *spec, struct ompk_result *r)
{
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < 3 && spec->name[i]; i++) {
		uint64_t *v;

		assert_int_equal(ompk_result_add(r, spec->name[i], spec->n[i] != 1, spec->n[i], &v),
				 0);
		memcpy(v, spec->v[i], spec->n[i] * sizeof(*v));
	}
}

/*
 * The one comparison of results (measured vs expected, repeat vs repeat):
 * equal only when every name, length and whole 64-bit value agrees; a
 * difference in any byte of any value, the last value of an array or the
 * count of fields is a mismatch.
 */
static void test_result_equal(void **state)
{
	static const struct result_spec base = {
		{ "n", "finals" }, { 1, 3 }, { { 77031 }, { 1, 2, UINT64_C(0x0123456789abcdef) } }
	};
	static const struct {
		struct result_spec other;
		bool equal;
	} cases[] = {
		{ { { "n", "finals" },
		    { 1, 3 },
		    { { 77031 }, { 1, 2, UINT64_C(0x0123456789abcdef) } } },
		  true },
		/* only a high byte differs */
		{ { { "n", "finals" },
		    { 1, 3 },
		    { { 77031 | UINT64_C(1) << 56 }, { 1, 2, UINT64_C(0x0123456789abcdef) } } },
		  false },
		{ { { "n", "finals" },
		    { 1, 3 },
		    { { 77031 }, { 1, 2, UINT64_C(0xff23456789abcdef) } } },
		  false },
		{ { { "n", "finals" },
		    { 1, 3 },
		    { { 77031 }, { 1, 2, UINT64_C(0x0123456789abcd00) } } },
		  false },
		{ { { "n", "finals" },
		    { 1, 3 },
		    { { 77031 }, { 1, 2 | 1u << 8, 0x0123456789abcdef } } },
		  false },
		/* the same values under another name, fewer values, fewer fields */
		{ { { "m", "finals" },
		    { 1, 3 },
		    { { 77031 }, { 1, 2, UINT64_C(0x0123456789abcdef) } } },
		  false },
		{ { { "n", "finals" }, { 1, 2 }, { { 77031 }, { 1, 2 } } }, false },
		{ { { "n" }, { 1 }, { { 77031 } } }, false },
	};
	struct ompk_result a, b;

	(void)state;
	build_result(&base, &a);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		build_result(&cases[i].other, &b);
		if (ompk_result_equal(&a, &b) != cases[i].equal ||
		    ompk_result_equal(&b, &a) != cases[i].equal)
			fail_msg("case %zu: equal is %d, wanted %d", i, !cases[i].equal,
				 cases[i].equal);
		ompk_result_free(&b);
	}
	ompk_result_free(&a);
}

/* The shared timing keys in one format, from timings summarised by ompk_summarise. */
static char *emit_timing(enum ompk_format fmt, const double *t, size_t n, double work)
{
	struct ompk_summary s;
	struct ompk_emit e;
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(ompk_summarise(t, n, &s), 0);
	assert_int_equal(ompk_emit_begin(&e, f, fmt), 0);
	ompk_emit_times(&e, t, &s, 1);
	ompk_emit_rate(&e, work / s.median, "bytes");
	assert_int_equal(ompk_emit_end(&e), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/*
 * Every tool's `time` and `rate`: the median (the mean of the two middle
 * values for an even count), min, max and work / median, the same values
 * in all three formats.
 */
static void test_emit_timings(void **state)
{
	static const double odd[] = { 0.5, 0.125, 0.25 }, even[] = { 0.75, 0.25, 1.0, 0.5 };
	static const struct {
		const double *t;
		size_t n;
		enum ompk_format fmt;
		const char *want;
	} cases[] = {
		{ odd, 3, OMPK_TEXT,
		  "time       = 0.250000 s median, 0.125000 min, 0.500000 max, 3 repeats "
		  "(+1 warm-up)\nrate       = 8000 bytes/s\n" },
		{ odd, 3, OMPK_JSON,
		  "{\"repeats\":3,\"warmup\":1,\"times_s\":[0.5,0.125,0.25],\"median_s\":0.25,"
		  "\"min_s\":0.125,\"max_s\":0.5,\"rate\":8000,\"rate_unit\":\"bytes/s\"}\n" },
		{ odd, 3, OMPK_CSV,
		  "repeats,warmup,times_s,median_s,min_s,max_s,rate,rate_unit\n"
		  "3,1,0.5 0.125 0.25,0.25,0.125,0.5,8000,bytes/s\n" },
		{ even, 4, OMPK_TEXT,
		  "time       = 0.625000 s median, 0.250000 min, 1.000000 max, 4 repeats "
		  "(+1 warm-up)\nrate       = 3200 bytes/s\n" },
		{ even, 4, OMPK_JSON,
		  "{\"repeats\":4,\"warmup\":1,\"times_s\":[0.75,0.25,1,0.5],\"median_s\":0.625,"
		  "\"min_s\":0.25,\"max_s\":1,\"rate\":3200,\"rate_unit\":\"bytes/s\"}\n" },
		{ even, 4, OMPK_CSV,
		  "repeats,warmup,times_s,median_s,min_s,max_s,rate,rate_unit\n"
		  "4,1,0.75 0.25 1 0.5,0.625,0.25,1,3200,bytes/s\n" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = emit_timing(cases[i].fmt, cases[i].t, cases[i].n, 2000);

		assert_string_equal(out, cases[i].want);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary),	     cmocka_unit_test(test_clock),
		cmocka_unit_test(test_team_start),   cmocka_unit_test(test_emit_json),
		cmocka_unit_test(test_emit_csv),     cmocka_unit_test(test_emit_text),
		cmocka_unit_test(test_bare),	     cmocka_unit_test(test_result_equal),
		cmocka_unit_test(test_emit_timings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
