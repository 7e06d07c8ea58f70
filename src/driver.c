/*
 * driver.c - the command-line tool shared by every kernel binary.
 *
 * Reads the driver's options and the kernel's own parameters (from its
 * descriptor), validates them, measures, prints the report, and turns
 * every outcome into an exit code: 0 verified (or --no-verify), 1 a
 * runtime failure or a result that did not verify, 2 bad usage. This is
 * the only place that talks to the user; everything below it returns
 * -errno and a message.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ompkit/driver.h"
#include "ompkit/progress_tty.h"

static void help(const struct ompk_kernel *k)
{
	printf("Usage: %s [OPTION]...\n%s.\n\nKernel options:\n", k->name, k->summary);
	for (size_t i = 0; i < k->nparams; i++) {
		char left[40];

		snprintf(left, sizeof(left), "    --%s N", k->params[i].name);
		printf("  %-22s %s (default: %llu)\n", left, k->params[i].help,
		       (unsigned long long)k->params[i].def);
	}
	if (k->file_help)
		printf("  %-22s %s\n", "    --file PATH", k->file_help);
	printf("\nDriver options:\n");
	ompk_options_help(stdout);
	printf("\nNumbers: 50000, 50_000, 5e4, 2.5e6: exact whole numbers up to 2^64-1.\n"
	       "Environment: OMP_NUM_THREADS, OMP_SCHEDULE, OMP_PROC_BIND, OMP_PLACES, OMP_DYNAMIC.\n"
	       "Exit status: 0 verified, 1 runtime failure or result not verified, 2 usage error.\n");
}

static void version(void)
{
	printf("ompkit %s\nbuild: %s, %s\nOpenMP: %d\n", OMPK_VERSION, ompk_build_compiler(),
	       ompk_build_flags(), _OPENMP);
}

static int usage_error(const struct ompk_kernel *k, const char *msg)
{
	fprintf(stderr, "ompk: %s (try '%s --help')\n", msg, k->name);
	return OMPK_EXIT_USAGE;
}

/* Parses one kernel parameter or --file at argv[*i]: 1 taken, 0 not ours, -EINVAL. */
static int parse_kernel_arg(struct ompk_job *job, int argc, char **argv, int *i, char *msg, size_t len)
{
	const struct ompk_kernel *k = job->kernel;
	const char *val;
	int r;

	for (size_t p = 0; p < k->nparams; p++) {
		const struct ompk_param *d = &k->params[p];

		r = ompk_flag_value(argc, argv, i, d->name, &val, msg, len);
		if (r == 0)
			continue;
		if (r < 0 || ompk_number_arg(d->name, val, d->min, d->max, &job->p[p], msg, len) < 0)
			return -EINVAL;
		job->set |= 1u << p;
		return 1;
	}
	if (k->file_help) {
		r = ompk_flag_value(argc, argv, i, "file", &val, msg, len);
		if (r == 1 && !*val) {
			snprintf(msg, len, "--file: empty path; accepted: a file path, or - for standard input");
			return -EINVAL;
		}
		if (r == 1)
			job->file = val;
		return r;
	}
	return 0;
}

int ompk_driver_setup(const struct ompk_kernel *k, int argc, char **argv, struct ompk_options *o,
		      struct ompk_job *job, bool speak)
{
	char msg[512] = "";

	ompk_options_default(o);
	ompk_job_init(job, k);
	for (int i = 1; i < argc; i++) {
		int r = ompk_options_parse_one(o, argc, argv, &i, msg, sizeof(msg));

		if (r == 0)
			r = parse_kernel_arg(job, argc, argv, &i, msg, sizeof(msg));
		if (r == 0)
			snprintf(msg, sizeof(msg), "%s: %s", argv[i],
				 argv[i][0] == '-' ? "unknown option" : "unexpected argument");
		if (r <= 0)
			return speak ? usage_error(k, msg) : OMPK_EXIT_USAGE;
	}
	if (o->help || o->version) {
		if (speak && o->help)
			help(k);
		else if (speak)
			version();
		return OMPK_EXIT_OK;
	}
	if (k->validate && k->validate(job, msg, sizeof(msg)) < 0)
		return speak ? usage_error(k, msg) : OMPK_EXIT_USAGE;
	if (!(k->variants & OMPK_VARIANT_BIT(o->variant))) {
		ompk_variant_unavailable(k, o->variant, msg, sizeof(msg));
		return speak ? usage_error(k, msg) : OMPK_EXIT_USAGE;
	}
	return -1;
}

int ompk_driver_main(const struct ompk_kernel *k, int argc, char **argv)
{
	struct ompk_options o;
	struct ompk_job job;
	struct ompk_report rep;
	struct ompk_progress_tty tty;
	char msg[512] = "";
	int err, code = ompk_driver_setup(k, argc, argv, &o, &job, true);

	if (code >= 0)
		return code;
	ompk_progress_tty_init(&tty, k->name, !o.quiet && isatty(STDERR_FILENO));
	job.progress = &tty.progress;
	err = ompk_measure(&job, &o, &rep, msg, sizeof(msg));
	ompk_progress_tty_done(&tty);
	code = ompk_driver_finish(&job, &o, &rep, err, msg);
	ompk_report_free(&rep);
	return code;
}

int ompk_driver_finish(const struct ompk_job *job, const struct ompk_options *o, const struct ompk_report *rep,
		       int err, const char *msg)
{
	const struct ompk_kernel *k = job->kernel;
	int code = OMPK_EXIT_OK;

	if (err) {
		fprintf(stderr, "ompk: %s\n", msg);
		return OMPK_EXIT_FAIL;
	}
	if (rep->verified == 0) {
		/* A wrong number is never printed bare: -q output stays empty. */
		fprintf(stderr, "ompk: %s: result does not verify (%s): got ", k->name, rep->method);
		ompk_result_print_bare(stderr, &rep->result);
		fprintf(stderr, "ompk: %s: expected ", k->name);
		ompk_result_print_bare(stderr, &rep->expected);
		if (!o->quiet)
			ompk_report_print(stdout, job, o, rep);
		code = OMPK_EXIT_FAIL;
	} else {
		ompk_report_print(stdout, job, o, rep);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "ompk: standard output: %s\n", strerror(errno));
		code = OMPK_EXIT_FAIL;
	}
	return code;
}
