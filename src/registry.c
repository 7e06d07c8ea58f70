/*
 * registry.c - the list of kernels, expanded from ompkit/kernels.def.
 */
#include "ompkit/registry.h"

#include <string.h>

const struct ompk_kernel *const ompk_kernels[] = {
#define OMPK_KERNEL(name) &ompk_kernel_##name,
#include "ompkit/kernels.def"
#undef OMPK_KERNEL
	NULL,
};

const struct ompk_kernel *ompk_kernel_find(const char *name)
{
	for (size_t i = 0; ompk_kernels[i]; i++)
		if (strcmp(ompk_kernels[i]->name, name) == 0)
			return ompk_kernels[i];
	return NULL;
}
