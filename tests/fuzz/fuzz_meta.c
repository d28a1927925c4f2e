/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* fuzz_meta.c - libFuzzer target: the metadata parser (user/meta.c) on hostile bytes.
 *
 * The first byte picks the parser (OCI config.json, Docker config.v2.json, runc state.json,
 * a k8s_ name, conmon's command line, a /var/log/pods or /var/log/containers name); the rest
 * is its input.  Invariants: every extracted string is one pcg_meta_str_ok() accepts, the
 * record built from it decodes to the same strings, and a pod's record names the pod only. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "meta.h"

#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char uid[] = "7e44ee88-1e65-4a16-8cdf-9a90c819180e";
	static const char cid[] =
		"aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111";
	static struct pcg_meta m;
	unsigned char rec[PCG_META_REC_MAX];
	struct pcg_event ev;
	const char *in;
	size_t n;
	int rc;

	if (size < 1)
		return 0;
	memset(&m, 0, sizeof(m));
	in = (const char *)data + 1;
	n = size - 1;
	switch (data[0] % 7) {
	case 0:
		rc = pcg_meta_from_oci(&m, in, n);
		break;
	case 1:
		rc = pcg_meta_from_docker(&m, in, n);
		break;
	case 2:
		rc = pcg_meta_from_runc_state(&m, in, n);
		break;
	case 3:
		rc = pcg_meta_from_k8s_name(&m, in, n);
		break;
	case 4:
		rc = pcg_meta_from_conmon(&m, in, n);
		break;
	case 5:
		rc = pcg_meta_from_pod_log_dir(&m, in, n);
		break;
	default:
		rc = pcg_meta_from_container_log(&m, in, n);
		break;
	}
	CHECK(rc == 0 || rc == -ENOENT || rc == -EBADMSG);
	CHECK(m.ctype <= PCG_CTYPE_CONTAINER);
	CHECK(!m.pod_uid[0] || pcg_meta_uid_ok(m.pod_uid, strlen(m.pod_uid)));
	CHECK(!m.container_id[0] || pcg_meta_id_ok(m.container_id, strlen(m.container_id)));
	for (int f = 0; f < PCG_META_NR; f++)
		CHECK(pcg_meta_str_ok(f, m.str[f], strlen(m.str[f])));
	(void)pcg_meta_check(&m, uid, cid);

	/* the record built from whatever was found decodes to the same strings */
	for (int pod = 0; pod < 2; pod++) {
		size_t len = pcg_meta_encode(&m, uid, pod ? "" : cid, 1, rec, sizeof(rec));

		CHECK(len >= sizeof(struct pcg_ev_meta));
		CHECK(pcg_decode(rec, len, &ev) == 0);
		CHECK(ev.type == PCG_EV_META && !strcmp(ev.pod_uid, uid));
		for (int f = 0; f < PCG_META_NR; f++) {
			size_t want = pod && f > PCG_META_POD_NAMESPACE ? 0 : strlen(m.str[f]);

			CHECK(ev.meta_len[f] == want && !memcmp(ev.meta[f], m.str[f], want));
		}
		CHECK(pod ? ev.ctype == 0 : ev.ctype == m.ctype);
	}
	/* and the raw input as a record is either rejected or holds valid strings only */
	if (pcg_decode(data, size, &ev) == 0 && ev.type == PCG_EV_META)
		for (int f = 0; f < PCG_META_NR; f++)
			CHECK(pcg_meta_str_ok(f, ev.meta[f], ev.meta_len[f]));
	return 0;
}
