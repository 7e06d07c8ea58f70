/*
 * sched.c - parsing, applying and reporting OpenMP loop schedules.
 */
#include "ompkit/sched.h"

#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "ompkit/kernel.h"
#include "ompkit/parse.h"

static const struct ompk_name kinds[] = {
	{ "static", omp_sched_static },
	{ "dynamic", omp_sched_dynamic },
	{ "guided", omp_sched_guided },
	{ "auto", omp_sched_auto },
};

int ompk_sched_parse(const char *s, struct ompk_sched *out)
{
	const char *comma = strchr(s, ',');
	size_t n = comma ? (size_t)(comma - s) : strlen(s);
	uint64_t chunk = 0;

	if (comma) {
		if (ompk_parse_u64(comma + 1, &chunk) != OMPK_PARSE_OK || chunk < 1 ||
		    chunk > 0x7fffffff)
			return -EINVAL;
	}
	if (ompk_name_value(kinds, OMPK_COUNT(kinds), s, n, &out->kind))
		return -EINVAL;
	out->chunk = (int)chunk;
	return 0;
}

void ompk_sched_apply(const struct ompk_sched *s)
{
	omp_set_schedule((omp_sched_t)s->kind, s->chunk);
}

void ompk_sched_current(char *buf, size_t len)
{
	omp_sched_t kind;
	int chunk;

	omp_get_schedule(&kind, &chunk);
	/* OpenMP 5 may OR the monotonic modifier into the kind. */
	unsigned k = (unsigned)kind & 0x7fffffffu;
	const char *name = ompk_name_of(kinds, OMPK_COUNT(kinds), (int)k, "unknown");
	if (chunk > 0 && k != (unsigned)omp_sched_auto)
		snprintf(buf, len, "%s,%d", name, chunk);
	else
		snprintf(buf, len, "%s", name);
}
