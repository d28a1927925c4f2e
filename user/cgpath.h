/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* cgpath.h - pure parser: cgroup path -> Kubernetes pod / container identity.
 *
 * Input is a cgroup path relative to its hierarchy root, as the cgroup tracepoints and
 * /proc/PID/cgroup print it ("/kubepods.slice/kubepods-besteffort.slice/...").  The parser is
 * data-driven (runtime prefixes are a table), needs no I/O and allocates nothing.
 *
 * Recognised (see shared/FIELD-NOTES.md section 3):
 *  - kubelet systemd driver: [prefix/]kubepods.slice/kubepods-<qos>.slice/kubepods-<qos>-pod<uid_>.slice,
 *    guaranteed pods directly under kubepods.slice; a --cgroup-root prefix such as kind's
 *    kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/...
 *  - kubelet cgroupfs driver: [prefix/]kubepods/<qos>/pod<uid>/..., guaranteed: kubepods/pod<uid>/...
 *  - container leaves: docker-<id>.scope, cri-containerd-<id>.scope, crio-<id>.scope,
 *    crio-<id> (dropped infra), libpod-<id>.scope, bare <64hex>, crio-<id> under cgroupfs,
 *    the non-systemd "<podslice>:cri-containerd:<id>" form (and ":docker:", ":crio:");
 *    crio-conmon-/libpod-conmon- leaves are recognised and reported as PCG_CG_IGNORED.
 *  - sub-cgroups inside a container (crun's "/container", systemd inside a container):
 *    PCG_CG_CONTAINER_SUB, with container_end pointing at the container's own cgroup.
 */
#ifndef __PCG_CGPATH_H
#define __PCG_CGPATH_H

#include <stddef.h>

enum pcg_cg_kind {
	PCG_CG_NONE = 0,	  /* not under a kubepods hierarchy */
	PCG_CG_KUBEPODS,	  /* the kubepods root itself */
	PCG_CG_QOS,		  /* kubepods-besteffort.slice, kubepods/burstable, ... */
	PCG_CG_POD,		  /* the pod cgroup */
	PCG_CG_CONTAINER,	  /* a container's own cgroup */
	PCG_CG_CONTAINER_SUB,	  /* a cgroup below a container's cgroup */
	PCG_CG_IGNORED,		  /* runtime helper inside a pod (conmon): not a container */
	PCG_CG_POD_OTHER,	  /* an unrecognised cgroup below a pod */
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

#define PCG_POD_UID_LEN 36	 /* 8-4-4-4-12 */
#define PCG_CONTAINER_ID_LEN 64	 /* runc-family ids */

struct pcg_cgpath {
	enum pcg_cg_kind kind;
	enum pcg_driver driver;
	enum pcg_qos qos;	  /* PCG_QOS_UNKNOWN above the pod level */
	enum pcg_runtime runtime; /* PCG_RT_UNKNOWN unless kind is CONTAINER/CONTAINER_SUB/IGNORED */
	char pod_uid[PCG_POD_UID_LEN + 1];	   /* dashed lowercase form, "" if none */
	char container_id[PCG_CONTAINER_ID_LEN + 1]; /* lowercase hex, "" if none */
	size_t kubepods_end;  /* length of the path prefix up to and including the kubepods dir */
	size_t pod_end;	      /* length of the prefix that is the pod cgroup, 0 if none */
	size_t container_end; /* length of the prefix that is the container cgroup, 0 if none */
};

/* Parses @path (@len bytes, need not be NUL-terminated) into @ret.
 * Returns 0 when the path is at or below a kubepods root, or is (or is below) a recognised
 * container cgroup outside Kubernetes (docker run's /docker/<id> or system.slice/docker-<id>.scope,
 * podman's machine.slice/libpod-<id>.scope, ...: then pod_uid is "" and kubepods_end 0);
 * -ENOENT when it is neither (ret->kind == PCG_CG_NONE, other fields zero);
 * -EINVAL for NULL arguments.  Never reads past @len. */
int pcg_cgpath_parse(const char *path, size_t len, struct pcg_cgpath *ret);

/* Stable lowercase names used in the JSON output ("systemd", "besteffort", "docker", ...);
 * NULL for the UNKNOWN values. */
const char *pcg_driver_name(enum pcg_driver d);
const char *pcg_qos_name(enum pcg_qos q);
const char *pcg_runtime_name(enum pcg_runtime r);

#endif /* __PCG_CGPATH_H */
