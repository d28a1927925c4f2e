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

struct pcg_sbuf;

/* A second consumer of output records (the --timeline view, timeline.h).  Each hook may append
 * complete '\n'-terminated lines to @sb, which the pipeline passes to its sink; any hook may
 * be NULL.  Returns 0 or -errno. */
struct pcg_observer {
	/* every output record that passes the filters, before it is formatted */
	int (*out)(void *ctx, const struct pcg_out *out, struct pcg_sbuf *sb);
	/* the time of every decoded record, PCG_EV_TICK included, before the record is
	 * processed: the observer's only clock */
	int (*time)(void *ctx, __u64 ts, struct pcg_sbuf *sb);
	/* end of input (pcg_pipeline__flush), after the correlator's flush */
	int (*flush)(void *ctx, struct pcg_sbuf *sb);
	/* true while the observer waits for time to pass (the live loop then sends ticks) */
	bool (*pending)(const void *ctx);
};

struct pcg_pipeline_opts {
	struct pcg_corr_opts corr;
	struct pcg_fmt_opts fmt;
	const char *pod_filter; /* --pod: pod UID (dashed or underscored) or name, NULL = all */
	const char *container_filter; /* --container: container id prefix or name, NULL = all */
	const char *namespace_filter; /* --namespace: pod namespace, NULL = all */
	const struct pcg_observer *observer; /* NULL = none */
	void *observer_ctx;
	bool observer_only; /* output records go to the observer only, not formatted */
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
/* During a sink call: the ts (CLOCK_BOOTTIME of the recording's host) of the record whose line
 * is being written. */
__u64 pcg_pipeline__out_ts(const struct pcg_pipeline *p);
/* During a sink call: the output record whose line is being written (valid during the call;
 * NULL outside one). */
const struct pcg_out *pcg_pipeline__out(const struct pcg_pipeline *p);
/* See pcg_corr__runtime_known(). */
bool pcg_pipeline__runtime_known(const struct pcg_pipeline *p, const char *container_id);
/* See pcg_corr__path_memo(). */
struct pcg_cgpath_memo *pcg_pipeline__path_memo(struct pcg_pipeline *p);
void pcg_pipeline__stats(const struct pcg_pipeline *p, struct pcg_pipeline_stats *ret);
void pcg_pipeline__free(struct pcg_pipeline *p);

#endif /* __PCG_PIPELINE_H */
