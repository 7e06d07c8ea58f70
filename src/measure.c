/*
 * measure.c - one measured invocation: prepare, warm up, time the
 * repeats, verify against the kernel's independent oracle, summarise.
 *
 * Preparation, warm-up and verification are outside the timed region;
 * each timed run is bracketed by ompk_now() reads and nothing else, and
 * the repeats are summarised by ompk_summarise() (stats.c).
 * Every repeat must give the same result: a kernel whose answer changes
 * between runs is reported as a failure, not averaged.
 */
#include <errno.h>
#include <stdio.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "ompkit/driver.h"
#include "ompkit/report.h"
#include "ompkit/stats.h"
#include "ompkit/team.h"
#include "measure_hooks.h"

void ompk_variant_unavailable(const struct ompk_kernel *k, enum ompk_variant v, char *msg,
			      size_t len)
{
	char have[32] = "";

	for (int i = 0; i < OMPK_VARIANT_COUNT; i++)
		if (k->variants & OMPK_VARIANT_BIT(i))
			snprintf(have + strlen(have), sizeof(have) - strlen(have), "%s%s",
				 have[0] ? ", " : "", ompk_variant_name((enum ompk_variant)i));
	snprintf(msg, len, "--variant: '%s' is not available for %s yet; accepted: %s",
		 ompk_variant_name(v), k->name, have);
}

void ompk_job_init(struct ompk_job *job, const struct ompk_kernel *k)
{
	memset(job, 0, sizeof(*job));
	job->kernel = k;
	for (size_t i = 0; i < k->nparams; i++)
		job->p[i] = k->params[i].def;
}

static int run_once(struct ompk_job *job, enum ompk_variant v, struct ompk_result *out,
		    double *secs)
{
	double t0, t1;
	int err;

	memset(out, 0, sizeof(*out));
	job->threads_used = 0;
	job->method = NULL;
	t0 = ompk_now();
	err = job->kernel->run(job, v, out);
	t1 = ompk_now();
	if (secs)
		*secs = t1 - t0;
	if (err)
		ompk_result_free(out);
	return err;
}

int ompk__measure(struct ompk_job *job, const struct ompk_options *o, struct ompk_report *rep,
		  char *msg, size_t len, const struct ompk__measure_hooks *h)
{
	const struct ompk_kernel *k = job->kernel;
	struct ompk_result r;
	struct ompk_summary sum;
	int err = 0;

	memset(rep, 0, sizeof(*rep));
	rep->kernel = k;
	rep->variant = o->variant;
	rep->verified = -1;
	rep->method = OMPK_NOT_CHECKED_NO_VERIFY;
	if (!(k->variants & OMPK_VARIANT_BIT(o->variant))) {
		ompk_variant_unavailable(k, o->variant, msg, len);
		return -EINVAL;
	}
	job->threads = o->threads > 0 ? o->threads : omp_get_max_threads();
	job->variant = o->variant;
	if (o->sched_set)
		ompk_sched_apply(&o->sched);
	if (o->variant == OMPK_SEQ)
		snprintf(rep->schedule, sizeof(rep->schedule), "none");
	else
		ompk_sched_current(rep->schedule, sizeof(rep->schedule));

	rep->times = calloc(o->repeat, sizeof(*rep->times));
	if (!rep->times) {
		snprintf(msg, len, "--repeat: cannot allocate %llu timings",
			 (unsigned long long)o->repeat);
		return -ENOMEM;
	}
	if (k->prepare) {
		err = k->prepare(job, msg, len);
		if (err)
			goto out;
	}
	/* Read now: release (below) frees the input and clears its length. */
	rep->input_bytes = job->data_len;
	if (o->variant != OMPK_SEQ)
		ompk_team_start(job->threads);
	for (uint64_t w = 0; w < o->warmup; w++) {
		err = run_once(job, o->variant, &r, NULL);
		if (err)
			goto run_failed;
		ompk_result_free(&r);
	}
	for (uint64_t i = 0; i < o->repeat; i++) {
		err = run_once(job, o->variant, &r, &rep->times[i]);
		if (err)
			goto run_failed;
		if (h && h->seconds)
			rep->times[i] = h->seconds(h->arg, i);
		rep->ntimes++;
		if (i == 0) {
			rep->result = r;
			continue;
		}
		if (!ompk_result_equal(&r, &rep->result)) {
			ompk_result_free(&r);
			snprintf(msg, len, "%s: repeat %llu gave a different result from repeat 1",
				 k->name, (unsigned long long)i + 1);
			err = -EPROTO;
			goto out;
		}
		ompk_result_free(&r);
	}
	rep->threads_used = job->threads_used > 0 ? job->threads_used : 1;
	rep->method_chosen = job->method;
	err = ompk_summarise(rep->times, rep->ntimes, &sum);
	if (err) {
		snprintf(msg, len, "%s: cannot summarise the timings: %s", k->name, strerror(-err));
		goto out;
	}
	rep->median = sum.median;
	rep->min = sum.min;
	rep->max = sum.max;
	rep->rate = rep->median > 0 ? k->work(job) / rep->median : 0;
	err = ompk_binding_query(o->variant == OMPK_SEQ ? 1 : job->threads, &rep->binding);
	if (err) {
		snprintf(msg, len, "%s: cannot record the thread binding: %s", k->name,
			 strerror(-err));
		goto out;
	}

	if (h && h->corrupt)
		h->corrupt(h->arg, &rep->result);
	if (o->verify) {
		job->measured = &rep->result;
		err = k->expect(job, &rep->expected, &rep->method);
		job->measured = NULL;
		if (err == -ENOTSUP) {
			err = 0; /* no oracle for these inputs: said, not hidden */
			rep->method = OMPK_NOT_CHECKED_NO_ORACLE;
		} else if (err) {
			snprintf(msg, len, "%s: verification failed to run: %s", k->name,
				 strerror(-err));
			goto out;
		} else {
			rep->verified = ompk_result_equal(&rep->result, &rep->expected);
		}
	}
	goto out;

run_failed:
	if (err == -EOVERFLOW)
		snprintf(msg, len,
			 "%s: a value outgrew the exact arithmetic this variant uses; no result",
			 k->name);
	else
		snprintf(msg, len, "%s: run failed: %s", k->name, strerror(-err));
out:
	if (k->release)
		k->release(job);
	return err;
}

int ompk_measure(struct ompk_job *job, const struct ompk_options *o, struct ompk_report *rep,
		 char *msg, size_t len)
{
	return ompk__measure(job, o, rep, msg, len, NULL);
}

void ompk_report_free(struct ompk_report *rep)
{
	ompk_result_free(&rep->result);
	ompk_result_free(&rep->expected);
	free(rep->times);
	rep->times = NULL;
	ompk_binding_free(&rep->binding);
	free(rep->rank_times);
	rep->rank_times = NULL;
}
