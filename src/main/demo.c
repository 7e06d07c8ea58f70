/*
 * demo.c - the main job: the tutorial's CPU-bound examples, each run
 * sequentially and with OpenMP side by side, with the speedup and the
 * verification. It measures through the same driver as the binaries, so
 * what it prints is what `bin/<kernel> --format json` would report.
 * Its flags are rows of the one option table type (ompkit/cli.h): add a
 * field to struct demo_args and a row to rows[].
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <omp.h>

#include "ompkit/driver.h"
#include "ompkit/registry.h"
#include "ompkit/simd.h"

struct demo_args {
	uint64_t repeat;
};

static const struct ompk_opt rows[] = {
	{ .name = "repeat",
	  .short_name = 'r',
	  .kind = OMPK_OPT_U64,
	  .offset = offsetof(struct demo_args, repeat),
	  .arg = "R",
	  .help = "timed runs of each variant; the median is shown",
	  .def = 3,
	  .min = 1,
	  .max = 1000000 },
};

#define DRIVER_ROWS (OMPK_DOPT(THREADS) | OMPK_DOPT(HELP) | OMPK_DOPT(VERSION))

/* The tutorial's parameters, where the kernel's descriptor gives them. */
static void tutorial_params(struct ompk_job *job)
{
	if (job->kernel->demo)
		memcpy(job->p, job->kernel->demo, job->kernel->nparams * sizeof(job->p[0]));
}

static int measure(const struct ompk_kernel *k, enum ompk_variant v, int threads, uint64_t repeat,
		   struct ompk_job *job, struct ompk_report *rep)
{
	struct ompk_options o;
	char msg[512];
	int err;

	ompk_options_init(&o, v, threads, repeat);
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

int main(int argc, char **argv)
{
	struct demo_args d;
	struct ompk_options o;
	struct ompk_opt_group g[2] = {
		{ .title = "Demo options", .opts = rows, .n = 1, .base = &d },
		ompk_driver_group(&o, DRIVER_ROWS),
	};
	int failures = 0;
	char sched[32], msg[512];

	memset(&o, 0, sizeof(o));
	ompk_opts_defaults(g, 2);
	if (ompk_opts_parse(g, 2, argc, argv, msg, sizeof(msg)) < 0 ||
	    ompk_threads_check(o.threads, msg, sizeof(msg)) < 0 ||
	    ompk_simd_env_check(msg, sizeof(msg)) < 0) {
		ompk_msg_sanitize(msg); /* OMPK_SIMD's value is echoed */
		return ompk_usage_error(stderr, "demo", msg);
	}
	if (o.help) {
		ompk_help(stdout, "demo",
			  "Runs the tutorial's CPU-bound examples, each sequentially and with "
			  "OpenMP,\n"
			  "and prints their times, the speedup and whether each result verified.",
			  g, 2,
			  "Exit status: 0 every result verified, 1 one did not, 2 usage error.\n");
		return ompk_output_flush(stdout, stderr);
	}
	if (o.version) {
		ompk_version(stdout, "demo");
		return ompk_output_flush(stdout, stderr);
	}
	ompk_threads_warn(o.threads);
	ompk_sched_current(sched, sizeof(sched));
	printf("ompkit demo: the tutorial's CPU-bound examples, sequential vs OpenMP\n");
	printf("(median of %llu runs each; OpenMP threads: %d; schedule: %s; results checked by "
	       "an independent method)\n\n",
	       (unsigned long long)d.repeat, o.threads ? o.threads : omp_get_max_threads(), sched);
	printf("%-9s %-32s %10s %10s %8s %9s  %s\n", "kernel", "parameters", "seq [s]", "omp [s]",
	       "threads", "speedup", "verified");
	for (size_t i = 0; ompk_kernels[i]; i++) {
		const struct ompk_kernel *k = ompk_kernels[i];
		struct ompk_job js, jo;
		struct ompk_report rs, ro;
		char params[64];
		int ok;

		if (measure(k, OMPK_SEQ, 1, d.repeat, &js, &rs) ||
		    measure(k, OMPK_OMP, o.threads, d.repeat, &jo, &ro)) {
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
	if (ompk_output_flush(stdout, stderr))
		return OMPK_EXIT_FAIL;
	return failures ? OMPK_EXIT_FAIL : OMPK_EXIT_OK;
}
