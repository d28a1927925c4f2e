/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_sbuf.c - the byte buffer: growth, the max cap, addf, JSON and terminal escaping. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonv.h"
#include "sbuf.h"
#include "test.h"

/* ---- helpers ------------------------------------------------------------------------- */

static bool sb_invariants(const struct pcg_sbuf *sb)
{
	return sb->buf != NULL && sb->buf[sb->len] == 0 && (sb->cap == 0 || sb->len < sb->cap) &&
	       sb->len <= sb->max;
}

/* Independent reference for pcg_sbuf_add_json_str(): the same escape spellings, but UTF-8
 * validity from the Unicode well-formedness table (jv_utf8_seq). */
static size_t ref_json(const unsigned char *s, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i = 0, k;

	out[o++] = '"';
	while (i < len && s[i]) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = c;
			i++;
		} else if (c == '\n' || c == '\t' || c == '\r') {
			out[o++] = '\\';
			out[o++] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			goto esc;
		} else if (c < 0x80) {
			out[o++] = c;
			i++;
		} else if ((k = jv_utf8_seq(s + i, len - i))) {
			memcpy(out + o, s + i, k);
			o += k;
			i += k;
		} else {
			memcpy(out + o, "\\ufffd", 6); /* not UTF-8: never shown as a code point */
			o += 6;
			i++;
			continue;
esc:
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[c >> 4];
			out[o + 5] = hex[c & 15];
			o += 6;
			i++;
		}
	}
	out[o++] = '"';
	out[o] = 0;
	return o;
}

/* Encodes @len bytes (from an exactly sized heap copy, so ASan sees any over-read) and checks:
 * valid JSON string, decodes back to the input up to its first NUL, equals the reference.
 * Returns false (after reporting) on the first mismatch. */
static bool check_json(const unsigned char *in, size_t len, const char *what)
{
	unsigned char *copy = malloc(len ? len : 1), dec[512 * 3];
	char ref[512 * 6 + 3];
	struct pcg_sbuf sb;
	const char *err = NULL;
	size_t dlen = 0, want = strnlen((const char *)in, len);
	bool ok;

	if (!ASSERT_TRUE(copy != NULL && len < 512, "alloc"))
		return false;
	memcpy(copy, in, len);
	pcg_sbuf_init(&sb);
	pcg_sbuf_add_json_str(&sb, (const char *)copy, len);
	ok = ASSERT_TRUE(sb_invariants(&sb), what) && ASSERT_TRUE(!sb.oom, what);
	if (ok && !jv_string(sb.buf, sb.len, dec, sizeof(dec), &dlen, &err)) {
		fprintf(stderr, "%s: invalid JSON string (%s): %s\n", what, err, sb.buf);
		ok = ASSERT_TRUE(false, what);
	}
	{
		/* decodes to the input, every byte that is not UTF-8 replaced by U+FFFD */
		unsigned char exp[512 * 3];
		size_t e = 0, i = 0, k;

		while (i < want) {
			if (in[i] < 0x80)
				exp[e++] = in[i++];
			else if ((k = jv_utf8_seq(in + i, want - i))) {
				memcpy(exp + e, in + i, k);
				e += k;
				i += k;
			} else {
				memcpy(exp + e, "\xef\xbf\xbd", 3);
				e += 3;
				i++;
			}
		}
		ok = ok && ASSERT_EQ(dlen, e, what) && ASSERT_TRUE(memcmp(dec, exp, e) == 0, what);
		ok = ok && ASSERT_EQ(pcg_sbuf_utf8_valid((const char *)copy, len),
				     jv_utf8_valid(in, want), what);
	}
	ref_json(in, len, ref);
	{
		/* the piecewise path, taken near the buffer's limit, writes the same and says the
		 * same about UTF-8 (the buffer above took the straight path) */
		struct pcg_sbuf near;
		bool v;

		pcg_sbuf_init(&near);
		near.max = strlen(ref) + 1;
		v = pcg_sbuf_add_json_str(&near, (const char *)copy, len);
		ok = ok && ASSERT_STREQ(near.buf, ref, what) && ASSERT_TRUE(!near.oom, what) &&
		     ASSERT_EQ(v, jv_utf8_valid(in, want), what);
		pcg_sbuf_done(&near);
		pcg_sbuf_reset(&sb);
		v = pcg_sbuf_add_json_str(&sb, (const char *)copy, len);
		ok = ok && ASSERT_EQ(v, jv_utf8_valid(in, want), what);
	}
	if (ok && !ASSERT_STREQ(sb.buf, ref, what)) {
		fprintf(stderr, "  input:");
		for (size_t i = 0; i < len; i++)
			fprintf(stderr, " %02x", in[i]);
		fprintf(stderr, "\n");
		ok = false;
	}
	pcg_sbuf_done(&sb);
	free(copy);
	return ok;
}

static void json_of(struct pcg_sbuf *sb, const char *s, size_t len)
{
	pcg_sbuf_reset(sb);
	pcg_sbuf_add_json_str(sb, s, len);
}

static void safe_of(struct pcg_sbuf *sb, const char *s, size_t len)
{
	pcg_sbuf_reset(sb);
	pcg_sbuf_add_safe(sb, s, len);
}

/* No terminal control byte: only 0x20..0x7e. */
static bool terminal_clean(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/* Inverse of pcg_sbuf_add_safe(): "\\\\" -> '\\', "\\xNN" -> byte NN. */
static size_t unsafe(const char *s, size_t len, unsigned char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len && s[i + 1] == '\\') {
			out[o++] = '\\';
			i++;
		} else if (s[i] == '\\' && i + 3 < len && s[i + 1] == 'x' &&
			   jv_hex(s[i + 2]) >= 0 && jv_hex(s[i + 3]) >= 0) {
			out[o++] = (unsigned char)(jv_hex(s[i + 2]) << 4 | jv_hex(s[i + 3]));
			i += 3;
		} else {
			out[o++] = (unsigned char)s[i];
		}
	}
	return o;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* ---- buffer ---------------------------------------------------------------------------- */

PCG_TEST(sbuf_init_empty)
{
	struct pcg_sbuf sb;

	memset(&sb, 0x5a, sizeof(sb));
	pcg_sbuf_init(&sb);
	ASSERT_TRUE(sb.buf != NULL, "buf never NULL");
	ASSERT_STREQ(sb.buf, "", "empty string");
	ASSERT_EQ(sb.len, 0, "len");
	ASSERT_EQ(sb.max, 1 << 20, "default max 1 MiB");
	ASSERT_TRUE(!sb.oom, "oom");
	/* reset and done on a never-grown buffer */
	pcg_sbuf_reset(&sb);
	ASSERT_STREQ(sb.buf, "", "reset empty");
	pcg_sbuf_done(&sb);
	ASSERT_TRUE(sb.buf != NULL && sb.buf[0] == 0 && sb.len == 0, "done re-inits");
	/* empty appends keep it a valid empty string */
	pcg_sbuf_add(&sb, "x", 0);
	pcg_sbuf_adds(&sb, "");
	ASSERT_STREQ(sb.buf, "", "empty appends");
	ASSERT_TRUE(sb_invariants(&sb), "invariants");
	pcg_sbuf_done(&sb);
}

PCG_TEST(sbuf_growth)
{
	struct pcg_sbuf sb;
	char *want = malloc(100000);
	size_t prev_cap = 0;

	if (!ASSERT_TRUE(want != NULL, "malloc"))
		return;
	pcg_sbuf_init(&sb);
	for (size_t i = 0; i < 100000; i++) {
		want[i] = (char)('a' + i % 26);
		pcg_sbuf_addc(&sb, want[i]);
		if (!ASSERT_TRUE(sb_invariants(&sb), "invariants") ||
		    !ASSERT_EQ(sb.len, i + 1, "len"))
			break;
		if (sb.cap != prev_cap) {
			/* capacity grows geometrically from 256 */
			ASSERT_TRUE(sb.cap >= 256 && (sb.cap & (sb.cap - 1)) == 0, "power of two");
			ASSERT_TRUE(prev_cap == 0 || sb.cap >= 2 * prev_cap, "doubles");
			prev_cap = sb.cap;
		}
	}
	ASSERT_TRUE(memcmp(sb.buf, want, 100000) == 0, "contents");
	ASSERT_TRUE(!sb.oom, "no oom");
	/* reset keeps the memory */
	{
		char *old = sb.buf;
		size_t cap = sb.cap;

		pcg_sbuf_reset(&sb);
		ASSERT_TRUE(sb.buf == old && sb.cap == cap, "reset keeps memory");
		ASSERT_EQ(sb.len, 0, "reset len");
		ASSERT_STREQ(sb.buf, "", "reset string");
	}
	/* binary data, embedded NULs included, via add */
	pcg_sbuf_add(&sb, "a\0b", 3);
	ASSERT_EQ(sb.len, 3, "binary len");
	ASSERT_TRUE(memcmp(sb.buf, "a\0b", 4) == 0, "binary contents + terminator");
	/* one big append past several doublings */
	pcg_sbuf_done(&sb);
	pcg_sbuf_add(&sb, want, 99999);
	ASSERT_EQ(sb.len, 99999, "big add len");
	ASSERT_TRUE(memcmp(sb.buf, want, 99999) == 0, "big add contents");
	ASSERT_TRUE(sb_invariants(&sb), "big add invariants");
	pcg_sbuf_adds(&sb, "Z");
	ASSERT_EQ(sb.buf[99999], 'Z', "adds after");
	pcg_sbuf_done(&sb);
	free(want);
}

PCG_TEST(sbuf_max_cap)
{
	struct pcg_sbuf sb;

	pcg_sbuf_init(&sb);
	sb.max = 10;
	pcg_sbuf_adds(&sb, "0123456789");
	ASSERT_EQ(sb.len, 10, "exactly max");
	ASSERT_TRUE(!sb.oom, "exactly max is not oom");
	pcg_sbuf_addc(&sb, 'x');
	ASSERT_EQ(sb.len, 10, "addc past max");
	ASSERT_TRUE(sb.oom, "addc past max sets oom");
	ASSERT_STREQ(sb.buf, "0123456789", "contents kept");

	pcg_sbuf_reset(&sb);
	ASSERT_TRUE(!sb.oom, "reset clears oom");
	pcg_sbuf_adds(&sb, "abcdef");
	pcg_sbuf_adds(&sb, "ghijklmnop");
	ASSERT_EQ(sb.len, 10, "cut at max");
	ASSERT_TRUE(sb.oom, "cut sets oom");
	ASSERT_STREQ(sb.buf, "abcdefghij", "what fits is kept");
	ASSERT_TRUE(sb_invariants(&sb), "invariants");

	/* the oom flag is sticky until reset */
	pcg_sbuf_reset(&sb);
	pcg_sbuf_adds(&sb, "abcdefghijklmnop");
	pcg_sbuf_add(&sb, "", 0);
	ASSERT_TRUE(sb.oom, "sticky");

	/* addf, short path */
	pcg_sbuf_reset(&sb);
	pcg_sbuf_addf(&sb, "%d-%s", 12345, "abcdefgh");
	ASSERT_EQ(sb.len, 10, "addf cut len");
	ASSERT_STREQ(sb.buf, "12345-abcd", "addf cut contents");
	ASSERT_TRUE(sb.oom, "addf cut oom");

	/* JSON escaping at the cap: output cut, flagged, still a C string */
	pcg_sbuf_reset(&sb);
	pcg_sbuf_add_json_str(&sb, "\x01\x02\x03\x04", 4);
	ASSERT_EQ(sb.len, 10, "json cut");
	ASSERT_TRUE(sb.oom, "json oom");
	ASSERT_TRUE(sb_invariants(&sb), "json invariants");

	/* max 0: nothing ever fits */
	pcg_sbuf_done(&sb);
	sb.max = 0;
	pcg_sbuf_addc(&sb, 'a');
	ASSERT_EQ(sb.len, 0, "max 0 len");
	ASSERT_TRUE(sb.oom, "max 0 oom");
	ASSERT_STREQ(sb.buf, "", "max 0 string");
	pcg_sbuf_done(&sb);

	/* the default max: 1 MiB */
	{
		size_t n = (1u << 20) + 100;
		char *big = malloc(n);

		if (!ASSERT_TRUE(big != NULL, "malloc"))
			return;
		memset(big, 'q', n);
		pcg_sbuf_add(&sb, big, n);
		ASSERT_EQ(sb.len, 1u << 20, "default max");
		ASSERT_TRUE(sb.oom, "default max oom");
		ASSERT_TRUE(sb_invariants(&sb), "default max invariants");
		free(big);
		pcg_sbuf_done(&sb);
	}
}

/* The header: "the buffer keeps what fits ... the excess is cut".  addf's long path (output of
 * 256 bytes or more) drops the whole string instead of cutting it. */
PCG_TEST(sbuf_addf_long_cut_at_max)
{
	struct pcg_sbuf sb;
	char s[400];

	memset(s, 'k', sizeof(s) - 1);
	s[sizeof(s) - 1] = 0;
	pcg_sbuf_init(&sb);
	sb.max = 300;
	pcg_sbuf_adds(&sb, "ab");
	pcg_sbuf_addf(&sb, "%s", s);
	ASSERT_TRUE(sb.oom, "oom");
	ASSERT_EQ(sb.len, 300, "long addf keeps what fits, like add and short addf");
	ASSERT_TRUE(sb_invariants(&sb), "invariants");
	pcg_sbuf_done(&sb);
}

#define WANT_SZ 72000

PCG_TEST(sbuf_addf_long)
{
	static const size_t lens[] = { 0, 1, 254, 255, 256, 257, 511, 512, 1000, 4095, 70000 };
	struct pcg_sbuf sb;
	char *s = malloc(70001), *want = malloc(WANT_SZ);

	if (!ASSERT_TRUE(s && want, "malloc"))
		goto out;
	pcg_sbuf_init(&sb);
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		/* on top of a few prefix lengths, so the long path also starts mid-buffer */
		for (size_t pre = 0; pre < 300; pre += 37) {
			size_t n = lens[k], wl;

			for (size_t i = 0; i < n; i++)
				s[i] = (char)('A' + (i * 7 + k) % 26);
			s[n] = 0;
			pcg_sbuf_reset(&sb);
			for (size_t i = 0; i < pre; i++)
				pcg_sbuf_addc(&sb, '.');
			pcg_sbuf_addf(&sb, "<%s|%d>", s, (int)n);
			memset(want, '.', pre);
			wl = pre +
			     (size_t)snprintf(want + pre, WANT_SZ - pre, "<%s|%d>", s, (int)n);
			if (!ASSERT_EQ(sb.len, wl, "addf len") ||
			    !ASSERT_TRUE(memcmp(sb.buf, want, wl + 1) == 0, "addf contents") ||
			    !ASSERT_TRUE(sb_invariants(&sb), "addf invariants") ||
			    !ASSERT_TRUE(!sb.oom, "addf no oom"))
				goto done;
		}
	}
	/* several long ones in a row */
	pcg_sbuf_reset(&sb);
	memset(s, 'z', 300);
	s[300] = 0;
	for (int i = 0; i < 50; i++)
		pcg_sbuf_addf(&sb, "%s%d", s, i);
	{
		size_t wl = 0;

		for (int i = 0; i < 50; i++)
			wl += (size_t)snprintf(want + wl, WANT_SZ - wl, "%s%d", s, i);
		ASSERT_EQ(sb.len, wl, "repeated len");
		ASSERT_TRUE(memcmp(sb.buf, want, wl + 1) == 0, "repeated contents");
	}
done:
	pcg_sbuf_done(&sb);
out:
	free(s);
	free(want);
}

/* ---- JSON escaping ----------------------------------------------------------------------- */

PCG_TEST(sbuf_json_known)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} cases[] = {
		{ "", 0, "\"\"" },
		{ "plain /path", 11, "\"plain /path\"" },
		{ "q\"b\\", 4, "\"q\\\"b\\\\\"" },
		{ "\n\t\r", 3, "\"\\n\\t\\r\"" },
		{ "\b\f\x01\x1f\x7f", 5, "\"\\u0008\\u000c\\u0001\\u001f\\u007f\"" },
		{ "\x1b[31mred", 8, "\"\\u001b[31mred\"" },
		/* valid UTF-8 passes through: 2, 3 and 4 bytes, the extremes of each */
		{ "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"" },
		{ "\xc2\x80\xdf\xbf", 4, "\"\xc2\x80\xdf\xbf\"" },
		{ "\xe2\x82\xac", 3, "\"\xe2\x82\xac\"" },
		{ "\xe0\xa0\x80\xef\xbf\xbf", 6, "\"\xe0\xa0\x80\xef\xbf\xbf\"" },
		{ "\xed\x9f\xbf\xee\x80\x80", 6, "\"\xed\x9f\xbf\xee\x80\x80\"" },
		{ "\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"" },
		{ "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", 8, "\"\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"" },
		{ "\xe2\x80\xa8", 3, "\"\xe2\x80\xa8\"" }, /* U+2028 is legal in JSON strings */
		/* overlong forms */
		{ "\xc0\x80", 2, "\"\\ufffd\\ufffd\"" },
		{ "\xc1\xbf", 2, "\"\\ufffd\\ufffd\"" },
		{ "\xe0\x80\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"" },
		{ "\xe0\x9f\xbf", 3, "\"\\ufffd\\ufffd\\ufffd\"" },
		{ "\xf0\x80\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		{ "\xf0\x8f\xbf\xbf", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		/* surrogates (CESU-8) */
		{ "\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"" },
		{ "\xed\xbf\xbf", 3, "\"\\ufffd\\ufffd\\ufffd\"" },
		{ "\xed\xa0\xbd\xed\xb8\x80", 6, "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		/* beyond U+10FFFF, and bytes that never start a sequence */
		{ "\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		{ "\xf5\x80\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		{ "\xf8\x88\x80\x80\x80", 5, "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		{ "\xfe\xff", 2, "\"\\ufffd\\ufffd\"" },
		/* lone continuation bytes */
		{ "\x80", 1, "\"\\ufffd\"" },
		{ "a\xbf"
		  "b",
		  3, "\"a\\ufffdb\"" },
		/* truncated: by the end of the input, by an ASCII byte, by another lead byte */
		{ "\xe2\x82", 2, "\"\\ufffd\\ufffd\"" },
		{ "\xf0\x9f\x98", 3, "\"\\ufffd\\ufffd\\ufffd\"" },
		{ "\xe2"
		  "A",
		  2, "\"\\ufffdA\"" },
		{ "\xc3\xc3\xa9", 3, "\"\\ufffd\xc3\xa9\"" },
		/* the length cuts a valid sequence */
		{ "\xe2\x82\xac", 2, "\"\\ufffd\\ufffd\"" },
		/* NUL stops, even inside a sequence */
		{ "ab\0cd", 5, "\"ab\"" },
		{ "\0abc", 4, "\"\"" },
		{ "\xe2\x82\0\xac", 4, "\"\\ufffd\\ufffd\"" },
		{ "\xc3\0", 2, "\"\\ufffd\"" },
	};
	struct pcg_sbuf sb;

	pcg_sbuf_init(&sb);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *copy = malloc(cases[i].len ? cases[i].len : 1);
		char what[64];

		if (!copy)
			break;
		memcpy(copy, cases[i].in, cases[i].len);
		snprintf(what, sizeof(what), "json case %zu", i);
		json_of(&sb, copy, cases[i].len);
		ASSERT_STREQ(sb.buf, cases[i].out, what);
		ASSERT_TRUE(jv_string(sb.buf, sb.len, NULL, 0, NULL, NULL), what);
		free(copy);
	}
	/* appends: the literal goes after what is there */
	pcg_sbuf_reset(&sb);
	pcg_sbuf_adds(&sb, "{\"k\":");
	pcg_sbuf_add_json_str(&sb, "v", 1);
	pcg_sbuf_addc(&sb, '}');
	ASSERT_STREQ(sb.buf, "{\"k\":\"v\"}", "append");
	pcg_sbuf_done(&sb);
}

PCG_TEST(sbuf_json_every_byte)
{
	unsigned char in[4];

	for (int a = 0; a < 256; a++) {
		in[0] = (unsigned char)a;
		if (!check_json(in, 1, "single byte"))
			return;
	}
	for (int a = 0; a < 256; a++)
		for (int b = 0; b < 256; b++) {
			in[0] = (unsigned char)a;
			in[1] = (unsigned char)b;
			if (!check_json(in, 2, "byte pair"))
				return;
		}
}

PCG_TEST(sbuf_json_sequences)
{
	/* bytes at the edges of every UTF-8 range */
	static const unsigned char edge[] = { 0x00, 0x01, 0x0a, 0x22, 0x41, 0x5c, 0x7f, 0x80,
					      0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf,
					      0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff };
	unsigned char in[6];

	/* every lead byte >= 0x80 x every second byte x edge third bytes */
	for (int a = 0x80; a < 256; a++)
		for (int b = 0; b < 256; b++)
			for (size_t c = 0; c < sizeof(edge); c++) {
				in[0] = (unsigned char)a;
				in[1] = (unsigned char)b;
				in[2] = edge[c];
				if (!check_json(in, 3, "triple"))
					return;
			}
	/* 4-byte leads x every second byte x edge tails, with a trailing ASCII byte */
	for (int a = 0xf0; a <= 0xf7; a++)
		for (int b = 0; b < 256; b++)
			for (size_t c = 0; c < sizeof(edge); c++)
				for (size_t d = 0; d < sizeof(edge); d += 3) {
					in[0] = (unsigned char)a;
					in[1] = (unsigned char)b;
					in[2] = edge[c];
					in[3] = edge[d];
					in[4] = 'z';
					if (!check_json(in, 5, "quad"))
						return;
				}
}

PCG_TEST(sbuf_json_random)
{
	unsigned char in[40];

	for (int n = 0; n < 50000; n++) {
		size_t len = rng() % sizeof(in);

		for (size_t i = 0; i < len; i++) {
			uint64_t r = rng();

			/* biased towards UTF-8 structure: leads, continuations, ASCII */
			switch (r % 4) {
			case 0:
				in[i] = 0x80 | (r >> 8) % 0x40;
				break;
			case 1:
				in[i] = 0xc0 | (r >> 8) % 0x40;
				break;
			case 2:
				in[i] = (r >> 8) % 0x80;
				break;
			default:
				in[i] = (unsigned char)(r >> 8);
				break;
			}
		}
		if (!check_json(in, len, "random"))
			return;
	}
}

PCG_TEST(sbuf_json_valid_utf8_passes)
{
	/* every code point boundary, encoded, passes through unchanged */
	static const unsigned cps[] = { 0x20,	 0x7e,	  0x80,	   0xff,     0x100,
					0x7ff,	 0x800,	  0xfff,   0x1000,   0xd7ff,
					0xe000,	 0xfffd,  0xfffe,  0xffff,   0x10000,
					0x3ffff, 0x40000, 0xfffff, 0x100000, 0x10ffff };
	struct pcg_sbuf sb;

	pcg_sbuf_init(&sb);
	for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		unsigned c = cps[i];
		unsigned char e[4];
		size_t n;

		if (c < 0x80)
			e[0] = c, n = 1;
		else if (c < 0x800)
			e[0] = 0xc0 | c >> 6, e[1] = 0x80 | (c & 0x3f), n = 2;
		else if (c < 0x10000)
			e[0] = 0xe0 | c >> 12, e[1] = 0x80 | ((c >> 6) & 0x3f),
			e[2] = 0x80 | (c & 0x3f), n = 3;
		else
			e[0] = 0xf0 | c >> 18, e[1] = 0x80 | ((c >> 12) & 0x3f),
			e[2] = 0x80 | ((c >> 6) & 0x3f), e[3] = 0x80 | (c & 0x3f), n = 4;
		json_of(&sb, (const char *)e, n);
		ASSERT_EQ(sb.len, n + 2, "raw length");
		ASSERT_TRUE(memcmp(sb.buf + 1, e, n) == 0, "passes raw");
	}
	pcg_sbuf_done(&sb);
}

/* ---- terminal escaping ------------------------------------------------------------------- */

PCG_TEST(sbuf_safe_every_byte)
{
	struct pcg_sbuf sb;
	unsigned char back[8];
	char want[8];

	pcg_sbuf_init(&sb);
	for (int b = 1; b < 256; b++) {
		char c = (char)b;

		safe_of(&sb, &c, 1);
		if (b == '\\')
			strcpy(want, "\\\\");
		else if (b > 0x20 && b < 0x7f)
			want[0] = c, want[1] = 0;
		else
			snprintf(want, sizeof(want), "\\x%02x", b);
		if (!ASSERT_STREQ(sb.buf, want, "safe byte"))
			break;
		ASSERT_TRUE(terminal_clean(sb.buf, sb.len), "no control byte");
		ASSERT_EQ(unsafe(sb.buf, sb.len, back), 1, "reversible len");
		ASSERT_EQ(back[0], b, "reversible");
	}
	/* NUL alone: nothing */
	safe_of(&sb, "\0", 1);
	ASSERT_EQ(sb.len, 0, "NUL");
	pcg_sbuf_done(&sb);
}

PCG_TEST(sbuf_safe_sequences)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} cases[] = {
		{ "\x1b[31mred\x1b[0m", 12, "\\x1b[31mred\\x1b[0m" },
		{ "\x1b]0;pwned\x07", 10, "\\x1b]0;pwned\\x07" },
		{ "\x9b"
		  "31m",
		  4, "\\x9b31m" }, /* 8-bit CSI */
		{ "a\rb\nc\td", 7, "a\\x0db\\x0ac\\x09d" },
		{ "caf\xc3\xa9", 5, "caf\\xc3\\xa9" },
		{ "\x7f\x08", 2, "\\x7f\\x08" },
		{ "C:\\x41", 6, "C:\\\\x41" }, /* a literal "\x41" stays distinguishable */
		{ "ab\0\x1b", 4, "ab" },
		{ "abc", 2, "ab" },
		{ "", 0, "" },
	};
	struct pcg_sbuf sb;

	pcg_sbuf_init(&sb);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *copy = malloc(cases[i].len ? cases[i].len : 1);

		if (!copy)
			break;
		memcpy(copy, cases[i].in, cases[i].len);
		safe_of(&sb, copy, cases[i].len);
		ASSERT_STREQ(sb.buf, cases[i].out, cases[i].out);
		ASSERT_TRUE(terminal_clean(sb.buf, sb.len), "clean");
		free(copy);
	}
	/* random bytes: always clean, always reversible up to the first NUL */
	for (int n = 0; n < 20000; n++) {
		unsigned char in[32], back[32 * 4];
		size_t len = rng() % sizeof(in), want;

		for (size_t i = 0; i < len; i++)
			in[i] = (unsigned char)rng();
		want = strnlen((const char *)in, len);
		safe_of(&sb, (const char *)in, len);
		if (!ASSERT_TRUE(terminal_clean(sb.buf, sb.len), "random clean") ||
		    !ASSERT_EQ(unsafe(sb.buf, sb.len, back), want, "random reversible len") ||
		    !ASSERT_TRUE(memcmp(back, in, want) == 0, "random reversible"))
			break;
	}
	pcg_sbuf_done(&sb);
}

/* The validator the tests above rely on must reject what it is meant to reject. */
PCG_TEST(sbuf_validator_self_check)
{
	static const struct {
		const char *s;
		bool ok;
	} strs[] = {
		{ "\"\"", true },
		{ "\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"", true },
		{ "\"\\ud83d\\ude00\"", true },
		{ "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", true },
		{ "\"a", false },
		{ "\"a\"b", false },
		{ "\"\x01\"", false },
		{ "\"\n\"", false },
		{ "\"\\x41\"", false },
		{ "\"\\u00g0\"", false },
		{ "\"\\u00\"", false },
		{ "\"\\ud800\"", false },
		{ "\"\\udc00\"", false },
		{ "\"\xc0\x80\"", false },
		{ "\"\xed\xa0\x80\"", false },
		{ "\"\xf4\x90\x80\x80\"", false },
		{ "\"\xe2\x82\"", false },
		{ "\"\x80\"", false },
		{ "\"\xff\"", false },
	};
	static const struct {
		const char *s;
		bool ok;
	} lines[] = {
		{ "{}\n", true },
		{ "{\"a\":[1,-2.5e+3,true,false,null,\"x\",{}],\"b\":{\"c\":0}}\n", true },
		{ "{}", false },
		{ "{}\n\n", false },
		{ "{\"a\":1,}\n", false },
		{ "{\"a\":01}\n", false },
		{ "{\"a\":1 \"b\":2}\n", false },
		{ "{\"a\":1,\"a\":2}\n", false },
		{ "{\"a\":tru}\n", false },
		{ "[1]\n", false },
		{ "{\"a\":\"\n\"}\n", false },
	};

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		ASSERT_EQ(jv_string(strs[i].s, strlen(strs[i].s), NULL, 0, NULL, NULL), strs[i].ok,
			  strs[i].s);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ASSERT_EQ(jv_line(lines[i].s, strlen(lines[i].s), false, NULL), lines[i].ok,
			  lines[i].s);
	ASSERT_TRUE(jv_line("{\"a\":1,\"a\":2}\n", 14, true, NULL), "dup keys allowed on request");
	ASSERT_TRUE(jv_utf8_valid("\xf4\x8f\xbf\xbf", 4) && !jv_utf8_valid("\xf4\x90\x80\x80", 4),
		    "utf8 table edge");
}
