/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* correlate.h - the correlator: cgroups <-> pods <-> containers <-> processes (pure).
 *
 * Fed decoded events in ring-buffer order (live, replay and tests use the same path), it keeps
 * bounded tables of cgroups (keyed by hierarchy id and full 64-bit cgroup id), pods (by UID),
 * containers (by container id) and processes (by tgid and start time, so a reused pid is a new
 * process) and emits output records through a callback.
 *
 * Rules:
 *  - cgroup v1 fires one mkdir per hierarchy: a pod or container is announced once, when all
 *    traced hierarchies have reported it, when the next event about it arrives, or when an
 *    event (or PCG_EV_TICK) at least `grace_ns` later is fed; the record lists the hierarchies.
 *  - membership of a process comes from the cgroup ids the kernel captured at fork/exec/exit,
 *    on cgroup2 or on the key v1 hierarchy, whichever names a known container.
 *  - a container is started by the first exec inside it (runc's /proc/self/exe re-exec aside);
 *    later execs are PCG_OUT_EXEC; container_remove is sent on the first rmdir of its cgroup.
 *  - PCG_EV_EXISTING_* events from the start-up scan build state silently (PCG_EV_TASK_INFO
 *    adds a scanned process's command line, forgotten at its next exec); PCG_EV_SCAN_DONE
 *    emits one container_existing per container found, with its processes.
 *  - cgroups are identified by (hierarchy, cgroup id), never by path: a path the kernel side
 *    cut (PCG_F_TRUNC) that names fewer levels than the cgroup's level, or that names a
 *    container already holding a live cgroup in that hierarchy, is a sub-cgroup of it, never
 *    the container's own cgroup.
 * Memory is bounded by the opts (entries and bytes); what does not fit is counted in stats,
 * never silently lost.
 */
#ifndef __PCG_CORRELATE_H
#define __PCG_CORRELATE_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "cgpath.h"
#include "pcg_abi.h"

struct pcg_event;

#define PCG_MAX_HIER 16
/* The scans (start-up, rescan) walk this deep below a hierarchy root: a rescan cannot list a
 * deeper cgroup, so its sweep keeps them. */
#define PCG_SCAN_MAX_DEPTH 24

enum pcg_out_kind {
	PCG_OUT_POD_CREATE,
	PCG_OUT_CONTAINER_CREATE,
	PCG_OUT_CONTAINER_START,
	PCG_OUT_CONTAINER_EXISTING,
	PCG_OUT_EXEC,
	PCG_OUT_EXIT,
	PCG_OUT_CONTAINER_REMOVE,
	PCG_OUT_POD_REMOVE,
	PCG_OUT_LOST,
	_PCG_OUT_MAX,
};

struct pcg_hier_id {
	__u32 hier;
	__u64 cgid;
};

/* What is known of a pod or a container; strings are NUL-terminated. */
struct pcg_obj_info {
	char pod_uid[PCG_POD_UID_LEN + 1];	     /* "" outside Kubernetes */
	char container_id[PCG_CONTAINER_ID_LEN + 1]; /* "" for a pod */
	enum pcg_qos qos;
	enum pcg_driver driver;
	enum pcg_runtime runtime;
	const char *cgroup;    /* path from the hierarchy root */
	bool cgroup_truncated; /* the kernel side cut the path at PCG_PATH_MAX - 1 bytes (or it
				* is exactly that long): it may be incomplete */
	bool reconciled;       /* found or found gone by a rescan after lost events */
	unsigned nr_ids;
	struct pcg_hier_id ids[PCG_MAX_HIER]; /* hierarchies it was seen in, in arrival order */
	/* names learnt from PCG_EV_META records, NULL while unknown: use pcg_obj_name() */
	const char *name[PCG_META_NR];	/* PCG_META_* */
	unsigned ctype;			/* PCG_CTYPE_* */
	const struct pcg_obj_info *pod; /* a container's pod, NULL otherwise */
	/* New, and unique among all objects of all correlators, each time a field above
	 * changes: what is formatted from the fields above (reconciled and ids aside) can be
	 * reused while it stays (and the pod's) the same. */
	__u64 stamp;
};

/* A name of a pod or container (@field: PCG_META_*), NULL when unknown.  A container's pod
 * name and namespace come from its pod when its own record did not say. */
const char *pcg_obj_name(const struct pcg_obj_info *o, unsigned field);
/* A process of a container_existing record. */
struct pcg_out_proc {
	const struct pcg_task *task;
	const char *cmdline; /* NUL-separated arguments (PCG_EV_TASK_INFO), NULL if unknown */
	size_t cmdline_len;
	bool cmdline_cut; /* cut at PCG_CMDLINE_MAX, or while it was read */
};

/* One output record; pointers are valid during the callback only. */
struct pcg_out {
	enum pcg_out_kind kind;
	__u64 ts;			/* CLOCK_BOOTTIME ns of the event that caused it */
	const struct pcg_obj_info *obj; /* pod or container, NULL for a task outside containers */
	const struct pcg_task *task;	/* process events */
	const char *filename;		/* exec, container_start */
	size_t filename_len;
	bool filename_truncated; /* the kernel side cut it at PCG_PATH_MAX - 1 bytes (or it is
				  * exactly that long) */
	__u32 exit_status;	 /* exit */
	const __u32 *pids;	 /* container_existing */
	size_t nr_pids;
	const struct pcg_out_proc *procs; /* container_existing: every process, by pid */
	size_t nr_procs;
	const __u64 *lost; /* PCG_OUT_LOST: per PCG_EV_* type */
};

typedef int (*pcg_out_fn)(void *ctx, const struct pcg_out *out);

struct pcg_corr_opts {
	__u64 traced_hier_mask; /* hierarchies the kernel side reports (bit = id) */
	__u32 key_v1_hier;	/* v1 hierarchy whose id is in pcg_task.cg_v1, 0 if none */
	bool all;		/* --all: also report tasks and containers outside kubepods */
	__u64 grace_ns;	    /* how long to wait for the other hierarchies' mkdir (default 2 s) */
	size_t max_cgroups; /* default 1048576 */
	size_t max_procs;   /* default 1048576 */
	size_t max_mem;	    /* bytes for all tables, strings included; default 512 MiB */
};

struct pcg_corr_stats {
	__u64 events;	     /* events fed */
	__u64 bad_events;    /* undecodable / inconsistent */
	__u64 table_full;    /* entries refused because a table was full */
	__u64 records;	     /* records emitted */
	__u64 meta_mismatch; /* PCG_EV_META records naming another pod than the cgroup path */
	__u64 stash_expired; /* hints and names no cgroup came for in time, dropped */
	/* entries held now (memory: see README, "Memory") */
	__u64 cgroups, objects, procs;
	__u64 stashed; /* hints and names waiting for their cgroup */
};

struct pcg_corr;

/* Returns NULL with errno set (ENOMEM, EINVAL). */
struct pcg_corr *pcg_corr__new(const struct pcg_corr_opts *opts, pcg_out_fn fn, void *ctx);
/* Processes one decoded event.  Returns 0 or the callback's negative return. */
int pcg_corr__feed(struct pcg_corr *c, const struct pcg_event *ev);
/* Emits everything still pending (end of stream).  Returns 0 or the callback's error. */
int pcg_corr__flush(struct pcg_corr *c);
/* True when announcements are waiting for other hierarchies (the live loop then sends ticks). */
bool pcg_corr__has_pending(const struct pcg_corr *c);
/* Describes the live state as raw records (PCG_EV_EXISTING_CGROUP for every pod, container
 * and sub-cgroup, PCG_EV_EXISTING_TASK for every process in a container, PCG_EV_SCAN_DONE),
 * stamped @ts: the snapshot that makes a rotated recording file self-contained.  Returns 0
 * or fn's negative return. */
typedef int (*pcg_raw_fn)(void *ctx, const void *rec, size_t len);
int pcg_corr__snapshot(const struct pcg_corr *c, __u64 ts, pcg_raw_fn fn, void *ctx);
/* True if the runtime of the container @container_id is known already (from its cgroup name
 * or a hint, whether the container was created yet or not): the live side need not look it
 * up again. */
bool pcg_corr__runtime_known(const struct pcg_corr *c, const char *container_id);
/* The memo through which the correlator parses cgroup paths (cgpath.h), for the live side's
 * parsers of the same records to share: a path is then parsed once. */
struct pcg_cgpath_memo *pcg_corr__path_memo(struct pcg_corr *c);
void pcg_corr__stats(const struct pcg_corr *c, struct pcg_corr_stats *ret);
void pcg_corr__free(struct pcg_corr *c);

const char *pcg_out_name(enum pcg_out_kind k);

#endif /* __PCG_CORRELATE_H */
