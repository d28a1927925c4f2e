/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* podcg.bpf.c - cgroup and process lifecycle tracepoints -> one BPF ring buffer.
 *
 * Kept thin on purpose: capture, at event time, every fact the user-space correlator needs
 * (a process that lives 1 ms is gone before anyone could read /proc), filter in the kernel
 * so a busy host without containers pays almost nothing, and never lose an event silently.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "core_compat.bpf.h"
#include "pcg_abi.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Load-time knobs, set by the loader between open and load. */
const volatile bool filter_all = false; /* --all: report every cgroup and task */
const volatile __u64 hier_mask = 1;	/* hierarchy ids whose cgroup events are reported */
const volatile int v1_ctrl = 0;		/* PCG_V1_* controller whose v1 hierarchy keys membership */
const volatile __u32 v1_hier = 0;	/* that hierarchy's id */
/* CLOCK_BOOTTIME just before the programs were loaded, and how long after it the filter is
 * surely complete (the loader checks, and marks the processes in between if not): a process
 * started after both without task storage was decided untracked at fork.  Constants, so the
 * common case reads no map. */
const volatile __u64 membership_from_ns = ~0ULL;
const volatile __u64 membership_window_ns = 0;
/* The kernel has bpf_loop (5.17+): the loader says so, as a constant (a CO-RE test of enum
 * bpf_func_id costs libbpf a scan of every vmlinux BTF type at each start, ~1 ms). */
const volatile bool have_bpf_loop = true;

#define SIGNAL_GROUP_EXIT 0x00000004

/* Load time.  On kernels that track pointer trust (6.2+), every load of a pointer field from
 * a trusted task (a tracepoint argument, t->group_leader, t->cgroups, ...) makes the verifier
 * look "task_struct__safe_trusted", "..._rcu" and more up in vmlinux BTF by a linear scan of
 * its ~100k types: 20-37 ms per task program, 110 ms of a 160 ms load (perf: 76% of it in
 * btf_find_by_name_kind under btf_nested_type_is_trusted).  Walking from an untrusted pointer
 * skips that; bpf_rdonly_cast() (6.2+, inlined by the verifier into a register move) makes one.
 * A load through it is a direct load with an exception-table entry and an address check (a few
 * ALU instructions more than a trusted pointer's plain load), so the common path of a process
 * outside containers keeps the trusted pointers (a handful of loads, verified once) and the
 * rest (deciding from cgroups, filling a record) walks untrusted ones; a task that a helper
 * needs trusted (bpf_task_storage_get's) comes from the trusted side.  Each program exists
 * twice: with the cast (loaded first) and without (pcgc_*, loaded when the kernel refuses the
 * first: libbpf leaves an unresolved weak kfunc at zero).  UT(fast, p): @p, untrusted when
 * @fast. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

#define UT(fast, p)                                                           \
	((fast) ? (struct task_struct *)bpf_rdonly_cast(                      \
			  (p), bpf_core_type_id_kernel(struct task_struct)) : \
		  (p))

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* resized by the loader */
} rb SEC(".maps");

/* Cgroups under a kubepods root (and their descendants), by (hierarchy, id).  Filled here on
 * mkdir and by the loader's start-up scan; a task is reported when its cgroup is in here.
 * Entries are allocated as cgroups come (not preallocated: kernel memory, charged to the
 * tracer's memory cgroup, grows with the node, ~80 bytes per cgroup), up to 2^19: a pod and a
 * container in two hierarchies take 4, so 100,000 containers held take 400,000 (a full map
 * hides cgroups: each full mkdir is a "lost" record and a rescan of the cgroup trees).  The
 * bucket array is allocated whole at load, 16 bytes per possible entry: 8 MiB (2^20 took
 * 16 MiB, and the start-up about 6 ms longer here). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1 << 19);
	__type(key, struct pcg_cg_key);
	__type(value, __u8);
} tracked SEC(".maps");

/* Membership of a process, decided once and carried with it (task-local storage on the
 * thread-group leader, 5.11+), so that the fork, exec and exit of a process outside every
 * container touch no cgroup pointer and no map.  Absent: the process is untracked if pcg_fork
 * saw it being made with the filter complete (absent_is_untracked), unknown otherwise (it
 * existed before: decide now, from its cgroups). */
#define PCG_M_UNKNOWN	0
#define PCG_M_UNTRACKED 1
#define PCG_M_TRACKED	2
#define PCG_M_FRESH	3 /* tracked, came in by an attach or CLONE_INTO_CGROUP, no exec yet */

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
} membership SEC(".maps");

/* The traced hierarchies in which a cgroup name (its own and its parent's name hash) was made,
 * until it was made in all of them: the reader announces a pod or container once all its
 * cgroups exist, so only the mkdir that completes the set wakes it (one wakeup per cgroup,
 * not one per hierarchy).  LRU: a cgroup made in some hierarchies only ages out (its line
 * comes after the reader's grace period, as it would anyway). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u64);
} made_in SEC(".maps");

/* Failed ring-buffer writes, per record type. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PCG_LOST_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

#define SCRATCH_SIZE (sizeof(struct pcg_ev_attach) + PCG_PATH_MAX)

struct scratch {
	__u8 buf[SCRATCH_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

/* CLOCK_BOOTTIME at which the tracked map became complete (the loader's second seed done);
 * ~0 until then.  A process started after it was decided by pcg_fork.  Only read on slow
 * paths: on this kind of machine a load from a map value's page costs ~200 ns. */
__u64 filter_complete_ns = ~0ULL;
/* Set by the loader: until this time it polls at least every 20 ms, so a process's fork, exec
 * (not a container's first) and exit, a cgroup's removal and a move need not wake it.  A
 * cgroup's creation and a container's first exec still do (the latency of container_create
 * and container_start). */
__u64 consumer_lazy_until_ns = 0;
/* Set by the loader (1) before it sleeps, cleared by it when it wakes and by the first record
 * that wakes it: a record wakes the reader only when it sleeps, so records that come while
 * it reads cost no wakeup, and a burst of them one. */
__u32 consumer_asleep = 0;

static __always_inline void count_drop(__u32 type)
{
	__u64 *c = bpf_map_lookup_elem(&drops, &type);

	if (c)
		*c += 1;
}

/* Wakes the reader if it sleeps; called after a record was committed, never before.  Records
 * go in without a wakeup (a wakeup, irq_work + IPI, costs the traced task several
 * microseconds, far more than the record) and this one wakes the reader through an empty
 * record discarded with BPF_RB_FORCE_WAKEUP.  No wakeup is missed: the reader sets
 * consumer_asleep, then (full barrier) looks whether the ring holds anything, and sleeps only
 * if not; a record's reservation moved the producer position, and its commit (an xchg, a full
 * barrier) comes before this load.  One of the two sees the other's write. */
static __always_inline void wake_consumer(void)
{
	void *w;

	if (!consumer_asleep)
		return;
	consumer_asleep = 0; /* the rest of a burst does not wake it again */
	w = bpf_ringbuf_reserve(&rb, 8, 0);
	if (w)
		bpf_ringbuf_discard(w, BPF_RB_FORCE_WAKEUP);
}

/* Fork, exec (not a container's first), exit, rmdir, attach: no wakeup while the reader polls
 * lazily (it comes within 20 ms); when it is idle, the first such record wakes it. */
static __always_inline void lazy_wake(__u64 now)
{
	if (now >= consumer_lazy_until_ns)
		wake_consumer();
}

/* Whether this mkdir (in hierarchy @hier, of a cgroup whose name and parent's name hash to
 * @key) makes the cgroup exist in every traced hierarchy.  Two hierarchies' mkdirs on two
 * CPUs at once may both miss it: the line then waits for the reader's next poll. */
static __always_inline bool mkdir_completes(__u64 key, __u32 hier)
{
	__u64 bit = 1ULL << hier, *seen, v;

	if (!(hier_mask & ~bit))
		return true; /* one traced hierarchy */
	seen = bpf_map_lookup_elem(&made_in, &key);
	if (!seen) {
		bpf_map_update_elem(&made_in, &key, &bit, BPF_ANY);
		return false;
	}
	v = *seen | bit;
	if ((v & hier_mask) != hier_mask) {
		*seen = v;
		return false;
	}
	bpf_map_delete_elem(&made_in, &key);
	return true;
}

/* Copies a record from the scratch buffer into the ring, without a wakeup (the caller wakes
 * the reader if it must); false if the ring was full (counted). */
static __always_inline bool emit(void *data, __u64 size, __u16 type)
{
	if (size > SCRATCH_SIZE)
		size = SCRATCH_SIZE;
	if (bpf_ringbuf_output(&rb, data, size, BPF_RB_NO_WAKEUP)) {
		count_drop(type);
		return false;
	}
	return true;
}

static __always_inline void fill_hdr(struct pcg_ev_hdr *h, __u16 type, __u16 size, __u64 now)
{
	h->type = type;
	h->size = size;
	h->flags = 0;
	h->cpu = bpf_get_smp_processor_id();
	h->ts = now;
}

static __always_inline __u64 task_v1_cgid(struct task_struct *t)
{
	struct css_set *cset = t->cgroups;
	struct cgroup_subsys_state *css;
	int id;

	switch (v1_ctrl) {
	case PCG_V1_MEMORY:
		id = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
		break;
	case PCG_V1_PIDS:
		id = bpf_core_enum_value(enum cgroup_subsys_id, pids_cgrp_id);
		break;
	case PCG_V1_CPUSET:
		id = bpf_core_enum_value(enum cgroup_subsys_id, cpuset_cgrp_id);
		break;
	case PCG_V1_CPU:
		id = bpf_core_enum_value(enum cgroup_subsys_id, cpu_cgrp_id);
		break;
	case PCG_V1_DEVICES:
		id = bpf_core_enum_value(enum cgroup_subsys_id, devices_cgrp_id);
		break;
	case PCG_V1_FREEZER:
		id = bpf_core_enum_value(enum cgroup_subsys_id, freezer_cgrp_id);
		break;
	case PCG_V1_BLKIO:
		id = bpf_core_enum_value(enum cgroup_subsys_id, io_cgrp_id);
		break;
	default:
		return 0;
	}
	if (id < 0 || id >= 16)
		return 0;
	/* v1_ctrl is a load-time constant and id a relocated one: a direct load at a known
	 * offset, and direct loads down to the id (no probe-read helper calls) */
	css = cset->subsys[id];
	if (!css)
		return 0;
	return css->cgroup->kn->id;
}

static __always_inline bool is_tracked(__u64 cgid, __u32 hier)
{
	struct pcg_cg_key k = { .cgid = cgid, .hier = hier };

	return bpf_map_lookup_elem(&tracked, &k) != NULL;
}

/* The cgroup ids a reported task carries. */
static __always_inline void task_ids(struct task_struct *t, __u64 *dfl, __u64 *v1)
{
	*dfl = t->cgroups->dfl_cgrp->kn->id;
	*v1 = v1_ctrl ? task_v1_cgid(t) : 0;
}

/* Whether any of the task's cgroups is tracked, from its cgroups (the slow path: once per
 * process, or when it moves).  The cgroup2 id is read with direct (BTF, CO-RE relocated)
 * loads, the v1 id only when needed. */
static __always_inline bool task_in_tracked(struct task_struct *t)
{
	struct cgroup *dcg = t->cgroups->dfl_cgrp;
	__u64 v1;

	if (is_tracked(dcg->kn->id, 0))
		return true;
	/* A task below the cgroup2 root that is not tracked there is not in a container whose
	 * runtime made cgroup2 directories: the v1 lookup is for runtimes that did not (and
	 * pure v1 hosts), whose tasks all sit at the cgroup2 root. */
	if (!v1_ctrl || dcg->level != 0)
		return false;
	v1 = task_v1_cgid(t);
	return v1 && is_tracked(v1, v1_hier);
}

static __always_inline bool filter_ready(void)
{
	return filter_complete_ns != ~0ULL;
}

/* Whether a process of @leader without storage is known to be untracked: made by a fork
 * that pcg_fork decided with the filter complete. */
static __always_inline bool absent_is_untracked(struct task_struct *leader)
{
	__u64 st = leader->start_boottime;

	if (st <= membership_from_ns)
		return false; /* existed before we looked */
	if (st - membership_from_ns > membership_window_ns)
		return true;
	return st > filter_complete_ns; /* started during start-up */
}

/* Stores the decision for @leader's process (@m: its storage, NULL if it has none): @state is
 * PCG_M_UNTRACKED, PCG_M_TRACKED or PCG_M_FRESH.  An untracked process needs no storage when
 * absence says so already (it started after the filter was complete); before that,
 * "untracked" may only mean "its cgroup is not seeded yet", so it is decided again next time.
 * @leader is trusted: the helper needs it so. */
static __always_inline void remember(struct task_struct *leader, __u32 *m, __u32 state)
{
	if (!m) {
		if (state == PCG_M_UNTRACKED && (!filter_ready() || absent_is_untracked(leader)))
			return;
		m = bpf_task_storage_get(&membership, leader, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!m) {
			/* out of memory: this process's events would be missed, say so */
			if (state != PCG_M_UNTRACKED)
				count_drop(PCG_EV_FORK);
			return;
		}
	}
	if (state == PCG_M_UNTRACKED && !filter_ready())
		state = PCG_M_UNKNOWN;
	*m = state;
}

/* The state of @leader's process (PCG_M_UNTRACKED, _TRACKED or _FRESH): its stored decision,
 * or (unknown) decided from @t's cgroups now and stored if @keep.  *@mp: its storage if it has
 * one and the decision was stored before.  @leader is trusted (the helper needs it so), but
 * its pointer fields are read through UT(): a pointer loaded from a trusted task makes the
 * verifier search vmlinux BTF for "task_struct__safe_*" types (several linear scans per load
 * site), which cost each task program 2-5 ms of the start-up; the untrusted load costs no
 * more at run time (bpf_stats, outside containers: fork + exec + exit 627 -> 561 ns, medians
 * of 3).  @t may be untrusted. */
static __always_inline __u32 process_state(struct task_struct *t, struct task_struct *leader,
					   bool keep, __u32 **mp, const bool fast)
{
	__u32 *m, state;

	*mp = NULL;
	/* the common case, a process outside every container, without a helper call: no
	 * storage at all on its leader (one load) and made by a fork we decided */
	if (!pcg_task_has_storage(UT(fast, leader)) && absent_is_untracked(leader))
		return PCG_M_UNTRACKED;
	m = bpf_task_storage_get(&membership, leader, 0, 0);
	if (m && *m != PCG_M_UNKNOWN) {
		*mp = m;
		return *m;
	}
	if (!m && absent_is_untracked(leader))
		return PCG_M_UNTRACKED;
	state = task_in_tracked(t) ? PCG_M_TRACKED : PCG_M_UNTRACKED;
	if (keep)
		remember(leader, m, state);
	return state;
}

static __always_inline bool process_tracked(struct task_struct *t, struct task_struct *leader,
					    bool keep, const bool fast)
{
	__u32 *m;

	return process_state(t, leader, keep, &m, fast) >= PCG_M_TRACKED;
}

/* The task's facts.  Plain (CO-RE relocated) loads replace bpf_probe_read calls, and a load
 * through a NULL or freed pointer reads 0 (exception tables), which is what an exiting task
 * whose namespaces are gone needs.  @fast: @t is untrusted (UT()), and bpf_rdonly_cast()
 * turns the few values that otherwise need a probe read into loads as well (4 helper calls
 * fewer per record). */
static __always_inline void fill_task(struct pcg_task *o, struct task_struct *t, __u64 dfl,
				      __u64 v1, const bool fast)
{
	struct task_struct *leader = t->group_leader;
	struct nsproxy *nsp = t->nsproxy;
	struct pid *pid = leader->thread_pid;
	unsigned int level = pid->level;
	const struct cred *cred = t->real_cred;

	o->pid = t->pid;
	o->tgid = t->tgid;
	o->ppid = t->real_parent->tgid;
	o->uid = cred->uid.val;
	o->_pad0 = 0;
	o->start_ns = leader->start_boottime;
	o->cg_dfl = dfl;
	o->cg_v1 = v1;
	/* The task's own pid namespace is the one its struct pid was allocated in, at the
	 * deepest level; nsproxy->pid_ns_for_children is where its children will go.  (A
	 * variable index into the flexible numbers[] array needs a probe read, or a cast.) */
	if (fast) {
		struct upid *up = bpf_rdonly_cast(&pid->numbers[level & 31],
						  bpf_core_type_id_kernel(struct upid));

		o->nspid = up->nr;
		o->ns[PCG_NS_PID] = up->ns->ns.inum;
	} else {
		struct upid up = {};

		bpf_core_read(&up, sizeof(up), &pid->numbers[level & 31]);
		o->nspid = up.nr;
		o->ns[PCG_NS_PID] = BPF_CORE_READ(up.ns, ns.inum);
	}
	if (nsp) {
		o->ns[PCG_NS_MNT] = nsp->mnt_ns->ns.inum;
		o->ns[PCG_NS_UTS] = nsp->uts_ns->ns.inum;
		o->ns[PCG_NS_IPC] = nsp->ipc_ns->ns.inum;
		o->ns[PCG_NS_NET] = nsp->net_ns->ns.inum;
		o->ns[PCG_NS_CGROUP] = nsp->cgroup_ns->ns.inum;
		o->ns[PCG_NS_TIME] = pcg_time_ns(nsp);
	} else {
		/* exiting task whose namespaces are already released */
		o->ns[PCG_NS_MNT] = o->ns[PCG_NS_UTS] = o->ns[PCG_NS_IPC] = 0;
		o->ns[PCG_NS_NET] = o->ns[PCG_NS_CGROUP] = o->ns[PCG_NS_TIME] = 0;
	}
	/* /proc/PID/ns/user is the user namespace of the task's credentials */
	o->ns[PCG_NS_USER] = cred->user_ns->ns.inum;
	if (fast) {
		/* comm is NUL-padded (__set_task_comm: strscpy_pad): two loads, not a
		 * string copy helper */
		const __u64 *c = (const __u64 *)t->comm;
		__u64 *d = (__u64 *)o->comm;

		d[0] = c[0];
		d[1] = c[1];
	} else {
		__builtin_memset(o->comm, 0, sizeof(o->comm));
		bpf_probe_read_kernel_str(o->comm, sizeof(o->comm), t->comm);
	}
}

static void *scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch_map, &zero);
}

struct kp_scan {
	long n;
	bool found;
};

static void *scratch(void);

/* One step of the "kubepods" search over the path in this CPU's scratch record. */
static long kp_step(__u32 i, void *ctx)
{
	struct kp_scan *k = ctx;
	struct pcg_ev_cgroup *e = scratch();
	const char *s;

	if (!e || i + 8 >= k->n)
		return 1;
	s = e->path + (i & (PCG_PATH_MAX - 1));
	if (s[0] == 'k' && s[1] == 'u' && s[2] == 'b' && s[3] == 'e' && s[4] == 'p' &&
	    s[5] == 'o' && s[6] == 'd' && s[7] == 's') {
		k->found = true;
		return 1;
	}
	return 0;
}

/* "kubepods" anywhere in the path: kubepods, kubepods.slice, kubelet-kubepods.slice (kind's
 * --cgroup-root), and everything below them.  @n: bytes of the path including the NUL.
 * bpf_loop (5.17+) keeps the verifier from walking every iteration. */
static __always_inline bool path_has_kubepods(long n)
{
	struct kp_scan k = { .n = n };

	bpf_loop(PCG_PATH_MAX - 8, kp_step, &k, 0);
	return k.found;
}

/* Fallback for kernels without bpf_loop (before 5.17): "kubepods" in the directory's own
 * name (kubepods, kubepods.slice, kubelet-kubepods.slice); its children are then found by
 * the tracked-parent test. */
static __always_inline bool name_has_kubepods(struct kernfs_node *kn)
{
	char name[64] = {};
	int n = bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(kn, name));

	for (int i = 0; i < 64 - 8; i++) {
		if (i + 8 > n - 1)
			return false;
		if (name[i] == 'k' && name[i + 1] == 'u' && name[i + 2] == 'b' &&
		    name[i + 3] == 'e' && name[i + 4] == 'p' && name[i + 5] == 'o' &&
		    name[i + 6] == 'd' && name[i + 7] == 's')
			return true;
	}
	return false;
}

static __always_inline bool kubepods_cgroup(struct kernfs_node *kn, long n)
{
	if (have_bpf_loop)
		return path_has_kubepods(n);
	return name_has_kubepods(kn);
}

/* mkdir_completes()'s key: the name hashes of the cgroup (@kn) and of its parent (@pkn), the
 * same in every hierarchy. */
static __always_inline __u64 cg_name_key(struct kernfs_node *kn, struct kernfs_node *pkn,
					 const bool fast)
{
	if (fast)
		return (__u64)pkn->hash << 32 | kn->hash;
	return (__u64)BPF_CORE_READ(pkn, hash) << 32 | BPF_CORE_READ(kn, hash);
}

/* @fast: loads through an untrusted alias of @cgrp (see UT()), probe reads without. */
static __always_inline int cgroup_event(struct cgroup *cgrp, const char *path, __u16 type,
					const bool fast)
{
	struct cgroup *cg = fast ? bpf_rdonly_cast(cgrp, bpf_core_type_id_kernel(struct cgroup)) :
				   cgrp;
	__u64 now = bpf_ktime_get_boot_ns();
	__u32 hier = fast ? cg->root->hierarchy_id : BPF_CORE_READ(cgrp, root, hierarchy_id);
	struct kernfs_node *kn = fast ? cg->kn : BPF_CORE_READ(cgrp, kn);
	struct pcg_cg_key key = { .hier = hier };
	struct pcg_ev_cgroup *e;
	__u64 name_key = 0;
	__u8 one = 1;
	long n;

	if (hier >= 64 || !(hier_mask & (1ULL << hier)))
		return 0;
	key.cgid = fast ? kn->id : pcg_kn_id(kn);
	e = scratch();
	if (!e)
		return 0;
	n = bpf_probe_read_kernel_str(e->path, PCG_PATH_MAX, path);
	if (n < 1) {
		e->path[0] = 0;
		n = 1;
	}
	if (type == PCG_EV_CGROUP_MKDIR) {
		/* a child of a tracked cgroup, or a kubepods path: the parent test alone would
		 * miss a kubepods tree created while the loader seeds the map */
		struct kernfs_node *pkn = fast ? cg->self.parent->cgroup->kn :
						 pcg_cgroup_parent_kn(cgrp);
		struct pcg_cg_key pk = { .hier = hier };

		pk.cgid = fast ? pkn->id : pcg_kn_id(pkn);
		if (bpf_map_lookup_elem(&tracked, &pk) || kubepods_cgroup(kn, n)) {
			/* a full filter map would hide the cgroup's processes: count it, so a
			 * "lost" record says so */
			if (bpf_map_update_elem(&tracked, &key, &one, BPF_ANY))
				count_drop(PCG_EV_CGROUP_MKDIR);
		} else if (!filter_all)
			return 0;
		name_key = cg_name_key(kn, pkn, fast);
	} else {
		/* rmdir: forget the cgroup; late exit events carry its id but are matched in
		 * user space, where the cgroup is kept until its removal is processed */
		if (bpf_map_delete_elem(&tracked, &key) && !filter_all)
			return 0;
		/* made in some hierarchies only: a cgroup made again under its name starts anew */
		name_key = cg_name_key(
			kn, fast ? cg->self.parent->cgroup->kn : pcg_cgroup_parent_kn(cgrp), fast);
		bpf_map_delete_elem(&made_in, &name_key);
	}

	e->cgid = key.cgid;
	e->hier = hier;
	e->level = fast ? cg->level : BPF_CORE_READ(cgrp, level);
	e->_pad0 = 0;
	e->writer_pid = bpf_get_current_pid_tgid() >> 32;
	e->path_len = n - 1;
	fill_hdr(&e->hdr, type, sizeof(*e) + n, now);
	if (n == PCG_PATH_MAX)
		e->hdr.flags |= PCG_F_TRUNC;
	if (!emit(e, sizeof(*e) + n, type))
		return 0;
	if (type == PCG_EV_CGROUP_MKDIR && mkdir_completes(name_key, hier))
		wake_consumer(); /* pod_create's and container_create's latency */
	else
		lazy_wake(now);
	return 0;
}

SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(pcg_cgroup_mkdir, struct cgroup *cgrp, const char *path)
{
	return cgroup_event(cgrp, path, PCG_EV_CGROUP_MKDIR, true);
}

SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(pcgc_cgroup_mkdir, struct cgroup *cgrp, const char *path)
{
	return cgroup_event(cgrp, path, PCG_EV_CGROUP_MKDIR, false);
}

SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(pcg_cgroup_rmdir, struct cgroup *cgrp, const char *path)
{
	return cgroup_event(cgrp, path, PCG_EV_CGROUP_RMDIR, true);
}

SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(pcgc_cgroup_rmdir, struct cgroup *cgrp, const char *path)
{
	return cgroup_event(cgrp, path, PCG_EV_CGROUP_RMDIR, false);
}

/* current is the writer of cgroup.procs (runc, systemd, the kubelet); the migrated task is
 * the tracepoint's task argument. */
static __always_inline int on_attach(struct cgroup *dst, const char *path,
				     struct task_struct *task_t, bool threadgroup, const bool fast)
{
	struct task_struct *task = UT(fast, task_t);
	/* loads through an untrusted @dst with the cast, probe reads without */
	struct cgroup *dcg = fast ? bpf_rdonly_cast(dst, bpf_core_type_id_kernel(struct cgroup)) :
				    dst;
	__u64 now = bpf_ktime_get_boot_ns();
	__u32 hier = fast ? dcg->root->hierarchy_id : BPF_CORE_READ(dst, root, hierarchy_id);
	__u64 cgid, dfl, v1;
	struct pcg_ev_attach *e;
	long n;

	/* a move in a hierarchy that keys membership: decide the process again (the task is
	 * already in @dst here) */
	if (!filter_all && (hier == 0 || (v1_ctrl && hier == v1_hier))) {
		struct task_struct *leader = task_t->group_leader;
		__u32 *m = bpf_task_storage_get(&membership, leader, 0, 0);
		__u32 state = PCG_M_UNTRACKED;

		/* coming in (not moving within): its next exec may start a container */
		if (task_in_tracked(UT(fast, leader)))
			state = m && *m >= PCG_M_TRACKED ? *m : PCG_M_FRESH;
		remember(leader, m, state);
	}
	if (hier >= 64 || !(hier_mask & (1ULL << hier)))
		return 0;
	cgid = fast ? dcg->kn->id : pcg_kn_id(BPF_CORE_READ(dst, kn));
	if (!filter_all && !is_tracked(cgid, hier))
		return 0;
	e = scratch();
	if (!e)
		return 0;
	task_ids(task, &dfl, &v1);
	fill_task(&e->task, task, dfl, v1, fast);
	e->cgid = cgid;
	e->hier = hier;
	e->level = fast ? dcg->level : BPF_CORE_READ(dst, level);
	e->writer_pid = bpf_get_current_pid_tgid() >> 32;
	e->threadgroup = threadgroup;
	n = bpf_probe_read_kernel_str(e->path, PCG_PATH_MAX, path);
	if (n < 1) {
		e->path[0] = 0;
		n = 1;
	}
	e->path_len = n - 1;
	fill_hdr(&e->hdr, PCG_EV_CGROUP_ATTACH, sizeof(*e) + n, now);
	if (n == PCG_PATH_MAX)
		e->hdr.flags |= PCG_F_TRUNC;
	if (emit(e, sizeof(*e) + n, PCG_EV_CGROUP_ATTACH))
		lazy_wake(now);
	return 0;
}

SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(pcg_cgroup_attach, struct cgroup *dst, const char *path, struct task_struct *task,
	     bool threadgroup)
{
	return on_attach(dst, path, task, threadgroup, true);
}

SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(pcgc_cgroup_attach, struct cgroup *dst, const char *path, struct task_struct *task,
	     bool threadgroup)
{
	return on_attach(dst, path, task, threadgroup, false);
}

/* The child is already in its final cgroup here, including clone3(CLONE_INTO_CGROUP), which
 * places it without a cgroup_attach_task event.  The process is decided here, once: in the
 * same css_set (the same cgroups everywhere) as its parent's leader, it is what the parent
 * is; elsewhere (CLONE_INTO_CGROUP, a parent moving meanwhile), its cgroups say. */
static __always_inline int on_fork(struct task_struct *parent, struct task_struct *child_t,
				   const bool fast)
{
	struct task_struct *child = UT(fast, child_t);
	__u64 now, dfl, v1;
	struct pcg_ev_task *e;

	/* the common path (untracked): scalars of the trusted pointers, pointers through UT() */
	if (child_t->pid != child_t->tgid)
		return 0; /* a new thread, not a new process */
	if (!filter_all) {
		struct task_struct *pl = parent->group_leader;
		__u32 state;

		if (child->cgroups == UT(fast, pl)->cgroups)
			state = process_tracked(UT(fast, pl), pl, true, fast) ? PCG_M_TRACKED :
										PCG_M_UNTRACKED;
		else
			state = task_in_tracked(child) ? PCG_M_FRESH : PCG_M_UNTRACKED;
		if (state == PCG_M_UNTRACKED)
			return 0; /* nothing stored: absence says untracked */
		remember(child_t, NULL, state);
	}
	task_ids(child, &dfl, &v1);
	now = bpf_ktime_get_boot_ns();
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e) {
		count_drop(PCG_EV_FORK);
		return 0;
	}
	fill_hdr(&e->hdr, PCG_EV_FORK, sizeof(*e), now);
	fill_task(&e->task, child, dfl, v1, fast);
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	lazy_wake(now);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(pcg_fork, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(parent, child, true);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(pcgc_fork, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(parent, child, false);
}

/* A runtime re-executing itself on its way into the container (runc: /proc/self/exe, a sealed
 * copy through /dev/fd/N or /proc/self/fd/N): not the container's start. */
static __always_inline bool runtime_reexec_path(const char *f)
{
	return (f[0] == '/' && f[1] == 'p' && f[2] == 'r' && f[3] == 'o' && f[4] == 'c' &&
		f[5] == '/') ||
	       (f[0] == '/' && f[1] == 'd' && f[2] == 'e' && f[3] == 'v' && f[4] == '/' &&
		f[5] == 'f' && f[6] == 'd' && f[7] == '/');
}

/* An exec record whose filename takes fewer bytes than this (NUL included) is reserved at
 * this size, not PCG_PATH_MAX: it takes a third of the ring space, so three times as many
 * execs fit in the ring before one is lost, and the writer and the reader touch fewer pages. */
#define EXEC_SHORT 256

/* Reserves an exec record with room for @max filename bytes and reads the filename into it;
 * *@n: what bpf_probe_read_kernel_str() returned.  NULL if the ring is full. */
static __always_inline struct pcg_ev_exec *exec_reserve(const char *fn, const __u32 max, long *n)
{
	struct pcg_ev_exec *e = bpf_ringbuf_reserve(&rb, sizeof(*e) + max, 0);

	if (e)
		*n = bpf_probe_read_kernel_str(e->filename, max, fn);
	return e;
}

/* The record is written in place in the ring buffer (reserved at the short size, or at its
 * largest if the filename does not fit; the loader hands on hdr.size bytes): no per-CPU
 * scratch copy.  The first exec of a process that came
 * into a container (its runtime's init: the container starts) wakes the consumer if it
 * sleeps. */
static __always_inline int on_exec(struct task_struct *p_t, pid_t old_pid,
				   struct linux_binprm *bprm, const bool fast)
{
	struct task_struct *p = UT(fast, p_t);
	__u32 state = PCG_M_TRACKED, *m = NULL;
	struct pcg_ev_exec *e;
	__u64 now, dfl, v1;
	const char *fn;
	bool start;
	long n = 0;

	if (!filter_all) {
		/* a non-leader thread's exec: it became the leader, the old one's storage went */
		if (old_pid != p_t->pid) {
			state = task_in_tracked(p) ? PCG_M_TRACKED : PCG_M_UNTRACKED;
			remember(p_t, bpf_task_storage_get(&membership, p_t, 0, 0), state);
		} else {
			state = process_state(p, p_t, true, &m, fast);
		}
		if (state == PCG_M_UNTRACKED)
			return 0;
	}
	task_ids(p, &dfl, &v1);
	now = bpf_ktime_get_boot_ns();
	fn = fast ? bprm->filename : BPF_CORE_READ(bprm, filename);
	e = exec_reserve(fn, EXEC_SHORT, &n);
	if (e && n == EXEC_SHORT) {
		/* it filled the short record: again at the full size */
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		e = exec_reserve(fn, PCG_PATH_MAX, &n);
	}
	if (!e) {
		count_drop(PCG_EV_EXEC);
		return 0;
	}
	fill_task(&e->task, p, dfl, v1, fast);
	e->old_pid = old_pid;
	e->_pad0 = 0;
	if (n < 1) {
		e->filename[0] = 0;
		n = 1;
	}
	e->filename_len = n - 1;
	fill_hdr(&e->hdr, PCG_EV_EXEC, sizeof(*e) + n, now);
	if (n == PCG_PATH_MAX)
		e->hdr.flags |= PCG_F_TRUNC;
	start = state == PCG_M_FRESH && m && !runtime_reexec_path(e->filename);
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	if (start) {
		*m = PCG_M_TRACKED;
		wake_consumer(); /* container_start's latency */
	} else {
		lazy_wake(now);
	}
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(pcg_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return on_exec(p, old_pid, bprm, true);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(pcgc_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return on_exec(p, old_pid, bprm, false);
}

/* Reported once per process, when its last thread exits (signal->live reached zero before
 * the tracepoint fired), with the status a waiting parent will see. */
static __always_inline int on_exit(struct task_struct *p_t, const bool fast)
{
	struct task_struct *p = UT(fast, p_t);
	struct signal_struct *sig = p->signal;
	__u64 now, dfl, v1;
	struct pcg_ev_exit *e;
	int code;

	if (sig->live.counter != 0)
		return 0;
	if (!filter_all && !process_tracked(p, p_t->group_leader, false, fast))
		return 0;
	task_ids(p, &dfl, &v1);
	now = bpf_ktime_get_boot_ns();
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e) {
		count_drop(PCG_EV_EXIT);
		return 0;
	}
	fill_hdr(&e->hdr, PCG_EV_EXIT, sizeof(*e), now);
	fill_task(&e->task, p, dfl, v1, fast);
	if (fast) {
		code = p->exit_code;
		if (sig->flags & SIGNAL_GROUP_EXIT)
			code = sig->group_exit_code;
	} else {
		code = BPF_CORE_READ(p, exit_code);
		if (BPF_CORE_READ(sig, flags) & SIGNAL_GROUP_EXIT)
			code = BPF_CORE_READ(sig, group_exit_code);
	}
	e->exit_status = code;
	e->_pad0 = 0;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	lazy_wake(now);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(pcg_exit, struct task_struct *p)
{
	return on_exit(p, true);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(pcgc_exit, struct task_struct *p)
{
	return on_exit(p, false);
}
