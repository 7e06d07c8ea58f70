/*
 * split.h - running one job as several parts: the units, subjob, combine
 * and cost hooks of the kernel descriptor put to work. The MPI driver
 * gives each rank one part; ompk_split_run() runs all parts in turn in
 * one process, which is how the tests check that splitting is exact
 * without MPI.
 */
#ifndef OMPKIT_SPLIT_H
#define OMPKIT_SPLIT_H

#include <stdbool.h>
#include <stdint.h>

#include "ompkit/kernel.h"

/* The job's units of work (1 when the kernel cannot be split). */
uint64_t ompk_split_units(const struct ompk_job *job);

/*
 * Cuts the units into `parts` consecutive parts of about equal cost for
 * variant v: part i holds units [bounds[i], bounds[i+1]), bounds has
 * parts + 1 entries, bounds[0] = 0 and bounds[parts] = units. Parts may
 * be empty (more parts than units). Returns 0 or -EINVAL (parts == 0).
 */
int ompk_split_bounds(const struct ompk_job *job, enum ompk_variant v, unsigned parts,
		      uint64_t *bounds);

/*
 * Whether part i, holding units [lo, hi), has anything to run: a
 * non-empty part, or part 0 of a job with no units at all (so an empty
 * job still gives its empty result, from one part).
 */
bool ompk_split_part_runs(const struct ompk_job *job, unsigned i, uint64_t lo, uint64_t hi);

/* The job of units [lo, hi): shares job's prepared data; never release it. */
void ompk_split_subjob(const struct ompk_job *job, uint64_t lo, uint64_t hi, struct ompk_job *sub);

/*
 * The units and subjob hooks of a kernel whose first two parameters are
 * --from and --to: the units are the values of [from, to), and the part
 * [lo, hi) is the job over [from + lo, from + hi).
 */
uint64_t ompk_split_range_units(const struct ompk_job *job);
void ompk_split_range_subjob(const struct ompk_job *job, uint64_t lo, uint64_t hi,
			     struct ompk_job *sub);

/*
 * Folds *part (units [lo, hi)) into *acc (the units before lo), taking
 * ownership of *part (it is left empty). An empty acc takes part as it
 * is; an empty part (a part that did not run) changes nothing. Returns 0
 * or -errno (acc is then unchanged or freed, part freed).
 */
int ompk_split_combine(const struct ompk_job *job, struct ompk_result *acc,
		       struct ompk_result *part, uint64_t lo, uint64_t hi);

/*
 * Runs every part in turn with variant v and combines them into *out.
 * The reference for the distributed drivers. Returns 0 or -errno.
 */
int ompk_split_run(struct ompk_job *job, enum ompk_variant v, const uint64_t *bounds,
		   unsigned parts, struct ompk_result *out);

#endif
