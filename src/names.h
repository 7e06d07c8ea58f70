/*
 * names.h - the word a user types for a value (a schedule kind, a SIMD
 * path) and back, for the small tables of such pairs in src/. One table
 * type and one pair of look-ups, so every such word is matched (whole,
 * case-sensitive) and named the same way.
 */
#ifndef OMPK_NAMES_H
#define OMPK_NAMES_H

#include <stddef.h>
#include <string.h>

struct ompk_name {
	const char *name;
	int value;
};

/* The value of the word s[0..len) in t[0..n) into *value: 0, or -1 when it is not there. */
static inline int ompk_name_value(const struct ompk_name *t, size_t n, const char *s, size_t len,
				  int *value)
{
	for (size_t i = 0; i < n; i++) {
		if (strlen(t[i].name) == len && strncmp(s, t[i].name, len) == 0) {
			*value = t[i].value;
			return 0;
		}
	}
	return -1;
}

/* The word for value in t[0..n), or fallback. */
static inline const char *ompk_name_of(const struct ompk_name *t, size_t n, int value,
				       const char *fallback)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == value)
			return t[i].name;
	return fallback;
}

#endif
