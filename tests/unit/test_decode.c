/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_decode.c - the record decoder: every type round-trips, hostile sizes and strings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "test.h"

#define CID  "4f1b8e0c2d3a49e8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4"
#define PATH "/kubepods.slice/kubepods-besteffort.slice/cri-containerd-" CID ".scope"

static const __u16 all_types[] = {
	PCG_EV_CGROUP_MKDIR,
	PCG_EV_CGROUP_RMDIR,
	PCG_EV_CGROUP_ATTACH,
	PCG_EV_FORK,
	PCG_EV_EXEC,
	PCG_EV_EXIT,
	PCG_EV_EXISTING_CGROUP,
	PCG_EV_EXISTING_TASK,
	PCG_EV_SCAN_DONE,
	PCG_EV_LOST,
	PCG_EV_TICK,
	PCG_EV_HINT,
};

/* A record of @len bytes in an exactly sized heap block (ASan catches any over-read), with
 * the header filled in; the rest is zero. */
static unsigned char *rec_new(__u16 type, size_t len)
{
	unsigned char *p = calloc(1, len ? len : 1);
	struct pcg_ev_hdr h = {
		.type = type,
		.size = (__u16)len,
		.flags = 0x8001,
		.cpu = 7,
		.ts = 0x0123456789abcdefull,
	};

	if (p && len >= sizeof(h))
		memcpy(p, &h, sizeof(h));
	return p;
}

static void fill_task(struct pcg_task *t, __u32 seed)
{
	memset(t, 0, sizeof(*t));
	t->pid = seed + 1;
	t->tgid = seed + 2;
	t->ppid = seed + 3;
	t->nspid = seed + 4;
	t->uid = seed + 5;
	t->_pad0 = 0xdeadbeef;
	t->start_ns = 0xfedcba9876543210ull + seed;
	t->cg_dfl = 0x1111222233334444ull + seed;
	t->cg_v1 = 0x5555666677778888ull + seed;
	for (int i = 0; i < PCG_NS_COUNT; i++)
		t->ns[i] = 4026531835u + i + seed;
	memcpy(t->comm, "kube-apiserver", 15);
}

static bool task_eq(const struct pcg_task *a, const struct pcg_task *b)
{
	return a->pid == b->pid && a->tgid == b->tgid && a->ppid == b->ppid &&
	       a->nspid == b->nspid && a->uid == b->uid && a->start_ns == b->start_ns &&
	       a->cg_dfl == b->cg_dfl && a->cg_v1 == b->cg_v1 &&
	       memcmp(a->ns, b->ns, sizeof(a->ns)) == 0 &&
	       memcmp(a->comm, b->comm, sizeof(a->comm)) == 0;
}

static void check_hdr(const struct pcg_event *ev, __u16 type, const char *what)
{
	ASSERT_EQ(ev->type, type, what);
	ASSERT_EQ(ev->flags, 0x8001, what);
	ASSERT_EQ(ev->cpu, 7, what);
	ASSERT_TRUE(ev->ts == 0x0123456789abcdefull, what);
}

/* The string view lies inside the record, after the fixed part. */
static bool str_in_record(const struct pcg_event *ev, const unsigned char *rec, size_t len,
			  size_t fixed)
{
	return ev->str == (const char *)rec + fixed && ev->str_len <= len - fixed;
}

/* ---- round trips ------------------------------------------------------------------------- */

PCG_TEST(decode_cgroup)
{
	static const __u16 types[] = { PCG_EV_CGROUP_MKDIR, PCG_EV_CGROUP_RMDIR,
				       PCG_EV_EXISTING_CGROUP };

	for (size_t k = 0; k < 3; k++) {
		size_t len = sizeof(struct pcg_ev_cgroup) + sizeof(PATH);
		unsigned char *p = rec_new(types[k], len);
		struct pcg_ev_cgroup e;
		struct pcg_event ev;

		if (!ASSERT_TRUE(p != NULL, "alloc"))
			return;
		memcpy(&e, p, sizeof(e));
		e.cgid = 0xa1a2a3a4a5a6a7a8ull;
		e.hier = 4;
		e.level = 5;
		e.path_len = sizeof(PATH) - 1;
		e.writer_pid = 9876;
		memcpy(p, &e, sizeof(e));
		memcpy(p + sizeof(e), PATH, sizeof(PATH));
		memset(&ev, 0x5a, sizeof(ev));
		if (!ASSERT_OK(pcg_decode(p, len, &ev), pcg_ev_name(types[k]))) {
			free(p);
			continue;
		}
		check_hdr(&ev, types[k], "cgroup hdr");
		ASSERT_TRUE(ev.cgid == 0xa1a2a3a4a5a6a7a8ull, "cgid");
		ASSERT_EQ(ev.hier, 4, "hier");
		ASSERT_EQ(ev.level, 5, "level");
		ASSERT_EQ(ev.writer_pid, 9876, "writer_pid");
		ASSERT_TRUE(!ev.has_task, "no task");
		ASSERT_EQ(ev.str_len, strlen(PATH), "path len");
		ASSERT_TRUE(ev.str && memcmp(ev.str, PATH, ev.str_len) == 0, "path");
		ASSERT_TRUE(str_in_record(&ev, p, len, sizeof(e)), "path in record");
		free(p);
	}
}

PCG_TEST(decode_attach)
{
	size_t len = sizeof(struct pcg_ev_attach) + sizeof(PATH);
	unsigned char *p = rec_new(PCG_EV_CGROUP_ATTACH, len);
	struct pcg_ev_attach e;
	struct pcg_event ev;

	if (!ASSERT_TRUE(p != NULL, "alloc"))
		return;
	memcpy(&e, p, sizeof(e));
	fill_task(&e.task, 100);
	e.cgid = 77;
	e.hier = 0;
	e.level = 4;
	e.writer_pid = 4242;
	e.threadgroup = 2; /* any non-zero value means true */
	e.path_len = sizeof(PATH) - 1;
	memcpy(p, &e, sizeof(e));
	memcpy(p + sizeof(e), PATH, sizeof(PATH));
	if (ASSERT_OK(pcg_decode(p, len, &ev), "decode")) {
		check_hdr(&ev, PCG_EV_CGROUP_ATTACH, "attach hdr");
		ASSERT_TRUE(ev.has_task, "has task");
		ASSERT_TRUE(task_eq(&ev.task, &e.task), "task");
		ASSERT_EQ(ev.cgid, 77, "cgid");
		ASSERT_EQ(ev.hier, 0, "hier");
		ASSERT_EQ(ev.level, 4, "level");
		ASSERT_EQ(ev.writer_pid, 4242, "writer");
		ASSERT_TRUE(ev.threadgroup, "threadgroup");
		ASSERT_EQ(ev.str_len, strlen(PATH), "path len");
		ASSERT_TRUE(memcmp(ev.str, PATH, ev.str_len) == 0, "path");
	}
	e.threadgroup = 0;
	memcpy(p, &e, sizeof(e));
	ASSERT_OK(pcg_decode(p, len, &ev), "decode 2");
	ASSERT_TRUE(!ev.threadgroup, "threadgroup 0");
	free(p);
}

PCG_TEST(decode_task)
{
	static const __u16 types[] = { PCG_EV_FORK, PCG_EV_EXISTING_TASK };

	for (size_t k = 0; k < 2; k++) {
		size_t len = sizeof(struct pcg_ev_task);
		unsigned char *p = rec_new(types[k], len);
		struct pcg_ev_task e;
		struct pcg_event ev;

		if (!ASSERT_TRUE(p != NULL, "alloc"))
			return;
		memcpy(&e, p, sizeof(e));
		fill_task(&e.task, 200);
		memcpy(p, &e, sizeof(e));
		if (ASSERT_OK(pcg_decode(p, len, &ev), pcg_ev_name(types[k]))) {
			check_hdr(&ev, types[k], "task hdr");
			ASSERT_TRUE(ev.has_task, "has task");
			ASSERT_TRUE(task_eq(&ev.task, &e.task), "task");
			ASSERT_TRUE(ev.str == NULL && ev.str_len == 0, "no string");
			ASSERT_EQ(ev.cgid, 0, "no cgid");
		}
		free(p);
	}
}

PCG_TEST(decode_exec)
{
	static const char fn[] = "/usr/local/bin/kube-proxy";
	size_t len = sizeof(struct pcg_ev_exec) + sizeof(fn);
	unsigned char *p = rec_new(PCG_EV_EXEC, len);
	struct pcg_ev_exec e;
	struct pcg_event ev;

	if (!ASSERT_TRUE(p != NULL, "alloc"))
		return;
	memcpy(&e, p, sizeof(e));
	fill_task(&e.task, 300);
	e.old_pid = 31337;
	e.filename_len = sizeof(fn) - 1;
	memcpy(p, &e, sizeof(e));
	memcpy(p + sizeof(e), fn, sizeof(fn));
	if (ASSERT_OK(pcg_decode(p, len, &ev), "decode")) {
		check_hdr(&ev, PCG_EV_EXEC, "exec hdr");
		ASSERT_TRUE(ev.has_task && task_eq(&ev.task, &e.task), "task");
		ASSERT_EQ(ev.old_pid, 31337, "old_pid");
		ASSERT_EQ(ev.str_len, strlen(fn), "filename len");
		ASSERT_TRUE(memcmp(ev.str, fn, ev.str_len) == 0, "filename");
		ASSERT_TRUE(str_in_record(&ev, p, len, sizeof(e)), "in record");
	}
	free(p);
}

PCG_TEST(decode_exit)
{
	static const __u32 statuses[] = { 0, 0x0100, 0xff00, 0x0009, 0x008b, 0xffffffffu };

	for (size_t k = 0; k < sizeof(statuses) / sizeof(statuses[0]); k++) {
		size_t len = sizeof(struct pcg_ev_exit);
		unsigned char *p = rec_new(PCG_EV_EXIT, len);
		struct pcg_ev_exit e;
		struct pcg_event ev;

		if (!ASSERT_TRUE(p != NULL, "alloc"))
			return;
		memcpy(&e, p, sizeof(e));
		fill_task(&e.task, 400);
		e.exit_status = statuses[k];
		memcpy(p, &e, sizeof(e));
		if (ASSERT_OK(pcg_decode(p, len, &ev), "decode")) {
			check_hdr(&ev, PCG_EV_EXIT, "exit hdr");
			ASSERT_TRUE(ev.has_task && task_eq(&ev.task, &e.task), "task");
			ASSERT_TRUE(ev.exit_status == statuses[k], "exit_status");
			ASSERT_TRUE(ev.str == NULL, "no string");
		}
		free(p);
	}
}

PCG_TEST(decode_lost)
{
	size_t len = sizeof(struct pcg_ev_lost);
	unsigned char *p = rec_new(PCG_EV_LOST, len);
	struct pcg_ev_lost e;
	struct pcg_event ev;

	if (!ASSERT_TRUE(p != NULL, "alloc"))
		return;
	memcpy(&e, p, sizeof(e));
	for (int i = 0; i < PCG_LOST_SLOTS; i++)
		e.count[i] = 1000ull * i + 0xffffffff00000000ull * (i == PCG_EV_EXEC);
	memcpy(p, &e, sizeof(e));
	if (ASSERT_OK(pcg_decode(p, len, &ev), "decode")) {
		check_hdr(&ev, PCG_EV_LOST, "lost hdr");
		ASSERT_TRUE(memcmp(ev.lost, e.count, sizeof(ev.lost)) == 0, "counts");
		ASSERT_TRUE(!ev.has_task && ev.str == NULL, "nothing else");
	}
	free(p);
}

PCG_TEST(decode_header_only)
{
	static const __u16 types[] = { PCG_EV_SCAN_DONE, PCG_EV_TICK };

	for (size_t k = 0; k < 2; k++) {
		unsigned char *p = rec_new(types[k], sizeof(struct pcg_ev_hdr));
		struct pcg_event ev;

		if (!ASSERT_TRUE(p != NULL, "alloc"))
			return;
		if (ASSERT_OK(pcg_decode(p, sizeof(struct pcg_ev_hdr), &ev),
			      pcg_ev_name(types[k]))) {
			check_hdr(&ev, types[k], "hdr");
			ASSERT_TRUE(!ev.has_task && ev.str == NULL && ev.cgid == 0, "nothing else");
		}
		free(p);
	}
}

PCG_TEST(decode_hint)
{
	static const struct {
		__u32 runtime;
		const char *id;
		size_t id_len;
	} c[] = {
		{ 1, CID, 64 },	 /* exactly 64: no NUL in the record */
		{ 2, "abc", 3 }, /* short: NUL-padded */
		{ 0xffffffffu, "", 0 },
	};

	for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		size_t len = sizeof(struct pcg_ev_hint);
		unsigned char *p = rec_new(PCG_EV_HINT, len);
		struct pcg_ev_hint e;
		struct pcg_event ev;

		if (!ASSERT_TRUE(p != NULL, "alloc"))
			return;
		memcpy(&e, p, sizeof(e));
		e.runtime = c[k].runtime;
		memcpy(e.container_id, c[k].id, c[k].id_len);
		memcpy(p, &e, sizeof(e));
		memset(&ev, 0x5a, sizeof(ev));
		if (ASSERT_OK(pcg_decode(p, len, &ev), "decode")) {
			check_hdr(&ev, PCG_EV_HINT, "hint hdr");
			ASSERT_TRUE(ev.runtime == c[k].runtime, "runtime");
			ASSERT_STREQ(ev.container_id, c[k].id, "container id, NUL-terminated");
			ASSERT_TRUE(!ev.has_task && ev.str == NULL, "nothing else");
		}
		free(p);
	}
}

/* Records are read with memcpy: an odd address must work (UBSan checks alignment). */
PCG_TEST(decode_unaligned)
{
	size_t len = sizeof(struct pcg_ev_exec) + 4;
	unsigned char *buf = calloc(1, len + 3), *src = rec_new(PCG_EV_EXEC, len);
	struct pcg_ev_exec e;
	struct pcg_event ev;

	if (!ASSERT_TRUE(buf && src, "alloc"))
		goto out;
	memcpy(&e, src, sizeof(e));
	fill_task(&e.task, 1);
	memcpy(src, &e, sizeof(e));
	memcpy(src + sizeof(e), "/sh", 4);
	for (size_t off = 1; off < 4; off++) {
		memcpy(buf + off, src, len);
		if (ASSERT_OK(pcg_decode(buf + off, len, &ev), "unaligned")) {
			ASSERT_TRUE(task_eq(&ev.task, &e.task), "unaligned task");
			ASSERT_EQ(ev.str_len, 3, "unaligned str");
		}
	}
out:
	free(buf);
	free(src);
}

/* ---- strings ----------------------------------------------------------------------------- */

PCG_TEST(decode_strings_bounded)
{
	static const struct {
		__u16 type;
		size_t fixed;
	} st[] = {
		{ PCG_EV_CGROUP_MKDIR, sizeof(struct pcg_ev_cgroup) },
		{ PCG_EV_CGROUP_RMDIR, sizeof(struct pcg_ev_cgroup) },
		{ PCG_EV_EXISTING_CGROUP, sizeof(struct pcg_ev_cgroup) },
		{ PCG_EV_CGROUP_ATTACH, sizeof(struct pcg_ev_attach) },
		{ PCG_EV_EXEC, sizeof(struct pcg_ev_exec) },
	};

	for (size_t k = 0; k < sizeof(st) / sizeof(st[0]); k++) {
		const char *what = pcg_ev_name(st[k].type);
		struct pcg_event ev;
		unsigned char *p;
		size_t len;

		/* no NUL at all: the string ends with the record */
		for (size_t tail = 0; tail <= 70; tail += 7) {
			len = st[k].fixed + tail;
			p = rec_new(st[k].type, len);
			if (!p)
				return;
			memset(p + st[k].fixed, 'x', tail);
			if (ASSERT_OK(pcg_decode(p, len, &ev), what)) {
				ASSERT_EQ(ev.str_len, tail, what);
				ASSERT_TRUE(str_in_record(&ev, p, len, st[k].fixed), what);
			}
			free(p);
		}
		/* an embedded NUL ends it early; a lying *_len field is ignored */
		len = st[k].fixed + 10;
		p = rec_new(st[k].type, len);
		if (!p)
			return;
		memcpy(p + st[k].fixed, "abc\0defghi", 10);
		if (st[k].type == PCG_EV_EXEC) {
			struct pcg_ev_exec e;

			memcpy(&e, p, sizeof(e));
			e.filename_len = 60000;
			memcpy(p, &e, sizeof(e));
		} else if (st[k].type == PCG_EV_CGROUP_ATTACH) {
			struct pcg_ev_attach e;

			memcpy(&e, p, sizeof(e));
			e.path_len = 60000;
			memcpy(p, &e, sizeof(e));
		} else {
			struct pcg_ev_cgroup e;

			memcpy(&e, p, sizeof(e));
			e.path_len = 60000;
			memcpy(p, &e, sizeof(e));
		}
		if (ASSERT_OK(pcg_decode(p, len, &ev), what)) {
			ASSERT_EQ(ev.str_len, 3, what);
			ASSERT_TRUE(memcmp(ev.str, "abc", 3) == 0, what);
		}
		free(p);
		/* a NUL first: an empty string */
		len = st[k].fixed + 4;
		p = rec_new(st[k].type, len);
		if (!p)
			return;
		memcpy(p + st[k].fixed, "\0abc", 4);
		if (ASSERT_OK(pcg_decode(p, len, &ev), what))
			ASSERT_EQ(ev.str_len, 0, what);
		free(p);
	}
	/* the longest tail the kernel side sends (PCG_PATH_MAX bytes): accepted */
	for (size_t k = 0; k < sizeof(st) / sizeof(st[0]); k++) {
		size_t len = st[k].fixed + PCG_PATH_MAX;
		unsigned char *p = rec_new(st[k].type, len);
		struct pcg_event ev;

		if (!p)
			return;
		memset(p + st[k].fixed, '/', PCG_PATH_MAX - 1);
		if (ASSERT_OK(pcg_decode(p, len, &ev), "max size"))
			ASSERT_EQ(ev.str_len, PCG_PATH_MAX - 1, "max size str");
		free(p);
	}
}

/* A string tail longer than the kernel side can ever send (PCG_PATH_MAX bytes, NUL included)
 * is refused, up to the longest record the u16 size allows: a crafted file cannot make the
 * correlator keep 64 KiB per cgroup. */
PCG_TEST(decode_tail_longer_than_kernel_refused)
{
	static const __u16 types[] = { PCG_EV_CGROUP_MKDIR, PCG_EV_CGROUP_RMDIR,
				       PCG_EV_EXISTING_CGROUP, PCG_EV_CGROUP_ATTACH, PCG_EV_EXEC };
	static const size_t extra[] = { PCG_PATH_MAX + 1, PCG_PATH_MAX + 100, 60000 };

	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
		for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
			size_t len = pcg_ev_fixed_size(types[k]) + extra[i];
			unsigned char *p = rec_new(types[k], len);
			struct pcg_event ev;

			if (!p)
				return;
			memset(p + pcg_ev_fixed_size(types[k]), 'a', extra[i]);
			p[len - 1] = 0;
			ASSERT_EQ(pcg_decode(p, len, &ev), -EBADMSG, pcg_ev_name(types[k]));
			free(p);
		}
	{
		size_t len = 0xffff;
		unsigned char *p = rec_new(PCG_EV_EXEC, len);
		struct pcg_event ev;

		if (!p)
			return;
		memset(p + sizeof(struct pcg_ev_exec), '/', len - sizeof(struct pcg_ev_exec));
		ASSERT_EQ(pcg_decode(p, len, &ev), -EBADMSG, "u16 max size");
		free(p);
	}
}

PCG_TEST(decode_comm_terminated)
{
	static const __u16 types[] = { PCG_EV_CGROUP_ATTACH, PCG_EV_FORK, PCG_EV_EXEC, PCG_EV_EXIT,
				       PCG_EV_EXISTING_TASK };

	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
		size_t len = pcg_ev_fixed_size(types[k]);
		unsigned char *p = rec_new(types[k], len);
		struct pcg_ev_task e; /* the task sits right after the header in every type */
		struct pcg_event ev;

		if (!ASSERT_TRUE(p != NULL, "alloc"))
			return;
		memcpy(&e, p, sizeof(e));
		fill_task(&e.task, 9);
		memset(e.task.comm, 'A', sizeof(e.task.comm)); /* no NUL */
		memcpy(p, &e, sizeof(e));
		if (ASSERT_OK(pcg_decode(p, len, &ev), pcg_ev_name(types[k]))) {
			ASSERT_EQ(ev.task.comm[PCG_COMM_LEN - 1], 0, "comm NUL-terminated");
			ASSERT_EQ(strlen(ev.task.comm), PCG_COMM_LEN - 1, "comm keeps 15 bytes");
			ASSERT_EQ(ev.task.tgid, 11, "fields intact");
		}
		free(p);
	}
}

/* ---- rejection --------------------------------------------------------------------------- */

PCG_TEST(decode_null_args)
{
	unsigned char *p = rec_new(PCG_EV_TICK, sizeof(struct pcg_ev_hdr));
	struct pcg_event ev;

	ASSERT_EQ(pcg_decode(NULL, 16, &ev), -EINVAL, "NULL data");
	ASSERT_EQ(pcg_decode(NULL, 0, &ev), -EINVAL, "NULL data, 0 len");
	ASSERT_EQ(pcg_decode(p, 16, NULL), -EINVAL, "NULL ret");
	free(p);
}

PCG_TEST(decode_too_short)
{
	unsigned char *full = rec_new(PCG_EV_TICK, sizeof(struct pcg_ev_hdr));
	struct pcg_event ev;

	if (!full)
		return;
	/* fewer bytes than a header: whatever the bytes say */
	for (size_t len = 0; len < sizeof(struct pcg_ev_hdr); len++) {
		unsigned char *p = malloc(len ? len : 1);

		if (!p)
			break;
		memcpy(p, full, len);
		if (len >= 4) { /* make the size field agree, so only the length is wrong */
			__u16 sz = (__u16)len;

			memcpy(p + 2, &sz, 2);
		}
		ASSERT_EQ(pcg_decode(p, len, &ev), -EBADMSG, "shorter than a header");
		free(p);
	}
	free(full);
}

PCG_TEST(decode_size_mismatch)
{
	for (size_t k = 0; k < sizeof(all_types) / sizeof(all_types[0]); k++) {
		size_t fixed = pcg_ev_fixed_size(all_types[k]), len = fixed + 8;
		unsigned char *p = rec_new(all_types[k], len);
		struct pcg_event ev;
		const __u16 sizes[] = { 0, 1, 16, (__u16)(len - 1), (__u16)(len + 1), 0xffff };

		if (!p)
			return;
		ASSERT_OK(pcg_decode(p, len, &ev), "size == len");
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			memcpy(p + 2, &sizes[s], 2);
			ASSERT_EQ(pcg_decode(p, len, &ev), -EBADMSG, pcg_ev_name(all_types[k]));
		}
		/* the caller's length shorter than the declared size: never read past it */
		{
			__u16 sz = (__u16)len;

			memcpy(p + 2, &sz, 2);
			ASSERT_EQ(pcg_decode(p, len - 1, &ev), -EBADMSG, "len < size");
		}
		free(p);
	}
}

PCG_TEST(decode_fixed_part_too_short)
{
	for (size_t k = 0; k < sizeof(all_types) / sizeof(all_types[0]); k++) {
		size_t fixed = pcg_ev_fixed_size(all_types[k]);

		/* every length from a bare header up to one byte short of the fixed part */
		for (size_t len = sizeof(struct pcg_ev_hdr); len < fixed; len++) {
			unsigned char *p = rec_new(all_types[k], len);
			struct pcg_event ev;

			if (!p)
				return;
			if (!ASSERT_EQ(pcg_decode(p, len, &ev), -EBADMSG,
				       pcg_ev_name(all_types[k]))) {
				free(p);
				break;
			}
			free(p);
		}
	}
}

PCG_TEST(decode_unknown_type)
{
	static const __u16 bad[] = { 0,	     _PCG_EV_MAX,	   _PCG_EV_MAX + 1, 100,
				     0x7fff, 0x8000 | PCG_EV_EXEC, 0xffff };

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		for (size_t len = 16; len <= 200; len += 46) {
			unsigned char *p = rec_new(bad[k], len);
			struct pcg_event ev;

			if (!p)
				return;
			ASSERT_EQ(pcg_decode(p, len, &ev), -ENOTSUP, "unknown type");
			free(p);
		}
		ASSERT_EQ(pcg_ev_fixed_size(bad[k]), 0, "fixed size of unknown");
	}
}

/* Newer writers may append fields: bytes after the fixed part of a tail-less type are ignored. */
PCG_TEST(decode_trailing_bytes)
{
	static const __u16 types[] = { PCG_EV_FORK, PCG_EV_EXIT,      PCG_EV_EXISTING_TASK,
				       PCG_EV_LOST, PCG_EV_SCAN_DONE, PCG_EV_TICK,
				       PCG_EV_HINT };

	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
		size_t len = pcg_ev_fixed_size(types[k]) + 24;
		unsigned char *p = rec_new(types[k], len);
		struct pcg_event ev;

		if (!p)
			return;
		memset(p + len - 24, 0xee, 24);
		if (ASSERT_OK(pcg_decode(p, len, &ev), pcg_ev_name(types[k])))
			ASSERT_TRUE(ev.str == NULL, "no string for a tail-less type");
		free(p);
	}
}

/* Every length and a few byte patterns for every type: no crash, only documented errors. */
PCG_TEST(decode_all_lengths)
{
	static const unsigned char fills[] = { 0x00, 0xff, 0x41 };

	for (size_t k = 0; k < sizeof(all_types) / sizeof(all_types[0]); k++) {
		size_t fixed = pcg_ev_fixed_size(all_types[k]);

		for (size_t f = 0; f < sizeof(fills); f++) {
			for (size_t len = 0; len <= fixed + 20; len++) {
				unsigned char *p = malloc(len ? len : 1);
				struct pcg_ev_hdr h = { .type = all_types[k], .size = (__u16)len };
				struct pcg_event ev;
				int rc;

				if (!p)
					return;
				memset(p, fills[f], len);
				memcpy(p, &h, len < sizeof(h) ? len : 4);
				rc = pcg_decode(p, len, &ev);
				if (len < fixed) {
					ASSERT_EQ(rc, -EBADMSG, "short");
				} else {
					ASSERT_OK(rc, "long enough");
					ASSERT_TRUE(ev.str == NULL ||
							    (ev.str >= (const char *)p &&
							     ev.str + ev.str_len <=
								     (const char *)p + len),
						    "string bounded");
					if (ev.has_task)
						ASSERT_TRUE(memchr(ev.task.comm, 0, PCG_COMM_LEN) !=
								    NULL,
							    "comm terminated");
				}
				free(p);
			}
		}
	}
}

/* ---- names and sizes --------------------------------------------------------------------- */

PCG_TEST(decode_names_sizes)
{
	static const struct {
		__u16 type;
		const char *name;
		size_t fixed;
	} t[] = {
		{ PCG_EV_CGROUP_MKDIR, "cgroup_mkdir", 40 },
		{ PCG_EV_CGROUP_RMDIR, "cgroup_rmdir", 40 },
		{ PCG_EV_CGROUP_ATTACH, "cgroup_attach", 136 },
		{ PCG_EV_FORK, "fork", 112 },
		{ PCG_EV_EXEC, "exec", 120 },
		{ PCG_EV_EXIT, "exit", 120 },
		{ PCG_EV_EXISTING_CGROUP, "existing_cgroup", 40 },
		{ PCG_EV_EXISTING_TASK, "existing_task", 112 },
		{ PCG_EV_SCAN_DONE, "scan_done", 16 },
		{ PCG_EV_LOST, "lost", 16 + 8 * PCG_LOST_SLOTS },
		{ PCG_EV_TICK, "tick", 16 },
		{ PCG_EV_HINT, "hint", 88 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ASSERT_STREQ(pcg_ev_name(t[i].type), t[i].name, t[i].name);
		ASSERT_EQ(pcg_ev_fixed_size(t[i].type), t[i].fixed, t[i].name);
	}
	ASSERT_STREQ(pcg_ev_name(0), "unknown", "0");
	ASSERT_STREQ(pcg_ev_name(_PCG_EV_MAX), "unknown", "max");
	ASSERT_STREQ(pcg_ev_name(0xffff), "unknown", "0xffff");
	ASSERT_EQ(pcg_ev_fixed_size(0), 0, "fixed 0");
}
