/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* pcg_abi.h - the raw event ABI shared by the BPF programs, the loader and the record files.
 *
 * Every record starts with struct pcg_ev_hdr: type first, then the record's total size in
 * bytes (header included).  Records are little-endian, fixed width and carry explicit padding,
 * because the same bytes are written verbatim into recording files and replayed elsewhere.
 * Variable-length tails (a cgroup path, an exec filename) follow the fixed part and are
 * NUL-terminated within `size`; a reader must never trust that and bound every string by size.
 *
 * This header includes nothing: with vmlinux.h (__VMLINUX_H__) the __u* types come from there,
 * in user space from <linux/types.h>, which the includer provides.
 */
#ifndef __PCG_ABI_H
#define __PCG_ABI_H

#define PCG_ABI_VERSION 1

/* Longest cgroup path and exec filename carried; longer ones are cut and flagged. */
#define PCG_PATH_MAX 1024
#define PCG_COMM_LEN 16

/* Record types.  Values are part of the file format: never renumber, only append. */
#define PCG_EV_CGROUP_MKDIR    1  /* struct pcg_ev_cgroup (BPF) */
#define PCG_EV_CGROUP_RMDIR    2  /* struct pcg_ev_cgroup (BPF) */
#define PCG_EV_CGROUP_ATTACH   3  /* struct pcg_ev_attach (BPF) */
#define PCG_EV_FORK	       4  /* struct pcg_ev_task: the new child process (BPF) */
#define PCG_EV_EXEC	       5  /* struct pcg_ev_exec (BPF) */
#define PCG_EV_EXIT	       6  /* struct pcg_ev_exit: the last thread of a process (BPF) */
#define PCG_EV_EXISTING_CGROUP 7  /* struct pcg_ev_cgroup: start-up scan (user space) */
#define PCG_EV_EXISTING_TASK   8  /* struct pcg_ev_task: start-up scan (user space) */
#define PCG_EV_SCAN_DONE       9  /* struct pcg_ev_hdr only: the start-up scan is complete */
#define PCG_EV_LOST	       10 /* struct pcg_ev_lost: ring-buffer drops seen (user space) */
#define PCG_EV_TICK	       11 /* struct pcg_ev_hdr only: time passed, flush what is due */
#define PCG_EV_HINT	       12 /* struct pcg_ev_hint: a container's runtime, found by user space */
#define PCG_EV_META	       13 /* struct pcg_ev_meta: names of a pod or container (user space) */
#define PCG_EV_TASK_INFO       15 /* struct pcg_ev_task_info: a process's command line (user space) */
#define _PCG_EV_MAX	       16

/* Slots of pcg_ev_lost.count[], indexed by PCG_EV_* type.  Fixed, so that new record types
 * (which are never lost in the kernel: user space makes them) leave the record's size alone. */
#define PCG_LOST_SLOTS 13

/* Longest command line carried by PCG_EV_TASK_INFO; longer ones are cut and flagged. */
#define PCG_CMDLINE_MAX 4096

/* pcg_ev_hdr.flags */
#define PCG_F_TRUNC (1u << 0) /* the string tail was cut at PCG_PATH_MAX (PCG_CMDLINE_MAX) */
/* On PCG_EV_EXISTING_CGROUP, PCG_EV_EXISTING_TASK and PCG_EV_SCAN_DONE: made by a rescan after
 * events were lost (user space), not by the start-up scan.  Cgroups and processes that the
 * rescan did not list are gone; the ones it found first are new. */
#define PCG_F_RESCAN (1u << 1)
/* On PCG_EV_EXISTING_TASK of a snapshot that user space took from what it knew (a rotated
 * file's header): the task's container has not started yet (no exec in it so far), so this
 * task does not start it; its first exec will.  The start-up scan of /proc never sets it. */
#define PCG_F_UNSTARTED (1u << 2)

/* Namespace slots of pcg_task.ns[]: inode numbers as shown by stat -L /proc/PID/ns/NAME. */
#define PCG_NS_MNT    0
#define PCG_NS_UTS    1
#define PCG_NS_IPC    2
#define PCG_NS_PID    3
#define PCG_NS_NET    4
#define PCG_NS_USER   5
#define PCG_NS_CGROUP 6
#define PCG_NS_TIME   7
#define PCG_NS_COUNT  8

struct pcg_ev_hdr {
	__u16 type;  /* PCG_EV_* */
	__u16 size;  /* whole record, this header included */
	__u16 flags; /* PCG_F_* */
	__u16 cpu;   /* CPU the event was produced on (0 for user-space records) */
	__u64 ts;    /* CLOCK_BOOTTIME, ns */
};

/* A process (thread-group) as seen by the kernel at event time. */
struct pcg_task {
	__u32 pid;   /* thread id in the initial pid namespace */
	__u32 tgid;  /* process id in the initial pid namespace */
	__u32 ppid;  /* real parent's tgid */
	__u32 nspid; /* tgid inside the task's own pid namespace */
	__u32 uid;   /* real uid, as seen from the initial user namespace */
	__u32 _pad0;
	__u64 start_ns;		/* task start time (boot-based), tells a reused pid apart */
	__u64 cg_dfl;		/* cgroup id on the cgroup2 (default) hierarchy */
	__u64 cg_v1;		/* cgroup id on the chosen v1 hierarchy, 0 if none */
	__u32 ns[PCG_NS_COUNT]; /* PCG_NS_* inode numbers, 0 where unknown */
	char comm[PCG_COMM_LEN];
};

struct pcg_ev_cgroup {
	struct pcg_ev_hdr hdr;
	__u64 cgid; /* kernfs id = inode of the cgroup directory */
	__u32 hier; /* hierarchy id: 0 = cgroup2, >0 = v1 hierarchy (first field of /proc/PID/cgroup) */
	__u32 level;	/* depth below the hierarchy root */
	__u16 path_len; /* bytes of path, without the NUL */
	__u16 _pad0;
	__u32 writer_pid; /* tgid of the process that made/removed the directory (runc, ...) */
	char path[];	  /* path from the hierarchy root, NUL-terminated */
};

struct pcg_ev_attach {
	struct pcg_ev_hdr hdr;
	struct pcg_task task; /* the migrated task (not the writer) */
	__u64 cgid;	      /* destination cgroup */
	__u32 hier;
	__u32 level;
	__u32 writer_pid;  /* tgid of the process that wrote cgroup.procs */
	__u16 threadgroup; /* 1 if the whole thread group moved */
	__u16 path_len;
	char path[];
};

struct pcg_ev_task {
	struct pcg_ev_hdr hdr;
	struct pcg_task task;
};

struct pcg_ev_exec {
	struct pcg_ev_hdr hdr;
	struct pcg_task task;
	__u32 old_pid; /* pid before exec (differs when a non-leader thread execs) */
	__u16 filename_len;
	__u16 _pad0;
	char filename[]; /* bprm->filename, NUL-terminated */
};

struct pcg_ev_exit {
	struct pcg_ev_hdr hdr;
	struct pcg_task task;
	__u32 exit_status; /* wait(2) status: (code << 8) | signal, 0x80 = core dumped */
	__u32 _pad0;
};

/* The runtime of a container whose cgroup name does not tell (a bare 64-hex id under the
 * cgroupfs driver: docker and containerd look the same), found by user space from the process
 * that created the cgroup; sent before that cgroup's mkdir so replay sees the same. */
struct pcg_ev_hint {
	struct pcg_ev_hdr hdr;
	__u32 runtime; /* enum pcg_runtime value */
	__u32 _pad0;
	char container_id[64]; /* not NUL-terminated when 64 long */
};

/* Names of a pod or a container (pod name and namespace, container name and type, image,
 * sandbox id), found by user space in what the node keeps on disk (the OCI bundle's
 * annotations, the runtime's state, the kubelet's log directories) at the container's first
 * cgroup event; sent before that event when found at once, later otherwise.  The strings
 * follow the fixed part back to back, in PCG_META_* order, without NULs: size ==
 * sizeof(struct pcg_ev_meta) + the sum of len[].  An empty string is unknown.  hdr.flags has
 * PCG_F_TRUNC when the image was cut at PCG_META_IMAGE_MAX.  See docs/record-format.md for the
 * characters each string may hold. */
#define PCG_META_POD_NAME	0 /* Kubernetes pod name, <= 253 bytes */
#define PCG_META_POD_NAMESPACE	1 /* <= 63 bytes */
#define PCG_META_CONTAINER_NAME 2 /* <= 253 bytes; empty for a sandbox */
#define PCG_META_IMAGE		3 /* image reference, <= PCG_META_IMAGE_MAX bytes */
#define PCG_META_SANDBOX_ID	4 /* 64 hex digits, or empty */
#define PCG_META_NR		5
#define PCG_META_NAME_MAX	253
#define PCG_META_NS_MAX		63
#define PCG_META_IMAGE_MAX	1024

/* pcg_ev_meta.source */
#define PCG_META_SRC_UNKNOWN	0
#define PCG_META_SRC_BUNDLE	1 /* config.json of the bundle the runtime process was given */
#define PCG_META_SRC_CONTAINERD 2 /* containerd's task state dir: <state>/.../<id>/config.json */
#define PCG_META_SRC_CRIO	3 /* CRI-O's overlay-containers/<id>/userdata/config.json */
#define PCG_META_SRC_DOCKER	4 /* /var/lib/docker/containers/<id>/config.v2.json */
#define PCG_META_SRC_RUNC_STATE 5 /* the OCI runtime's state.json (config.labels) */
#define PCG_META_SRC_LOG_DIRS	6 /* the kubelet's /var/log/pods and /var/log/containers */
#define PCG_META_SRC_CONMON	7 /* conmon's command line (-n k8s_<ctr>_<pod>_<ns>_<uid>_<n>) */
#define _PCG_META_SRC_MAX	8

/* pcg_ev_meta.container_type */
#define PCG_CTYPE_UNKNOWN   0
#define PCG_CTYPE_SANDBOX   1 /* the pod's sandbox (pause / infra) container */
#define PCG_CTYPE_CONTAINER 2 /* an application (or init) container */

struct pcg_ev_meta {
	struct pcg_ev_hdr hdr;
	char pod_uid[36];	/* dashed lowercase pod UID: the cgroup path's, checked */
	char container_id[64];	/* 64 lowercase hex digits; all NUL for the pod itself */
	__u8 container_type;	/* PCG_CTYPE_* */
	__u8 source;		/* where the live side found it (PCG_META_SRC_*), informative */
	__u16 len[PCG_META_NR]; /* bytes of each string in the tail */
	char tail[];
};

/* What user space read of a process the start-up scan (or --snapshot) found, sent right after
 * its PCG_EV_EXISTING_TASK: its command line, as /proc/PID/cmdline shows it (the arguments,
 * each NUL-terminated), cut at PCG_CMDLINE_MAX bytes and then flagged PCG_F_TRUNC.  The
 * process is named by tgid and start time, as in struct pcg_task. */
struct pcg_ev_task_info {
	struct pcg_ev_hdr hdr;
	__u32 tgid;
	__u32 _pad0;
	__u64 start_ns;	   /* pcg_task.start_ns of the process */
	__u16 cmdline_len; /* bytes of cmdline, without the final NUL added after them */
	__u16 _pad1[3];
	char cmdline[]; /* cmdline_len bytes (NUL-separated arguments), then a NUL */
};

/* Drop counters, indexed by PCG_EV_* type; delta since the previous PCG_EV_LOST. */
struct pcg_ev_lost {
	struct pcg_ev_hdr hdr;
	__u64 count[PCG_LOST_SLOTS];
};

/* Controllers whose v1 hierarchy can key membership (the loader's v1_ctrl knob), in the
 * user space's order of preference.  Values are shared by the BPF side and the loader. */
#define PCG_V1_NONE    0
#define PCG_V1_MEMORY  1
#define PCG_V1_PIDS    2
#define PCG_V1_CPUSET  3
#define PCG_V1_CPU     4
#define PCG_V1_DEVICES 5
#define PCG_V1_FREEZER 6
#define PCG_V1_BLKIO   7

/* Key of the BPF `tracked` map: a cgroup by (hierarchy, kernfs id).  Written by the BPF side
 * on mkdir and by the loader's start-up seeding. */
struct pcg_cg_key {
	__u64 cgid;
	__u32 hier; /* 0 = cgroup2 */
	__u32 _pad0;
};

#endif /* __PCG_ABI_H */
