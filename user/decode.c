/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* decode.c - raw ABI record bytes -> validated, aligned event view (pure). */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "decode.h"

_Static_assert(sizeof(struct pcg_ev_hdr) == 16, "pcg_ev_hdr layout");
_Static_assert(sizeof(struct pcg_task) == 96, "pcg_task layout");
_Static_assert(sizeof(struct pcg_ev_cgroup) == 40, "pcg_ev_cgroup layout");
_Static_assert(sizeof(struct pcg_ev_attach) == 136, "pcg_ev_attach layout");
_Static_assert(sizeof(struct pcg_ev_task) == 112, "pcg_ev_task layout");
_Static_assert(sizeof(struct pcg_ev_exec) == 120, "pcg_ev_exec layout");
_Static_assert(sizeof(struct pcg_ev_exit) == 120, "pcg_ev_exit layout");
_Static_assert(sizeof(struct pcg_ev_lost) == 16 + 8 * PCG_LOST_SLOTS, "pcg_ev_lost layout");
_Static_assert(sizeof(struct pcg_ev_hint) == 88, "pcg_ev_hint layout");
_Static_assert(sizeof(struct pcg_ev_meta) == 128, "pcg_ev_meta layout");
_Static_assert(sizeof(struct pcg_ev_task_info) == 40, "pcg_ev_task_info layout");

static const char *const ev_names[_PCG_EV_MAX] = {
	[PCG_EV_CGROUP_MKDIR] = "cgroup_mkdir",
	[PCG_EV_CGROUP_RMDIR] = "cgroup_rmdir",
	[PCG_EV_CGROUP_ATTACH] = "cgroup_attach",
	[PCG_EV_FORK] = "fork",
	[PCG_EV_EXEC] = "exec",
	[PCG_EV_EXIT] = "exit",
	[PCG_EV_EXISTING_CGROUP] = "existing_cgroup",
	[PCG_EV_EXISTING_TASK] = "existing_task",
	[PCG_EV_SCAN_DONE] = "scan_done",
	[PCG_EV_LOST] = "lost",
	[PCG_EV_TICK] = "tick",
	[PCG_EV_HINT] = "hint",
	[PCG_EV_META] = "meta",
	[PCG_EV_TASK_INFO] = "task_info",
};

const char *pcg_ev_name(__u16 type)
{
	if (type < _PCG_EV_MAX && ev_names[type])
		return ev_names[type];
	return "unknown";
}

size_t pcg_ev_fixed_size(__u16 type)
{
	switch (type) {
	case PCG_EV_CGROUP_MKDIR:
	case PCG_EV_CGROUP_RMDIR:
	case PCG_EV_EXISTING_CGROUP:
		return sizeof(struct pcg_ev_cgroup);
	case PCG_EV_CGROUP_ATTACH:
		return sizeof(struct pcg_ev_attach);
	case PCG_EV_FORK:
	case PCG_EV_EXISTING_TASK:
		return sizeof(struct pcg_ev_task);
	case PCG_EV_EXEC:
		return sizeof(struct pcg_ev_exec);
	case PCG_EV_EXIT:
		return sizeof(struct pcg_ev_exit);
	case PCG_EV_SCAN_DONE:
	case PCG_EV_TICK:
		return sizeof(struct pcg_ev_hdr);
	case PCG_EV_LOST:
		return sizeof(struct pcg_ev_lost);
	case PCG_EV_HINT:
		return sizeof(struct pcg_ev_hint);
	case PCG_EV_META:
		return sizeof(struct pcg_ev_meta);
	case PCG_EV_TASK_INFO:
		return sizeof(struct pcg_ev_task_info);
	default:
		return 0;
	}
}

/* Types whose fixed part is followed by a string (a cgroup path or an exec file name). */
static bool has_tail(__u16 type)
{
	return type == PCG_EV_CGROUP_MKDIR || type == PCG_EV_CGROUP_RMDIR ||
	       type == PCG_EV_EXISTING_CGROUP || type == PCG_EV_CGROUP_ATTACH ||
	       type == PCG_EV_EXEC;
}

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool pcg_meta_id_ok(const char *s, size_t len)
{
	if (len != 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_lower_hex(s[i]))
			return false;
	return true;
}

bool pcg_meta_uid_ok(const char *s, size_t len)
{
	if (len != 36)
		return false;
	for (size_t i = 0; i < len; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23 ? s[i] != '-' : !is_lower_hex(s[i]))
			return false;
	return true;
}

bool pcg_meta_str_ok(unsigned field, const char *s, size_t len)
{
	static const size_t max[PCG_META_NR] = {
		[PCG_META_POD_NAME] = PCG_META_NAME_MAX,
		[PCG_META_POD_NAMESPACE] = PCG_META_NS_MAX,
		[PCG_META_CONTAINER_NAME] = PCG_META_NAME_MAX,
		[PCG_META_IMAGE] = PCG_META_IMAGE_MAX,
		[PCG_META_SANDBOX_ID] = 64,
	};

	if (field >= PCG_META_NR || len > max[field] || (len && !s))
		return false;
	if (!len)
		return true;
	if (field == PCG_META_SANDBOX_ID)
		return pcg_meta_id_ok(s, len);
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';

		if (field == PCG_META_IMAGE)
			ok = ok || (c >= 'A' && c <= 'Z') || strchr("._:/@+", c);
		else if (field != PCG_META_POD_NAMESPACE)
			ok = ok || c == '.';
		if (!ok || !c)
			return false;
	}
	return true;
}

/* A PCG_EV_META record: bounded, valid strings and nothing else, or -EBADMSG. */
static int decode_meta(const unsigned char *p, size_t len, struct pcg_event *ret)
{
	struct pcg_ev_meta e;
	size_t off = sizeof(e);

	memcpy(&e, p, sizeof(e));
	if (e.container_type > PCG_CTYPE_CONTAINER || e.source >= _PCG_META_SRC_MAX ||
	    !pcg_meta_uid_ok(e.pod_uid, sizeof(e.pod_uid)))
		return -EBADMSG;
	if (e.container_id[0] && !pcg_meta_id_ok(e.container_id, sizeof(e.container_id)))
		return -EBADMSG;
	if (!e.container_id[0] && (e.container_type || e.len[PCG_META_CONTAINER_NAME] ||
				   e.len[PCG_META_IMAGE] || e.len[PCG_META_SANDBOX_ID]))
		return -EBADMSG; /* a pod's own record names the pod only */
	for (int i = 0; i < 64 && !e.container_id[0]; i++)
		if (e.container_id[i])
			return -EBADMSG;
	for (int i = 0; i < PCG_META_NR; i++) {
		if (e.len[i] > len - off || !pcg_meta_str_ok(i, (const char *)p + off, e.len[i]))
			return -EBADMSG;
		ret->meta[i] = (const char *)p + off;
		ret->meta_len[i] = e.len[i];
		off += e.len[i];
	}
	if (off != len || (ret->flags & ~PCG_F_TRUNC))
		return -EBADMSG;
	memcpy(ret->pod_uid, e.pod_uid, sizeof(e.pod_uid));
	memcpy(ret->container_id, e.container_id, sizeof(e.container_id));
	ret->ctype = e.container_type;
	ret->meta_src = e.source;
	return 0;
}

/* A string tail of the record: the bytes after the fixed part, up to the first NUL. */
static void set_tail(struct pcg_event *ev, const unsigned char *data, size_t fixed, size_t len)
{
	const unsigned char *s = data + fixed;
	const unsigned char *nul = memchr(s, 0, len - fixed);

	ev->str = (const char *)s;
	ev->str_len = nul ? (size_t)(nul - s) : len - fixed;
}

int pcg_decode(const void *data, size_t len, struct pcg_event *ret)
{
	const unsigned char *p = data;
	struct pcg_ev_hdr h;
	size_t fixed;

	if (!data || !ret)
		return -EINVAL;
	memset(ret, 0, sizeof(*ret));
	if (len < sizeof(h))
		return -EBADMSG;
	memcpy(&h, p, sizeof(h));
	if (h.size != len)
		return -EBADMSG;
	fixed = pcg_ev_fixed_size(h.type);
	if (!fixed)
		return -ENOTSUP;
	if (len < fixed)
		return -EBADMSG;
	/* The kernel side reads at most PCG_PATH_MAX bytes (NUL included) into a string tail and
	 * the start-up scan and snapshots send no more: a longer tail is not a record the tracer
	 * made, and accepting it would let a crafted file make every table entry 64 KiB. */
	if (len - fixed > PCG_PATH_MAX && has_tail(h.type))
		return -EBADMSG;
	ret->type = h.type;
	ret->flags = h.flags;
	ret->cpu = h.cpu;
	ret->ts = h.ts;

	switch (h.type) {
	case PCG_EV_CGROUP_MKDIR:
	case PCG_EV_CGROUP_RMDIR:
	case PCG_EV_EXISTING_CGROUP: {
		struct pcg_ev_cgroup e;

		memcpy(&e, p, sizeof(e));
		ret->cgid = e.cgid;
		ret->hier = e.hier;
		ret->level = e.level;
		ret->writer_pid = e.writer_pid;
		set_tail(ret, p, fixed, len);
		break;
	}
	case PCG_EV_CGROUP_ATTACH: {
		struct pcg_ev_attach e;

		memcpy(&e, p, sizeof(e));
		ret->has_task = true;
		ret->task = e.task;
		ret->cgid = e.cgid;
		ret->hier = e.hier;
		ret->level = e.level;
		ret->writer_pid = e.writer_pid;
		ret->threadgroup = e.threadgroup != 0;
		set_tail(ret, p, fixed, len);
		break;
	}
	case PCG_EV_FORK:
	case PCG_EV_EXISTING_TASK: {
		struct pcg_ev_task e;

		memcpy(&e, p, sizeof(e));
		ret->has_task = true;
		ret->task = e.task;
		break;
	}
	case PCG_EV_EXEC: {
		struct pcg_ev_exec e;

		memcpy(&e, p, sizeof(e));
		ret->has_task = true;
		ret->task = e.task;
		ret->old_pid = e.old_pid;
		set_tail(ret, p, fixed, len);
		break;
	}
	case PCG_EV_EXIT: {
		struct pcg_ev_exit e;

		memcpy(&e, p, sizeof(e));
		ret->has_task = true;
		ret->task = e.task;
		ret->exit_status = e.exit_status;
		break;
	}
	case PCG_EV_HINT: {
		struct pcg_ev_hint e;

		memcpy(&e, p, sizeof(e));
		ret->runtime = e.runtime;
		memcpy(ret->container_id, e.container_id, sizeof(e.container_id));
		ret->container_id[sizeof(e.container_id)] = 0;
		break;
	}
	case PCG_EV_META:
		if (decode_meta(p, len, ret)) {
			memset(ret, 0, sizeof(*ret));
			return -EBADMSG;
		}
		break;
	case PCG_EV_TASK_INFO: {
		struct pcg_ev_task_info e;

		memcpy(&e, p, sizeof(e));
		ret->task.tgid = ret->task.pid = e.tgid;
		ret->task.start_ns = e.start_ns;
		ret->str = (const char *)p + fixed;
		ret->str_len = e.cmdline_len < len - fixed ? e.cmdline_len : len - fixed;
		break;
	}
	case PCG_EV_LOST: {
		struct pcg_ev_lost e;

		memcpy(&e, p, sizeof(e));
		memcpy(ret->lost, e.count, sizeof(ret->lost));
		break;
	}
	default:
		break;
	}
	if (ret->has_task)
		ret->task.comm[PCG_COMM_LEN - 1] = 0;
	return 0;
}
