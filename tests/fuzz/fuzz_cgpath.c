/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* fuzz_cgpath.c - libFuzzer target: pcg_cgpath_parse on raw bytes, checking its invariants. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgpath.h"

#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

static int is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void check_uid(const char *u)
{
	size_t n = strnlen(u, PCG_POD_UID_LEN + 1);

	CHECK(n == 0 || n == PCG_POD_UID_LEN);
	for (size_t i = 0; i < n; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			CHECK(u[i] == '-');
		else
			CHECK(is_lower_hex(u[i]));
	}
}

static void check_id(const char *id)
{
	size_t n = strnlen(id, PCG_CONTAINER_ID_LEN + 1);

	CHECK(n == 0 || n == PCG_CONTAINER_ID_LEN);
	for (size_t i = 0; i < n; i++)
		CHECK(is_lower_hex(id[i]));
}

/* Bytes from @from to @n hold nothing but '/'. */
static int only_slashes(const char *p, size_t from, size_t n)
{
	for (size_t i = from; i < n; i++)
		if (p[i] != '/')
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	size_t n = strnlen(p, size); /* the parser stops at the first NUL */
	struct pcg_cgpath r, r2, zero;
	int rc;

	memset(&zero, 0, sizeof(zero));
	rc = pcg_cgpath_parse(p, size, &r);
	CHECK(rc == 0 || rc == -ENOENT);
	if (rc == -ENOENT) {
		CHECK(memcmp(&r, &zero, sizeof(r)) == 0);
		return 0;
	}
	CHECK(r.kind > PCG_CG_NONE && r.kind <= PCG_CG_KUBEPODS_OTHER);
	CHECK((unsigned int)r.runtime < _PCG_RT_MAX);
	CHECK(r.kubepods_end <= n && r.pod_end <= n && r.container_end <= n && r.outer_end <= n);
	check_uid(r.pod_uid);
	check_id(r.container_id);

	/* ordering: kubepods root, pod, container; outer strictly before what is reported */
	if (r.pod_end)
		CHECK(r.kubepods_end < r.pod_end);
	if (r.container_end)
		CHECK(r.pod_end < r.container_end && r.kubepods_end < r.container_end);
	if (r.outer_end)
		CHECK(r.outer_end < (r.kubepods_end ? r.kubepods_end : r.container_end) ||
		      (r.kind == PCG_CG_IGNORED && !r.kubepods_end));

	switch (r.kind) {
	case PCG_CG_CONTAINER:
	case PCG_CG_CONTAINER_SUB:
		CHECK(r.container_id[0] && r.container_end >= PCG_CONTAINER_ID_LEN);
		CHECK(r.kubepods_end == 0 || r.pod_uid[0]);
		CHECK(only_slashes(p, r.container_end, n) == (r.kind == PCG_CG_CONTAINER));
		/* the id is in the container's own component */
		CHECK(memmem(p, r.container_end, r.container_id, PCG_CONTAINER_ID_LEN) != NULL);
		break;
	case PCG_CG_IGNORED:
		CHECK(!r.container_id[0] && !r.container_end && r.runtime != PCG_RT_UNKNOWN);
		break;
	case PCG_CG_POD:
		CHECK(r.pod_uid[0] && only_slashes(p, r.pod_end, n));
		break;
	case PCG_CG_POD_OTHER:
		CHECK(r.pod_uid[0] && r.pod_end && !only_slashes(p, r.pod_end, n));
		break;
	case PCG_CG_KUBEPODS:
		CHECK(r.kubepods_end && only_slashes(p, r.kubepods_end, n));
		break;
	case PCG_CG_QOS:
		CHECK(r.qos == PCG_QOS_BESTEFFORT || r.qos == PCG_QOS_BURSTABLE);
		break;
	default:
		break;
	}
	if (r.kind != PCG_CG_CONTAINER && r.kind != PCG_CG_CONTAINER_SUB)
		CHECK(!r.container_id[0] && !r.container_end);
	if (r.kind != PCG_CG_CONTAINER && r.kind != PCG_CG_CONTAINER_SUB &&
	    r.kind != PCG_CG_IGNORED)
		CHECK(r.runtime == PCG_RT_UNKNOWN);
	if (r.kubepods_end)
		CHECK(r.driver != PCG_DRIVER_UNKNOWN);

	/* re-parsing each reported prefix yields that level again */
	if (r.kubepods_end) {
		CHECK(pcg_cgpath_parse(p, r.kubepods_end, &r2) == 0);
		CHECK(r2.kind == PCG_CG_KUBEPODS && r2.driver == r.driver);
	}
	if (r.pod_end) {
		CHECK(pcg_cgpath_parse(p, r.pod_end, &r2) == 0);
		CHECK(r2.kind == PCG_CG_POD && strcmp(r2.pod_uid, r.pod_uid) == 0);
		CHECK(r2.qos == r.qos && r2.kubepods_end == r.kubepods_end);
	}
	if (r.container_end) {
		CHECK(pcg_cgpath_parse(p, r.container_end, &r2) == 0);
		CHECK(r2.kind == PCG_CG_CONTAINER && r2.runtime == r.runtime);
		CHECK(strcmp(r2.container_id, r.container_id) == 0);
		CHECK(strcmp(r2.pod_uid, r.pod_uid) == 0 && r2.pod_end == r.pod_end);
	}
	if (r.outer_end) {
		CHECK(pcg_cgpath_parse(p, r.outer_end, &r2) == 0);
		CHECK(r2.kind == PCG_CG_CONTAINER && r2.container_end == r.outer_end);
	}
	return 0;
}
