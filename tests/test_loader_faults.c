/*
 * test_loader_faults.c - the shard loader under injected faults and
 * interruption (src/io/, the private src/io/loader_fault.h's struct ompk_fault).
 *
 * Each case is one cmocka test: a fault (short read, -EIO, -EINTR,
 * -EAGAIN, a completion held back behind later ones, a full submission
 * queue, a failing submit) hits the n-th read of a run over shard files,
 * or a random pattern of short reads of random lengths hits the whole run,
 * read in small blocks so that a run issues dozens of reads. A case ends
 * either with the exact result (the kernel's oracle over the files read
 * again with plain reads, ompk_loader_expect) or with the error it must
 * give, one line naming the file; the fault must have taken effect
 * (hits > 0), no file descriptor may be left open, and a watchdog
 * (alarm) turns a hang into a failure. Leaks are left to ASan/LSan
 * (make check-san) and valgrind (make check-valgrind).
 *
 * Interruption: a run whose cancel_fd turns readable mid-fetch returns
 * -ECANCELED promptly (not after its 60 s latency, not after a FIFO
 * writer that never writes), with every request drained; and bin/pipeline
 * sent SIGINT or SIGTERM dies of that signal with one line on stderr and
 * nothing on stdout.
 *
 * Under valgrind only the threads backend runs (valgrind 3.19 deadlocks
 * in io_uring_enter; see test_loader.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ompkit/driver.h"
#include "loader_fault.h" /* src/io/: test-only fault injection */
#include "ompkit/loader.h"
#include "ompkit/registry.h"
#include "test_util.h"

#ifndef OMPK_BIN_DIR
#define OMPK_BIN_DIR "bin"
#endif

#define SHARDS 4
#define READ_BLOCK 512

static bool small;
static char tmpdir[200];
static unsigned watchdog_s = 60;

enum want { WANT_EXACT, WANT_EIO, WANT_BUSY };

struct fault_case {
	const char *name;
	enum ompk_backend backend;
	const char *kernel;
	enum ompk_fault_kind kind;
	uint64_t nth, count;
	enum want want;
	uint64_t seed; /* SHORT: a random pattern's seed (0: every read in the span halved) */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* "fd -> target" for every open descriptor, one a line: compared before and after a run. */
static void open_fds(char *buf, size_t len)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	size_t at = 0;

	assert_non_null(d);
	buf[0] = '\0';
	while ((e = readdir(d))) {
		char p[300], l[300];
		ssize_t k;

		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		snprintf(p, sizeof(p), "/proc/self/fd/%s", e->d_name);
		k = readlink(p, l, sizeof(l) - 1);
		l[k > 0 ? k : 0] = '\0';
		at += (size_t)snprintf(buf + at, len - at, "%s -> %s\n", e->d_name, l);
		assert_true(at < len);
	}
	closedir(d);
}

static const char *case_name;

static void on_alarm(int sig)
{
	static const char m[] = "watchdog: the case hung: ";

	(void)sig;
	(void)!write(2, m, sizeof(m) - 1);
	(void)!write(2, case_name, strlen(case_name));
	(void)!write(2, "\n", 1);
	_exit(3);
}

static void watchdog(const char *name, unsigned s)
{
	case_name = name;
	signal(SIGALRM, on_alarm);
	alarm(s);
}

/* Shard files for kernel k, made once per kernel: SHARDS shards of a few KiB each. */
static void shard_config(struct ompk_loader_config *c, const char *kernel, enum ompk_backend b)
{
	static char dirs[2][300];
	const int ki = strcmp(kernel, "sumsq") == 0 ? 0 : 1;

	memset(c, 0, sizeof(*c));
	c->kernel = ompk_kernel_find(kernel);
	assert_non_null(c->kernel);
	c->shards = SHARDS;
	c->shard_len = ki == 0 ? 700
			       : 5000; /* 5,616 and 5,016 bytes a file: 11 and 10 reads each */
	c->inflight = SHARDS;
	c->latency_ns = 100000;
	c->variant = OMPK_OMP;
	c->threads = 2;
	c->backend = b;
	c->read_block = READ_BLOCK;
	if (!dirs[ki][0]) {
		char msg[4352];

		snprintf(dirs[ki], sizeof(dirs[ki]), "%s/%s", tmpdir, kernel);
		c->dir = dirs[ki];
		if (ompk_shards_write(c, msg, sizeof(msg)))
			fail_msg("%s", msg);
	}
	c->dir = dirs[ki];
}

static void one_line(const char *msg)
{
	assert_true(msg[0] != '\0');
	assert_null(strchr(msg, '\n'));
}

static void test_fault(void **state)
{
	const struct fault_case *fc = *state;
	struct ompk_fault f = {
		.kind = fc->kind, .nth = fc->nth, .count = fc->count, .seed = fc->seed
	};
	struct ompk_loader_config c;
	struct ompk_loader_stats st;
	char msg[4352] = "", fds[4096], fds_after[4096];
	int err;

	if (small && fc->backend == OMPK_BACKEND_URING) {
		print_message(
			"skipped under valgrind (io_uring_enter deadlocks valgrind 3.19): %s\n",
			fc->name);
		skip();
	}
	shard_config(&c, fc->kernel, fc->backend);
	open_fds(fds, sizeof(fds));
	watchdog(fc->name, watchdog_s);
	err = ompk__loader_run_fault(&c, &f, &st, msg, sizeof(msg));
	alarm(0);
	open_fds(fds_after, sizeof(fds_after));
	assert_string_equal(fds_after, fds);
	if (f.hits == 0)
		fail_msg("%s: the fault never took effect", fc->name);
	switch (fc->want) {
	case WANT_EXACT: {
		struct ompk_result want = { 0 };
		const char *method;
		char m2[4352];

		if (err)
			fail_msg("%s: %s", fc->name, msg);
		assert_int_equal(st.backend, fc->backend);
		assert_int_equal(ompk_loader_expect(&c, &want, &method, m2, sizeof(m2)), 0);
		assert_true(ompk_result_equal(&st.result, &want));
		ompk_result_free(&want);
		break;
	}
	case WANT_EIO:
		assert_int_equal(err, -EIO);
		one_line(msg);
		assert_non_null(strstr(msg, "/shard-00000"));
		assert_non_null(strstr(msg, strerror(EIO)));
		assert_int_equal(f.hits, 1);
		break;
	case WANT_BUSY:
		assert_int_equal(err, -EBUSY);
		one_line(msg);
		assert_non_null(strstr(msg, "cannot queue a request for shard"));
		break;
	}
	ompk_loader_stats_free(&st);
}

/* ---- interruption --------------------------------------------------------- */

struct poke {
	int fd;
	unsigned ms;
};

static void *poke_later(void *arg)
{
	const struct poke *p = arg;
	const uint64_t one = 1;
	struct timespec ts = { .tv_sec = p->ms / 1000, .tv_nsec = (long)(p->ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
	(void)!write(p->fd, &one, 8);
	return NULL;
}

/*
 * A run interrupted through cancel_fd 300 ms in: fetches whose latency is
 * 60 s (timers), or a shard that is a FIFO no writer ever opens, end at
 * once with -ECANCELED, all SHARDS requests counted as cancelled.
 */
static void interrupt_run(enum ompk_backend b, bool fifo)
{
	struct ompk_loader_config c;
	struct ompk_loader_stats st;
	struct poke p = { .ms = 300 };
	char msg[4352] = "", dir[400], file[500], fds[4096], fds_after[4096];
	pthread_t t;
	double t0;
	int err;

	if (small && b == OMPK_BACKEND_URING) {
		print_message("skipped under valgrind (io_uring_enter deadlocks valgrind 3.19)\n");
		skip();
	}
	memset(&c, 0, sizeof(c));
	c.kernel = ompk_kernel_find("sumsq");
	c.shards = SHARDS;
	c.shard_len = 100;
	c.inflight = SHARDS;
	c.latency_ns = fifo ? 0 : UINT64_C(60) * 1000000000;
	c.variant = OMPK_OMP;
	c.threads = 2;
	c.backend = b;
	if (fifo) {
		snprintf(dir, sizeof(dir), "%s/fifo-%s", tmpdir, ompk_backend_name(b));
		assert_int_equal(mkdir(dir, 0700), 0);
		for (uint64_t i = 0; i < SHARDS; i++) {
			ompk_shard_path(dir, i, file, sizeof(file));
			assert_int_equal(mkfifo(file, 0600), 0);
		}
		c.dir = dir;
	}
	open_fds(fds, sizeof(fds));
	p.fd = eventfd(0, EFD_CLOEXEC);
	assert_true(p.fd >= 0);
	c.cancel_fd = p.fd;
	c.cancel_fd_set = true;
	assert_int_equal(pthread_create(&t, NULL, poke_later, &p), 0);
	watchdog(fifo ? "interrupt a FIFO with no writer" : "interrupt 60 s fetches", watchdog_s);
	t0 = now();
	err = ompk_loader_run(&c, &st, msg, sizeof(msg));
	alarm(0);
	pthread_join(t, NULL);
	close(p.fd);
	assert_int_equal(err, -ECANCELED);
	one_line(msg);
	assert_non_null(strstr(msg, "interrupted"));
	assert_int_equal(st.cancelled, SHARDS);
	/*
	 * Structural: far below the 60 s the fetches would take (threads poll a FIFO every 100 ms).
	 */
	assert_true(now() - t0 < 30.0);
	open_fds(fds_after, sizeof(fds_after));
	assert_string_equal(fds_after, fds);
	ompk_loader_stats_free(&st);
}

/* The backends and whether the shards are FIFOs, one interrupt test each (see main). */
static const struct interrupt_case {
	const char *test;
	enum ompk_backend backend;
	bool fifo;
} interrupt_cases[] = {
	{ "test_interrupt_timers_uring", OMPK_BACKEND_URING, false },
	{ "test_interrupt_timers_threads", OMPK_BACKEND_THREADS, false },
	{ "test_interrupt_fifo_uring", OMPK_BACKEND_URING, true },
	{ "test_interrupt_fifo_threads", OMPK_BACKEND_THREADS, true },
};

static void test_interrupt(void **state)
{
	const struct interrupt_case *c = *state;

	interrupt_run(c->backend, c->fifo);
}

/* Does /proc/pid/fd hold a signalfd (bin/pipeline has blocked the signals)? */
static bool has_signalfd(pid_t pid)
{
	char path[64], link[128];
	bool found = false;
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		char p2[400];
		ssize_t n;

		snprintf(p2, sizeof(p2), "%s/%s", path, e->d_name);
		n = readlink(p2, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			found = strstr(link, "signalfd") != NULL;
		}
	}
	closedir(d);
	return found;
}

static size_t slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

/*
 * bin/pipeline with 60 s fetches, sent sig once it is fetching: it dies of sig, says so once,
 * prints nothing.
 */
static void pipeline_signal(const char *backend, int sig)
{
	char out[300], errp[300], buf[4096];
	const char *name = sig == SIGINT ? "SIGINT" : "SIGTERM";
	int status;
	pid_t pid;
	double t0;

	if (small && strcmp(backend, "uring") == 0) {
		print_message("skipped under valgrind (io_uring_enter deadlocks valgrind 3.19)\n");
		skip();
	}
	snprintf(out, sizeof(out), "%s/sig.out", tmpdir);
	snprintf(errp, sizeof(errp), "%s/sig.err", tmpdir);
	pid = ompk_test_fork_output(out, errp);
	if (pid == 0) {
		/*
		 * The test runner may have SIGINT ignored (a background job): the child starts from
		 * the defaults.
		 */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execl(OMPK_BIN_DIR "/pipeline", "pipeline", "--shards", "4", "--latency-ms",
		      "60000", "--backend", backend, (char *)NULL);
		_exit(127);
	}
	watchdog("pipeline signal", watchdog_s);
	t0 = now();
	while (!has_signalfd(pid) && now() - t0 < 20) {
		struct timespec ts = { 0, 10000000 };

		nanosleep(&ts, NULL);
	}
	assert_true(has_signalfd(pid));
	/* Fetching by now or soon: the signal is taken either way once the signalfd exists. */
	assert_int_equal(kill(pid, sig), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	alarm(0);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != sig)
		fail_msg("pipeline --backend %s: status %#x, not death by %s", backend, status,
			 name);
	assert_true(now() - t0 < 30.0);
	assert_int_equal(slurp(out, buf, sizeof(buf)), 0); /* no result, not even a partial one */
	slurp(errp, buf, sizeof(buf));
	assert_non_null(strstr(buf, "interrupted by"));
	assert_non_null(strstr(buf, name));
	assert_int_equal(ompk_test_count_lines(buf), 1); /* one line */
}

/* The backends and signals, one pipeline_signal test each (see main). */
static const struct signal_case {
	const char *test, *backend;
	int sig;
} signal_cases[] = {
	{ "test_pipeline_sigint_uring", "uring", SIGINT },
	{ "test_pipeline_sigterm_uring", "uring", SIGTERM },
	{ "test_pipeline_sigint_threads", "threads", SIGINT },
	{ "test_pipeline_sigterm_threads", "threads", SIGTERM },
};

static void test_pipeline_signal(void **state)
{
	const struct signal_case *c = *state;

	pipeline_signal(c->backend, c->sig);
}

/* Before any descriptor is counted (see test_util.h): the unwinder, and one loader run. */
static void warm_up(void)
{
	struct ompk_loader_config c;
	struct ompk_loader_stats st;
	char msg[4352];

	memset(&c, 0, sizeof(c));
	c.kernel = ompk_kernel_find("sumsq");
	c.shards = 2;
	c.shard_len = 10;
	c.inflight = 2;
	c.variant = OMPK_OMP;
	c.threads = 2;
	c.backend = OMPK_BACKEND_THREADS;
	ompk_test_load_unwinder();
	if (ompk_loader_run(&c, &st, msg, sizeof(msg)))
		fprintf(stderr, "warm-up run: %s\n", msg);
	ompk_loader_stats_free(&st);
}

/* ---- the cases -------------------------------------------------------------- */

/* Every case runs on each backend (see make_cases); its name gets the backend's in front. */
#define CASE(nm, k, kind, nth, count, want)                             \
	{                                                               \
		nm, 0, k, OMPK_FAULT_##kind, nth, count, WANT_##want, 0 \
	}

/* Random short reads over the whole run: which reads are short, and by how much, drawn from seed. */
#define RANDOM_SHORT(nm, k, seed)                                                 \
	{                                                                         \
		nm, 0, k, OMPK_FAULT_SHORT, 1, 100000, WANT_EXACT, UINT64_C(seed) \
	}

/*
 * Reads run 1 .. ~44 (4 shards of 10-11 reads of 512 bytes); n = 1, 7 and 30 hit early, mid and
 * late. A random pattern of short reads (of 1 to 511 bytes) needs more.
 */
static const struct fault_case both_cases[] = {
	CASE("short read 1", "sumsq", SHORT, 1, 0, EXACT),
	CASE("short read 7", "checksum", SHORT, 7, 0, EXACT),
	CASE("short read 30", "sumsq", SHORT, 30, 0, EXACT),
	CASE("every read short", "checksum", SHORT, 1, 1000, EXACT),
	RANDOM_SHORT("random short reads, seed 1", "sumsq", 1),
	RANDOM_SHORT("random short reads, seed 2", "checksum", 2),
	RANDOM_SHORT("random short reads, seed 3", "sumsq", 3),
	RANDOM_SHORT("random short reads, seed 4", "checksum", 4),
	CASE("EIO read 1", "sumsq", EIO, 1, 0, EIO),
	CASE("EIO read 7", "checksum", EIO, 7, 0, EIO),
	CASE("EIO read 30", "sumsq", EIO, 30, 0, EIO),
	CASE("EINTR read 1", "checksum", EINTR, 1, 0, EXACT),
	CASE("EINTR read 7", "sumsq", EINTR, 7, 0, EXACT),
	CASE("EINTR read 30", "checksum", EINTR, 30, 0, EXACT),
	CASE("EINTR x8 from read 3", "sumsq", EINTR, 3, 8, EXACT),
	CASE("EAGAIN read 1", "sumsq", EAGAIN, 1, 0, EXACT),
	CASE("EAGAIN read 7", "checksum", EAGAIN, 7, 0, EXACT),
	CASE("EAGAIN read 30", "sumsq", EAGAIN, 30, 0, EXACT),
	CASE("reorder read 1", "sumsq", REORDER, 1, 0, EXACT),
	CASE("reorder read 7", "checksum", REORDER, 7, 0, EXACT),
	CASE("reorder reads 1-20", "sumsq", REORDER, 1, 20, EXACT),
};

/* A full submission queue and a failing submit exist only for io_uring. */
static const struct fault_case uring_cases[] = {
	CASE("SQ full read 1", "sumsq", SQ_FULL, 1, 0, EXACT),
	CASE("SQ full read 7", "checksum", SQ_FULL, 7, 0, EXACT),
	CASE("SQ full read 30", "sumsq", SQ_FULL, 30, 0, EXACT),
	CASE("submit fails read 1", "sumsq", SUBMIT, 1, 0, BUSY),
	CASE("submit fails read 7", "checksum", SUBMIT, 7, 0, BUSY),
	CASE("submit fails read 30", "sumsq", SUBMIT, 30, 0, BUSY),
};

#define NCASES (2 * OMPK_COUNT(both_cases) + OMPK_COUNT(uring_cases))

static struct fault_case cases[NCASES];
static char case_names[NCASES][64];

/* cases[]: both_cases on io_uring, then uring_cases, then both_cases on the thread pool. */
static void make_cases(void)
{
	size_t n = 0;

	for (int pass = 0; pass < 3; pass++) {
		const struct fault_case *from = pass == 1 ? uring_cases : both_cases;
		size_t len = pass == 1 ? OMPK_COUNT(uring_cases) : OMPK_COUNT(both_cases);
		bool threads = pass == 2;

		for (size_t i = 0; i < len; i++, n++) {
			cases[n] = from[i];
			cases[n].backend = threads ? OMPK_BACKEND_THREADS : OMPK_BACKEND_URING;
			snprintf(case_names[n], sizeof(case_names[n]), "%s %s",
				 threads ? "threads" : "uring", from[i].name);
			cases[n].name = case_names[n];
		}
	}
}

int main(void)
{
	struct CMUnitTest tests[NCASES + 8];
	size_t n = 0;
	char cmd[300];
	int rc;

	make_cases();
	small = ompk_test_under_valgrind();
	if (small)
		watchdog_s = 600;
	for (size_t i = 0; i < NCASES; i++) {
		struct CMUnitTest t = { cases[i].name, test_fault, NULL, NULL, &cases[i] };

		tests[n++] = t;
	}
	for (size_t i = 0; i < OMPK_COUNT(interrupt_cases); i++)
		tests[n++] = (struct CMUnitTest)OMPK_TEST_CASE(interrupt_cases[i].test,
							       test_interrupt, &interrupt_cases[i]);
	for (size_t i = 0; i < OMPK_COUNT(signal_cases); i++)
		tests[n++] = (struct CMUnitTest)OMPK_TEST_CASE(
			signal_cases[i].test, test_pipeline_signal, &signal_cases[i]);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ompk-faults-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	warm_up();
	rc = _cmocka_run_group_tests("loader_faults", tests, n, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return rc;
}
