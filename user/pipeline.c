/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* pipeline.c - the one ingestion path: raw bytes -> decode -> correlate -> format (pure). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "decode.h"
#include "pipeline.h"
#include "record.h"
#include "sbuf.h"

struct pcg_pipeline {
	struct pcg_pipeline_opts opts;
	char pod_filter[PCG_POD_UID_LEN + 1];
	char ctr_filter[PCG_CONTAINER_ID_LEN + 1];
	char node[256];
	__u64 out_ts; /* ts of the record being formatted */
	/* the same filters as names (PCG_EV_META), as given */
	char pod_name_filter[PCG_META_NAME_MAX + 1];
	char ctr_name_filter[PCG_META_NAME_MAX + 1];
	char ns_filter[PCG_META_NS_MAX + 1];
	const struct pcg_out *out; /* the record, during the sink call */
	struct pcg_corr *corr;
	pcg_sink_fn sink;
	pcg_tap_fn tap;
	void *ctx;
	void *tap_ctx;
	struct pcg_sbuf line;
	struct pcg_pipeline_stats stats;
};

static bool name_is(const struct pcg_obj_info *o, unsigned field, const char *want)
{
	const char *v = pcg_obj_name(o, field);

	return v && want[0] && !strcmp(v, want);
}

static bool want(const struct pcg_pipeline *p, const struct pcg_out *out)
{
	const struct pcg_obj_info *o = out->obj;

	if (out->kind == PCG_OUT_LOST)
		return true; /* gaps are always shown */
	if (p->pod_filter[0] && (!o || (strcmp(o->pod_uid, p->pod_filter) != 0 &&
					!name_is(o, PCG_META_POD_NAME, p->pod_name_filter))))
		return false;
	if (p->ctr_filter[0] &&
	    (!o || !o->container_id[0] ||
	     (strncmp(o->container_id, p->ctr_filter, strlen(p->ctr_filter)) != 0 &&
	      !name_is(o, PCG_META_CONTAINER_NAME, p->ctr_name_filter))))
		return false;
	if (p->ns_filter[0] && !name_is(o, PCG_META_POD_NAMESPACE, p->ns_filter))
		return false;
	return true;
}

/* Passes what an observer hook appended to p->line to the sink. */
static int observed(struct pcg_pipeline *p, int err)
{
	if (!err && p->line.oom)
		err = -ENOMEM;
	if (err || !p->line.len)
		return err;
	p->stats.lines_out++;
	return p->sink(p->ctx, p->line.buf, p->line.len);
}

static int on_record(void *ctx, const struct pcg_out *out)
{
	struct pcg_pipeline *p = ctx;
	const struct pcg_observer *ob = p->opts.observer;
	int err;

	if (out->kind == PCG_OUT_LOST)
		for (int i = 0; i < PCG_LOST_SLOTS; i++)
			p->stats.lost += out->lost[i];
	if (!want(p, out))
		return 0;
	if (ob && ob->out) {
		pcg_sbuf_reset(&p->line);
		err = observed(p, ob->out(p->opts.observer_ctx, out, &p->line));
		if (err)
			return err;
	}
	if (p->opts.observer_only && ob)
		return 0;
	pcg_sbuf_reset(&p->line);
	p->out_ts = out->ts;
	pcg_fmt_record(&p->line, &p->opts.fmt, out);
	if (p->line.oom)
		return -ENOMEM;
	p->stats.lines_out++;
	p->out = out;
	err = p->sink(p->ctx, p->line.buf, p->line.len);
	p->out = NULL;
	return err;
}

/* Lowercase copy of a filter; a pod UID may use the systemd spelling ('_' for '-'). */
static void norm_filter(char *dst, size_t size, const char *src, bool pod_uid)
{
	size_t i;

	for (i = 0; src && src[i] && i < size - 1; i++) {
		char ch = src[i];

		dst[i] = pod_uid && ch == '_' ? '-' : (ch >= 'A' && ch <= 'F' ? ch + 32 : ch);
	}
	dst[i] = 0;
}

void pcg_pipeline_opts_init(struct pcg_pipeline_opts *ret, const struct pcg_rec_header *h,
			    const struct pcg_opts *o)
{
	memset(ret, 0, sizeof(*ret));
	ret->corr.traced_hier_mask = h->traced_hier_mask;
	ret->corr.key_v1_hier = h->key_v1_hier;
	ret->corr.all = h->flags & PCG_REC_F_ALL;
	ret->fmt.json = o->json;
	ret->fmt.boot_to_realtime_ns = h->boot_to_realtime_ns;
	ret->fmt.node = h->node[0] ? h->node : h->hostname;
	ret->pod_filter = o->pod;
	ret->container_filter = o->container;
	ret->namespace_filter = o->pod_namespace;
}

struct pcg_pipeline *pcg_pipeline__new(const struct pcg_pipeline_opts *opts, pcg_sink_fn sink,
				       pcg_tap_fn tap, void *ctx)
{
	struct pcg_pipeline *p;

	if (!opts || !sink) {
		errno = EINVAL;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->opts = *opts;
	p->sink = sink;
	p->tap = tap;
	p->ctx = ctx;
	p->tap_ctx = ctx;
	pcg_sbuf_init(&p->line);
	/* a container_existing lists every process with its command line (4 KiB each at most) */
	p->line.max = (size_t)64 << 20;
	norm_filter(p->pod_filter, sizeof(p->pod_filter), opts->pod_filter, true);
	norm_filter(p->ctr_filter, sizeof(p->ctr_filter), opts->container_filter, false);
	snprintf(p->pod_name_filter, sizeof(p->pod_name_filter), "%s",
		 opts->pod_filter ? opts->pod_filter : "");
	snprintf(p->ctr_name_filter, sizeof(p->ctr_name_filter), "%s",
		 opts->container_filter ? opts->container_filter : "");
	snprintf(p->ns_filter, sizeof(p->ns_filter), "%s",
		 opts->namespace_filter ? opts->namespace_filter : "");
	p->opts.pod_filter = p->opts.container_filter = p->opts.namespace_filter = NULL;
	if (opts->fmt.node) {
		snprintf(p->node, sizeof(p->node), "%s", opts->fmt.node);
		p->opts.fmt.node = p->node;
	}
	p->corr = pcg_corr__new(&opts->corr, on_record, p);
	if (!p->corr) {
		int err = errno;

		pcg_pipeline__free(p);
		errno = err;
		return NULL;
	}
	return p;
}

void pcg_pipeline__set_tap(struct pcg_pipeline *p, pcg_tap_fn tap, void *ctx)
{
	p->tap = tap;
	p->tap_ctx = ctx;
}

int pcg_pipeline__feed(struct pcg_pipeline *p, const void *rec, size_t len)
{
	struct pcg_event ev;
	int err;

	p->stats.records_in++;
	if (p->tap) {
		err = p->tap(p->tap_ctx, rec, len);
		if (err)
			return err;
	}
	if (pcg_decode(rec, len, &ev) < 0) {
		p->stats.bad_records++;
		return 0;
	}
	/* time first: what was due before this record is settled before the record counts */
	if (p->opts.observer && p->opts.observer->time) {
		pcg_sbuf_reset(&p->line);
		err = observed(p, p->opts.observer->time(p->opts.observer_ctx, ev.ts, &p->line));
		if (err)
			return err;
	}
	return pcg_corr__feed(p->corr, &ev);
}

int pcg_pipeline__flush(struct pcg_pipeline *p)
{
	int err = pcg_corr__flush(p->corr);

	if (!err && p->opts.observer && p->opts.observer->flush) {
		pcg_sbuf_reset(&p->line);
		err = observed(p, p->opts.observer->flush(p->opts.observer_ctx, &p->line));
	}
	return err;
}

bool pcg_pipeline__has_pending(const struct pcg_pipeline *p)
{
	const struct pcg_observer *ob = p->opts.observer;

	return pcg_corr__has_pending(p->corr) ||
	       (ob && ob->pending && ob->pending(p->opts.observer_ctx));
}

int pcg_pipeline__snapshot(const struct pcg_pipeline *p, __u64 ts, pcg_raw_fn fn, void *ctx)
{
	return pcg_corr__snapshot(p->corr, ts, fn, ctx);
}

__u64 pcg_pipeline__out_ts(const struct pcg_pipeline *p)
{
	return p->out_ts;
}

const struct pcg_out *pcg_pipeline__out(const struct pcg_pipeline *p)
{
	return p->out;
}

bool pcg_pipeline__runtime_known(const struct pcg_pipeline *p, const char *container_id)
{
	return pcg_corr__runtime_known(p->corr, container_id);
}

struct pcg_cgpath_memo *pcg_pipeline__path_memo(struct pcg_pipeline *p)
{
	return pcg_corr__path_memo(p->corr);
}

void pcg_pipeline__stats(const struct pcg_pipeline *p, struct pcg_pipeline_stats *ret)
{
	struct pcg_corr_stats cs;

	*ret = p->stats;
	pcg_corr__stats(p->corr, &cs);
	ret->table_full = cs.table_full;
}

void pcg_pipeline__free(struct pcg_pipeline *p)
{
	if (!p)
		return;
	pcg_corr__free(p->corr);
	pcg_sbuf_done(&p->line);
	free(p);
}
