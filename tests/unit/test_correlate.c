/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_correlate.c - the correlator on synthetic event sequences (v1 duplicates, interleaved
 * pods, pid reuse, exit before rmdir, unknown layouts, the start-up snapshot). */
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "decode.h"
#include "test.h"

#define UID_A  "7e44ee88-1e65-4a16-8cdf-9a90c819180e"
#define UIDU_A "7e44ee88_1e65_4a16_8cdf_9a90c819180e"
#define UID_B  "0b7e6a1c-2d3e-4f50-9a8b-7c6d5e4f3a2b"
#define UIDU_B "0b7e6a1c_2d3e_4f50_9a8b_7c6d5e4f3a2b"
#define CID_A  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define CID_B  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define CID_C  "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define POD_A  "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UIDU_A ".slice"
#define POD_B  "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UIDU_B ".slice"
#define CTR_A  POD_A "/cri-containerd-" CID_A ".scope"
#define CTR_B  POD_B "/crio-" CID_B ".scope"
#define CTR_C  POD_A "/docker-" CID_C ".scope"
#define MS     1000000ull

struct rec {
	enum pcg_out_kind kind;
	char pod[40];
	char ctr[65];
	__u32 pid;
	__u32 nspid;
	unsigned nr_ids;
	__u32 hier[4];
	__u32 exit_status;
	size_t nr_pids;
	__u32 pids[8];
	char filename[64];
	enum pcg_runtime runtime;
};

struct sink {
	struct rec r[64];
	int n;
};

static int on_out(void *ctx, const struct pcg_out *o)
{
	struct sink *s = ctx;
	struct rec *r;

	if (s->n >= 64)
		return -1;
	r = &s->r[s->n++];
	memset(r, 0, sizeof(*r));
	r->kind = o->kind;
	if (o->obj) {
		strcpy(r->pod, o->obj->pod_uid);
		strcpy(r->ctr, o->obj->container_id);
		r->nr_ids = o->obj->nr_ids;
		r->runtime = o->obj->runtime;
		for (unsigned i = 0; i < o->obj->nr_ids && i < 4; i++)
			r->hier[i] = o->obj->ids[i].hier;
	}
	if (o->task) {
		r->pid = o->task->tgid;
		r->nspid = o->task->nspid;
	}
	r->exit_status = o->exit_status;
	r->nr_pids = o->nr_pids;
	for (size_t i = 0; i < o->nr_pids && i < 8; i++)
		r->pids[i] = o->pids[i];
	if (o->filename)
		snprintf(r->filename, sizeof(r->filename), "%.*s", (int)o->filename_len,
			 o->filename);
	return 0;
}

static struct pcg_corr *new_corr(struct sink *s, bool all)
{
	struct pcg_corr_opts o = {
		.traced_hier_mask = (1ull << 0) | (1ull << 4),
		.key_v1_hier = 4,
		.all = all,
		.grace_ns = 100 * MS,
	};

	memset(s, 0, sizeof(*s));
	return pcg_corr__new(&o, on_out, s);
}

/* Builds a raw record, decodes it like the pipeline does, and feeds it. */
static int feed_raw(struct pcg_corr *c, const void *raw, size_t len)
{
	struct pcg_event ev;

	if (pcg_decode(raw, len, &ev))
		return -999;
	return pcg_corr__feed(c, &ev);
}

static int cg(struct pcg_corr *c, __u16 type, __u32 hier, __u64 cgid, const char *path, __u64 ts)
{
	union {
		struct pcg_ev_cgroup e;
		char b[sizeof(struct pcg_ev_cgroup) + 512];
	} u;
	size_t n = strlen(path);

	memset(&u, 0, sizeof(u));
	u.e.hdr.type = type;
	u.e.hdr.size = sizeof(u.e) + n + 1;
	u.e.hdr.ts = ts;
	u.e.cgid = cgid;
	u.e.hier = hier;
	u.e.path_len = n;
	memcpy(u.b + sizeof(u.e), path, n + 1);
	return feed_raw(c, &u, u.e.hdr.size);
}

static struct pcg_task task(__u32 tgid, __u64 start, __u64 dfl, __u64 v1, const char *comm)
{
	struct pcg_task t = { .pid = tgid,
			      .tgid = tgid,
			      .ppid = 1,
			      .nspid = 1,
			      .start_ns = start,
			      .cg_dfl = dfl,
			      .cg_v1 = v1 };

	for (int i = 0; i < PCG_NS_COUNT; i++)
		t.ns[i] = 4026531000u + i;
	snprintf(t.comm, sizeof(t.comm), "%s", comm);
	return t;
}

static int exec_ev(struct pcg_corr *c, struct pcg_task t, const char *file, __u64 ts)
{
	union {
		struct pcg_ev_exec e;
		char b[sizeof(struct pcg_ev_exec) + 128];
	} u;
	size_t n = strlen(file);

	memset(&u, 0, sizeof(u));
	u.e.hdr.type = PCG_EV_EXEC;
	u.e.hdr.size = sizeof(u.e) + n + 1;
	u.e.hdr.ts = ts;
	u.e.task = t;
	u.e.old_pid = t.tgid;
	u.e.filename_len = n;
	memcpy(u.b + sizeof(u.e), file, n + 1);
	return feed_raw(c, &u, u.e.hdr.size);
}

static int task_ev(struct pcg_corr *c, __u16 type, struct pcg_task t, __u64 ts)
{
	struct pcg_ev_task e = { .hdr = { .type = type, .size = sizeof(e), .ts = ts }, .task = t };

	return feed_raw(c, &e, sizeof(e));
}

static int exit_ev(struct pcg_corr *c, struct pcg_task t, __u32 status, __u64 ts)
{
	struct pcg_ev_exit e = { .hdr = { .type = PCG_EV_EXIT, .size = sizeof(e), .ts = ts },
				 .task = t,
				 .exit_status = status };

	return feed_raw(c, &e, sizeof(e));
}

static int hdr_ev(struct pcg_corr *c, __u16 type, __u64 ts)
{
	struct pcg_ev_hdr h = { .type = type, .size = sizeof(h), .ts = ts };

	return feed_raw(c, &h, sizeof(h));
}

static bool expect_kinds(struct sink *s, const enum pcg_out_kind *k, int n)
{
	bool ok = ASSERT_EQ(s->n, n, "number of records");

	for (int i = 0; ok && i < n; i++)
		ok = ASSERT_EQ(s->r[i].kind, k[i], pcg_out_name(k[i]));
	if (!ok)
		for (int i = 0; i < s->n; i++)
			fprintf(stderr, "  got[%d] %s %s pid %u\n", i, pcg_out_name(s->r[i].kind),
				s->r[i].ctr, s->r[i].pid);
	return ok;
}

/* A whole container life on hybrid cgroups: every mkdir/rmdir twice (cgroup2 + memory). */
PCG_TEST(corr_v1_duplicates_one_record_each)
{
	static const enum pcg_out_kind want[] = {
		PCG_OUT_POD_CREATE,
		PCG_OUT_CONTAINER_CREATE,
		PCG_OUT_CONTAINER_START,
		PCG_OUT_EXEC,
		PCG_OUT_EXIT,
		PCG_OUT_EXIT,
		PCG_OUT_CONTAINER_REMOVE,
		PCG_OUT_POD_REMOVE,
	};
	struct sink s;
	struct pcg_corr *c = new_corr(&s, false);
	struct pcg_task t = task(500, 10, 201, 301, "sleep");
	struct pcg_task t2 = task(510, 11, 201, 301, "sh");

	cg(c, PCG_EV_CGROUP_MKDIR, 0, 100, "/kubepods.slice", 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 101, POD_A, 2 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 401, POD_A, 2 * MS + 1);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 201, CTR_A, 3 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 301, CTR_A, 3 * MS + 1);
	exec_ev(c, task(499, 9, 201, 301, "runc:[2:INIT]"), "/proc/self/exe", 4 * MS);
	exec_ev(c, t, "/bin/sleep", 5 * MS);
	exec_ev(c, t2, "/bin/sh", 6 * MS);
	exit_ev(c, t2, 3 << 8, 7 * MS);
	exit_ev(c, t, 9, 8 * MS);
	cg(c, PCG_EV_CGROUP_RMDIR, 0, 201, CTR_A, 9 * MS);
	cg(c, PCG_EV_CGROUP_RMDIR, 4, 301, CTR_A, 9 * MS + 1);
	cg(c, PCG_EV_CGROUP_RMDIR, 4, 401, POD_A, 10 * MS);
	cg(c, PCG_EV_CGROUP_RMDIR, 0, 101, POD_A, 10 * MS + 1);
	pcg_corr__flush(c);
	/* the runc re-exec is neither the start nor reported */
	if (!expect_kinds(&s, want, 8))
		goto out;
	ASSERT_STREQ(s.r[0].pod, UID_A, "pod uid");
	ASSERT_EQ(s.r[0].nr_ids, 2, "pod hierarchies");
	ASSERT_EQ(s.r[1].nr_ids, 2, "container hierarchies");
	ASSERT_EQ(s.r[1].hier[0], 0, "first hierarchy");
	ASSERT_EQ(s.r[1].hier[1], 4, "second hierarchy");
	ASSERT_STREQ(s.r[1].ctr, CID_A, "container id");
	ASSERT_EQ(s.r[2].pid, 500, "start pid");
	ASSERT_STREQ(s.r[2].filename, "/bin/sleep", "start filename");
	ASSERT_EQ(s.r[3].pid, 510, "exec pid");
	ASSERT_EQ(s.r[4].exit_status, 3 << 8, "exit status of sh");
	ASSERT_EQ(s.r[5].exit_status, 9, "exit status of sleep");
out:
	pcg_corr__free(c);
}

PCG_TEST(corr_interleaved_pods)
{
	struct sink s;
	struct pcg_corr *c = new_corr(&s, false);
	struct pcg_task ta = task(600, 20, 210, 310, "a"), tb = task(700, 21, 220, 320, "b");
	int starts = 0;

	cg(c, PCG_EV_CGROUP_MKDIR, 0, 101, POD_A, 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 102, POD_B, 1 * MS + 5);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 401, POD_A, 1 * MS + 10);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 210, CTR_A, 2 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 402, POD_B, 2 * MS + 5);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 220, CTR_B, 2 * MS + 10);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 320, CTR_B, 2 * MS + 20);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 310, CTR_A, 2 * MS + 30);
	exec_ev(c, tb, "/b", 3 * MS);
	exec_ev(c, ta, "/a", 3 * MS + 1);
	pcg_corr__flush(c);
	for (int i = 0; i < s.n; i++) {
		if (s.r[i].kind != PCG_OUT_CONTAINER_START)
			continue;
		starts++;
		if (s.r[i].pid == 600) {
			ASSERT_STREQ(s.r[i].ctr, CID_A, "container of pid 600");
			ASSERT_STREQ(s.r[i].pod, UID_A, "pod of pid 600");
		} else {
			ASSERT_STREQ(s.r[i].ctr, CID_B, "container of pid 700");
			ASSERT_STREQ(s.r[i].pod, UID_B, "pod of pid 700");
		}
	}
	ASSERT_EQ(starts, 2, "container starts");
	ASSERT_EQ(s.n, 6, "records (2 pods, 2 containers, 2 starts)");
	/* every container_create comes after its pod_create */
	for (int i = 0; i < s.n; i++)
		if (s.r[i].kind == PCG_OUT_CONTAINER_CREATE) {
			bool pod_before = false;

			for (int j = 0; j < i; j++)
				pod_before |= s.r[j].kind == PCG_OUT_POD_CREATE &&
					      !strcmp(s.r[j].pod, s.r[i].pod);
			ASSERT_TRUE(pod_before, "pod_create before container_create");
		}
	pcg_corr__free(c);
}

/* Only cgroup2 reports the container: the announcement waits for the grace period. */
PCG_TEST(corr_missing_hierarchy_announced_after_grace)
{
	static const enum pcg_out_kind want[] = { PCG_OUT_POD_CREATE, PCG_OUT_CONTAINER_CREATE };
	struct sink s;
	struct pcg_corr *c = new_corr(&s, false);

	cg(c, PCG_EV_CGROUP_MKDIR, 0, 101, POD_A, 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 201, CTR_A, 2 * MS);
	ASSERT_EQ(s.n, 0, "nothing before the grace period");
	ASSERT_TRUE(pcg_corr__has_pending(c), "pending");
	hdr_ev(c, PCG_EV_TICK, 50 * MS);
	ASSERT_EQ(s.n, 0, "nothing at 50 ms");
	hdr_ev(c, PCG_EV_TICK, 102 * MS);
	if (expect_kinds(&s, want, 2))
		ASSERT_EQ(s.r[1].nr_ids, 1, "hierarchies listed");
	ASSERT_TRUE(!pcg_corr__has_pending(c), "nothing pending");
	pcg_corr__free(c);
}

/* A pid is reused by a process in another container: the new process is a new process. */
PCG_TEST(corr_pid_reuse)
{
	struct sink s;
	struct pcg_corr *c = new_corr(&s, false);
	struct pcg_task old = task(800, 30, 201, 301, "old"), new = task(800, 99, 202, 302, "new");

	cg(c, PCG_EV_CGROUP_MKDIR, 0, 101, POD_A, 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 401, POD_A, 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 201, CTR_A, 2 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 301, CTR_A, 2 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 202, CTR_C, 2 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 302, CTR_C, 2 * MS);
	exec_ev(c, old, "/old", 3 * MS);
	/* old's exit was lost; pid 800 comes back in container C */
	exec_ev(c, new, "/new", 4 * MS);
	/* an exit event carrying only the old identity (stale cgroup ids elsewhere) */
	new.cg_dfl = 999;
	new.cg_v1 = 998;
	exit_ev(c, new, 0, 5 * MS);
	/* pod, container A, container C, start A, start C, exit */
	if (!ASSERT_EQ(s.n, 6, "records"))
		goto out;
	ASSERT_EQ(s.r[3].kind, PCG_OUT_CONTAINER_START, "first start");
	ASSERT_STREQ(s.r[3].ctr, CID_A, "old process's container");
	ASSERT_EQ(s.r[4].kind, PCG_OUT_CONTAINER_START, "second start");
	ASSERT_STREQ(s.r[4].ctr, CID_C, "new process's container");
	ASSERT_EQ(s.r[5].kind, PCG_OUT_EXIT, "exit");
	ASSERT_STREQ(s.r[5].ctr, CID_C, "exit attributed to the reused pid's container");
out:
	pcg_corr__free(c);
}

/* The process exits, then the cgroup goes: exit first, remove after, nothing twice. */
PCG_TEST(corr_exit_before_rmdir_and_late_events)
{
	static const enum pcg_out_kind want[] = {
		PCG_OUT_POD_CREATE, PCG_OUT_CONTAINER_CREATE, PCG_OUT_CONTAINER_START,
		PCG_OUT_EXIT,	    PCG_OUT_CONTAINER_REMOVE,
	};
	struct sink s;
	struct pcg_corr *c = new_corr(&s, false);
	struct pcg_task t = task(900, 40, 201, 301, "true");

	cg(c, PCG_EV_CGROUP_MKDIR, 0, 101, POD_A, 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 401, POD_A, 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 201, CTR_A, 2 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 301, CTR_A, 2 * MS);
	exec_ev(c, t, "/bin/true", 3 * MS);
	exit_ev(c, t, 0, 3 * MS + 500);
	cg(c, PCG_EV_CGROUP_RMDIR, 0, 201, CTR_A, 50 * MS);
	cg(c, PCG_EV_CGROUP_RMDIR, 4, 301, CTR_A, 50 * MS);
	/* a duplicate rmdir and an exit for a cgroup that is gone: ignored */
	cg(c, PCG_EV_CGROUP_RMDIR, 0, 201, CTR_A, 51 * MS);
	exit_ev(c, t, 0, 52 * MS);
	expect_kinds(&s, want, 5);
	pcg_corr__free(c);
}

PCG_TEST(corr_unknown_layouts_and_all)
{
	struct sink s;
	struct pcg_corr *c = new_corr(&s, false);
	struct pcg_task t = task(1000, 50, 555, 556, "cron");

	cg(c, PCG_EV_CGROUP_MKDIR, 0, 555, "/system.slice/cron.service", 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 556, "/kubepods.slice/kubepods-guaranteed.slice", 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 557, "/docker/" CID_B, 1 * MS);
	exec_ev(c, t, "/usr/sbin/cron", 2 * MS);
	pcg_corr__flush(c);
	ASSERT_EQ(s.n, 0, "nothing outside kubepods by default");
	pcg_corr__free(c);

	c = new_corr(&s, true);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 557, "/docker/" CID_B, 1 * MS);
	exec_ev(c, t, "/usr/sbin/cron", 2 * MS);
	t.cg_dfl = 557;
	exec_ev(c, t, "/bin/sleep", 3 * MS);
	pcg_corr__flush(c);
	/* the container waits for its memory-hierarchy mkdir, so the host exec comes first */
	if (ASSERT_EQ(s.n, 3, "with --all: host exec, create, start")) {
		ASSERT_EQ(s.r[0].kind, PCG_OUT_EXEC, "host exec");
		ASSERT_STREQ(s.r[0].ctr, "", "host exec has no container");
		ASSERT_EQ(s.r[1].kind, PCG_OUT_CONTAINER_CREATE, "docker container announced");
		ASSERT_STREQ(s.r[1].pod, "", "no pod");
		ASSERT_EQ(s.r[2].kind, PCG_OUT_CONTAINER_START, "docker container start");
	}
	pcg_corr__free(c);
}

/* The start-up snapshot: silent state, then one container_existing with its processes. */
PCG_TEST(corr_existing_snapshot)
{
	struct sink s;
	struct pcg_corr *c = new_corr(&s, false);
	struct pcg_task init = task(1200, 60, 201, 301, "pause");
	struct pcg_task child = task(1100, 70, 201, 301, "worker");

	child.nspid = 7;
	cg(c, PCG_EV_EXISTING_CGROUP, 0, 101, POD_A, 1 * MS);
	cg(c, PCG_EV_EXISTING_CGROUP, 0, 201, CTR_A, 1 * MS);
	cg(c, PCG_EV_EXISTING_CGROUP, 4, 401, POD_A, 1 * MS);
	cg(c, PCG_EV_EXISTING_CGROUP, 4, 301, CTR_A, 1 * MS);
	task_ev(c, PCG_EV_EXISTING_TASK, child, 1 * MS);
	task_ev(c, PCG_EV_EXISTING_TASK, init, 1 * MS);
	ASSERT_EQ(s.n, 0, "silent until the scan is done");
	hdr_ev(c, PCG_EV_SCAN_DONE, 2 * MS);
	if (!ASSERT_EQ(s.n, 1, "one container_existing"))
		goto out;
	ASSERT_EQ(s.r[0].kind, PCG_OUT_CONTAINER_EXISTING, "kind");
	ASSERT_STREQ(s.r[0].ctr, CID_A, "container");
	ASSERT_EQ(s.r[0].pid, 1200, "the container's init (pid 1 of its namespace)");
	ASSERT_EQ(s.r[0].nr_pids, 2, "pids");
	ASSERT_EQ(s.r[0].pids[0], 1100, "pids sorted");
	ASSERT_EQ(s.r[0].pids[1], 1200, "pids sorted");
	/* the same cgroups from the ring afterwards are not announced again; a later exec in
	 * the running container is an exec, and the scan's coarse start time matches */
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 201, CTR_A, 3 * MS);
	init.start_ns += 5 * MS;
	exec_ev(c, init, "/pause", 4 * MS);
	ASSERT_EQ(s.n, 2, "records");
	ASSERT_EQ(s.r[1].kind, PCG_OUT_EXEC, "exec in an existing started container");
out:
	pcg_corr__free(c);
}

/* crun runs the process in a sub-cgroup ("/container"): it belongs to the container. */
PCG_TEST(corr_sub_cgroup)
{
	struct sink s;
	struct pcg_corr *c = new_corr(&s, false);
	struct pcg_task t = task(1300, 80, 203, 303, "app");

	cg(c, PCG_EV_CGROUP_MKDIR, 0, 101, POD_A, 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 401, POD_A, 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 201, CTR_A, 2 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 301, CTR_A, 2 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 203, CTR_A "/container", 2 * MS + 1);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 303, CTR_A "/container", 2 * MS + 2);
	exec_ev(c, t, "/app", 3 * MS);
	cg(c, PCG_EV_CGROUP_RMDIR, 0, 203, CTR_A "/container", 4 * MS);
	cg(c, PCG_EV_CGROUP_RMDIR, 4, 303, CTR_A "/container", 4 * MS);
	cg(c, PCG_EV_CGROUP_RMDIR, 0, 201, CTR_A, 5 * MS);
	cg(c, PCG_EV_CGROUP_RMDIR, 4, 301, CTR_A, 5 * MS);
	if (ASSERT_EQ(s.n, 4, "pod, container, start, remove")) {
		ASSERT_EQ(s.r[2].kind, PCG_OUT_CONTAINER_START, "start");
		ASSERT_STREQ(s.r[2].ctr, CID_A, "sub-cgroup process's container");
		ASSERT_EQ(s.r[3].kind, PCG_OUT_CONTAINER_REMOVE, "removed once");
	}
	pcg_corr__free(c);
}

/* Membership from the v1 key hierarchy alone (a pure v1 host, or no cgroup2 directory). */
PCG_TEST(corr_membership_by_v1_hierarchy)
{
	struct sink s;
	struct pcg_corr *c = new_corr(&s, false);
	struct pcg_task t = task(1400, 90, 1 /* cgroup2 root */, 301, "app");

	cg(c, PCG_EV_CGROUP_MKDIR, 4, 401, POD_A, 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 301, CTR_A, 2 * MS);
	exec_ev(c, t, "/app", 3 * MS);
	if (ASSERT_EQ(s.n, 3, "pod, container, start")) {
		ASSERT_EQ(s.r[2].kind, PCG_OUT_CONTAINER_START, "start");
		ASSERT_STREQ(s.r[2].ctr, CID_A, "container by memory cgroup id");
	}
	pcg_corr__free(c);
}

/* Bounded tables: past max_cgroups entries are refused and counted, not crashed on. */
PCG_TEST(corr_bounded_tables)
{
	struct pcg_corr_opts o = { .traced_hier_mask = 1, .max_cgroups = 8, .max_procs = 4 };
	struct pcg_corr_stats st;
	struct sink s = { 0 };
	struct pcg_corr *c = pcg_corr__new(&o, on_out, &s);
	char path[256];

	for (int i = 0; i < 32; i++) {
		snprintf(path, sizeof(path), POD_A "/cri-containerd-%064x.scope", i);
		cg(c, PCG_EV_CGROUP_MKDIR, 0, 1000 + i, path, (i + 1) * MS);
	}
	for (int i = 0; i < 32; i++)
		task_ev(c, PCG_EV_FORK, task(2000 + i, 1, 1000, 0, "x"), 40 * MS);
	pcg_corr__stats(c, &st);
	ASSERT_TRUE(st.table_full > 0, "refusals counted");
	pcg_corr__free(c);
}

/* runc forks inside the container's memory cgroup before it makes the cgroup2 directory:
 * that must not announce the container with one hierarchy. */
PCG_TEST(corr_runtime_fork_does_not_cut_the_wait)
{
	struct sink s;
	struct pcg_corr *c = new_corr(&s, false);

	cg(c, PCG_EV_CGROUP_MKDIR, 0, 101, POD_A, 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 401, POD_A, 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 301, CTR_A, 2 * MS);
	task_ev(c, PCG_EV_FORK, task(1500, 1, 101, 301, "runc:[1:CHILD]"), 3 * MS);
	exec_ev(c, task(1501, 2, 101, 301, "runc"), "/dev/fd/6", 4 * MS);
	exit_ev(c, task(1500, 1, 101, 301, "runc:[1:CHILD]"), 0, 5 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 201, CTR_A, 6 * MS);
	if (ASSERT_EQ(s.n, 2, "pod, container")) {
		ASSERT_EQ(s.r[1].kind, PCG_OUT_CONTAINER_CREATE, "container_create");
		ASSERT_EQ(s.r[1].nr_ids, 2, "both hierarchies listed");
	}
	pcg_corr__free(c);
}

/* The last two threads of a process can both report its exit: one exit record. */
PCG_TEST(corr_one_exit_per_process)
{
	struct sink s;
	struct pcg_corr *c = new_corr(&s, false);
	struct pcg_task t = task(1600, 5, 201, 301, "java");

	cg(c, PCG_EV_CGROUP_MKDIR, 0, 101, POD_A, 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 401, POD_A, 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 201, CTR_A, 2 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 301, CTR_A, 2 * MS);
	exec_ev(c, t, "/usr/bin/java", 3 * MS);
	exit_ev(c, t, 0, 4 * MS);
	t.pid = 1601; /* another thread of the same process */
	snprintf(t.comm, sizeof(t.comm), "GC Thread#0");
	exit_ev(c, t, 0, 4 * MS + 10);
	if (ASSERT_EQ(s.n, 4, "pod, container, start, one exit"))
		ASSERT_EQ(s.r[3].kind, PCG_OUT_EXIT, "exit");
	pcg_corr__free(c);
}

/* Only runc's and crun's own names are plumbing: a workload called "runc-exporter" or
 * "crunchy" is reported like any other. */
PCG_TEST(corr_runtime_like_names_are_workloads)
{
	static const enum pcg_out_kind want[] = {
		PCG_OUT_POD_CREATE,
		PCG_OUT_CONTAINER_CREATE,
		PCG_OUT_CONTAINER_START,
		PCG_OUT_EXEC,
		PCG_OUT_EXIT,
		PCG_OUT_EXIT,
	};
	struct sink s;
	struct pcg_corr *c = new_corr(&s, false);
	struct pcg_task a = task(1700, 6, 201, 301, "runc-exporter");
	struct pcg_task b = task(1701, 7, 201, 301, "crunchy");

	cg(c, PCG_EV_CGROUP_MKDIR, 0, 101, POD_A, 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 401, POD_A, 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 201, CTR_A, 2 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 301, CTR_A, 2 * MS);
	exec_ev(c, a, "/usr/bin/runc-exporter", 3 * MS);
	exec_ev(c, b, "/usr/bin/crunchy", 4 * MS);
	exit_ev(c, b, 0, 5 * MS);
	exit_ev(c, a, 0, 6 * MS);
	expect_kinds(&s, want, 6);
	pcg_corr__free(c);
}

static int snap_collect(void *ctx, const void *rec, size_t len)
{
	struct pcg_corr *dst = ctx;

	return feed_raw(dst, rec, len);
}

/* A rotated file's snapshot carries what was learnt of a container's runtime (a bare 64-hex
 * cgroupfs name does not tell it). */
PCG_TEST(corr_snapshot_keeps_runtime_hints)
{
	struct sink s, s2;
	struct pcg_corr *c = new_corr(&s, false), *c2 = new_corr(&s2, false);
	struct pcg_ev_hint h = { .hdr = { .type = PCG_EV_HINT, .size = sizeof(h), .ts = 1 * MS },
				 .runtime = PCG_RT_DOCKER };
	const char *pod = "/kubepods/besteffort/pod" UID_A;

	memcpy(h.container_id, CID_B, 64);
	feed_raw(c, &h, sizeof(h));
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 101, pod, 2 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 401, pod, 2 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 201, "/kubepods/besteffort/pod" UID_A "/" CID_B, 3 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 301, "/kubepods/besteffort/pod" UID_A "/" CID_B, 3 * MS);
	exec_ev(c, task(1800, 8, 201, 301, "sleep"), "/bin/sleep", 4 * MS);
	ASSERT_OK(pcg_corr__snapshot(c, 5 * MS, snap_collect, c2), "snapshot");
	if (ASSERT_EQ(s2.n, 1, "one container_existing from the snapshot")) {
		ASSERT_EQ(s2.r[0].kind, PCG_OUT_CONTAINER_EXISTING, "kind");
		ASSERT_STREQ(s2.r[0].ctr, CID_B, "container");
		ASSERT_EQ(s2.r[0].pid, 1800, "its process");
		ASSERT_EQ(s2.r[0].runtime, PCG_RT_DOCKER, "the runtime learnt from the hint");
	}
	pcg_corr__free(c);
	pcg_corr__free(c2);
}

/* A rotated file's snapshot taken while a container is made but not started (its process, no
 * runtime's, waits before its first exec): neither the next file alone nor the set replayed
 * as one stream takes that process for the start; the first exec is the container_start. */
PCG_TEST(corr_snapshot_keeps_unstarted)
{
	struct sink s, s2;
	struct pcg_corr *c = new_corr(&s, false), *c2 = new_corr(&s2, false);
	struct pcg_task t = task(1900, 9, 201, 301, "kubelet-like");

	cg(c, PCG_EV_CGROUP_MKDIR, 0, 101, POD_A, 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 401, POD_A, 1 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 201, CTR_A, 2 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 301, CTR_A, 2 * MS);
	task_ev(c, PCG_EV_FORK, t, 3 * MS);
	/* the set: the same correlator reads the next file's snapshot */
	ASSERT_OK(pcg_corr__snapshot(c, 4 * MS, snap_collect, c), "snapshot into the same stream");
	/* the next file alone */
	ASSERT_OK(pcg_corr__snapshot(c, 4 * MS, snap_collect, c2), "snapshot into a new one");
	s.n = 0;
	s2.n = 0;
	exec_ev(c, t, "/app", 5 * MS);
	exec_ev(c2, t, "/app", 5 * MS);
	if (ASSERT_EQ(s.n, 1, "one record in the set"))
		ASSERT_EQ(s.r[0].kind, PCG_OUT_CONTAINER_START,
			  "the set: the first exec starts it");
	if (ASSERT_EQ(s2.n >= 1, 1, "records from the file alone"))
		ASSERT_EQ(s2.r[s2.n - 1].kind, PCG_OUT_CONTAINER_START,
			  "the file alone: the first exec starts it");
	pcg_corr__free(c);
	pcg_corr__free(c2);
}

static int count_out(void *ctx, const struct pcg_out *o)
{
	unsigned *counts = ctx;

	counts[o->kind]++;
	return 0;
}

/* More runtime hints wait for their containers' mkdirs than the old fixed table held (32):
 * every container still gets its runtime. */
PCG_TEST(corr_many_pending_hints)
{
	struct sink s;
	struct pcg_corr *c = new_corr(&s, false);
	const char *pod = "/kubepods/besteffort/pod" UID_A;
	char id[65], path[256];
	enum { N = 40 };

	for (int i = 0; i < N; i++) {
		struct pcg_ev_hint h = { .hdr = { .type = PCG_EV_HINT, .size = sizeof(h), .ts = MS },
					 .runtime = PCG_RT_DOCKER };

		snprintf(id, sizeof(id), "%064x", 0xabc000 + i);
		memcpy(h.container_id, id, 64);
		ASSERT_OK(feed_raw(c, &h, sizeof(h)), "hint");
	}
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 10, pod, 2 * MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 4, 11, pod, 2 * MS);
	for (int i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "%064x", 0xabc000 + i);
		snprintf(path, sizeof(path), "%s/%s", pod, id);
		cg(c, PCG_EV_CGROUP_MKDIR, 0, 100 + i, path, 3 * MS);
		cg(c, PCG_EV_CGROUP_MKDIR, 4, 200 + i, path, 3 * MS);
	}
	if (ASSERT_EQ(s.n, 1 + N, "pod_create + one container_create each"))
		for (int i = 1; i <= N; i++)
			if (!ASSERT_EQ(s.r[i].runtime, PCG_RT_DOCKER, "runtime from its hint"))
				break;
	pcg_corr__free(c);
}

/* A multithreaded process's duplicate exit is dropped even when more exits than the old fixed
 * window (256) came in between; an exit long after is a new process's (pid and start reused
 * in a test only) and is reported. */
PCG_TEST(corr_duplicate_exit_after_many_exits)
{
	struct pcg_corr_opts o = { .traced_hier_mask = 1, .grace_ns = 100 * MS };
	unsigned counts[_PCG_OUT_MAX] = { 0 };
	struct pcg_corr *c = pcg_corr__new(&o, count_out, counts);
	const char *pod = "/kubepods/besteffort/pod" UID_A;

	cg(c, PCG_EV_CGROUP_MKDIR, 0, 10, pod, MS);
	cg(c, PCG_EV_CGROUP_MKDIR, 0, 20, "/kubepods/besteffort/pod" UID_A "/" CID_A, MS);
	for (int i = 0; i < 1000; i++)
		exit_ev(c, task(5000 + i, 7 + i, 20, 0, "sh"), 0, 2 * MS + i * 10000);
	ASSERT_EQ(counts[PCG_OUT_EXIT], 1000, "every process's exit");
	exit_ev(c, task(5000, 7, 20, 0, "sh"), 0, 3 * MS);
	exit_ev(c, task(5999, 7 + 999, 20, 0, "sh"), 0, 12 * MS);
	ASSERT_EQ(counts[PCG_OUT_EXIT], 1000, "duplicates within the window dropped");
	exit_ev(c, task(5000, 7, 20, 0, "sh"), 0, 900 * MS);
	ASSERT_EQ(counts[PCG_OUT_EXIT], 1001, "the same pid and start long after");
	pcg_corr__free(c);
}
