/*
 * test_driver.c - the shared driver as users meet it: every kind of bad
 * input gives one line on stderr naming the flag or path, the right exit
 * code and no output passed off as a result; good input gives the
 * documented text, JSON and CSV. Runs ompk_driver_main in-process with
 * stdout and stderr captured, plus fake kernels that misbehave on purpose
 * (a wrong answer, an answer that changes between repeats, a failure).
 * Through the measurement core's test hooks (src/measure_hooks.h): known
 * times, whose median, min, max and rate every format must state; and
 * every kernel of the registry, every kind of run its oracle handles
 * (plain, fast, a file, a wide fast run), with its measured result
 * corrupted: the oracle must still give the true value, the driver say
 * `verified` false and exit 1.
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
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <omp.h>

#include "ompkit/driver.h"
#include "ompkit/registry.h"
#include "measure_hooks.h"
#include "test_util.h"

static const char *last_kernel; /* set by cli(): whose usage error to expect */

struct capture {
	int code;
	char out[1 << 16];
	char err[1 << 12];
};

/*
 * Runs `<kernel> args...` (args NULL-terminated, at most 30) through the
 * driver, with the measurement hooks h (NULL: none, as the binaries run).
 */
static void run_hooked(const struct ompk_kernel *k, struct capture *c, const char *stdin_text,
		       const char *const *args, const struct ompk__measure_hooks *h)
{
	char *argv[32];
	int argc = 0, so, se, si = -1;
	FILE *fo = tmpfile(), *fe = tmpfile(), *fi = NULL;

	assert_non_null(fo);
	assert_non_null(fe);
	argv[argc++] = (char *)k->name;
	last_kernel = k->name;
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;

	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	dup2(fileno(fo), 1);
	dup2(fileno(fe), 2);
	if (stdin_text) {
		fi = tmpfile();
		fputs(stdin_text, fi);
		fflush(fi);
		rewind(fi);
		si = dup(0);
		dup2(fileno(fi), 0);
	}
	c->code = ompk__driver_main(k, argc, argv, h);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	if (fi) {
		dup2(si, 0);
		close(si);
		fclose(fi);
	}
	ompk_test_slurp(fo, c->out, sizeof(c->out));
	ompk_test_slurp(fe, c->err, sizeof(c->err));
}

static void run_args(const struct ompk_kernel *k, struct capture *c, const char *stdin_text,
		     const char *const *args)
{
	run_hooked(k, c, stdin_text, args, NULL);
}

/* The same with the arguments given as parameters (NULL-terminated). */
static void cli(const struct ompk_kernel *k, struct capture *c, const char *stdin_text, ...)
{
	const char *args[31];
	size_t n = 0;
	va_list ap;

	va_start(ap, stdin_text);
	while (n < OMPK_COUNT(args) - 1 && (args[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	args[n] = NULL;
	run_args(k, c, stdin_text, args);
}

/*
 * A usage error: exit 2, nothing on stdout, the one shape of every tool:
 * "ompk: <flag>: <what is wrong>; accepted: <what is>" naming `needle`,
 * then "Try '<kernel> --help'.".
 */
static void assert_usage_of(const struct capture *c, const char *kernel, const char *needle)
{
	char try[64];
	const char *nl = strchr(c->err, '\n');

	snprintf(try, sizeof(try), "Try '%s --help'.\n", kernel);
	if (c->code != 2 || c->out[0] || ompk_test_count_lines(c->err) != 2 ||
	    !strstr(c->err, needle) || strncmp(c->err, "ompk: ", 6) != 0 || !nl ||
	    strcmp(nl + 1, try) != 0 || !strstr(c->err, "; accepted: ") ||
	    strstr(c->err, "; accepted: ") > nl)
		fail_msg("wanted usage error naming '%s'; got exit %d, stdout '%s', stderr '%s'",
			 needle, c->code, c->out, c->err);
}

#define assert_usage(c, needle) assert_usage_of(c, last_kernel, needle)

static void assert_runtime_error(const struct capture *c, const char *needle)
{
	if (c->code != 1 || c->out[0] || ompk_test_count_lines(c->err) != 1 ||
	    !strstr(c->err, needle))
		fail_msg("wanted runtime error naming '%s'; got exit %d, stdout '%s', stderr '%s'",
			 needle, c->code, c->out, c->err);
}

static struct capture cap;

/* Bad command lines: the kernel, its arguments, what the usage error names. */
static const struct {
	const char *kernel;
	const char *args[7];
	const char *needle;
} usage_cases[] = {
	{ "primes", { "--threads", "0" }, "--threads" },
	{ "primes", { "-t", "abc" }, "--threads" },
	{ "primes", { "--threads" }, "--threads: missing value" },
	{ "primes", { "--to", "-1" }, "negative" },
	{ "primes", { "--to", "1e20" }, "2^64-1" },
	{ "primes", { "--to=18446744073709551616" }, "--to" },
	{ "primes", { "--to", "2.5" }, "not a whole number" },
	{ "primes", { "--from", "10", "--to", "5" }, "--from" },
	{ "primes", { "--jobs", "0" }, "--jobs" },
	{ "primes", { "--from", "0", "--to", "1e19", "--jobs", "2" }, "--jobs" },
	{ "primes", { "--bogus" }, "--bogus: unknown option" },
	{ "primes", { "stray" }, "stray: unexpected argument" },
	{ "primes", { "--variant", "gpu" }, "--variant" },
	{ "primes", { "--schedule", "sometimes" }, "--schedule" },
	{ "primes", { "--schedule", "dynamic,0" }, "--schedule" },
	{ "primes", { "--format", "xml" }, "--format" },
	{ "primes", { "--repeat", "0" }, "--repeat" },
	{ "primes", { "--quiet=yes" }, "--quiet" },
	{ "primes", { "--file", "x" }, "--file: unknown option" }, /* primes reads no files */
	{ "collatz", { "--from", "0" }, "--from" },
	{ "collatz", { "--from", "7", "--to", "7" }, "--from" },
	{ "sumsq", { "--file", "/etc/hostname", "--to", "5" }, "--file" },
	{ "sumsq", { "--file", "" }, "--file" },
	{ "checksum", { "--size", "2e12" }, "--size" },
};

static void test_usage_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < OMPK_COUNT(usage_cases); i++) {
		run_args(ompk_kernel_find(usage_cases[i].kernel), &cap, NULL, usage_cases[i].args);
		assert_usage(&cap, usage_cases[i].needle);
	}
}

/*
 * More threads than the runtime can start: once SIGSEGV inside
 * GOMP_parallel (65536) or libgomp's own exit (40000-60000); now a usage
 * error stating the limit, whether the count came from --threads or from
 * the runtime's default (OMP_NUM_THREADS, here set through the API).
 */
static void test_thread_limit(void **state)
{
	const struct ompk_kernel *sumsq = ompk_kernel_find("sumsq");
	const char *why;
	uint64_t max = ompk_threads_max(&why);
	int before = omp_get_max_threads();
	char arg[32], want[96];

	(void)state;
	assert_true(max >= 1 && max <= OMPK_THREADS_CAP);
	assert_non_null(why);
	cli(sumsq, &cap, NULL, "--to", "10", "-t", "65536", NULL);
	snprintf(want, sizeof(want), "accepted: a whole number from 1 to %llu (%s)",
		 (unsigned long long)max, why);
	assert_usage(&cap, want);
	assert_usage(&cap, "--threads: '65536' is out of range");
	snprintf(arg, sizeof(arg), "%llu", (unsigned long long)max + 1);
	cli(sumsq, &cap, NULL, "--to", "10", "-t", arg, NULL);
	assert_usage(&cap, "--threads");
	/*
	 * The largest accepted count runs and gives the closed form 0+1+4+...+81
	 * = 285 (not under valgrind, which runs at most 500 threads).
	 */
	if (!ompk_test_under_valgrind()) {
		snprintf(arg, sizeof(arg), "%llu", (unsigned long long)max);
		cli(sumsq, &cap, NULL, "--to", "10", "-t", arg, "-q", NULL);
		assert_int_equal(cap.code, 0);
		assert_string_equal(cap.out, "285\n");
	}

	omp_set_num_threads(65536);
	cli(sumsq, &cap, NULL, "--to", "10", NULL);
	omp_set_num_threads(before);
	assert_usage(&cap, "OMP_NUM_THREADS: 65536 threads is out of range; accepted: 1 to ");
}

static void test_runtime_errors(void **state)
{
	const struct ompk_kernel *sumsq = ompk_kernel_find("sumsq"),
				 *ck = ompk_kernel_find("checksum");
	char path[] = "/tmp/ompk-drv-XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	close(fd);
	cli(sumsq, &cap, NULL, "--file", path, NULL);
	assert_runtime_error(&cap, path);
	assert_non_null(strstr(cap.err, "multiple of 8"));
	unlink(path);
	cli(sumsq, &cap, NULL, "--file", "/nonexistent/shard.bin", NULL);
	assert_runtime_error(&cap, "/nonexistent/shard.bin");
	cli(ck, &cap, NULL, "--file", "/tmp", NULL);
	assert_runtime_error(&cap, "Is a directory");
	/* 2^20 buffers of 1 TiB cannot fit in any memory here: refused up front. */
	cli(ck, &cap, NULL, "--buffers", "1048576", "--size", "1099511627776", NULL);
	assert_usage(&cap, "memory");
}

static void test_outputs(void **state)
{
	const struct ompk_kernel *lcg = ompk_kernel_find("lcg"), *ck = ompk_kernel_find("checksum"),
				 *primes = ompk_kernel_find("primes");

	(void)state;
	cli(lcg, &cap, NULL, "--seeds", "2", "--format", "json", "-t", "2", "-r", "3", NULL);
	assert_int_equal(cap.code, 0);
	assert_int_equal(ompk_test_count_lines(cap.out), 1);
	ompk_test_has(cap.out, "\"result\":{\"finals\":[6306054913191490176,6301162584745976961]}",
		      "\"verified\":true", "\"kernel\":\"lcg\",\"variant\":\"omp\",\"threads\":2",
		      "\"params\":{\"seeds\":2,\"iters\":50000000}", "\"repeats\":3",
		      "\"times_s\":[", "\"median_s\":", "\"schedule\":");

	cli(primes, &cap, NULL, "--format", "csv", "--variant", "seq", NULL);
	assert_int_equal(cap.code, 0);
	assert_int_equal(ompk_test_count_lines(cap.out), 2);
	ompk_test_has(cap.out, "tool,kernel,variant,threads,threads_requested,schedule,",
		      ",from,to,jobs,file,file_bytes,count,per_job,verified,"
		      "verify_method,repeats,warmup,times_s,median_s,",
		      "\nprimes,primes,seq,1,", ",0,50000,1,,,5133,5133,yes,plain segmented sieve");

	/* -q: each field on its own line, an array's values on one line. */
	cli(primes, &cap, NULL, "-q", "--to", "1e3", NULL);
	assert_int_equal(cap.code, 0);
	assert_string_equal(cap.out, "168\n168\n");
	cli(lcg, &cap, NULL, "-q", "--seeds", "2", NULL);
	assert_int_equal(cap.code, 0);
	assert_string_equal(cap.out, "6306054913191490176 6301162584745976961\n");

	cli(primes, &cap, NULL, "--to", "100", "--schedule", "guided,4", NULL);
	assert_int_equal(cap.code, 0);
	ompk_test_has(cap.out, "schedule   = guided,4\n", "result     = count 25, per_job 25\n",
		      "verified   = yes (plain segmented sieve of Eratosthenes)\n");

	/* Not checked: null in JSON, said why in text and CSV, never "yes". */
	cli(ck, &cap, NULL, "--no-verify", "--format", "json", NULL);
	assert_int_equal(cap.code, 0);
	assert_non_null(strstr(cap.out, "\"verified\":null,\"verify_method\":\"not checked "
					"(--no-verify)\""));
	cli(ck, &cap, NULL, "--no-verify", NULL);
	assert_non_null(strstr(cap.out, "verified   = not checked (--no-verify)\n"));
	cli(ck, &cap, NULL, "--no-verify", "--format", "csv", NULL);
	assert_non_null(strstr(cap.out, ",,not checked (--no-verify),"));

	/* Standard input as a file: "abc" folds to 92895538425936242. */
	cli(ck, &cap, "abc", "--file", "-", "-q", NULL);
	assert_int_equal(cap.code, 0);
	assert_string_equal(cap.out, "92895538425936242\n");
	/* Its length is reported (it was printed after the input was released: 0 bytes). */
	cli(ck, &cap, "abc", "--file", "-", NULL);
	assert_int_equal(cap.code, 0);
	assert_non_null(strstr(cap.out, "file       = - (3 bytes)\n"));
	/* A --file run lists no range parameters it did not use. */
	cli(ck, &cap, "abc", "--file", "-", "--format", "json", NULL);
	assert_int_equal(cap.code, 0);
	assert_non_null(strstr(cap.out, "\"params\":{},\"file\":\"-\",\"file_bytes\":3,"));

	cli(primes, &cap, NULL, "--help", NULL);
	assert_int_equal(cap.code, 0);
	ompk_test_has(cap.out, "--jobs N", "--schedule S");
	cli(primes, &cap, NULL, "--version", NULL);
	assert_int_equal(cap.code, 0);
	{
		const char *want = "primes (ompkit) " OMPK_VERSION "\nbuild: ";

		assert_int_equal(strncmp(cap.out, want, strlen(want)), 0);
	}
}

/* The number after "key": in a JSON report. */
static double json_number(const char *json, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), "\"%s\":", key);
	p = strstr(json, k);
	if (!p)
		fail_msg("no %s in %s", k, json);
	return strtod(p + strlen(k), NULL);
}

/* The rate is the work over the median time: 2 jobs of 20000 numbers, rate * median = 40000. */
static void test_rate_is_work_over_median(void **state)
{
	const struct ompk_kernel *primes = ompk_kernel_find("primes");
	double rate, median;

	(void)state;
	cli(primes, &cap, NULL, "--to", "20000", "--jobs", "2", "-r", "5", "--format", "json",
	    NULL);
	assert_int_equal(cap.code, 0);
	rate = json_number(cap.out, "rate");
	median = json_number(cap.out, "median_s");
	if (!(median > 0) || fabs(rate * median / 40000 - 1) > 1e-6)
		fail_msg("rate %g * median %g is not 40000", rate, median);
}

/*
 * What front ends used to ask by name is in the descriptor: the demo's
 * parameters are valid for their kernel, and primes (trial division: the
 * cost grows with the number) is the uneven one the benches compare
 * schedules on.
 */
static void test_descriptor_facts(void **state)
{
	char msg[512];

	(void)state;
	for (size_t i = 0; ompk_kernels[i]; i++) {
		const struct ompk_kernel *k = ompk_kernels[i];
		struct ompk_options o;
		struct ompk_job job;

		if (!k->demo)
			continue;
		ompk_options_default(&o);
		ompk_job_init(&job, k);
		for (size_t p = 0; p < k->nparams; p++) {
			assert_in_range(k->demo[p], k->params[p].min, k->params[p].max);
			job.p[p] = k->demo[p];
		}
		if (ompk_cli_check(k, &o, &job, msg, sizeof(msg)) != 0)
			fail_msg("%s: demo parameters refused: %s", k->name, msg);
	}
	assert_true(ompk_kernel_find("primes")->uneven);
	assert_non_null(ompk_kernel_find("primes")->demo);
	assert_int_equal(ompk_kernel_find("primes")->demo[2], 4); /* the tutorial's four jobs */
	assert_false(ompk_kernel_find("sumsq")->uneven);
}

/* Fake kernels that misbehave, to test the driver's own checks. */
static int fake_mode;
static int fake_calls;

static const struct ompk_param fake_params[] = { { "n", "a number", 5, 0, 100 } };

static int fake_run(struct ompk_job *job, enum ompk_variant v, struct ompk_result *out)
{
	(void)v;
	fake_calls++;
	if (fake_mode == 2)
		return -EOVERFLOW;
	if (job->p[0] == 7)
		job->method = "fake algorithm"; /* a run that says which algorithm it chose */
	/* mode 0: wrong answer; mode 1: a different answer every call */
	return ompk_result_scalar(out, "value",
				  job->p[0] + 1 + (fake_mode == 1 ? (uint64_t)fake_calls : 0));
}

static int fake_expect(const struct ompk_job *job, struct ompk_result *out, const char **method)
{
	*method = "identity";
	return ompk_result_scalar(out, "value", job->p[0]);
}

static double fake_work(const struct ompk_job *job)
{
	(void)job;
	return 1;
}

/*
 * A test kernel named NAME with one parameter, seq and omp, and the hooks
 * NAME_params, NAME_run, NAME_expect and NAME_work of this file.
 */
#define TEST_KERNEL(nm, what, units)                                                      \
	{                                                                                 \
		.name = #nm, .summary = what, .params = nm##_params, .nparams = 1,        \
		.variants = OMPK_VARIANT_BIT(OMPK_SEQ) | OMPK_VARIANT_BIT(OMPK_OMP),      \
		.unit = units, .run = nm##_run, .expect = nm##_expect, .work = nm##_work, \
	}

static const struct ompk_kernel fake = TEST_KERNEL(fake, "returns n + 1 where n is expected",
						   "things");

static void test_wrong_results_are_never_passed_off(void **state)
{
	(void)state;
	fake_mode = 0;
	cli(&fake, &cap, NULL, "-q", NULL);
	assert_int_equal(cap.code, 1);
	assert_string_equal(cap.out, ""); /* no bare number */
	ompk_test_has(cap.err, "got 6", "expected 5");

	/* Text: "no: expected ..." with the method; the expected value in JSON. */
	cli(&fake, &cap, NULL, NULL);
	assert_int_equal(cap.code, 1);
	assert_non_null(strstr(cap.out, "verified   = no: expected value 5 (identity)\n"));
	assert_null(strstr(cap.out, "method     ="));
	cli(&fake, &cap, NULL, "--n", "7", "--format", "json", NULL);
	assert_non_null(strstr(cap.out, "\"variant\":\"omp\",\"method\":\"fake algorithm\","));
	cli(&fake, &cap, NULL, "--n", "7", NULL);
	assert_non_null(strstr(cap.out, "method     = fake algorithm\n"));

	cli(&fake, &cap, NULL, "--format", "json", NULL);
	assert_int_equal(cap.code, 1);
	ompk_test_has(cap.out, "\"verified\":false", "\"expected\":{\"value\":5}");

	/* A variant the kernel does not have is a usage error naming what it has. */
	cli(&fake, &cap, NULL, "--variant", "fast", NULL);
	assert_usage(&cap, "accepted: seq, omp");

	fake_mode = 1;
	fake_calls = 0;
	cli(&fake, &cap, NULL, "-r", "3", "--no-verify", NULL);
	assert_runtime_error(&cap, "different result");

	fake_mode = 2;
	cli(&fake, &cap, NULL, NULL);
	assert_runtime_error(&cap, "fake");
}

/* ---- known times: the report's values -------------------------------------- */

/* A kernel whose answer is right, whose work is --n units, timed by the test. */
static const struct ompk_param timed_params[] = { { "n", "units of work", 1000, 1, 1000000 } };

static int timed_run(struct ompk_job *job, enum ompk_variant v, struct ompk_result *out)
{
	(void)v;
	job->threads_used = 1;
	return ompk_result_scalar(out, "twice", 2 * job->p[0]);
}

static int timed_expect(const struct ompk_job *job, struct ompk_result *out, const char **method)
{
	*method = "n + n";
	return ompk_result_scalar(out, "twice", job->p[0] + job->p[0]);
}

static double timed_work(const struct ompk_job *job)
{
	return (double)job->p[0];
}

static const struct ompk_kernel timed = TEST_KERNEL(timed, "twice n, in times the test chooses",
						    "units");

static double given_seconds(void *arg, uint64_t run)
{
	return ((const double *)arg)[run];
}

/*
 * The CSV field at p (RFC 4180 quoting) into buf; *last: it ended its
 * line. Returns where the next field starts.
 */
static const char *csv_next(const char *p, char *buf, size_t len, bool *last)
{
	size_t n = 0;

	if (*p == '"') {
		for (p++; *p && !(p[0] == '"' && p[1] != '"'); p++) {
			p += p[0] == '"'; /* a doubled quote stands for one */
			if (n + 1 < len)
				buf[n++] = *p;
		}
		p += *p == '"';
	} else {
		for (; *p && *p != ',' && *p != '\n'; p++)
			if (n + 1 < len)
				buf[n++] = *p;
	}
	buf[n] = '\0';
	*last = *p != ',';
	return *p ? p + 1 : p;
}

/* The value of column `name` in CSV text (a header line and one row) into buf; false: none. */
static bool csv_field(const char *csv, const char *name, char *buf, size_t len)
{
	const char *row = csv;
	size_t col = 0, want = SIZE_MAX;
	bool last = false;
	char cell[512];

	while (!last) {
		row = csv_next(row, cell, sizeof(cell), &last);
		if (strcmp(cell, name) == 0 && want == SIZE_MAX)
			want = col;
		col++;
	}
	if (want == SIZE_MAX)
		return false;
	for (col = 0, last = false; !last; col++) {
		row = csv_next(row, buf, len, &last);
		if (col == want)
			return true;
	}
	return false;
}

/*
 * Times known to the test, an odd and an even count (the median of an
 * even count is the mean of the two middle ones, never the upper or the
 * lower one), warm-ups not among them: text, JSON and CSV state the
 * median, min, max and rate (1000 units / median) of exactly these.
 */
static const struct {
	const char *repeat, *warmup;
	double times[4];
	const char *text_time, *text_rate, *json;
	const char *csv[6][2]; /* column, value */
} time_cases[] = {
	{ "3",
	  "0",
	  { 0.5, 0.125, 0.25 },
	  "time       = 0.250000 s median, 0.125000 min, 0.500000 max, 3 repeats\n",
	  "rate       = 4000 units/s\n",
	  "\"repeats\":3,\"warmup\":0,\"times_s\":[0.5,0.125,0.25],\"median_s\":0.25,"
	  "\"min_s\":0.125,\"max_s\":0.5,\"rate\":4000,\"rate_unit\":\"units/s\"",
	  { { "times_s", "0.5 0.125 0.25" },
	    { "median_s", "0.25" },
	    { "min_s", "0.125" },
	    { "max_s", "0.5" },
	    { "rate", "4000" },
	    { "rate_unit", "units/s" } } },
	{ "4",
	  "2",
	  { 0.75, 0.25, 1.0, 0.5 },
	  "time       = 0.625000 s median, 0.250000 min, 1.000000 max, 4 repeats (+2 warm-up)\n",
	  "rate       = 1600 units/s\n",
	  "\"repeats\":4,\"warmup\":2,\"times_s\":[0.75,0.25,1,0.5],\"median_s\":0.625,"
	  "\"min_s\":0.25,\"max_s\":1,\"rate\":1600,\"rate_unit\":\"units/s\"",
	  { { "times_s", "0.75 0.25 1 0.5" },
	    { "median_s", "0.625" },
	    { "min_s", "0.25" },
	    { "max_s", "1" },
	    { "rate", "1600" },
	    { "rate_unit", "units/s" } } },
};

static void test_report_values_from_known_times(void **state)
{
	(void)state;
	for (size_t i = 0; i < OMPK_COUNT(time_cases); i++) {
		struct ompk__measure_hooks h = { .seconds = given_seconds,
						 .arg = (void *)time_cases[i].times };
		const char *text[] = { "-r", time_cases[i].repeat, "--warmup", time_cases[i].warmup,
				       NULL };
		const char *json[] = { "-r",	   time_cases[i].repeat,
				       "--warmup", time_cases[i].warmup,
				       "--format", "json",
				       NULL };
		const char *csv[] = { "-r",	  time_cases[i].repeat,
				      "--warmup", time_cases[i].warmup,
				      "--format", "csv",
				      NULL };
		char value[512];

		run_hooked(&timed, &cap, NULL, text, &h);
		assert_int_equal(cap.code, 0);
		if (!strstr(cap.out, time_cases[i].text_time) ||
		    !strstr(cap.out, time_cases[i].text_rate))
			fail_msg("text: wanted '%s' and '%s' in:\n%s", time_cases[i].text_time,
				 time_cases[i].text_rate, cap.out);
		run_hooked(&timed, &cap, NULL, json, &h);
		assert_int_equal(cap.code, 0);
		if (!strstr(cap.out, time_cases[i].json))
			fail_msg("JSON: wanted '%s' in:\n%s", time_cases[i].json, cap.out);
		run_hooked(&timed, &cap, NULL, csv, &h);
		assert_int_equal(cap.code, 0);
		for (size_t c = 0; c < OMPK_COUNT(time_cases[i].csv); c++) {
			if (!csv_field(cap.out, time_cases[i].csv[c][0], value, sizeof(value)))
				fail_msg("CSV: no column %s in:\n%s", time_cases[i].csv[c][0],
					 cap.out);
			if (strcmp(value, time_cases[i].csv[c][1]) != 0)
				fail_msg("CSV: %s is '%s', wanted '%s'", time_cases[i].csv[c][0],
					 value, time_cases[i].csv[c][1]);
		}
	}
}

/* ---- oracle independence: a wrong measured result is caught ---------------- */

/* The corruption of one run, and the measured result as it really was. */
struct corruption {
	size_t field;		  /* the field whose last value is changed */
	bool done;		  /* it had a value to change */
	struct ompk_result truth; /* the measured result before the change */
};

static void corrupt_field(void *arg, struct ompk_result *r)
{
	struct corruption *c = arg;

	for (size_t i = 0; i < r->nfields; i++) {
		uint64_t *v;

		assert_int_equal(
			ompk_result_add(&c->truth, r->f[i].name, r->f[i].array, r->f[i].n, &v), 0);
		memcpy(v, r->f[i].v, r->f[i].n * sizeof(*v));
	}
	if (c->field < r->nfields && r->f[c->field].n > 0) {
		/* One bit of a high byte: a comparison of low bytes only would miss it. */
		r->f[c->field].v[r->f[c->field].n - 1] ^= UINT64_C(1) << 57;
		c->done = true;
	}
}

/* `"result":{...}` as the JSON report spells a result. */
static void json_result(const char *key, const struct ompk_result *r, char *buf, size_t len)
{
	size_t at = (size_t)snprintf(buf, len, "\"%s\":{", key);

	for (size_t i = 0; i < r->nfields && at < len; i++) {
		const struct ompk_field *f = &r->f[i];
		bool list = f->array || f->n != 1;

		at += (size_t)snprintf(buf + at, len - at, "%s\"%s\":%s", i ? "," : "", f->name,
				       list ? "[" : "");
		for (size_t j = 0; j < f->n && at < len; j++)
			at += (size_t)snprintf(buf + at, len - at, "%s%llu", j ? "," : "",
					       (unsigned long long)f->v[j]);
		if (at < len)
			at += (size_t)snprintf(buf + at, len - at, "%s", list ? "]" : "");
	}
	if (at < len)
		snprintf(buf + at, len - at, "}");
	assert_true(at + 1 < len);
}

/*
 * One kind of run of kernel k (its arguments in args), with each field of
 * the measured result corrupted in turn: the driver must say `verified`
 * false and exit 1, the report must show the corrupted result, and the
 * oracle must give the true value, except where it is a spot check of a
 * claimed winner (it recomputes the claim, so it cannot know the true
 * winner; it must still refuse the wrong one).
 */
static void assert_oracle_independent(const struct ompk_kernel *k, const char *const *args,
				      const char *kind)
{
	static char want[1 << 15];
	const char *argv[32];
	size_t n = 0, nfields = 1;

	for (; args[n]; n++)
		argv[n] = args[n];
	argv[n++] = "--format";
	argv[n++] = "json";
	argv[n++] = "-t";
	argv[n++] = "2";
	argv[n] = NULL;
	for (size_t f = 0; f < nfields; f++) {
		struct corruption c = { .field = f };
		struct ompk__measure_hooks h = { .corrupt = corrupt_field, .arg = &c };
		const char *spot;

		run_hooked(k, &cap, NULL, argv, &h);
		nfields = c.truth.nfields;
		if (!c.done) {
			ompk_result_free(&c.truth);
			continue;
		}
		if (cap.code != 1 || !strstr(cap.out, "\"verified\":false"))
			fail_msg("%s, %s run (%s...), field %zu corrupted: exit %d, not "
				 "\"verified\":false:\n%s%s",
				 k->name, kind, args[0] ? args[0] : "", f, cap.code, cap.out,
				 cap.err);
		json_result("result", &c.truth, want, sizeof(want));
		if (strstr(cap.out, want))
			fail_msg("%s, %s run: the report shows the result before the corruption",
				 k->name, kind);
		spot = strstr(cap.out, "\"verify_method\":\"spot check");
		if (!spot) {
			json_result("expected", &c.truth, want, sizeof(want));
			if (!strstr(cap.out, want))
				fail_msg("%s, %s run, field %zu corrupted: the oracle did not give "
					 "the true value %s:\n%s",
					 k->name, kind, f, want, cap.out);
		}
		ompk_result_free(&c.truth);
	}
}

/* "--name value" for each parameter of p, into argv (strings in store). */
static size_t param_args(const struct ompk_kernel *k, const uint64_t *p, const char **argv,
			 char (*store)[48])
{
	size_t n = 0;

	for (size_t i = 0; i < k->nparams; i++) {
		snprintf(store[i], sizeof(store[i]), "--%s=%llu", k->params[i].name,
			 (unsigned long long)p[i]);
		argv[n++] = store[i];
	}
	return n;
}

static void test_oracles_never_trust_the_measured_result(void **state)
{
	char path[] = "/tmp/ompk-oracle-XXXXXX";
	uint64_t x = UINT64_C(0x243f6a8885a308d3);
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	for (int i = 0; i < 1000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		assert_int_equal(write(fd, &x, sizeof(x)), (ssize_t)sizeof(x));
	}
	close(fd);
	for (size_t i = 0; ompk_kernels[i]; i++) {
		const struct ompk_kernel *k = ompk_kernels[i];
		char store[OMPK_MAX_PARAMS][48], vflag[32];
		const char *argv[16];

		for (int v = OMPK_OMP; v < OMPK_VARIANT_COUNT; v++) {
			if (!(k->variants & OMPK_VARIANT_BIT(v)))
				continue;
			snprintf(vflag, sizeof(vflag), "--variant=%s",
				 ompk_variant_name((enum ompk_variant)v));
			for (size_t s = 0; s < k->nsamples; s++) {
				size_t n = param_args(k, k->samples[s], argv, store);

				argv[n++] = vflag;
				argv[n] = NULL;
				assert_oracle_independent(k, argv,
							  v == OMPK_FAST ? "fast" : "plain");
			}
			if (k->file_help) {
				argv[0] = "--file";
				argv[1] = path;
				argv[2] = vflag;
				argv[3] = NULL;
				assert_oracle_independent(k, argv, "file");
			}
		}
		for (size_t s = 0; s < k->nwide_samples; s++) {
			size_t n = param_args(k, k->wide_samples[s], argv, store);

			argv[n++] = "--variant=fast";
			argv[n] = NULL;
			assert_oracle_independent(k, argv, "wide fast");
		}
	}
	unlink(path);
}

/* SIGINT/SIGTERM mid-run: the process dies of the signal (130/143 in a shell), printing nothing. */
static void test_interrupted_runs_print_nothing(void **state)
{
	static const int sigs[] = { SIGINT, SIGTERM };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		int out[2], status = 0;
		pid_t pid;
		char buf[64];

		assert_int_equal(pipe(out), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			char *argv[] = { "primes", "--to", "1e9", "-t", "2", NULL };

			dup2(out[1], 1);
			close(out[0]);
			_exit(ompk_driver_main(ompk_kernel_find("primes"), 5, argv));
		}
		close(out[1]);
		nanosleep(&(struct timespec){ 0, 200000000 }, NULL);
		kill(pid, sigs[i]);
		/* Bounded: a child that ignores the signal fails the test, not hangs it. */
		for (int waited = 0; waitpid(pid, &status, WNOHANG) == 0; waited++) {
			if (waited == 1000) {
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
				fail_msg("the run ignored signal %d", sigs[i]);
			}
			nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
		}
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), sigs[i]);
		assert_int_equal(read(out[0], buf, sizeof(buf)), 0);
		close(out[0]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_runtime_errors),
		cmocka_unit_test(test_thread_limit),
		cmocka_unit_test(test_outputs),
		cmocka_unit_test(test_rate_is_work_over_median),
		cmocka_unit_test(test_descriptor_facts),
		cmocka_unit_test(test_wrong_results_are_never_passed_off),
		cmocka_unit_test(test_report_values_from_known_times),
		cmocka_unit_test(test_oracles_never_trust_the_measured_result),
		cmocka_unit_test(test_interrupted_runs_print_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
