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
#include <time.h>
#include <unistd.h>

#include "cgpath.h"
#include "pcg_abi.h"
#include "scan.h"

#define WALK_MAX_DEPTH 24

__u64 pcg_boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

__s64 pcg_boot_to_realtime_ns(void)
{
	__s64 best = 0, best_gap = -1;

	/* take the tightest of a few samples */
	for (int i = 0; i < 5; i++) {
		struct timespec a, r, b;
		__s64 an, rn, bn;

		clock_gettime(CLOCK_BOOTTIME, &a);
		clock_gettime(CLOCK_REALTIME, &r);
		clock_gettime(CLOCK_BOOTTIME, &b);
		an = a.tv_sec * 1000000000ll + a.tv_nsec;
		bn = b.tv_sec * 1000000000ll + b.tv_nsec;
		rn = r.tv_sec * 1000000000ll + r.tv_nsec;
		if (best_gap < 0 || bn - an < best_gap) {
			best_gap = bn - an;
			best = rn - (an + (bn - an) / 2);
		}
	}
	return best;
}

static const struct {
	const char *name;
	int ctrl; /* PCG_V1_* */
} key_ctrls[] = {
	{ "memory", PCG_V1_MEMORY }, { "pids", PCG_V1_PIDS },	    { "cpuset", PCG_V1_CPUSET },
	{ "cpu", PCG_V1_CPU },	     { "devices", PCG_V1_DEVICES }, { "freezer", PCG_V1_FREEZER },
	{ "blkio", PCG_V1_BLKIO },
};

static bool has_token(const char *list, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && !strncmp(p, tok, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

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
	FILE *f;

	snprintf(path, sizeof(path), "%s/mountinfo", proc);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - "), *fields[8] = { 0 }, *save = NULL, *tok;
		char mnt[1024], root[1024], fstype[64], src[256], opts[1024];
		int n = 0;

		if (!sep)
			continue;
		if (sscanf(sep + 3, "%63s %255s %1023s", fstype, src, opts) != 3)
			continue;
		*sep = 0;
		for (tok = strtok_r(line, " ", &save); tok && n < 8;
		     tok = strtok_r(NULL, " ", &save))
			fields[n++] = tok;
		if (n < 5)
			continue;
		snprintf(root, sizeof(root), "%s", fields[3]);
		snprintf(mnt, sizeof(mnt), "%s", fields[4]);
		if (strcmp(root, "/"))
			continue; /* a bind mount of a sub-tree */
		if (h->id == 0 ? strcmp(fstype, "cgroup2") == 0 : strcmp(fstype, "cgroup") == 0) {
			bool match = true;

			if (h->id) {
				char ctl[64];

				snprintf(ctl, sizeof(ctl), "%s", h->controllers);
				for (char *s2 = NULL, *c = strtok_r(ctl, ",", &s2); c;
				     c = strtok_r(NULL, ",", &s2))
					if (!has_token(opts, c))
						match = false;
			}
			if (match) {
				int n = snprintf(h->mount, sizeof(h->mount), "%s%s", prefix,
						 prefix[0] && !strcmp(mnt, "/") ? "" : mnt);

				/* a mount shadowed by a later one (a tmpfs over /sys/fs/cgroup in a
				 * container) is listed but shows something else */
				if (n > 0 && (size_t)n < sizeof(h->mount) && is_cgroupfs(h->mount))
					break;
				h->mount[0] = 0;
			}
		}
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
	char line[4096];
	bool have_v2 = false, have_v1 = false;
	bool host = use_host_view();
	const char *proc = host ? "/proc/1" : "/proc/self";
	struct stat st;
	FILE *f;

	l.host_view = host;
	snprintf(line, sizeof(line), "%s/cgroup", proc);
	f = fopen(line, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f) && l.nr < PCG_LAYOUT_MAX_HIER) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		struct pcg_hier_desc *h = &l.h[l.nr];

		if (!c2)
			continue;
		*c1 = *c2 = 0;
		h->id = strtoul(line, NULL, 10);
		snprintf(h->controllers, sizeof(h->controllers), "%s", c1 + 1);
		find_mount(h, proc, host ? "/proc/1/root" : "");
		if (!h->mount[0])
			continue;
		l.nr++;
	}
	fclose(f);
	for (unsigned i = 0; i < l.nr; i++) {
		if (l.h[i].id == 0)
			have_v2 = true;
		else
			have_v1 = true;
	}
	if (!l.nr)
		return -ENOENT;
	l.mode = have_v1 && have_v2 ? 3 : have_v2 ? 2 : 1;
	for (size_t k = 0; k < sizeof(key_ctrls) / sizeof(key_ctrls[0]) && !l.key_ctrl; k++)
		for (unsigned i = 0; i < l.nr; i++)
			if (l.h[i].id && has_token(l.h[i].controllers, key_ctrls[k].name)) {
				l.key_ctrl = key_ctrls[k].ctrl;
				l.key_hier = l.h[i].id;
				break;
			}
	for (unsigned i = 0; i < l.nr; i++) {
		if (l.h[i].id >= 64)
			continue;
		if (all_hier || l.h[i].id == 0 || (l.key_ctrl && l.h[i].id == l.key_hier))
			l.traced_mask |= 1ull << l.h[i].id;
	}
	if (stat("/proc/self/ns/mnt", &st) == 0)
		l.nsfs_dev = st.st_dev;
	*ret = l;
	return 0;
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
	size_t n = strlen(w->path);
	union {
		struct pcg_ev_cgroup e;
		char buf[sizeof(struct pcg_ev_cgroup) + PCG_PATH_MAX];
	} u;

	memset(&u.e, 0, sizeof(u.e));
	u.e.hdr.type = PCG_EV_EXISTING_CGROUP;
	u.e.hdr.size = sizeof(u.e) + n + 1;
	u.e.hdr.ts = pcg_boottime_ns();
	u.e.cgid = cgid;
	u.e.hier = w->h->id;
	u.e.level = level;
	u.e.path_len = n;
	memcpy(u.buf + sizeof(u.e), w->path, n + 1);
	return w->fn(w->ctx, u.buf, u.e.hdr.size);
}

/* Fills the kernel's view of a process from /proc; returns 0 or -errno (it exited). */
static int read_task(const struct pcg_layout *l, int pid, struct pcg_task *t)
{
	static const char *const ns_files[PCG_NS_COUNT] = {
		[PCG_NS_MNT] = "mnt",	    [PCG_NS_UTS] = "uts",   [PCG_NS_IPC] = "ipc",
		[PCG_NS_PID] = "pid",	    [PCG_NS_NET] = "net",   [PCG_NS_USER] = "user",
		[PCG_NS_CGROUP] = "cgroup", [PCG_NS_TIME] = "time",
	};
	char p[128], buf[4096], *s, *e;
	unsigned long long start = 0;
	long tck = sysconf(_SC_CLK_TCK);
	struct stat st;
	ssize_t n;
	FILE *f;
	int fd;

	memset(t, 0, sizeof(*t));
	t->pid = t->tgid = pid;
	snprintf(p, sizeof(p), "/proc/%d/stat", pid);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = 0;
	s = strchr(buf, '(');
	e = strrchr(buf, ')');
	if (!s || !e || e < s)
		return -EBADMSG;
	n = e - s - 1;
	if (n > PCG_COMM_LEN - 1)
		n = PCG_COMM_LEN - 1;
	memcpy(t->comm, s + 1, n);
	/* after ") ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
	 * utime stime cutime cstime priority nice threads itrealvalue starttime */
	{
		char state;
		int ppid;

		if (sscanf(e + 2,
			   "%c %d %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
			   "%*s %*s %*s %llu",
			   &state, &ppid, &start) != 3)
			return -EBADMSG;
		t->ppid = ppid;
	}
	t->start_ns = tck > 0 ? start * (1000000000ull / tck) : 0;

	snprintf(p, sizeof(p), "/proc/%d/status", pid);
	f = fopen(p, "re");
	if (!f)
		return -errno;
	while (fgets(buf, sizeof(buf), f)) {
		if (!strncmp(buf, "Uid:", 4)) {
			t->uid = strtoul(buf + 4, NULL, 10);
		} else if (!strncmp(buf, "NSpid:", 6)) {
			char *last = NULL, *save = NULL;

			for (char *tok = strtok_r(buf + 6, " \t\n", &save); tok;
			     tok = strtok_r(NULL, " \t\n", &save))
				last = tok;
			if (last)
				t->nspid = strtoul(last, NULL, 10);
		}
	}
	fclose(f);

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
		char *c1 = strchr(buf, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL, full[PATH_MAX];
		unsigned id;

		if (!c2)
			continue;
		*c1 = 0;
		id = strtoul(buf, NULL, 10);
		c2[strcspn(c2, "\n")] = 0;
		for (unsigned i = 0; i < l->nr; i++) {
			if (l->h[i].id != id || (id && id != l->key_hier))
				continue;
			if (snprintf(full, sizeof(full), "%s%s", l->h[i].mount, c2 + 1) >=
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
		struct pcg_ev_task e;
		int pid = atoi(line);

		if (pid <= 0)
			continue;
		memset(&e, 0, sizeof(e));
		if (read_task(w->l, pid, &e.task))
			continue; /* exited meanwhile */
		/* the directory it is listed in is its cgroup here, whatever cgroup namespace
		 * /proc/PID/cgroup was printed for */
		if (w->h->id == 0)
			e.task.cg_dfl = cgid;
		else if (w->h->id == w->l->key_hier)
			e.task.cg_v1 = cgid;
		e.hdr.type = PCG_EV_EXISTING_TASK;
		e.hdr.size = sizeof(e);
		e.hdr.ts = pcg_boottime_ns();
		err = w->fn(w->ctx, &e, sizeof(e));
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
			w->err = w->seed(w->ctx, w->h->id, st.st_ino);
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
	w->ctx = ctx;
	ret = walk_all(w);
	free(w);
	return ret;
}

int pcg_scan_existing(const struct pcg_layout *l, bool all, pcg_scan_fn fn, void *ctx)
{
	struct walk *w = calloc(1, sizeof(*w));
	struct pcg_ev_hdr done = { .type = PCG_EV_SCAN_DONE, .size = sizeof(done) };
	int ret;

	if (!w)
		return -ENOMEM;
	w->l = l;
	w->fn = fn;
	w->all = all;
	w->ctx = ctx;
	ret = walk_all(w);
	free(w);
	if (ret < 0)
		return ret;
	done.ts = pcg_boottime_ns();
	return fn(ctx, &done, sizeof(done));
}

/* argv[0]'s base name and whether some argument equals @arg (or starts with it and '='). */
static bool read_cmdline(int pid, char *base, size_t base_len, char *args, size_t args_len,
			 size_t *ret_len)
{
	char p[64];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "/proc/%d/cmdline", pid);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, args, args_len - 1);
	close(fd);
	if (n <= 0)
		return false;
	args[n] = 0;
	*ret_len = n;
	{
		const char *b = strrchr(args, '/') ? strrchr(args, '/') + 1 : args;
		size_t bl = strnlen(b, base_len - 1);

		memcpy(base, b, bl);
		base[bl] = 0;
	}
	return true;
}

/* The value after "-namespace"/"--namespace", "" if absent. */
static const char *arg_after(const char *args, size_t len, const char *a1, const char *a2)
{
	for (size_t i = 0; i < len; i += strlen(args + i) + 1) {
		size_t next = i + strlen(args + i) + 1;

		if ((!strcmp(args + i, a1) || !strcmp(args + i, a2)) && next < len)
			return args + next;
	}
	return "";
}

int pcg_scan_parent_of(int pid)
{
	char p[64], buf[512], *e;
	int fd, ppid = 0;
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/%d/stat", pid);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	e = strrchr(buf, ')');
	if (!e || sscanf(e + 2, "%*c %d", &ppid) != 1)
		return 0;
	return ppid;
}

int pcg_scan_runtime_of(int pid)
{
	char base[64], args[4096];
	size_t len;

	/* Only the runtime's own helpers are trusted: the shim or conmon among the ancestors.
	 * A process inside a container (a workload named "dockerd", Docker-in-Docker) must not
	 * decide what runtime the node uses. */
	for (int depth = 0; pid > 1 && depth < 6; depth++, pid = pcg_scan_parent_of(pid)) {
		if (!read_cmdline(pid, base, sizeof(base), args, sizeof(args), &len))
			continue;
		if (!strncmp(base, "containerd-shim", 15)) {
			const char *ns = arg_after(args, len, "-namespace", "--namespace");

			return !strcmp(ns, "moby") ? PCG_RT_DOCKER : PCG_RT_CONTAINERD;
		}
		if (!strcmp(base, "conmon")) {
			/* podman passes its own binary as the exit command */
			for (size_t i = 0; i < len; i += strlen(args + i) + 1)
				if (strstr(args + i, "podman"))
					return PCG_RT_PODMAN;
			return PCG_RT_CRIO;
		}
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
