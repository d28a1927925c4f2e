/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* decode.h - raw ABI record bytes -> validated, aligned event view (pure).
 *
 * The bytes may come from the ring buffer, a recording made on another machine or a fuzzer:
 * nothing in them is trusted.  pcg_decode() checks the type, the declared size against the
 * bytes available and the fixed part of the type, and bounds every string; the view it fills
 * holds copies of the fixed fields, and `str` points into @data (valid while @data is).
 */
#ifndef __PCG_DECODE_H
#define __PCG_DECODE_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "pcg_abi.h"

struct pcg_event {
	__u16 type;
	__u16 flags;
	__u16 cpu;
	__u64 ts;
	bool has_task;
	struct pcg_task task; /* comm is NUL-terminated after decoding */
	__u64 cgid;	      /* cgroup events and attach */
	__u32 hier;
	__u32 level;
	__u32 old_pid;		       /* exec */
	__u32 exit_status;	       /* exit */
	__u32 writer_pid;	       /* attach, cgroup events */
	__u32 runtime;		       /* hint: enum pcg_runtime */
	char container_id[65];	       /* hint, meta ("" for a pod's meta) */
	char pod_uid[37];	       /* meta */
	__u8 ctype;		       /* meta: PCG_CTYPE_* */
	__u8 meta_src;		       /* meta: PCG_META_SRC_* */
	const char *meta[PCG_META_NR]; /* meta strings, pointing into @data, not NUL-terminated */
	__u16 meta_len[PCG_META_NR];
	bool threadgroup; /* attach */
	const char *str;  /* path (cgroup events, attach) or filename (exec); NULL otherwise */
	size_t str_len;	  /* bytes before the first NUL, bounded by the record */
	/* PCG_EV_TASK_INFO: task.tgid and task.start_ns name the process (has_task is false);
	 * str/str_len are its command line, NUL-separated arguments (NULs inside, bounded by
	 * the record); flags & PCG_F_TRUNC when it was cut */
	__u64 lost[PCG_LOST_SLOTS]; /* PCG_EV_LOST */
};

/* Decodes one record of exactly @len bytes.  Returns 0, or -EINVAL (NULL args),
 * -EBADMSG (truncated, size mismatch, fixed part too short, a string tail longer than the
 * PCG_PATH_MAX bytes the kernel side can send) or -ENOTSUP (unknown type).
 * flags & PCG_F_TRUNC: the kernel side filled the whole PCG_PATH_MAX (the string is
 * PCG_PATH_MAX - 1 bytes long and may have been cut there). */
int pcg_decode(const void *data, size_t len, struct pcg_event *ret);

/* Whether @s (@len bytes) is a string the live side can put in slot @field of a
 * PCG_EV_META record: Kubernetes names are lowercase DNS names ([a-z0-9.-], a namespace
 * [a-z0-9-]) within their length, an image reference is [A-Za-z0-9._:/@+-], a sandbox id 64
 * lowercase hex digits.  The empty string (unknown) is valid everywhere. */
bool pcg_meta_str_ok(unsigned field, const char *s, size_t len);
/* A dashed lowercase pod UID of exactly 36 characters. */
bool pcg_meta_uid_ok(const char *s, size_t len);
/* 64 lowercase hex digits. */
bool pcg_meta_id_ok(const char *s, size_t len);

/* The largest record any producer of this ABI makes: an attach with a full path, a META record
 * with every name at its maximum, a TASK_INFO with the longest command line.  A replay treats
 * larger records as damage.  (Grow it with every new variable-length record.) */
#define PCG__MAX2(a, b) ((a) > (b) ? (a) : (b))
#define PCG_EV_META_SIZE_MAX                                                    \
	(sizeof(struct pcg_ev_meta) + 2 * PCG_META_NAME_MAX + PCG_META_NS_MAX + \
	 PCG_META_IMAGE_MAX + 64)
#define PCG_EV_SIZE_MAX                                                                         \
	PCG__MAX2(PCG__MAX2(sizeof(struct pcg_ev_attach) + PCG_PATH_MAX, PCG_EV_META_SIZE_MAX), \
		  sizeof(struct pcg_ev_task_info) + PCG_CMDLINE_MAX + 1)

/* Size of the fixed part of a record type, 0 for an unknown type. */
size_t pcg_ev_fixed_size(__u16 type);

/* Name of a record type ("exec", "cgroup_mkdir", ...), "unknown" if out of range. */
const char *pcg_ev_name(__u16 type);

#endif /* __PCG_DECODE_H */
