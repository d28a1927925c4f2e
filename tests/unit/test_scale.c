/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_scale.c - the correlator at node scale: tables that grow, O(1) lookups, expiry.
 * Counts and memory, never time: the suite runs on shared machines. */
#include <malloc.h>
#if defined(__SANITIZE_ADDRESS__)
size_t __sanitizer_get_current_allocated_bytes(void); /* sanitizer/allocator_interface.h */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "decode.h"
#include "encode.h"
#include "test.h"

#define MS 1000000ull

struct counts {
	unsigned long long by_kind[_PCG_OUT_MAX];
	unsigned long long existing_pids;
};

static int count_out(void *ctx, const struct pcg_out *o)
{
	struct counts *n = ctx;

	n->by_kind[o->kind]++;
	n->existing_pids += o->nr_pids;
	return 0;
}

static int feed_cg(struct pcg_corr *c, __u16 type, __u32 hier, __u64 cgid, const char *path,
		   __u64 ts)
{
	struct pcg_event ev = { .type = type, .ts = ts, .cgid = cgid, .hier = hier };

	ev.str = path;
	ev.str_len = strlen(path);
	return pcg_corr__feed(c, &ev);
}

static int feed_task(struct pcg_corr *c, __u16 type, __u32 tgid, __u64 start, __u64 dfl, __u64 ts,
		     const char *file)
{
	struct pcg_event ev = { .type = type, .ts = ts, .has_task = true };

	ev.task.pid = ev.task.tgid = tgid;
	ev.task.nspid = 1;
	ev.task.ppid = 1;
	ev.task.start_ns = start;
	ev.task.cg_dfl = dfl;
	strcpy(ev.task.comm, "app");
	if (file) {
		ev.str = file;
		ev.str_len = strlen(file);
	}
	return pcg_corr__feed(c, &ev);
}

static void pod_path(char *buf, size_t size, unsigned i)
{
	snprintf(buf, size,
		 "/kubepods.slice/kubepods-besteffort.slice/"
		 "kubepods-besteffort-pod%08x_0000_4000_8000_%012x.slice",
		 i, i);
}

static void ctr_path(char *buf, size_t size, unsigned i)
{
	char pod[256];

	pod_path(pod, sizeof(pod), i);
	snprintf(buf, size, "%s/cri-containerd-%064x.scope", pod, i);
}

/* Bytes the program holds on the heap now (the unit tests run under ASan). */
static size_t heap_bytes(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return __sanitizer_get_current_allocated_bytes();
#else
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
#endif
}

/* Tables start small and double: entries inserted, found, removed in any order, across many
 * growths, with nothing refused and nothing left behind. */
PCG_TEST(scale_tables_grow_and_shrink_to_nothing)
{
	struct pcg_corr_opts o = { .traced_hier_mask = 1, .grace_ns = 1 };
	struct pcg_corr_stats st;
	struct counts n = { 0 };
	struct pcg_corr *c = pcg_corr__new(&o, count_out, &n);
	char path[512];
	const unsigned N = 5000;

	for (unsigned i = 0; i < N; i++) {
		pod_path(path, sizeof(path), i);
		feed_cg(c, PCG_EV_CGROUP_MKDIR, 0, 1000000 + i, path, 1 * MS);
		ctr_path(path, sizeof(path), i);
		feed_cg(c, PCG_EV_CGROUP_MKDIR, 0, 2000000 + i, path, 1 * MS);
		feed_task(c, PCG_EV_FORK, 10 + i, 5 + i, 2000000 + i, 2 * MS, NULL);
		feed_task(c, PCG_EV_EXEC, 10 + i, 5 + i, 2000000 + i, 2 * MS, "/app");
	}
	pcg_corr__stats(c, &st);
	ASSERT_EQ(st.cgroups, 2 * N, "cgroups held");
	ASSERT_EQ(st.objects, 2 * N, "pods + containers held");
	ASSERT_EQ(st.procs, N, "processes held");
	ASSERT_EQ(n.by_kind[PCG_OUT_CONTAINER_START], N, "every container found by its cgroup");
	/* exits and removals in another order than the inserts: odd ones first */
	for (unsigned pass = 0; pass < 2; pass++)
		for (unsigned i = pass ? 0 : 1; i < N; i += 2) {
			feed_task(c, PCG_EV_EXIT, 10 + i, 5 + i, 2000000 + i, 3 * MS, NULL);
			feed_cg(c, PCG_EV_CGROUP_RMDIR, 0, 2000000 + i, "", 4 * MS);
			feed_cg(c, PCG_EV_CGROUP_RMDIR, 0, 1000000 + i, "", 4 * MS);
		}
	pcg_corr__stats(c, &st);
	ASSERT_EQ(st.table_full, 0, "nothing refused");
	ASSERT_EQ(st.cgroups + st.objects + st.procs, 0, "nothing left");
	ASSERT_EQ(n.by_kind[PCG_OUT_EXIT], N, "exits");
	ASSERT_EQ(n.by_kind[PCG_OUT_CONTAINER_REMOVE], N, "container removals");
	ASSERT_EQ(n.by_kind[PCG_OUT_POD_REMOVE], N, "pod removals");
	pcg_corr__free(c);
}

/* The exit dedup window: one exit per process even with thousands of exits in the window,
 * and a reused pid with a new start time is a new process. */
PCG_TEST(scale_exit_dedup_by_hash)
{
	struct pcg_corr_opts o = { .traced_hier_mask = 1, .all = true };
	struct counts n = { 0 };
	struct pcg_corr *c = pcg_corr__new(&o, count_out, &n);
	const unsigned N = 20000;

	for (unsigned i = 0; i < N; i++) { /* 20,000 exits within 20 ms, each reported twice */
		feed_task(c, PCG_EV_EXIT, 100 + i, 7, 1, MS + i * 1000, NULL);
		feed_task(c, PCG_EV_EXIT, 100 + i, 7, 1, MS + i * 1000 + 1, NULL);
	}
	ASSERT_EQ(n.by_kind[PCG_OUT_EXIT], N, "one exit per process");
	for (unsigned i = 0; i < 100; i++) /* the pids again, a new process each */
		feed_task(c, PCG_EV_EXIT, 100 + i, 8, 1, 30 * MS, NULL);
	ASSERT_EQ(n.by_kind[PCG_OUT_EXIT], N + 100, "reused pids are new processes");
	for (unsigned i = 0; i < 100; i++) /* long after the window: a new report again */
		feed_task(c, PCG_EV_EXIT, 100 + i, 8, 1, 1000 * MS, NULL);
	ASSERT_EQ(n.by_kind[PCG_OUT_EXIT], N + 200, "window expired");
	pcg_corr__free(c);
}

/* A node at the stated scale: 100,000 live containers (each with its pod) and 1,000,000
 * live processes in them at once, found through the start-up scan and then live; then all of
 * it goes away and the memory with it.  Memory is checked against the README's bound. */
PCG_TEST(scale_100k_containers_1m_processes)
{
	struct pcg_corr_opts o = { .traced_hier_mask = 1, .grace_ns = 1 };
	const unsigned NC = 100000, PER = 10;
	struct pcg_corr_stats st;
	struct counts n = { 0 };
	size_t heap0 = heap_bytes(), held;
	struct pcg_corr *c = pcg_corr__new(&o, count_out, &n);
	char path[512];
	__u32 pid = 1000;

	/* the first half as found by the start-up scan, the rest live */
	for (unsigned i = 0; i < NC; i++) {
		__u16 t = i < NC / 2 ? PCG_EV_EXISTING_CGROUP : PCG_EV_CGROUP_MKDIR;

		pod_path(path, sizeof(path), i);
		feed_cg(c, t, 0, 1000000 + i, path, 1 * MS);
		ctr_path(path, sizeof(path), i);
		feed_cg(c, t, 0, 2000000 + i, path, 1 * MS);
		for (unsigned k = 0; k < PER; k++, pid++)
			feed_task(c, i < NC / 2 ? PCG_EV_EXISTING_TASK : PCG_EV_FORK, pid, pid,
				  2000000 + i, 2 * MS, NULL);
		if (i == NC / 2 - 1) {
			struct pcg_event done = { .type = PCG_EV_SCAN_DONE, .ts = 2 * MS };

			pcg_corr__feed(c, &done);
		}
	}
	pcg_corr__stats(c, &st);
	held = heap_bytes() - heap0;
	ASSERT_EQ(st.table_full, 0, "nothing refused");
	ASSERT_EQ(st.cgroups, 2 * NC, "cgroups held");
	ASSERT_EQ(st.objects, 2 * NC, "pods + containers held");
	ASSERT_EQ(st.procs, (unsigned long long)NC * PER, "processes held");
	ASSERT_EQ(n.by_kind[PCG_OUT_CONTAINER_EXISTING], NC / 2, "existing containers");
	ASSERT_EQ(n.existing_pids, (unsigned long long)NC / 2 * PER, "their processes");
	ASSERT_EQ(n.by_kind[PCG_OUT_CONTAINER_CREATE], NC / 2, "live containers");
	/* the README's figures: 180 bytes a process, 1,400 bytes a container with its pod */
	fprintf(stderr, "# scale: %zu MiB held for %u containers and %llu processes\n", held >> 20,
		NC, (unsigned long long)st.procs);
	ASSERT_TRUE(held <= (size_t)NC * PER * 180 + (size_t)NC * 1400, "memory within bound");

	/* everything exits and is removed: the tables empty and the memory comes back */
	pid = 1000;
	for (unsigned i = 0; i < NC; i++) {
		for (unsigned k = 0; k < PER; k++, pid++)
			feed_task(c, PCG_EV_EXIT, pid, pid, 2000000 + i, 3 * MS, NULL);
		feed_cg(c, PCG_EV_CGROUP_RMDIR, 0, 2000000 + i, "", 4 * MS);
		feed_cg(c, PCG_EV_CGROUP_RMDIR, 0, 1000000 + i, "", 4 * MS);
	}
	pcg_corr__stats(c, &st);
	ASSERT_EQ(st.cgroups + st.objects + st.procs, 0, "all expired");
	ASSERT_EQ(n.by_kind[PCG_OUT_EXIT], (unsigned long long)NC * PER, "exits");
	ASSERT_EQ(n.by_kind[PCG_OUT_CONTAINER_REMOVE], NC, "removals");
	pcg_corr__free(c);
	ASSERT_TRUE(heap_bytes() <= heap0 + (1u << 20), "memory returned");
}

/* Hints and names stashed for a cgroup that never comes (names a retry found after the
 * container was removed, a hint whose mkdir was lost) do not pile up: they go STASH_TTL_NS
 * (10 s) after they came, and what came in time is still used. */
PCG_TEST(scale_stashed_names_and_hints_expire)
{
	static const char *pod_str[PCG_META_NR] = { "web-0", "shop", "", "", "" };
	static const char *ctr_str[PCG_META_NR] = { "", "", "web", "nginx:1", "" };
	struct pcg_corr_opts o = { .traced_hier_mask = 1, .grace_ns = 1 };
	struct pcg_corr_stats st;
	struct counts n = { 0 };
	struct pcg_corr *c = pcg_corr__new(&o, count_out, &n);
	size_t len[PCG_META_NR], heap0;
	const unsigned N = 3000;
	union pcg_enc_buf b;
	struct pcg_event ev;
	char path[512], uid[40], cid[65];

	if (!ASSERT_TRUE(c != NULL, "correlator"))
		return;
	/* warm the pools and tables: what stays after expiry is then the tables' own size */
	heap0 = heap_bytes();
	for (unsigned i = 0; i < N; i++) {
		__u64 ts = (__u64)(i + 1) * MS;

		snprintf(uid, sizeof(uid), "%08x-0000-4000-8000-%012x", i, i);
		snprintf(cid, sizeof(cid), "%064x", i);
		for (int k = 0; k < PCG_META_NR; k++)
			len[k] = strlen(pod_str[k]);
		pcg_decode(&b, pcg_enc_meta(&b, ts, uid, "", 0, 0, false, pod_str, len), &ev);
		ASSERT_OK(pcg_corr__feed(c, &ev), "pod names");
		for (int k = 0; k < PCG_META_NR; k++)
			len[k] = strlen(ctr_str[k]);
		pcg_decode(&b,
			   pcg_enc_meta(&b, ts, uid, cid, PCG_CTYPE_CONTAINER, 0, false, ctr_str,
					len),
			   &ev);
		ASSERT_OK(pcg_corr__feed(c, &ev), "container names");
		pcg_decode(&b, pcg_enc_hint(&b, ts, PCG_RT_CRIO, cid), &ev);
		ASSERT_OK(pcg_corr__feed(c, &ev), "hint");
	}
	pcg_corr__stats(c, &st);
	ASSERT_EQ(st.stashed, 3 * N, "held while they may still be needed");
	ASSERT_EQ(st.table_full, 0, "nothing refused");
	/* 9 s after the last one: the first 2,000 pods' are more than 10 s old; the last
	 * pod's cgroups come now and take theirs */
	pod_path(path, sizeof(path), N - 1);
	feed_cg(c, PCG_EV_CGROUP_MKDIR, 0, 1000000, path, (N + 9000) * MS);
	pcg_corr__stats(c, &st);
	ASSERT_EQ(st.stash_expired, 3 * (N - 1000) - 3, "expired: older than 10 s");
	ASSERT_EQ(st.stashed, 3 * 1000 + 3 - 1, "kept: the last 1,000 pods' less the one used");
	/* long after: nothing stashed, the memory back */
	feed_cg(c, PCG_EV_CGROUP_RMDIR, 0, 1000000, "", (N + 30000) * MS);
	pcg_corr__stats(c, &st);
	ASSERT_EQ(st.stashed, 0, "all gone");
	ASSERT_EQ(st.stash_expired, 3 * N - 1, "each counted");
	ASSERT_TRUE(heap_bytes() - heap0 < (size_t)N * 3 * 100, "the stashes' memory back");
	pcg_corr__free(c);
}
