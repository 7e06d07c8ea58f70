/*
 * emit.c - the one report writer (see emit.h).
 *
 * Every value is turned into two spellings, the JSON one and the plain one
 * (what text and CSV show), and put() writes the one its format wants:
 * that is the only place that knows how JSON members are separated, how a
 * CSV field is quoted and how a text key is aligned, so no tool can drift.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ompkit/emit.h"

#define TEXT_KEY_WIDTH 10

void ompk_json_string(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

void ompk_csv_field(FILE *f, const char *s)
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

int ompk_emit_begin(struct ompk_emit *e, FILE *f, enum ompk_format format)
{
	memset(e, 0, sizeof(*e));
	e->f = f;
	e->format = format;
	e->only = OMPK_IN_ALL;
	e->first[0] = true;
	if (format == OMPK_CSV) {
		e->head = open_memstream(&e->head_buf, &e->head_len);
		e->row = open_memstream(&e->row_buf, &e->row_len);
		if (!e->head || !e->row) {
			e->err = -ENOMEM;
			return e->err;
		}
	}
	if (format == OMPK_JSON)
		fputc('{', f);
	return 0;
}

int ompk_emit_end(struct ompk_emit *e)
{
	while (e->depth > 0)
		ompk_emit_object_end(e);
	if (e->format == OMPK_JSON)
		fputs("}\n", e->f);
	if (e->format == OMPK_CSV) {
		if (e->head && fclose(e->head) && !e->err)
			e->err = -ENOMEM;
		if (e->row && fclose(e->row) && !e->err)
			e->err = -ENOMEM;
		if (!e->err)
			fprintf(e->f, "%s\n%s\n", e->head_buf, e->row_buf);
		free(e->head_buf);
		free(e->row_buf);
		e->head = e->row = NULL;
		e->head_buf = e->row_buf = NULL;
	}
	return e->err;
}

void ompk_emit_only(struct ompk_emit *e, unsigned mask)
{
	e->only = mask;
}

static bool selected(const struct ompk_emit *e)
{
	return (e->only >> e->format) & 1u;
}

/* Writes one member: json is its JSON spelling, plain its text/CSV one (NULL: null). */
static void put(struct ompk_emit *e, const char *key, const char *json, const char *plain)
{
	const char *prefix = e->prefix[e->depth];

	if (!selected(e))
		return;
	switch (e->format) {
	case OMPK_JSON:
		fprintf(e->f, "%s\"%s\":%s", e->first[e->depth] ? "" : ",", key,
			json ? json : "null");
		e->first[e->depth] = false;
		break;
	case OMPK_CSV:
		if (!e->head || !e->row)
			return;
		if (e->columns++) {
			fputc(',', e->head);
			fputc(',', e->row);
		}
		fprintf(e->head, "%s%s", prefix, key);
		ompk_csv_field(e->row, plain);
		break;
	case OMPK_TEXT: {
		char full[128];

		snprintf(full, sizeof(full), "%s%s", prefix, key);
		fprintf(e->f, "%-*s = %s\n", TEXT_KEY_WIDTH, full, plain ? plain : "none");
		break;
	}
	}
}

/* A memory stream for building one spelling; NULL (and e->err set) when out of memory. */
struct spell {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *spell_open(struct ompk_emit *e, struct spell *s)
{
	s->buf = NULL;
	s->f = open_memstream(&s->buf, &s->len);
	if (!s->f)
		e->err = -ENOMEM;
	return s->f;
}

static char *spell_close(struct ompk_emit *e, struct spell *s)
{
	if (!s->f)
		return NULL;
	if (fclose(s->f)) {
		e->err = -ENOMEM;
		free(s->buf);
		return NULL;
	}
	return s->buf;
}

void ompk_emit_str(struct ompk_emit *e, const char *key, const char *v)
{
	struct spell js;
	char *json;

	if (!selected(e))
		return;
	if (!v) {
		put(e, key, NULL, NULL);
		return;
	}
	if (e->format != OMPK_JSON) {
		put(e, key, NULL, v);
		return;
	}
	if (!spell_open(e, &js))
		return;
	ompk_json_string(js.f, v);
	json = spell_close(e, &js);
	if (json)
		put(e, key, json, v);
	free(json);
}

void ompk_emit_u64(struct ompk_emit *e, const char *key, uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%llu", (unsigned long long)v);
	put(e, key, s, s);
}

void ompk_emit_int(struct ompk_emit *e, const char *key, long long v)
{
	char s[24];

	snprintf(s, sizeof(s), "%lld", v);
	put(e, key, s, s);
}

static void spell_num(char *s, size_t len, double v)
{
	if (isfinite(v))
		snprintf(s, len, "%.9g", v);
	else
		s[0] = '\0';
}

void ompk_emit_num(struct ompk_emit *e, const char *key, double v)
{
	char s[32];

	spell_num(s, sizeof(s), v);
	put(e, key, s[0] ? s : NULL, s[0] ? s : NULL);
}

void ompk_emit_bool(struct ompk_emit *e, const char *key, int v)
{
	if (v < 0)
		put(e, key, NULL, e->format == OMPK_TEXT ? "not checked" : NULL);
	else
		put(e, key, v ? "true" : "false", v ? "yes" : "no");
}

void ompk_emit_null(struct ompk_emit *e, const char *key)
{
	put(e, key, NULL, NULL);
}

/* An array: value(i) spelled into both streams, "[a,b]" and "a b". */
enum kind { U64S, INTS, NUMS };

static void emit_array(struct ompk_emit *e, const char *key, enum kind kind, const void *v,
		       size_t n)
{
	struct spell js, ps;
	char *json, *plain;

	if (!selected(e))
		return;
	if (!spell_open(e, &js))
		return;
	if (!spell_open(e, &ps)) {
		free(spell_close(e, &js));
		return;
	}
	fputc('[', js.f);
	for (size_t i = 0; i < n; i++) {
		char s[32];

		if (kind == U64S)
			snprintf(s, sizeof(s), "%llu",
				 (unsigned long long)((const uint64_t *)v)[i]);
		else if (kind == INTS)
			snprintf(s, sizeof(s), "%d", ((const int *)v)[i]);
		else
			spell_num(s, sizeof(s), ((const double *)v)[i]);
		fprintf(js.f, "%s%s", i ? "," : "", s[0] ? s : "null");
		fprintf(ps.f, "%s%s", i ? " " : "", s);
	}
	fputc(']', js.f);
	json = spell_close(e, &js);
	plain = spell_close(e, &ps);
	if (json && plain)
		put(e, key, json, plain);
	free(json);
	free(plain);
}

void ompk_emit_u64s(struct ompk_emit *e, const char *key, const uint64_t *v, size_t n)
{
	emit_array(e, key, U64S, v, n);
}

void ompk_emit_ints(struct ompk_emit *e, const char *key, const int *v, size_t n)
{
	emit_array(e, key, INTS, v, n);
}

void ompk_emit_nums(struct ompk_emit *e, const char *key, const double *v, size_t n)
{
	emit_array(e, key, NUMS, v, n);
}

void ompk_emit_textf(struct ompk_emit *e, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (e->format != OMPK_TEXT || !selected(e))
		return;
	fprintf(e->f, "%-*s = ", TEXT_KEY_WIDTH, key);
	va_start(ap, fmt);
	vfprintf(e->f, fmt, ap);
	va_end(ap);
	fputc('\n', e->f);
}

void ompk_emit_textline(struct ompk_emit *e, const char *fmt, ...)
{
	va_list ap;

	if (e->format != OMPK_TEXT || !selected(e))
		return;
	va_start(ap, fmt);
	vfprintf(e->f, fmt, ap);
	va_end(ap);
	fputc('\n', e->f);
}

void ompk_emit_object(struct ompk_emit *e, const char *key, unsigned flags)
{
	const char *outer = e->prefix[e->depth];

	if (e->depth == OMPK_EMIT_DEPTH) {
		e->err = -E2BIG;
		return;
	}
	if (selected(e) && e->format == OMPK_JSON) {
		fprintf(e->f, "%s\"%s\":{", e->first[e->depth] ? "" : ",", key);
		e->first[e->depth] = false;
	}
	e->depth++;
	e->first[e->depth] = true;
	if (flags & OMPK_EMIT_FLAT) {
		memcpy(e->prefix[e->depth], outer, sizeof(e->prefix[0]));
	} else if (strlen(outer) + strlen(key) + 2 <= sizeof(e->prefix[0])) {
		strcat(strcat(strcpy(e->prefix[e->depth], outer), key), ".");
	} else {
		e->prefix[e->depth][0] = '\0';
		e->err = -ENAMETOOLONG;
	}
}

void ompk_emit_object_end(struct ompk_emit *e)
{
	if (e->depth == 0)
		return;
	e->depth--;
	if (selected(e) && e->format == OMPK_JSON)
		fputc('}', e->f);
}
