/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* hash.h - the 64-bit hashes of the in-memory tables (pure; not a stable format: nothing
 * hashed here is written out). */
#ifndef __PCG_HASH_H
#define __PCG_HASH_H

#include <linux/types.h>
#include <stddef.h>
#include <string.h>

/* murmur3's finaliser */
static inline __u64 pcg_mix64(__u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

/* @n bytes, 8 at a time (ids, pod UIDs and cgroup names are 36 to ~100 bytes: a byte a step
 * was a third of the names module's time in a creation storm), then pcg_mix64(). */
static inline __u64 pcg_hash_bytes(const void *p, size_t n)
{
	const char *s = p;
	__u64 h = 1469598103934665603ull ^ n, w;

	for (; n >= 8; n -= 8, s += 8) {
		memcpy(&w, s, 8);
		h = ((h << 5 | h >> 59) ^ w) * 0x9e3779b97f4a7c15ull;
	}
	w = 0;
	memcpy(&w, s, n);
	return pcg_mix64(h ^ w);
}

#endif /* __PCG_HASH_H */
