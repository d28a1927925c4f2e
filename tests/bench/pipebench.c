/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* pipebench.c - the pure ingestion path at scale, without BPF and without root: raw records
 * (as the kernel side and the live side make them) through pcg_pipeline__feed(), JSON lines to
 * a sink that only counts.  Phase 1 creates HELD containers (pod + container cgroups in
 * cgroup2 and one v1 hierarchy, systemd layout, no processes), as bench.sh's scale pass does;
 * phase 2 churns CHURN more beside them (mkdir x4, attach, fork, exec, exit, rmdir x4).  Per
 * event CPU (CLOCK_PROCESS_CPUTIME_ID) of each phase; under callgrind, use -p to pick one.
 *
 *   pipebench [-n HELD] [-c CHURN] [-m] [-x]
 *     -m  also send a PCG_EV_META record (names) before each container's first mkdir
 *     -x  bare 64-hex container ids (cgroupfs driver) with a PCG_EV_HINT before each
 *
 * Build: make pipebench (.output/pipebench). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "encode.h"
#include "pipeline.h"

#define MS 1000000ull

static unsigned long long out_bytes, out_lines;

static int sink(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	out_bytes += len;
	out_lines++;
	return 0;
}

static struct pcg_pipeline *pl;
static __u64 now = 1000 * MS;
static unsigned long long nev;
static bool with_meta, bare;

static void feed(const void *rec, size_t len)
{
	if (pcg_pipeline__feed(pl, rec, len) < 0) {
		fprintf(stderr, "pipebench: feed failed\n");
		exit(1);
	}
	nev++;
	now += 20000; /* 20 us apart */
}

static void pod_path(char *buf, size_t size, unsigned i)
{
	snprintf(buf, size,
		 "/kubepods.slice/kubepods-besteffort.slice/"
		 "kubepods-besteffort-pod%08x_0000_4000_8000_%012x.slice",
		 i, i);
}

static void ctr_id(char *buf, size_t size, unsigned i)
{
	snprintf(buf, size, "%056x%08x", 0xabcu, i);
}

static void ctr_path(char *buf, size_t size, unsigned i)
{
	char pod[256], id[65];

	pod_path(pod, sizeof(pod), i);
	ctr_id(id, sizeof(id), i);
	if (bare)
		snprintf(buf, size, "%s/%s", pod, id);
	else
		snprintf(buf, size, "%s/cri-containerd-%s.scope", pod, id);
}

static void cg_ev(__u16 type, __u32 hier, __u64 cgid, __u32 level, const char *path)
{
	union pcg_enc_buf b;

	feed(&b, pcg_enc_cgroup(&b, type, now, cgid, hier, level, 1, path, strlen(path)));
}

static void task_of(struct pcg_task *t, unsigned i)
{
	memset(t, 0, sizeof(*t));
	t->pid = t->tgid = 100000 + i;
	t->ppid = 99;
	t->nspid = 1;
	t->start_ns = now;
	t->cg_dfl = 2 * (__u64)i + 2;
	t->cg_v1 = 2 * (__u64)i + 2 + (1ull << 40);
	for (int k = 0; k < PCG_NS_COUNT; k++)
		t->ns[k] = 4026531832u + k;
	snprintf(t->comm, sizeof(t->comm), "app");
}

/* One container (and its pod): mkdir of both in cgroup2 (cgid 2i+1, 2i+2) and hierarchy 4. */
static void make_ctr(unsigned i)
{
	char pp[512], cp[512], id[65];

	pod_path(pp, sizeof(pp), i);
	ctr_path(cp, sizeof(cp), i);
	ctr_id(id, sizeof(id), i);
	if (bare) {
		union pcg_enc_buf b;

		feed(&b, pcg_enc_hint(&b, now, PCG_RT_CONTAINERD, id));
	}
	if (with_meta) {
		union pcg_enc_buf b;
		const char *str[PCG_META_NR] = { "web-0", "default", "app", "busybox:1", "" };
		size_t len[PCG_META_NR];
		char uid[40];

		for (int f = 0; f < PCG_META_NR; f++)
			len[f] = strlen(str[f]);
		snprintf(uid, sizeof(uid), "%08x-0000-4000-8000-%012x", i, i);
		feed(&b, pcg_enc_meta(&b, now, uid, id, PCG_CTYPE_CONTAINER, 0, false, str, len));
	}
	cg_ev(PCG_EV_CGROUP_MKDIR, 0, 2 * (__u64)i + 1, 3, pp);
	cg_ev(PCG_EV_CGROUP_MKDIR, 4, 2 * (__u64)i + 1 + (1ull << 40), 3, pp);
	cg_ev(PCG_EV_CGROUP_MKDIR, 0, 2 * (__u64)i + 2, 4, cp);
	cg_ev(PCG_EV_CGROUP_MKDIR, 4, 2 * (__u64)i + 2 + (1ull << 40), 4, cp);
}

static void run_ctr(unsigned i)
{
	union {
		struct pcg_ev_exec exec;
		struct pcg_ev_exit exit;
		struct pcg_ev_attach attach;
		char bytes[512];
	} r;
	const char *file = "/bin/sleep";
	char cp[512];

	ctr_path(cp, sizeof(cp), i);
	memset(&r, 0, sizeof(r));
	r.attach.hdr.type = PCG_EV_CGROUP_ATTACH;
	r.attach.hdr.ts = now;
	task_of(&r.attach.task, i);
	r.attach.cgid = 2 * (__u64)i + 2;
	r.attach.level = 4;
	r.attach.threadgroup = 1;
	r.attach.path_len = strlen(cp);
	memcpy(r.attach.path, cp, r.attach.path_len + 1);
	r.attach.hdr.size = (sizeof(r.attach) + r.attach.path_len + 1 + 7) & ~7u;
	feed(&r, r.attach.hdr.size);

	memset(&r, 0, sizeof(r));
	r.exec.hdr.type = PCG_EV_EXEC;
	r.exec.hdr.ts = now;
	task_of(&r.exec.task, i);
	r.exec.old_pid = r.exec.task.pid;
	r.exec.filename_len = strlen(file);
	memcpy(r.exec.filename, file, r.exec.filename_len + 1);
	r.exec.hdr.size = (sizeof(r.exec) + r.exec.filename_len + 1 + 7) & ~7u;
	feed(&r, r.exec.hdr.size);

	memset(&r, 0, sizeof(r));
	r.exit.hdr.type = PCG_EV_EXIT;
	r.exit.hdr.ts = now;
	r.exit.hdr.size = sizeof(r.exit);
	task_of(&r.exit.task, i);
	feed(&r, r.exit.hdr.size);
}

static void rm_ctr(unsigned i)
{
	char pp[512], cp[512];

	pod_path(pp, sizeof(pp), i);
	ctr_path(cp, sizeof(cp), i);
	cg_ev(PCG_EV_CGROUP_RMDIR, 0, 2 * (__u64)i + 2, 4, cp);
	cg_ev(PCG_EV_CGROUP_RMDIR, 4, 2 * (__u64)i + 2 + (1ull << 40), 4, cp);
	cg_ev(PCG_EV_CGROUP_RMDIR, 0, 2 * (__u64)i + 1, 3, pp);
	cg_ev(PCG_EV_CGROUP_RMDIR, 4, 2 * (__u64)i + 1 + (1ull << 40), 3, pp);
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct pcg_pipeline_opts o = { 0 };
	unsigned held = 20000, churn = 2000;
	unsigned long long n0;
	double t0, t1;
	int opt;

	while ((opt = getopt(argc, argv, "n:c:mx")) != -1) {
		switch (opt) {
		case 'n':
			held = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			churn = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			with_meta = true;
			break;
		case 'x':
			bare = true;
			break;
		default:
			fprintf(stderr, "usage: pipebench [-n HELD] [-c CHURN] [-m] [-x]\n");
			return 2;
		}
	}
	o.corr.traced_hier_mask = 1ull | 1ull << 4;
	o.corr.key_v1_hier = 4;
	o.fmt.json = true;
	o.fmt.node = "node1";
	pl = pcg_pipeline__new(&o, sink, NULL, NULL);
	if (!pl) {
		perror("pipebench: pipeline");
		return 1;
	}
	t0 = cpu_ns();
	n0 = nev;
	for (unsigned i = 0; i < held; i++)
		make_ctr(i);
	t1 = cpu_ns();
	printf("held=%u events=%llu ns_per_event=%.0f\n", held, nev - n0,
	       held ? (t1 - t0) / (nev - n0) : 0.0);
	t0 = cpu_ns();
	n0 = nev;
	for (unsigned i = held; i < held + churn; i++) {
		make_ctr(i);
		run_ctr(i);
		rm_ctr(i);
	}
	t1 = cpu_ns();
	printf("churn=%u events=%llu ns_per_event=%.0f\n", churn, nev - n0,
	       churn ? (t1 - t0) / (nev - n0) : 0.0);
	pcg_pipeline__flush(pl);
	printf("lines=%llu bytes=%llu\n", out_lines, out_bytes);
	pcg_pipeline__free(pl);
	return 0;
}
