/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* encode.h - the one encoder of the records user space makes itself (pure).
 *
 * decode.h reads raw ABI records; this is its counterpart for the records that do not come
 * from the kernel: the start-up scan's cgroups and tasks and its end mark, the correlator's
 * snapshot at a rotation, runtime hints, drop counts and ticks.  Every one of them is built
 * here, so the layout rules of bpf/pcg_abi.h (sizes, padding, NUL-terminated tails, the
 * PCG_F_TRUNC cut) are kept in one place.
 *
 * Each function fills @ret (zeroed first: padding is always 0) and returns the record's size
 * (hdr.size), which is also what pcg_enc_size() returns afterwards.  They cannot fail.
 */
#ifndef __PCG_ENCODE_H
#define __PCG_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "pcg_abi.h"

/* Big enough, and aligned, for any record. */
union pcg_enc_buf {
	struct pcg_ev_hdr hdr;
	struct pcg_ev_cgroup cgroup;
	struct pcg_ev_task task;
	struct pcg_ev_hint hint;
	struct pcg_ev_lost lost;
	struct pcg_ev_meta meta;
	struct pcg_ev_task_info task_info;
	char bytes[sizeof(struct pcg_ev_attach) + PCG_PATH_MAX];
	char task_info_bytes[sizeof(struct pcg_ev_task_info) + PCG_CMDLINE_MAX];
	char meta_bytes[sizeof(struct pcg_ev_meta) + 2 * PCG_META_NAME_MAX + PCG_META_NS_MAX +
			PCG_META_IMAGE_MAX + 64];
};

/* PCG_EV_EXISTING_CGROUP (or any struct pcg_ev_cgroup type).  A path of PCG_PATH_MAX bytes or
 * more is cut to PCG_PATH_MAX - 1 and flagged PCG_F_TRUNC, as the kernel side does. */
size_t pcg_enc_cgroup(union pcg_enc_buf *ret, __u16 type, __u64 ts, __u64 cgid, __u32 hier,
		      __u32 level, __u32 writer_pid, const char *path, size_t path_len);
/* PCG_EV_EXISTING_TASK (or any struct pcg_ev_task type). */
size_t pcg_enc_task(union pcg_enc_buf *ret, __u16 type, __u64 ts, const struct pcg_task *t);
/* A header-only record: PCG_EV_SCAN_DONE, PCG_EV_TICK. */
size_t pcg_enc_mark(union pcg_enc_buf *ret, __u16 type, __u64 ts);
/* PCG_EV_LOST with these per-type counts. */
size_t pcg_enc_lost(union pcg_enc_buf *ret, __u64 ts, const __u64 count[PCG_LOST_SLOTS]);
/* PCG_EV_HINT: @container_id (up to 64 bytes) runs @runtime (enum pcg_runtime). */
size_t pcg_enc_hint(union pcg_enc_buf *ret, __u64 ts, __u32 runtime, const char *container_id);

/* PCG_EV_META: the names of a pod (@container_id "") or of a container.  @str[PCG_META_*]
 * holds @len[] bytes each (0 = unknown), already checked by the caller (meta.c says what each
 * may hold; no string is longer than its PCG_META_*_MAX); a pod's record carries only its
 * name and namespace.  @image_cut: the image was cut at PCG_META_IMAGE_MAX. */
size_t pcg_enc_meta(union pcg_enc_buf *ret, __u64 ts, const char *pod_uid, const char *container_id,
		    __u8 container_type, __u8 source, bool image_cut,
		    const char *const str[PCG_META_NR], const size_t len[PCG_META_NR]);
/* PCG_EV_TASK_INFO: the command line @args (@len bytes as /proc/PID/cmdline gives them:
 * NUL-terminated arguments) of the process @tgid started at @start_ns.  Longer than
 * PCG_CMDLINE_MAX - 1 bytes: cut there and flagged PCG_F_TRUNC; @cut flags it too (the
 * reader saw only part of it). */
size_t pcg_enc_task_info(union pcg_enc_buf *ret, __u64 ts, __u32 tgid, __u64 start_ns,
			 const char *args, size_t len, bool cut);

#endif /* __PCG_ENCODE_H */
