/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* procfs.h - pure parsers of the text the kernel shows in /proc and cgroupfs.
 *
 * The readers in scan.c open and read the files; everything that interprets their text is
 * here, free of system calls, so it is unit-tested on fixture text (tests/unit/test_procfs.c)
 * and cannot differ between the start-up scan, the runtime hints and the --check mode.
 * Functions that take a `char *` split it in place; returned pointers point into it.
 */
#ifndef __PCG_PROCFS_H
#define __PCG_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "pcg_abi.h"

#define PCG_LAYOUT_MAX_HIER 16

struct pcg_hier_desc {
	__u32 id;	      /* 0 = cgroup2 */
	char controllers[64]; /* "memory", "cpu,cpuacct", "name=systemd", "" for cgroup2 */
	char mount[256];      /* where it is mounted, "" if not */
};

struct pcg_layout {
	unsigned mode; /* 1 = v1, 2 = v2 (unified), 3 = hybrid */
	unsigned nr;
	struct pcg_hier_desc h[PCG_LAYOUT_MAX_HIER];
	int key_ctrl;	   /* PCG_V1_*: v1 controller keying membership, NONE on pure v2 */
	__u32 key_hier;	   /* its hierarchy id */
	__u64 traced_mask; /* hierarchies whose cgroup events are traced */
	__u64 nsfs_dev;	   /* st_dev of /proc/self/ns/mnt */
	bool host_view;	   /* read through /proc/1/root: we run in a container */
};

/* Fills l->mode, key_ctrl, key_hier and traced_mask from l->h[0..nr): the key v1 hierarchy is
 * the first of memory, pids, cpuset, cpu, devices, freezer, blkio that is mounted; traced are
 * cgroup2 and the key hierarchy, or every hierarchy with @all_hier.  -ENOENT if nr is 0. */
int pcg_layout_decide(struct pcg_layout *l, bool all_hier);

/* True if @tok is one of the comma-separated items of @list. */
bool pcg_has_token(const char *list, const char *tok);

/* One line of /proc/PID/mountinfo. */
struct pcg_mountinfo {
	const char *root;   /* the mount's root within its filesystem ("/" unless a bind mount) */
	const char *mnt;    /* mount point */
	const char *fstype; /* "cgroup", "cgroup2", ... */
	const char *opts;   /* super options ("rw,memory") */
};
/* Splits @line in place.  Returns 0 or -EINVAL (not a mountinfo line). */
int pcg_parse_mountinfo(char *line, struct pcg_mountinfo *ret);
/* True if @m mounts the root of hierarchy @id: cgroup2 for 0, else a v1 hierarchy holding
 * every controller of @controllers ("cpu,cpuacct", "name=systemd"). */
bool pcg_mount_is_hier(const struct pcg_mountinfo *m, __u32 id, const char *controllers);

/* One line of /proc/PID/cgroup, "ID:CONTROLLERS:PATH", split in place (the newline dropped).
 * Returns 0 or -EINVAL. */
int pcg_parse_cgroup_line(char *line, __u32 *ret_id, char **ret_controllers, char **ret_path);

/* /proc/PID/stat: the command name (cut to PCG_COMM_LEN - 1 bytes, NUL-terminated), the
 * parent's pid and the start time in clock ticks after boot.  Returns 0 or -EBADMSG. */
int pcg_parse_stat(const char *buf, char ret_comm[PCG_COMM_LEN], __u32 *ret_ppid,
		   __u64 *ret_start_ticks);

/* /proc/PID/status (the whole file, NUL-terminated): the real uid and the pid in the
 * process's own (innermost) pid namespace; fields absent stay as they were. */
void pcg_parse_status(const char *buf, __u32 *ret_uid, __u32 *ret_nspid);

/* The container runtime a process's command line (/proc/PID/cmdline: NUL-separated, @len
 * bytes) shows it to be a helper of: containerd-shim ("-namespace moby" = docker, else
 * containerd) or conmon (podman when its exit command names podman, else CRI-O).  Returns a
 * PCG_RT_* value, or PCG_RT_UNKNOWN (0) when the process is none of these. */
int pcg_runtime_from_cmdline(const char *args, size_t len);

#endif /* __PCG_PROCFS_H */
