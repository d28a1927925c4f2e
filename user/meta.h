/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* meta.h - names of pods and containers from what the node keeps on disk (pure).
 *
 * Given the bytes of a file the caller read (an OCI bundle's config.json, Docker's
 * config.v2.json, the OCI runtime's state.json) or a name (a kubelet log directory, a
 * container name k8s_<ctr>_<pod>_<ns>_<uid>_<n>, conmon's command line), extracts the pod
 * name, namespace and UID, the container name and type, the image and the sandbox id, and
 * builds the PCG_EV_META record that carries them into the stream.
 *
 * The input is hostile.  Only an allowlist of annotation and label keys is looked at: a
 * config.json also holds the process environment (secrets), none of which is ever copied.
 * Files are bounded (PCG_META_FILE_MAX bytes, PCG_META_DEPTH_MAX nesting levels), must be
 * valid UTF-8 JSON without NUL bytes, and every extracted string must pass
 * pcg_meta_str_ok(): a string that does not is dropped (left unknown), never repaired.
 * No I/O, no syscalls.
 */
#ifndef __PCG_META_H
#define __PCG_META_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "pcg_abi.h"

#define PCG_META_FILE_MAX  (1u << 20) /* bytes of one JSON file */
#define PCG_META_DEPTH_MAX 32	      /* nesting levels of one JSON file */

struct pcg_meta {
	char pod_uid[37];      /* dashed lowercase, "" if the source does not say */
	char container_id[65]; /* as the source names it, "" if it does not say */
	char str[PCG_META_NR][PCG_META_IMAGE_MAX + 1]; /* PCG_META_* strings, "" = unknown */
	unsigned ctype;				       /* PCG_CTYPE_* */
	unsigned src;				       /* PCG_META_SRC_* */
	bool trunc;				       /* the image was cut */
	unsigned dropped;			       /* values refused (bad characters, length) */
};

/* Each returns 0 when something was found (fields are only filled where still unknown, so
 * sources can be tried best first on the same struct), -ENOENT when the input names nothing,
 * -EBADMSG when it is not what it should be (broken JSON, too big, too deep, NUL bytes). */

/* An OCI config.json: containerd CRI (io.kubernetes.cri.*) or CRI-O (io.kubernetes.pod.*,
 * io.kubernetes.cri-o.*) annotations. */
int pcg_meta_from_oci(struct pcg_meta *m, const void *buf, size_t len);
/* Docker's config.v2.json as cri-dockerd / dockershim make it: .Config.Labels, .Config.Image,
 * .Name (/k8s_<ctr>_<pod>_<ns>_<uid>_<n>), .ID. */
int pcg_meta_from_docker(struct pcg_meta *m, const void *buf, size_t len);
/* runc's state.json: .id, and .config.labels, the annotations as "key=value" strings. */
int pcg_meta_from_runc_state(struct pcg_meta *m, const void *buf, size_t len);
/* A container name k8s_<ctr>_<pod>_<ns>_<uid>_<attempt> (a leading '/' is allowed);
 * <ctr> "POD" is the sandbox. */
int pcg_meta_from_k8s_name(struct pcg_meta *m, const char *name, size_t len);
/* conmon's command line (NUL-separated, @len bytes): -n/--name is such a name, -c/--cid the
 * container id. */
int pcg_meta_from_conmon(struct pcg_meta *m, const char *args, size_t len);
/* A /var/log/pods entry name: <namespace>_<pod>_<uid>. */
int pcg_meta_from_pod_log_dir(struct pcg_meta *m, const char *name, size_t len);
/* A /var/log/containers entry name: <pod>_<namespace>_<container>-<64 hex id>.log. */
int pcg_meta_from_container_log(struct pcg_meta *m, const char *name, size_t len);

/* Whether @m may be reported for the pod @pod_uid (from the cgroup path) and the container
 * @container_id ("" for the pod itself): 0 if so, -EXDEV when the source names another pod
 * or container (to be ignored and counted), -ENOENT when it names nothing useful. */
int pcg_meta_check(const struct pcg_meta *m, const char *pod_uid, const char *container_id);
/* Whether @m has everything a source can give (no need to try the next source). */
bool pcg_meta_complete(const struct pcg_meta *m);

/* Builds the PCG_EV_META record for @m, about @pod_uid and @container_id ("" for the pod:
 * then only the pod's fields are carried), stamped @ts, into @buf.  Returns its size, or 0
 * if @size is too small or an id is not valid. */
size_t pcg_meta_encode(const struct pcg_meta *m, const char *pod_uid, const char *container_id,
		       __u64 ts, void *buf, size_t size);

#define PCG_META_REC_MAX                                                        \
	(sizeof(struct pcg_ev_meta) + 2 * PCG_META_NAME_MAX + PCG_META_NS_MAX + \
	 PCG_META_IMAGE_MAX + 64)

#endif /* __PCG_META_H */
