/*
 * test_report.c - the one measurement and output core: ompk_summarise's
 * median, minimum, maximum and median run against values worked out by
 * hand; the emitter's three spellings of the same calls (aligned text,
 * JSON with exact u64, RFC 4180 CSV); -q's one field per line.
 */
#include <errno.h>
#include <math.h>
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
	char *out = emit_sample(OMPK_CSV);

	(void)state;
	/* Quoted where a field holds a comma, a quote or a line break, quotes doubled. */
	assert_string_equal(out, "tool,source,big,neg,x,nan,yes,no,unknown,none,n,build.compiler,"
				 "u,d,i,empty,dataonly\n"
				 "t,\"data,1 \"\"q\"\"\",18446744073709551615,-7,0.25,,yes,no,,,3,"
				 "gcc,0 18446744073709551615,0.5 1e-09,-1 3,,\"b\nc\"\n");
	free(out);
}

static void test_emit_text(void **state)
{
	char *out = emit_sample(OMPK_TEXT);

	(void)state;
	assert_string_equal(out, "tool       = t\n"
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
	free(out);
}

/* ompk_emit_times and ompk_emit_rate in one format; the output in a malloc'd string. */
static char *emit_times_sample(enum ompk_format fmt)
{
	static const double t[] = { 4.0, 1.0, 3.0, 2.0 };
	const struct ompk_summary s = { .n = 4, .median = 2.5, .min = 1.0, .max = 4.0 };
	struct ompk_emit e;
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(ompk_emit_begin(&e, f, fmt), 0);
	ompk_emit_times(&e, t, &s, 0);
	ompk_emit_rate(&e, 8.0, "numbers");
	assert_int_equal(ompk_emit_end(&e), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* Each format shows the median, min and max it is given, each under its own name. */
static void test_times_values(void **state)
{
	char *text = emit_times_sample(OMPK_TEXT), *json = emit_times_sample(OMPK_JSON),
	     *csv = emit_times_sample(OMPK_CSV);

	(void)state;
	assert_string_equal(text, "time       = 2.500000 s median, 1.000000 min, 4.000000 max, "
				  "4 repeats\n"
				  "rate       = 8 numbers/s\n");
	assert_string_equal(json, "{\"repeats\":4,\"warmup\":0,\"times_s\":[4,1,3,2],"
				  "\"median_s\":2.5,\"min_s\":1,\"max_s\":4,\"rate\":8,"
				  "\"rate_unit\":\"numbers/s\"}\n");
	assert_string_equal(csv, "repeats,warmup,times_s,median_s,min_s,max_s,rate,rate_unit\n"
				 "4,0,4 1 3 2,2.5,1,4,8,numbers/s\n");
	free(text);
	free(json);
	free(csv);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary),	  cmocka_unit_test(test_clock),
		cmocka_unit_test(test_emit_json), cmocka_unit_test(test_emit_csv),
		cmocka_unit_test(test_emit_text), cmocka_unit_test(test_times_values),
		cmocka_unit_test(test_bare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
