/*
 * report.h - the keys every tool's report shares (src/report.c), written
 * through the one emitter, so `verified`, the timings, `build`, `env` and
 * `version` are spelled the same by the kernels, the pipeline, the
 * heartbeat and the MPI driver. The schema is src/schema/ompkit.schema.json;
 * README.md ("Output and the JSON schema") documents every key.
 */
#ifndef OMPKIT_REPORT_H
#define OMPKIT_REPORT_H

#include <stdint.h>

#include "ompkit/emit.h"
#include "ompkit/kernel.h"
#include "ompkit/stats.h"

/* verify_method of a run whose result was not checked, and why. */
#define OMPK_NOT_CHECKED_NO_VERIFY "not checked (--no-verify)"
#define OMPK_NOT_CHECKED_NO_ORACLE "not checked (no oracle for these inputs)"

/*
 * `verified` (1 yes, 0 no, -1 not checked) and `verify_method`. Text:
 * "yes (method)", "no: expected <expected> (method)" or "not checked (...)".
 */
void ompk_emit_verified(struct ompk_emit *e, int verified, const char *method,
			const char *expected_text);
/*
 * `repeats`, `warmup`, `times_s` (every timed run, in run order),
 * `median_s`, `min_s`, `max_s`; text: one `time` line.
 */
void ompk_emit_times(struct ompk_emit *e, const double *times, const struct ompk_summary *s,
		     uint64_t warmup);
/* `rate` and `rate_unit` ("<unit>/s"); both null when unit is NULL. */
void ompk_emit_rate(struct ompk_emit *e, double rate, const char *unit);
/* The result's fields as members of the current object (u64 scalars and arrays). */
void ompk_emit_result(struct ompk_emit *e, const struct ompk_result *r);
/*
 * `result` (text: "name v1 v2, name v"), then `verified` and
 * `verify_method`, and `expected` (JSON) when verified is 0.
 */
void ompk_emit_outcome(struct ompk_emit *e, const struct ompk_result *result, int verified,
		       const char *method, const struct ompk_result *expected);
/* `build`, `env` and `version`, the last keys of every report. */
void ompk_emit_tail(struct ompk_emit *e);

#endif
