/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* sbuf.h - growable byte buffer with JSON and terminal-safe escaping (pure).
 *
 * `buf` is never NULL after pcg_sbuf_init() and is always NUL-terminated, so it can be used as
 * a C string; `len` excludes the terminator.  Appending never fails loudly: on allocation
 * failure the buffer keeps what fits and `oom` is set, which callers check once per record.
 * A buffer never grows past `max` bytes (default 1 MiB): the excess is cut and `oom` set.
 */
#ifndef __PCG_SBUF_H
#define __PCG_SBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct pcg_sbuf {
	char *buf;
	size_t len;
	size_t cap;
	size_t max;
	bool oom;
};

void pcg_sbuf_init(struct pcg_sbuf *sb);
void pcg_sbuf_done(struct pcg_sbuf *sb);  /* frees the contents; the struct can be re-inited */
void pcg_sbuf_reset(struct pcg_sbuf *sb); /* len = 0, keeps the memory */
/* Appending: inline when the bytes fit (the formatters' hot path), else it grows. */
void pcg_sbuf__add_slow(struct pcg_sbuf *sb, const void *data, size_t len);
static inline void pcg_sbuf_add(struct pcg_sbuf *sb, const void *data, size_t len)
{
	if (__builtin_expect(sb->cap - sb->len > len && sb->max - sb->len >= len, 1)) {
		memcpy(sb->buf + sb->len, data, len);
		sb->len += len;
		sb->buf[sb->len] = 0;
		return;
	}
	pcg_sbuf__add_slow(sb, data, len);
}
static inline void pcg_sbuf_adds(struct pcg_sbuf *sb, const char *s)
{
	pcg_sbuf_add(sb, s, strlen(s));
}
static inline void pcg_sbuf_addc(struct pcg_sbuf *sb, char c)
{
	if (__builtin_expect(sb->cap - sb->len > 1 && sb->len < sb->max, 1)) {
		sb->buf[sb->len++] = c;
		sb->buf[sb->len] = 0;
		return;
	}
	pcg_sbuf__add_slow(sb, &c, 1);
}
/* Appends @v in decimal (no printf). */
void pcg_sbuf_addu(struct pcg_sbuf *sb, unsigned long long v);
void pcg_sbuf_addf(struct pcg_sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends the @len bytes of @s as a JSON string literal, quotes included.  Valid UTF-8 passes
 * through; control characters and '"' '\\' are escaped; every byte that is not part of a valid
 * UTF-8 sequence becomes \ufffd (U+FFFD REPLACEMENT CHARACTER), so the output is valid JSON
 * whatever the input holds and a byte is never shown as a character it is not (0xff is not
 * "\u00ff", a real "y with diaeresis").  Stops at the first NUL within @len.  Returns
 * pcg_sbuf_utf8_valid(@s, @len): false when a byte became U+FFFD. */
bool pcg_sbuf_add_json_str(struct pcg_sbuf *sb, const char *s, size_t len);

/* Whether the @len bytes of @s, up to the first NUL, are valid UTF-8 (what
 * pcg_sbuf_add_json_str() passes unchanged). */
bool pcg_sbuf_utf8_valid(const char *s, size_t len);

/* Appends the bytes of @s up to the first NUL within @len as base64 (RFC 4648, padded), no
 * quotes. */
void pcg_sbuf_add_base64(struct pcg_sbuf *sb, const char *s, size_t len);

/* Appends @s for a terminal: printable ASCII passes, '\\' doubles, everything else (space,
 * control bytes, escape sequences, bytes >= 0x7f) becomes \xNN, so no terminal control byte
 * passes and a value never holds a space: it cannot forge a " key=value" field of a text line.
 * Stops at the first NUL within @len. */
void pcg_sbuf_add_safe(struct pcg_sbuf *sb, const char *s, size_t len);
/* The same for free text that is not a key=value field (a message, a reason): spaces pass. */
void pcg_sbuf_add_safe_text(struct pcg_sbuf *sb, const char *s, size_t len);

#endif /* __PCG_SBUF_H */
