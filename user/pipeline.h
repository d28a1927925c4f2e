/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* pipeline.h - the one ingestion path: raw record bytes -> decode -> correlate -> filter ->
 * format -> sink (pure).
 *
 * The live ring-buffer callback, replay of a recording and the tests all call
 * pcg_pipeline__feed() with raw ABI records, so they produce the same output for the same
 * records.  A raw tap, when set, sees every record first (the recorder writes it to a file).
 */
#ifndef __PCG_PIPELINE_H
#define __PCG_PIPELINE_H

#include <stddef.h>

#include "correlate.h"
#include "fmt.h"

/* Receives one formatted line (or several, '\n'-terminated).  Returns 0 or -errno. */
typedef int (*pcg_sink_fn)(void *ctx, const char *buf, size_t len);
/* Receives every raw record before it is processed.  Returns 0 or -errno. */
typedef int (*pcg_tap_fn)(void *ctx, const void *rec, size_t len);

struct pcg_pipeline_opts {
	struct pcg_corr_opts corr;
	struct pcg_fmt_opts fmt;
	const char *pod_filter;	      /* --pod: pod UID (dashed or underscored), NULL = all */
	const char *container_filter; /* --container: container id prefix, NULL = all */
};

struct pcg_pipeline_stats {
	unsigned long long records_in;	/* raw records fed */
	unsigned long long bad_records; /* rejected by the decoder */
	unsigned long long lines_out;	/* output records written */
	unsigned long long lost;	/* events reported lost by PCG_EV_LOST records */
	unsigned long long table_full;	/* cgroups/processes the correlator could not track */
};

struct pcg_pipeline;
struct pcg_opts;
struct pcg_rec_header;

/* Pipeline options for a recording's (or the live side's) header and the command line: live
 * and replay build the pipeline the same way, from the same header fields. */
void pcg_pipeline_opts_init(struct pcg_pipeline_opts *ret, const struct pcg_rec_header *h,
			    const struct pcg_opts *o);

/* Returns NULL with errno set. */
struct pcg_pipeline *pcg_pipeline__new(const struct pcg_pipeline_opts *opts, pcg_sink_fn sink,
				       pcg_tap_fn tap, void *ctx);
/* Sets (or, with NULL, removes) the raw tap, with a context of its own. */
void pcg_pipeline__set_tap(struct pcg_pipeline *p, pcg_tap_fn tap, void *ctx);
/* One raw record of @len bytes.  Undecodable records are counted and skipped (returns 0);
 * a negative return is the sink's or the tap's error. */
int pcg_pipeline__feed(struct pcg_pipeline *p, const void *rec, size_t len);
/* End of input: announces what is still pending. */
int pcg_pipeline__flush(struct pcg_pipeline *p);
bool pcg_pipeline__has_pending(const struct pcg_pipeline *p);
/* The correlator's state as raw records: see pcg_corr__snapshot(). */
int pcg_pipeline__snapshot(const struct pcg_pipeline *p, __u64 ts, pcg_raw_fn fn, void *ctx);
/* See pcg_corr__runtime_known(). */
bool pcg_pipeline__runtime_known(const struct pcg_pipeline *p, const char *container_id);
void pcg_pipeline__stats(const struct pcg_pipeline *p, struct pcg_pipeline_stats *ret);
void pcg_pipeline__free(struct pcg_pipeline *p);

#endif /* __PCG_PIPELINE_H */
