/*
 * registry.h - every kernel, by name. Front ends and tests iterate over
 * ompk_kernels so that a new kernel is run and tested without new code.
 * The list itself is ompkit/kernels.def.
 */
#ifndef OMPKIT_REGISTRY_H
#define OMPKIT_REGISTRY_H

#include "ompkit/kernel.h"

#define OMPK_KERNEL(name) extern const struct ompk_kernel ompk_kernel_##name;
#include "ompkit/kernels.def"
#undef OMPK_KERNEL

/* NULL-terminated, in the order of ompkit/kernels.def. */
extern const struct ompk_kernel *const ompk_kernels[];

/* The kernel called name, or NULL. */
const struct ompk_kernel *ompk_kernel_find(const char *name);

#endif
