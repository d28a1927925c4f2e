/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* sbuf.c - growable byte buffer with JSON and terminal-safe escaping (pure). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define SBUF_DEFAULT_MAX (1u << 20)

static char sbuf_empty[1];

void pcg_sbuf_init(struct pcg_sbuf *sb)
{
	sb->buf = sbuf_empty;
	sb->len = 0;
	sb->cap = 0;
	sb->max = SBUF_DEFAULT_MAX;
	sb->oom = false;
}

void pcg_sbuf_done(struct pcg_sbuf *sb)
{
	if (sb->cap)
		free(sb->buf);
	pcg_sbuf_init(sb);
}

void pcg_sbuf_reset(struct pcg_sbuf *sb)
{
	sb->len = 0;
	sb->oom = false;
	if (sb->cap)
		sb->buf[0] = 0;
}

/* Makes room for @extra more bytes plus the NUL; returns how many of them fit. */
static size_t sbuf_grow(struct pcg_sbuf *sb, size_t extra)
{
	size_t need, ncap;
	char *nbuf;

	if (extra > sb->max - (sb->len < sb->max ? sb->len : sb->max)) { /* no wrap-around */
		sb->oom = true;
		extra = sb->max > sb->len ? sb->max - sb->len : 0;
	}
	need = sb->len + extra + 1;
	if (need <= sb->cap)
		return extra;
	ncap = sb->cap ? sb->cap : 256;
	while (ncap < need)
		ncap *= 2;
	nbuf = sb->cap ? realloc(sb->buf, ncap) : malloc(ncap);
	if (!nbuf) {
		sb->oom = true;
		return sb->cap > sb->len + 1 ? sb->cap - sb->len - 1 : 0;
	}
	sb->buf = nbuf;
	sb->cap = ncap;
	return extra;
}

void pcg_sbuf__add_slow(struct pcg_sbuf *sb, const void *data, size_t len)
{
	size_t n = sbuf_grow(sb, len);

	if (!sb->cap)
		return;
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = 0;
}

void pcg_sbuf_addu(struct pcg_sbuf *sb, unsigned long long v)
{
	static const char pairs[] = "00010203040506070809101112131415161718192021222324"
				    "25262728293031323334353637383940414243444546474849"
				    "50515253545556575859606162636465666768697071727374"
				    "75767778798081828384858687888990919293949596979899";
	static const unsigned long long p10[20] = {
		1ull,
		10ull,
		100ull,
		1000ull,
		10000ull,
		100000ull,
		1000000ull,
		10000000ull,
		100000000ull,
		1000000000ull,
		10000000000ull,
		100000000000ull,
		1000000000000ull,
		10000000000000ull,
		100000000000000ull,
		1000000000000000ull,
		10000000000000000ull,
		100000000000000000ull,
		1000000000000000000ull,
		10000000000000000000ull,
	};
	/* digits from the bit length (log10(2) ~ 1233/4096) and one compare; "0" has one */
	unsigned t = (64 - __builtin_clzll(v | 1)) * 1233 >> 12;
	size_t n = t + (v >= p10[t]) + (v == 0);
	char tmp[20], *d;
	/* straight into the buffer when it has room, else through pcg_sbuf_add() */
	d = sb->cap - sb->len > n && sb->max - sb->len >= n ? sb->buf + sb->len : tmp;
	for (size_t i = n; v >= 100;) { /* two digits a division, from the end */
		unsigned r = v % 100;

		v /= 100;
		d[--i] = pairs[2 * r + 1];
		d[--i] = pairs[2 * r];
	}
	if (v >= 10) {
		d[0] = pairs[2 * v];
		d[1] = pairs[2 * v + 1];
	} else {
		d[0] = '0' + v;
	}
	if (d == tmp) {
		pcg_sbuf_add(sb, tmp, n);
		return;
	}
	sb->len += n;
	sb->buf[sb->len] = 0;
}

/* Bytes that pass through a JSON string literal as they are: printable ASCII but '"', '\\'. */
static inline bool json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* False if all 8 bytes of @w are json_plain() (true may be a false alarm: then byte by byte). */
static inline bool json_word_special(uint64_t w)
{
	uint64_t lt20 = (w - ONES * 0x20) & ~w, q = w ^ (ONES * '"'), bs = w ^ (ONES * '\\');

	return ((lt20 | ((q - ONES) & ~q) | ((bs - ONES) & ~bs) | (w + ONES) | w) & HIGHS) != 0;
}

/* Bytes from @i on that pass a JSON string literal as they are: 8 at a time, then 1. */
static size_t json_plain_run(const unsigned char *p, size_t i, size_t len)
{
	uint64_t w;

	while (i + 8 <= len) {
		memcpy(&w, p + i, 8);
		if (json_word_special(w))
			break;
		i += 8;
	}
	while (i < len && json_plain(p[i]))
		i++;
	return i;
}

void pcg_sbuf_addf(struct pcg_sbuf *sb, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		pcg_sbuf_add(sb, small, n);
		return;
	}
	{
		/* keep what fits, as pcg_sbuf_add() does */
		size_t fit = sbuf_grow(sb, n);

		if (!sb->cap)
			return;
		va_start(ap, fmt);
		vsnprintf(sb->buf + sb->len, fit + 1, fmt, ap);
		va_end(ap);
		sb->len += fit;
	}
}

/* Length of the valid UTF-8 sequence at @s (at most @len bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* One byte that is not json_plain() (and not NUL) as JSON at @d; returns the bytes written,
 * and in *@n the input bytes it took (a whole UTF-8 sequence), *@valid false if it was not
 * UTF-8.  At most 6 bytes are written for each byte taken. */
static size_t json_escape_at(char *d, const unsigned char *p, size_t left, size_t *n, bool *valid)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c = p[0];
	size_t k;

	*n = 1;
	if (c == '"' || c == '\\') {
		d[0] = '\\';
		d[1] = c;
		return 2;
	}
	if (c < 0x20 || c == 0x7f) {
		d[0] = '\\';
		switch (c) {
		case '\n':
			d[1] = 'n';
			return 2;
		case '\t':
			d[1] = 't';
			return 2;
		case '\r':
			d[1] = 'r';
			return 2;
		default:
			memcpy(d + 1, "u00", 3);
			d[4] = hex[c >> 4];
			d[5] = hex[c & 15];
			return 6;
		}
	}
	if (c < 0x80) {
		d[0] = c;
		return 1;
	}
	if ((k = utf8_seq(p, left)) && !memchr(p, 0, k)) {
		memcpy(d, p, k);
		*n = k;
		return k;
	}
	/* not UTF-8: U+REPLACEMENT CHARACTER, never a code point the byte is not */
	*valid = false;
	memcpy(d, "\\ufffd", 6);
	return 6;
}

bool pcg_sbuf_add_json_str(struct pcg_sbuf *sb, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, room = len <= (SIZE_MAX - 8) / 6 ? 6 * len + 8 : SIZE_MAX;
	bool valid = true;

	if (__builtin_expect(sb->max - sb->len >= room, 1) &&
	    (sb->cap - sb->len > room ||
	     (sbuf_grow(sb, room) == room && sb->cap - sb->len > room))) {
		/* room for the worst case (6 bytes out for each byte in): straight into the
		 * buffer, plain bytes 8 at a time */
		char *d = sb->buf + sb->len;

		*d++ = '"';
		for (;;) {
			uint64_t w;

#ifdef __SSE2__
			/* 16 at a time: copied whole (there is room), kept up to the first
			 * byte that is not plain */
			while (i + 16 <= len) {
				__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
				__m128i sp = _mm_or_si128(
					_mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
						     _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))),
					_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
						     _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
				unsigned m = _mm_movemask_epi8(sp);

				_mm_storeu_si128((__m128i *)d, v);
				if (m) {
					d += __builtin_ctz(m);
					i += __builtin_ctz(m);
					break;
				}
				d += 16;
				i += 16;
			}
#endif
			while (i + 8 <= len) {
				memcpy(&w, p + i, 8);
				if (json_word_special(w))
					break;
				memcpy(d, &w, 8);
				d += 8;
				i += 8;
			}
			while (i < len && json_plain(p[i]))
				*d++ = p[i++];
			if (i >= len || !p[i])
				break;
			d += json_escape_at(d, p + i, len - i, &n, &valid);
			i += n;
		}
		*d++ = '"';
		*d = 0;
		sb->len = d - sb->buf;
		return valid;
	}
	/* near the buffer's limit: piece by piece, keeping what fits */
	pcg_sbuf_addc(sb, '"');
	while (i < len && p[i]) {
		size_t run = json_plain_run(p, i, len); /* plain bytes, copied at once */
		char e[8];

		if (run > i) {
			pcg_sbuf_add(sb, p + i, run - i);
			i = run;
			continue;
		}
		if (!p[i])
			break;
		pcg_sbuf_add(sb, e, json_escape_at(e, p + i, len - i, &n, &valid));
		i += n;
	}
	pcg_sbuf_addc(sb, '"');
	return valid;
}

bool pcg_sbuf_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len && p[i]) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_seq(p + i, len - i);
		if (!n || memchr(p + i, 0, n))
			return false;
		i += n;
	}
	return true;
}

void pcg_sbuf_add_base64(struct pcg_sbuf *sb, const char *s, size_t len)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strnlen(s, len);
	char q[4];

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = p[i] << 16 | (i + 1 < n ? p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);

		q[0] = tab[v >> 18 & 63];
		q[1] = tab[v >> 12 & 63];
		q[2] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? tab[v & 63] : '=';
		pcg_sbuf_add(sb, q, 4);
	}
}

static void sbuf_safe(struct pcg_sbuf *sb, const char *s, size_t len, bool space_ok)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len && p[i]; i++) {
		size_t run = i;

		while (run < len && (p[run] > 0x20 || (space_ok && p[run] == 0x20)) &&
		       p[run] < 0x7f && p[run] != '\\')
			run++;
		if (run > i) { /* a run of printable bytes, copied at once */
			pcg_sbuf_add(sb, p + i, run - i);
			i = run - 1;
			continue;
		}
		if (p[i] == '\\')
			pcg_sbuf_adds(sb, "\\\\");
		else if ((p[i] > 0x20 || (space_ok && p[i] == 0x20)) && p[i] < 0x7f)
			pcg_sbuf_addc(sb, p[i]);
		else
			pcg_sbuf_addf(sb, "\\x%02x", p[i]);
	}
}

void pcg_sbuf_add_safe(struct pcg_sbuf *sb, const char *s, size_t len)
{
	sbuf_safe(sb, s, len, false);
}

void pcg_sbuf_add_safe_text(struct pcg_sbuf *sb, const char *s, size_t len)
{
	sbuf_safe(sb, s, len, true);
}
