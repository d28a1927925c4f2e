/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* encode.c - builds the records user space makes itself (pure). */
#include <stdbool.h>
#include <string.h>

#include "encode.h"

static size_t enc_hdr(union pcg_enc_buf *ret, __u16 type, size_t size, __u64 ts)
{
	memset(ret, 0, size);
	ret->hdr.type = type;
	ret->hdr.size = size;
	ret->hdr.ts = ts;
	return size;
}

size_t pcg_enc_cgroup(union pcg_enc_buf *ret, __u16 type, __u64 ts, __u64 cgid, __u32 hier,
		      __u32 level, __u32 writer_pid, const char *path, size_t path_len)
{
	struct pcg_ev_cgroup *e = &ret->cgroup;
	bool cut = path_len >= PCG_PATH_MAX;
	size_t size;

	if (cut)
		path_len = PCG_PATH_MAX - 1;
	size = enc_hdr(ret, type, sizeof(*e) + path_len + 1, ts);
	if (cut)
		e->hdr.flags |= PCG_F_TRUNC;
	e->cgid = cgid;
	e->hier = hier;
	e->level = level;
	e->writer_pid = writer_pid;
	e->path_len = path_len;
	memcpy(e->path, path, path_len);
	e->path[path_len] = '\0';
	return size;
}

size_t pcg_enc_task(union pcg_enc_buf *ret, __u16 type, __u64 ts, const struct pcg_task *t)
{
	size_t size = enc_hdr(ret, type, sizeof(ret->task), ts);

	ret->task.task = *t;
	return size;
}

size_t pcg_enc_mark(union pcg_enc_buf *ret, __u16 type, __u64 ts)
{
	return enc_hdr(ret, type, sizeof(ret->hdr), ts);
}

size_t pcg_enc_lost(union pcg_enc_buf *ret, __u64 ts, const __u64 count[PCG_LOST_SLOTS])
{
	size_t size = enc_hdr(ret, PCG_EV_LOST, sizeof(ret->lost), ts);

	memcpy(ret->lost.count, count, sizeof(ret->lost.count));
	return size;
}

size_t pcg_enc_hint(union pcg_enc_buf *ret, __u64 ts, __u32 runtime, const char *container_id)
{
	size_t size = enc_hdr(ret, PCG_EV_HINT, sizeof(ret->hint), ts);

	ret->hint.runtime = runtime;
	/* not NUL-terminated when 64 long: the rest of the field stays zero */
	memcpy(ret->hint.container_id, container_id,
	       strnlen(container_id, sizeof(ret->hint.container_id)));
	return size;
}

size_t pcg_enc_meta(union pcg_enc_buf *ret, __u64 ts, const char *pod_uid, const char *container_id,
		    __u8 container_type, __u8 source, bool image_cut,
		    const char *const str[PCG_META_NR], const size_t len[PCG_META_NR])
{
	struct pcg_ev_meta *e = &ret->meta;
	bool pod = !container_id[0];
	size_t off = sizeof(*e);

	enc_hdr(ret, PCG_EV_META, sizeof(*e), ts);
	memcpy(e->pod_uid, pod_uid, strnlen(pod_uid, sizeof(e->pod_uid)));
	if (!pod) {
		memcpy(e->container_id, container_id,
		       strnlen(container_id, sizeof(e->container_id)));
		e->container_type = container_type;
	}
	e->source = source;
	for (int i = 0; i < PCG_META_NR; i++) {
		size_t n = pod && i > PCG_META_POD_NAMESPACE ? 0 : len[i];

		memcpy(ret->meta_bytes + off, str[i], n);
		e->len[i] = n;
		off += n;
	}
	if (!pod && image_cut && e->len[PCG_META_IMAGE])
		e->hdr.flags |= PCG_F_TRUNC;
	e->hdr.size = off;
	return off;
}

size_t pcg_enc_task_info(union pcg_enc_buf *ret, __u64 ts, __u32 tgid, __u64 start_ns,
			 const char *args, size_t len, bool cut)
{
	struct pcg_ev_task_info *e = &ret->task_info;
	size_t size;

	if (len >= PCG_CMDLINE_MAX) {
		len = PCG_CMDLINE_MAX - 1;
		cut = true;
	}
	size = enc_hdr(ret, PCG_EV_TASK_INFO, sizeof(*e) + len + 1, ts);
	if (cut)
		e->hdr.flags |= PCG_F_TRUNC;
	e->tgid = tgid;
	e->start_ns = start_ns;
	e->cmdline_len = len;
	memcpy(e->cmdline, args, len);
	return size;
}
