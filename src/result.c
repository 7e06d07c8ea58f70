/*
 * result.c - kernel results as lists of named u64 fields: building,
 * comparing and freeing them; variant names; parameter lookup.
 */
#include "ompkit/kernel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const variant_names[OMPK_VARIANT_COUNT] = {
	[OMPK_SEQ] = "seq",
	[OMPK_OMP] = "omp",
	[OMPK_FAST] = "fast",
};

const char *ompk_variant_name(enum ompk_variant v)
{
	return (unsigned)v < OMPK_VARIANT_COUNT ? variant_names[v] : "?";
}

int ompk_variant_parse(const char *s, enum ompk_variant *v)
{
	for (int i = 0; i < OMPK_VARIANT_COUNT; i++) {
		if (strcmp(s, variant_names[i]) == 0) {
			*v = (enum ompk_variant)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Adds a field of n zeroed values; *v points at them. 0, -ENOSPC or -ENOMEM. */
int ompk_result_add(struct ompk_result *r, const char *name, bool array, size_t n, uint64_t **v)
{
	struct ompk_field *f;

	if (r->nfields >= OMPK_MAX_FIELDS)
		return -ENOSPC;
	f = &r->f[r->nfields];
	f->v = calloc(n ? n : 1, sizeof(*f->v));
	if (!f->v)
		return -ENOMEM;
	f->name = name;
	f->array = array;
	f->n = n;
	r->nfields++;
	*v = f->v;
	return 0;
}

int ompk_result_scalar(struct ompk_result *r, const char *name, uint64_t value)
{
	uint64_t *v;
	int err = ompk_result_add(r, name, false, 1, &v);

	if (!err)
		v[0] = value;
	return err;
}

bool ompk_result_equal(const struct ompk_result *a, const struct ompk_result *b)
{
	if (a->nfields != b->nfields)
		return false;
	for (size_t i = 0; i < a->nfields; i++) {
		const struct ompk_field *x = &a->f[i], *y = &b->f[i];

		if (strcmp(x->name, y->name) != 0 || x->n != y->n)
			return false;
		if (x->n && memcmp(x->v, y->v, x->n * sizeof(*x->v)) != 0)
			return false;
	}
	return true;
}

void ompk_result_free(struct ompk_result *r)
{
	for (size_t i = 0; i < r->nfields; i++)
		free(r->f[i].v);
	memset(r, 0, sizeof(*r));
}

int ompk_param_index(const struct ompk_kernel *k, const char *name)
{
	for (size_t i = 0; i < k->nparams; i++)
		if (strcmp(k->params[i].name, name) == 0)
			return (int)i;
	return -1;
}
