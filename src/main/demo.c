/*
 * demo.c - the main job: the tutorial's CPU-bound examples, each run
 * sequentially and with OpenMP side by side, with the speedup and the
 * verification. It measures through the same driver as the binaries, so
 * what it prints is what `bin/<kernel> --format json` would report.
 */
#include <stdio.h>
#include <string.h>

#include <omp.h>

#include "ompkit/driver.h"
#include "ompkit/registry.h"

#define REPEATS 3

/* The tutorial's parameters, where the kernel's descriptor gives them. */
static void tutorial_params(struct ompk_job *job)
{
	if (job->kernel->demo)
		memcpy(job->p, job->kernel->demo, job->kernel->nparams * sizeof(job->p[0]));
}

static int measure(const struct ompk_kernel *k, enum ompk_variant v, int threads,
		   struct ompk_job *job, struct ompk_report *rep)
{
	struct ompk_options o;
	char msg[512];
	int err;

	ompk_options_default(&o);
	o.variant = v;
	o.threads = threads;
	o.repeat = REPEATS;
	ompk_job_init(job, k);
	tutorial_params(job);
	err = ompk_measure(job, &o, rep, msg, sizeof(msg));
	if (err)
		fprintf(stderr, "ompk: %s\n", msg);
	return err;
}

static void params_text(const struct ompk_job *job, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < job->kernel->nparams; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s=%llu", i ? " " : "",
			 job->kernel->params[i].name, (unsigned long long)job->p[i]);
}

int main(void)
{
	int failures = 0;
	char sched[32];

	ompk_sched_current(sched, sizeof(sched));
	printf("ompkit demo: the tutorial's CPU-bound examples, sequential vs OpenMP\n");
	printf("(median of %d runs each; OpenMP threads: %d; schedule: %s; results checked by an "
	       "independent method)\n\n",
	       REPEATS, omp_get_max_threads(), sched);
	printf("%-9s %-32s %10s %10s %8s %9s  %s\n", "kernel", "parameters", "seq [s]", "omp [s]",
	       "threads", "speedup", "verified");
	for (size_t i = 0; ompk_kernels[i]; i++) {
		const struct ompk_kernel *k = ompk_kernels[i];
		struct ompk_job js, jo;
		struct ompk_report rs, ro;
		char params[64];
		int ok;

		if (measure(k, OMPK_SEQ, 1, &js, &rs) || measure(k, OMPK_OMP, 0, &jo, &ro)) {
			failures++;
			continue;
		}
		ok = rs.verified == 1 && ro.verified == 1 &&
		     ompk_result_equal(&rs.result, &ro.result);
		params_text(&jo, params, sizeof(params));
		printf("%-9s %-32s %10.4f %10.4f %8d %8.2fx  %s (%s)\n", k->name, params, rs.median,
		       ro.median, ro.threads_used, rs.median / ro.median, ok ? "yes" : "NO",
		       ro.method);
		printf("%-9s %-32s result: ", "", "");
		for (size_t f = 0; f < ro.result.nfields; f++) {
			printf("%s%s", f ? ", " : "", ro.result.f[f].name);
			for (size_t j = 0; j < ro.result.f[f].n && j < 8; j++)
				printf(" %llu", (unsigned long long)ro.result.f[f].v[j]);
			if (ro.result.f[f].n > 8)
				printf(" ...");
		}
		printf("\n");
		failures += !ok;
		ompk_report_free(&rs);
		ompk_report_free(&ro);
	}
	printf("\n%s\n", failures ? "SOME RESULTS DID NOT VERIFY" : "all results verified");
	return failures ? OMPK_EXIT_FAIL : OMPK_EXIT_OK;
}
