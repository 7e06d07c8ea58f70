/*
 * registry.h - every kernel, by name. Front ends and tests iterate over
 * ompk_kernels so that a new kernel is run and tested without new code.
 */
#ifndef OMPKIT_REGISTRY_H
#define OMPKIT_REGISTRY_H

#include "ompkit/kernel.h"

extern const struct ompk_kernel ompk_kernel_checksum;
extern const struct ompk_kernel ompk_kernel_collatz;
extern const struct ompk_kernel ompk_kernel_lcg;
extern const struct ompk_kernel ompk_kernel_primes;
extern const struct ompk_kernel ompk_kernel_sumsq;

/* NULL-terminated, in the tutorial's order. */
extern const struct ompk_kernel *const ompk_kernels[];

/* The kernel called name, or NULL. */
const struct ompk_kernel *ompk_kernel_find(const char *name);

#endif
