/*
 * parse.h - exact parsing of the numbers users type.
 *
 * Accepted: plain integers ("50000"), "_" between digits ("1_000_000"),
 * and scientific forms that are exact integers ("1e9", "2.5e6"). Rejected,
 * each with its own error: empty strings, signs ("-3" is negative, "+3" is
 * not a number), trailing junk, non-integers ("2.5"), and values beyond
 * 2^64-1. Nothing is ever rounded or wrapped.
 */
#ifndef OMPKIT_PARSE_H
#define OMPKIT_PARSE_H

#include <stdint.h>

enum ompk_parse_err {
	OMPK_PARSE_OK = 0,
	OMPK_PARSE_EMPTY,
	OMPK_PARSE_NEGATIVE,
	OMPK_PARSE_SYNTAX,
	OMPK_PARSE_FRACTION, /* well formed but not an integer, e.g. 2.5 */
	OMPK_PARSE_RANGE,    /* beyond 2^64-1 */
};

/* Parses s into *out. Returns OMPK_PARSE_OK or the reason it failed. */
enum ompk_parse_err ompk_parse_u64(const char *s, uint64_t *out);

/* A short phrase for an error, e.g. "is not a whole number". */
const char *ompk_parse_strerror(enum ompk_parse_err e);

#endif
