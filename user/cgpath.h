/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* cgpath.h - pure parser: cgroup path -> Kubernetes pod / container identity.
 *
 * Input is a cgroup path relative to its hierarchy root, as the cgroup tracepoints and
 * /proc/PID/cgroup print it ("/kubepods.slice/kubepods-besteffort.slice/...").  The parser is
 * data-driven (runtime prefixes are a table), needs no I/O and allocates nothing.
 *
 * Recognised (the layouts kubelet, containerd, CRI-O, Docker and Podman make, as seen in the
 * wild):
 *  - kubelet systemd driver:
 *    [prefix/]kubepods.slice/kubepods-<qos>.slice/kubepods-<qos>-pod<uid_>.slice,
 *    guaranteed pods directly under kubepods.slice; a --cgroup-root prefix such as kind's
 *    kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/...
 *  - kubelet cgroupfs driver: [prefix/]kubepods/<qos>/pod<uid>/...,
 *    guaranteed: kubepods/pod<uid>/...
 *  - container leaves: docker-<id>.scope, cri-containerd-<id>.scope, crio-<id>.scope,
 *    crio-<id> (dropped infra), libpod-<id>.scope, bare <64hex>, crio-<id> under cgroupfs,
 *    nerdctl-<id>.scope, podman cgroupfs libpod-<id> and split-mode libpod-payload-<id>,
 *    the non-systemd "<podslice>:cri-containerd:<id>" form (and ":docker:", ":crio:");
 *    crio-conmon-/libpod-conmon- leaves are recognised and reported as PCG_CG_IGNORED.
 *  - sub-cgroups inside a container (crun's "/container", systemd inside a container):
 *    PCG_CG_CONTAINER_SUB, with container_end pointing at the container's own cgroup.
 *
 * Rules a caller must know:
 *  - The path is split on '/'; empty components ("//", leading or trailing '/') are skipped, and
 *    the *_end prefix lengths count the bytes as given, so path[0..x_end) is always a prefix of
 *    the input.  Parsing stops at the first NUL byte within @len (strnlen semantics), so a
 *    buffer whose length includes the terminator parses like the string.
 *  - The innermost (last) kubepods root wins: everything before it, e.g. kind's
 *    /system.slice/docker-<node64>.scope, is only a prefix.  When that prefix holds a container,
 *    outer_end is the end of the outermost one (the kind node or the DinD host container);
 *    re-parse path[0..outer_end) to learn its id and runtime.
 *  - Below a pod, the pod's container is the first component below the pod cgroup; anything
 *    deeper (crun's /container, a DinD daemon's containers, systemd units) is CONTAINER_SUB of
 *    it, so pod_uid + container_id is always the CRI pair the kubelet knows.  Outside
 *    Kubernetes the innermost container wins (/docker/<a>/docker/<b> reports b, outer a).
 *  - A bare 64-hex component is a container only directly below a pod (runtime UNKNOWN:
 *    containerd and cri-dockerd look the same under cgroupfs) or directly below a "docker" or
 *    "actions_job" component (runtime DOCKER).  Elsewhere it is not recognised.
 *  - Prefixed leaves (docker-, cri-containerd-, crio-, libpod-, nerdctl-) are recognised at any
 *    depth.  ".scope" is required for docker-, cri-containerd- and nerdctl-, optional for crio-
 *    (dropped-infra and cgroupfs dirs) and libpod- (cgroupfs "libpod_parent/libpod-<id>").
 *  - Container ids must be exactly 64 lowercase hex digits; anything else below a pod is
 *    POD_OTHER.  Pod UIDs accept '_' or '-' separators and either case of hex; they are
 *    returned dashed and lowercase.
 *  - QoS is "besteffort" or "burstable"; a pod directly below the root is guaranteed.  There is
 *    no guaranteed level in the kubelet, so "kubepods-guaranteed.slice" (or cgroupfs
 *    "kubepods/guaranteed") is not a QoS dir: it and everything below it is KUBEPODS_OTHER and
 *    no pod is reported there.
 *  - The colon form "<podslice>:cri-containerd:<id>" lives outside the kubepods tree
 *    (system.slice/containerd.service/...): it parses as CONTAINER with driver SYSTEMD, qos and
 *    pod_uid taken from <podslice>, but kubepods_end == pod_end == 0 since no such dir exists.
 *  - systemd "\x2d" escapes are not decoded; such components are simply not recognised.
 */
#ifndef __PCG_CGPATH_H
#define __PCG_CGPATH_H

#include <stddef.h>

enum pcg_cg_kind {
	PCG_CG_NONE = 0,       /* not recognised: neither kubepods nor a known container */
	PCG_CG_KUBEPODS,       /* the kubepods root itself */
	PCG_CG_QOS,	       /* kubepods-besteffort.slice, kubepods/burstable, ... */
	PCG_CG_POD,	       /* the pod cgroup */
	PCG_CG_CONTAINER,      /* a container's own cgroup */
	PCG_CG_CONTAINER_SUB,  /* a cgroup below a container's cgroup */
	PCG_CG_IGNORED,	       /* runtime helper (conmon): not a container, no container_id */
	PCG_CG_POD_OTHER,      /* an unrecognised cgroup below a pod */
	PCG_CG_KUBEPODS_OTHER, /* unrecognised, below the root or a QoS dir but not in a pod */
};

enum pcg_driver { PCG_DRIVER_UNKNOWN = 0, PCG_DRIVER_SYSTEMD, PCG_DRIVER_CGROUPFS };

enum pcg_qos { PCG_QOS_UNKNOWN = 0, PCG_QOS_GUARANTEED, PCG_QOS_BURSTABLE, PCG_QOS_BESTEFFORT };

enum pcg_runtime {
	PCG_RT_UNKNOWN = 0, /* bare 64-hex leaf: docker and containerd look the same */
	PCG_RT_DOCKER,
	PCG_RT_CONTAINERD,
	PCG_RT_CRIO,
	PCG_RT_PODMAN,
	_PCG_RT_MAX,
};

#define PCG_POD_UID_LEN	     36 /* 8-4-4-4-12 */
#define PCG_CONTAINER_ID_LEN 64 /* runc-family ids */

struct pcg_cgpath {
	enum pcg_cg_kind kind;
	enum pcg_driver driver;	  /* kubelet's cgroup driver; UNKNOWN outside Kubernetes */
	enum pcg_qos qos;	  /* set for QoS dirs and at/below pods; UNKNOWN for the root */
	enum pcg_runtime runtime; /* UNKNOWN unless kind is CONTAINER, CONTAINER_SUB or IGNORED */
	char pod_uid[PCG_POD_UID_LEN + 1];	     /* dashed lowercase form, "" if none */
	char container_id[PCG_CONTAINER_ID_LEN + 1]; /* lowercase hex, "" if none */
	size_t kubepods_end;  /* length of the path prefix up to and including the kubepods dir */
	size_t pod_end;	      /* length of the prefix that is the pod cgroup, 0 if none */
	size_t container_end; /* length of the prefix that is the container cgroup, 0 if none */
	size_t outer_end;     /* length of the prefix that is the outermost enclosing container
			       * (kind node, DinD host), 0 if none; always < the reported
			       * kubepods root's or container's start */
};

/* Parses @path (@len bytes, need not be NUL-terminated) into @ret.
 * Returns 0 when the path is at or below a kubepods root, or is (or is below) a recognised
 * container cgroup outside Kubernetes (docker run's /docker/<id> or system.slice/docker-<id>.scope,
 * podman's machine.slice/libpod-<id>.scope, ...: then pod_uid is "" and kubepods_end 0);
 * -ENOENT when it is neither (ret->kind == PCG_CG_NONE, other fields zero);
 * -EINVAL for NULL arguments.  Never reads past @len, nor past the first NUL before it.
 * Every x_end is <= @len, and re-parsing path[0..x_end) yields that level again
 * (KUBEPODS, POD, CONTAINER; CONTAINER for outer_end). */
int pcg_cgpath_parse(const char *path, size_t len, struct pcg_cgpath *ret);

/* The last PCG_CGPATH_MEMO paths parsed and their results (paths up to PCG_CGPATH_MEMO_PATH
 * bytes).  A cgroup is made under one path in every hierarchy, one right after the other, and
 * the live side's runtime hint and names module and the correlator all parse a new cgroup's
 * path: through one memo, a path is parsed once.  Zeroed before its first use. */
#define PCG_CGPATH_MEMO	     4
#define PCG_CGPATH_MEMO_PATH 1024
struct pcg_cgpath_memo {
	struct pcg_cgpath_memo_ent {
		size_t len; /* 0: empty */
		int rc;
		struct pcg_cgpath pp;
		char path[PCG_CGPATH_MEMO_PATH];
	} e[PCG_CGPATH_MEMO];
	unsigned next;
};

/* pcg_cgpath_parse() through @m: the same result, without a parse when @path (@len bytes
 * compared as given) is one of the last paths parsed through @m. */
int pcg_cgpath_parse_memo(struct pcg_cgpath_memo *m, const char *path, size_t len,
			  struct pcg_cgpath *ret);

/* Stable lowercase names used in the JSON output ("systemd", "besteffort", "docker", ...);
 * NULL for the UNKNOWN values and anything out of range. */
const char *pcg_driver_name(enum pcg_driver d);
const char *pcg_qos_name(enum pcg_qos q);
const char *pcg_runtime_name(enum pcg_runtime r);

#endif /* __PCG_CGPATH_H */
