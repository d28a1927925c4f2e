/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* correlate.c - the correlator: cgroups <-> pods <-> containers <-> processes (pure). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "encode.h"
#include "decode.h"

#define DEFAULT_GRACE_NS    (2000ull * 1000 * 1000)
#define DEFAULT_MAX_CGROUPS (1u << 20)
#define DEFAULT_MAX_PROCS   (1u << 20)
/* hash tables start this small and double when they hold more entries than buckets */
#define MIN_BUCKETS 256
/* freed process and cgroup entries kept for reuse: churn allocates nothing per event */
#define POOL_MAX  4096
#define MAX_HINTS 65536
/* a process's last threads report their exits within microseconds of each other */
#define EXIT_DEDUP_NS  (100ull * 1000 * 1000)
#define EXIT_DEDUP_MIN 256
#define EXIT_DEDUP_MAX 65536
/* /proc/PID/stat gives a start time in clock ticks: allow that much slack against the
 * kernel's nanoseconds when a process first seen by the start-up scan shows up again. */
#define COARSE_START_SLACK_NS (20ull * 1000 * 1000)

/* Names from PCG_EV_META records (exact sizes, NUL-terminated). */
struct names {
	char pod_name[PCG_META_NAME_MAX + 1];
	char pod_namespace[PCG_META_NS_MAX + 1];
	char container_name[PCG_META_NAME_MAX + 1];
	char image[PCG_META_IMAGE_MAX + 1];
	char sandbox_id[65];
	unsigned ctype;
	bool trunc;
};

static char *names_slot(struct names *n, unsigned field, size_t *size)
{
	switch (field) {
	case PCG_META_POD_NAME:
		*size = sizeof(n->pod_name);
		return n->pod_name;
	case PCG_META_POD_NAMESPACE:
		*size = sizeof(n->pod_namespace);
		return n->pod_namespace;
	case PCG_META_CONTAINER_NAME:
		*size = sizeof(n->container_name);
		return n->container_name;
	case PCG_META_IMAGE:
		*size = sizeof(n->image);
		return n->image;
	default:
		*size = sizeof(n->sandbox_id);
		return n->sandbox_id;
	}
}

struct obj {
	struct obj *hnext;	   /* bucket chain, by name */
	struct obj *next, *prev;   /* all objects, in creation order */
	struct obj *pnext, *pprev; /* pending announcement, in creation order */
	struct obj *pod;	   /* container -> its pod, NULL outside Kubernetes */
	struct pcg_obj_info info;
	char *path;	     /* owned copy of info.cgroup */
	struct names *names; /* NULL until a PCG_EV_META record names it */
	__u64 first_ts;
	__u64 seen_mask;   /* hierarchies whose own cgroup was reported */
	unsigned live_cgs; /* own cgroups (all hierarchies) not removed yet */
	unsigned refs;	   /* processes pointing here */
	bool is_pod;
	bool pending;	/* on the pending list */
	bool announced; /* create/existing emitted (or nothing is owed) */
	bool existing;	/* found by the start-up scan */
	bool started;
	bool removed;
};

struct cg {
	struct cg *hnext;
	__u64 cgid;
	__u32 hier;
	bool own;	 /* obj's own cgroup (not a sub-cgroup) */
	struct obj *obj; /* pod or container, NULL for kubepods / QoS / unrecognised levels */
	char *sub_path;	 /* a sub-cgroup's own path (an own cgroup's is obj->path) */
};

static void cg_free(struct cg *cg)
{
	free(cg->sub_path);
	free(cg);
}

struct proc {
	struct proc *hnext;
	__u32 tgid;
	bool coarse; /* start time from /proc, tick resolution */
	__u64 start_ns;
	struct obj *ctr;
	bool workload; /* exec'd something other than the runtime's own re-exec */
	bool cmdline_cut;
	struct pcg_task task; /* as last seen */
	char *cmdline;	      /* PCG_EV_TASK_INFO, until the next exec; NULL if unknown */
	size_t cmdline_len;
};

static void proc_free(struct proc *p)
{
	free(p->cmdline);
	free(p);
}

struct pcg_corr {
	struct pcg_corr_opts opts;
	pcg_out_fn fn;
	void *ctx;
	struct pcg_corr_stats stats;

	struct cg **cg_tab;
	size_t cg_buckets, nr_cgs;
	struct proc **proc_tab;
	size_t proc_buckets, nr_procs;
	struct obj **obj_tab;
	size_t obj_buckets, nr_objs;
	struct obj *objs_head, *objs_tail;
	struct obj *pend_head, *pend_tail;
	/* Runtimes learnt before their container's mkdir (PCG_EV_HINT), until it comes: grows
	 * with the load up to MAX_HINTS entries (each is consumed by the mkdir right after it, so
	 * the linear searches stay short); a hint past that is dropped and counted. */
	struct hint {
		char id[PCG_CONTAINER_ID_LEN + 1];
		enum pcg_runtime runtime;
	} * hints;
	size_t nr_hints, hints_cap;
	/* Names learnt before their pod's or container's mkdir (PCG_EV_META), until it comes:
	 * grows like hints[], bounded by max_cgroups; a record past that is dropped and counted. */
	struct meta_stash {
		char pod_uid[PCG_POD_UID_LEN + 1];
		char id[PCG_CONTAINER_ID_LEN + 1]; /* "" for the pod's own record */
		struct names names;
	} * metas;
	size_t nr_metas, metas_cap;
	/* The processes reported as exited in the last EXIT_DEDUP_NS, newest last, in a ring that
	 * grows while it holds only such recent exits, up to EXIT_DEDUP_MAX; an exit pushed out
	 * earlier than that is counted. */
	struct exited {
		__u32 tgid;
		__s32 hnext; /* chain of exited_hash, -1 at the end */
		__u64 start_ns, ts;
		bool used;
	} * exited;
	size_t exited_cap, nr_exited, exited_head; /* head: the slot written next */
	__s32 *exited_hash;	/* exited_cap buckets of slot chains, by (tgid, start time) */
	struct proc *proc_pool; /* chained by hnext */
	struct cg *cg_pool;
	size_t nr_proc_pool, nr_cg_pool;
};

static struct proc *proc_alloc(struct pcg_corr *c)
{
	struct proc *p = c->proc_pool;

	if (!p)
		return calloc(1, sizeof(*p));
	c->proc_pool = p->hnext;
	c->nr_proc_pool--;
	memset(p, 0, sizeof(*p));
	return p;
}

static void proc_release(struct pcg_corr *c, struct proc *p)
{
	free(p->cmdline);
	p->cmdline = NULL;
	if (c->nr_proc_pool >= POOL_MAX) {
		free(p);
		return;
	}
	p->hnext = c->proc_pool;
	c->proc_pool = p;
	c->nr_proc_pool++;
}

static struct cg *cg_alloc(struct pcg_corr *c)
{
	struct cg *cg = c->cg_pool;

	if (!cg)
		return calloc(1, sizeof(*cg));
	c->cg_pool = cg->hnext;
	c->nr_cg_pool--;
	memset(cg, 0, sizeof(*cg));
	return cg;
}

static void cg_release(struct pcg_corr *c, struct cg *cg)
{
	free(cg->sub_path);
	if (c->nr_cg_pool >= POOL_MAX) {
		free(cg);
		return;
	}
	cg->hnext = c->cg_pool;
	c->cg_pool = cg;
	c->nr_cg_pool++;
}

static const char *const out_names[_PCG_OUT_MAX] = {
	[PCG_OUT_POD_CREATE] = "pod_create",
	[PCG_OUT_CONTAINER_CREATE] = "container_create",
	[PCG_OUT_CONTAINER_START] = "container_start",
	[PCG_OUT_CONTAINER_EXISTING] = "container_existing",
	[PCG_OUT_EXEC] = "exec",
	[PCG_OUT_EXIT] = "exit",
	[PCG_OUT_CONTAINER_REMOVE] = "container_remove",
	[PCG_OUT_POD_REMOVE] = "pod_remove",
	[PCG_OUT_LOST] = "lost",
};

const char *pcg_out_name(enum pcg_out_kind k)
{
	return (unsigned)k < _PCG_OUT_MAX ? out_names[k] : "unknown";
}

static __u64 mix64(__u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static __u64 str_hash(const char *s)
{
	__u64 h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

struct pcg_corr *pcg_corr__new(const struct pcg_corr_opts *opts, pcg_out_fn fn, void *ctx)
{
	struct pcg_corr *c;

	if (!opts || !fn) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->opts = *opts;
	if (!c->opts.grace_ns)
		c->opts.grace_ns = DEFAULT_GRACE_NS;
	if (!c->opts.max_cgroups)
		c->opts.max_cgroups = DEFAULT_MAX_CGROUPS;
	if (!c->opts.max_procs)
		c->opts.max_procs = DEFAULT_MAX_PROCS;
	c->fn = fn;
	c->ctx = ctx;
	c->cg_buckets = c->proc_buckets = c->obj_buckets = MIN_BUCKETS;
	c->cg_tab = calloc(c->cg_buckets, sizeof(*c->cg_tab));
	c->proc_tab = calloc(c->proc_buckets, sizeof(*c->proc_tab));
	c->obj_tab = calloc(c->obj_buckets, sizeof(*c->obj_tab));
	if (!c->cg_tab || !c->proc_tab || !c->obj_tab) {
		pcg_corr__free(c);
		errno = ENOMEM;
		return NULL;
	}
	return c;
}

/* --- tables ---------------------------------------------------------------------------- */

static size_t cg_hash(__u32 hier, __u64 cgid)
{
	return mix64(cgid ^ ((__u64)hier << 57));
}

static size_t proc_hash(__u32 tgid)
{
	return mix64(tgid);
}

static size_t obj_hash(bool is_pod, const char *name)
{
	return str_hash(name) ^ is_pod;
}

/* Chained tables that grow: past one entry per bucket, twice the buckets (what cannot be
 * allocated leaves longer chains, never a refusal).  Each per-event lookup stays O(1). */
#define TABLE_GROW(c, tab, buckets, nr, type, hash_of)                          \
	do {                                                                    \
		size_t nb = (c)->buckets * 2;                                   \
		type **nt;                                                      \
                                                                                \
		if ((c)->nr <= (c)->buckets || !(nt = calloc(nb, sizeof(*nt)))) \
			break;                                                  \
		for (size_t b = 0; b < (c)->buckets; b++)                       \
			while ((c)->tab[b]) {                                   \
				type *e = (c)->tab[b];                          \
				type **d = &nt[hash_of(e) & (nb - 1)];          \
                                                                                \
				(c)->tab[b] = e->hnext;                         \
				while (*d) /* keep chain order */               \
					d = &(*d)->hnext;                       \
				e->hnext = NULL;                                \
				*d = e;                                         \
			}                                                       \
		free((c)->tab);                                                 \
		(c)->tab = nt;                                                  \
		(c)->buckets = nb;                                              \
	} while (0)

#define CG_HASH_OF(e)	cg_hash((e)->hier, (e)->cgid)
#define PROC_HASH_OF(e) proc_hash((e)->tgid)
#define OBJ_HASH_OF(e) \
	obj_hash((e)->is_pod, (e)->is_pod ? (e)->info.pod_uid : (e)->info.container_id)

static void cg_grow(struct pcg_corr *c)
{
	TABLE_GROW(c, cg_tab, cg_buckets, nr_cgs, struct cg, CG_HASH_OF);
}

static void proc_grow(struct pcg_corr *c)
{
	TABLE_GROW(c, proc_tab, proc_buckets, nr_procs, struct proc, PROC_HASH_OF);
}

static void obj_grow(struct pcg_corr *c)
{
	TABLE_GROW(c, obj_tab, obj_buckets, nr_objs, struct obj, OBJ_HASH_OF);
}

static struct cg **cg_slot(struct pcg_corr *c, __u32 hier, __u64 cgid)
{
	struct cg **pp = &c->cg_tab[cg_hash(hier, cgid) & (c->cg_buckets - 1)];

	while (*pp && !((*pp)->cgid == cgid && (*pp)->hier == hier))
		pp = &(*pp)->hnext;
	return pp;
}

static struct cg *cg_find(struct pcg_corr *c, __u32 hier, __u64 cgid)
{
	return *cg_slot(c, hier, cgid);
}

static struct proc **proc_slot(struct pcg_corr *c, __u32 tgid)
{
	struct proc **pp = &c->proc_tab[proc_hash(tgid) & (c->proc_buckets - 1)];

	while (*pp && (*pp)->tgid != tgid)
		pp = &(*pp)->hnext;
	return pp;
}

static struct obj **obj_slot(struct pcg_corr *c, bool is_pod, const char *name)
{
	struct obj **pp = &c->obj_tab[obj_hash(is_pod, name) & (c->obj_buckets - 1)];

	while (*pp) {
		struct obj *o = *pp;
		const char *n = is_pod ? o->info.pod_uid : o->info.container_id;

		if (o->is_pod == is_pod && strcmp(n, name) == 0)
			break;
		pp = &o->hnext;
	}
	return pp;
}

static void pending_del(struct pcg_corr *c, struct obj *o)
{
	if (!o->pending)
		return;
	if (o->pprev)
		o->pprev->pnext = o->pnext;
	else
		c->pend_head = o->pnext;
	if (o->pnext)
		o->pnext->pprev = o->pprev;
	else
		c->pend_tail = o->pprev;
	o->pnext = o->pprev = NULL;
	o->pending = false;
}

static void obj_free(struct pcg_corr *c, struct obj *o)
{
	struct obj **pp =
		obj_slot(c, o->is_pod, o->is_pod ? o->info.pod_uid : o->info.container_id);

	if (*pp == o) {
		*pp = o->hnext;
		c->nr_objs--;
	}
	pending_del(c, o);
	if (o->prev)
		o->prev->next = o->next;
	else
		c->objs_head = o->next;
	if (o->next)
		o->next->prev = o->prev;
	else
		c->objs_tail = o->prev;
	if (o->pod)
		o->pod->refs--;
	free(o->names);
	free(o->path);
	free(o);
}

/* Frees an object once nothing refers to it: all its cgroups are gone and no process or
 * container points at it. */
static void obj_maybe_free(struct pcg_corr *c, struct obj *o)
{
	struct obj *pod;

	if (!o || o->live_cgs || o->refs)
		return;
	pod = o->pod;
	obj_free(c, o);
	if (pod)
		obj_maybe_free(c, pod);
}

static void proc_unlink(struct pcg_corr *c, struct proc **pp)
{
	struct proc *p = *pp;
	struct obj *ctr = p->ctr;

	*pp = p->hnext;
	c->nr_procs--;
	proc_release(c, p);
	if (ctr) {
		ctr->refs--;
		obj_maybe_free(c, ctr);
	}
}

/* --- output ---------------------------------------------------------------------------- */

static int emit(struct pcg_corr *c, struct pcg_out *o)
{
	c->stats.records++;
	return c->fn(c->ctx, o);
}

static int announce(struct pcg_corr *c, struct obj *o, __u64 ts)
{
	struct pcg_out out = { 0 };
	int err;

	if (o->announced)
		return 0;
	o->announced = true;
	pending_del(c, o);
	if (o->pod && !o->pod->announced) {
		err = announce(c, o->pod, ts);
		if (err)
			return err;
	}
	out.kind = o->is_pod ? PCG_OUT_POD_CREATE : PCG_OUT_CONTAINER_CREATE;
	out.ts = o->first_ts;
	out.obj = &o->info;
	return emit(c, &out);
}

/* Announces what has waited at least grace_ns before @now. */
static int flush_due(struct pcg_corr *c, __u64 now)
{
	int err;

	while (c->pend_head && c->pend_head->first_ts + c->opts.grace_ns <= now) {
		err = announce(c, c->pend_head, now);
		if (err)
			return err;
	}
	return 0;
}

int pcg_corr__flush(struct pcg_corr *c)
{
	int err;

	while (c->pend_head) {
		err = announce(c, c->pend_head, c->pend_head->first_ts);
		if (err)
			return err;
	}
	return 0;
}

bool pcg_corr__has_pending(const struct pcg_corr *c)
{
	return c->pend_head != NULL;
}

/* --- cgroups --------------------------------------------------------------------------- */

/* The pod or container named by @pp, created if new.  @announce_owed: whether its creation
 * is being witnessed (a mkdir of its own cgroup), so that an announcement is owed. */
static struct obj *obj_get(struct pcg_corr *c, bool is_pod, const struct pcg_cgpath *pp,
			   const char *path, size_t path_len, __u64 ts, bool existing,
			   bool announce_owed)
{
	const char *name = is_pod ? pp->pod_uid : pp->container_id;
	struct obj **slot = obj_slot(c, is_pod, name);
	struct obj *o = *slot;

	if (o)
		return o;
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->path = malloc(path_len + 1);
	if (!o->path) {
		free(o);
		return NULL;
	}
	memcpy(o->path, path, path_len);
	o->path[path_len] = 0;
	o->is_pod = is_pod;
	o->info.cgroup = o->path;
	memcpy(o->info.pod_uid, pp->pod_uid, sizeof(o->info.pod_uid));
	if (!is_pod) {
		memcpy(o->info.container_id, pp->container_id, sizeof(o->info.container_id));
		o->info.runtime = pp->runtime;
		for (size_t i = 0; i < c->nr_hints; i++)
			if (!strcmp(c->hints[i].id, name)) {
				if (!o->info.runtime)
					o->info.runtime = c->hints[i].runtime;
				c->hints[i] = c->hints[--c->nr_hints];
				break;
			}
	}
	o->info.qos = pp->qos;
	o->info.driver = pp->driver;
	o->first_ts = ts;
	o->existing = existing;
	*slot = o;
	c->nr_objs++;
	o->prev = c->objs_tail;
	if (c->objs_tail)
		c->objs_tail->next = o;
	else
		c->objs_head = o;
	c->objs_tail = o;
	o->announced = !existing && !announce_owed;
	if (!existing && announce_owed) {
		o->pending = true;
		o->pprev = c->pend_tail;
		if (c->pend_tail)
			c->pend_tail->pnext = o;
		else
			c->pend_head = o;
		c->pend_tail = o;
	}
	obj_grow(c);
	return o;
}

/* --- names (PCG_EV_META) ------------------------------------------------------------------ */

const char *pcg_obj_name(const struct pcg_obj_info *o, unsigned field)
{
	if (!o || field >= PCG_META_NR)
		return NULL;
	if (o->name[field])
		return o->name[field];
	if (o->pod && (field == PCG_META_POD_NAME || field == PCG_META_POD_NAMESPACE))
		return o->pod->name[field];
	return NULL;
}

static void names_from_event(struct names *n, const struct pcg_event *ev)
{
	memset(n, 0, sizeof(*n));
	for (unsigned f = 0; f < PCG_META_NR; f++) {
		size_t size;
		char *dst = names_slot(n, f, &size);
		size_t len = ev->meta_len[f] < size ? ev->meta_len[f] : size - 1;

		memcpy(dst, ev->meta[f], len);
		dst[len] = 0;
	}
	n->ctype = ev->ctype;
	n->trunc = ev->flags & PCG_F_TRUNC;
}

/* Fills what @o does not know yet from @src (a pod takes the pod's fields only). */
static void names_merge(struct obj *o, const struct names *src)
{
	unsigned nf = o->is_pod ? PCG_META_POD_NAMESPACE + 1 : PCG_META_NR;

	if (!o->names) {
		o->names = calloc(1, sizeof(*o->names));
		if (!o->names)
			return;
	}
	for (unsigned f = 0; f < nf; f++) {
		size_t size;
		char *dst = names_slot(o->names, f, &size);
		const char *from = names_slot((struct names *)src, f, &size);

		if (!dst[0] && from[0]) {
			memcpy(dst, from, size);
			if (f == PCG_META_IMAGE)
				o->names->trunc = src->trunc;
		}
		o->info.name[f] = dst[0] ? dst : NULL;
	}
	if (!o->is_pod && !o->names->ctype)
		o->names->ctype = src->ctype;
	o->info.ctype = o->names->ctype;
}

static void meta_stash(struct pcg_corr *c, const char *uid, const char *id, const struct names *n)
{
	struct meta_stash *m;

	if (c->nr_metas == c->metas_cap) {
		size_t cap = c->metas_cap ? c->metas_cap * 2 : 16;
		struct meta_stash *nm = c->metas_cap < c->opts.max_cgroups ?
						realloc(c->metas, cap * sizeof(*nm)) :
						NULL;

		if (!nm) {
			c->stats.table_full++;
			return;
		}
		c->metas = nm;
		c->metas_cap = cap;
	}
	m = &c->metas[c->nr_metas++];
	snprintf(m->pod_uid, sizeof(m->pod_uid), "%s", uid);
	snprintf(m->id, sizeof(m->id), "%s", id);
	m->names = *n;
}

/* A new pod or container takes the names that arrived before its cgroup did. */
static void names_attach(struct pcg_corr *c, struct obj *o)
{
	for (size_t i = 0; i < c->nr_metas;) {
		struct meta_stash *m = &c->metas[i];
		bool match = o->is_pod ? !m->id[0] && !strcmp(m->pod_uid, o->info.pod_uid) :
					 !strcmp(m->id, o->info.container_id);

		if (!match) {
			i++;
			continue;
		}
		if (strcmp(m->pod_uid, o->info.pod_uid)) {
			c->stats.meta_mismatch++;
		} else {
			names_merge(o, &m->names);
			if (o->pod)
				names_merge(o->pod, &m->names);
		}
		*m = c->metas[--c->nr_metas]; /* used: removed */
	}
}

static void meta(struct pcg_corr *c, const struct pcg_event *ev)
{
	struct names n;
	struct obj *o;

	names_from_event(&n, ev);
	if (!ev->container_id[0]) {
		o = *obj_slot(c, true, ev->pod_uid);
		if (o)
			names_merge(o, &n);
		else
			meta_stash(c, ev->pod_uid, "", &n);
		return;
	}
	o = *obj_slot(c, false, ev->container_id);
	if (!o) {
		meta_stash(c, ev->pod_uid, ev->container_id, &n);
		return;
	}
	if (strcmp(o->info.pod_uid, ev->pod_uid)) {
		c->stats.meta_mismatch++;
		return;
	}
	names_merge(o, &n);
	if (o->pod)
		names_merge(o->pod, &n);
}

static int cgroup_add(struct pcg_corr *c, const struct pcg_event *ev)
{
	bool existing = ev->type == PCG_EV_EXISTING_CGROUP;
	struct obj *pod = NULL, *o = NULL;
	struct pcg_cgpath pp;
	struct cg **slot, *cg;
	bool own = false;

	slot = cg_slot(c, ev->hier, ev->cgid);
	if (*slot)
		return 0; /* seen already (scan and ring raced, or a duplicate) */
	if (pcg_cgpath_parse(ev->str, ev->str_len, &pp) < 0)
		return 0;
	if (!pp.pod_uid[0] && !c->opts.all)
		return 0; /* a container outside Kubernetes */
	if (c->nr_cgs >= c->opts.max_cgroups) {
		c->stats.table_full++;
		return 0;
	}

	if (pp.pod_end) {
		/* a pod first met through a container's path was created before we looked */
		pod = obj_get(c, true, &pp, ev->str, pp.pod_end, ev->ts, existing,
			      pp.kind == PCG_CG_POD);
		if (!pod)
			goto oom;
	}
	switch (pp.kind) {
	case PCG_CG_POD:
		o = pod;
		own = true;
		break;
	case PCG_CG_CONTAINER:
	case PCG_CG_CONTAINER_SUB:
		o = obj_get(c, false, &pp, ev->str, pp.container_end, ev->ts, existing,
			    pp.kind == PCG_CG_CONTAINER);
		if (!o)
			goto oom;
		if (!o->pod && pod) {
			o->pod = pod;
			o->info.pod = &pod->info;
			pod->refs++;
		}
		own = pp.kind == PCG_CG_CONTAINER;
		break;
	default:
		return 0; /* kubepods root, QoS level, conmon, unrecognised: nothing to track */
	}

	if (pod)
		names_attach(c, pod);
	if (o != pod)
		names_attach(c, o);
	cg = cg_alloc(c);
	if (!cg)
		goto oom;
	if (!own) {
		cg->sub_path = strndup(ev->str, ev->str_len);
		if (!cg->sub_path) {
			cg_release(c, cg);
			goto oom;
		}
	}
	cg->cgid = ev->cgid;
	cg->hier = ev->hier;
	cg->own = own;
	cg->obj = o;
	*slot = cg;
	c->nr_cgs++;
	cg_grow(c);
	if (own) {
		unsigned i;

		/* one id per hierarchy: a cgroup made again under the same name replaces it */
		for (i = 0; i < o->info.nr_ids && o->info.ids[i].hier != ev->hier; i++)
			;
		if (i < PCG_MAX_HIER) {
			o->info.ids[i].hier = ev->hier;
			o->info.ids[i].cgid = ev->cgid;
			if (i == o->info.nr_ids)
				o->info.nr_ids++;
		}
		if (ev->hier < 64)
			o->seen_mask |= 1ull << ev->hier;
		o->live_cgs++;
	} else {
		o->refs++; /* a sub-cgroup keeps its container */
	}
	if (o->pending && (o->seen_mask & c->opts.traced_hier_mask) == c->opts.traced_hier_mask)
		return announce(c, o, ev->ts);
	return 0;
oom:
	c->stats.table_full++;
	return 0;
}

static int cgroup_remove(struct pcg_corr *c, const struct pcg_event *ev)
{
	struct cg **slot = cg_slot(c, ev->hier, ev->cgid);
	struct cg *cg = *slot;
	struct pcg_out out = { 0 };
	struct obj *o;
	int err = 0;

	if (!cg)
		return 0;
	o = cg->obj;
	*slot = cg->hnext;
	c->nr_cgs--;
	if (!cg->own) {
		cg_release(c, cg);
		o->refs--;
		obj_maybe_free(c, o);
		return 0;
	}
	cg_release(c, cg);
	err = announce(c, o, ev->ts);
	if (!err && !o->removed) {
		o->removed = true;
		out.kind = o->is_pod ? PCG_OUT_POD_REMOVE : PCG_OUT_CONTAINER_REMOVE;
		out.ts = ev->ts;
		out.obj = &o->info;
		err = emit(c, &out);
	}
	o->live_cgs--;
	obj_maybe_free(c, o);
	return err;
}

/* --- processes ------------------------------------------------------------------------- */

static struct obj *task_container(struct pcg_corr *c, const struct pcg_task *t)
{
	struct cg *cg = cg_find(c, 0, t->cg_dfl);

	if (cg && cg->obj && !cg->obj->is_pod)
		return cg->obj;
	if (c->opts.key_v1_hier && t->cg_v1) {
		cg = cg_find(c, c->opts.key_v1_hier, t->cg_v1);
		if (cg && cg->obj && !cg->obj->is_pod)
			return cg->obj;
	}
	return NULL;
}

static bool same_start(const struct proc *p, const struct pcg_task *t, bool coarse)
{
	__u64 d;

	if (!p->coarse && !coarse)
		return p->start_ns == t->start_ns;
	d = p->start_ns > t->start_ns ? p->start_ns - t->start_ns : t->start_ns - p->start_ns;
	return d <= COARSE_START_SLACK_NS;
}

static void proc_set_ctr(struct pcg_corr *c, struct proc *p, struct obj *ctr)
{
	if (p->ctr == ctr)
		return;
	if (ctr)
		ctr->refs++;
	if (p->ctr) {
		struct obj *old = p->ctr;

		p->ctr = ctr;
		old->refs--;
		obj_maybe_free(c, old);
	}
	p->ctr = ctr;
}

/* The process entry for @t, a new one if the pid was reused.  NULL when the table is full. */
static struct proc *proc_upsert(struct pcg_corr *c, const struct pcg_task *t, struct obj *ctr,
				bool coarse)
{
	struct proc **pp = proc_slot(c, t->tgid), *p = *pp;

	if (p && !same_start(p, t, coarse)) {
		proc_unlink(c, pp); /* the pid was reused */
		pp = proc_slot(c, t->tgid);
		p = NULL;
	}
	if (!p) {
		if (c->nr_procs >= c->opts.max_procs) {
			c->stats.table_full++;
			return NULL;
		}
		p = proc_alloc(c);
		if (!p) {
			c->stats.table_full++;
			return NULL;
		}
		p->tgid = t->tgid;
		p->start_ns = t->start_ns;
		p->coarse = coarse;
		*pp = p;
		c->nr_procs++;
		proc_grow(c);
	} else if (p->coarse && !coarse) {
		p->start_ns = t->start_ns;
		p->coarse = false;
	}
	p->task = *t;
	proc_set_ctr(c, p, ctr);
	return p;
}

/* A runtime's init process waiting in a created-but-not-started container. */
static bool is_runtime_comm(const struct pcg_task *t)
{
	/* exact forms only: runc's stages are "runc:[0:PARENT]", "runc:[1:CHILD]",
	 * "runc:[2:INIT]"; the runtimes themselves "runc", "crun", and "exe" for a runc
	 * started through /proc/self/exe.  A workload named "runc-exporter" is a workload. */
	return strncmp(t->comm, "runc:[", 6) == 0 || strcmp(t->comm, "runc") == 0 ||
	       strcmp(t->comm, "crun") == 0 || strcmp(t->comm, "exe") == 0;
}

/* runc (and runc exec) re-executes itself inside the container's cgroup before the
 * container's own process runs, as /proc/self/exe or as a sealed copy of itself through
 * /dev/fd/N or /proc/self/fd/N: that exec does not start the container. */
static bool is_runtime_reexec(const struct pcg_event *ev)
{
	static const char *const prefixes[] = { "/proc/self/", "/dev/fd/", "/proc/thread-self/" };

	if (!is_runtime_comm(&ev->task))
		return false;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (ev->str_len >= strlen(prefixes[i]) &&
		    !memcmp(ev->str, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

static struct exited *exited_at(const struct pcg_corr *c, size_t age)
{
	return &c->exited[(c->exited_head + c->exited_cap - 1 - age) % c->exited_cap];
}

static __s32 *exited_bucket(const struct pcg_corr *c, __u32 tgid, __u64 start_ns)
{
	return &c->exited_hash[mix64(start_ns * 0x9e3779b97f4a7c15ull ^ tgid) & (c->exited_cap - 1)];
}

static void exited_link(struct pcg_corr *c, size_t slot)
{
	struct exited *e = &c->exited[slot];
	__s32 *b = exited_bucket(c, e->tgid, e->start_ns);

	e->hnext = *b;
	*b = (__s32)slot;
	e->used = true;
}

static void exited_unlink(struct pcg_corr *c, size_t slot)
{
	struct exited *e = &c->exited[slot];
	__s32 *pp = exited_bucket(c, e->tgid, e->start_ns);

	while (*pp >= 0 && *pp != (__s32)slot)
		pp = &c->exited[*pp].hnext;
	if (*pp >= 0)
		*pp = e->hnext;
	e->used = false;
}

/* Room for one more recent exit: grow while the oldest is still within the window. */
static void exited_make_room(struct pcg_corr *c, __u64 ts)
{
	size_t cap = c->exited_cap ? c->exited_cap * 2 : EXIT_DEDUP_MIN;
	struct exited *n;
	__s32 *nh;

	if (c->nr_exited < c->exited_cap)
		return;
	if (c->exited_cap &&
	    (__s64)(ts - exited_at(c, c->nr_exited - 1)->ts) > (__s64)EXIT_DEDUP_NS)
		goto overwrite;
	if (c->exited_cap >= EXIT_DEDUP_MAX || !(n = calloc(cap, sizeof(*n)))) {
		c->stats.table_full++;
		goto overwrite;
	}
	if (!(nh = malloc(cap * sizeof(*nh)))) {
		free(n);
		c->stats.table_full++;
		goto overwrite;
	}
	for (size_t i = 0; i < c->nr_exited; i++) /* oldest first */
		n[i] = *exited_at(c, c->nr_exited - 1 - i);
	free(c->exited);
	free(c->exited_hash);
	c->exited = n;
	c->exited_hash = nh;
	c->exited_cap = cap;
	c->exited_head = c->nr_exited;
	memset(nh, 0xff, cap * sizeof(*nh));
	for (size_t i = 0; i < c->nr_exited; i++)
		exited_link(c, i);
	return;
overwrite:
	if (c->nr_exited)
		c->nr_exited--; /* the oldest slot is the one written next */
}

/* True if this process's exit was seen already; otherwise remembers it.  A hash lookup: a
 * scan of the window cost 300 comparisons per exit at 3,000 exits/s. */
static bool recently_exited(struct pcg_corr *c, const struct pcg_task *t, __u64 ts)
{
	if (c->exited_cap && t->tgid)
		for (__s32 i = *exited_bucket(c, t->tgid, t->start_ns); i >= 0;
		     i = c->exited[i].hnext) {
			const struct exited *e = &c->exited[i];

			if (e->tgid == t->tgid && e->start_ns == t->start_ns &&
			    (__s64)(ts - e->ts) <= (__s64)EXIT_DEDUP_NS)
				return true;
		}
	exited_make_room(c, ts);
	if (c->nr_exited < c->exited_cap) {
		if (c->exited[c->exited_head].used)
			exited_unlink(c, c->exited_head);
		c->exited[c->exited_head] =
			(struct exited){ .tgid = t->tgid, .start_ns = t->start_ns, .ts = ts };
		exited_link(c, c->exited_head);
		c->exited_head = (c->exited_head + 1) % c->exited_cap;
		c->nr_exited++;
	}
	return false;
}

/* Emits a process record, announcing its container first.  Only what is reported does:
 * the runtime's own forks and execs happen while it is still creating the container's
 * cgroups in the other hierarchies, and must not cut that wait short. */
static int emit_about(struct pcg_corr *c, struct obj *ctr, struct pcg_out *out)
{
	int err = ctr ? announce(c, ctr, out->ts) : 0;

	return err ? err : emit(c, out);
}

static int task_event(struct pcg_corr *c, const struct pcg_event *ev)
{
	struct obj *ctr = task_container(c, &ev->task);
	struct pcg_out out = { 0 };
	struct proc **pp;
	int err;

	if (ev->type == PCG_EV_CGROUP_ATTACH) {
		struct cg *dst = cg_find(c, ev->hier, ev->cgid);

		if (dst && dst->obj && !dst->obj->is_pod)
			proc_upsert(c, &ev->task, dst->obj, false);
		return 0;
	}
	pp = proc_slot(c, ev->task.tgid);
	if (ev->type == PCG_EV_EXIT && !ctr && *pp && same_start(*pp, &ev->task, false))
		ctr = (*pp)->ctr; /* left its container's cgroup before exiting */
	if (!ctr && !c->opts.all) {
		if (ev->type == PCG_EV_EXIT && *pp && same_start(*pp, &ev->task, false))
			proc_unlink(c, pp);
		return 0;
	}
	out.ts = ev->ts;
	out.obj = ctr ? &ctr->info : NULL;
	out.task = &ev->task;
	switch (ev->type) {
	case PCG_EV_FORK:
		proc_upsert(c, &ev->task, ctr, false);
		return 0;
	case PCG_EV_EXISTING_TASK:
		proc_upsert(c, &ev->task, ctr, true);
		if (ctr && !is_runtime_comm(&ev->task))
			ctr->started = true;
		return 0;
	case PCG_EV_EXEC: {
		struct proc *p = proc_upsert(c, &ev->task, ctr, false);

		/* the runtime re-executing itself on its way into the container is plumbing,
		 * not a process of the workload: not reported, and not the start */
		if (ctr && is_runtime_reexec(ev))
			return 0;
		if (p) {
			p->workload = true;
			free(p->cmdline); /* a new program, a new command line */
			p->cmdline = NULL;
		}
		out.kind = PCG_OUT_EXEC;
		if (ctr && !ctr->started) {
			ctr->started = true;
			out.kind = PCG_OUT_CONTAINER_START;
		}
		out.filename = ev->str;
		out.filename_len = ev->str_len;
		return emit_about(c, ctr, &out);
	}
	case PCG_EV_EXIT: {
		bool known = *pp && same_start(*pp, &ev->task, false);

		/* A multithreaded process's last two threads can both see the thread count at
		 * zero when the tracepoint fires: one exit per process, not per thread. */
		if (recently_exited(c, &ev->task, ev->ts))
			return 0;
		out.kind = PCG_OUT_EXIT;
		out.exit_status = ev->exit_status;
		/* runc's bootstrap stages (runc:[0:PARENT], runc:[1:CHILD]) exit inside the
		 * cgroup on every create and exec: runtime plumbing, not the workload */
		err = ctr && is_runtime_comm(&ev->task) && !(known && (*pp)->workload) ?
			      0 :
			      emit_about(c, ctr, &out);
		pp = proc_slot(c, ev->task.tgid);
		if (*pp && same_start(*pp, &ev->task, false))
			proc_unlink(c, pp);
		return err;
	}
	default:
		return 0;
	}
}

static void hint(struct pcg_corr *c, const struct pcg_event *ev)
{
	struct obj *o = *obj_slot(c, false, ev->container_id);
	struct hint *h = NULL;

	if (ev->runtime == PCG_RT_UNKNOWN || ev->runtime >= _PCG_RT_MAX)
		return;
	if (o) {
		if (!o->info.runtime)
			o->info.runtime = ev->runtime;
		return;
	}
	for (size_t i = 0; i < c->nr_hints && !h; i++)
		if (!strcmp(c->hints[i].id, ev->container_id))
			h = &c->hints[i];
	if (!h && c->nr_hints == c->hints_cap) {
		size_t cap = c->hints_cap ? c->hints_cap * 2 : 16;
		struct hint *n = c->hints_cap < MAX_HINTS && c->hints_cap < c->opts.max_cgroups ?
					 realloc(c->hints, cap * sizeof(*n)) :
					 NULL;

		if (!n) {
			c->stats.table_full++;
			return;
		}
		c->hints = n;
		c->hints_cap = cap;
	}
	if (!h)
		h = &c->hints[c->nr_hints++];
	memcpy(h->id, ev->container_id, sizeof(h->id));
	h->runtime = ev->runtime;
}

/* The command line of a process the scan found: kept with it until its next exec. */
static void task_info(struct pcg_corr *c, const struct pcg_event *ev)
{
	struct proc *p = *proc_slot(c, ev->task.tgid);
	char *s;

	if (!p || !same_start(p, &ev->task, true))
		return;
	s = malloc(ev->str_len + 1);
	if (!s) {
		c->stats.table_full++;
		return;
	}
	memcpy(s, ev->str, ev->str_len);
	s[ev->str_len] = 0;
	free(p->cmdline);
	p->cmdline = s;
	p->cmdline_len = ev->str_len;
	p->cmdline_cut = ev->flags & PCG_F_TRUNC;
}

/* The processes of @pids (sorted), for a container_existing record; NULL if out of memory. */
static struct pcg_out_proc *existing_procs(struct pcg_corr *c, const __u32 *pids, size_t n)
{
	struct pcg_out_proc *r = calloc(n ? n : 1, sizeof(*r));

	for (size_t i = 0; r && i < n; i++) {
		const struct proc *p = *proc_slot(c, pids[i]);

		r[i].task = &p->task;
		r[i].cmdline = p->cmdline;
		r[i].cmdline_len = p->cmdline_len;
		r[i].cmdline_cut = p->cmdline_cut;
	}
	return r;
}

/* Start-up scan members: sorted by container, then pid. */
static int member_cmp(const void *a, const void *b)
{
	const struct proc *p = *(const struct proc *const *)a, *q = *(const struct proc *const *)b;

	if (p->ctr != q->ctr)
		return p->ctr < q->ctr ? -1 : 1;
	return p->tgid < q->tgid ? -1 : p->tgid > q->tgid;
}

/* One container_existing per container the scan found, with its processes.  One pass over the
 * process table, then a sort: linear in containers + processes (a walk of the whole table per
 * container made a start-up next to 6,500 containers take 7 s). */
static int scan_done(struct pcg_corr *c, const struct pcg_event *ev)
{
	struct pcg_out out = { 0 };
	struct proc **mem = NULL;
	__u32 *pids = NULL;
	size_t n_mem = 0, cap = 0;
	int err = 0;

	for (size_t b = 0; b < c->proc_buckets; b++)
		for (struct proc *p = c->proc_tab[b]; p; p = p->hnext) {
			if (!p->ctr || !p->ctr->existing || p->ctr->announced || p->ctr->is_pod)
				continue;
			if (n_mem == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				struct proc **nm = realloc(mem, ncap * sizeof(*nm));

				if (!nm)
					goto sorted; /* what fits is still reported */
				mem = nm;
				cap = ncap;
			}
			mem[n_mem++] = p;
		}
sorted:
	if (n_mem)
		qsort(mem, n_mem, sizeof(*mem), member_cmp);
	pids = n_mem ? malloc(n_mem * sizeof(*pids)) : NULL;
	for (struct obj *o = c->objs_head; o && !err; o = o->next) {
		size_t n = 0, lo = 0, hi = n_mem;
		struct proc *rep = NULL;

		if (!o->existing || o->announced)
			continue;
		o->announced = true;
		if (o->is_pod)
			continue;
		while (lo < hi) { /* first member of o */
			size_t mid = lo + (hi - lo) / 2;

			if (mem[mid]->ctr < o)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < n_mem && mem[i]->ctr == o && pids; i++) {
			struct proc *p = mem[i];

			pids[n++] = p->tgid;
			/* the container's init: pid 1 of its pid namespace, else the oldest, else
			 * the lowest pid */
			if (!rep || (p->task.nspid == 1 && rep->task.nspid != 1) ||
			    ((p->task.nspid == 1) == (rep->task.nspid == 1) &&
			     p->start_ns < rep->start_ns))
				rep = p;
		}
		out.kind = PCG_OUT_CONTAINER_EXISTING;
		out.ts = ev->ts;
		out.obj = &o->info;
		out.task = rep ? &rep->task : NULL;
		out.pids = pids;
		out.nr_pids = n;
		out.procs = existing_procs(c, pids, n);
		out.nr_procs = out.procs ? n : 0;
		err = emit(c, &out);
		free((void *)out.procs);
	}
	free(mem);
	free(pids);
	return err;
}

int pcg_corr__feed(struct pcg_corr *c, const struct pcg_event *ev)
{
	struct pcg_out out = { 0 };
	int err;

	c->stats.events++;
	err = flush_due(c, ev->ts);
	if (err)
		return err;
	switch (ev->type) {
	case PCG_EV_CGROUP_MKDIR:
	case PCG_EV_EXISTING_CGROUP:
		return cgroup_add(c, ev);
	case PCG_EV_CGROUP_RMDIR:
		return cgroup_remove(c, ev);
	case PCG_EV_CGROUP_ATTACH:
	case PCG_EV_FORK:
	case PCG_EV_EXEC:
	case PCG_EV_EXIT:
	case PCG_EV_EXISTING_TASK:
		return task_event(c, ev);
	case PCG_EV_SCAN_DONE:
		return scan_done(c, ev);
	case PCG_EV_LOST:
		out.kind = PCG_OUT_LOST;
		out.ts = ev->ts;
		out.lost = ev->lost;
		return emit(c, &out);
	case PCG_EV_TICK:
		return 0;
	case PCG_EV_HINT:
		hint(c, ev);
		return 0;
	case PCG_EV_META:
		meta(c, ev);
		return 0;
	case PCG_EV_TASK_INFO:
		task_info(c, ev);
		return 0;
	default:
		c->stats.bad_events++;
		return 0;
	}
}

static int snap_cgroup(const struct cg *cg, __u64 ts, pcg_raw_fn fn, void *ctx)
{
	const char *path = cg->own ? cg->obj->path : cg->sub_path;
	size_t n = strlen(path);
	union pcg_enc_buf b;

	if (n >= PCG_PATH_MAX)
		return 0;
	return fn(ctx, &b,
		  pcg_enc_cgroup(&b, PCG_EV_EXISTING_CGROUP, ts, cg->cgid, cg->hier, 0, 0, path,
				 n));
}

/* The names of @o as a PCG_EV_META record, once per object (before its first own cgroup). */
static int snap_meta(const struct cg *cg, __u64 ts, pcg_raw_fn fn, void *ctx)
{
	const struct obj *o = cg->obj;
	const char *str[PCG_META_NR];
	size_t len[PCG_META_NR], size;
	union pcg_enc_buf b;

	if (!o->names || !o->info.nr_ids || !o->info.pod_uid[0] ||
	    o->info.ids[0].hier != cg->hier || o->info.ids[0].cgid != cg->cgid)
		return 0;
	for (unsigned f = 0; f < PCG_META_NR; f++) {
		str[f] = names_slot(o->names, f, &size);
		len[f] = strlen(str[f]);
	}
	return fn(ctx, &b,
		  pcg_enc_meta(&b, ts, o->info.pod_uid, o->is_pod ? "" : o->info.container_id,
			       o->names->ctype, 0, o->names->trunc, str, len));
}

int pcg_corr__snapshot(const struct pcg_corr *c, __u64 ts, pcg_raw_fn fn, void *ctx)
{
	union pcg_enc_buf b;
	int err = 0;

	/* pods first, then containers, then sub-cgroups: parents before children; a container's
	 * runtime learnt from a hint travels with it, right before its cgroup */
	for (int pass = 0; pass < 3 && !err; pass++)
		for (size_t i = 0; i < c->cg_buckets && !err; i++)
			for (const struct cg *cg = c->cg_tab[i]; cg && !err; cg = cg->hnext) {
				int want = cg->obj->is_pod ? 0 : cg->own ? 1 : 2;

				if (want != pass)
					continue;
				if (pass < 2)
					err = snap_meta(cg, ts, fn, ctx);
				if (!err && pass == 1 && cg->obj->info.runtime)
					err = fn(ctx, &b,
						 pcg_enc_hint(&b, ts, cg->obj->info.runtime,
							      cg->obj->info.container_id));
				if (!err)
					err = snap_cgroup(cg, ts, fn, ctx);
			}
	for (size_t i = 0; i < c->proc_buckets && !err; i++)
		for (const struct proc *p = c->proc_tab[i]; p && !err; p = p->hnext)
			if (p->ctr) {
				err = fn(ctx, &b,
					 pcg_enc_task(&b, PCG_EV_EXISTING_TASK, ts, &p->task));
				if (!err && p->cmdline)
					err = fn(ctx, &b,
						 pcg_enc_task_info(&b, ts, p->tgid, p->start_ns,
								   p->cmdline, p->cmdline_len,
								   p->cmdline_cut));
			}
	return err ? err : fn(ctx, &b, pcg_enc_mark(&b, PCG_EV_SCAN_DONE, ts));
}

bool pcg_corr__runtime_known(const struct pcg_corr *c, const char *container_id)
{
	const struct obj *o = *obj_slot((struct pcg_corr *)c, false, container_id);

	if (o)
		return o->info.runtime != PCG_RT_UNKNOWN;
	for (size_t i = 0; i < c->nr_hints; i++)
		if (!strcmp(c->hints[i].id, container_id))
			return true;
	return false;
}

void pcg_corr__stats(const struct pcg_corr *c, struct pcg_corr_stats *ret)
{
	*ret = c->stats;
	ret->cgroups = c->nr_cgs;
	ret->objects = c->nr_objs;
	ret->procs = c->nr_procs;
}

void pcg_corr__free(struct pcg_corr *c)
{
	if (!c)
		return;
	if (c->cg_tab)
		for (size_t b = 0; b < c->cg_buckets; b++)
			while (c->cg_tab[b]) {
				struct cg *cg = c->cg_tab[b];

				c->cg_tab[b] = cg->hnext;
				cg_free(cg);
			}
	if (c->proc_tab)
		for (size_t b = 0; b < c->proc_buckets; b++)
			while (c->proc_tab[b]) {
				struct proc *p = c->proc_tab[b];

				c->proc_tab[b] = p->hnext;
				proc_free(p);
			}
	while (c->objs_head) {
		struct obj *o = c->objs_head;

		c->objs_head = o->next;
		free(o->names);
		free(o->path);
		free(o);
	}
	while (c->proc_pool) {
		struct proc *p = c->proc_pool;

		c->proc_pool = p->hnext;
		free(p);
	}
	while (c->cg_pool) {
		struct cg *cg = c->cg_pool;

		c->cg_pool = cg->hnext;
		free(cg);
	}
	free(c->cg_tab);
	free(c->proc_tab);
	free(c->obj_tab);
	free(c->hints);
	free(c->metas);
	free(c->exited);
	free(c->exited_hash);
	free(c);
}
