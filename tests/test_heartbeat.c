/*
 * test_heartbeat.c - the heartbeat probe (bin/heartbeat).
 *
 * Timing is checked only structurally and generously, never against a
 * tight wall-clock bound: every tick arrives, in order, never before its
 * due time; inline, no tick comes before the blocking job ends; offloaded,
 * every tick comes earlier than the same tick inline. That holds for each
 * loop (io_uring with multishot or one-shot timeouts, epoll + timerfd) and
 * each kind of work. The LCG job's final state is checked against the
 * jump-ahead of kernels/lcg/fast.c. The command line is run in-process; the
 * fallback to epoll runs in a child whose io_uring_setup a seccomp filter
 * makes fail.
 *
 * Under valgrind (tests/test_util.h; make check-valgrind) the io_uring
 * cases are skipped with a note, since valgrind 3.19 deadlocks when the
 * loop thread waits in io_uring_enter for the worker's eventfd; every run
 * that would pick io_uring uses epoll + timerfd instead, with fewer ticks
 * and a longer job so the same structural claims hold with a wide margin
 * at valgrind's speed. The io_uring loop is covered by make test and
 * make check-san.
 */
#include <errno.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cmocka.h>

#include "ompkit/driver.h"
#include "ompkit/heartbeat.h"
#include "ompkit/lcg.h"
#include "test_util.h"

#define MS 1000000ull

static bool small; /* under valgrind: epoll only, smaller sizes (see the file header) */

static void run_one(enum ompk_hb_loop loop, enum ompk_hb_timer timer, enum ompk_hb_work work,
		    enum ompk_hb_mode mode, struct ompk_hb_config *c, struct ompk_hb_result *r)
{
	ompk_hb_config_default(c);
	c->loop = loop;
	c->timer = timer;
	c->work = work;
	c->mode = mode;
	if (small) {
		/*
		 * Offloaded, the last tick is due at 100 ms and the job ends at
		 * 600: valgrind may delay a wake-up by a lot and the ticks still
		 * come before the job's end. (Defaults: 150 ms vs 300.)
		 */
		c->ticks = 2;
		c->block_ns = 600 * MS;
	}
	assert_int_equal(ompk_hb_run(c, r), 0);
	assert_int_equal(r->nticks, c->ticks);
	assert_int_equal(r->uring_err, 0);
	assert_int_equal(r->loop, loop);
	if (loop == OMPK_HB_LOOP_URING && timer != OMPK_HB_TIMER_AUTO)
		assert_int_equal(r->timer, timer);
	/* In order, and never before the due time (timers do not fire early). */
	for (uint64_t k = 0; k < r->nticks; k++) {
		assert_true(r->tick_ns[k] >= (k + 1) * c->tick_ns);
		if (k)
			assert_true(r->tick_ns[k] >= r->tick_ns[k - 1]);
	}
	assert_true(r->job_done_ns >= c->block_ns);
	if (work == OMPK_HB_LCG) {
		assert_true(r->lcg_steps > 0);
		assert_int_equal(r->lcg_state,
				 ompk_lcg_jump(1, r->lcg_steps, OMPK_LCG_A, OMPK_LCG_C));
	}
}

/* Inline vs offload on one loop: the structural claims of the probe. */
static void check_pair(enum ompk_hb_loop loop, enum ompk_hb_timer timer, enum ompk_hb_work work)
{
	struct ompk_hb_config ci, co;
	struct ompk_hb_result ri, ro;
	uint64_t max_late = 0;

	if (small && loop == OMPK_HB_LOOP_URING) {
		print_message(
			"[  NOTE    ] io_uring case skipped under valgrind: 3.19 holds its lock in "
			"io_uring_enter and the loop never wakes (make test and make check-san run "
			"it)\n");
		skip();
	}
	run_one(loop, timer, work, OMPK_HB_INLINE, &ci, &ri);
	run_one(loop, timer, work, OMPK_HB_OFFLOAD, &co, &ro);
	/* Inline, the loop thread is busy until the job is done. */
	assert_true(ri.tick_ns[0] >= ri.job_done_ns);
	assert_true(ri.tick_ns[0] >= ci.block_ns);
	for (uint64_t k = 0; k < ro.nticks; k++) {
		assert_true(ro.tick_ns[k] > 0);
		assert_true(ro.tick_ns[k] < ri.tick_ns[k]);
		if (ompk_hb_lateness(&co, &ro, k) > max_late)
			max_late = ompk_hb_lateness(&co, &ro, k);
	}
	assert_int_equal(ro.max_late_ns, max_late);
	assert_true(ri.max_late_ns > ro.max_late_ns);
	/*
	 * Offloaded, the ticks do not wait for the job: the last is due well before the job ends.
	 */
	assert_true(ro.tick_ns[ro.nticks - 1] < ro.job_done_ns);
	ompk_hb_result_free(&ri);
	ompk_hb_result_free(&ro);
}

/* The cases of check_pair, one test each (see main). */
static const struct pair_case {
	enum ompk_hb_loop loop;
	enum ompk_hb_timer timer;
	enum ompk_hb_work work;
} pair_cases[] = {
	/* AUTO picks multishot on a 6.4+ kernel, one-shot before: both are checked. */
	{ OMPK_HB_LOOP_URING, OMPK_HB_TIMER_AUTO, OMPK_HB_SLEEP },
	{ OMPK_HB_LOOP_URING, OMPK_HB_TIMER_ONESHOT, OMPK_HB_SLEEP },
	{ OMPK_HB_LOOP_URING, OMPK_HB_TIMER_AUTO, OMPK_HB_LCG },
	{ OMPK_HB_LOOP_EPOLL, OMPK_HB_TIMER_AUTO, OMPK_HB_SLEEP },
	{ OMPK_HB_LOOP_EPOLL, OMPK_HB_TIMER_AUTO, OMPK_HB_LCG },
};

static void test_pair(void **state)
{
	const struct pair_case *c = *state;

	check_pair(c->loop, c->timer, c->work);
}

static void test_tick_count(void **state)
{
	struct ompk_hb_config c;
	struct ompk_hb_result r;

	(void)state;
	ompk_hb_config_default(&c);
	c.tick_ns = 5 * MS;
	c.ticks = small ? 3 : 7;
	c.block_ns = 0;
	c.mode = OMPK_HB_OFFLOAD;
	if (small)
		c.loop = OMPK_HB_LOOP_EPOLL;
	assert_int_equal(ompk_hb_run(&c, &r), 0);
	assert_int_equal(r.nticks, c.ticks);
	for (uint64_t k = 1; k < r.nticks; k++)
		assert_true(r.tick_ns[k] >= r.tick_ns[k - 1] &&
			    r.tick_ns[k] >= (k + 1) * c.tick_ns);
	ompk_hb_result_free(&r);
}

/* Tick k is due (k + 1) periods after the start; lateness is how long after, 0 when on time. */
static void test_lateness_values(void **state)
{
	struct ompk_hb_config c;
	uint64_t t[] = { 60 * MS, 100 * MS, 171 * MS, 350 * MS };
	struct ompk_hb_result r = { .tick_ns = t, .nticks = 4 };

	(void)state;
	ompk_hb_config_default(&c); /* 50 ms */
	assert_int_equal(ompk_hb_lateness(&c, &r, 0), 10 * MS);
	assert_int_equal(ompk_hb_lateness(&c, &r, 1), 0);
	assert_int_equal(ompk_hb_lateness(&c, &r, 2), 21 * MS);
	assert_int_equal(ompk_hb_lateness(&c, &r, 3), 150 * MS);
}

static void test_bad_config(void **state)
{
	struct ompk_hb_config c;
	struct ompk_hb_result r;

	(void)state;
	ompk_hb_config_default(&c);
	c.ticks = 0;
	assert_int_equal(ompk_hb_run(&c, &r), -EINVAL);
	ompk_hb_config_default(&c);
	c.tick_ns = 0;
	assert_int_equal(ompk_hb_run(&c, &r), -EINVAL);
	ompk_hb_config_default(&c);
	c.mode = (enum ompk_hb_mode)7;
	assert_int_equal(ompk_hb_run(&c, &r), -EINVAL);
}

/* --- the command line ---------------------------------------------------- */

struct capture {
	int code;
	char out[1 << 14];
	char err[1 << 12];
};

/* Runs the command line argv in-process into c: 0, or -1 when no temporary file could be made. */
static int run_argv(struct capture *c, int argc, char **argv)
{
	FILE *fo = tmpfile(), *fe = tmpfile();

	if (!fo || !fe) {
		if (fo)
			fclose(fo);
		if (fe)
			fclose(fe);
		return -1;
	}
	c->code = ompk_heartbeat_cli(argc, argv, fo, fe);
	ompk_test_slurp(fo, c->out, sizeof(c->out));
	ompk_test_slurp(fe, c->err, sizeof(c->err));
	return 0;
}

/* Runs `heartbeat [--loop loop] args...` in-process; loop may be NULL. */
static void vcli(struct capture *c, const char *loop, va_list ap)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = "heartbeat";
	if (loop) {
		argv[argc++] = "--loop";
		argv[argc++] = (char *)loop;
	}
	for (const char *a; (a = va_arg(ap, const char *));)
		argv[argc++] = (char *)a;
	argv[argc] = NULL;
	assert_int_equal(run_argv(c, argc, argv), 0);
}

/* Runs `heartbeat args...` (NULL-terminated) in-process. */
static void cli(struct capture *c, ...)
{
	va_list ap;

	va_start(ap, c);
	vcli(c, NULL, ap);
	va_end(ap);
}

/* The same for a run of the default loop: under valgrind, with --loop epoll first. */
static void cli_run(struct capture *c, ...)
{
	va_list ap;

	va_start(ap, c);
	vcli(c, small ? "epoll" : NULL, ap);
	va_end(ap);
}

/*
 * A usage error: exit 2, nothing on stdout, the one shape of every tool:
 * "ompk: <flag>: ...; accepted: ..." naming the flag, then "Try 'heartbeat --help'.".
 */
static void usage_error(const char *flag, struct capture *c)
{
	const char *nl = strchr(c->err, '\n');

	assert_int_equal(c->code, 2);
	assert_string_equal(c->out, "");
	assert_int_equal(ompk_test_count_lines(c->err), 2);
	assert_non_null(strstr(c->err, flag));
	assert_true(ompk_test_starts_with(c->err, "ompk: "));
	assert_non_null(strstr(c->err, "; accepted: "));
	assert_non_null(nl);
	assert_string_equal(nl + 1, "Try 'heartbeat --help'.\n");
}

/* The command line's defaults are the library's: one default, stated once in --help. */
static void test_cli_defaults(void **state)
{
	char *argv[] = { "heartbeat", NULL };
	struct ompk_hb_config c, d;
	struct ompk_options o;
	char msg[256];
	struct capture h;

	(void)state;
	assert_int_equal(ompk_heartbeat_cli_parse(1, argv, &c, &o, msg, sizeof(msg)), 0);
	ompk_hb_config_default(&d);
	assert_int_equal(c.tick_ns, d.tick_ns);
	assert_int_equal(c.ticks, d.ticks);
	assert_int_equal(c.block_ns, d.block_ns);
	assert_int_equal(c.mode, d.mode);
	assert_int_equal(c.work, d.work);
	assert_int_equal(c.loop, d.loop);
	assert_int_equal(c.timer, d.timer);
	assert_int_equal(o.format, OMPK_TEXT);
	assert_false(o.quiet);
	cli(&h, "--help", NULL);
	assert_non_null(
		strstr(h.out, "      --tick-ms MS        heartbeat period (default: 50)\n"));
	assert_int_equal(d.tick_ns, 50 * 1000000ull);
}

/* Each command line (up to four words) is a usage error naming this flag or argument. */
static const struct {
	const char *flag, *argv[4];
} bad_flags[] = {
	{ "--ticks", { "--ticks", "0" } },
	{ "--ticks", { "--ticks" } },
	{ "--tick-ms", { "--tick-ms", "abc" } },
	{ "--tick-ms", { "--tick-ms=0" } },
	{ "--block-ms", { "--block-ms", "-1" } },
	{ "--block-ms", { "--block-ms", "3600001" } },
	{ "--mode", { "--mode", "sideways" } },
	{ "--work", { "--work", "spin" } },
	{ "--loop", { "--loop", "select" } },
	{ "--timer", { "--timer", "often" } },
	{ "--timer", { "--loop", "epoll", "--timer", "oneshot" } },
	{ "--format", { "--format", "xml" } },
	{ "--threads", { "--threads", "2" } },
	{ "--repeat", { "--repeat=3" } },
	{ "--nope", { "--nope" } },
	{ "extra", { "extra" } },
	{ "--mode", { "--mode", "in\nline" } },
};

static void test_cli_bad_flags(void **state)
{
	struct capture c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_flags) / sizeof(bad_flags[0]); i++) {
		const char *const *v = bad_flags[i].argv;

		cli(&c, v[0], v[1], v[2], v[3], NULL);
		usage_error(bad_flags[i].flag, &c);
	}
	cli(&c, "--version", NULL);
	assert_int_equal(c.code, 0);
	assert_true(ompk_test_starts_with(c.out, "heartbeat (ompkit) " OMPK_VERSION "\nbuild: "));
}

static void test_cli_outputs(void **state)
{
	struct capture c;
	char head[256];

	(void)state;
	cli(&c, "--help", NULL);
	assert_int_equal(c.code, 0);
	ompk_test_has(c.out, "--tick-ms", "--mode");

	cli_run(&c, "--mode", "offload", "--tick-ms", "20", "--ticks", "2", "--block-ms", "60",
		NULL);
	assert_int_equal(c.code, 0);
	assert_string_equal(c.err, "");
	ompk_test_has(c.out, "mode       = offload\n", "tick_ms    = 20\n", "heartbeat 1 at ",
		      "heartbeat 2 at ");
	assert_null(strstr(c.out, "heartbeat 3 at "));
	ompk_test_has(c.out, "job done at ", "max_lateness_ms = ");

	cli_run(&c, "--format", "json", "--work", "lcg", "--tick-ms", "20", "--ticks", "2",
		"--block-ms", "30", NULL);
	assert_int_equal(c.code, 0);
	assert_int_equal(ompk_test_count_lines(c.out), 1);
	snprintf(head, sizeof(head),
		 "{\"tool\":\"heartbeat\",\"kernel\":null,\"variant\":null,\"threads\":null,"
		 "\"threads_requested\":null,\"mode\":\"inline\",\"work\":\"lcg\",\"loop\":\"%s\",",
		 small ? "epoll" : "uring");
	assert_true(ompk_test_starts_with(c.out, head));
	assert_non_null(strstr(c.out, "\"params\":{\"tick_ms\":20,\"ticks\":2,\"block_ms\":30}"));
	/* The period and the tick times are two facts with two names: tick_ms is never an array. */
	assert_null(strstr(c.out, "\"tick_ms\":["));
	ompk_test_has(c.out, "\"tick_times_ms\":[",
		      "\"result\":{\"max_lateness_ms\":", "\"lateness_ms\":[", "\"lcg_steps\":");
	assert_string_equal(c.out + strlen(c.out) - 2, "}\n");

	cli(&c, "--format=csv", "--loop", "epoll", "--tick-ms", "10", "--ticks", "3", "--block-ms",
	    "0", NULL);
	assert_int_equal(c.code, 0);
	assert_int_equal(ompk_test_count_lines(c.out), 2);
	assert_true(ompk_test_starts_with(
		c.out, "tool,kernel,variant,threads,threads_requested,mode,work,loop,"
		       "timer,tick_ms,ticks,block_ms,max_lateness_ms,verified,"));
	assert_non_null(strstr(c.out, "\nheartbeat,,,,,inline,sleep,epoll,timerfd,10,3,0,"));

	cli_run(&c, "-q", "--mode", "offload", "--tick-ms", "10", "--ticks", "1", "--block-ms", "0",
		NULL);
	assert_int_equal(c.code, 0);
	assert_int_equal(ompk_test_count_lines(c.out), 1);
	assert_true(strtod(c.out, NULL) >= 0);
}

/* --- the fallback: io_uring_setup refused by seccomp --------------------- */

static void deny_io_uring_setup(int err)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), /* another ABI: leave it alone */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)err),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = OMPK_COUNT(f), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		_exit(99);
}

/*
 * In a child with io_uring_setup failing with err, runs the CLI and
 * reports through its exit status: 0 the expected outcome, else a code
 * saying which check failed.
 */
static int fallback_child(const void *arg)
{
	int err = *(const int *)arg;
	char *auto_argv[] = { "heartbeat", "--format", "json", "--mode",     "offload", "--tick-ms",
			      "20",	   "--ticks",  "2",    "--block-ms", "60",	NULL };
	char *uring_argv[] = { "heartbeat", "--loop",	  "uring", "--ticks",
			       "1",	    "--block-ms", "0",	   NULL };
	struct capture c;

	deny_io_uring_setup(err);
	if (run_argv(&c, 11, auto_argv))
		return 10;
	if (c.code != 0)
		return 11;
	if (ompk_test_count_lines(c.err) != 1 || !strstr(c.err, "io_uring unavailable") ||
	    !strstr(c.err, "epoll"))
		return 12;
	if (!strstr(c.out, "\"loop\":\"epoll\"") || !strstr(c.out, "\"tick_times_ms\":["))
		return 13;
	/* Forced, io_uring's failure is an error naming the flag. */
	if (run_argv(&c, 7, uring_argv))
		return 10;
	if (c.code != 1 || c.out[0] || ompk_test_count_lines(c.err) != 1 ||
	    !strstr(c.err, "--loop uring"))
		return 14;
	return 0;
}

static void check_fallback(int err)
{
	assert_int_equal(ompk_test_child_exit(fallback_child, &err), 0);
}

/*
 * The errors that refuse io_uring, one test each (see main). A seccomp or
 * LSM policy may answer EACCES: refused as for the loader (one rule).
 */
static const int fallback_errs[] = { ENOSYS, EPERM, EACCES };

static void test_fallback(void **state)
{
	check_fallback(*(const int *)*state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		OMPK_TEST_CASE("test_uring_multishot_sleep", test_pair, &pair_cases[0]),
		OMPK_TEST_CASE("test_uring_oneshot_sleep", test_pair, &pair_cases[1]),
		OMPK_TEST_CASE("test_uring_lcg", test_pair, &pair_cases[2]),
		OMPK_TEST_CASE("test_epoll_sleep", test_pair, &pair_cases[3]),
		OMPK_TEST_CASE("test_epoll_lcg", test_pair, &pair_cases[4]),
		cmocka_unit_test(test_tick_count),
		cmocka_unit_test(test_lateness_values),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_cli_bad_flags),
		cmocka_unit_test(test_cli_defaults),
		cmocka_unit_test(test_cli_outputs),
		OMPK_TEST_CASE("test_fallback_enosys", test_fallback, &fallback_errs[0]),
		OMPK_TEST_CASE("test_fallback_eperm", test_fallback, &fallback_errs[1]),
		OMPK_TEST_CASE("test_fallback_eacces", test_fallback, &fallback_errs[2]),
	};

	small = ompk_test_under_valgrind();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
