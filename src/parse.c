/*
 * parse.c - exact parsing of user-typed numbers (see ompkit/parse.h).
 *
 * The number is read as a digit string D (integer and fraction digits, "_"
 * separators dropped) and a decimal shift S (exponent minus fraction
 * digits). Its value is D * 10^S. It is an integer exactly when S >= 0 or
 * the last -S digits of D are zeros; it fits when the resulting digit
 * string is at most 20 digits and passes the checked accumulation. No
 * floating point is involved, so "2.5e6" is exactly 2500000 and
 * "18446744073709551616" is refused rather than rounded.
 */
#include "ompkit/parse.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#define MAX_DIGITS 4096

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Appends the digits at *sp to buf, with "_" allowed only between two
 * digits. Returns how many digits it read, or -1 on a misplaced "_" or a
 * digit string too long to be anything but out of range.
 */
static int read_digits(const char **sp, char *buf, size_t *len)
{
	const char *s = *sp;
	int count = 0;

	while (is_digit(*s) || *s == '_') {
		if (*s == '_') {
			if (count == 0 || !is_digit(s[1]))
				return -1;
			s++;
			continue;
		}
		if (*len >= MAX_DIGITS)
			return -1;
		buf[(*len)++] = *s++;
		count++;
	}
	*sp = s;
	return count;
}

enum ompk_parse_err ompk_parse_u64(const char *s, uint64_t *out)
{
	char digits[MAX_DIGITS];
	size_t len = 0;
	long shift = 0;
	uint64_t v = 0;
	int n_int, n_frac = 0;

	if (!s || !*s)
		return OMPK_PARSE_EMPTY;
	if (*s == '-')
		return is_digit(s[1]) || s[1] == '.' ? OMPK_PARSE_NEGATIVE : OMPK_PARSE_SYNTAX;

	n_int = read_digits(&s, digits, &len);
	if (n_int <= 0)
		return OMPK_PARSE_SYNTAX; /* a number starts with a digit */
	if (*s == '.') {
		s++;
		n_frac = read_digits(&s, digits, &len);
		if (n_frac <= 0)
			return OMPK_PARSE_SYNTAX;
	}
	shift = -(long)n_frac;
	if (*s == 'e' || *s == 'E') {
		bool neg = false;
		long e = 0;

		s++;
		if (*s == '+' || *s == '-')
			neg = *s++ == '-';
		if (!is_digit(*s))
			return OMPK_PARSE_SYNTAX;
		while (is_digit(*s)) {
			if (e < 100000)
				e = e * 10 + (*s - '0');
			s++;
		}
		shift += neg ? -e : e;
	}
	if (*s)
		return OMPK_PARSE_SYNTAX;

	/* Leading zeros carry no value ("007", "0.05e3"). */
	size_t lead = 0;
	while (lead < len && digits[lead] == '0')
		lead++;
	if (lead == len) {
		*out = 0;
		return OMPK_PARSE_OK;
	}
	memmove(digits, digits + lead, len - lead);
	len -= lead;

	if (shift < 0) {
		/* Only trailing zeros may be shifted out. */
		if ((size_t)-shift > len)
			return OMPK_PARSE_FRACTION;
		for (size_t i = len - (size_t)-shift; i < len; i++)
			if (digits[i] != '0')
				return OMPK_PARSE_FRACTION;
		len -= (size_t)-shift;
		shift = 0;
	}
	if ((long)len + shift > 20)
		return OMPK_PARSE_RANGE;
	for (size_t i = 0; i < len + (size_t)shift; i++) {
		unsigned d = i < len ? (unsigned)(digits[i] - '0') : 0;

		if (v > (UINT64_MAX - d) / 10)
			return OMPK_PARSE_RANGE;
		v = v * 10 + d;
	}
	*out = v;
	return OMPK_PARSE_OK;
}

const char *ompk_parse_strerror(enum ompk_parse_err e)
{
	switch (e) {
	case OMPK_PARSE_OK:
		return "is fine";
	case OMPK_PARSE_EMPTY:
		return "is empty";
	case OMPK_PARSE_NEGATIVE:
		return "is negative";
	case OMPK_PARSE_SYNTAX:
		return "is not a number";
	case OMPK_PARSE_FRACTION:
		return "is not a whole number";
	case OMPK_PARSE_RANGE:
		return "is beyond 2^64-1 (18446744073709551615)";
	}
	return "is invalid";
}
