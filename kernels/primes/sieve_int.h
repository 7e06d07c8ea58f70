/*
 * sieve_int.h - private to kernels/primes: what the segmented sieve's files
 * share (fast.c: segments, small and medium primes, threads; bucket.c: the
 * large primes; base.c: the sieving primes; cache.c: the segment size from
 * the machine's caches).
 *
 * Byte b of a sieve stands for the numbers 30b + w, w in sieve_wheel[]
 * (bit i <-> sieve_wheel[i]). A prime p = 30q + r crosses off p*k for k
 * coprime to 30; from k = wheel[i] to the next wheel number (mod 30) the
 * byte moves by q * sieve_dq[i] + sieve_dcs[ri][i], and the bit cleared is
 * sieve_masks[ri][i] (ri the index of r in the wheel).
 */
#ifndef OMPKIT_SIEVE_INT_H
#define OMPKIT_SIEVE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "ompkit/progress.h"

/* wheel.c */
extern const uint8_t sieve_wheel[8];
extern const uint8_t sieve_dq[8];
extern const uint8_t sieve_masks[8][8];
extern const uint8_t sieve_dcs[8][8];

/*
 * One step of the wheel of p = 30q + wheel[ri] at step index ri*8 + wi: clear `mask`
 * in the multiple's byte, move q * dq + dc bytes to the next multiple, whose step
 * index is `next` (ri*8 + (wi+1) % 8). One load gives all of it (bucket.c).
 */
struct sieve_step {
	uint8_t mask, dq, dc, next;
};
extern const struct sieve_step sieve_steps[64];
/* r * w / 30 for r = sieve_wheel[ri], w = sieve_wheel[wi], at ri * 8 + wi. */
extern const uint8_t sieve_rw30[64];

#define SIEVE_BITOF(x)   \
	((x) == 1    ? 0 \
	 : (x) == 7  ? 1 \
	 : (x) == 11 ? 2 \
	 : (x) == 13 ? 3 \
	 : (x) == 17 ? 4 \
	 : (x) == 19 ? 5 \
	 : (x) == 23 ? 6 \
		     : 7)
/* Mask clearing p*k for p = r and k = w (mod 30). */
#define MK(r, w) ((uint8_t) ~(1u << SIEVE_BITOF(((r) * (w)) % 30)))
/* Byte step constant from k = a to k = b for p = r (mod 30). */
#define DC(r, a, b) ((r) * (b) / 30 - (r) * (a) / 30)

/* --- fast.c ------------------------------------------------------------ */

/* The L1 block the small primes cross off in (bytes, a power of two), and its bounds. */
#define SIEVE_BLOCK_MIN UINT64_C(16384)
#define SIEVE_BLOCK_MAX UINT64_C(65536)

/*
 * ompk_sieve_count with L1 blocks of `block` bytes and segments of at most segmax
 * bytes (powers of two, SIEVE_BLOCK_MIN <= block <= SIEVE_BLOCK_MAX, block <= segmax)
 * instead of the sizes the caches suggest: the tests make many segments and buckets
 * out of small windows this way. Returns as ompk_sieve_count, -EINVAL for bad sizes.
 */
int sieve_count(uint64_t from, uint64_t to, int threads, const struct ompk_progress *prog,
		uint64_t block, uint64_t segmax, uint64_t *count);

/* --- base.c ------------------------------------------------------------- */

/* The largest sieving prime stored (to <= 2^54); larger ones are enumerated per chunk. */
#ifndef SIEVE_BASE_MAX
#define SIEVE_BASE_MAX (UINT32_C(1) << 22)
#endif

/*
 * The primes first <= p <= lim (first odd, >= 3; lim <= SIEVE_BASE_MAX), ascending, into a
 * malloc'd array *out of *n, sieved on up to `threads` threads. Returns 0, -EINVAL
 * for bad bounds or -ENOMEM.
 */
int sieve_base_primes(uint32_t first, uint32_t lim, int threads, uint32_t **out, uint64_t *n);

/* --- cache.c ------------------------------------------------------------ */

/* Data cache sizes in bytes, 0 where unknown. */
struct sieve_cache {
	uint64_t l1d, l2;
};

/*
 * Reads the level-1 data and level-2 (data or unified) cache sizes from a
 * directory laid out like /sys/devices/system/cpu/cpu0/cache (subdirectories
 * indexN with files level, type and size such as "48K"). Returns 0 when at
 * least one size was found, -ENOENT otherwise (*c then holds zeros).
 */
int sieve_cache_read(const char *dir, struct sieve_cache *c);

/*
 * The L1 block in bytes for caches *c: the largest power of two that fits L1d (a
 * 64 KiB block on a 48 KiB L1d misses about a third of its accesses), clamped to
 * [SIEVE_BLOCK_MIN, SIEVE_BLOCK_MAX]; SIEVE_BLOCK_FALLBACK when L1d is unknown.
 */
#define SIEVE_BLOCK_FALLBACK UINT64_C(32768)
uint64_t sieve_block_bytes(const struct sieve_cache *c);

/*
 * The segment length in bytes for caches *c: half of L2 (the segment and
 * what the crossing-off touches beside it stay in L2), a power of two,
 * clamped to [min, max]; SIEVE_SEG_FALLBACK when L2 is unknown.
 */
#define SIEVE_SEG_FALLBACK (UINT64_C(512) << 10)
uint64_t sieve_segment_bytes(const struct sieve_cache *c, uint64_t min, uint64_t max);

/* --- pool.c ------------------------------------------------------------- */

/* Fixed-size blocks, `block` bytes aligned to their size, from slabs of `slab` bytes
 * (2 MiB pages advised when `huge`), on a free list (pool.c). */
struct sieve_pool {
	void *free;
	void **slabs;
	uint64_t nslabs, cap_slabs;
	size_t block, slab;
	int huge;
};

void sieve_pool_init(struct sieve_pool *p, size_t block, size_t slab, int huge);
/* A block, or NULL (out of memory). */
void *sieve_pool_get(struct sieve_pool *p);
void sieve_pool_put(struct sieve_pool *p, void *block);
void sieve_pool_free(struct sieve_pool *p);

/* --- medium.c ----------------------------------------------------------- */

/*
 * The medium sieving primes of one thread, visited once per segment and kept in
 * 64 lists by step index, so that each list enters the wheel at the same step
 * (medium.c). Two sets of lists: the one walked, the one filled for the next segment.
 */
struct sieve_medium_block;

struct sieve_medium {
	struct sieve_medium_block *list[2][64];
	int walk; /* the set walked by the next sieve_medium_cross */
	struct sieve_pool pool;
};

void sieve_medium_init(struct sieve_medium *m);
/* Starts a chunk: every list empty. */
void sieve_medium_begin(struct sieve_medium *m);
/*
 * Adds p = 30q + wheel[ri] whose next multiple p*k, k = wheel[wi] (mod 30), is at byte
 * off of the next segment crossed. Returns 0 or -ENOMEM.
 */
int sieve_medium_add(struct sieve_medium *m, uint32_t q, unsigned ri, uint32_t off, unsigned wi);
/*
 * Crosses off the primes' multiples in buf[0..len) and keeps each prime's next
 * multiple relative to buf + len. Returns 0 or -ENOMEM.
 */
int sieve_medium_cross(struct sieve_medium *m, uint8_t *buf, uint64_t len);
void sieve_medium_free(struct sieve_medium *m);

/* --- bucket.c ----------------------------------------------------------- */

/*
 * Bucket sieve for the large sieving primes (T. Oliveira e Silva, "Fast
 * implementation of the segmented sieve of Eratosthenes", 2002): a prime
 * that hits a segment at most a few times is not visited in every segment
 * but kept in a list for the segment of its next multiple. A list is a
 * chain of fixed-size buckets; emptied buckets go to a free list and are
 * reused, so the memory is one entry (8 bytes) per live prime plus a
 * partly filled bucket per list.
 */
struct sieve_bucket;
struct sieve_entry;

/* The longest segment, whatever the caches say (bytes). */
#define SIEVE_SEG_MAX (UINT64_C(4) << 20)

struct sieve_buckets {
	/* cur[s]: segment s's list as its write cursor (NULL when empty), see bucket.c */
	struct sieve_entry **cur;
	/* one[s]: segment s's one-shot list (primes with one multiple in the chunk) */
	uint32_t **one;
	uint64_t len; /* bytes of the chunk */
	uint64_t nlists, cap;
	struct sieve_pool pool; /* the buckets */
	unsigned log2seg;
};

void sieve_buckets_init(struct sieve_buckets *b, unsigned log2seg);
/* Starts a chunk of len bytes (its segments' lists all empty). Returns 0 or -ENOMEM. */
int sieve_buckets_begin(struct sieve_buckets *b, uint64_t len);
/* A large prime to file: p = 30q + wheel[ri], its next multiple p*k (k = wheel[wi] mod 30)
 * at byte off from the chunk's start. */
struct sieve_first {
	uint64_t off;
	uint32_t q;
	uint8_t ri, wi;
};

/*
 * Files the n primes f[] (p < 2^32) under the segments of their next multiples;
 * one whose next multiple is past the chunk is dropped. Returns 0 or -ENOMEM.
 */
int sieve_buckets_add(struct sieve_buckets *b, const struct sieve_first *f, uint64_t n);
/*
 * Crosses off segment s's primes in buf[0..len) (len the segment length,
 * shorter only for the chunk's last segment) and files each under the
 * segment of its next multiple. Returns 0 or -ENOMEM.
 */
int sieve_buckets_cross(struct sieve_buckets *b, uint64_t s, uint8_t *buf, uint64_t len);
void sieve_buckets_free(struct sieve_buckets *b);

#endif
