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
