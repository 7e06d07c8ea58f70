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

int ompk_result_concat(struct ompk_result *acc, const struct ompk_result *part)
{
	if (acc->nfields != part->nfields)
		return -EINVAL;
	for (size_t i = 0; i < acc->nfields; i++)
		if (strcmp(acc->f[i].name, part->f[i].name) != 0 || !acc->f[i].array)
			return -EINVAL;
	for (size_t i = 0; i < acc->nfields; i++) {
		struct ompk_field *a = &acc->f[i];
		const struct ompk_field *p = &part->f[i];
		uint64_t *v;

		if (p->n > SIZE_MAX / sizeof(*v) - a->n)
			return -ENOMEM;
		v = realloc(a->v, (a->n + p->n ? a->n + p->n : 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		if (p->n)
			memcpy(v + a->n, p->v, p->n * sizeof(*v));
		a->v = v;
		a->n += p->n;
	}
	return 0;
}

/*
 * The packed form: nfields, then per field NAME_WORDS words of its name
 * (NUL padded), its array flag, its length n and its n values.
 */
#define NAME_WORDS (OMPK_FIELD_NAME_MAX / 8)

int ompk_result_pack(const struct ompk_result *r, uint64_t **buf, size_t *words)
{
	size_t n = 1, at = 1;
	uint64_t *b;

	for (size_t i = 0; i < r->nfields; i++) {
		if (strlen(r->f[i].name) >= OMPK_FIELD_NAME_MAX ||
		    r->f[i].n > SIZE_MAX / 8 - n - NAME_WORDS - 2)
			return -EINVAL;
		n += NAME_WORDS + 2 + r->f[i].n;
	}
	b = calloc(n, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b[0] = r->nfields;
	for (size_t i = 0; i < r->nfields; i++) {
		const struct ompk_field *f = &r->f[i];

		memcpy(&b[at], f->name, strlen(f->name));
		at += NAME_WORDS;
		b[at++] = f->array;
		b[at++] = f->n;
		if (f->n)
			memcpy(&b[at], f->v, f->n * sizeof(*b));
		at += f->n;
	}
	*buf = b;
	*words = n;
	return 0;
}

int ompk_result_unpack(const uint64_t *buf, size_t words, struct ompk_result *r,
		       char (*names)[OMPK_FIELD_NAME_MAX])
{
	size_t at = 1;
	int err = -EINVAL;

	memset(r, 0, sizeof(*r));
	if (words < 1 || buf[0] > OMPK_MAX_FIELDS)
		return -EINVAL;
	for (uint64_t i = 0; i < buf[0]; i++) {
		uint64_t *v, n;

		if (words - at < NAME_WORDS + 2)
			goto fail;
		memcpy(names[i], &buf[at], OMPK_FIELD_NAME_MAX);
		if (names[i][OMPK_FIELD_NAME_MAX - 1] != '\0')
			goto fail;
		at += NAME_WORDS;
		n = buf[at + 1];
		if (buf[at] > 1 || n > words - at - 2)
			goto fail;
		err = ompk_result_add(r, names[i], buf[at] == 1, (size_t)n, &v);
		if (err)
			goto fail;
		at += 2;
		if (n)
			memcpy(v, &buf[at], n * sizeof(*v));
		at += n;
		err = -EINVAL;
	}
	if (at == words)
		return 0;
fail:
	ompk_result_free(r);
	return err;
}
