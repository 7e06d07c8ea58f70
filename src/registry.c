/*
 * registry.c - the list of kernels. Adding a kernel: one line here, one
 * extern in registry.h, its file in kernels/, its name in the Makefile's
 * KERNELS.
 */
#include "ompkit/registry.h"

#include <string.h>

const struct ompk_kernel *const ompk_kernels[] = {
	&ompk_kernel_lcg, &ompk_kernel_primes, &ompk_kernel_collatz, &ompk_kernel_sumsq, &ompk_kernel_checksum, NULL,
};

const struct ompk_kernel *ompk_kernel_find(const char *name)
{
	for (size_t i = 0; ompk_kernels[i]; i++)
		if (strcmp(ompk_kernels[i]->name, name) == 0)
			return ompk_kernels[i];
	return NULL;
}
