/*
 * report.c - a measured invocation as text, JSON or CSV, and the keys
 * every tool's report shares (report.h), all through the one emitter
 * (emit.c).
 *
 * Text is a block of aligned `key = value` lines (ParRes style); JSON is
 * one object per invocation with stable key names and u64 values as
 * exact integers; CSV is a header line and one row. The keys are those of
 * src/schema/ompkit.schema.json, documented in README.md: an interface
 * scripts depend on.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "ompkit/build.h"
#include "ompkit/driver.h"
#include "ompkit/report.h"

#define TEXT_MAX_VALUES 16

/* The OpenMP environment every report lists (null when unset). */
static const char *const omp_env[] = {
	"OMP_NUM_THREADS", "OMP_SCHEDULE",    "OMP_PROC_BIND", "OMP_PLACES",
	"OMP_DYNAMIC",	   "OMP_WAIT_POLICY", "OMP_STACKSIZE",
};

void ompk_emit_verified(struct ompk_emit *e, int verified, const char *method,
			const char *expected_text)
{
	unsigned only = e->only;

	if (verified == 1)
		ompk_emit_textf(e, "verified", "yes (%s)", method);
	else if (verified == 0)
		ompk_emit_textf(e, "verified", "no: expected %s (%s)",
				expected_text ? expected_text : "another result", method);
	else
		ompk_emit_textf(e, "verified", "%s", method);
	ompk_emit_only(e, only & OMPK_IN_DATA);
	ompk_emit_bool(e, "verified", verified);
	ompk_emit_str(e, "verify_method", method);
	ompk_emit_only(e, only);
}

void ompk_emit_times(struct ompk_emit *e, const double *times, const struct ompk_summary *s,
		     uint64_t warmup)
{
	unsigned only = e->only;

	if (warmup)
		ompk_emit_textf(e, "time",
				"%.6f s median, %.6f min, %.6f max, %zu repeat%s (+%llu warm-up)",
				s->median, s->min, s->max, s->n, s->n == 1 ? "" : "s",
				(unsigned long long)warmup);
	else
		ompk_emit_textf(e, "time", "%.6f s median, %.6f min, %.6f max, %zu repeat%s",
				s->median, s->min, s->max, s->n, s->n == 1 ? "" : "s");
	ompk_emit_only(e, only & OMPK_IN_DATA);
	ompk_emit_u64(e, "repeats", s->n);
	ompk_emit_u64(e, "warmup", warmup);
	ompk_emit_nums(e, "times_s", times, s->n);
	ompk_emit_num(e, "median_s", s->median);
	ompk_emit_num(e, "min_s", s->min);
	ompk_emit_num(e, "max_s", s->max);
	ompk_emit_only(e, only);
}

void ompk_emit_rate(struct ompk_emit *e, double rate, const char *unit)
{
	unsigned only = e->only;
	char u[64];

	if (!unit) {
		ompk_emit_only(e, only & OMPK_IN_DATA);
		ompk_emit_null(e, "rate");
		ompk_emit_null(e, "rate_unit");
		ompk_emit_only(e, only);
		return;
	}
	snprintf(u, sizeof(u), "%s/s", unit);
	ompk_emit_textf(e, "rate", "%.4g %s", rate, u);
	ompk_emit_only(e, only & OMPK_IN_DATA);
	ompk_emit_num(e, "rate", rate);
	ompk_emit_str(e, "rate_unit", u);
	ompk_emit_only(e, only);
}

/* The process's peak resident set so far (the kernel keeps it, in KiB), 0 if unknown. */
static uint64_t peak_rss_bytes(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? 0 : (uint64_t)ru.ru_maxrss * 1024;
}

void ompk_emit_tail(struct ompk_emit *e)
{
	unsigned only = e->only;
	const char *lib = ompk_build_openmp_library();
	const uint64_t rss = peak_rss_bytes();

	ompk_emit_textf(e, "peak_rss", "%.1f MiB (%llu bytes, this process so far)",
			(double)rss / 1048576, (unsigned long long)rss);
	ompk_emit_only(e, only & OMPK_IN_DATA);
	ompk_emit_u64(e, "peak_rss_bytes", rss);
	ompk_emit_only(e, only);

	ompk_emit_textf(e, "build", "%s, %s; OpenMP %ld, %s%s%s%s", ompk_build_compiler(),
			ompk_build_flags(), ompk_build_openmp(), ompk_build_openmp_runtime(),
			lib ? " (" : "", lib ? lib : "", lib ? ")" : "");
	ompk_emit_only(e, only & OMPK_IN_DATA);
	ompk_emit_object(e, "build", 0);
	ompk_emit_str(e, "compiler", ompk_build_compiler_name());
	ompk_emit_str(e, "version", ompk_build_compiler_version());
	ompk_emit_str(e, "flags", ompk_build_flags());
	ompk_emit_int(e, "openmp", ompk_build_openmp());
	ompk_emit_str(e, "openmp_runtime", ompk_build_openmp_runtime());
	ompk_emit_str(e, "openmp_library", lib);
	ompk_emit_object_end(e);
	ompk_emit_object(e, "env", 0);
	for (size_t i = 0; i < OMPK_COUNT(omp_env); i++)
		ompk_emit_str(e, omp_env[i], getenv(omp_env[i]));
	ompk_emit_object_end(e);
	ompk_emit_str(e, "version", OMPK_VERSION);
	ompk_emit_only(e, only);
}

/* "count 5133, per_job 5133" or "finals 1 2 3 ... (1000 values)" */
static void text_result(FILE *f, const struct ompk_result *r)
{
	for (size_t i = 0; i < r->nfields; i++) {
		const struct ompk_field *fl = &r->f[i];
		size_t shown = fl->n < TEXT_MAX_VALUES ? fl->n : TEXT_MAX_VALUES;

		fprintf(f, "%s%s", i ? ", " : "", fl->name);
		for (size_t j = 0; j < shown; j++)
			fprintf(f, " %llu", (unsigned long long)fl->v[j]);
		if (shown < fl->n)
			fprintf(f, " ... (%zu values; --format json prints all)", fl->n);
		if (fl->array && fl->n == 0)
			fputs(" (none)", f);
	}
}

/* The same, into a malloc'd string (NULL when out of memory). */
static char *text_result_string(const struct ompk_result *r)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	text_result(f, r);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* -q: each field on its own line; an array's values on that line, separated by spaces. */
void ompk_result_print_bare(FILE *f, const struct ompk_result *r)
{
	for (size_t i = 0; i < r->nfields; i++) {
		for (size_t j = 0; j < r->f[i].n; j++)
			fprintf(f, "%s%llu", j ? " " : "", (unsigned long long)r->f[i].v[j]);
		fputc('\n', f);
	}
}

/* The result's fields as members of the current object (scalars as numbers). */
void ompk_emit_result(struct ompk_emit *e, const struct ompk_result *r)
{
	for (size_t i = 0; i < r->nfields; i++) {
		const struct ompk_field *fl = &r->f[i];

		if (fl->array || fl->n != 1)
			ompk_emit_u64s(e, fl->name, fl->v, fl->n);
		else
			ompk_emit_u64(e, fl->name, fl->v[0]);
	}
}

void ompk_emit_outcome(struct ompk_emit *e, const struct ompk_result *result, int verified,
		       const char *method, const struct ompk_result *expected)
{
	unsigned only = e->only;
	char *exp_text = NULL;

	if (e->format == OMPK_TEXT && (only & OMPK_IN_TEXT)) {
		fprintf(e->f, "%-10s = ", "result");
		text_result(e->f, result);
		fputc('\n', e->f);
	}
	ompk_emit_only(e, only & OMPK_IN_DATA);
	ompk_emit_object(e, "result", OMPK_EMIT_FLAT);
	ompk_emit_result(e, result);
	ompk_emit_object_end(e);
	ompk_emit_only(e, only);
	if (verified == 0 && e->format == OMPK_TEXT)
		exp_text = text_result_string(expected);
	ompk_emit_verified(e, verified, method, exp_text);
	free(exp_text);
	if (verified == 0) {
		ompk_emit_only(e, only & OMPK_IN_JSON);
		ompk_emit_object(e, "expected", OMPK_EMIT_FLAT);
		ompk_emit_result(e, expected);
		ompk_emit_object_end(e);
		ompk_emit_only(e, only);
	}
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v ? v : fallback;
}

/* "binding    = 2 places; thread 0 on place 0 (cpu 0), thread 1 on place 1 (cpu 1)" */
static void text_binding(FILE *f, const struct ompk_binding *b)
{
	int shown = b->nthreads < TEXT_MAX_VALUES ? b->nthreads : TEXT_MAX_VALUES;

	fprintf(f, "%-10s = %s, %d place%s", "binding", b->proc_bind ? b->proc_bind : "unknown",
		b->num_places, b->num_places == 1 ? "" : "s");
	for (int t = 0; t < shown; t++) {
		fprintf(f, "%s thread %d on ", t ? "," : ";", t);
		if (b->place[t] >= 0)
			fprintf(f, "place %d ", b->place[t]);
		else
			fputs("no place ", f);
		fprintf(f, "(cpu %d)", b->cpu[t]);
	}
	if (shown < b->nthreads)
		fprintf(f, " ... (%d threads; --format json prints all)", b->nthreads);
	fputc('\n', f);
}

/* A parameter is listed unless the input is a file and it only shapes the generated range. */
static bool param_listed(const struct ompk_job *job, size_t i)
{
	return !job->file || (job->set & (1u << i)) || !job->kernel->file_help;
}

static void emit_report(struct ompk_emit *e, const struct ompk_job *job,
			const struct ompk_options *o, const struct ompk_report *rep)
{
	const struct ompk_kernel *k = job->kernel;
	char tool[64];
	struct ompk_summary s = {
		.n = rep->ntimes, .median = rep->median, .min = rep->min, .max = rep->max
	};

	snprintf(tool, sizeof(tool), "%s%s", k->name, rep->ranks > 0 ? "-mpi" : "");
	ompk_emit_textf(e, "kernel", "%s (%s)", k->name, k->summary);
	ompk_emit_only(e, OMPK_IN_DATA);
	ompk_emit_str(e, "tool", tool);
	ompk_emit_str(e, "kernel", k->name);
	ompk_emit_only(e, OMPK_IN_ALL);
	ompk_emit_str(e, "variant", ompk_variant_name(rep->variant));
	if (rep->method_chosen)
		ompk_emit_str(e, "method", rep->method_chosen);
	ompk_emit_int(e, "threads", rep->threads_used);
	ompk_emit_only(e, OMPK_IN_DATA);
	ompk_emit_int(e, "threads_requested", job->threads);
	ompk_emit_only(e, OMPK_IN_ALL);
	ompk_emit_str(e, "schedule", rep->schedule);
	ompk_emit_textf(e, "proc_bind", "%s (OMP_PROC_BIND %s, OMP_PLACES %s)",
			ompk_proc_bind_name(), env_or("OMP_PROC_BIND", "unset"),
			env_or("OMP_PLACES", "unset"));
	if (e->format == OMPK_TEXT)
		text_binding(e->f, &rep->binding);
	ompk_emit_object(e, "params", OMPK_EMIT_FLAT);
	for (size_t i = 0; i < k->nparams; i++)
		if (param_listed(job, i))
			ompk_emit_u64(e, k->params[i].name, job->p[i]);
	ompk_emit_object_end(e);
	if (job->file)
		ompk_emit_textf(e, "file", "%s (%zu bytes)", job->file, rep->input_bytes);
	ompk_emit_only(e, OMPK_IN_DATA);
	ompk_emit_str(e, "file", job->file);
	if (job->file)
		ompk_emit_u64(e, "file_bytes", rep->input_bytes);
	else
		ompk_emit_null(e, "file_bytes");
	ompk_emit_only(e, OMPK_IN_ALL);

	ompk_emit_outcome(e, &rep->result, rep->verified, rep->method, &rep->expected);
	ompk_emit_times(e, rep->times, &s, o->warmup);
	ompk_emit_rate(e, rep->rate, k->unit);
	/* After the parameters, the result and the times: scripts find the
	 * parameters between `schedule` and `file` (scripts/sweep.sh). */
	ompk_emit_only(e, OMPK_IN_DATA);
	ompk_emit_str(e, "proc_bind", ompk_proc_bind_name());
	ompk_emit_object(e, "binding", 0);
	ompk_emit_str(e, "proc_bind", rep->binding.proc_bind);
	ompk_emit_int(e, "num_places", rep->binding.num_places);
	ompk_emit_ints(e, "thread_place", rep->binding.place, (size_t)rep->binding.nthreads);
	ompk_emit_ints(e, "thread_cpu", rep->binding.cpu, (size_t)rep->binding.nthreads);
	ompk_emit_object_end(e);
	ompk_emit_only(e, OMPK_IN_ALL);

	if (rep->ranks > 0) {
		ompk_emit_textf(e, "ranks", "%d (MPI processes, %d OpenMP threads each)",
				rep->ranks, rep->threads_used);
		if (e->format == OMPK_TEXT) {
			fprintf(e->f, "%-10s =", "rank_times");
			for (int i = 0; i < rep->ranks; i++)
				fprintf(e->f, " %.6f", rep->rank_times[i]);
			fprintf(e->f, " s (median of each rank's own part)\n");
		}
		ompk_emit_textf(e, "imbalance", "%.3f (max / mean rank time)", rep->imbalance);
		ompk_emit_only(e, OMPK_IN_DATA);
		ompk_emit_int(e, "ranks", rep->ranks);
		ompk_emit_nums(e, "rank_times_s", rep->rank_times, (size_t)rep->ranks);
		ompk_emit_num(e, "imbalance", rep->imbalance);
		ompk_emit_only(e, OMPK_IN_ALL);
	}
	ompk_emit_tail(e);
}

void ompk_report_print(FILE *f, const struct ompk_job *job, const struct ompk_options *o,
		       const struct ompk_report *rep)
{
	struct ompk_emit e;

	if (o->quiet) {
		ompk_result_print_bare(f, &rep->result);
		return;
	}
	if (ompk_emit_begin(&e, f, o->format) == 0)
		emit_report(&e, job, o, rep);
	if (ompk_emit_end(&e) < 0)
		fprintf(stderr, "ompk: cannot write the report: out of memory\n");
}
