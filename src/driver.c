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
#include <stddef.h>
#include <omp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ompkit/driver.h"
#include "ompkit/progress_tty.h"
#include "ompkit/simd.h"
#include "measure_hooks.h"

static int stderr_is_tty;

/*
 * SIGINT/SIGTERM: nothing has been printed yet (reports are written only
 * at the end), so all that is left is the progress line; erase it, then
 * die of the same signal so the caller sees the usual 130 or 143.
 */
static void on_signal(int sig)
{
	static const char erase[] = "\r\033[K";

	if (stderr_is_tty && write(STDERR_FILENO, erase, sizeof(erase) - 1) < 0) {
		/* nothing more can be done in a signal handler */
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	stderr_is_tty = isatty(STDERR_FILENO);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/*
 * The kernel's own rows: one per parameter of its descriptor (into
 * job->p[i]), and --file PATH where it reads files. Returns how many.
 */
static size_t kernel_rows(const struct ompk_kernel *k, struct ompk_opt *rows)
{
	size_t n = 0;

	for (size_t i = 0; i < k->nparams; i++)
		rows[n++] = (struct ompk_opt){ .name = k->params[i].name,
					       .kind = OMPK_OPT_U64,
					       .offset = offsetof(struct ompk_job, p) +
							 i * sizeof(uint64_t),
					       .arg = "N",
					       .help = k->params[i].help,
					       .def = k->params[i].def,
					       .min = k->params[i].min,
					       .max = k->params[i].max };
	if (k->file_help)
		rows[n++] = (struct ompk_opt){ .name = "file",
					       .kind = OMPK_OPT_STRING,
					       .offset = offsetof(struct ompk_job, file),
					       .arg = "PATH",
					       .help = k->file_help,
					       .accepted = "a file path, or - for standard input" };
	return n;
}

static const char help_notes[] =
	"Numbers: 50000, 50_000, 5e4, 2.5e6: exact whole numbers up to 2^64-1.\n"
	"Flags: --flag VALUE or --flag=VALUE; a flag given twice takes its last value.\n"
	"Environment: OMP_NUM_THREADS, OMP_SCHEDULE, OMP_PROC_BIND, OMP_PLACES, OMP_DYNAMIC;\n"
	"  OMPK_SIMD=avx512vnni|avx512|avx2|scalar forces the fast variants' SIMD path.\n"
	"Exit status: 0 verified, 1 runtime failure or result not verified, 2 usage error.\n";

static void help(const struct ompk_kernel *k, const char *prog)
{
	struct ompk_options o;
	struct ompk_job job;
	struct ompk_opt rows[OMPK_MAX_PARAMS + 1];
	struct ompk_opt_group g[2] = {
		{ .title = "Kernel options",
		  .opts = rows,
		  .n = kernel_rows(k, rows),
		  .base = &job },
		ompk_driver_group(&o, 0),
	};
	char about[256];

	snprintf(about, sizeof(about), "%s.", k->summary);
	ompk_help(stdout, prog, about, g, 2, help_notes);
}

/*
 * --bind and --places set OMP_PROC_BIND and OMP_PLACES. libgomp reads its
 * environment once, in a constructor that runs before main(), so setting
 * them now changes nothing in this process: the driver sets them and
 * re-executes itself (same argv), and the new image's runtime starts with
 * them. OMPK_REEXEC marks the second start so that a runtime which still
 * does not see them is an error, not an endless loop.
 * Returns 0 when the requested binding is already in the environment the
 * runtime read, -errno with a message otherwise (on success execv does
 * not return).
 */
#define REEXEC_MARK "OMPK_REEXEC"

static bool env_is(const char *name, const char *want)
{
	const char *v = getenv(name);

	return !want || (v && strcmp(v, want) == 0);
}

static int binding_apply(const struct ompk_options *o, char **argv, char *msg, size_t len)
{
	bool again = getenv(REEXEC_MARK) != NULL;

	if (env_is("OMP_PROC_BIND", o->bind) && env_is("OMP_PLACES", o->places)) {
		unsetenv(REEXEC_MARK);
		return 0;
	}
	if (again) {
		snprintf(msg, len,
			 "--bind/--places: OMP_PROC_BIND/OMP_PLACES still differ after "
			 "re-executing; set them in the environment instead");
		return -ELOOP;
	}
	if ((o->bind && setenv("OMP_PROC_BIND", o->bind, 1) < 0) ||
	    (o->places && setenv("OMP_PLACES", o->places, 1) < 0) ||
	    setenv(REEXEC_MARK, "1", 1) < 0) {
		snprintf(msg, len, "--bind/--places: cannot set the environment: %s",
			 strerror(errno));
		return -errno;
	}
	fflush(NULL);
	execv("/proc/self/exe", argv);
	snprintf(msg, len, "--bind/--places: cannot re-execute /proc/self/exe to apply them: %s",
		 strerror(errno));
	return -errno;
}

int ompk_cli_parse(const struct ompk_kernel *k, int argc, char **argv, struct ompk_options *o,
		   struct ompk_job *job, char *msg, size_t len)
{
	struct ompk_opt rows[OMPK_MAX_PARAMS + 1];
	struct ompk_opt_group g[2] = {
		{ .title = "Kernel options", .opts = rows, .n = kernel_rows(k, rows), .base = job },
		ompk_driver_group(o, 0),
	};
	int err;

	ompk_options_default(o);
	ompk_job_init(job, k);
	err = ompk_opts_parse(g, 2, argc, argv, msg, len);
	job->set = (unsigned)(g[0].seen & ((UINT64_C(1) << k->nparams) - 1));
	return err;
}

int ompk_cli_check(const struct ompk_kernel *k, const struct ompk_options *o,
		   const struct ompk_job *job, char *msg, size_t len)
{
	if (k->validate && k->validate(job, msg, len) < 0) {
		ompk_msg_sanitize(msg);
		return -EINVAL;
	}
	if (!(k->variants & OMPK_VARIANT_BIT(o->variant))) {
		ompk_variant_unavailable(k, o->variant, msg, len);
		return -EINVAL;
	}
	if (ompk_simd_env_check(msg, len) < 0) {
		ompk_msg_sanitize(msg); /* the variable's value is echoed */
		return -EINVAL;
	}
	return ompk_threads_check(o->threads, msg, len);
}

/*
 * The name the user ran, for --help, --version and "Try '<prog> --help'":
 * argv[0] without its directory (bin/primes-mpi is "primes-mpi", not the
 * kernel's name), or the kernel's name when argv[0] is missing.
 */
static const char *prog_name(const struct ompk_kernel *k, int argc, char **argv)
{
	const char *slash;

	if (argc < 1 || !argv[0] || !argv[0][0])
		return k->name;
	slash = strrchr(argv[0], '/');
	return slash && slash[1] ? slash + 1 : argv[0];
}

int ompk_driver_setup(const struct ompk_kernel *k, int argc, char **argv, struct ompk_options *o,
		      struct ompk_job *job, bool speak)
{
	const char *prog = prog_name(k, argc, argv);
	char msg[512] = "";

	if (ompk_cli_parse(k, argc, argv, o, job, msg, sizeof(msg)) < 0)
		return speak ? ompk_usage_error(stderr, prog, msg) : OMPK_EXIT_USAGE;
	if (o->help || o->version) {
		if (speak && o->help)
			help(k, prog);
		else if (speak)
			ompk_version(stdout, prog);
		return OMPK_EXIT_OK;
	}
	if (ompk_cli_check(k, o, job, msg, sizeof(msg)) < 0)
		return speak ? ompk_usage_error(stderr, prog, msg) : OMPK_EXIT_USAGE;
	return -1;
}

int ompk__driver_main(const struct ompk_kernel *k, int argc, char **argv,
		      const struct ompk__measure_hooks *h)
{
	struct ompk_options o;
	struct ompk_job job;
	struct ompk_report rep;
	struct ompk_progress_tty tty;
	char msg[512] = "";
	int err, code = ompk_driver_setup(k, argc, argv, &o, &job, true);

	if (code == OMPK_EXIT_OK) /* --help or --version */
		return ompk_output_flush(stdout, stderr);
	if (code >= 0)
		return code;
	if (binding_apply(&o, argv, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "ompk: %s\n", msg);
		return OMPK_EXIT_FAIL;
	}
	ompk_threads_warn(o.threads);
	catch_signals();
	ompk_progress_tty_init(&tty, k->name, isatty(STDERR_FILENO));
	job.progress = &tty.progress;
	err = ompk__measure(&job, &o, &rep, msg, sizeof(msg), h);
	ompk_progress_tty_done(&tty);
	code = ompk_driver_finish(&job, &o, &rep, err, msg);
	ompk_report_free(&rep);
	return code;
}

int ompk_driver_main(const struct ompk_kernel *k, int argc, char **argv)
{
	return ompk__driver_main(k, argc, argv, NULL);
}

int ompk_driver_finish(const struct ompk_job *job, const struct ompk_options *o,
		       const struct ompk_report *rep, int err, const char *msg)
{
	const struct ompk_kernel *k = job->kernel;
	int code = OMPK_EXIT_OK;

	if (err) {
		fprintf(stderr, "ompk: %s\n", msg);
		return OMPK_EXIT_FAIL;
	}
	if (rep->verified == 0) {
		/* A wrong number is never printed bare: -q output stays empty. */
		fprintf(stderr, "ompk: %s: result does not verify (%s): got ", k->name,
			rep->method);
		ompk_result_print_bare(stderr, &rep->result);
		fprintf(stderr, "ompk: %s: expected ", k->name);
		ompk_result_print_bare(stderr, &rep->expected);
		if (!o->quiet)
			ompk_report_print(stdout, job, o, rep);
		code = OMPK_EXIT_FAIL;
	} else {
		ompk_report_print(stdout, job, o, rep);
	}
	if (ompk_output_flush(stdout, stderr))
		code = OMPK_EXIT_FAIL;
	return code;
}
