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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void print_u64s(FILE *f, const struct ompk_result *r, const char *sep)
{
	for (size_t j = 0; j < r->f[0].n; j++)
		fprintf(f, "%s%llu", j ? sep : "", (unsigned long long)r->f[0].v[j]);
}

static void print_times(FILE *f, const double *t, uint64_t n, const char *sep)
{
	for (uint64_t j = 0; j < n; j++)
		fprintf(f, "%s%.3f", j ? sep : "", t[j] * 1e3);
}

static void report(const struct args *a, const struct ompk_loader_stats *st, const double *walls,
		   size_t nw, int verified, const char *method)
{
	const struct ompk_loader_config *c = &a->c;
	const char *ver = verified > 0 ? "yes" : verified == 0 ? "NO" : "not checked";
	double med = walls[nw / 2], min = walls[0], max = walls[nw - 1];
	FILE *f = stdout;

	if (a->o.quiet) {
		ompk_result_print_bare(f, &st->result);
		return;
	}
	if (a->o.format == OMPK_JSON) {
		fprintf(f,
			"{\"tool\":\"pipeline\",\"kernel\":\"%s\",\"variant\":\"%s\",\"threads\":%"
			"d,"
			"\"params\":{\"shards\":%llu,\"shard_len\":%llu,\"latency_ms\":%llu,"
			"\"inflight\":%llu},"
			"\"source\":\"%s\",\"mode\":\"%s\",\"backend\":\"%s\",\"fallback\":%s,"
			"\"result\":{\"%s\":",
			c->kernel->name, ompk_variant_name(c->variant), st->threads_used,
			(unsigned long long)c->shards, (unsigned long long)c->shard_len,
			(unsigned long long)a->latency_ms, (unsigned long long)c->inflight,
			c->dir ? "dir" : "synthetic", c->serial ? "serial" : "overlap",
			ompk_backend_name(st->backend), st->fallback_err ? "true" : "false",
			st->result.f[0].name);
		fprintf(f, st->result.f[0].array ? "[" : "");
		print_u64s(f, &st->result, ",");
		fprintf(f,
			"%s},\"verified\":%s,\"verify_method\":\"%s\",\"repeats\":%zu,"
			"\"wall_s\":%.6f,\"min_s\":%.6f,\"max_s\":%.6f,\"fetch_sum_s\":%.6f,"
			"\"compute_sum_s\":%.6f,"
			"\"overlap\":%.3f,\"timeline\":[",
			st->result.f[0].array ? "]" : "", verified > 0 ? "true" : "false", method,
			nw, med, min, max, st->fetch_sum, st->compute_sum, st->overlap);
		for (uint64_t i = 0; i < c->shards; i++)
			fprintf(f,
				"%s{\"shard\":%llu,\"fetch_done_ms\":%.3f,\"compute_done_ms\":%."
				"3f}",
				i ? "," : "", (unsigned long long)i, st->fetch_done[i] * 1e3,
				st->compute_done[i] * 1e3);
		fprintf(f, "],\"version\":\"%s\"}\n", OMPK_VERSION);
		return;
	}
	if (a->o.format == OMPK_CSV) {
		fprintf(f,
			"tool,kernel,variant,threads,shards,shard_len,latency_ms,inflight,source,"
			"mode,backend,%s,"
			"verified,repeats,wall_s,min_s,max_s,fetch_sum_s,compute_sum_s,overlap,"
			"fetch_done_ms,compute_done_ms\n",
			st->result.f[0].name);
		fprintf(f, "pipeline,%s,%s,%d,%llu,%llu,%llu,%llu,%s,%s,%s,", c->kernel->name,
			ompk_variant_name(c->variant), st->threads_used,
			(unsigned long long)c->shards, (unsigned long long)c->shard_len,
			(unsigned long long)a->latency_ms, (unsigned long long)c->inflight,
			a->source, c->serial ? "serial" : "overlap",
			ompk_backend_name(st->backend));
		print_u64s(f, &st->result, " ");
		fprintf(f, ",%s,%zu,%.6f,%.6f,%.6f,%.6f,%.6f,%.3f,", verified > 0 ? "yes" : "no",
			nw, med, min, max, st->fetch_sum, st->compute_sum, st->overlap);
		print_times(f, st->fetch_done, c->shards, " ");
		fprintf(f, ",");
		print_times(f, st->compute_done, c->shards, " ");
		fprintf(f, "\n");
		return;
	}
	fprintf(f, "kernel     = %s (%s, %d threads)\n", c->kernel->name,
		ompk_variant_name(c->variant), st->threads_used);
	fprintf(f, "shards     = %llu x %llu %s, %llu ms latency each, %llu in flight\n",
		(unsigned long long)c->shards, (unsigned long long)c->shard_len,
		strcmp(c->kernel->name, "sumsq") ? "bytes" : "values",
		(unsigned long long)a->latency_ms, (unsigned long long)c->inflight);
	fprintf(f, "source     = %s\n", a->source);
	fprintf(f, "mode       = %s\n", c->serial ? "serial" : "overlap");
	fprintf(f, "backend    = %s%s\n", ompk_backend_name(st->backend),
		st->fallback_err ? " (io_uring unavailable)" : "");
	fprintf(f, "result     = ");
	print_u64s(f, &st->result, ", ");
	fprintf(f, "\nverified   = %s (%s)\n", ver, method);
	fprintf(f, "wall       = %.1f ms (median of %zu; min %.1f, max %.1f)\n", med * 1e3, nw,
		min * 1e3, max * 1e3);
	fprintf(f, "overlap    = %.2f = (fetch %.1f ms + compute %.1f ms) / wall %.1f ms\n",
		st->overlap, st->fetch_sum * 1e3, st->compute_sum * 1e3, st->wall_s * 1e3);
	if (c->shards <= 64) {
		fprintf(f, "timeline   = shard: fetch done, compute done (ms)\n");
		for (uint64_t i = 0; i < c->shards; i++)
			fprintf(f, "  %6llu: %9.1f %9.1f\n", (unsigned long long)i,
				st->fetch_done[i] * 1e3, st->compute_done[i] * 1e3);
	} else {
		fprintf(f, "timeline   = %llu shards (--format json lists each)\n",
			(unsigned long long)c->shards);
	}
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
	const char *method = "--no-verify";
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
		return OMPK_EXIT_OK;
	}
	if (a.o.version) {
		ompk_version(stdout, "pipeline");
		return OMPK_EXIT_OK;
	}
	if (a.make_dir) {
		a.c.dir = a.make_dir;
		if (ompk_shards_write(&a.c, msg, sizeof(msg)))
			goto fail;
		if (!a.o.quiet)
			printf("wrote %llu shards of %llu payload bytes to %s\n",
			       (unsigned long long)a.c.shards,
			       (unsigned long long)ompk_shard_bytes(&a.c), a.make_dir);
		return OMPK_EXIT_OK;
	}
	ompk_threads_warn(a.o.threads); /* --threads or OMP_NUM_THREADS, as the kernels */
	/* Before the loader makes any thread: they all inherit the mask. */
	sfd = signals_take(&sigs);
	a.c.cancel_fd = sfd;
	a.c.cancel_fd_set = sfd >= 0;
	walls = calloc(a.o.repeat, sizeof(double));
	if (!walls) {
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
		if (r >= a.o.warmup)
			walls[nw++] = st.wall_s;
	}
	qsort(walls, nw, sizeof(double), cmp_double);
	if (a.o.verify) {
		err = ompk_loader_expect(&a.c, &expected, &method, msg, sizeof(msg));
		if (err == -ESPIPE) { /* a stream: said so, never passed off as checked */
			method = "a shard is a stream, which cannot be read a second time";
		} else if (err) {
			goto fail;
		} else {
			verified = ompk_result_equal(&st.result, &expected);
		}
	}
	if ((sig = signal_pending(sfd)) != 0)
		goto out;
	report(&a, &st, walls, nw, verified, method);
	if (verified == 0) {
		fprintf(stderr, "ompk: result does not match the %s; expected ", method);
		print_u64s(stderr, &expected, ", ");
		fprintf(stderr, "\n");
	}
	rc = verified == 0 ? OMPK_EXIT_FAIL : OMPK_EXIT_OK;
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
	ompk_loader_stats_free(&st);
	ompk_result_free(&expected);
	if (sfd >= 0)
		close(sfd);
	if (sig)
		signal_die(sig, &sigs);
	return rc;
}
