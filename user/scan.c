/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* scan.c - the host's cgroup layout, and the containers that exist when tracing starts. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cgpath.h"
#include "clock.h"
#include "decode.h"
#include "encode.h"
#include "log.h"
#include "pcg_abi.h"
#include "pipeline.h"
#include "procfs.h"
#include "record.h"
#include "scan.h"

#ifndef PCG_VERSION
#define PCG_VERSION "0.0.0"
#endif

#define WALK_MAX_DEPTH PCG_SCAN_MAX_DEPTH /* correlate.h: a rescan's sweep relies on it */

static bool is_cgroupfs(const char *path)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 &&
	       (sfs.f_type == CGROUP_SUPER_MAGIC || sfs.f_type == CGROUP2_SUPER_MAGIC);
}

/* Mount point of the hierarchy with these controllers, from @proc's mountinfo; @prefix is
 * put before it ("/proc/1/root" when the host's view is read from inside a container). */
static void find_mount(struct pcg_hier_desc *h, const char *proc, const char *prefix)
{
	char line[4096], path[64];
	struct pcg_mountinfo m;
	FILE *f;

	snprintf(path, sizeof(path), "%s/mountinfo", proc);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		int n;

		if (pcg_parse_mountinfo(line, &m) || !pcg_mount_is_hier(&m, h->id, h->controllers))
			continue;
		n = snprintf(h->mount, sizeof(h->mount), "%s%s", prefix,
			     prefix[0] && !strcmp(m.mnt, "/") ? "" : m.mnt);
		/* a mount shadowed by a later one (a tmpfs over /sys/fs/cgroup in a container) is
		 * listed but shows something else */
		if (n > 0 && (size_t)n < sizeof(h->mount) && is_cgroupfs(h->mount))
			break;
		h->mount[0] = 0;
	}
	fclose(f);
}

/* Inside a container (a DaemonSet pod with hostPID), our own cgroup namespace and mounts show
 * only the pod's part of the tree, while the tracepoints name cgroups from the hierarchy
 * root.  When PID 1 (the host's init with hostPID) lives in other cgroup or mount namespaces,
 * read the layout from its view, through /proc/1/root. */
static bool use_host_view(void)
{
	static const char *const ns[] = { "cgroup", "mnt" };
	struct stat self, init;
	char p[64];

	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		snprintf(p, sizeof(p), "/proc/self/ns/%s", ns[i]);
		if (stat(p, &self))
			continue;
		snprintf(p, sizeof(p), "/proc/1/ns/%s", ns[i]);
		if (stat(p, &init))
			return false; /* cannot see PID 1's: keep our own view */
		if (self.st_ino != init.st_ino)
			return true;
	}
	return false;
}

int pcg_scan_layout(bool all_hier, struct pcg_layout *ret)
{
	struct pcg_layout l = { 0 };
	char line[4096], *ctl, *path;
	bool host = use_host_view();
	const char *proc = host ? "/proc/1" : "/proc/self";
	struct stat st;
	FILE *f;
	int err;

	l.host_view = host;
	snprintf(line, sizeof(line), "%s/cgroup", proc);
	f = fopen(line, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f) && l.nr < PCG_LAYOUT_MAX_HIER) {
		struct pcg_hier_desc *h = &l.h[l.nr];

		if (pcg_parse_cgroup_line(line, &h->id, &ctl, &path))
			continue;
		snprintf(h->controllers, sizeof(h->controllers), "%s", ctl);
		find_mount(h, proc, host ? "/proc/1/root" : "");
		if (!h->mount[0])
			continue;
		l.nr++;
	}
	fclose(f);
	err = pcg_layout_decide(&l, all_hier);
	if (err)
		return err;
	if (stat("/proc/self/ns/mnt", &st) == 0)
		l.nsfs_dev = st.st_dev;
	*ret = l;
	return 0;
}

int pcg_scan_layout_said(bool all_hier, struct pcg_layout *ret)
{
	int err = pcg_scan_layout(all_hier, ret);

	if (err)
		pcg_err("cannot find a mounted cgroup filesystem in '/proc/self/mountinfo': %s (in "
			"a container: run it with the host's PID namespace and CAP_SYS_PTRACE, so the "
			"host's view is read through /proc/1/root)",
			strerror(-err));
	return err;
}

static bool name_has_kubepods(const char *name)
{
	return strstr(name, "kubepods") != NULL;
}

struct walk {
	const struct pcg_layout *l;
	const struct pcg_hier_desc *h;
	char path[PCG_PATH_MAX];
	/* seed */
	pcg_seed_fn seed;
	void *seed_ctx;
	/* existing */
	pcg_scan_fn fn;
	bool all;
	bool tasks; /* this hierarchy keys membership: read cgroup.procs */
	void *ctx;
	int count;
	int err;
};

static int emit_cgroup(struct walk *w, __u64 cgid, unsigned level)
{
	union pcg_enc_buf b;
	size_t n = pcg_enc_cgroup(&b, PCG_EV_EXISTING_CGROUP, pcg_boottime_ns(), cgid, w->h->id,
				  level, 0, w->path, strlen(w->path));

	return w->fn(w->ctx, &b, n);
}

/* Reads a small /proc file whole, NUL-terminated; returns its length or -errno. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, len = 0;

	if (fd < 0)
		return -errno;
	while ((size_t)len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = 0;
	return len;
}

/* Fills the kernel's view of a process from /proc; returns 0 or -errno (it exited). */
static int read_task(const struct pcg_layout *l, int pid, struct pcg_task *t)
{
	static const char *const ns_files[PCG_NS_COUNT] = {
		[PCG_NS_MNT] = "mnt",	    [PCG_NS_UTS] = "uts",   [PCG_NS_IPC] = "ipc",
		[PCG_NS_PID] = "pid",	    [PCG_NS_NET] = "net",   [PCG_NS_USER] = "user",
		[PCG_NS_CGROUP] = "cgroup", [PCG_NS_TIME] = "time",
	};
	char p[128], buf[4096], *ctl, *path;
	long tck = sysconf(_SC_CLK_TCK);
	__u64 start = 0;
	struct stat st;
	ssize_t n;
	FILE *f;
	__u32 id;

	memset(t, 0, sizeof(*t));
	t->pid = t->tgid = pid;
	snprintf(p, sizeof(p), "/proc/%d/stat", pid);
	n = read_small(p, buf, sizeof(buf));
	if (n < 0)
		return n;
	if (n == 0)
		return -ESRCH;
	if (pcg_parse_stat(buf, t->comm, &t->ppid, &start))
		return -EBADMSG;
	t->start_ns = tck > 0 ? start * (1000000000ull / tck) : 0;

	snprintf(p, sizeof(p), "/proc/%d/status", pid);
	n = read_small(p, buf, sizeof(buf));
	if (n < 0)
		return n;
	pcg_parse_status(buf, &t->uid, &t->nspid);

	for (int i = 0; i < PCG_NS_COUNT; i++) {
		snprintf(p, sizeof(p), "/proc/%d/ns/%s", pid, ns_files[i]);
		if (stat(p, &st) == 0)
			t->ns[i] = st.st_ino;
	}

	snprintf(p, sizeof(p), "/proc/%d/cgroup", pid);
	f = fopen(p, "re");
	if (!f)
		return -errno;
	while (fgets(buf, sizeof(buf), f)) {
		char full[PATH_MAX];

		if (pcg_parse_cgroup_line(buf, &id, &ctl, &path))
			continue;
		for (unsigned i = 0; i < l->nr; i++) {
			if (l->h[i].id != id || (id && id != l->key_hier))
				continue;
			if (snprintf(full, sizeof(full), "%s%s", l->h[i].mount, path) >=
				    (int)sizeof(full) ||
			    stat(full, &st))
				continue;
			if (id == 0)
				t->cg_dfl = st.st_ino;
			else
				t->cg_v1 = st.st_ino;
		}
	}
	fclose(f);
	return 0;
}

/* PCG_EV_TASK_INFO: the command line of a process just emitted, if it can still be read. */
static int emit_cmdline(struct walk *w, const struct pcg_task *t)
{
	union pcg_enc_buf b;
	char p[64], args[PCG_CMDLINE_MAX + 1];
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/%u/cmdline", t->tgid);
	n = read_small(p, args, sizeof(args));
	if (n < 0)
		return 0; /* exited meanwhile: its record says what it was */
	return w->fn(w->ctx, &b,
		     pcg_enc_task_info(&b, pcg_boottime_ns(), t->tgid, t->start_ns, args, n,
				       false));
}

static int emit_tasks(struct walk *w, int dirfd, __u64 cgid)
{
	int fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	char line[32];
	FILE *f;
	int err = 0;

	if (fd < 0)
		return 0;
	f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return 0;
	}
	while (!err && fgets(line, sizeof(line), f)) {
		union pcg_enc_buf b;
		struct pcg_task t;
		int pid = atoi(line);

		if (pid <= 0)
			continue;
		if (read_task(w->l, pid, &t))
			continue; /* exited meanwhile */
		/* the directory it is listed in is its cgroup here, whatever cgroup namespace
		 * /proc/PID/cgroup was printed for */
		if (w->h->id == 0)
			t.cg_dfl = cgid;
		else if (w->h->id == w->l->key_hier)
			t.cg_v1 = cgid;
		err = w->fn(w->ctx, &b,
			    pcg_enc_task(&b, PCG_EV_EXISTING_TASK, pcg_boottime_ns(), &t));
		if (!err)
			err = emit_cmdline(w, &t);
	}
	fclose(f);
	return err;
}

/* Depth-first walk below @dirfd (path in w->path).  @in_kube: an ancestor is a kubepods dir. */
static void walk_dir(struct walk *w, int dirfd, unsigned level, bool in_kube)
{
	struct pcg_cgpath pp;
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (w->err || level > WALK_MAX_DEPTH || fstat(dirfd, &st))
		return;
	if (level) {
		const char *base = strrchr(w->path, '/') + 1;

		in_kube = in_kube || name_has_kubepods(base);
		if (w->seed && in_kube) {
			w->err = w->seed(w->seed_ctx, w->h->id, st.st_ino);
			w->count++;
		}
		if (w->fn && pcg_cgpath_parse(w->path, strlen(w->path), &pp) == 0 &&
		    (pp.pod_uid[0] || w->all) &&
		    (pp.kind == PCG_CG_POD || pp.kind == PCG_CG_CONTAINER ||
		     pp.kind == PCG_CG_CONTAINER_SUB)) {
			w->err = emit_cgroup(w, st.st_ino, level);
			if (!w->err && w->tasks && pp.kind != PCG_CG_POD)
				w->err = emit_tasks(w, dirfd, st.st_ino);
			w->count++;
		}
	}
	d = fdopendir(dup(dirfd));
	if (!d)
		return;
	while (!w->err && (de = readdir(d))) {
		size_t len = strlen(w->path);
		int fd;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (len + 1 + strlen(de->d_name) >= sizeof(w->path))
			continue;
		fd = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		snprintf(w->path + len, sizeof(w->path) - len, "/%s", de->d_name);
		walk_dir(w, fd, level + 1, in_kube);
		w->path[len] = 0;
		close(fd);
	}
	closedir(d);
}

static int walk_all(struct walk *w)
{
	const struct pcg_layout *l = w->l;
	/* the hierarchy whose cgroup.procs names the processes: cgroup2 if traced, else the key */
	__u32 task_hier = (l->traced_mask & 1) ? 0 : l->key_hier;

	for (unsigned i = 0; i < l->nr && !w->err; i++) {
		int fd;

		if (l->h[i].id >= 64 || !(l->traced_mask & (1ull << l->h[i].id)))
			continue;
		fd = open(l->h[i].mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		w->h = &l->h[i];
		w->tasks = l->h[i].id == task_hier;
		w->path[0] = 0;
		walk_dir(w, fd, 0, false);
		close(fd);
	}
	return w->err ? w->err : w->count;
}

int pcg_scan_seed(const struct pcg_layout *l, pcg_seed_fn fn, void *ctx)
{
	struct walk *w = calloc(1, sizeof(*w));
	int ret;

	if (!w)
		return -ENOMEM;
	w->l = l;
	w->seed = fn;
	w->seed_ctx = ctx;
	ret = walk_all(w);
	free(w);
	return ret;
}

int pcg_scan_existing(const struct pcg_layout *l, bool all, pcg_scan_fn fn, void *ctx)
{
	return pcg_scan_existing_seed(l, all, fn, ctx, NULL, NULL);
}

int pcg_scan_existing_seed(const struct pcg_layout *l, bool all, pcg_scan_fn fn, void *ctx,
			   pcg_seed_fn seed, void *seed_ctx)
{
	struct walk *w = calloc(1, sizeof(*w));
	union pcg_enc_buf b;
	int ret;

	if (!w)
		return -ENOMEM;
	w->l = l;
	w->fn = fn;
	w->all = all;
	w->ctx = ctx;
	w->seed = seed;
	w->seed_ctx = seed_ctx;
	ret = walk_all(w);
	free(w);
	if (ret < 0)
		return ret;
	return fn(ctx, &b, pcg_enc_mark(&b, PCG_EV_SCAN_DONE, pcg_boottime_ns()));
}

int pcg_scan_parent_of(int pid)
{
	char p[64], buf[512], comm[PCG_COMM_LEN];
	__u64 start;
	__u32 ppid;

	snprintf(p, sizeof(p), "/proc/%d/stat", pid);
	if (read_small(p, buf, sizeof(buf)) <= 0 || pcg_parse_stat(buf, comm, &ppid, &start))
		return 0;
	return ppid;
}

int pcg_scan_runtime_of(int pid)
{
	char p[64], args[4096];
	ssize_t n;
	int rt;

	/* Only the runtime's own helpers are trusted: the shim or conmon among the ancestors.
	 * A process inside a container (a workload named "dockerd", Docker-in-Docker) must not
	 * decide what runtime the node uses. */
	for (int depth = 0; pid > 1 && depth < 6; depth++, pid = pcg_scan_parent_of(pid)) {
		snprintf(p, sizeof(p), "/proc/%d/cmdline", pid);
		n = read_small(p, args, sizeof(args));
		if (n <= 0)
			continue;
		if (args[n - 1])
			n++; /* cut: read_small terminated it */
		rt = pcg_runtime_from_cmdline(args, n);
		if (rt != PCG_RT_UNKNOWN)
			return rt;
	}
	return PCG_RT_UNKNOWN;
}

int pcg_scan_first_pid(const struct pcg_layout *l, __u32 hier, const char *path)
{
	char p[PATH_MAX], line[32];
	FILE *f;
	int pid = 0;

	for (unsigned i = 0; i < l->nr; i++) {
		if (l->h[i].id != hier)
			continue;
		if (snprintf(p, sizeof(p), "%s%s/cgroup.procs", l->h[i].mount, path) >=
		    (int)sizeof(p))
			return 0;
		f = fopen(p, "re");
		if (!f)
			return 0;
		if (fgets(line, sizeof(line), f))
			pid = atoi(line);
		fclose(f);
	}
	return pid;
}

void pcg_scan_header(const struct pcg_layout *lay, const char *node, bool all,
		     struct pcg_rec_header *ret)
{
	struct pcg_rec_header *h = ret;
	struct utsname un;
	FILE *f;

	memset(h, 0, sizeof(*h));
	h->abi_version = PCG_ABI_VERSION;
	snprintf(h->tool_version, sizeof(h->tool_version), "%s", PCG_VERSION);
	if (uname(&un) == 0) {
		snprintf(h->hostname, sizeof(h->hostname), "%s", un.nodename);
		snprintf(h->kernel_release, sizeof(h->kernel_release), "%s", un.release);
	}
	f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (f) {
		if (fgets(h->boot_id, sizeof(h->boot_id), f))
			h->boot_id[strcspn(h->boot_id, "\n")] = 0;
		fclose(f);
	}
	if (node)
		snprintf(h->node, sizeof(h->node), "%s", node);
	h->boot_to_realtime_ns = pcg_boot_to_realtime_ns();
	h->cgroup_mode = lay->mode;
	h->key_v1_hier = lay->key_hier;
	h->traced_hier_mask = lay->traced_mask;
	h->nsfs_dev = lay->nsfs_dev;
	h->flags = all ? PCG_REC_F_ALL : 0;
	for (unsigned i = 0; i < lay->nr && i < PCG_REC_MAX_HIER; i++) {
		h->hier[i].id = lay->h[i].id;
		snprintf(h->hier[i].controllers, sizeof(h->hier[i].controllers), "%s",
			 lay->h[i].id ? lay->h[i].controllers : "cgroup2");
		h->nr_hier++;
	}
}

/* A bare 64-hex last component: the only container cgroup name that does not tell its
 * runtime (cgpath.c's match_leaf).  Anything else skips the parse below: the pipeline parses
 * every cgroup event anyway, and a second parse here was 4% of the tracer's CPU (perf) in a
 * container churn. */

static bool bare_id_leaf(const char *s, size_t n)
{
	const char *slash = memrchr(s, '/', n);
	size_t off = slash ? (size_t)(slash - s) + 1 : 0;

	if (n - off != PCG_CONTAINER_ID_LEN)
		return false;
	for (size_t i = off; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

size_t pcg_scan_hint(const struct pcg_layout *l, struct pcg_pipeline *pl, const void *rec,
		     size_t len, union pcg_enc_buf *ret)
{
	struct pcg_event ev;
	struct pcg_cgpath pp;
	int pid, runtime;

	/* only a bare 64-hex leaf leaves the runtime unknown (cgpath.c): parse nothing else */
	if (pcg_decode(rec, len, &ev) || !ev.str || !bare_id_leaf(ev.str, ev.str_len) ||
	    pcg_cgpath_parse_memo(pcg_pipeline__path_memo(pl), ev.str, ev.str_len, &pp) ||
	    pp.kind != PCG_CG_CONTAINER || pp.runtime != PCG_RT_UNKNOWN)
		return 0; /* sub-cgroups may be made by a runtime nested in the container */
	if (pcg_pipeline__runtime_known(pl, pp.container_id))
		return 0;
	pid = ev.writer_pid;
	if (ev.type != PCG_EV_CGROUP_MKDIR) {
		char path[PCG_PATH_MAX];

		snprintf(path, sizeof(path), "%.*s", (int)pp.container_end, ev.str);
		pid = pcg_scan_first_pid(l, ev.hier, path);
		pid = pid > 0 ? pcg_scan_parent_of(pid) : 0; /* the shim, not the workload */
	}
	runtime = pid > 0 ? pcg_scan_runtime_of(pid) : PCG_RT_UNKNOWN;
	if (runtime == PCG_RT_UNKNOWN)
		return 0;
	return pcg_enc_hint(ret, ev.ts, runtime, pp.container_id);
}
