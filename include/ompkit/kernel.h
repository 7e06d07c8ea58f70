/*
 * kernel.h - the kernel descriptor: everything the shared driver needs to
 * know about a kernel, so that one driver serves every binary.
 *
 * A kernel lives in kernels/<name>/ and exports exactly one
 * `const struct ompk_kernel ompk_kernel_<name>`. The driver parses the
 * kernel's parameters (described by `params`), calls `validate`, then
 * `prepare` (untimed: read files, build inputs), then `run` once per
 * warm-up and repeat (timed), then `expect` (untimed: an independent
 * method that computes what the result must be), compares, reports, and
 * finally calls `release`.
 *
 * Results are a short list of named u64 fields (scalars or arrays), so the
 * driver can print, compare and serialise any kernel's result without
 * knowing what it means.
 */
#ifndef OMPKIT_KERNEL_H
#define OMPKIT_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ompkit/progress.h"

#define OMPK_MAX_PARAMS 4
#define OMPK_MAX_FIELDS 3
#define OMPK_FIELD_NAME_MAX 32

enum ompk_variant {
	OMPK_SEQ,  /* the plain sequential loop */
	OMPK_OMP,  /* the same algorithm parallelised with OpenMP */
	OMPK_FAST, /* the best exact algorithm we have */
	OMPK_VARIANT_COUNT
};

#define OMPK_VARIANT_BIT(v) (1u << (v))
/* The variants of a kernel that has all three. */
#define OMPK_ALL_VARIANTS \
	(OMPK_VARIANT_BIT(OMPK_SEQ) | OMPK_VARIANT_BIT(OMPK_OMP) | OMPK_VARIANT_BIT(OMPK_FAST))

/* The number of elements of an array (not a pointer). */
#define OMPK_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* One numeric parameter: `--<name> N`. */
struct ompk_param {
	const char *name; /* long flag without the dashes, e.g. "from" */
	const char *help; /* one line for --help */
	uint64_t def;
	uint64_t min; /* smallest accepted value */
	uint64_t max; /* largest accepted value */
};

/* A named result field: one value, or an array of n values. */
struct ompk_field {
	const char *name; /* JSON key, e.g. "count" */
	bool array;	  /* print as an array even when n == 1 */
	size_t n;
	uint64_t *v; /* owned by the result (malloc) */
};

struct ompk_result {
	size_t nfields;
	struct ompk_field f[OMPK_MAX_FIELDS];
};

/* One invocation of a kernel: its inputs and its team. */
struct ompk_job {
	const struct ompk_kernel *kernel;
	uint64_t p[OMPK_MAX_PARAMS]; /* parameter values, in descriptor order */
	unsigned set;		     /* bit i: p[i] was given on the command line */
	const char *file;	     /* --file PATH ("-" is standard input), or NULL */
	enum ompk_variant
		variant;  /* the variant being measured (oracles pick a different method) */
	int threads;	  /* requested OpenMP team size, >= 1 */
	int threads_used; /* team size seen inside the parallel region */
	const struct ompk_progress *progress; /* may be NULL */
	const struct ompk_result *measured;   /* for expect: what run returned */
	void *data;			      /* input prepared by the kernel, untimed */
	size_t data_len;		      /* its length in bytes */
	bool data_mapped;		      /* data is an mmap of the file, not malloc'd */
	uint64_t first; /* a part (see subjob): its first unit; 0 for a whole job */
	/*
	 * The algorithm run used, set by run when a variant chooses between
	 * several (the fast primes: sieve or combinatorial count); NULL
	 * otherwise. Reports print it as `method`.
	 */
	const char *method;
};

struct ompk_kernel {
	const char *name;
	const char *summary; /* one line: what it computes */
	const struct ompk_param *params;
	size_t nparams;
	const char *file_help; /* non-NULL: the kernel accepts --file PATH */
	unsigned variants;     /* OMPK_VARIANT_BIT() of each variant it has */
	const char *unit;      /* what the rate counts, e.g. "numbers" */

	/* Cross-parameter checks. Returns 0, or -EINVAL with a message in msg
	 * of the form "<flag>: <what is wrong>; <what is accepted>". */
	int (*validate)(const struct ompk_job *job, char *msg, size_t len);
	/* Untimed set-up (read files, fill buffers). May be NULL. Returns 0 or
	 * -errno; on a file error, msg names the path. */
	int (*prepare)(struct ompk_job *job, char *msg, size_t len);
	/* The measured work. Fills *out (allocating its arrays). 0 or -errno. */
	int (*run)(struct ompk_job *job, enum ompk_variant v, struct ompk_result *out);
	/* An independent oracle: what run must return. *method names it.
	 * Returns 0, -ENOTSUP when no oracle applies to these inputs, or -errno. */
	int (*expect)(const struct ompk_job *job, struct ompk_result *out, const char **method);
	/* Units of work of one run, for the rate (e.g. numbers tested). */
	double (*work)(const struct ompk_job *job);
	/* Frees what prepare made. May be NULL. */
	void (*release)(struct ompk_job *job);

	/*
	 * What front ends would otherwise ask by name. demo: the tutorial's
	 * parameter values (nparams of them) for bin/demo, NULL for the
	 * defaults. uneven: the cost of a unit grows along the range, so a
	 * static split is unbalanced and the benches compare schedules.
	 */
	const uint64_t *demo;
	bool uneven;

	/* Parameter sets for the generic tests: empty, tiny, odd and larger
	 * sizes, each quick for every variant. */
	const uint64_t (*samples)[OMPK_MAX_PARAMS];
	size_t nsamples;
	/*
	 * Fast runs too wide for the oracle to redo, which it checks another
	 * way (a published table, a spot check), each still quick; NULL where
	 * the oracle redoes every run. The generic tests feed the oracle a
	 * wrong measured result on these too.
	 */
	const uint64_t (*wide_samples)[OMPK_MAX_PARAMS];
	size_t nwide_samples;
	/*
	 * Splitting, for runs over several processes (src/split.c, the MPI
	 * driver). After prepare, the job is units(job) independent units of
	 * work. subjob() fills *sub with the job of units [lo, hi) only: a
	 * copy of *job sharing its prepared data, which run() accepts with
	 * any variant (so a new variant needs no splitting code). combine()
	 * folds part (the result of units [lo, hi)) into acc (the result of
	 * the units before lo) exactly, as if one run had done both; it is
	 * never given an empty part or acc. cost(job, v, m) estimates the work
	 * of units [0, m) with variant v, non-decreasing in m, so parts can be
	 * balanced by cost rather than by length; NULL means m. A kernel with
	 * units == NULL runs whole, in one part.
	 */
	uint64_t (*units)(const struct ompk_job *job);
	void (*subjob)(const struct ompk_job *job, uint64_t lo, uint64_t hi, struct ompk_job *sub);
	int (*combine)(const struct ompk_job *job, struct ompk_result *acc,
		       const struct ompk_result *part, uint64_t lo, uint64_t hi);
	double (*cost)(const struct ompk_job *job, enum ompk_variant v, uint64_t m);
};

/* "seq", "omp" or "fast"; "?" for a value out of range. */
const char *ompk_variant_name(enum ompk_variant v);
/* The variant named s into *v. 0, or -EINVAL for another name. */
int ompk_variant_parse(const char *s, enum ompk_variant *v);

/*
 * Result helpers (src/result.c). add appends a field of n zeroed values
 * (*v points at them), scalar one field holding value: 0, -ENOSPC when r
 * already has OMPK_MAX_FIELDS fields, or -ENOMEM.
 */
int ompk_result_add(struct ompk_result *r, const char *name, bool array, size_t n, uint64_t **v);
int ompk_result_scalar(struct ompk_result *r, const char *name, uint64_t value);
/* Appends each array field of part to acc's (same names, same order). 0, -EINVAL or -ENOMEM. */
int ompk_result_concat(struct ompk_result *acc, const struct ompk_result *part);
/*
 * Serialises r into a malloc'd array of u64 words (*words of them), and
 * back. Unpacked field names are copied into names[i], which must outlive
 * *r. Unpack returns 0, -EINVAL for a malformed buffer, or -ENOMEM.
 */
int ompk_result_pack(const struct ompk_result *r, uint64_t **buf, size_t *words);
int ompk_result_unpack(const uint64_t *buf, size_t words, struct ompk_result *r,
		       char (*names)[OMPK_FIELD_NAME_MAX]);
/* Same fields (names and lengths, in order) holding the same values. */
bool ompk_result_equal(const struct ompk_result *a, const struct ompk_result *b);
/* Frees the fields' values and empties r (safe on an empty or zeroed result). */
void ompk_result_free(struct ompk_result *r);

/* Index of a parameter by name in k->params, or -1. */
int ompk_param_index(const struct ompk_kernel *k, const char *name);

#endif
