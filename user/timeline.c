/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* timeline.c - pod start-up timelines from output records; text, JSON and SVG (pure). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "fmt.h"
#include "pipeline.h"
#include "sbuf.h"
#include "timeline.h"

#define TL_MAX_EXECS 16
#define TL_MAX_CTRS  64
#define TL_HASH	     8192 /* > max_pods default, a power of two */

struct tl_ctr {
	char id[PCG_CONTAINER_ID_LEN + 1];
	enum pcg_runtime runtime;
	__u64 t_cgroup; /* 0 = not seen */
	__u64 t_start;	/* 0 = not started */
	unsigned nr_execs;
	__u64 execs[TL_MAX_EXECS]; /* later execs while the pod starts */
	char filename[64];
};

struct tl_result {
	bool complete;
	bool pod_seen; /* the pod cgroup's creation was seen */
	__u64 t0;
	int sandbox;		       /* index, -1 if no container started */
	__s64 steps[_PCG_TL_STEP_MAX]; /* ns, -1 = not applicable */
	__s64 total;		       /* ns, -1 if nothing started */
	__u64 t_last;		       /* the last container start (or the last event seen) */
	unsigned nr_started;
};

struct tl_pod {
	char uid[PCG_POD_UID_LEN + 1];
	enum pcg_qos qos;
	enum pcg_driver driver;
	char cgroup[256];
	__u64 t_pod;  /* pod cgroup made, 0 = not seen */
	__u64 t_last; /* last container cgroup made or container started */
	bool existing, reported, pending;
	bool removed;	    /* pod_remove seen: once reported, it may be forgotten to make room */
	const char *node;   /* its node (NULL: none) */
	const __u64 *clock; /* its input's newest time (several inputs), else &tl->now */
	unsigned nr_ctrs, dropped_ctrs;
	struct tl_ctr *ctrs;
	struct tl_result res; /* as last reported */
	int next;	      /* hash chain */
};

struct pcg_timeline {
	struct pcg_timeline_opts opts;
	__u64 now;	/* newest event time */
	__u64 next_due; /* no pending pod settles before this (may be early, never late) */
	unsigned nr_pods, untracked, nr_pending;
	struct tl_pod *pods;
	int hash[TL_HASH];
	/* pods forgotten to make room for new ones: what the summary needs of them */
	struct pcg_timeline_summary gone;
	__u64 *gone_totals; /* their times to running, at most TL_MAX_GONE */
	size_t nr_gone_totals, cap_gone_totals;
	/* several inputs (pcg_timeline_input): the one feeding now, and every node seen */
	struct pcg_timeline_input *cur;
	char *node; /* opts.node's copy */
	const char **nodes;
	unsigned nr_nodes;
};

#define TL_MAX_GONE (1u << 20)

const struct pcg_observer pcg_timeline_observer = {
	.out = pcg_timeline__out,
	.time = pcg_timeline__time,
	.flush = pcg_timeline__flush,
	.pending = pcg_timeline__pending,
};

static const char *const step_names[_PCG_TL_STEP_MAX] = {
	[PCG_TL_POD_TO_SANDBOX_CGROUP] = "pod_cgroup_to_sandbox_cgroup",
	[PCG_TL_SANDBOX_CGROUP_TO_START] = "sandbox_cgroup_to_start",
	[PCG_TL_SANDBOX_START_TO_APP_CGROUP] = "sandbox_start_to_first_app_cgroup",
	[PCG_TL_APP_CGROUP_TO_START] = "app_cgroup_to_start",
	[PCG_TL_SANDBOX_TO_LAST_APP_START] = "sandbox_start_to_last_app_start",
};

const char *pcg_tl_step_name(enum pcg_tl_step s)
{
	return (unsigned)s < _PCG_TL_STEP_MAX ? step_names[s] : "?";
}

static unsigned hash_uid(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h & (TL_HASH - 1);
}

struct pcg_timeline *pcg_timeline__new(const struct pcg_timeline_opts *opts)
{
	struct pcg_timeline *tl = calloc(1, sizeof(*tl));

	if (!tl)
		return NULL;
	tl->opts = *opts;
	if (!tl->opts.settle_ns)
		tl->opts.settle_ns = PCG_TL_SETTLE_NS;
	if (!tl->opts.max_pods)
		tl->opts.max_pods = 4096;
	tl->pods = calloc(tl->opts.max_pods, sizeof(*tl->pods));
	if (opts->node)
		tl->opts.node = tl->node = strdup(opts->node);
	if (!tl->pods || (opts->node && !tl->node)) {
		free(tl->pods);
		free(tl);
		errno = ENOMEM;
		return NULL;
	}
	for (int i = 0; i < TL_HASH; i++)
		tl->hash[i] = -1;
	tl->gone.slowest_step = -1;
	return tl;
}

void pcg_timeline__free(struct pcg_timeline *tl)
{
	if (!tl)
		return;
	for (unsigned i = 0; i < tl->nr_pods; i++)
		free(tl->pods[i].ctrs);
	free(tl->pods);
	free(tl->gone_totals);
	free(tl->nodes);
	free(tl->node);
	free(tl);
}

/* Adds a reported pod's result to a summary (and its time to running to @v). */
static void account(const struct tl_pod *p, struct pcg_timeline_summary *s, __u64 *v, size_t *n,
		    size_t cap)
{
	if (p->existing || !p->reported)
		return;
	s->pods++;
	if (!p->res.complete || p->res.total < 0)
		return;
	s->complete++;
	if (v && *n < cap)
		v[(*n)++] = (__u64)p->res.total;
	for (int k = 0; k < PCG_TL_SEQ_STEPS; k++)
		if (p->res.steps[k] >= 0 &&
		    (s->slowest_step < 0 || (__u64)p->res.steps[k] > s->slowest_ns)) {
			s->slowest_step = k;
			s->slowest_ns = p->res.steps[k];
			snprintf(s->slowest_pod, sizeof(s->slowest_pod), "%s", p->uid);
		}
}

static void unlink_pod(struct pcg_timeline *tl, int idx)
{
	int *pp = &tl->hash[hash_uid(tl->pods[idx].uid)];

	while (*pp != idx)
		pp = &tl->pods[*pp].next;
	*pp = tl->pods[idx].next;
}

/* Room for a new pod: forgets the first pod that is gone (removed) and done with (reported,
 * or existing), keeping its result for the summary.  False if none can go. */
static bool evict_one(struct pcg_timeline *tl)
{
	unsigned last = tl->nr_pods - 1, i;
	struct tl_pod *p;

	for (i = 0; i < tl->nr_pods; i++) {
		p = &tl->pods[i];
		if (p->removed && !p->pending && (p->reported || p->existing))
			break;
	}
	if (i == tl->nr_pods)
		return false;
	if (p->reported && p->res.complete && p->res.total >= 0 &&
	    tl->nr_gone_totals == tl->cap_gone_totals && tl->cap_gone_totals < TL_MAX_GONE) {
		size_t cap = tl->cap_gone_totals ? tl->cap_gone_totals * 2 : 1024;
		__u64 *v = realloc(tl->gone_totals, cap * sizeof(*v));

		if (v) {
			tl->gone_totals = v;
			tl->cap_gone_totals = cap;
		}
	}
	account(p, &tl->gone, tl->gone_totals, &tl->nr_gone_totals, tl->cap_gone_totals);
	free(p->ctrs);
	unlink_pod(tl, i);
	if (i != last) {
		unlink_pod(tl, last);
		tl->pods[i] = tl->pods[last];
		tl->pods[i].next = tl->hash[hash_uid(tl->pods[i].uid)];
		tl->hash[hash_uid(tl->pods[i].uid)] = i;
	}
	tl->nr_pods--;
	return true;
}

static struct tl_pod *find_pod(struct pcg_timeline *tl, const struct pcg_obj_info *o, bool add)
{
	const __u64 *clock = tl->cur ? &tl->cur->now : &tl->now;
	unsigned h = hash_uid(o->pod_uid);
	struct tl_pod *p;

	/* one pod per input: a pod recreated with its UID after a reboot is a new start */
	for (int i = tl->hash[h]; i >= 0; i = tl->pods[i].next)
		if (!strcmp(tl->pods[i].uid, o->pod_uid) && tl->pods[i].clock == clock)
			return &tl->pods[i];
	if (!add)
		return NULL;
	if (tl->nr_pods >= tl->opts.max_pods && !evict_one(tl)) {
		tl->untracked++;
		return NULL;
	}
	p = &tl->pods[tl->nr_pods];
	memset(p, 0, sizeof(*p));
	snprintf(p->uid, sizeof(p->uid), "%s", o->pod_uid);
	p->qos = o->qos;
	p->driver = o->driver;
	p->node = tl->cur ? tl->cur->node : tl->opts.node;
	p->clock = clock;
	p->next = tl->hash[h];
	tl->hash[h] = tl->nr_pods++;
	return p;
}

static struct tl_ctr *find_ctr(struct tl_pod *p, const struct pcg_obj_info *o, bool add)
{
	struct tl_ctr *c;

	for (unsigned i = 0; i < p->nr_ctrs; i++)
		if (!strcmp(p->ctrs[i].id, o->container_id))
			return &p->ctrs[i];
	if (!add)
		return NULL;
	if (p->nr_ctrs >= TL_MAX_CTRS) {
		p->dropped_ctrs++;
		return NULL;
	}
	if (!(p->nr_ctrs & 7)) {
		c = realloc(p->ctrs, (p->nr_ctrs + 8) * sizeof(*c));
		if (!c)
			return NULL;
		p->ctrs = c;
	}
	c = &p->ctrs[p->nr_ctrs++];
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", o->container_id);
	c->runtime = o->runtime;
	return c;
}

static __u64 ctr_cgroup_ts(const struct tl_ctr *c)
{
	return c->t_cgroup ? c->t_cgroup : c->t_start;
}

static bool all_started(const struct tl_pod *p)
{
	unsigned n = 0;

	for (unsigned i = 0; i < p->nr_ctrs; i++) {
		if (!p->ctrs[i].t_start)
			return false;
		n++;
	}
	return n > 0;
}

static __s64 diff(__u64 a, __u64 b)
{
	return a && b ? (__s64)(b - a) : -1;
}

static void compute(const struct tl_pod *p, bool complete, struct tl_result *r)
{
	__u64 first_cg = 0, first_app_cg = 0, last_app = 0;
	__s64 slowest_app = -1;
	const struct tl_ctr *s = NULL;

	memset(r, 0, sizeof(*r));
	r->complete = complete;
	r->sandbox = -1;
	for (int i = 0; i < _PCG_TL_STEP_MAX; i++)
		r->steps[i] = -1;
	for (unsigned i = 0; i < p->nr_ctrs; i++) {
		const struct tl_ctr *c = &p->ctrs[i];
		__u64 cg = ctr_cgroup_ts(c);

		if (cg && (!first_cg || cg < first_cg))
			first_cg = cg;
		if (c->t_start) {
			r->nr_started++;
			if (r->sandbox < 0 || c->t_start < p->ctrs[r->sandbox].t_start)
				r->sandbox = i;
		}
	}
	r->pod_seen = p->t_pod != 0;
	r->t0 = p->t_pod ? p->t_pod : first_cg;
	r->t_last = p->t_last;
	r->total = -1;
	if (r->sandbox < 0)
		return;
	s = &p->ctrs[r->sandbox];
	for (unsigned i = 0; i < p->nr_ctrs; i++) {
		const struct tl_ctr *c = &p->ctrs[i];
		__u64 cg = ctr_cgroup_ts(c);

		if ((int)i == r->sandbox)
			continue;
		if (cg && (!first_app_cg || cg < first_app_cg))
			first_app_cg = cg;
		if (c->t_start) {
			if (c->t_start > last_app)
				last_app = c->t_start;
			if (diff(cg, c->t_start) > slowest_app)
				slowest_app = diff(cg, c->t_start);
		}
	}
	if (p->t_pod)
		r->steps[PCG_TL_POD_TO_SANDBOX_CGROUP] = diff(p->t_pod, ctr_cgroup_ts(s));
	r->steps[PCG_TL_SANDBOX_CGROUP_TO_START] = diff(ctr_cgroup_ts(s), s->t_start);
	r->steps[PCG_TL_SANDBOX_START_TO_APP_CGROUP] = diff(s->t_start, first_app_cg);
	r->steps[PCG_TL_APP_CGROUP_TO_START] = slowest_app;
	r->steps[PCG_TL_SANDBOX_TO_LAST_APP_START] = diff(s->t_start, last_app);
	r->t_last = last_app > s->t_start ? last_app : s->t_start;
	r->total = (__s64)(r->t_last - r->t0);
}

/* --- formatting ------------------------------------------------------------------------ */

static void add_ms(struct pcg_sbuf *sb, __s64 ns)
{
	__s64 a = ns < 0 ? -ns : ns;

	pcg_sbuf_addf(sb, "%s%lld.%03lld", ns < 0 ? "-" : "", (long long)(a / 1000000),
		      (long long)(a / 1000 % 1000));
}

static void json_ms(struct pcg_sbuf *sb, const char *key, __s64 ns)
{
	pcg_sbuf_addf(sb, "\"%s\":", key);
	if (ns < 0)
		pcg_sbuf_adds(sb, "null");
	else
		add_ms(sb, ns);
}

static void json_str(struct pcg_sbuf *sb, const char *key, const char *v)
{
	pcg_sbuf_addf(sb, ",\"%s\":", key);
	if (v && v[0])
		pcg_sbuf_add_json_str(sb, v, strlen(v));
	else
		pcg_sbuf_adds(sb, "null");
}

static void json_head(const struct pcg_timeline *tl, struct pcg_sbuf *sb, __u64 ts,
		      const char *event, const char *node)
{
	pcg_sbuf_addf(sb, "{\"schema\":%d,\"ts\":\"", PCG_JSON_SCHEMA);
	pcg_fmt_rfc3339(sb, (__s64)(ts + (__u64)tl->opts.boot_to_realtime_ns));
	pcg_sbuf_addf(sb, "\",\"event\":\"%s\"", event);
	if (node) {
		pcg_sbuf_adds(sb, ",\"node\":");
		pcg_sbuf_add_json_str(sb, node, strlen(node));
	}
}

static __s64 rel(const struct tl_result *r, __u64 t)
{
	return t && r->t0 ? (__s64)(t - r->t0) : -1;
}

static const char *role(const struct tl_result *r, unsigned i)
{
	return (int)i == r->sandbox ? "sandbox" : "app";
}

static void fmt_json(const struct pcg_timeline *tl, const struct tl_pod *p, struct pcg_sbuf *sb)
{
	const struct tl_result *r = &p->res;

	json_head(tl, sb, r->t_last ? r->t_last : *p->clock, "timeline", p->node);
	json_str(sb, "pod_uid", p->uid);
	json_str(sb, "qos", pcg_qos_name(p->qos));
	json_str(sb, "driver", pcg_driver_name(p->driver));
	json_str(sb, "cgroup", p->cgroup);
	pcg_sbuf_addf(sb, ",\"complete\":%s,\"pod_cgroup_seen\":%s,\"t0\":\"",
		      r->complete ? "true" : "false", r->pod_seen ? "true" : "false");
	pcg_fmt_rfc3339(sb, (__s64)(r->t0 + (__u64)tl->opts.boot_to_realtime_ns));
	pcg_sbuf_addf(sb, "\",\"containers_started\":%u,", r->nr_started);
	json_ms(sb, "total_ms", r->total);
	pcg_sbuf_adds(sb, ",\"steps_ms\":{");
	for (int i = 0; i < _PCG_TL_STEP_MAX; i++) {
		if (i)
			pcg_sbuf_addc(sb, ',');
		json_ms(sb, step_names[i], r->steps[i]);
	}
	pcg_sbuf_adds(sb, "},\"containers\":[");
	for (unsigned i = 0; i < p->nr_ctrs; i++) {
		const struct tl_ctr *c = &p->ctrs[i];

		pcg_sbuf_addf(sb, "%s{\"container_id\":", i ? "," : "");
		pcg_sbuf_add_json_str(sb, c->id, strlen(c->id));
		json_str(sb, "runtime", pcg_runtime_name(c->runtime));
		pcg_sbuf_addf(sb, ",\"role\":\"%s\",", c->t_start ? role(r, i) : "app");
		json_ms(sb, "cgroup_ms", rel(r, c->t_cgroup));
		pcg_sbuf_addc(sb, ',');
		json_ms(sb, "start_ms", rel(r, c->t_start));
		pcg_sbuf_addc(sb, ',');
		json_ms(sb, "cgroup_to_start_ms", diff(ctr_cgroup_ts(c), c->t_start));
		json_str(sb, "filename", c->filename);
		pcg_sbuf_adds(sb, ",\"execs_ms\":[");
		for (unsigned k = 0; k < c->nr_execs; k++) {
			if (k)
				pcg_sbuf_addc(sb, ',');
			add_ms(sb, rel(r, c->execs[k]));
		}
		pcg_sbuf_adds(sb, "]}");
	}
	pcg_sbuf_addf(sb, "],\"containers_dropped\":%u}\n", p->dropped_ctrs);
}

struct tl_row {
	__u64 t;
	int ctr; /* -1 = the pod */
	bool start;
};

static int cmp_row(const void *a, const void *b)
{
	const struct tl_row *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->ctr != y->ctr)
		return x->ctr < y->ctr ? -1 : 1;
	return (int)x->start - (int)y->start;
}

static void fmt_text(const struct pcg_timeline *tl, const struct tl_pod *p, struct pcg_sbuf *sb)
{
	const struct tl_result *r = &p->res;
	struct tl_row rows[1 + 2 * TL_MAX_CTRS];
	unsigned n = 0;
	__u64 prev = 0;

	pcg_sbuf_addf(sb, "timeline pod %s %s %s", p->uid, pcg_qos_name(p->qos),
		      pcg_driver_name(p->driver));
	if (tl->nr_nodes > 1 && p->node)
		pcg_sbuf_addf(sb, " on node %s", p->node);
	pcg_sbuf_adds(sb, ": ");
	if (r->total >= 0) {
		pcg_sbuf_adds(sb, r->complete ? "running after " : "incomplete, last start after ");
		add_ms(sb, r->total);
		pcg_sbuf_addf(sb, " ms (%u container%s%s)\n", r->nr_started,
			      r->nr_started == 1 ? "" : "s",
			      r->nr_started < p->nr_ctrs ? ", some never started" : "");
	} else {
		pcg_sbuf_adds(sb, "incomplete, no container started\n");
	}
	if (p->t_pod)
		rows[n++] = (struct tl_row){ .t = p->t_pod, .ctr = -1 };
	for (unsigned i = 0; i < p->nr_ctrs; i++) {
		if (p->ctrs[i].t_cgroup)
			rows[n++] = (struct tl_row){ .t = p->ctrs[i].t_cgroup, .ctr = (int)i };
		if (p->ctrs[i].t_start)
			rows[n++] = (struct tl_row){ .t = p->ctrs[i].t_start,
						     .ctr = (int)i,
						     .start = true };
	}
	qsort(rows, n, sizeof(rows[0]), cmp_row);
	pcg_sbuf_addf(sb, "  %12s %12s  %s\n", "AT(ms)", "STEP(ms)", "WHAT");
	for (unsigned i = 0; i < n; i++) {
		char at[32], step[32];

		snprintf(at, sizeof(at), "%lld.%03lld", (long long)((rows[i].t - r->t0) / 1000000),
			 (long long)((rows[i].t - r->t0) / 1000 % 1000));
		if (i)
			snprintf(step, sizeof(step), "%lld.%03lld",
				 (long long)((rows[i].t - prev) / 1000000),
				 (long long)((rows[i].t - prev) / 1000 % 1000));
		else
			snprintf(step, sizeof(step), "-");
		prev = rows[i].t;
		pcg_sbuf_addf(sb, "  %12s %12s  ", at, step);
		if (rows[i].ctr < 0) {
			pcg_sbuf_adds(sb, "pod cgroup created\n");
			continue;
		}
		{
			const struct tl_ctr *c = &p->ctrs[rows[i].ctr];

			pcg_sbuf_addf(sb, "%s %.12s ", c->t_start ? role(r, rows[i].ctr) : "app",
				      c->id);
			if (!rows[i].start) {
				pcg_sbuf_adds(sb, "cgroup created\n");
				continue;
			}
			pcg_sbuf_adds(sb, "started ");
			pcg_sbuf_add_safe(sb, c->filename, strlen(c->filename));
			if (c->nr_execs)
				pcg_sbuf_addf(sb, " (+%u exec%s)", c->nr_execs,
					      c->nr_execs == 1 ? "" : "s");
			pcg_sbuf_addc(sb, '\n');
		}
	}
	if (r->sandbox < 0)
		return;
	pcg_sbuf_adds(sb, "  steps(ms):");
	for (int i = 0; i < _PCG_TL_STEP_MAX; i++) {
		if (r->steps[i] < 0)
			continue;
		pcg_sbuf_addf(sb, " %s=", step_names[i]);
		add_ms(sb, r->steps[i]);
	}
	pcg_sbuf_addc(sb, '\n');
}

static void report(struct pcg_timeline *tl, struct tl_pod *p, bool complete, struct pcg_sbuf *sb)
{
	compute(p, complete, &p->res);
	p->reported = true;
	if (p->pending) {
		p->pending = false;
		tl->nr_pending--;
	}
	if (tl->opts.json)
		fmt_json(tl, p, sb);
	else
		fmt_text(tl, p, sb);
}

static void set_pending(struct pcg_timeline *tl, struct tl_pod *p)
{
	p->reported = false;
	if (!p->pending) {
		p->pending = true;
		tl->nr_pending++;
	}
	if (p->t_last + tl->opts.settle_ns < tl->next_due)
		tl->next_due = p->t_last + tl->opts.settle_ns;
}

/* --- observer hooks -------------------------------------------------------------------- */

int pcg_timeline__out(void *ctx, const struct pcg_out *out, struct pcg_sbuf *sb)
{
	struct pcg_timeline *tl = ctx;
	const struct pcg_obj_info *o = out->obj;
	struct tl_pod *p;
	struct tl_ctr *c;

	if (out->ts > tl->now)
		tl->now = out->ts;
	if (!o || !o->pod_uid[0])
		return 0;
	switch (out->kind) {
	case PCG_OUT_POD_CREATE:
		p = find_pod(tl, o, true);
		if (p && !p->t_pod && !p->existing) {
			p->t_pod = out->ts;
			snprintf(p->cgroup, sizeof(p->cgroup), "%s", o->cgroup ? o->cgroup : "");
		}
		return 0;
	case PCG_OUT_CONTAINER_EXISTING:
		p = find_pod(tl, o, true);
		if (p && !p->existing) {
			p->existing = true;
			if (p->pending) {
				p->pending = false;
				tl->nr_pending--;
			}
		}
		return 0;
	case PCG_OUT_CONTAINER_CREATE:
	case PCG_OUT_CONTAINER_START:
	case PCG_OUT_EXEC:
		break;
	case PCG_OUT_POD_REMOVE:
		p = find_pod(tl, o, false);
		if (!p)
			return 0;
		p->removed = true;
		if (!p->existing && !p->reported && (p->nr_ctrs || p->t_pod))
			report(tl, p, all_started(p), sb);
		return 0;
	default:
		return 0;
	}
	p = find_pod(tl, o, out->kind != PCG_OUT_EXEC);
	if (!p || p->existing || !o->container_id[0])
		return 0;
	c = find_ctr(p, o, out->kind != PCG_OUT_EXEC);
	if (!c)
		return 0;
	if (out->kind == PCG_OUT_EXEC) {
		if (!p->reported && c->nr_execs < TL_MAX_EXECS)
			c->execs[c->nr_execs++] = out->ts;
		return 0;
	}
	if (out->kind == PCG_OUT_CONTAINER_CREATE) {
		if (c->t_cgroup)
			return 0;
		c->t_cgroup = out->ts;
	} else {
		if (c->t_start)
			return 0;
		c->t_start = out->ts;
		if (out->filename) {
			size_t n = out->filename_len < sizeof(c->filename) - 1 ?
					   out->filename_len :
					   sizeof(c->filename) - 1;

			memcpy(c->filename, out->filename, n);
			c->filename[n] = 0;
		}
	}
	if (out->ts > p->t_last)
		p->t_last = out->ts;
	set_pending(tl, p);
	return 0;
}

int pcg_timeline__time(void *ctx, __u64 ts, struct pcg_sbuf *sb)
{
	struct pcg_timeline *tl = ctx;

	if (ts > tl->now)
		tl->now = ts;
	if (!tl->nr_pending || tl->now < tl->next_due)
		return 0;
	/* one walk per settle deadline, not per record; pods due are reported in the order of
	 * their deadlines, so the order does not depend on how often time is fed (ticks) */
	tl->next_due = ~0ull;
	for (;;) {
		struct tl_pod *first = NULL;

		for (unsigned i = 0; i < tl->nr_pods; i++) {
			struct tl_pod *p = &tl->pods[i];
			__u64 due = p->t_last + tl->opts.settle_ns;

			if (!p->pending)
				continue;
			if (*p->clock >= due && all_started(p)) {
				if (!first || due < first->t_last + tl->opts.settle_ns)
					first = p;
			} else if (due > *p->clock && due < tl->next_due) {
				tl->next_due = due;
			}
		}
		if (!first)
			break;
		report(tl, first, true, sb);
	}
	return 0;
}

bool pcg_timeline__pending(const void *ctx)
{
	const struct pcg_timeline *tl = ctx;

	return tl->nr_pending != 0;
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

void pcg_timeline__summary(const struct pcg_timeline *tl, struct pcg_timeline_summary *ret)
{
	size_t cap = tl->nr_gone_totals + tl->nr_pods + 1, n = tl->nr_gone_totals;
	__u64 *v = calloc(cap, sizeof(*v));

	*ret = tl->gone;
	ret->untracked = tl->untracked;
	if (v && n)
		memcpy(v, tl->gone_totals, n * sizeof(*v));
	for (unsigned i = 0; i < tl->nr_pods; i++)
		account(&tl->pods[i], ret, v, &n, cap);
	if (v && n) {
		qsort(v, n, sizeof(*v), cmp_u64);
		ret->median_ns = v[(n + 1) / 2 - 1];
		ret->p90_ns = v[(9 * n + 9) / 10 - 1];
		ret->max_ns = v[n - 1];
	}
	free(v);
}

static void fmt_summary(const struct pcg_timeline *tl, struct pcg_sbuf *sb)
{
	struct pcg_timeline_summary s;

	pcg_timeline__summary(tl, &s);
	if (tl->opts.json) {
		json_head(tl, sb, tl->now, "timeline_summary",
			  tl->nr_nodes > 1 ? NULL :
			  tl->nr_nodes	   ? tl->nodes[0] :
					     tl->opts.node);
		if (tl->nr_nodes > 1) {
			pcg_sbuf_adds(sb, ",\"nodes\":[");
			for (unsigned i = 0; i < tl->nr_nodes; i++) {
				if (i)
					pcg_sbuf_addc(sb, ',');
				pcg_sbuf_add_json_str(sb, tl->nodes[i], strlen(tl->nodes[i]));
			}
			pcg_sbuf_addc(sb, ']');
		}
		pcg_sbuf_addf(sb,
			      ",\"pods\":%u,\"complete\":%u,\"incomplete\":%u,\"untracked\":%u,",
			      s.pods, s.complete, s.pods - s.complete, s.untracked);
		pcg_sbuf_adds(sb, "\"total_ms\":");
		if (s.complete) {
			pcg_sbuf_addc(sb, '{');
			json_ms(sb, "median", s.median_ns);
			pcg_sbuf_addc(sb, ',');
			json_ms(sb, "p90", s.p90_ns);
			pcg_sbuf_addc(sb, ',');
			json_ms(sb, "max", s.max_ns);
			pcg_sbuf_addc(sb, '}');
		} else {
			pcg_sbuf_adds(sb, "null");
		}
		pcg_sbuf_adds(sb, ",\"slowest_step\":");
		if (s.slowest_step >= 0) {
			pcg_sbuf_addf(sb, "{\"step\":\"%s\",\"pod_uid\":\"%s\",",
				      step_names[s.slowest_step], s.slowest_pod);
			json_ms(sb, "ms", s.slowest_ns);
			pcg_sbuf_addc(sb, '}');
		} else {
			pcg_sbuf_adds(sb, "null");
		}
		pcg_sbuf_adds(sb, "}\n");
		return;
	}
	pcg_sbuf_addf(sb, "timeline summary: %u pod%s", s.pods, s.pods == 1 ? "" : "s");
	if (tl->nr_nodes > 1)
		pcg_sbuf_addf(sb, " on %u nodes", tl->nr_nodes);
	pcg_sbuf_addf(sb, " (%u complete, %u incomplete", s.complete, s.pods - s.complete);
	if (s.untracked)
		pcg_sbuf_addf(sb, ", %u not timed: too many pods", s.untracked);
	pcg_sbuf_addc(sb, ')');
	if (s.complete) {
		pcg_sbuf_adds(sb, "; time to running: median ");
		add_ms(sb, s.median_ns);
		pcg_sbuf_adds(sb, " ms, p90 ");
		add_ms(sb, s.p90_ns);
		pcg_sbuf_adds(sb, " ms, max ");
		add_ms(sb, s.max_ns);
		pcg_sbuf_adds(sb, " ms");
	}
	if (s.slowest_step >= 0) {
		pcg_sbuf_addf(sb, "; slowest step: %s ", step_names[s.slowest_step]);
		add_ms(sb, s.slowest_ns);
		pcg_sbuf_addf(sb, " ms (pod %s)", s.slowest_pod);
	}
	pcg_sbuf_addc(sb, '\n');
}

int pcg_timeline__flush(void *ctx, struct pcg_sbuf *sb)
{
	struct pcg_timeline *tl = ctx;

	for (unsigned i = 0; i < tl->nr_pods; i++) {
		struct tl_pod *p = &tl->pods[i];

		if (!p->existing && !p->reported && (p->nr_ctrs || p->t_pod))
			report(tl, p, all_started(p), sb);
	}
	fmt_summary(tl, sb);
	return 0;
}

/* --- SVG ------------------------------------------------------------------------------- */

#define SVG_LABEL_W 330.0
#define SVG_CHART_W 900.0
#define SVG_ROW_H   22.0
#define SVG_TOP	    60.0

static void xml_text(struct pcg_sbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '&')
			pcg_sbuf_adds(sb, "&amp;");
		else if (ch == '<')
			pcg_sbuf_adds(sb, "&lt;");
		else if (ch == '>')
			pcg_sbuf_adds(sb, "&gt;");
		else if (ch == '"')
			pcg_sbuf_adds(sb, "&quot;");
		else if (ch < 0x20 || ch >= 0x7f)
			pcg_sbuf_addc(sb, '?');
		else
			pcg_sbuf_addc(sb, ch);
	}
}

/* A round axis step: 1, 2 or 5 times a power of ten ms, about 10 ticks. */
static double axis_step(double max_ms)
{
	double step = 0.001;

	while (max_ms / step > 10) {
		if (max_ms / (step * 2) <= 10)
			return step * 2;
		if (max_ms / (step * 5) <= 10)
			return step * 5;
		step *= 10;
	}
	return step;
}

static void svg_bar(struct pcg_sbuf *sb, double scale, double y, __s64 from_ns, __s64 len_ns,
		    const char *cls, const char *step, const char *title)
{
	double ms = (double)(len_ns / 1000) / 1000; /* microseconds, as the JSON */

	pcg_sbuf_addf(sb,
		      "<rect class=\"bar %s\" data-step=\"%s\" data-ms=\"%.3f\" x=\"%.3f\" "
		      "y=\"%.1f\" width=\"%.3f\" height=\"%.1f\"><title>",
		      cls, step, ms, SVG_LABEL_W + from_ns / 1e6 * scale, y + 4, ms * scale,
		      SVG_ROW_H - 8);
	xml_text(sb, title);
	pcg_sbuf_addf(sb, ": %.3f ms</title></rect>\n", ms);
}

static void svg_mark(struct pcg_sbuf *sb, double scale, double y, __s64 at_ns, const char *cls)
{
	double x = SVG_LABEL_W + at_ns / 1e6 * scale;

	pcg_sbuf_addf(sb,
		      "<line class=\"mark %s\" data-at-ms=\"%.3f\" x1=\"%.3f\" y1=\"%.1f\" "
		      "x2=\"%.3f\" y2=\"%.1f\"/>\n",
		      cls, at_ns / 1e6, x, y + 1, x, y + SVG_ROW_H - 1);
}

/* An id for an attribute: what a pod UID or container id may hold, anything else '_'. */
static const char *safe_id(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i < size - 1; i++)
		dst[i] = (src[i] >= '0' && src[i] <= '9') || (src[i] >= 'a' && src[i] <= 'z') ||
					 (src[i] >= 'A' && src[i] <= 'Z') || src[i] == '-' ?
				 src[i] :
				 '_';
	dst[i] = 0;
	return dst;
}

struct svg_order {
	__u64 t0;
	unsigned i;
};

static int cmp_order(const void *a, const void *b)
{
	const struct svg_order *x = a, *y = b;

	if (x->t0 != y->t0)
		return x->t0 < y->t0 ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

void pcg_timeline__svg(const struct pcg_timeline *tl, struct pcg_sbuf *sb)
{
	unsigned rows = 0, npods = 0, nr_order = 0;
	double max_ms = 0, scale, step, y, height;
	struct svg_order *order = calloc(tl->nr_pods + 1, sizeof(*order));
	char uid[PCG_POD_UID_LEN + 1], cid[PCG_CONTAINER_ID_LEN + 1];

	if (!order) {
		sb->oom = true;
		return;
	}

	/* results for pods not reported yet (an SVG drawn while tracing is not; be safe) */
	for (unsigned i = 0; i < tl->nr_pods; i++) {
		const struct tl_pod *p = &tl->pods[i];
		const struct tl_result *r = &p->res;

		if (p->existing || !p->reported)
			continue;
		order[nr_order++] = (struct svg_order){ .t0 = r->t0, .i = i };
		npods++;
		rows += 1 + p->nr_ctrs;
		for (unsigned k = 0; k < p->nr_ctrs; k++) {
			const struct tl_ctr *c = &p->ctrs[k];
			__u64 last = c->t_start > c->t_cgroup ? c->t_start : c->t_cgroup;

			for (unsigned e = 0; e < c->nr_execs; e++)
				if (c->execs[e] > last)
					last = c->execs[e];
			if (last > r->t0 && (last - r->t0) / 1e6 > max_ms)
				max_ms = (last - r->t0) / 1e6;
		}
	}
	qsort(order, nr_order, sizeof(*order), cmp_order);
	if (max_ms <= 0)
		max_ms = 1;
	step = axis_step(max_ms);
	max_ms = step * (unsigned long)(max_ms / step + 0.999999);
	scale = SVG_CHART_W / max_ms;
	height = SVG_TOP + rows * SVG_ROW_H + 40;
	pcg_sbuf_addf(sb,
		      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		      "viewBox=\"0 0 %.0f %.0f\" data-px-per-ms=\"%.9f\" data-axis-ms=\"%.3f\" "
		      "font-family=\"sans-serif\" font-size=\"11\">\n",
		      SVG_LABEL_W + SVG_CHART_W + 50, height, SVG_LABEL_W + SVG_CHART_W + 50,
		      height, scale, max_ms);
	pcg_sbuf_adds(sb,
		      "<style>.pod1{fill:#9ecae1}.pod2{fill:#3182bd}.pod3{fill:#9e9ac8}"
		      ".sandbox{fill:#fd8d3c}.app{fill:#74c476}.exec{stroke:#d62728;stroke-width:2}"
		      ".start{stroke:#000;stroke-width:2}.grid{stroke:#ddd}.lbl{fill:#222}"
		      ".pod-lbl{font-weight:bold}</style>\n"
		      "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
	pcg_sbuf_addf(
		sb,
		"<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">podcg-trace: pod "
		"start-up timelines (%u pod%s, time from each pod's cgroup, ms)</text>\n"
		"<text x=\"10\" y=\"38\">bars: pod cgroup to sandbox cgroup, sandbox start-up, "
		"sandbox start to last app start; per container: cgroup to first exec; black: "
		"start, red: later execs</text>\n",
		npods, npods == 1 ? "" : "s");
	if (tl->gone.pods)
		pcg_sbuf_addf(
			sb,
			"<text x=\"10\" y=\"52\">%u earlier pods are in the summary only (the "
			"timeline keeps the latest)</text>\n",
			tl->gone.pods);
	/* axis */
	pcg_sbuf_adds(sb, "<g class=\"axis\">\n");
	for (double t = 0; t <= max_ms + step / 2; t += step) {
		double x = SVG_LABEL_W + t * scale;

		pcg_sbuf_addf(
			sb,
			"<line class=\"grid\" x1=\"%.3f\" y1=\"%.1f\" x2=\"%.3f\" y2=\"%.1f\"/>"
			"<text x=\"%.3f\" y=\"%.1f\" text-anchor=\"middle\">%g ms</text>\n",
			x, SVG_TOP - 6, x, SVG_TOP + rows * SVG_ROW_H, x,
			SVG_TOP + rows * SVG_ROW_H + 14, t);
	}
	pcg_sbuf_adds(sb, "</g>\n");
	y = SVG_TOP;
	for (unsigned o = 0; o < nr_order; o++) {
		const struct tl_pod *p = &tl->pods[order[o].i];
		const struct tl_result *r = &p->res;
		const struct tl_ctr *s;
		char label[128];

		safe_id(uid, sizeof(uid), p->uid);
		s = r->sandbox >= 0 ? &p->ctrs[r->sandbox] : NULL;
		pcg_sbuf_addf(
			sb,
			"<g class=\"row\" data-role=\"pod\" data-pod=\"%s\" data-complete=\"%s\">"
			"<text class=\"lbl pod-lbl\" x=\"10\" y=\"%.1f\">pod %s%s</text>\n",
			uid, r->complete ? "true" : "false", y + 15, uid,
			r->complete ? "" : " (incomplete)");
		if (s && r->steps[PCG_TL_POD_TO_SANDBOX_CGROUP] >= 0)
			svg_bar(sb, scale, y, 0, r->steps[PCG_TL_POD_TO_SANDBOX_CGROUP], "pod1",
				step_names[PCG_TL_POD_TO_SANDBOX_CGROUP],
				"pod cgroup to sandbox cgroup");
		if (s)
			svg_bar(sb, scale, y, rel(r, ctr_cgroup_ts(s)),
				r->steps[PCG_TL_SANDBOX_CGROUP_TO_START], "pod2",
				step_names[PCG_TL_SANDBOX_CGROUP_TO_START], "sandbox start-up");
		if (s && r->steps[PCG_TL_SANDBOX_TO_LAST_APP_START] >= 0)
			svg_bar(sb, scale, y, rel(r, s->t_start),
				r->steps[PCG_TL_SANDBOX_TO_LAST_APP_START], "pod3",
				step_names[PCG_TL_SANDBOX_TO_LAST_APP_START],
				"sandbox start to last app start");
		pcg_sbuf_adds(sb, "</g>\n");
		y += SVG_ROW_H;
		for (unsigned k = 0; k < p->nr_ctrs; k++) {
			const struct tl_ctr *c = &p->ctrs[k];
			const char *ro = c->t_start ? role(r, k) : "app";

			safe_id(cid, sizeof(cid), c->id);
			pcg_sbuf_addf(sb,
				      "<g class=\"row\" data-role=\"%s\" data-pod=\"%s\" "
				      "data-container=\"%s\"><text class=\"lbl\" x=\"22\" "
				      "y=\"%.1f\">%s %.12s ",
				      ro, uid, cid, y + 15, ro, cid);
			xml_text(sb, c->filename);
			pcg_sbuf_adds(sb, "</text>\n");
			snprintf(label, sizeof(label), "%s %.12s cgroup to first exec", ro, cid);
			if (c->t_start)
				svg_bar(sb, scale, y, rel(r, ctr_cgroup_ts(c)),
					diff(ctr_cgroup_ts(c), c->t_start), ro, "cgroup_to_start",
					label);
			if (c->t_start)
				svg_mark(sb, scale, y, rel(r, c->t_start), "start");
			for (unsigned e = 0; e < c->nr_execs; e++)
				svg_mark(sb, scale, y, rel(r, c->execs[e]), "exec");
			pcg_sbuf_adds(sb, "</g>\n");
			y += SVG_ROW_H;
		}
	}
	pcg_sbuf_adds(sb, "</svg>\n");
	free(order);
}

/* --- several inputs -------------------------------------------------------------------- */

static struct pcg_timeline *input_enter(struct pcg_timeline_input *in)
{
	struct pcg_timeline *tl = in->tl;
	const char **n;

	if (tl->cur == in)
		return tl;
	tl->cur = in;
	for (unsigned i = 0; i < tl->nr_nodes; i++)
		if (tl->nodes[i] == in->node || !strcmp(tl->nodes[i], in->node))
			return tl;
	n = realloc(tl->nodes, (tl->nr_nodes + 1) * sizeof(*n));
	if (n) { /* without room the summary only misses a name */
		tl->nodes = n;
		tl->nodes[tl->nr_nodes++] = in->node;
	}
	return tl;
}

static int input_out(void *ctx, const struct pcg_out *out, struct pcg_sbuf *sb)
{
	struct pcg_timeline_input *in = ctx;
	struct pcg_out o = *out;

	o.ts = out->ts + (__u64)in->delta_ns;
	if (o.ts > in->now)
		in->now = o.ts;
	return pcg_timeline__out(input_enter(in), &o, sb);
}

static int input_time(void *ctx, __u64 ts, struct pcg_sbuf *sb)
{
	struct pcg_timeline_input *in = ctx;

	ts += (__u64)in->delta_ns;
	if (ts > in->now)
		in->now = ts;
	return pcg_timeline__time(input_enter(in), ts, sb);
}

static bool input_pending(const void *ctx)
{
	const struct pcg_timeline_input *in = ctx;

	return pcg_timeline__pending(in->tl);
}

const struct pcg_observer pcg_timeline_input_observer = {
	.out = input_out,
	.time = input_time,
	.pending = input_pending,
};
