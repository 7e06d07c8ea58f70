/*
 * driver.h - the one driver every kernel binary shares.
 *
 * ompk_driver_main() is all a bin/<kernel> entry point calls. The pieces
 * below it are public so that other front ends (the demo, the benchmarks,
 * the pipeline) measure and report exactly as the binaries do.
 *
 * libompkit.so exports only ompk_options_default, ompk_options_init,
 * ompk_job_init, ompk_measure and ompk_report_free of this header (a measured, verified
 * run of one variant, for programs that embed a kernel); the rest is the
 * binaries' command line and report code, linked from libompkit.a.
 */
#ifndef OMPKIT_DRIVER_H
#define OMPKIT_DRIVER_H

#include <stdbool.h>
#include <stdio.h>

#include "ompkit/build.h"
#include "ompkit/cli.h"
#include "ompkit/emit.h" /* enum ompk_format */
#include "ompkit/kernel.h"
#include "ompkit/sched.h"

/* Exit codes, the same for every binary. */
enum { OMPK_EXIT_OK = 0, OMPK_EXIT_FAIL = 1, OMPK_EXIT_USAGE = 2 };

struct ompk_options {
	enum ompk_variant variant;
	int threads; /* 0: what the OpenMP runtime would use */
	bool sched_set;
	struct ompk_sched sched;
	const char *bind;   /* --bind: OMP_PROC_BIND value, or NULL */
	const char *places; /* --places: OMP_PLACES value, or NULL */
	uint64_t repeat;    /* >= 1 */
	uint64_t warmup;
	enum ompk_format format;
	bool quiet;
	bool verify;
	bool help, version; /* asked for --help / --version */
};

/* The thread binding in force, as seen from inside a parallel region. */
struct ompk_binding {
	const char *proc_bind; /* omp_get_proc_bind(): close, spread, master, false, true */
	int num_places;	       /* omp_get_num_places(): 0 when there is no place list */
	int nthreads;	       /* entries in place[] and cpu[] */
	int *place;	       /* omp_get_place_num() of each thread, -1 when unbound */
	int *cpu;	       /* sched_getcpu() of each thread when it looked, -1 unknown */
};

/* What one measured invocation produced. */
struct ompk_report {
	const struct ompk_kernel *kernel;
	enum ompk_variant variant;
	struct ompk_result result;
	struct ompk_result expected; /* valid when verified >= 0 */
	int verified;		     /* 1 matches, 0 mismatch, -1 not checked */
	const char *method;	     /* verify_method: the oracle used, or why none */
	const char *method_chosen;   /* method: the algorithm the run chose (job->method) */
	size_t input_bytes;	     /* bytes of the --file input, read before it is released */
	double *times;		     /* seconds, one per repeat */
	size_t ntimes;
	double median, min, max; /* ompk_summarise() of times */
	double rate;		 /* units of work per second, at the median */
	int threads_used;
	char schedule[32];
	struct ompk_binding binding;
	/* Runs over several processes (the MPI driver); ranks == 0 otherwise. */
	int ranks;
	double *rank_times; /* per rank: median seconds of its own part (malloc) */
	double imbalance;   /* max / mean of rank_times */
};

/* The binaries' defaults: variant omp, 1 repeat, no warm-up, text, verify. */
void ompk_options_default(struct ompk_options *o);
/*
 * The defaults with variant v, a team of threads (0: the runtime's) and
 * repeat timed runs: what a program that measures jobs itself (bin/demo,
 * the benchmarks, an embedder) starts from.
 */
void ompk_options_init(struct ompk_options *o, enum ompk_variant v, int threads, uint64_t repeat);

/* The driver's option rows (src/options.c), indexed by enum ompk_driver_opt. */
enum ompk_driver_opt {
	OMPK_DOPT_THREADS,
	OMPK_DOPT_VARIANT,
	OMPK_DOPT_SCHEDULE,
	OMPK_DOPT_BIND,
	OMPK_DOPT_PLACES,
	OMPK_DOPT_REPEAT,
	OMPK_DOPT_WARMUP,
	OMPK_DOPT_FORMAT,
	OMPK_DOPT_QUIET,
	OMPK_DOPT_NO_VERIFY,
	OMPK_DOPT_HELP,
	OMPK_DOPT_VERSION,
	OMPK_DOPT_COUNT
};
#define OMPK_DOPT(name) (UINT64_C(1) << OMPK_DOPT_##name)
extern const struct ompk_opt ompk_driver_opts[OMPK_DOPT_COUNT];

/*
 * The driver's rows as a group filling *o, "Driver options" in --help;
 * only: OMPK_DOPT() bits of the rows a tool takes (0: all).
 */
struct ompk_opt_group ompk_driver_group(struct ompk_options *o, uint64_t only);

/* The message for a --variant the kernel does not have. */
void ompk_variant_unavailable(const struct ompk_kernel *k, enum ompk_variant v, char *msg,
			      size_t len);

/* Sets job->p to the kernel's defaults. */
void ompk_job_init(struct ompk_job *job, const struct ompk_kernel *k);

/*
 * Prepares, warms up, runs `repeat` timed runs, verifies (unless
 * o->verify is false) and fills *rep. Returns 0 (whether or not the result
 * verified: see rep->verified) or -errno with a one-line message in msg.
 * Calls the kernel's release before returning.
 */
int ompk_measure(struct ompk_job *job, const struct ompk_options *o, struct ompk_report *rep,
		 char *msg, size_t len);
/* Frees what ompk_measure put in *rep (also after it failed). */
void ompk_report_free(struct ompk_report *rep);

/*
 * Runs one parallel region of `threads` threads and records where each
 * thread runs (place and CPU) and the binding policy. Returns 0 or -ENOMEM.
 */
int ompk_binding_query(int threads, struct ompk_binding *b);
void ompk_binding_free(struct ompk_binding *b);

/* Writes the report in o->format (text, one JSON object, or CSV). */
void ompk_report_print(FILE *f, const struct ompk_job *job, const struct ompk_options *o,
		       const struct ompk_report *rep);
/* Writes just the result values, as -q does. */
void ompk_result_print_bare(FILE *f, const struct ompk_result *r);

/*
 * The command line of kernel k into *o and *job (set to defaults first):
 * the kernel's parameters, --file where it reads files, and the driver's
 * options, all rows of one table. Returns 0 or -EINVAL with a one-line
 * message. --help/--version only set o->help/o->version.
 */
int ompk_cli_parse(const struct ompk_kernel *k, int argc, char **argv, struct ompk_options *o,
		   struct ompk_job *job, char *msg, size_t len);
/* The checks after parsing: the kernel's validate, the variant exists, the thread limit. */
int ompk_cli_check(const struct ompk_kernel *k, const struct ompk_options *o,
		   const struct ompk_job *job, char *msg, size_t len);

/* The whole command line tool for kernel k. Returns the exit code. */
int ompk_driver_main(const struct ompk_kernel *k, int argc, char **argv);

/* The runtime's binding policy now: "false", "true", "master", "close" or "spread". */
const char *ompk_proc_bind_name(void);
/*
 * The steps of ompk_driver_main, for other front ends (the MPI driver).
 * setup parses argv into *o and *job and validates them: it returns -1 to
 * go on, or the exit code after --help, --version or a usage error (which
 * it prints only when speak). finish prints the outcome of ompk_measure
 * (err and its msg, or the report) and returns the exit code.
 */
int ompk_driver_setup(const struct ompk_kernel *k, int argc, char **argv, struct ompk_options *o,
		      struct ompk_job *job, bool speak);
int ompk_driver_finish(const struct ompk_job *job, const struct ompk_options *o,
		       const struct ompk_report *rep, int err, const char *msg);

#endif
