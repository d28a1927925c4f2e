/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* fuzz_pipeline.c - libFuzzer target: raw records -> the whole pipeline, checking every line.
 *
 * Input format: a sequence of chunks, each a little-endian u16 prefix and then that many bytes
 * (cut at the end of the input).  Bit 15 of the prefix asks the harness to overwrite the
 * record's size field with the chunk length, so mutations deep inside a record are not all
 * rejected by the size check; without it the bytes go in as they are.  Each chunk is fed from
 * an exactly sized heap copy, so ASan sees any read past the record.
 *
 * Two pipelines see the same records: JSON (every line one valid JSON object, strict UTF-8,
 * no repeated key in an object, exactly one '\n', at the end) and text (printable ASCII only,
 * then '\n').  --all is on so
 * every path of the correlator is reachable; the tables are small so "table full" is too.
 */
#include <linux/types.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/jsonv.h"
#include "pcg_abi.h"
#include "pipeline.h"

#define MAX_CHUNK 0x7fff
#define FIX_SIZE  0x8000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int json_sink(void *ctx, const char *buf, size_t len)
{
	const char *err = NULL;

	/* one line, '\n'-terminated, no NUL inside (the buffer is also a C string) */
	if (!len || buf[len - 1] != '\n' || memchr(buf, '\n', len - 1) || strlen(buf) != len)
		abort();
	if (!jv_line(buf, len, false, &err))
		abort();
	return 0;
}

static int text_sink(void *ctx, const char *buf, size_t len)
{
	if (!len || buf[len - 1] != '\n' || strlen(buf) != len)
		abort();
	for (size_t i = 0; i + 1 < len; i++)
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] >= 0x7f)
			abort();
	return 0;
}

static int tap(void *ctx, const void *rec, size_t len)
{
	size_t *taps = ctx;

	(*taps)++;
	return 0;
}

static struct pcg_pipeline *new_pipeline(bool json, size_t *taps)
{
	struct pcg_pipeline_opts o = {
		.corr = {
			.traced_hier_mask = (1ull << 0) | (1ull << 4),
			.key_v1_hier = 4,
			.all = true,
			.grace_ns = 100 * 1000 * 1000,
			.max_cgroups = 64,
			.max_procs = 64,
		},
		/* a real offset (2026-11-27), so boot time + offset is exercised near the edges */
		.fmt = { .json = json, .boot_to_realtime_ns = 1795764662ll * 1000000000ll },
	};

	return pcg_pipeline__new(&o, json ? json_sink : text_sink, tap, taps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcg_pipeline_stats st;
	struct pcg_pipeline *pj, *pt;
	size_t taps_j = 0, taps_t = 0, fed = 0;

	pj = new_pipeline(true, &taps_j);
	pt = new_pipeline(false, &taps_t);
	if (!pj || !pt)
		abort();
	while (size >= 2) {
		unsigned prefix = data[0] | (unsigned)data[1] << 8;
		size_t len = prefix & MAX_CHUNK;
		unsigned char *rec;

		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		rec = malloc(len ? len : 1);
		if (!rec)
			abort();
		memcpy(rec, data, len);
		if ((prefix & FIX_SIZE) && len >= 4) {
			uint16_t sz = (uint16_t)len;

			memcpy(rec + 2, &sz, sizeof(sz));
		}
		/* the sinks never fail, so neither may the pipeline */
		if (pcg_pipeline__feed(pj, rec, len) || pcg_pipeline__feed(pt, rec, len))
			abort();
		free(rec);
		fed++;
		data += len;
		size -= len;
	}
	if (pcg_pipeline__flush(pj) || pcg_pipeline__flush(pt))
		abort();
	pcg_pipeline__stats(pj, &st);
	if (st.records_in != fed || taps_j != fed || taps_t != fed || st.bad_records > fed)
		abort();
	pcg_pipeline__free(pj);
	pcg_pipeline__free(pt);
	return 0;
}
