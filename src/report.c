/*
 * report.c - printing a measured invocation as text, JSON or CSV.
 *
 * Text is a block of aligned `key = value` lines (ParRes style); JSON is
 * one object per invocation with stable field names and u64 values as
 * exact integers; CSV is a header line and one row. The field names are
 * documented in README.md and are an interface: scripts depend on them.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ompkit/driver.h"

#ifndef OMPK_CFLAGS
#define OMPK_CFLAGS "unknown"
#endif

#define TEXT_MAX_VALUES 16

const char *ompk_build_compiler(void)
{
#if defined(__clang__)
	return "clang " __clang_version__;
#elif defined(__GNUC__)
	return "gcc " __VERSION__;
#else
	return "unknown";
#endif
}

const char *ompk_build_flags(void)
{
	return OMPK_CFLAGS;
}

static void json_string(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void csv_string(FILE *f, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void json_result(FILE *f, const struct ompk_result *r)
{
	fputc('{', f);
	for (size_t i = 0; i < r->nfields; i++) {
		const struct ompk_field *fl = &r->f[i];

		fprintf(f, "%s\"%s\":", i ? "," : "", fl->name);
		if (fl->array)
			fputc('[', f);
		for (size_t j = 0; j < fl->n; j++)
			fprintf(f, "%s%llu", j ? "," : "", (unsigned long long)fl->v[j]);
		if (fl->array)
			fputc(']', f);
	}
	fputc('}', f);
}

/* "count 5133" or "finals 1 2 3 ... (1000 values)" */
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

void ompk_result_print_bare(FILE *f, const struct ompk_result *r)
{
	for (size_t i = 0; i < r->nfields; i++)
		for (size_t j = 0; j < r->f[i].n; j++)
			fprintf(f, "%llu%s", (unsigned long long)r->f[i].v[j],
				r->f[i].array || i + 1 == r->nfields ? "\n" : " ");
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

static void json_ints(FILE *f, const int *v, int n)
{
	fputc('[', f);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%d", i ? "," : "", v[i]);
	fputc(']', f);
}

static void print_text(FILE *f, const struct ompk_job *job, const struct ompk_options *o,
		       const struct ompk_report *rep)
{
	const struct ompk_kernel *k = job->kernel;

	fprintf(f, "%-10s = %s (%s)\n", "kernel", k->name, k->summary);
	fprintf(f, "%-10s = %s\n", "variant", ompk_variant_name(rep->variant));
	fprintf(f, "%-10s = %d\n", "threads", rep->threads_used);
	fprintf(f, "%-10s = %s\n", "schedule", rep->schedule);
	fprintf(f, "%-10s = %s (OMP_PROC_BIND %s, OMP_PLACES %s)\n", "proc_bind",
		ompk_proc_bind_name(), env_or("OMP_PROC_BIND", "unset"),
		env_or("OMP_PLACES", "unset"));
	text_binding(f, &rep->binding);
	if (job->file)
		fprintf(f, "%-10s = %s (%zu bytes)\n", "file", job->file, job->data_len);
	for (size_t i = 0; i < k->nparams; i++)
		if (!job->file || (job->set & (1u << i)) || !k->file_help)
			fprintf(f, "%-10s = %llu\n", k->params[i].name,
				(unsigned long long)job->p[i]);
	fprintf(f, "%-10s = %s, %s\n", "build", ompk_build_compiler(), ompk_build_flags());
	fprintf(f, "%-10s = ", "result");
	text_result(f, &rep->result);
	fputc('\n', f);
	if (rep->verified == 1)
		fprintf(f, "%-10s = yes (%s)\n", "verified", rep->method);
	else if (rep->verified == 0) {
		fprintf(f, "%-10s = NO: expected ", "verified");
		text_result(f, &rep->expected);
		fprintf(f, " (%s)\n", rep->method);
	} else
		fprintf(f, "%-10s = no: %s\n", "verified", rep->method);
	fprintf(f, "%-10s = %.6f s median, %.6f min, %.6f max, %zu repeat%s", "time", rep->median,
		rep->min, rep->max, rep->ntimes, rep->ntimes == 1 ? "" : "s");
	if (o->warmup)
		fprintf(f, " (+%llu warm-up)", (unsigned long long)o->warmup);
	fputc('\n', f);
	fprintf(f, "%-10s = %.4g %s/s\n", "rate", rep->rate, k->unit);
	if (rep->ranks > 0) {
		fprintf(f, "%-10s = %d (MPI processes, %d OpenMP threads each)\n", "ranks",
			rep->ranks, rep->threads_used);
		fprintf(f, "%-10s =", "rank_times");
		for (int i = 0; i < rep->ranks; i++)
			fprintf(f, " %.6f", rep->rank_times[i]);
		fprintf(f, " s (median of each rank's own part)\n");
		fprintf(f, "%-10s = %.3f (max / mean rank time)\n", "imbalance", rep->imbalance);
	}
}

static void print_json(FILE *f, const struct ompk_job *job, const struct ompk_options *o,
		       const struct ompk_report *rep)
{
	const struct ompk_kernel *k = job->kernel;

	fprintf(f, "{\"kernel\":\"%s\",\"variant\":\"%s\",\"threads\":%d,\"threads_requested\":%d,",
		k->name, ompk_variant_name(rep->variant), rep->threads_used, job->threads);
	fprintf(f, "\"schedule\":\"%s\",\"proc_bind\":\"%s\",\"env\":{\"OMP_NUM_THREADS\":",
		rep->schedule, ompk_proc_bind_name());
	json_string(f, getenv("OMP_NUM_THREADS"));
	fputs(",\"OMP_SCHEDULE\":", f);
	json_string(f, getenv("OMP_SCHEDULE"));
	fputs(",\"OMP_PROC_BIND\":", f);
	json_string(f, getenv("OMP_PROC_BIND"));
	fputs(",\"OMP_PLACES\":", f);
	json_string(f, getenv("OMP_PLACES"));
	fputs("},\"binding\":{\"proc_bind\":", f);
	json_string(f, rep->binding.proc_bind);
	fprintf(f, ",\"num_places\":%d,\"thread_place\":", rep->binding.num_places);
	json_ints(f, rep->binding.place, rep->binding.nthreads);
	fputs(",\"thread_cpu\":", f);
	json_ints(f, rep->binding.cpu, rep->binding.nthreads);
	fputs("},\"params\":{", f);
	for (size_t i = 0; i < k->nparams; i++)
		fprintf(f, "%s\"%s\":%llu", i ? "," : "", k->params[i].name,
			(unsigned long long)job->p[i]);
	fputs("},\"file\":", f);
	json_string(f, job->file);
	fputs(",\"result\":", f);
	json_result(f, &rep->result);
	fprintf(f, ",\"verified\":%s,\"verify_method\":", rep->verified == 1 ? "true" : "false");
	json_string(f, rep->method);
	if (rep->verified == 0) {
		fputs(",\"expected\":", f);
		json_result(f, &rep->expected);
	}
	fprintf(f, ",\"repeats\":%zu,\"warmup\":%llu,\"times_s\":[", rep->ntimes,
		(unsigned long long)o->warmup);
	for (size_t i = 0; i < rep->ntimes; i++)
		fprintf(f, "%s%.9g", i ? "," : "", rep->times[i]);
	fprintf(f,
		"],\"median_s\":%.9g,\"min_s\":%.9g,\"max_s\":%.9g,\"rate\":%.9g,\"rate_unit\":\"%"
		"s/s\",",
		rep->median, rep->min, rep->max, rep->rate, k->unit);
	if (rep->ranks > 0) {
		fprintf(f, "\"ranks\":%d,\"rank_times_s\":[", rep->ranks);
		for (int i = 0; i < rep->ranks; i++)
			fprintf(f, "%s%.9g", i ? "," : "", rep->rank_times[i]);
		fprintf(f, "],\"imbalance\":%.9g,", rep->imbalance);
	}
	fputs("\"build\":{\"compiler\":", f);
	json_string(f, ompk_build_compiler());
	fputs(",\"flags\":", f);
	json_string(f, ompk_build_flags());
	fprintf(f, ",\"openmp\":%d},\"version\":\"%s\"}\n", _OPENMP, OMPK_VERSION);
}

static void print_csv(FILE *f, const struct ompk_job *job, const struct ompk_report *rep)
{
	const struct ompk_kernel *k = job->kernel;

	fputs("kernel,variant,threads,schedule,", f);
	for (size_t i = 0; i < k->nparams; i++)
		fprintf(f, "%s,", k->params[i].name);
	fputs("file,", f);
	for (size_t i = 0; i < rep->result.nfields; i++)
		fprintf(f, "%s,", rep->result.f[i].name);
	fputs("verified,repeats,median_s,min_s,max_s,rate,rate_unit", f);
	fputs(rep->ranks > 0 ? ",ranks,imbalance\n" : "\n", f);

	/* "dynamic,1" holds a comma: quoted like any other field. */
	fprintf(f, "%s,%s,%d,", k->name, ompk_variant_name(rep->variant), rep->threads_used);
	csv_string(f, rep->schedule);
	fputc(',', f);
	for (size_t i = 0; i < k->nparams; i++)
		fprintf(f, "%llu,", (unsigned long long)job->p[i]);
	csv_string(f, job->file);
	fputc(',', f);
	for (size_t i = 0; i < rep->result.nfields; i++) {
		for (size_t j = 0; j < rep->result.f[i].n; j++)
			fprintf(f, "%s%llu", j ? " " : "",
				(unsigned long long)rep->result.f[i].v[j]);
		fputc(',', f);
	}
	fprintf(f, "%s,%zu,%.9g,%.9g,%.9g,%.9g,%s/s", rep->verified == 1 ? "true" : "false",
		rep->ntimes, rep->median, rep->min, rep->max, rep->rate, k->unit);
	if (rep->ranks > 0)
		fprintf(f, ",%d,%.9g", rep->ranks, rep->imbalance);
	fputc('\n', f);
}

void ompk_report_print(FILE *f, const struct ompk_job *job, const struct ompk_options *o,
		       const struct ompk_report *rep)
{
	if (o->quiet) {
		ompk_result_print_bare(f, &rep->result);
		return;
	}
	switch (o->format) {
	case OMPK_TEXT:
		print_text(f, job, o, rep);
		break;
	case OMPK_JSON:
		print_json(f, job, o, rep);
		break;
	case OMPK_CSV:
		print_csv(f, job, rep);
		break;
	}
}
