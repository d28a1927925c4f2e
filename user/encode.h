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
	char bytes[sizeof(struct pcg_ev_attach) + PCG_PATH_MAX];
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

#endif /* __PCG_ENCODE_H */
