/*
 * test_parse.c - the number parser: every accepted form gives the exact
 * value, every rejected form gives its own reason, nothing is rounded or
 * wrapped. Also the schedule parser, and the option table parser every
 * tool uses (ompkit/cli.h): each kind of value, both value forms, short
 * flags, defaults, and each error with its one-line message.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <omp.h>

#include "ompkit/cli.h"
#include "ompkit/driver.h"
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
	parses_to("18446744073709551615", UINT64_MAX);
	parses_to("1.8e19", UINT64_C(18000000000000000000));
	parses_to("18446744073709551610", UINT64_C(18446744073709551610));
	parses_to("1.84467440737095516150e19", UINT64_MAX);
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
	/* Just past 2^64-1 with a 0 digit, or a mantissa that overflows only once scaled. */
	fails_with("2e19", OMPK_PARSE_RANGE);
	fails_with("18446744073709551620", OMPK_PARSE_RANGE);
	fails_with("1.9e19", OMPK_PARSE_RANGE);
	fails_with("20000000000000000000", OMPK_PARSE_RANGE);
	fails_with("1.84467440737095516160e19", OMPK_PARSE_RANGE);
	fails_with("184467440737095516160e-1", OMPK_PARSE_RANGE);
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

/* --- the option table parser -------------------------------------------- */

struct tbl {
	bool sw, on; /* --sw (false by default), --no-on (true by default) */
	uint64_t n;
	int small, pick;
	const char *path, *word;
	int custom;
};

static const char *const picks[] = { "red", "green", "blue", NULL };
static const char *const words[] = { "alpha", "beta", NULL };

static uint64_t max_seven(const char **why)
{
	*why = "a test limit";
	return 7;
}

static int parse_custom(void *base, const char *val, char *msg, size_t len)
{
	if (strcmp(val, "ok") != 0) {
		snprintf(msg, len, "--custom: '%s' is not ok; accepted: ok", val);
		return -22;
	}
	((struct tbl *)base)->custom = 42;
	return 0;
}

#define OFF(f) offsetof(struct tbl, f)
static const struct ompk_opt rows[] = {
	{ OMPK_OPT_FLAG("sw", OFF(sw), "x"), .short_name = 's' },
	{ OMPK_OPT_FLAG("no-on", OFF(on), "x"), .def = 1 },
	{ OMPK_OPT_ARG(OMPK_OPT_U64, "n", OFF(n), "N", "x"), .short_name = 'n', .def = 5, .min = 2,
	  .max = 1000000 },
	{ OMPK_OPT_ARG(OMPK_OPT_INT, "small", OFF(small), "N", "x"), .def = 1, .min = 1,
	  .max_fn = max_seven },
	OMPK_OPT_PICK("pick", OFF(pick), "C", "x", 2, picks, "a colour"),
	{ OMPK_OPT_ARG(OMPK_OPT_STRING, "path", OFF(path), "PATH", "x"), .def_str = "here",
	  .accepted = "a path" },
	{ OMPK_OPT_ARG(OMPK_OPT_STRING, "word", OFF(word), "W", "x"), .choices = words },
	{ OMPK_OPT_ARG(OMPK_OPT_CUSTOM, "custom", 0, "X", "x"), .accepted = "ok",
	  .parse = parse_custom },
};

static struct tbl t;
static struct ompk_opt_group grp;
static char emsg[512];

/* Parses the NULL-terminated arguments after defaults; returns 0 or -EINVAL. */
static int tparse(const char *first, ...)
{
	char *argv[16] = { "tool" };
	int argc = 1;
	va_list ap;

	grp = (struct ompk_opt_group){ .title = "T", .opts = rows, .n = 8, .base = &t };
	memset(&t, 0xa5, sizeof(t));
	ompk_opts_defaults(&grp, 1);
	t.custom = 0;
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	emsg[0] = '\0';
	return ompk_opts_parse(&grp, 1, argc, argv, emsg, sizeof(emsg));
}

/* The last parse failed with exactly this message; with one starting so, if want ends in "...". */
static void error_is(const char *want)
{
	size_t n = strlen(want);

	if (n > 3 && strcmp(want + n - 3, "...") == 0)
		n -= 3;
	else
		n++; /* the whole string, its end included */
	if (strncmp(emsg, want, n) != 0)
		fail_msg("wanted '%s'\n   got '%s'", want, emsg);
}

/* The table's struct, as "sw on n small pick path word custom" (a NULL string: "-"). */
static void table_is(const char *want)
{
	char got[256];

	snprintf(got, sizeof(got), "%d %d %llu %d %d %s %s %d", t.sw, t.on, (unsigned long long)t.n,
		 t.small, t.pick, t.path ? t.path : "-", t.word ? t.word : "-", t.custom);
	assert_string_equal(got, want);
}

static void test_table_defaults_and_kinds(void **state)
{
	(void)state;
	assert_int_equal(tparse(NULL), 0);
	table_is("0 1 5 1 2 here - 0");
	assert_int_equal(grp.seen, 0);

	assert_int_equal(tparse("--sw", "--no-on", "--n", "1e6", "--small", "7", "--pick", "red",
				"--path", "/x", "--word", "beta", "--custom", "ok", NULL),
			 0);
	table_is("1 0 1000000 7 0 /x beta 42");
	assert_int_equal(grp.seen, 0xff);
}

static void test_table_value_forms(void **state)
{
	(void)state;
	assert_int_equal(tparse("--n=2_500", NULL), 0);
	assert_int_equal(t.n, 2500);
	assert_int_equal(grp.seen, 1u << 2);
	assert_int_equal(tparse("-n", "2.5e3", NULL), 0);
	assert_int_equal(t.n, 2500);
	assert_int_equal(tparse("-n300", "-s", NULL), 0);
	assert_int_equal(t.n, 300);
	assert_true(t.sw);
	assert_int_equal(tparse("--pick=blue", "--path=a=b", NULL), 0);
	assert_int_equal(t.pick, 2);
	assert_string_equal(t.path, "a=b"); /* only the first "=" splits */
	/* A value may start with a dash: it is the value, not a flag. */
	assert_int_equal(tparse("--path", "-", NULL), 0);
	assert_string_equal(t.path, "-");
	/* Given twice: the last value counts. */
	assert_int_equal(tparse("--n", "3", "--n=4", "-n", "9", NULL), 0);
	assert_int_equal(t.n, 9);
	assert_int_equal(tparse("--pick", "red", "--pick", "green", NULL), 0);
	assert_int_equal(t.pick, 1);
}

/* Each argument list (a flag and its value, if any) fails with this message (see error_is). */
static const struct {
	const char *arg, *val, *msg;
} table_errors[] = {
	{ "--bogus", NULL,
	  "--bogus: unknown option; accepted: --sw, --no-on, --n, --small, --pick, --path, --word, "
	  "--custom" },
	{ "--bogus=3", NULL, "--bogus: unknown option; ..." },
	{ "--nn", "3", "--nn: unknown option; ..." }, /* no prefixes, no abbreviations */
	{ "-x", NULL, "-x: unknown option; ..." },
	{ "stray", NULL,
	  "stray: unexpected argument; accepted: options only (--flag VALUE or --flag=VALUE)" },
	{ "-", NULL, "-: unexpected argument; ..." },
	{ "--n", NULL, "--n: missing value; accepted: a whole number from 2 to 1000000" },
	{ "--pick", NULL, "--pick: missing value; accepted: red, green, blue" },
	{ "--n", "1", "--n: '1' is out of range; accepted: a whole number from 2 to 1000000" },
	{ "--n=1000001", NULL,
	  "--n: '1000001' is out of range; accepted: a whole number from 2 to 1000000" },
	{ "--n", "2.5",
	  "--n: '2.5' is not a whole number; accepted: a whole number from 2 to 1000000 "
	  "(e.g. 1000, 1_000, 1e3)" },
	{ "--small", "8",
	  "--small: '8' is out of range; accepted: a whole number from 1 to 7 (a test limit)" },
	{ "--pick", "pink", "--pick: 'pink' is not a colour; accepted: red, green, blue" },
	{ "--word", "gamma", "--word: 'gamma' is not accepted; accepted: alpha, beta" },
	{ "--path=", NULL, "--path: the value is empty; accepted: a path" },
	{ "--sw=yes", NULL, "--sw: takes no value (got 'yes'); accepted: --sw alone" },
	{ "-sx", NULL, "--sw: takes no value (got 'x'); accepted: --sw alone" },
	{ "--custom", "no", "--custom: 'no' is not ok; accepted: ok" },
};

static void test_table_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(table_errors) / sizeof(table_errors[0]); i++) {
		assert_int_equal(tparse(table_errors[i].arg, table_errors[i].val, NULL), -EINVAL);
		error_is(table_errors[i].msg);
	}
	assert_int_equal(tparse("--n", "-3", NULL), -EINVAL);
	assert_non_null(strstr(emsg, "is negative"));
	/* Echoed user text never breaks the line. */
	assert_int_equal(tparse("--pick", "a\nb", NULL), -EINVAL);
	assert_null(strchr(emsg, '\n'));
	assert_int_equal(tparse("--x\ty", NULL), -EINVAL);
	assert_null(strchr(emsg, '\t'));
}

/* A tool that takes only some rows refuses the others as unknown. */
static void test_table_subset(void **state)
{
	struct ompk_options o;
	struct ompk_opt_group g;
	char *argv[] = { "tool", "--format", "json", "--threads", "2", NULL };
	char msg[512];

	(void)state;
	memset(&o, 0, sizeof(o));
	g = ompk_driver_group(&o, OMPK_DOPT(FORMAT) | OMPK_DOPT(QUIET));
	ompk_opts_defaults(&g, 1);
	assert_true(o.verify); /* every row's default is written, taken or not */
	assert_int_equal(o.repeat, 1);
	assert_int_equal(ompk_opts_parse(&g, 1, 3, argv, msg, sizeof(msg)), 0);
	assert_int_equal(o.format, OMPK_JSON);
	assert_int_equal(ompk_opts_parse(&g, 1, 5, argv, msg, sizeof(msg)), -EINVAL);
	assert_string_equal(msg, "--threads: unknown option; accepted: --format, --quiet");
}

/* The driver's rows fill struct ompk_options with the enums' own values. */
static void test_driver_rows(void **state)
{
	struct ompk_options o;
	struct ompk_opt_group g = ompk_driver_group(&o, 0);
	char *argv[] = { "tool",     "--variant", "fast",  "--format=csv", "-t3", "--schedule",
			 "guided,4", "--bind",	  "close", "--no-verify",  "-r",  "1e2",
			 "-q",	     NULL };
	char msg[512];

	(void)state;
	ompk_options_default(&o);
	assert_int_equal(o.variant, OMPK_OMP);
	assert_int_equal(o.format, OMPK_TEXT);
	assert_int_equal(ompk_opts_parse(&g, 1, 13, argv, msg, sizeof(msg)), 0);
	assert_int_equal(o.variant, OMPK_FAST);
	assert_string_equal(ompk_variant_name(o.variant), "fast");
	assert_int_equal(o.format, OMPK_CSV);
	assert_int_equal(o.threads, 3);
	assert_true(o.sched_set);
	assert_int_equal(o.sched.chunk, 4);
	assert_string_equal(o.bind, "close");
	assert_false(o.verify);
	assert_int_equal(o.repeat, 100);
	assert_true(o.quiet);
	assert_int_equal(g.seen, (1u << OMPK_DOPT_COUNT) - 1 - OMPK_DOPT(PLACES) -
					 OMPK_DOPT(WARMUP) - OMPK_DOPT(HELP) - OMPK_DOPT(VERSION));
}

/* --help: GNU two columns, defaults from the rows, the machine's limit where there is one. */
static void test_help_layout(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	grp = (struct ompk_opt_group){ .title = "T", .opts = rows, .n = 8, .base = &t };
	ompk_help(f, "tool", "Does things.", &grp, 1, "Exit status: 0.\n");
	fclose(f);
	assert_string_equal(buf,
			    "Usage: tool [OPTION]...\n"
			    "Does things.\n"
			    "\n"
			    "T:\n"
			    "  -s, --sw                x\n"
			    "      --no-on             x\n"
			    "  -n, --n N               x (default: 5)\n"
			    "      --small N           x; 1 to 7 here (a test limit) (default: 1)\n"
			    "      --pick C            x (default: blue)\n"
			    "      --path PATH         x (default: here)\n"
			    "      --word W            x\n"
			    "      --custom X          x\n"
			    "\n"
			    "Exit status: 0.\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_integers),
		cmocka_unit_test(test_separators),
		cmocka_unit_test(test_scientific),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_schedules),
		cmocka_unit_test(test_table_defaults_and_kinds),
		cmocka_unit_test(test_table_value_forms),
		cmocka_unit_test(test_table_errors),
		cmocka_unit_test(test_table_subset),
		cmocka_unit_test(test_driver_rows),
		cmocka_unit_test(test_help_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
