/*
 * emit.h - the one writer of every tool's report (google/benchmark's
 * reporter idea): the same calls write aligned `key = value` text, one
 * JSON object, or a CSV header line and one row.
 *
 *	struct ompk_emit e;
 *	ompk_emit_begin(&e, stdout, OMPK_JSON);
 *	ompk_emit_str(&e, "tool", "pipeline");
 *	ompk_emit_object(&e, "params", OMPK_EMIT_FLAT);
 *	ompk_emit_u64(&e, "shards", 4);
 *	ompk_emit_object_end(&e);
 *	ompk_emit_end(&e);
 *
 * JSON: compact, `"key":value`, u64 as exact integers, doubles with 9
 * significant digits (non-finite ones as null), strings escaped. Arrays
 * are JSON arrays.
 * CSV: one column per value, RFC 4180 quoting where a field holds a
 * comma, a quote or a line break; an array is one field, its values
 * separated by spaces; null is an empty field.
 * Text: `key = value` lines, keys padded to 10 columns; an array's values
 * separated by spaces.
 * Inside an object, CSV columns and text keys are "object.member"; with
 * OMPK_EMIT_FLAT they are the member's name alone (params, result).
 * Booleans are true/false (null when unknown) in JSON, yes/no (empty in
 * CSV, "not checked" in text when unknown) elsewhere.
 *
 * A report shows some facts only in text (a human summary line, written
 * with ompk_emit_textf) and some only in JSON and CSV: ompk_emit_only()
 * selects the formats the following calls write to.
 */
#ifndef OMPKIT_EMIT_H
#define OMPKIT_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum ompk_format { OMPK_TEXT, OMPK_JSON, OMPK_CSV };

/* Masks for ompk_emit_only. */
enum {
	OMPK_IN_TEXT = 1u << OMPK_TEXT,
	OMPK_IN_JSON = 1u << OMPK_JSON,
	OMPK_IN_CSV = 1u << OMPK_CSV,
	OMPK_IN_DATA = OMPK_IN_JSON | OMPK_IN_CSV,
	OMPK_IN_ALL = OMPK_IN_TEXT | OMPK_IN_JSON | OMPK_IN_CSV,
};

/* ompk_emit_object flags. */
enum { OMPK_EMIT_FLAT = 1 };

#define OMPK_EMIT_DEPTH 4

struct ompk_emit {
	FILE *f;
	enum ompk_format format;
	unsigned only;			      /* OMPK_IN_* of the formats written to now */
	int depth;			      /* open objects */
	bool first[OMPK_EMIT_DEPTH + 1];      /* JSON: no member written yet at this depth */
	char prefix[OMPK_EMIT_DEPTH + 1][64]; /* CSV/text: key prefix at this depth */
	FILE *head, *row;		      /* CSV: the header and the row being built */
	char *head_buf, *row_buf;
	size_t head_len, row_len, columns;
	int err;
};

/* Starts a report on f. Returns 0 or -ENOMEM (CSV buffers). */
int ompk_emit_begin(struct ompk_emit *e, FILE *f, enum ompk_format format);
/* Ends it: JSON's closing brace, CSV's two lines. Returns 0 or -errno. */
int ompk_emit_end(struct ompk_emit *e);

void ompk_emit_only(struct ompk_emit *e, unsigned mask);

void ompk_emit_str(struct ompk_emit *e, const char *key, const char *v); /* NULL: null */
void ompk_emit_u64(struct ompk_emit *e, const char *key, uint64_t v);
void ompk_emit_int(struct ompk_emit *e, const char *key, long long v);
void ompk_emit_num(struct ompk_emit *e, const char *key, double v);
void ompk_emit_bool(struct ompk_emit *e, const char *key, int v); /* 1, 0, or < 0: null */
void ompk_emit_null(struct ompk_emit *e, const char *key);
void ompk_emit_u64s(struct ompk_emit *e, const char *key, const uint64_t *v, size_t n);
void ompk_emit_ints(struct ompk_emit *e, const char *key, const int *v, size_t n);
void ompk_emit_nums(struct ompk_emit *e, const char *key, const double *v, size_t n);
/* Text only: a `key = ...` line with a printf-formatted value (no newline in fmt). */
void ompk_emit_textf(struct ompk_emit *e, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Text only: a line as it is (a table row under a key). */
void ompk_emit_textline(struct ompk_emit *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void ompk_emit_object(struct ompk_emit *e, const char *key, unsigned flags);
void ompk_emit_object_end(struct ompk_emit *e);

/* Writes s as a CSV field, quoted by RFC 4180 when it must be. */
void ompk_csv_field(FILE *f, const char *s);
/* Writes s as a JSON string (null for NULL). */
void ompk_json_string(FILE *f, const char *s);

#endif
