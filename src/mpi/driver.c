/*
 * driver.c - bin/<kernel>-mpi: one job split over the ranks of
 * MPI_COMM_WORLD, OpenMP inside each rank, one verified result.
 *
 * Every rank parses the same command line with the shared driver (rank 0
 * alone speaks), then runs the shared ompk_measure() on a wrapper
 * descriptor: a copy of the kernel's whose prepare, run and release do
 * the distributed work. So warm-up, timing, the repeat check and the
 * oracle are the single-process ones; the timed run of rank 0 spans the
 * barrier, its own part and the gather of every part.
 *
 * The split is the kernel's (ompk_split_*): each rank prepares the whole
 * input, computes the same cost-balanced bounds with no messages, runs
 * the subjob of its units with the kernel's own run() (any variant, so a
 * new variant needs no MPI code) and sends its packed result to rank 0,
 * which combines the parts in unit order with the kernel's combine().
 *
 * Threads: OpenMP threads never call MPI; only the main thread does,
 * between parallel regions, so MPI_THREAD_FUNNELED is the level needed
 * (and checked).
 *
 * Errors: after each local step (prepare, run, gather) one Allreduce
 * tells every rank whether any failed; the lowest failing rank's error
 * code and message are broadcast, every rank leaves through the same
 * path, and rank 0 prints the message naming that rank. A failure on one
 * rank outside those steps (one that the others cannot learn of) prints
 * its message and calls MPI_Abort, which ends every rank: never a hang.
 *
 * OMPK_MPI_FAIL_RANK=R (a test hook): rank R's part fails with EIO after
 * it ran, so the tests can check that one failing rank stops them all.
 */
#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ompkit/driver.h"
#include "ompkit/mpi_driver.h"
#include "ompkit/split.h"
#include "ompkit/stats.h"

#define TAG_PART 7

struct dist {
	struct ompk_kernel k; /* first: the job's kernel points here */
	const struct ompk_kernel *inner;
	enum ompk_variant variant;
	int rank, size;
	uint64_t *bounds;      /* size + 1 entries: rank r runs units [bounds[r], bounds[r+1]) */
	uint64_t warmup, runs; /* untimed runs first, then every run so far */
	double *part_times;    /* seconds of this rank's own part, one per timed run */
	size_t ntimes, cap;
	int fail_rank;	 /* the test hook, or -1 */
	int failed_rank; /* the rank whose error all agreed on, or -1 */
	bool agreed;	 /* an error was agreed on by every rank */
	char names[OMPK_MAX_FIELDS][OMPK_FIELD_NAME_MAX]; /* field names of received parts */
};

static struct dist *dist_of(const struct ompk_job *job)
{
	return (struct dist *)job->kernel; /* k is the first member */
}

/* The job as the kernel itself sees it. */
static struct ompk_job inner_job(const struct ompk_job *job)
{
	struct ompk_job whole = *job;

	whole.kernel = dist_of(job)->inner;
	return whole;
}

/*
 * Every rank learns whether any rank failed. Returns 0, or the error of
 * the lowest failing rank (with its message in msg, when msg is given).
 */
static int agree(struct dist *d, int err, char *msg, size_t len)
{
	int mine = err ? d->rank : d->size, first;

	MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	if (first == d->size)
		return 0;
	MPI_Bcast(&err, 1, MPI_INT, first, MPI_COMM_WORLD);
	if (msg)
		MPI_Bcast(msg, (int)len, MPI_CHAR, first, MPI_COMM_WORLD);
	d->agreed = true;
	d->failed_rank = first;
	return err;
}

static int dist_prepare(struct ompk_job *job, char *msg, size_t len)
{
	struct dist *d = dist_of(job);
	struct ompk_job whole;
	int err = d->inner->prepare ? d->inner->prepare(job, msg, len) : 0;

	err = agree(d, err, msg, len);
	if (err)
		return err;
	whole = inner_job(job);
	d->bounds = calloc((size_t)d->size + 1, sizeof(*d->bounds));
	err = d->bounds ? ompk_split_bounds(&whole, d->variant, (unsigned)d->size, d->bounds)
			: -ENOMEM;
	if (err)
		snprintf(msg, len, "%s: cannot split the job over %d ranks: %s", d->inner->name,
			 d->size, strerror(-err));
	return agree(d, err, msg, len);
}

static void dist_release(struct ompk_job *job)
{
	struct dist *d = dist_of(job);

	if (d->inner->release)
		d->inner->release(job);
	free(d->bounds);
	d->bounds = NULL;
}

/* Non-zero ranks: send the packed part (a malformed one on failure, so rank 0 never waits). */
static int send_part(const struct ompk_result *part)
{
	uint64_t *buf = NULL, bad = UINT64_MAX;
	size_t words = 0;
	int err = ompk_result_pack(part, &buf, &words);

	if (!err && words > (size_t)INT32_MAX)
		err = -EOVERFLOW;
	if (err)
		MPI_Send(&bad, 1, MPI_UINT64_T, 0, TAG_PART, MPI_COMM_WORLD);
	else
		MPI_Send(buf, (int)words, MPI_UINT64_T, 0, TAG_PART, MPI_COMM_WORLD);
	free(buf);
	return err;
}

/* Rank 0: receives every part in rank order and combines them into *acc. */
static int gather_parts(struct dist *d, const struct ompk_job *whole, struct ompk_result *acc)
{
	int err = 0;

	for (int r = 1; r < d->size; r++) {
		struct ompk_result part;
		MPI_Status st;
		uint64_t *buf;
		int words, e;

		/* Every part is received, even after an error, so no sender is left blocked. */
		MPI_Probe(r, TAG_PART, MPI_COMM_WORLD, &st);
		MPI_Get_count(&st, MPI_UINT64_T, &words);
		buf = malloc((size_t)(words ? words : 1) * sizeof(*buf));
		MPI_Recv(buf ? (void *)buf : (void *)&e, buf ? words : 0, MPI_UINT64_T, r, TAG_PART,
			 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		e = buf ? ompk_result_unpack(buf, (size_t)words, &part, d->names) : -ENOMEM;
		free(buf);
		if (!e && !err)
			e = ompk_split_combine(whole, acc, &part, d->bounds[r], d->bounds[r + 1]);
		else if (!e)
			ompk_result_free(&part);
		if (e && !err)
			err = e;
	}
	return err;
}

static int dist_run(struct ompk_job *job, enum ompk_variant v, struct ompk_result *out)
{
	struct dist *d = dist_of(job);
	struct ompk_job whole = inner_job(job), sub;
	const uint64_t lo = d->bounds[d->rank], hi = d->bounds[d->rank + 1];
	struct ompk_result part = { 0 };
	double t0;
	int err = 0;

	MPI_Barrier(MPI_COMM_WORLD);
	t0 = ompk_now();
	job->threads_used = job->threads;
	if (ompk_split_part_runs(&whole, (unsigned)d->rank, lo, hi)) {
		ompk_split_subjob(&whole, lo, hi, &sub);
		err = d->inner->run(&sub, v, &part);
		job->threads_used = sub.threads_used;
		job->method = sub.method;
	}
	if (!err && d->rank == d->fail_rank)
		err = -EIO;
	if (d->runs >= d->warmup && d->ntimes < d->cap)
		d->part_times[d->ntimes++] = ompk_now() - t0;
	d->runs++;
	if (err && d->rank != 0)
		fprintf(stderr, "ompk: rank %d of %d: %s: units [%llu, %llu) failed: %s\n", d->rank,
			d->size, d->inner->name, (unsigned long long)lo, (unsigned long long)hi,
			strerror(-err));
	err = agree(d, err, NULL, 0);
	if (err)
		goto out;
	if (d->rank == 0) {
		err = ompk_split_combine(&whole, out, &part, lo, hi);
		err = gather_parts(d, &whole, out) ?: err;
	} else {
		err = send_part(&part);
	}
	err = agree(d, err, NULL, 0);
out:
	ompk_result_free(&part);
	if (err)
		ompk_result_free(out);
	return err;
}

/* Rank 0 gets every rank's median part time, and the imbalance. */
static void gather_rank_times(struct dist *d, struct ompk_report *rep)
{
	double mine = 0, sum = 0, max = 0;

	if (d->ntimes)
		mine = ompk_median(d->part_times, d->ntimes);
	MPI_Gather(&mine, 1, MPI_DOUBLE, rep->rank_times, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
	if (d->rank != 0)
		return;
	rep->ranks = d->size;
	for (int i = 0; i < d->size; i++) {
		sum += rep->rank_times[i];
		max = rep->rank_times[i] > max ? rep->rank_times[i] : max;
	}
	rep->imbalance = sum > 0 ? max / (sum / d->size) : 1.0;
}

static int fail_rank_hook(void)
{
	const char *s = getenv("OMPK_MPI_FAIL_RANK");
	char *end;
	long r;

	if (!s || !*s)
		return -1;
	errno = 0;
	r = strtol(s, &end, 10);
	return errno || *end || r < 0 || r > INT32_MAX ? -1 : (int)r;
}

static void abort_all(const struct dist *d, const char *msg)
{
	fprintf(stderr, "ompk: rank %d of %d: %s; aborting all ranks\n", d->rank, d->size, msg);
	fflush(stderr);
	MPI_Abort(MPI_COMM_WORLD, OMPK_EXIT_FAIL);
}

int ompk_mpi_driver_main(const struct ompk_kernel *k, int argc, char **argv)
{
	struct dist d = { .inner = k, .fail_rank = -1, .failed_rank = -1 };
	struct ompk_options o;
	struct ompk_report rep;
	struct ompk_job job;
	char msg[512] = "";
	int provided, code, err;

	if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
		fprintf(stderr, "ompk: MPI_Init_thread failed; run under mpirun with Open MPI\n");
		return OMPK_EXIT_FAIL;
	}
	MPI_Comm_rank(MPI_COMM_WORLD, &d.rank);
	MPI_Comm_size(MPI_COMM_WORLD, &d.size);
	if (provided < MPI_THREAD_FUNNELED) {
		if (d.rank == 0)
			fprintf(stderr,
				"ompk: MPI gives thread level %d; OpenMP inside ranks needs "
				"MPI_THREAD_FUNNELED (%d)\n",
				provided, MPI_THREAD_FUNNELED);
		code = OMPK_EXIT_FAIL;
		goto finalize;
	}
	code = ompk_driver_setup(k, argc, argv, &o, &job, d.rank == 0);
	if (code >= 0)
		goto finalize;
	if (d.rank == 0)
		ompk_threads_warn(o.threads); /* per rank; said once, as the other tools do */

	d.k = *k;
	d.k.prepare = dist_prepare;
	d.k.run = dist_run;
	d.k.release = dist_release;
	d.variant = o.variant;
	d.warmup = o.warmup;
	d.fail_rank = fail_rank_hook();
	d.cap = (size_t)o.repeat;
	d.part_times = calloc(d.cap, sizeof(*d.part_times));
	if (!d.part_times)
		abort_all(&d, "--repeat: cannot allocate the timings");
	job.kernel = &d.k;
	if (d.rank != 0)
		o.verify = false; /* rank 0 holds the combined result and checks it */

	err = ompk_measure(&job, &o, &rep, msg, sizeof(msg));
	if (err && !d.agreed)
		abort_all(&d, msg);
	if (!err) {
		rep.rank_times = d.rank == 0 ? calloc((size_t)d.size, sizeof(double)) : NULL;
		if (d.rank == 0 && !rep.rank_times)
			abort_all(&d, "cannot allocate the rank times");
		gather_rank_times(&d, &rep);
	}
	if (d.rank == 0) {
		char named[sizeof(msg) + 32];

		snprintf(named, sizeof(named), "rank %d of %d: %s", d.failed_rank, d.size, msg);
		job.kernel = k;
		code = ompk_driver_finish(&job, &o, &rep, err,
					  err && d.failed_rank > 0 ? named : msg);
	}
	/* Every rank exits with rank 0's verdict. */
	MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
	ompk_report_free(&rep);
	free(d.part_times);
finalize:
	MPI_Finalize();
	return code;
}
