/*
 * pipeline.c - bin/pipeline: the I/O half of the tutorial. Fetches
 * --shards shards (each a --latency-ms wait, then its payload) with at
 * most --inflight in flight, and runs the kernel on each shard on the
 * OpenMP threads as soon as it lands (src/io/); --mode serial does
 * one shard after another for comparison. Prints the verified result,
 * the wall time, each shard's timeline and the overlap figure
 * (sum of fetch latencies + sum of compute times) / wall.
 *
 * SIGINT and SIGTERM are taken through a signalfd the loader polls: the
 * fetches in flight are cancelled, everything is freed, one line goes to
 * stderr and the process dies of the same signal (130 or 143 in a shell),
 * with no result printed.
 *
 * Its flags are rows of the one option table type, in src/pipeline_cli.c
 * (add a flag there).
 */
#include <errno.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "ompkit/driver.h"
#include "ompkit/loader.h"
#include "ompkit/pipeline.h"
#include "ompkit/registry.h"
#include "ompkit/report.h"
#include "ompkit/stats.h"

#define MSG 4352

struct args {
	struct ompk_loader_config c;
	struct ompk_options o;
	uint64_t latency_ms;
	bool inflight_set;
	const char *make_dir;
	const char *source;
};

/* The command line (src/pipeline_cli.c: the rows and their checks) into *a. */
static int parse(int argc, char **argv, struct args *a, char *msg, size_t len)
{
	struct ompk_pipeline_cli p;
	int err = ompk_pipeline_cli_parse(argc, argv, &p, msg, len);

	memset(a, 0, sizeof(*a));
	a->c = p.c;
	a->o = p.o;
	a->latency_ms = p.latency_ms;
	a->inflight_set = p.c.inflight != p.c.shards;
	a->make_dir = p.make_dir;
	a->source = p.source;
	return err;
}

/*
 * The report of the repeats, through the shared emitter and keys
 * (report.h): `times_s` holds every repeat's wall time and `median_s`
 * their median; the overlap, the sums and the timeline are those of one
 * run, the one nearest the median (`median_run`), whose own wall time is
 * times_s[median_run], so the figures printed side by side belong together.
 */
static void report(struct ompk_emit *e, const struct args *a, const struct ompk_loader_stats *st,
		   const double *walls, const struct ompk_summary *sum, int verified,
		   const char *method, const struct ompk_result *expected)
{
	const struct ompk_loader_config *c = &a->c;
	double *fetch = NULL, *compute = NULL;

	ompk_emit_only(e, OMPK_IN_DATA);
	ompk_emit_str(e, "tool", "pipeline");
	ompk_emit_only(e, OMPK_IN_ALL);
	ompk_emit_str(e, "kernel", c->kernel->name);
	ompk_emit_str(e, "variant", ompk_variant_name(c->variant));
	ompk_emit_int(e, "threads", st->threads_used);
	ompk_emit_only(e, OMPK_IN_DATA);
	ompk_emit_int(e, "threads_requested", c->threads);
	ompk_emit_only(e, OMPK_IN_ALL);
	ompk_emit_object(e, "params", OMPK_EMIT_FLAT);
	ompk_emit_u64(e, "shards", c->shards);
	ompk_emit_u64(e, "shard_len", c->shard_len);
	ompk_emit_u64(e, "latency_ms", a->latency_ms);
	ompk_emit_u64(e, "inflight", c->inflight);
	ompk_emit_u64(e, "read_block", c->read_block);
	ompk_emit_object_end(e);
	ompk_emit_str(e, "source", a->source);
	ompk_emit_str(e, "mode", c->serial ? "serial" : "overlap");
	ompk_emit_textf(e, "backend", "%s%s", ompk_backend_name(st->backend),
			st->fallback_err ? " (io_uring unavailable)" : "");
	ompk_emit_only(e, OMPK_IN_DATA);
	ompk_emit_str(e, "backend", ompk_backend_name(st->backend));
	ompk_emit_bool(e, "fallback", st->fallback_err != 0);
	ompk_emit_only(e, OMPK_IN_ALL);

	ompk_emit_outcome(e, &st->result, verified, method, expected);
	ompk_emit_times(e, walls, sum, a->o.warmup);
	ompk_emit_rate(e,
		       sum->median > 0 ? (double)c->shards * (double)c->shard_len / sum->median : 0,
		       c->kernel->unit);

	ompk_emit_textf(e, "overlap",
			"%.2f = (fetch %.1f ms + compute %.1f ms) / wall %.1f ms (run %zu of %zu, "
			"nearest the median)",
			st->overlap, st->fetch_sum * 1e3, st->compute_sum * 1e3, st->wall_s * 1e3,
			sum->median_run + 1, sum->n);
	ompk_emit_only(e, OMPK_IN_DATA);
	ompk_emit_u64(e, "median_run", sum->median_run);
	ompk_emit_num(e, "fetch_sum_s", st->fetch_sum);
	ompk_emit_num(e, "compute_sum_s", st->compute_sum);
	ompk_emit_num(e, "overlap", st->overlap);
	fetch = calloc(c->shards, sizeof(double));
	compute = calloc(c->shards, sizeof(double));
	if (fetch && compute) {
		for (uint64_t i = 0; i < c->shards; i++) {
			fetch[i] = st->fetch_done[i] * 1e3;
			compute[i] = st->compute_done[i] * 1e3;
		}
		ompk_emit_object(e, "timeline", 0);
		ompk_emit_nums(e, "fetch_done_ms", fetch, c->shards);
		ompk_emit_nums(e, "compute_done_ms", compute, c->shards);
		ompk_emit_object_end(e);
	} else {
		e->err = -ENOMEM;
	}
	free(fetch);
	free(compute);
	ompk_emit_only(e, OMPK_IN_ALL);
	if (c->shards <= 64) {
		ompk_emit_textf(e, "timeline", "shard: fetch done, compute done (ms)");
		for (uint64_t i = 0; i < c->shards; i++)
			ompk_emit_textline(e, "  %6llu: %9.1f %9.1f", (unsigned long long)i,
					   st->fetch_done[i] * 1e3, st->compute_done[i] * 1e3);
	} else {
		ompk_emit_textf(e, "timeline", "%llu shards (--format json lists each)",
				(unsigned long long)c->shards);
	}
	ompk_emit_tail(e);
}

/*
 * SIGINT and SIGTERM, blocked in this thread and every thread made after
 * it, arrive on the returned signalfd (or -1: the default actions stay).
 */
static int signals_take(sigset_t *set)
{
	int fd;

	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	if (pthread_sigmask(SIG_BLOCK, set, NULL) != 0)
		return -1;
	fd = signalfd(-1, set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		pthread_sigmask(SIG_UNBLOCK, set, NULL);
	return fd;
}

/* The signal waiting on fd, or 0. */
static int signal_pending(int fd)
{
	struct signalfd_siginfo si;

	if (fd < 0 || read(fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return 0;
	return (int)si.ssi_signo;
}

/* Dies of sig, as if it had never been caught. */
static void signal_die(int sig, const sigset_t *set)
{
	signal(sig, SIG_DFL);
	pthread_sigmask(SIG_UNBLOCK, set, NULL);
	raise(sig);
	_exit(128 + sig); /* not reached */
}

int main(int argc, char **argv)
{
	struct args a;
	struct ompk_loader_stats st = { 0 };
	struct ompk_result expected = { 0 };
	struct ompk_loader_stats *runs = NULL; /* every timed run, kept for the median one */
	struct ompk_summary sum;
	struct ompk_emit e;
	const char *method = OMPK_NOT_CHECKED_NO_VERIFY;
	char msg[MSG];
	double *walls = NULL;
	size_t nw = 0;
	int verified = -1, err, rc = OMPK_EXIT_FAIL, sfd = -1, sig = 0;
	sigset_t sigs;

	msg[0] = '\0';
	if (parse(argc, argv, &a, msg, sizeof(msg)))
		return ompk_usage_error(stderr, "pipeline", msg);
	if (a.o.help) {
		ompk_pipeline_help(stdout);
		return ompk_output_flush(stdout, stderr);
	}
	if (a.o.version) {
		ompk_version(stdout, "pipeline");
		return ompk_output_flush(stdout, stderr);
	}
	if (a.make_dir) {
		a.c.dir = a.make_dir;
		if (ompk_shards_write(&a.c, msg, sizeof(msg)))
			goto fail;
		if (!a.o.quiet)
			printf("wrote %llu shards of %llu payload bytes to %s\n",
			       (unsigned long long)a.c.shards,
			       (unsigned long long)ompk_shard_bytes(&a.c), a.make_dir);
		return ompk_output_flush(stdout, stderr);
	}
	ompk_threads_warn(a.o.threads); /* --threads or OMP_NUM_THREADS, as the kernels */
	/* Before the loader makes any thread: they all inherit the mask. */
	sfd = signals_take(&sigs);
	a.c.cancel_fd = sfd;
	a.c.cancel_fd_set = sfd >= 0;
	walls = calloc(a.o.repeat, sizeof(double));
	runs = calloc(a.o.repeat, sizeof(*runs));
	if (!walls || !runs) {
		snprintf(msg, sizeof(msg), "--repeat: out of memory");
		goto fail;
	}
	for (uint64_t r = 0; r < a.o.warmup + a.o.repeat; r++) {
		ompk_loader_stats_free(&st);
		err = ompk_loader_run(&a.c, &st, msg, sizeof(msg));
		if ((sig = signal_pending(sfd)) != 0)
			goto out;
		if (err)
			goto fail;
		if (r == 0 && st.fallback_err)
			fprintf(stderr,
				"ompk: io_uring is not available here (%s); using the threads "
				"backend\n",
				strerror(-st.fallback_err));
		if (r < a.o.warmup)
			continue;
		if (nw > 0 && !ompk_result_equal(&st.result, &runs[0].result)) {
			snprintf(msg, sizeof(msg),
				 "pipeline: repeat %zu gave a different result from repeat 1",
				 nw + 1);
			goto fail;
		}
		walls[nw] = st.wall_s;
		runs[nw++] = st;
		memset(&st, 0, sizeof(st));
	}
	err = ompk_summarise(walls, nw, &sum);
	if (err) {
		snprintf(msg, sizeof(msg), "pipeline: cannot summarise the timings: %s",
			 strerror(-err));
		goto fail;
	}
	if (a.o.verify) {
		err = ompk_loader_expect(&a.c, &expected, &method, msg, sizeof(msg));
		if (err == -ESPIPE) { /* a stream: said so, never passed off as checked */
			method = "not checked (a shard is a stream, which cannot be read a second "
				 "time)";
		} else if (err) {
			goto fail;
		} else {
			verified = ompk_result_equal(&runs[0].result, &expected);
		}
	}
	if ((sig = signal_pending(sfd)) != 0)
		goto out;
	if (a.o.quiet) {
		ompk_result_print_bare(stdout, &runs[0].result);
	} else {
		if (ompk_emit_begin(&e, stdout, a.o.format) == 0)
			report(&e, &a, &runs[sum.median_run], walls, &sum, verified, method,
			       &expected);
		if (ompk_emit_end(&e) < 0) {
			snprintf(msg, sizeof(msg), "pipeline: cannot write the report: %s",
				 strerror(-e.err));
			goto fail;
		}
	}
	if (verified == 0) {
		fprintf(stderr, "ompk: result does not match the %s; expected ", method);
		ompk_result_print_bare(stderr, &expected);
	}
	rc = verified == 0 ? OMPK_EXIT_FAIL : OMPK_EXIT_OK;
	if (ompk_output_flush(stdout, stderr))
		rc = OMPK_EXIT_FAIL;
	goto out;
fail:
	ompk_msg_sanitize(msg);
	fprintf(stderr, "ompk: %s\n", msg);
out:
	if (sig)
		fprintf(stderr,
			"ompk: interrupted by %s: cancelled %llu fetch%s in flight; no result\n",
			sig == SIGINT ? "SIGINT" : "SIGTERM", (unsigned long long)st.cancelled,
			st.cancelled == 1 ? "" : "es");
	free(walls);
	for (size_t i = 0; i < nw; i++)
		ompk_loader_stats_free(&runs[i]);
	free(runs);
	ompk_loader_stats_free(&st);
	ompk_result_free(&expected);
	if (sfd >= 0)
		close(sfd);
	if (sig)
		signal_die(sig, &sigs);
	return rc;
}
