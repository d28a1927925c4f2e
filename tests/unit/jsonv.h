/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* jsonv.h - a strict, independent JSON (RFC 8259) and UTF-8 validator for tests and fuzzers.
 *
 * Header-only (static inline), written apart from user/sbuf.c on purpose: UTF-8 follows the
 * Unicode "well-formed byte sequences" table (3-7) rather than a decode-and-range-check, so
 * the two implementations do not share mistakes.  Nothing here allocates or prints.
 *
 *  jv_utf8_seq()    length of the well-formed UTF-8 sequence at s, 0 if ill-formed
 *  jv_string()      validates one JSON string literal; optionally decodes it, mapping
 *                   \u00XX to the single byte XX (the inverse of pcg_sbuf_add_json_str)
 *  jv_line()        a whole JSON Lines record: one value, then exactly one '\n' at the end
 */
#ifndef __PCG_TEST_JSONV_H
#define __PCG_TEST_JSONV_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define JV_MAX_DEPTH 32
#define JV_MAX_KEYS  64

static inline size_t jv_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c == 0xe0)
		len = 3, lo = 0xa0;
	else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef)
		len = 3;
	else if (c == 0xed)
		len = 3, hi = 0x9f;
	else if (c == 0xf0)
		len = 4, lo = 0x90;
	else if (c >= 0xf1 && c <= 0xf3)
		len = 4;
	else if (c == 0xf4)
		len = 4, hi = 0x8f;
	else
		return 0;
	if (len > n)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* True when all @n bytes are well-formed UTF-8 (NUL counts as U+0000). */
static inline bool jv_utf8_valid(const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i = 0, k;

	while (i < n) {
		k = jv_utf8_seq(s + i, n - i);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

struct jv {
	const unsigned char *s;
	size_t n, i;
	int depth;
	bool allow_dup_keys;
	const char *err; /* what failed, for messages */
};

static inline int jv_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline bool jv_fail(struct jv *j, const char *why)
{
	if (!j->err)
		j->err = why;
	return false;
}

static inline bool jv_u4(struct jv *j, unsigned *ret)
{
	unsigned v = 0;

	if (j->n - j->i < 4)
		return jv_fail(j, "short \\u escape");
	for (int k = 0; k < 4; k++) {
		int h = jv_hex(j->s[j->i + k]);

		if (h < 0)
			return jv_fail(j, "bad hex in \\u escape");
		v = v << 4 | (unsigned)h;
	}
	j->i += 4;
	*ret = v;
	return true;
}

static inline void jv_put(unsigned char *out, size_t cap, size_t *len, unsigned char c)
{
	if (out && *len < cap)
		out[*len] = c;
	(*len)++;
}

/* Parses the string literal at j->i (which must be '"').  When @out is set, the decoded bytes
 * go there (at most @cap; *ret_len gets the full decoded length): \u00XX becomes byte XX,
 * any other escape its UTF-8 encoding. */
static inline bool jv_string_at(struct jv *j, unsigned char *out, size_t cap, size_t *ret_len)
{
	size_t len = 0;

	if (j->i >= j->n || j->s[j->i] != '"')
		return jv_fail(j, "expected '\"'");
	j->i++;
	for (;;) {
		unsigned char c;

		if (j->i >= j->n)
			return jv_fail(j, "unterminated string");
		c = j->s[j->i];
		if (c == '"') {
			j->i++;
			break;
		}
		if (c < 0x20)
			return jv_fail(j, "raw control byte in string");
		if (c == '\\') {
			unsigned u, u2;

			if (++j->i >= j->n)
				return jv_fail(j, "dangling backslash");
			c = j->s[j->i++];
			switch (c) {
			case '"':
			case '\\':
			case '/':
				jv_put(out, cap, &len, c);
				break;
			case 'b':
				jv_put(out, cap, &len, '\b');
				break;
			case 'f':
				jv_put(out, cap, &len, '\f');
				break;
			case 'n':
				jv_put(out, cap, &len, '\n');
				break;
			case 'r':
				jv_put(out, cap, &len, '\r');
				break;
			case 't':
				jv_put(out, cap, &len, '\t');
				break;
			case 'u':
				if (!jv_u4(j, &u))
					return false;
				if (u >= 0xdc00 && u <= 0xdfff)
					return jv_fail(j, "lone low surrogate");
				if (u >= 0xd800 && u <= 0xdbff) {
					if (j->n - j->i < 6 || j->s[j->i] != '\\' ||
					    j->s[j->i + 1] != 'u')
						return jv_fail(j, "lone high surrogate");
					j->i += 2;
					if (!jv_u4(j, &u2) || u2 < 0xdc00 || u2 > 0xdfff)
						return jv_fail(j, "bad low surrogate");
					u = 0x10000 + ((u - 0xd800) << 10) + (u2 - 0xdc00);
				}
				if (u < 0x100) {
					jv_put(out, cap, &len, (unsigned char)u);
				} else if (u < 0x800) {
					jv_put(out, cap, &len, 0xc0 | u >> 6);
					jv_put(out, cap, &len, 0x80 | (u & 0x3f));
				} else if (u < 0x10000) {
					jv_put(out, cap, &len, 0xe0 | u >> 12);
					jv_put(out, cap, &len, 0x80 | ((u >> 6) & 0x3f));
					jv_put(out, cap, &len, 0x80 | (u & 0x3f));
				} else {
					jv_put(out, cap, &len, 0xf0 | u >> 18);
					jv_put(out, cap, &len, 0x80 | ((u >> 12) & 0x3f));
					jv_put(out, cap, &len, 0x80 | ((u >> 6) & 0x3f));
					jv_put(out, cap, &len, 0x80 | (u & 0x3f));
				}
				break;
			default:
				return jv_fail(j, "unknown escape");
			}
			continue;
		}
		if (c >= 0x80) {
			size_t k = jv_utf8_seq(j->s + j->i, j->n - j->i);

			if (!k)
				return jv_fail(j, "ill-formed UTF-8 in string");
			for (size_t q = 0; q < k; q++)
				jv_put(out, cap, &len, j->s[j->i + q]);
			j->i += k;
			continue;
		}
		jv_put(out, cap, &len, c);
		j->i++;
	}
	if (ret_len)
		*ret_len = len;
	return true;
}

/* Validates that @s[0..n) is exactly one JSON string literal; decodes it like jv_string_at. */
static inline bool jv_string(const void *s, size_t n, unsigned char *out, size_t cap,
			     size_t *ret_len, const char **ret_err)
{
	struct jv j = { .s = s, .n = n };
	bool ok = jv_string_at(&j, out, cap, ret_len);

	if (ok && j.i != n)
		ok = jv_fail(&j, "bytes after the string");
	if (ret_err)
		*ret_err = j.err;
	return ok;
}

static inline void jv_ws(struct jv *j)
{
	while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n' ||
			       j->s[j->i] == '\r'))
		j->i++;
}

static inline bool jv_digits(struct jv *j)
{
	size_t start = j->i;

	while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
		j->i++;
	return j->i > start;
}

static inline bool jv_number(struct jv *j)
{
	if (j->i < j->n && j->s[j->i] == '-')
		j->i++;
	if (j->i < j->n && j->s[j->i] == '0')
		j->i++;
	else if (!jv_digits(j))
		return jv_fail(j, "bad number");
	if (j->i < j->n && j->s[j->i] == '.') {
		j->i++;
		if (!jv_digits(j))
			return jv_fail(j, "bad fraction");
	}
	if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
		j->i++;
		if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
			j->i++;
		if (!jv_digits(j))
			return jv_fail(j, "bad exponent");
	}
	return true;
}

static inline bool jv_lit(struct jv *j, const char *w)
{
	size_t l = strlen(w);

	if (j->n - j->i < l || memcmp(j->s + j->i, w, l) != 0)
		return jv_fail(j, "bad literal");
	j->i += l;
	return true;
}

static inline bool jv_value(struct jv *j);

static inline bool jv_object(struct jv *j)
{
	size_t key_at[JV_MAX_KEYS], key_len[JV_MAX_KEYS], nkeys = 0;

	j->i++; /* '{' */
	jv_ws(j);
	if (j->i < j->n && j->s[j->i] == '}') {
		j->i++;
		return true;
	}
	for (;;) {
		size_t at, l;

		jv_ws(j);
		at = j->i;
		if (!jv_string_at(j, NULL, 0, NULL))
			return false;
		l = j->i - at;
		if (!j->allow_dup_keys) {
			for (size_t k = 0; k < nkeys; k++)
				if (key_len[k] == l && memcmp(j->s + key_at[k], j->s + at, l) == 0)
					return jv_fail(j, "duplicate key");
			if (nkeys < JV_MAX_KEYS) {
				key_at[nkeys] = at;
				key_len[nkeys++] = l;
			}
		}
		jv_ws(j);
		if (j->i >= j->n || j->s[j->i] != ':')
			return jv_fail(j, "expected ':'");
		j->i++;
		if (!jv_value(j))
			return false;
		jv_ws(j);
		if (j->i < j->n && j->s[j->i] == ',') {
			j->i++;
			continue;
		}
		if (j->i < j->n && j->s[j->i] == '}') {
			j->i++;
			return true;
		}
		return jv_fail(j, "expected ',' or '}'");
	}
}

static inline bool jv_array(struct jv *j)
{
	j->i++; /* '[' */
	jv_ws(j);
	if (j->i < j->n && j->s[j->i] == ']') {
		j->i++;
		return true;
	}
	for (;;) {
		if (!jv_value(j))
			return false;
		jv_ws(j);
		if (j->i < j->n && j->s[j->i] == ',') {
			j->i++;
			continue;
		}
		if (j->i < j->n && j->s[j->i] == ']') {
			j->i++;
			return true;
		}
		return jv_fail(j, "expected ',' or ']'");
	}
}

static inline bool jv_value(struct jv *j)
{
	bool ok;

	jv_ws(j);
	if (j->i >= j->n)
		return jv_fail(j, "expected a value");
	if (++j->depth > JV_MAX_DEPTH)
		return jv_fail(j, "too deep");
	switch (j->s[j->i]) {
	case '{':
		ok = jv_object(j);
		break;
	case '[':
		ok = jv_array(j);
		break;
	case '"':
		ok = jv_string_at(j, NULL, 0, NULL);
		break;
	case 't':
		ok = jv_lit(j, "true");
		break;
	case 'f':
		ok = jv_lit(j, "false");
		break;
	case 'n':
		ok = jv_lit(j, "null");
		break;
	default:
		ok = jv_number(j);
		break;
	}
	j->depth--;
	return ok;
}

/* One JSON Lines record: an object, no raw newline inside, exactly one '\n' at the end. */
static inline bool jv_line(const char *buf, size_t len, bool allow_dup_keys, const char **ret_err)
{
	struct jv j = {
		.s = (const unsigned char *)buf,
		.n = len,
		.allow_dup_keys = allow_dup_keys,
	};
	bool ok;

	if (!len || buf[len - 1] != '\n' || memchr(buf, '\n', len - 1)) {
		ok = jv_fail(&j, "not exactly one line");
	} else if (len < 2 || buf[0] != '{') {
		ok = jv_fail(&j, "not an object");
	} else {
		j.n = len - 1;
		ok = jv_value(&j);
		if (ok && j.i != j.n)
			ok = jv_fail(&j, "bytes after the value");
	}
	if (ret_err)
		*ret_err = j.err;
	return ok;
}

#endif /* __PCG_TEST_JSONV_H */
