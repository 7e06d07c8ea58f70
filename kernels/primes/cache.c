/*
 * cache.c - the sieve's segment size from the cache sizes the machine
 * reports, not a constant: a segment that outgrows L2 turns every
 * crossing-off into a memory access, one much smaller than L2 visits the
 * medium primes more often than needed. Linux describes each cache of a CPU
 * under /sys/devices/system/cpu/cpuN/cache/indexM/ (level, type, size); the
 * directory is a parameter so a test can hand in a fake one.
 */
#include "sieve_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The first line of dir/name into buf (newline removed); 0 or -errno. */
static int read_line(const char *dir, const char *name, char *buf, size_t len)
{
	char path[4096];
	FILE *f;
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* "48K", "2048K", "1M", "32768": bytes, or 0 if malformed or absurd (> 1 TiB). */
static uint64_t parse_size(const char *s)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > (UINT64_C(1) << 40))
			return 0;
	}
	switch (*p) {
	case 'K':
		v <<= 10;
		p++;
		break;
	case 'M':
		v <<= 20;
		p++;
		break;
	case 'G':
		v <<= 30;
		p++;
		break;
	default:
		break;
	}
	return *p == '\0' && v <= (UINT64_C(1) << 40) ? v : 0;
}

int sieve_cache_read(const char *dir, struct sieve_cache *c)
{
	DIR *d;
	struct dirent *e;

	c->l1d = c->l2 = 0;
	d = opendir(dir);
	if (!d)
		return -ENOENT;
	while ((e = readdir(d))) {
		char sub[4096], level[32], type[32], size[32];
		int n;
		uint64_t bytes;

		if (strncmp(e->d_name, "index", 5) != 0)
			continue;
		n = snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if (n < 0 || (size_t)n >= sizeof(sub))
			continue;
		if (read_line(sub, "level", level, sizeof(level)) ||
		    read_line(sub, "type", type, sizeof(type)) ||
		    read_line(sub, "size", size, sizeof(size)))
			continue;
		bytes = parse_size(size);
		if (!bytes || !strcmp(type, "Instruction"))
			continue;
		if (!strcmp(level, "1") && (!strcmp(type, "Data") || !strcmp(type, "Unified")))
			c->l1d = bytes;
		else if (!strcmp(level, "2") && (!strcmp(type, "Data") || !strcmp(type, "Unified")))
			c->l2 = bytes;
	}
	closedir(d);
	return c->l1d || c->l2 ? 0 : -ENOENT;
}

uint64_t sieve_segment_bytes(const struct sieve_cache *c, uint64_t min, uint64_t max)
{
	uint64_t s = min;

	if (!c->l2)
		s = SIEVE_SEG_FALLBACK;
	else
		while (s * 2 <= c->l2 / 2 && s * 2 <= max)
			s *= 2;
	if (s < min)
		s = min;
	if (s > max)
		s = max;
	return s;
}

uint64_t sieve_block_bytes(const struct sieve_cache *c)
{
	uint64_t b = SIEVE_BLOCK_MIN;

	if (!c->l1d)
		return SIEVE_BLOCK_FALLBACK;
	while (b * 2 <= c->l1d && b * 2 <= SIEVE_BLOCK_MAX)
		b *= 2;
	return b;
}
