/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* fuzz_timeline.c - libFuzzer target: raw records -> the pipeline -> the --timeline observer.
 *
 * Input format as fuzz_pipeline.c (u16-prefixed chunks; bit 15 fixes the record's size
 * field).  Two pipelines with a timeline each, JSON and text, see the same records; a short
 * settle time makes reports on event time reachable.  Checked: every JSON line is one valid
 * JSON object; text is printable ASCII lines; the SVG drawn at the end is printable ASCII and
 * complete.
 */
#include <linux/types.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/jsonv.h"
#include "pcg_abi.h"
#include "pipeline.h"
#include "sbuf.h"
#include "timeline.h"

#define MAX_CHUNK 0x7fff
#define FIX_SIZE  0x8000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int json_sink(void *ctx, const char *buf, size_t len)
{
	const char *err = NULL;

	if (!len || buf[len - 1] != '\n' || strlen(buf) != len)
		abort();
	for (const char *p = buf, *nl; p < buf + len; p = nl + 1) {
		nl = memchr(p, '\n', buf + len - p);
		if (!jv_line(p, nl - p + 1, false, &err))
			abort();
	}
	return 0;
}

static bool printable(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != '\n' &&
		    ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] >= 0x7f))
			return false;
	return true;
}

static int text_sink(void *ctx, const char *buf, size_t len)
{
	if (!len || buf[len - 1] != '\n' || strlen(buf) != len || !printable(buf, len))
		abort();
	return 0;
}

static struct pcg_pipeline *new_pipeline(bool json, struct pcg_timeline *tl)
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
		.fmt = { .json = json, .boot_to_realtime_ns = 1795764662ll * 1000000000ll },
		.observer = &pcg_timeline_observer,
		.observer_ctx = tl,
		.observer_only = true,
	};

	return pcg_pipeline__new(&o, json ? json_sink : text_sink, NULL, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcg_timeline_opts tj = { .json = true, .settle_ns = 1000, .max_pods = 8 };
	struct pcg_timeline_opts tt = { .json = false, .settle_ns = 1000, .max_pods = 8 };
	struct pcg_timeline *tlj = pcg_timeline__new(&tj), *tlt = pcg_timeline__new(&tt);
	struct pcg_pipeline *pj, *pt;
	struct pcg_sbuf svg;

	if (!tlj || !tlt)
		abort();
	pj = new_pipeline(true, tlj);
	pt = new_pipeline(false, tlt);
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
		if (pcg_pipeline__feed(pj, rec, len) || pcg_pipeline__feed(pt, rec, len))
			abort();
		free(rec);
		data += len;
		size -= len;
	}
	if (pcg_pipeline__flush(pj) || pcg_pipeline__flush(pt))
		abort();
	pcg_sbuf_init(&svg);
	pcg_timeline__svg(tlt, &svg);
	if (svg.oom || !printable(svg.buf, svg.len) || svg.len < 7 ||
	    strcmp(svg.buf + svg.len - 7, "</svg>\n"))
		abort();
	pcg_sbuf_done(&svg);
	pcg_pipeline__free(pj);
	pcg_pipeline__free(pt);
	pcg_timeline__free(tlj);
	pcg_timeline__free(tlt);
	return 0;
}
