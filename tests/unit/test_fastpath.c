/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_fastpath.c - the formatter's printf-free paths give what printf and gmtime_r give. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fmt.h"
#include "sbuf.h"
#include "test.h"

/* The civil-date path against gmtime_r + snprintf, day by day from 1970 to 2262 (what a 64-bit ns holds) and at
 * pseudo-random seconds. */
PCG_TEST(fastpath_rfc3339_matches_gmtime)
{
	struct pcg_sbuf sb;
	unsigned long long x = 88172645463325252ull;
	char want[64];

	pcg_sbuf_init(&sb);
	for (long long sec = 0; sec < 9223372036ll; sec += 86400 - 1) {
		time_t t = sec;
		struct tm tm;
		long frac = (long)(sec % 1000000000);

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (sec & 1)
			t = sec = (long long)(x % 9223372036ull);
		gmtime_r(&t, &tm);
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, frac);
		pcg_sbuf_reset(&sb);
		pcg_fmt_rfc3339(&sb, sec * 1000000000ll + frac);
		if (!ASSERT_STREQ(sb.buf, want, "rfc3339"))
			break;
	}
	pcg_sbuf_done(&sb);
}

PCG_TEST(fastpath_addu)
{
	static const unsigned long long v[] = {
		0, 1, 9, 10, 99, 4026531835ull, 18446744073709551615ull
	};
	struct pcg_sbuf sb;
	char want[32];

	pcg_sbuf_init(&sb);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		pcg_sbuf_reset(&sb);
		pcg_sbuf_adds(&sb, "x");
		pcg_sbuf_addu(&sb, v[i]);
		snprintf(want, sizeof(want), "x%llu", v[i]);
		ASSERT_STREQ(sb.buf, want, "decimal");
	}
	/* every digit count, at its edges, straight into the buffer and through a full one */
	for (unsigned long long p = 1;; p *= 10) {
		unsigned long long e[] = { p - 1, p, p + 1, p * 2 - 1 };

		for (size_t i = 0; i < 4; i++) {
			struct pcg_sbuf tight;

			pcg_sbuf_reset(&sb);
			pcg_sbuf_addu(&sb, e[i]);
			snprintf(want, sizeof(want), "%llu", e[i]);
			ASSERT_STREQ(sb.buf, want, "decimal, every length");
			pcg_sbuf_init(&tight);
			tight.max = strlen(want);
			pcg_sbuf_addu(&tight, e[i]);
			ASSERT_STREQ(tight.buf, want, "decimal, at the buffer's limit");
			ASSERT_TRUE(!tight.oom, "fits exactly");
			pcg_sbuf_done(&tight);
		}
		if (p > 18446744073709551615ull / 10)
			break;
	}
	pcg_sbuf_done(&sb);
}

/* Plain runs and escapes interleaved, at every buffer boundary the growth can hit. */
PCG_TEST(fastpath_json_runs)
{
	struct pcg_sbuf sb;
	char in[600];

	pcg_sbuf_init(&sb);
	for (size_t n = 0; n < sizeof(in); n++)
		in[n] = n % 37 == 5 ? '"' : n % 41 == 3 ? '\n' : 'a' + n % 26;
	for (size_t n = 250; n < 270; n++) {
		size_t q = 0, nl = 0;

		pcg_sbuf_reset(&sb);
		pcg_sbuf_add_json_str(&sb, in, n);
		for (size_t i = 0; i < n; i++)
			q += in[i] == '"', nl += in[i] == '\n';
		ASSERT_EQ(sb.len, n + 2 + q + nl, "escaped length");
		pcg_sbuf_reset(&sb);
		pcg_sbuf_add_safe(&sb, in, n);
		ASSERT_EQ(sb.len, n + 3 * nl, "text-escaped length");
	}
	pcg_sbuf_done(&sb);
}

/* JSON escaping of ASCII, 8 bytes at a time or 1, against a byte-by-byte reference, at every
 * alignment and with special bytes at every position of a word. */
PCG_TEST(fastpath_json_words_match_reference)
{
	static const char specials[] = "\"\\\n\t\r\x01\x1f\x7f ~";
	unsigned long long x = 0x9e3779b97f4a7c15ull;
	struct pcg_sbuf sb, ref;
	char in[80];

	pcg_sbuf_init(&sb);
	pcg_sbuf_init(&ref);
	for (int round = 0; round < 20000; round++) {
		size_t n = round % 70;

		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			in[i] = x % 5 ? (char)('a' + x % 26) :
					specials[(x >> 8) % (sizeof(specials) - 1)];
		}
		pcg_sbuf_reset(&sb);
		pcg_sbuf_reset(&ref);
		pcg_sbuf_add_json_str(&sb, in, n);
		pcg_sbuf_addc(&ref, '"');
		for (size_t i = 0; i < n; i++) {
			unsigned char c = in[i];

			if (c == '"' || c == '\\')
				pcg_sbuf_addc(&ref, '\\'), pcg_sbuf_addc(&ref, c);
			else if (c == '\n')
				pcg_sbuf_adds(&ref, "\\n");
			else if (c == '\t')
				pcg_sbuf_adds(&ref, "\\t");
			else if (c == '\r')
				pcg_sbuf_adds(&ref, "\\r");
			else if (c < 0x20 || c == 0x7f)
				pcg_sbuf_addf(&ref, "\\u%04x", c);
			else
				pcg_sbuf_addc(&ref, c);
		}
		pcg_sbuf_addc(&ref, '"');
		if (!ASSERT_STREQ(sb.buf, ref.buf, "escaped"))
			break;
	}
	pcg_sbuf_done(&sb);
	pcg_sbuf_done(&ref);
}
