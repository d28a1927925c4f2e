/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* correlate.c - the correlator: cgroups <-> pods <-> containers <-> processes (pure). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "encode.h"
#include "decode.h"
#include "hash.h"

#define DEFAULT_GRACE_NS (2000ull * 1000 * 1000)
/* 100,000 containers and 1,000,000 processes fit (README, "Memory"); the byte budget is
 * the bound that holds whatever the input */
#define DEFAULT_MAX_CGROUPS (1u << 20)
#define DEFAULT_MAX_PROCS   (1u << 20)
#define DEFAULT_MAX_MEM	    (512u << 20)
/* a process's last threads report their exits within microseconds of each other */
#define EXIT_DEDUP_NS  (100ull * 1000 * 1000)
#define EXIT_DEDUP_MIN 256
#define EXIT_DEDUP_MAX 65536
/* the pod and container table starts this small and doubles past one entry per bucket */
#define OBJ_MIN_BUCKETS 256
#define POOL_MAX	4096
#define TAB_MIN_BUCKETS 256
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
	__u64 hash;		   /* obj_hash() of its name */
	struct obj *next, *prev;   /* all objects, in creation order */
	struct obj *pnext, *pprev; /* pending announcement, in creation order */
	struct obj *pod;	   /* container -> its pod, NULL outside Kubernetes */
	struct pcg_obj_info info;
	char *path;	     /* owned copy of info.cgroup, in a buffer of path_cap bytes */
	struct names *names; /* NULL until a PCG_EV_META record names it */
	__u64 first_ts;
	__u64 seen_mask;   /* hierarchies whose own cgroup was reported */
	unsigned live_cgs; /* own cgroups (all hierarchies) not removed yet */
	unsigned refs;	   /* processes pointing here */
	bool is_pod;
	bool pending;	/* on the pending list */
	bool announced; /* create/existing emitted (or nothing is owed) */
	bool existing;	/* found by the start-up scan */
	__u16 path_cap;
	unsigned long long seq; /* creation order */
	bool started;
	bool removed;
};

struct cg {
	struct cg *hnext;
	__u64 cgid;
	__u32 hier;
	bool own;	 /* obj's own cgroup (not a sub-cgroup) */
	bool trunc;	 /* its path came cut (PCG_F_TRUNC) */
	__u16 sub_cap;	 /* sub_path's buffer, kept with the entry in the pool (even if own) */
	unsigned gen;	 /* the rescan generation that last saw it */
	__u32 level;	 /* depth below the hierarchy root, as the kernel said */
	struct obj *obj; /* pod or container, NULL for kubepods / QoS / unrecognised levels */
	char *sub_path;	 /* a sub-cgroup's own path (an own cgroup's is obj->path) */
};

static size_t cg_bytes(const struct cg *cg)
{
	return sizeof(*cg) + (cg->own ? 0 : strlen(cg->sub_path) + 1);
}

struct proc {
	struct proc *hnext;
	__u32 tgid;
	bool coarse; /* start time from /proc, tick resolution */
	__u64 start_ns;
	struct obj *ctr;
	bool workload; /* exec'd something other than the runtime's own re-exec */
	bool cmdline_cut;
	unsigned gen;	      /* the rescan generation that last saw it */
	struct pcg_task task; /* as last seen */
	char *cmdline;	      /* PCG_EV_TASK_INFO, until the next exec; NULL if unknown */
	size_t cmdline_len;
};

/* Freed entries of one size wait here for reuse (chained through their first 8 bytes), up
 * to max of them: a churn allocates nothing per event, and a burst's memory still goes back.
 * One pool each for processes, cgroups, pods, containers, names and the stashed hints and
 * names.  Entries of a pool with buf_off set keep a string buffer (the char * at buf_off, its
 * __u16 size at cap_off) through the pool: a pod's, container's or sub-cgroup's path, which
 * buf_set() reuses when the next one fits. */
struct pool {
	void *head;
	size_t n, max;
	size_t buf_off, cap_off; /* 0: no buffer (an entry's first 8 bytes chain the pool) */
};

static char **pool_buf(const struct pool *pl, void *e)
{
	return (char **)((char *)e + pl->buf_off);
}

static __u16 *pool_cap(const struct pool *pl, void *e)
{
	return (__u16 *)((char *)e + pl->cap_off);
}

/* A zeroed entry of @size bytes (with the buffer it kept, if any), or NULL. */
static void *pool_get(struct pool *pl, size_t size)
{
	void **e = pl->head;
	char *buf = NULL;
	__u16 cap = 0;

	if (!e)
		return calloc(1, size);
	pl->head = *e;
	pl->n--;
	if (pl->buf_off) {
		buf = *pool_buf(pl, e);
		cap = *pool_cap(pl, e);
	}
	memset(e, 0, size);
	if (pl->buf_off) {
		*pool_buf(pl, e) = buf;
		*pool_cap(pl, e) = cap;
	}
	return e;
}

static void pool_put(struct pool *pl, void *e)
{
	if (!e)
		return;
	if (pl->n >= pl->max) {
		if (pl->buf_off)
			free(*pool_buf(pl, e));
		free(e);
		return;
	}
	*(void **)e = pl->head;
	pl->head = e;
	pl->n++;
}

/* Frees the pooled entries and their buffers; the pool takes no more entries. */
static void pool_free(struct pool *pl)
{
	while (pl->head) {
		void **e = pl->head;

		pl->head = *e;
		if (pl->buf_off)
			free(*pool_buf(pl, e));
		free(e);
	}
	pl->n = pl->max = 0;
}

/* Sets *@buf, a string buffer of *@cap bytes kept with a pooled entry, to @s (@len bytes): a
 * new buffer only when @s does not fit (a pod's or container's path has the same length as
 * the last one's, mostly, so a churn reuses them). */
static bool buf_set(char **buf, __u16 *cap, const char *s, size_t len)
{
	if (*cap < len + 1) {
		/* all of the heap chunk it takes (glibc's: 16-byte steps, 8 of them its size) */
		size_t ncap = ((len + 1 + 8 + 15) & ~(size_t)15) - 8;

		if (ncap > UINT16_MAX)
			return false;
		free(*buf);
		*cap = 0;
		*buf = malloc(ncap);
		if (!*buf)
			return false;
		*cap = ncap;
	}
	memcpy(*buf, s, len);
	(*buf)[len] = 0;
	return true;
}

/* A chained hash table of stashed records (hints, names) that grows with the load: entries
 * start with struct sent; same-key entries stay in arrival order. */
struct sent {
	struct sent *hnext;
	__u64 hash;
	struct sent *fnext, *fprev; /* the table's entries in arrival order */
	__u64 ts;		    /* of the record it stashes */
};

/* What is stashed is for a pod or container whose cgroup comes next (a hint is fed right
 * before its mkdir, the names of a first lookup too).  An entry no cgroup came for within
 * STASH_TTL_NS (names found by a retry after the container was removed, a hint for a mkdir
 * that was lost) goes, oldest first: stashes hold what arrives in that time, not all that
 * ever did. */
#define STASH_TTL_NS (10000ull * 1000 * 1000)

struct stab {
	struct sent **tab;
	size_t buckets, nr;
	size_t esize;		    /* the size of its entries (all of one type) */
	struct sent *fhead, *ftail; /* oldest, newest */
	struct pool pool;	    /* its freed entries */
};

struct hint {
	struct sent h;
	char id[PCG_CONTAINER_ID_LEN + 1];
	enum pcg_runtime runtime;
};

struct meta_stash {
	struct sent h;
	bool pod; /* the pod's own record (id "") */
	char pod_uid[PCG_POD_UID_LEN + 1];
	char id[PCG_CONTAINER_ID_LEN + 1];
	struct names names;
};

struct pcg_corr {
	struct pcg_corr_opts opts;
	pcg_out_fn fn;
	void *ctx;
	struct pcg_corr_stats stats;

	size_t mem;	/* bytes held by the tables' entries and strings */
	unsigned gen;	/* rescan generation (PCG_F_RESCAN records) */
	bool in_rescan; /* between a rescan's first record and its PCG_EV_SCAN_DONE */
	size_t nr_objs;
	unsigned long long obj_seq;
	/* The cgroup and process tables start small and double past one entry per bucket, up
	 * to *_vbuckets (a quarter of their entry limits).  What walks them (a rescan's sweep, a
	 * snapshot) goes in the order of a table of *_vbuckets buckets, whatever their size. */
	struct cg **cg_tab;
	size_t cg_buckets, cg_vbuckets, nr_cgs;
	struct proc **proc_tab;
	size_t proc_buckets, proc_vbuckets, nr_procs;
	struct obj **obj_tab;
	size_t obj_buckets;
	struct obj *objs_head, *objs_tail;
	struct obj *pend_head, *pend_tail;
	/* Runtimes learnt before their container's mkdir (PCG_EV_HINT), until it comes, by
	 * container id; names learnt before their pod's or container's mkdir (PCG_EV_META), by
	 * obj_hash() of the object they name.  Hashed (O(1) a lookup however many wait), each
	 * bounded by max_cgroups entries and the byte budget; past that, dropped and counted. */
	struct stab hints, metas;
	/* The last paths parsed (cgpath.h), shared with the live side (pcg_corr__path_memo). */
	struct pcg_cgpath_memo memo;
	struct pool proc_pool, cg_pool, obj_pool[2], names_pool; /* obj_pool[is_pod] */
	/* The processes reported as exited in the last EXIT_DEDUP_NS, newest last, in a ring that
	 * grows while it holds only such recent exits, up to EXIT_DEDUP_MAX; an exit pushed out
	 * earlier than that is counted. */
	struct exited {
		__u32 tgid;
		__s32 hnext; /* next slot in its hash chain, -1 at the end */
		__s32 hprev; /* previous slot in it, -1 at its head: unlinked in O(1) */
		bool linked; /* in a hash chain */
		__u64 start_ns, ts;
	} * exited;
	size_t exited_cap, nr_exited, exited_head; /* head: the slot written next */
	__s32 *exited_hash; /* exited_cap chains (a power of two): a lookup is O(1), not O(n) */
};

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

static size_t pow2_at_least(size_t n)
{
	size_t p = 64;

	while (p < n)
		p <<= 1;
	return p;
}

/* Names are 36 or 64 bytes. */
static __u64 str_hash(const char *s)
{
	return pcg_hash_bytes(s, strlen(s));
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
	if (!c->opts.max_mem)
		c->opts.max_mem = DEFAULT_MAX_MEM;
	c->fn = fn;
	c->ctx = ctx;
	c->cg_vbuckets = pow2_at_least(c->opts.max_cgroups / 4);
	c->proc_vbuckets = pow2_at_least(c->opts.max_procs / 4);
	c->cg_buckets = c->cg_vbuckets < TAB_MIN_BUCKETS ? c->cg_vbuckets : TAB_MIN_BUCKETS;
	c->proc_buckets = c->proc_vbuckets < TAB_MIN_BUCKETS ? c->proc_vbuckets : TAB_MIN_BUCKETS;
	c->obj_buckets = OBJ_MIN_BUCKETS;
	c->proc_pool.max = c->cg_pool.max = POOL_MAX;
	c->cg_pool.buf_off = offsetof(struct cg, sub_path);
	c->cg_pool.cap_off = offsetof(struct cg, sub_cap);
	for (int k = 0; k < 2; k++) {
		c->obj_pool[k].max = POOL_MAX / 4;
		c->obj_pool[k].buf_off = offsetof(struct obj, path);
		c->obj_pool[k].cap_off = offsetof(struct obj, path_cap);
	}
	/* a struct names is 1.7 KB */
	c->names_pool.max = c->hints.pool.max = c->metas.pool.max = POOL_MAX / 16;
	c->hints.esize = sizeof(struct hint);
	c->metas.esize = sizeof(struct meta_stash);
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

/* Takes @n bytes from the memory budget; false (and counted) when they do not fit. */
static bool mem_take(struct pcg_corr *c, size_t n)
{
	if (n > c->opts.max_mem - c->mem) {
		c->stats.table_full++;
		return false;
	}
	c->mem += n;
	return true;
}

static void cg_free(struct pcg_corr *c, struct cg *cg)
{
	c->mem -= cg_bytes(cg);
	pool_put(&c->cg_pool, cg);
}

static void proc_free(struct pcg_corr *c, struct proc *p)
{
	free(p->cmdline);
	pool_put(&c->proc_pool, p);
}

static __u64 cg_hash(__u32 hier, __u64 cgid)
{
	return pcg_mix64(cgid ^ ((__u64)hier << 57));
}

static __u64 proc_hash(__u32 tgid)
{
	return pcg_mix64(tgid);
}

/* Doubles a chained table past one entry per bucket, up to @vb buckets, keeping each chain's
 * order (so entries of one of the @vb buckets stay in insertion order). */
#define TAB_GROW(c, tab, buckets, vb, nr, type, hash_of)                                       \
	do {                                                                                   \
		size_t nb_ = (c)->buckets * 2;                                                 \
		type **nt_;                                                                    \
                                                                                               \
		if ((c)->nr <= (c)->buckets || nb_ > (c)->vb ||                                \
		    !(nt_ = calloc(nb_, sizeof(*nt_))))                                        \
			break;                                                                 \
		for (size_t b_ = 0; b_ < (c)->buckets; b_++)                                   \
			while ((c)->tab[b_]) {                                                 \
				type *e_ = (c)->tab[b_], **d_ = &nt_[hash_of(e_) & (nb_ - 1)]; \
                                                                                               \
				(c)->tab[b_] = e_->hnext;                                      \
				while (*d_)                                                    \
					d_ = &(*d_)->hnext;                                    \
				e_->hnext = NULL;                                              \
				*d_ = e_;                                                      \
			}                                                                      \
		free((c)->tab);                                                                \
		(c)->tab = nt_;                                                                \
		(c)->buckets = nb_;                                                            \
	} while (0)
#define CG_HASH_OF(e)	cg_hash((e)->hier, (e)->cgid)
#define PROC_HASH_OF(e) proc_hash((e)->tgid)

static void cg_grow(struct pcg_corr *c)
{
	TAB_GROW(c, cg_tab, cg_buckets, cg_vbuckets, nr_cgs, struct cg, CG_HASH_OF);
}

static void proc_grow(struct pcg_corr *c)
{
	TAB_GROW(c, proc_tab, proc_buckets, proc_vbuckets, nr_procs, struct proc, PROC_HASH_OF);
}

/* A table's entries in the order of its full-size (vbuckets) layout, which is the order of
 * the replays and snapshots made before the tables grew: in each real bucket the entries of
 * one full-size bucket keep their order, so a stable sort by full-size bucket gives it.
 * Returns the entries (n of them; free() the array), or NULL if there are none or no
 * memory for the list (*n then says how many there are). */
struct walk_ent {
	size_t vb, at;
	void *e;
};

static int walk_cmp(const void *a, const void *b)
{
	const struct walk_ent *x = a, *y = b;

	if (x->vb != y->vb)
		return x->vb < y->vb ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

#define TAB_WALK(c, tab, buckets, vb, nr, type, hash_of, n)                                  \
	({                                                                                   \
		struct walk_ent *v_ = (c)->nr ? malloc((c)->nr * sizeof(*v_)) : NULL;        \
		size_t k_ = 0;                                                               \
                                                                                             \
		for (size_t b_ = 0; v_ && b_ < (c)->buckets; b_++)                           \
			for (type *e_ = (c)->tab[b_]; e_ && k_ < (c)->nr; e_ = e_->hnext) {  \
				v_[k_] = (struct walk_ent){ hash_of(e_) & ((c)->vb - 1), k_, \
							    (void *)e_ };                    \
				k_++;                                                        \
			}                                                                    \
		if (v_ && (c)->buckets < (c)->vb && k_ > 1)                                  \
			qsort(v_, k_, sizeof(*v_), walk_cmp);                                \
		*(n) = v_ ? k_ : (c)->nr;                                                    \
		v_;                                                                          \
	})

static struct walk_ent *cg_walk(const struct pcg_corr *c, size_t *n)
{
	return TAB_WALK(c, cg_tab, cg_buckets, cg_vbuckets, nr_cgs, struct cg, CG_HASH_OF, n);
}

static struct walk_ent *proc_walk(const struct pcg_corr *c, size_t *n)
{
	return TAB_WALK(c, proc_tab, proc_buckets, proc_vbuckets, nr_procs, struct proc,
			PROC_HASH_OF, n);
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

static __u64 obj_hash(bool is_pod, const char *name)
{
	return str_hash(name) ^ is_pod;
}

static struct obj **obj_slot_h(struct pcg_corr *c, bool is_pod, const char *name, __u64 h)
{
	struct obj **pp = &c->obj_tab[h & (c->obj_buckets - 1)];

	while (*pp) {
		struct obj *o = *pp;

		if (o->hash == h && o->is_pod == is_pod &&
		    strcmp(is_pod ? o->info.pod_uid : o->info.container_id, name) == 0)
			break;
		pp = &o->hnext;
	}
	return pp;
}

static struct obj **obj_slot(struct pcg_corr *c, bool is_pod, const char *name)
{
	return obj_slot_h(c, is_pod, name, obj_hash(is_pod, name));
}

/* Past one pod or container per bucket, twice the buckets (chain order kept), so that a
 * lookup stays O(1) with 100,000 containers; if that cannot be allocated, longer chains. */
static void obj_grow(struct pcg_corr *c)
{
	size_t nb = c->obj_buckets * 2;
	struct obj **nt;

	if (c->nr_objs <= c->obj_buckets || !(nt = calloc(nb, sizeof(*nt))))
		return;
	for (size_t b = 0; b < c->obj_buckets; b++)
		while (c->obj_tab[b]) {
			struct obj *o = c->obj_tab[b], **d = &nt[o->hash & (nb - 1)];

			c->obj_tab[b] = o->hnext;
			while (*d)
				d = &(*d)->hnext;
			o->hnext = NULL;
			*d = o;
		}
	free(c->obj_tab);
	c->obj_tab = nt;
	c->obj_buckets = nb;
}

/* The first entry of @t's chain for @h, or NULL; walk on with sent_next(). */
static struct sent **stab_chain(struct stab *t, __u64 h)
{
	return t->buckets ? &t->tab[h & (t->buckets - 1)] : NULL;
}

/* Appends @e (hash and ts set) at the end of its chain, growing the table past one entry per
 * bucket.  False (nothing done) when it cannot hold one more. */
static bool stab_add(struct stab *t, struct sent *e)
{
	struct sent **d;

	if (t->nr >= t->buckets) {
		size_t nb = t->buckets ? t->buckets * 2 : 64;
		struct sent **nt = calloc(nb, sizeof(*nt));

		if (!nt && !t->buckets)
			return false;
		for (size_t b = 0; nt && b < t->buckets; b++)
			while (t->tab[b]) {
				struct sent *x = t->tab[b];

				t->tab[b] = x->hnext;
				for (d = &nt[x->hash & (nb - 1)]; *d; d = &(*d)->hnext)
					;
				x->hnext = NULL;
				*d = x;
			}
		if (nt) {
			free(t->tab);
			t->tab = nt;
			t->buckets = nb;
		}
	}
	for (d = &t->tab[e->hash & (t->buckets - 1)]; *d; d = &(*d)->hnext)
		;
	e->hnext = NULL;
	*d = e;
	t->nr++;
	e->fnext = NULL;
	e->fprev = t->ftail;
	if (t->ftail)
		t->ftail->fnext = e;
	else
		t->fhead = e;
	t->ftail = e;
	return true;
}

/* Unlinks the entry *@pp (its chain link) and frees it, giving back its bytes. */
static void stab_del(struct pcg_corr *c, struct stab *t, struct sent **pp)
{
	struct sent *e = *pp;

	*pp = e->hnext;
	if (e->fprev)
		e->fprev->fnext = e->fnext;
	else
		t->fhead = e->fnext;
	if (e->fnext)
		e->fnext->fprev = e->fprev;
	else
		t->ftail = e->fprev;
	t->nr--;
	c->mem -= t->esize;
	pool_put(&t->pool, e);
}

/* Drops the entries stashed more than STASH_TTL_NS before @now (O(1) when none is due). */
static void stab_expire(struct pcg_corr *c, struct stab *t, __u64 now)
{
	while (t->fhead && now > t->fhead->ts && now - t->fhead->ts > STASH_TTL_NS) {
		struct sent *e = t->fhead, **pp = stab_chain(t, e->hash);

		while (*pp != e)
			pp = &(*pp)->hnext;
		stab_del(c, t, pp);
		c->stats.stash_expired++;
	}
}

static void stab_free(struct stab *t)
{
	for (size_t b = 0; b < t->buckets; b++)
		while (t->tab[b]) {
			struct sent *e = t->tab[b];

			t->tab[b] = e->hnext;
			free(e);
		}
	free(t->tab);
	pool_free(&t->pool);
}

/* The hint for @id (its chain link), or NULL. */
static struct sent **hint_find(struct pcg_corr *c, const char *id)
{
	struct sent **pp = stab_chain(&c->hints, obj_hash(false, id));

	while (pp && *pp && strcmp(((struct hint *)*pp)->id, id))
		pp = &(*pp)->hnext;
	return pp && *pp ? pp : NULL;
}

/* Marks a change of @o's info (pcg_obj_info.stamp): one sequence for every correlator. */
static __u64 stamp_seq;

static void touch(struct obj *o)
{
	o->info.stamp = ++stamp_seq;
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
	struct obj **pp = &c->obj_tab[o->hash & (c->obj_buckets - 1)];

	while (*pp && *pp != o)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = o->hnext;
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
	c->mem -= sizeof(*o) + strlen(o->path) + 1;
	c->nr_objs--;
	pool_put(&c->names_pool, o->names);
	pool_put(&c->obj_pool[o->is_pod], o);
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
	c->mem -= sizeof(*p);
	proc_free(c, p);
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
	__u64 h = obj_hash(is_pod, name);
	struct obj **slot = obj_slot_h(c, is_pod, name, h);
	struct obj *o = *slot;

	if (o)
		return o;
	if (c->nr_objs >= c->opts.max_cgroups || !mem_take(c, sizeof(*o) + path_len + 1))
		return NULL;
	o = pool_get(&c->obj_pool[is_pod], sizeof(*o));
	if (!o || !buf_set(&o->path, &o->path_cap, path, path_len)) {
		c->mem -= sizeof(*o) + path_len + 1;
		pool_put(&c->obj_pool[is_pod], o);
		return NULL;
	}
	c->nr_objs++;
	o->seq = c->obj_seq++;
	o->hash = h;
	o->is_pod = is_pod;
	o->info.cgroup = o->path;
	memcpy(o->info.pod_uid, pp->pod_uid, sizeof(o->info.pod_uid));
	if (!is_pod) {
		memcpy(o->info.container_id, pp->container_id, sizeof(o->info.container_id));
		o->info.runtime = pp->runtime;
		struct sent **hp = hint_find(c, name);

		if (hp) {
			if (!o->info.runtime)
				o->info.runtime = ((struct hint *)*hp)->runtime;
			stab_del(c, &c->hints, hp);
		}
	}
	o->info.qos = pp->qos;
	o->info.driver = pp->driver;
	touch(o);
	o->first_ts = ts;
	o->existing = existing;
	*slot = o;
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

/* Path components ('/'-separated, empty ones skipped) in @s. */
static unsigned path_depth(const char *s, size_t len)
{
	unsigned n = 0;

	for (size_t i = 0; i < len; i++)
		if (s[i] != '/' && (i == 0 || s[i - 1] == '/'))
			n++;
	return n;
}

/* Whether @o already has a live own cgroup in hierarchy @hier other than @cgid. */
static bool has_live_own(struct pcg_corr *c, const struct obj *o, __u32 hier, __u64 cgid)
{
	for (unsigned i = 0; i < o->info.nr_ids; i++) {
		const struct cg *cg;

		if (o->info.ids[i].hier != hier || o->info.ids[i].cgid == cgid)
			continue;
		cg = cg_find(c, hier, o->info.ids[i].cgid);
		return cg && cg->own && cg->obj == o;
	}
	return false;
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
static void names_merge(struct pcg_corr *c, struct obj *o, const struct names *src)
{
	unsigned nf = o->is_pod ? PCG_META_POD_NAMESPACE + 1 : PCG_META_NR;

	if (!o->names) {
		o->names = pool_get(&c->names_pool, sizeof(*o->names));
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
	touch(o);
}

static void meta_stash(struct pcg_corr *c, const char *uid, const char *id, const struct names *n,
		       __u64 ts)
{
	struct meta_stash *m;

	if (c->metas.nr >= c->opts.max_cgroups) {
		c->stats.table_full++;
		return;
	}
	if (!mem_take(c, sizeof(*m)))
		return;
	m = pool_get(&c->metas.pool, sizeof(*m));
	if (!m) {
		c->mem -= sizeof(*m);
		c->stats.table_full++;
		return;
	}
	m->pod = !id[0];
	snprintf(m->pod_uid, sizeof(m->pod_uid), "%s", uid);
	snprintf(m->id, sizeof(m->id), "%s", id);
	m->names = *n;
	m->h.hash = obj_hash(m->pod, m->pod ? m->pod_uid : m->id);
	m->h.ts = ts;
	if (!stab_add(&c->metas, &m->h)) {
		c->mem -= sizeof(*m);
		pool_put(&c->metas.pool, m);
		c->stats.table_full++;
	}
}

/* A new pod or container takes the names that arrived before its cgroup did. */
static void names_attach(struct pcg_corr *c, struct obj *o)
{
	struct sent **pp = stab_chain(&c->metas, o->hash);

	while (pp && *pp) {
		struct meta_stash *m = (struct meta_stash *)*pp;
		bool match = m->h.hash == o->hash && m->pod == o->is_pod &&
			     !strcmp(o->is_pod ? m->pod_uid : m->id,
				     o->is_pod ? o->info.pod_uid : o->info.container_id);

		if (!match) {
			pp = &m->h.hnext;
			continue;
		}
		if (strcmp(m->pod_uid, o->info.pod_uid)) {
			c->stats.meta_mismatch++;
		} else {
			names_merge(c, o, &m->names);
			if (o->pod)
				names_merge(c, o->pod, &m->names);
		}
		stab_del(c, &c->metas, pp); /* used: removed */
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
			names_merge(c, o, &n);
		else
			meta_stash(c, ev->pod_uid, "", &n, ev->ts);
		return;
	}
	o = *obj_slot(c, false, ev->container_id);
	if (!o) {
		meta_stash(c, ev->pod_uid, ev->container_id, &n, ev->ts);
		return;
	}
	if (strcmp(o->info.pod_uid, ev->pod_uid)) {
		c->stats.meta_mismatch++;
		return;
	}
	names_merge(c, o, &n);
	if (o->pod)
		names_merge(c, o->pod, &n);
}

static int cgroup_add(struct pcg_corr *c, const struct pcg_event *ev)
{
	bool existing = ev->type == PCG_EV_EXISTING_CGROUP;
	bool trunc = ev->flags & PCG_F_TRUNC;
	struct obj *pod = NULL, *o = NULL;
	enum pcg_cg_kind kind;
	struct pcg_cgpath pp;
	struct cg **slot, *cg;
	bool own = false;
	size_t sub_bytes;

	slot = cg_slot(c, ev->hier, ev->cgid);
	if (*slot) {
		(*slot)->gen = c->gen; /* a rescan lists it: still there */
		return 0;	       /* seen already (scan and ring raced, or a duplicate) */
	}
	if (pcg_cgpath_parse_memo(&c->memo, ev->str, ev->str_len, &pp) < 0)
		return 0;
	if (!pp.pod_uid[0] && !c->opts.all)
		return 0; /* a container outside Kubernetes */
	if (c->nr_cgs >= c->opts.max_cgroups) {
		c->stats.table_full++;
		return 0;
	}
	kind = pp.kind;
	/* A cut path naming fewer levels than the cgroup has belongs to a cgroup below the one
	 * it names: below a container that is a sub-cgroup of it; below a pod, which container
	 * it is in cannot be told. */
	if (trunc && ev->level > path_depth(ev->str, ev->str_len)) {
		if (kind == PCG_CG_CONTAINER)
			kind = PCG_CG_CONTAINER_SUB;
		else if (kind == PCG_CG_POD)
			return 0;
	}

	if (pp.pod_end) {
		/* a pod first met through a container's path was created before we looked */
		pod = obj_get(c, true, &pp, ev->str, pp.pod_end, ev->ts, existing,
			      kind == PCG_CG_POD);
		if (!pod)
			goto oom;
	}
	switch (kind) {
	case PCG_CG_POD:
		o = pod;
		own = true;
		break;
	case PCG_CG_CONTAINER:
	case PCG_CG_CONTAINER_SUB:
		o = obj_get(c, false, &pp, ev->str, pp.container_end, ev->ts, existing,
			    kind == PCG_CG_CONTAINER);
		if (!o)
			goto oom;
		if (!o->pod && pod) {
			o->pod = pod;
			o->info.pod = &pod->info;
			touch(o);
			pod->refs++;
		}
		own = kind == PCG_CG_CONTAINER;
		break;
	default:
		return 0; /* kubepods root, QoS level, conmon, unrecognised: nothing to track */
	}
	/* Two live cgroups cannot have the same path: a cut one that names an object whose own
	 * cgroup in this hierarchy is alive is a cgroup below it. */
	if (own && trunc && has_live_own(c, o, ev->hier, ev->cgid)) {
		if (o->is_pod)
			return 0;
		own = false;
	}
	/* its path is the cut string itself: it may be incomplete */
	if (trunc && (o->is_pod ? pp.pod_end : pp.container_end) == ev->str_len) {
		o->info.cgroup_truncated = true;
		touch(o);
	}

	if (pod)
		names_attach(c, pod);
	if (o != pod)
		names_attach(c, o);
	sub_bytes = own ? 0 : strnlen(ev->str, ev->str_len) + 1; /* what cg_bytes() gives back */
	if (!mem_take(c, sizeof(*cg) + sub_bytes))
		return 0;
	cg = pool_get(&c->cg_pool, sizeof(*cg));
	if (!cg || (!own && !buf_set(&cg->sub_path, &cg->sub_cap, ev->str, sub_bytes - 1))) {
		c->mem -= sizeof(*cg) + sub_bytes;
		pool_put(&c->cg_pool, cg);
		goto oom;
	}
	cg->cgid = ev->cgid;
	cg->hier = ev->hier;
	cg->own = own;
	cg->obj = o;
	cg->trunc = trunc;
	cg->level = ev->level;
	cg->gen = c->gen;
	*slot = cg;
	c->nr_cgs++;
	cg_grow(c); /* slot is not used after this */
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
			touch(o);
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

static int cg_remove(struct pcg_corr *c, __u32 hier, __u64 cgid, __u64 ts, bool reconciled)
{
	struct cg **slot = cg_slot(c, hier, cgid);
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
		cg_free(c, cg);
		o->refs--;
		obj_maybe_free(c, o);
		return 0;
	}
	cg_free(c, cg);
	err = announce(c, o, ts);
	if (!err && !o->removed) {
		o->removed = true;
		out.kind = o->is_pod ? PCG_OUT_POD_REMOVE : PCG_OUT_CONTAINER_REMOVE;
		out.ts = ts;
		out.obj = &o->info;
		o->info.reconciled = reconciled;
		err = emit(c, &out);
		o->info.reconciled = false;
	}
	o->live_cgs--;
	obj_maybe_free(c, o);
	return err;
}

static int cgroup_remove(struct pcg_corr *c, const struct pcg_event *ev)
{
	return cg_remove(c, ev->hier, ev->cgid, ev->ts, false);
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
		if (!mem_take(c, sizeof(*p)))
			return NULL;
		p = pool_get(&c->proc_pool, sizeof(*p));
		if (!p) {
			c->mem -= sizeof(*p);
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
	p->gen = c->gen;
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

static size_t exited_bucket(const struct pcg_corr *c, __u32 tgid, __u64 start_ns)
{
	return pcg_mix64(start_ns ^ ((__u64)tgid << 32 | tgid)) & (c->exited_cap - 1);
}

static void exited_link(struct pcg_corr *c, size_t slot)
{
	struct exited *e = &c->exited[slot];
	__s32 *head = &c->exited_hash[exited_bucket(c, e->tgid, e->start_ns)];

	e->hnext = *head;
	e->hprev = -1;
	if (*head >= 0)
		c->exited[*head].hprev = (__s32)slot;
	e->linked = true;
	*head = (__s32)slot;
}

/* O(1): no walk of the chain (the slot written next, the oldest exit, is at its end). */
static void exited_unlink(struct pcg_corr *c, size_t slot)
{
	struct exited *e = &c->exited[slot];

	if (!e->linked)
		return;
	if (e->hprev >= 0)
		c->exited[e->hprev].hnext = e->hnext;
	else
		c->exited_hash[exited_bucket(c, e->tgid, e->start_ns)] = e->hnext;
	if (e->hnext >= 0)
		c->exited[e->hnext].hprev = e->hprev;
	e->linked = false;
}

/* Room for one more recent exit: grow while the oldest is still within the window. */
static void exited_make_room(struct pcg_corr *c, __u64 ts)
{
	size_t cap = c->exited_cap ? c->exited_cap * 2 : EXIT_DEDUP_MIN;
	struct exited *n;
	__s32 *h;

	if (c->nr_exited < c->exited_cap)
		return;
	if (c->exited_cap &&
	    (__s64)(ts - exited_at(c, c->nr_exited - 1)->ts) > (__s64)EXIT_DEDUP_NS)
		goto overwrite;
	if (c->exited_cap >= EXIT_DEDUP_MAX || !(n = calloc(cap, sizeof(*n)))) {
		c->stats.table_full++;
		goto overwrite;
	}
	h = malloc(cap * sizeof(*h));
	if (!h) {
		free(n);
		c->stats.table_full++;
		goto overwrite;
	}
	for (size_t i = 0; i < c->nr_exited; i++) /* oldest first */
		n[i] = *exited_at(c, c->nr_exited - 1 - i);
	free(c->exited);
	free(c->exited_hash);
	c->exited = n;
	c->exited_hash = h;
	c->exited_cap = cap;
	c->exited_head = c->nr_exited;
	for (size_t i = 0; i < cap; i++)
		h[i] = -1;
	for (size_t i = 0; i < c->nr_exited; i++)
		exited_link(c, i);
	return;
overwrite:
	if (c->nr_exited)
		c->nr_exited--; /* the oldest slot is the one written next */
}

/* True if this process's exit was seen already; otherwise remembers it.  A hash over the
 * ring: O(1) per exit, where a scan of the ring made 200,000 simultaneous exits take 90 s.
 * @known: the process is in the table, so no exit of it was handled (that would have
 * removed it): only remembered, the lookup (cache misses after an idle wait) is skipped. */
static bool recently_exited(struct pcg_corr *c, const struct pcg_task *t, __u64 ts, bool known)
{
	if (c->exited_cap && !known)
		for (__s32 i = c->exited_hash[exited_bucket(c, t->tgid, t->start_ns)]; i >= 0;
		     i = c->exited[i].hnext) {
			const struct exited *e = &c->exited[i];

			if (e->tgid == t->tgid && e->start_ns == t->start_ns && t->tgid &&
			    (__s64)(ts - e->ts) <= (__s64)EXIT_DEDUP_NS)
				return true;
		}
	exited_make_room(c, ts);
	if (c->nr_exited < c->exited_cap) {
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
		/* a rescan does not start a container already reported: its first exec will */
		if (ctr && !is_runtime_comm(&ev->task) && !(ev->flags & PCG_F_UNSTARTED) &&
		    !(ctr->announced && c->in_rescan))
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
		out.filename_truncated = ev->flags & PCG_F_TRUNC;
		return emit_about(c, ctr, &out);
	}
	case PCG_EV_EXIT: {
		bool known = *pp && same_start(*pp, &ev->task, false);

		/* A multithreaded process's last two threads can both see the thread count at
		 * zero when the tracepoint fires: one exit per process, not per thread. */
		if (recently_exited(c, &ev->task, ev->ts, known))
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
	struct sent **hp;
	struct hint *h;

	if (ev->runtime == PCG_RT_UNKNOWN || ev->runtime >= _PCG_RT_MAX)
		return;
	if (o) {
		if (!o->info.runtime)
			o->info.runtime = ev->runtime;
		touch(o);
		return;
	}
	hp = hint_find(c, ev->container_id);
	if (hp) {
		((struct hint *)*hp)->runtime = ev->runtime;
		return;
	}
	if (c->hints.nr >= c->opts.max_cgroups) {
		c->stats.table_full++;
		return;
	}
	if (!mem_take(c, sizeof(*h)))
		return;
	h = pool_get(&c->hints.pool, sizeof(*h));
	if (!h) {
		c->mem -= sizeof(*h);
		c->stats.table_full++;
		return;
	}
	memcpy(h->id, ev->container_id, sizeof(h->id));
	h->runtime = ev->runtime;
	h->h.hash = obj_hash(false, h->id);
	h->h.ts = ev->ts;
	if (!stab_add(&c->hints, &h->h)) {
		c->mem -= sizeof(*h);
		pool_put(&c->hints.pool, h);
		c->stats.table_full++;
	}
}

struct pid_ref {
	unsigned long long seq; /* its container's creation order */
	__u32 tgid;
	struct proc *p;
};

static int pid_ref_cmp(const void *a, const void *b)
{
	const struct pid_ref *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->tgid < y->tgid ? -1 : x->tgid > y->tgid;
}

struct cg_key {
	__u32 hier;
	__u64 cgid;
};

/* The end of a rescan: what it did not list is gone.  Sub-cgroups go first, then containers,
 * then pods (so a pod_remove follows its containers'), each reported as reconciled; cgroups
 * whose path came cut are kept (the scan cannot name them); processes it did not list exited
 * in the gap and are forgotten (their exit status is lost with the events). */
static int rescan_sweep(struct pcg_corr *c, __u64 ts)
{
	struct cg_key *keys = NULL;
	__u32 *gone = NULL;
	size_t n = 0, ng = 0;
	int err = 0;

	if (c->nr_cgs && !(keys = malloc(c->nr_cgs * sizeof(*keys))))
		return 0;
	for (int pass = 0; pass < 3 && !err; pass++) {
		size_t nw;
		struct walk_ent *w = cg_walk(c, &nw);

		if (!w && nw)
			break; /* no memory: the sweep waits for the next rescan */
		n = 0;
		for (size_t i = 0; i < nw; i++) {
			struct cg *cg = w[i].e;
			int kind = !cg->own ? 0 : cg->obj->is_pod ? 2 : 1;

			if (kind != pass || cg->gen == c->gen || cg->trunc ||
			    cg->level > PCG_SCAN_MAX_DEPTH || cg->hier >= 64 ||
			    !(c->opts.traced_hier_mask & 1ull << cg->hier))
				continue;
			if (n < c->nr_cgs)
				keys[n++] = (struct cg_key){ cg->hier, cg->cgid };
		}
		free(w);
		for (size_t i = 0; i < n && !err; i++)
			err = cg_remove(c, keys[i].hier, keys[i].cgid, ts, true);
	}
	free(keys);
	if (c->nr_procs && (gone = malloc(c->nr_procs * sizeof(*gone)))) {
		for (size_t b = 0; b < c->proc_buckets; b++)
			for (struct proc *p = c->proc_tab[b]; p; p = p->hnext)
				if (p->ctr && p->gen != c->gen && ng < c->nr_procs)
					gone[ng++] = p->tgid;
		for (size_t i = 0; i < ng; i++) {
			struct proc **pp = proc_slot(c, gone[i]);

			if (*pp)
				proc_unlink(c, pp);
		}
		free(gone);
	}
	return err;
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

/* One container_existing per container the scan found, with its processes: one pass over
 * the processes and one sort, O(n log n) however many containers and processes there are. */
static int scan_done(struct pcg_corr *c, const struct pcg_event *ev)
{
	struct pcg_out out = { 0 };
	struct pid_ref *refs = NULL;
	__u32 *pids = NULL;
	size_t n = 0, at = 0;
	int err = 0;

	if (ev->flags & PCG_F_RESCAN) {
		c->in_rescan = false;
		err = rescan_sweep(c, ev->ts);
		if (err)
			return err;
	}

	if (c->nr_procs) {
		refs = malloc(c->nr_procs * sizeof(*refs));
		pids = malloc(c->nr_procs * sizeof(*pids));
		if (!refs || !pids) {
			/* no memory for the lists: the containers are still reported, without */
			c->stats.table_full++;
			free(refs);
			free(pids);
			refs = NULL;
			pids = NULL;
		}
	}
	for (size_t b = 0; refs && b < c->proc_buckets; b++)
		for (struct proc *p = c->proc_tab[b]; p; p = p->hnext)
			if (p->ctr && p->ctr->existing && !p->ctr->announced && n < c->nr_procs)
				refs[n++] = (struct pid_ref){ p->ctr->seq, p->tgid, p };
	if (n > 1)
		qsort(refs, n, sizeof(*refs), pid_ref_cmp);

	for (struct obj *o = c->objs_head; o && !err; o = o->next) {
		struct proc *rep = NULL;
		size_t np = 0;

		if (!o->existing || o->announced)
			continue;
		o->announced = true;
		while (at < n && refs[at].seq < o->seq)
			at++;
		for (; at < n && refs[at].seq == o->seq; at++) {
			struct proc *p = refs[at].p;

			pids[np++] = p->tgid;
			/* the container's init: pid 1 of its pid namespace, else the oldest */
			if (!rep || (p->task.nspid == 1 && rep->task.nspid != 1) ||
			    ((p->task.nspid == 1) == (rep->task.nspid == 1) &&
			     p->start_ns < rep->start_ns))
				rep = p;
		}
		if (o->is_pod)
			continue;
		out.kind = PCG_OUT_CONTAINER_EXISTING;
		out.ts = ev->ts;
		out.obj = &o->info;
		out.task = rep ? &rep->task : NULL;
		out.pids = pids;
		out.nr_pids = np;
		out.procs = existing_procs(c, pids, np);
		out.nr_procs = out.procs ? np : 0;
		o->info.reconciled = (ev->flags & PCG_F_RESCAN) != 0; /* found by a rescan */
		err = emit(c, &out);
		o->info.reconciled = false;
		free((void *)out.procs);
	}
	free(refs);
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
	stab_expire(c, &c->hints, ev->ts);
	stab_expire(c, &c->metas, ev->ts);
	if ((ev->flags & PCG_F_RESCAN) && !c->in_rescan &&
	    (ev->type == PCG_EV_EXISTING_CGROUP || ev->type == PCG_EV_EXISTING_TASK ||
	     ev->type == PCG_EV_SCAN_DONE)) {
		c->gen++; /* a rescan begins: what it lists is marked with the new generation */
		c->in_rescan = true;
	}
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
	pcg_enc_cgroup(&b, PCG_EV_EXISTING_CGROUP, ts, cg->cgid, cg->hier, cg->level, 0, path, n);
	if (cg->trunc) /* the kernel cut it: a replay must know, as live did */
		b.hdr.flags |= PCG_F_TRUNC;
	return fn(ctx, &b, b.hdr.size);
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
	struct walk_ent *w;
	size_t nw;
	int err = 0;

	/* pods first, then containers, then sub-cgroups: parents before children; a container's
	 * runtime learnt from a hint travels with it, right before its cgroup */
	w = cg_walk(c, &nw);
	if (!w && nw)
		return -ENOMEM;
	for (int pass = 0; pass < 3 && !err; pass++)
		for (size_t i = 0; i < nw && !err; i++) {
			const struct cg *cg = w[i].e;
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
	free(w);
	w = err ? NULL : proc_walk(c, &nw);
	if (!err && !w && nw)
		return -ENOMEM;
	for (size_t i = 0; !err && i < nw; i++) {
		const struct proc *p = w[i].e;

		if (p->ctr) {
			size_t len = pcg_enc_task(&b, PCG_EV_EXISTING_TASK, ts, &p->task);

			/* a container made but not started yet: its first exec starts it, in a
			 * replay of this snapshot too */
			if (!p->ctr->started)
				b.hdr.flags |= PCG_F_UNSTARTED;
			err = fn(ctx, &b, len);
			if (!err && p->cmdline)
				err = fn(ctx, &b,
					 pcg_enc_task_info(&b, ts, p->tgid, p->start_ns, p->cmdline,
							   p->cmdline_len, p->cmdline_cut));
		}
	}
	free(w);
	return err ? err : fn(ctx, &b, pcg_enc_mark(&b, PCG_EV_SCAN_DONE, ts));
}

bool pcg_corr__runtime_known(const struct pcg_corr *c, const char *container_id)
{
	const struct obj *o = *obj_slot((struct pcg_corr *)c, false, container_id);

	if (o)
		return o->info.runtime != PCG_RT_UNKNOWN;
	return hint_find((struct pcg_corr *)c, container_id) != NULL;
}

struct pcg_cgpath_memo *pcg_corr__path_memo(struct pcg_corr *c)
{
	return &c->memo;
}

void pcg_corr__stats(const struct pcg_corr *c, struct pcg_corr_stats *ret)
{
	*ret = c->stats;
	ret->cgroups = c->nr_cgs;
	ret->objects = c->nr_objs;
	ret->procs = c->nr_procs;
	ret->stashed = c->hints.nr + c->metas.nr;
}

void pcg_corr__free(struct pcg_corr *c)
{
	if (!c)
		return;
	/* the pooled entries with the buffers they kept; then nothing more is pooled */
	pool_free(&c->cg_pool);
	for (int k = 0; k < 2; k++)
		pool_free(&c->obj_pool[k]);
	if (c->cg_tab)
		for (size_t b = 0; b < c->cg_buckets; b++)
			while (c->cg_tab[b]) {
				struct cg *cg = c->cg_tab[b];

				c->cg_tab[b] = cg->hnext;
				cg_free(c, cg);
			}
	if (c->proc_tab)
		for (size_t b = 0; b < c->proc_buckets; b++)
			while (c->proc_tab[b]) {
				struct proc *p = c->proc_tab[b];

				c->proc_tab[b] = p->hnext;
				proc_free(c, p);
			}
	while (c->objs_head) {
		struct obj *o = c->objs_head;

		c->objs_head = o->next;
		free(o->names);
		free(o->path);
		free(o);
	}
	pool_free(&c->proc_pool);
	pool_free(&c->names_pool);
	free(c->cg_tab);
	free(c->proc_tab);
	free(c->obj_tab);
	stab_free(&c->hints);
	stab_free(&c->metas);
	free(c->exited);
	free(c->exited_hash);
	free(c);
}
