/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_encode.c - every record the encoder builds decodes back to what went in. */
#include <string.h>

#include "decode.h"
#include "cgpath.h"
#include "encode.h"
#include "test.h"

PCG_TEST(encode_cgroup_round_trip)
{
	union pcg_enc_buf b;
	struct pcg_event ev;
	const char *path = "/kubepods/besteffort/pod1";
	size_t n = pcg_enc_cgroup(&b, PCG_EV_EXISTING_CGROUP, 42, 7, 4, 3, 99, path, strlen(path));

	ASSERT_EQ(n, sizeof(struct pcg_ev_cgroup) + strlen(path) + 1, "size");
	ASSERT_EQ(b.hdr.size, n, "hdr.size");
	ASSERT_EQ(b.hdr.flags, 0, "not cut");
	if (!ASSERT_OK(pcg_decode(&b, n, &ev), "decode"))
		return;
	ASSERT_EQ(ev.type, PCG_EV_EXISTING_CGROUP, "type");
	ASSERT_EQ(ev.ts, 42, "ts");
	ASSERT_EQ(ev.cgid, 7, "cgid");
	ASSERT_EQ(ev.hier, 4, "hier");
	ASSERT_EQ(ev.level, 3, "level");
	ASSERT_EQ(ev.writer_pid, 99, "writer");
	ASSERT_EQ(ev.str_len, strlen(path), "path length");
	ASSERT_TRUE(!memcmp(ev.str, path, ev.str_len), "path");
}

PCG_TEST(encode_cgroup_cuts_and_flags_long_paths)
{
	static char path[PCG_PATH_MAX + 100];
	union pcg_enc_buf b;
	struct pcg_event ev;
	size_t n;

	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	n = pcg_enc_cgroup(&b, PCG_EV_EXISTING_CGROUP, 1, 1, 0, 1, 0, path, sizeof(path) - 1);
	ASSERT_EQ(n, sizeof(struct pcg_ev_cgroup) + PCG_PATH_MAX, "size at the cap");
	ASSERT_EQ(b.hdr.flags & PCG_F_TRUNC, PCG_F_TRUNC, "flagged as cut");
	if (ASSERT_OK(pcg_decode(&b, n, &ev), "decode"))
		ASSERT_EQ(ev.str_len, PCG_PATH_MAX - 1, "path length");
}

PCG_TEST(encode_task_mark_lost_hint)
{
	struct pcg_task t = { .pid = 5, .tgid = 5, .ppid = 1, .start_ns = 77, .cg_dfl = 9 };
	__u64 counts[PCG_LOST_SLOTS] = { [PCG_EV_EXEC] = 3, [PCG_EV_FORK] = 1 };
	const char *id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	union pcg_enc_buf b;
	struct pcg_event ev;
	size_t n;

	n = pcg_enc_task(&b, PCG_EV_EXISTING_TASK, 10, &t);
	if (ASSERT_OK(pcg_decode(&b, n, &ev), "task")) {
		ASSERT_EQ(ev.task.tgid, 5, "tgid");
		ASSERT_EQ(ev.task.start_ns, 77, "start");
		ASSERT_EQ(ev.task.cg_dfl, 9, "cgroup");
	}
	n = pcg_enc_mark(&b, PCG_EV_SCAN_DONE, 11);
	ASSERT_EQ(n, sizeof(struct pcg_ev_hdr), "mark size");
	if (ASSERT_OK(pcg_decode(&b, n, &ev), "mark"))
		ASSERT_EQ(ev.type, PCG_EV_SCAN_DONE, "mark type");
	n = pcg_enc_lost(&b, 12, counts);
	if (ASSERT_OK(pcg_decode(&b, n, &ev), "lost")) {
		ASSERT_EQ(ev.lost[PCG_EV_EXEC], 3, "exec lost");
		ASSERT_EQ(ev.lost[PCG_EV_FORK], 1, "fork lost");
	}
	n = pcg_enc_hint(&b, 13, PCG_RT_DOCKER, id);
	if (ASSERT_OK(pcg_decode(&b, n, &ev), "hint")) {
		ASSERT_EQ(ev.runtime, PCG_RT_DOCKER, "runtime");
		ASSERT_STREQ(ev.container_id, id, "container id (64, no NUL in the record)");
	}
}
