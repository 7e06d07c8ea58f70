/*
 * descriptor.h - what every kernel descriptor of this tree writes the
 * same way, private to kernels/: embedders who write their own kernel
 * see only the descriptor type (ompkit/kernel.h), not this tree's
 * naming habits.
 */
#ifndef OMPKIT_KERNELS_DESCRIPTOR_H
#define OMPKIT_KERNELS_DESCRIPTOR_H

#include "ompkit/kernel.h"
#include "ompkit/split.h"

/*
 * All three variants, and the hooks and tables under their field's own
 * name (`static ... run(...)`, `params[]`, `samples[]`, ...) in the
 * descriptor's file. Optional hooks (validate, prepare, release, cost,
 * demo) stay spelled out beside it.
 */
#define OMPK_KERNEL_COMMON_HOOKS                                                        \
	.params = params, .nparams = OMPK_COUNT(params), .variants = OMPK_ALL_VARIANTS, \
	.run = run, .expect = expect, .work = work, .samples = samples,                 \
	.nsamples = OMPK_COUNT(samples), .combine = combine

/* The common hooks, with the kernel's own units() and subjob(). */
#define OMPK_KERNEL_STANDARD_HOOKS OMPK_KERNEL_COMMON_HOOKS, .units = units, .subjob = subjob

/* The common hooks of a kernel split by its range [--from, --to) (ompk_split_range_units). */
#define OMPK_KERNEL_RANGE_HOOKS \
	OMPK_KERNEL_COMMON_HOOKS, .units = ompk_split_range_units, .subjob = ompk_split_range_subjob

/*
 * The hooks of a kernel that can read its input from --file: its own
 * validate() (which checks the file flag against the other parameters)
 * and prepare() (which loads it), released by the shared
 * ompk_job_release_data. Beside .file_help, which says what the file holds.
 */
#define OMPK_KERNEL_FILE_HOOKS \
	.validate = validate, .prepare = prepare, .release = ompk_job_release_data

#endif
