/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_meta.c - pod and container names: the metadata parser (allowlist, hostile files), the
 * PCG_EV_META record (encode, decode, rejects), and the whole path through the pipeline
 * (names before and after the cgroup, the pod UID check, snapshots, filters, text). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "jsonv.h"
#include "meta.h"
#include "pipeline.h"
#include "sbuf.h"
#include "test.h"

#define UID_A  "7e44ee88-1e65-4a16-8cdf-9a90c819180e"
#define UIDU_A "7e44ee88_1e65_4a16_8cdf_9a90c819180e"
#define UID_B  "0b7e6a1c-2d3e-4f50-9a8b-7c6d5e4f3a2b"
#define CID_A  "aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111"
#define CID_S  "5555aaaa5555aaaa5555aaaa5555aaaa5555aaaa5555aaaa5555aaaa5555aaaa"
#define POD_A  "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UIDU_A ".slice"
#define CTR_A  POD_A "/cri-containerd-" CID_A ".scope"
#define CTR_S  POD_A "/cri-containerd-" CID_S ".scope"
#define MS     1000000ull
#define S(x)   x, strlen(x)

/* ---- the parser --------------------------------------------------------------------------- */

static const char containerd_cfg[] =
	"{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"/bin/sleep\",\"30\"],"
	"\"env\":[\"PATH=/bin\",\"DB_PASSWORD=hunter2\"],\"cwd\":\"/\"},"
	"\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\","
	"\"io.kubernetes.cri.container-name\":\"web\","
	"\"io.kubernetes.cri.image-name\":\"docker.io/library/nginx:1.25\","
	"\"io.kubernetes.cri.sandbox-id\":\"" CID_S "\","
	"\"io.kubernetes.cri.sandbox-name\":\"web-0\","
	"\"io.kubernetes.cri.sandbox-namespace\":\"shop\","
	"\"io.kubernetes.cri.sandbox-uid\":\"" UID_A "\","
	"\"secret.example.com/token\":\"hunter2\"}}\n";

PCG_TEST(meta_containerd_config)
{
	struct pcg_meta m = { 0 };

	if (!ASSERT_OK(pcg_meta_from_oci(&m, containerd_cfg, strlen(containerd_cfg)), "parse"))
		return;
	ASSERT_STREQ(m.pod_uid, UID_A, "uid");
	ASSERT_STREQ(m.str[PCG_META_POD_NAME], "web-0", "pod");
	ASSERT_STREQ(m.str[PCG_META_POD_NAMESPACE], "shop", "namespace");
	ASSERT_STREQ(m.str[PCG_META_CONTAINER_NAME], "web", "container");
	ASSERT_STREQ(m.str[PCG_META_IMAGE], "docker.io/library/nginx:1.25", "image");
	ASSERT_STREQ(m.str[PCG_META_SANDBOX_ID], CID_S, "sandbox id");
	ASSERT_EQ(m.ctype, PCG_CTYPE_CONTAINER, "type");
	ASSERT_TRUE(pcg_meta_complete(&m), "complete");
	ASSERT_OK(pcg_meta_check(&m, UID_A, CID_A), "check");
	ASSERT_EQ(pcg_meta_check(&m, UID_B, CID_A), -EXDEV, "another pod");
	/* nothing outside the allowlist is kept anywhere in the struct */
	ASSERT_TRUE(!memmem(&m, sizeof(m), "hunter2", 7), "no secret copied");
	ASSERT_TRUE(!memmem(&m, sizeof(m), "PATH", 4), "no env copied");
}

PCG_TEST(meta_crio_config_sandbox)
{
	static const char cfg[] =
		"{\"annotations\":{\"io.kubernetes.pod.name\":\"db-1\","
		"\"io.kubernetes.pod.namespace\":\"data\",\"io.kubernetes.pod.uid\":\"" UID_A "\","
		"\"io.kubernetes.container.name\":\"POD\","
		"\"io.kubernetes.cri-o.ContainerType\":\"sandbox\","
		"\"io.kubernetes.cri-o.ContainerID\":\"" CID_S "\","
		"\"io.kubernetes.cri-o.SandboxID\":\"" CID_S "\","
		"\"io.kubernetes.cri-o.ImageName\":\"registry.k8s.io/pause:3.9\"}}";
	struct pcg_meta m = { 0 };

	if (!ASSERT_OK(pcg_meta_from_oci(&m, cfg, strlen(cfg)), "parse"))
		return;
	ASSERT_STREQ(m.str[PCG_META_POD_NAME], "db-1", "pod");
	ASSERT_STREQ(m.str[PCG_META_CONTAINER_NAME], "", "a sandbox has no container name");
	ASSERT_EQ(m.ctype, PCG_CTYPE_SANDBOX, "sandbox");
	ASSERT_STREQ(m.container_id, CID_S, "container id");
	ASSERT_OK(pcg_meta_check(&m, UID_A, CID_S), "check");
	ASSERT_EQ(pcg_meta_check(&m, UID_A, CID_A), -EXDEV, "another container");
}

PCG_TEST(meta_docker_and_names)
{
	static const char cfg[] =
		"{\"ID\":\"" CID_A "\",\"Name\":\"/k8s_app_web-0_shop_" UID_A "_3\","
		"\"Config\":{\"Image\":\"nginx@sha256:abcd\",\"Env\":[\"K=secret\"],"
		"\"Labels\":{\"io.kubernetes.pod.uid\":\"" UID_A "\","
		"\"io.kubernetes.docker.type\":\"container\",\"io.kubernetes.sandbox.id\":\"" CID_S
		"\",\"other\":\"x\"}}}";
	struct pcg_meta m = { 0 };

	if (!ASSERT_OK(pcg_meta_from_docker(&m, cfg, strlen(cfg)), "parse"))
		return;
	ASSERT_STREQ(m.str[PCG_META_POD_NAME], "web-0", "pod from the name");
	ASSERT_STREQ(m.str[PCG_META_POD_NAMESPACE], "shop", "namespace from the name");
	ASSERT_STREQ(m.str[PCG_META_CONTAINER_NAME], "app", "container from the name");
	ASSERT_STREQ(m.str[PCG_META_IMAGE], "nginx@sha256:abcd", "image");
	ASSERT_EQ(m.ctype, PCG_CTYPE_CONTAINER, "type");
	ASSERT_STREQ(m.container_id, CID_A, "id");
	ASSERT_TRUE(!memmem(&m, sizeof(m), "secret", 6), "no env");

	/* no Kubernetes label: a plain docker container, nothing */
	memset(&m, 0, sizeof(m));
	ASSERT_EQ(pcg_meta_from_docker(&m, S("{\"Name\":\"/web\",\"Config\":{\"Image\":\"x\"}}")),
		  -ENOENT, "plain docker");
	ASSERT_STREQ(m.str[PCG_META_IMAGE], "", "no image for a plain container");

	memset(&m, 0, sizeof(m));
	ASSERT_OK(pcg_meta_from_k8s_name(&m, S("k8s_POD_web-0_shop_" UID_A "_0")), "sandbox name");
	ASSERT_EQ(m.ctype, PCG_CTYPE_SANDBOX, "POD is the sandbox");
	ASSERT_EQ(pcg_meta_from_k8s_name(&m, S("k8s_a_b_c_notauid_0")), -ENOENT, "bad uid");
	ASSERT_EQ(pcg_meta_from_k8s_name(&m, S("k8s_a_b_c_" UID_A "_0_x")), -ENOENT, "7 parts");

	memset(&m, 0, sizeof(m));
	ASSERT_OK(pcg_meta_from_pod_log_dir(&m, S("shop_web-0_" UID_A)), "log dir");
	ASSERT_STREQ(m.str[PCG_META_POD_NAMESPACE], "shop", "log dir namespace");
	ASSERT_STREQ(m.str[PCG_META_POD_NAME], "web-0", "log dir pod");
	ASSERT_STREQ(m.pod_uid, UID_A, "log dir uid");
	ASSERT_EQ(pcg_meta_from_pod_log_dir(&m, S("a_b_c_" UID_A)), -ENOENT, "four parts");

	memset(&m, 0, sizeof(m));
	ASSERT_OK(pcg_meta_from_container_log(&m, S("web-0_shop_app-" CID_A ".log")),
		  "container log");
	ASSERT_STREQ(m.str[PCG_META_CONTAINER_NAME], "app", "container log name");
	ASSERT_STREQ(m.container_id, CID_A, "container log id");
	ASSERT_EQ(pcg_meta_from_container_log(&m, S("web-0_shop_app-xyz.log")), -ENOENT, "no id");
}

PCG_TEST(meta_runc_state_and_conmon)
{
	static const char st[] = "{\"id\":\"" CID_A
				 "\",\"init_process_pid\":5,\"config\":{\"labels\":["
				 "\"bundle=/run/x\",\"io.kubernetes.cri.container-name=web\","
				 "\"io.kubernetes.cri.sandbox-uid=" UID_A
				 "\",\"io.kubernetes.cri.sandbox-name=web-0\","
				 "\"io.kubernetes.cri.sandbox-namespace=shop\",\"noequals\",7]}}";
	static const char args[] = "/usr/bin/conmon\0-c\0" CID_A "\0-n\0k8s_web_web-0_shop_" UID_A
				   "_1\0--log-level\0info";
	struct pcg_meta m = { 0 };

	if (ASSERT_OK(pcg_meta_from_runc_state(&m, st, strlen(st)), "state.json")) {
		ASSERT_STREQ(m.str[PCG_META_CONTAINER_NAME], "web", "name");
		ASSERT_STREQ(m.container_id, CID_A, "id");
		ASSERT_OK(pcg_meta_check(&m, UID_A, CID_A), "check");
	}
	memset(&m, 0, sizeof(m));
	if (ASSERT_OK(pcg_meta_from_conmon(&m, args, sizeof(args)), "conmon")) {
		ASSERT_STREQ(m.str[PCG_META_CONTAINER_NAME], "web", "conmon name");
		ASSERT_STREQ(m.str[PCG_META_POD_NAMESPACE], "shop", "conmon ns");
		ASSERT_STREQ(m.container_id, CID_A, "conmon id");
	}
	memset(&m, 0, sizeof(m));
	ASSERT_EQ(pcg_meta_from_conmon(&m, "conmon\0-n", 9), -ENOENT, "-n at the end");
}

/* Hostile files: broken, oversized, too deep, NUL bytes, bad UTF-8, control bytes and wrong
 * types in values.  Broken files are refused; bad values are dropped, never repaired. */
PCG_TEST(meta_hostile)
{
	struct pcg_meta m = { 0 };
	size_t big = PCG_META_FILE_MAX + 1;
	char *buf = malloc(big + 64);
	int depth = PCG_META_DEPTH_MAX + 5;

	if (!ASSERT_TRUE(buf != NULL, "malloc"))
		return;
	ASSERT_EQ(pcg_meta_from_oci(&m, "{\"annotations\":{", 16), -EBADMSG, "cut");
	ASSERT_EQ(pcg_meta_from_oci(&m, "{} x", 4), -EBADMSG, "trailing garbage");
	ASSERT_EQ(pcg_meta_from_oci(&m, "", 0), -EBADMSG, "empty");
	ASSERT_EQ(pcg_meta_from_oci(&m, "{\"a\":1}\0{}", 10), -EBADMSG, "NUL byte");
	ASSERT_EQ(pcg_meta_from_oci(&m, "{\"a\":\"\xff\xfe\"}", 10), -EBADMSG, "not UTF-8");
	ASSERT_EQ(pcg_meta_from_oci(&m, S("{\"a\":1,}")), -EBADMSG, "not strict JSON");
	ASSERT_EQ(pcg_meta_from_oci(&m, "{\"annotations\":[]}", 18), -ENOENT, "wrong type");
	/* oversized */
	memset(buf, ' ', big);
	memcpy(buf, "{}", 2);
	ASSERT_EQ(pcg_meta_from_oci(&m, buf, big), -EBADMSG, "oversized");
	ASSERT_EQ(pcg_meta_from_oci(&m, buf, big - 1), -ENOENT, "at the limit");
	/* nested deeper than the limit */
	for (int i = 0; i < depth; i++)
		buf[i] = '[';
	for (int i = 0; i < depth; i++)
		buf[depth + i] = ']';
	ASSERT_EQ(pcg_meta_from_oci(&m, buf, 2 * depth), -EBADMSG, "too deep");
	free(buf);

	/* values with control bytes, uppercase, '_', escapes, wrong types: dropped */
	{
		static const char cfg[] =
			"{\"annotations\":{\"io.kubernetes.pod.name\":\"web\\u001b[31m\","
			"\"io.kubernetes.pod.namespace\":\"Shop\","
			"\"io.kubernetes.container.name\":7,"
			"\"io.kubernetes.cri-o.ImageName\":\"nginx latest\","
			"\"io.kubernetes.cri-o.SandboxID\":\"xyz\","
			"\"io.kubernetes.cri-o.ContainerType\":\"vm\","
			"\"io.kubernetes.pod.uid\":\"" UID_A "\"}}";

		memset(&m, 0, sizeof(m));
		ASSERT_OK(pcg_meta_from_oci(&m, cfg, strlen(cfg)), "parse");
		for (int f = 0; f < PCG_META_NR; f++)
			ASSERT_STREQ(m.str[f], "", "every bad value dropped");
		ASSERT_EQ(m.ctype, 0, "unknown type dropped");
		ASSERT_EQ(m.dropped, 5, "counted");
		ASSERT_EQ(pcg_meta_check(&m, UID_A, CID_A), -ENOENT, "nothing left to report");
	}
	/* a long image is cut and flagged */
	{
		struct pcg_sbuf sb;

		pcg_sbuf_init(&sb);
		pcg_sbuf_adds(&sb, "{\"annotations\":{\"io.kubernetes.cri.image-name\":\"");
		for (int i = 0; i < 3000; i++)
			pcg_sbuf_addc(&sb, 'a');
		pcg_sbuf_adds(&sb, "\",\"io.kubernetes.cri.sandbox-uid\":\"" UID_A "\"}}");
		memset(&m, 0, sizeof(m));
		ASSERT_OK(pcg_meta_from_oci(&m, sb.buf, sb.len), "long image");
		ASSERT_EQ(strlen(m.str[PCG_META_IMAGE]), PCG_META_IMAGE_MAX, "cut");
		ASSERT_TRUE(m.trunc, "flagged");
		pcg_sbuf_done(&sb);
	}
}

/* ---- the record ----------------------------------------------------------------------------- */

static struct pcg_meta full_meta(void)
{
	struct pcg_meta m = { 0 };

	pcg_meta_from_oci(&m, containerd_cfg, strlen(containerd_cfg));
	return m;
}

PCG_TEST(meta_record_roundtrip_and_rejects)
{
	struct pcg_meta m = full_meta();
	unsigned char b[PCG_META_REC_MAX];
	struct pcg_ev_meta e;
	struct pcg_event ev;
	size_t n = pcg_meta_encode(&m, UID_A, CID_A, 7, b, sizeof(b));

	if (!ASSERT_TRUE(n > sizeof(e), "encoded"))
		return;
	if (ASSERT_OK(pcg_decode(b, n, &ev), "decode")) {
		ASSERT_EQ(ev.type, PCG_EV_META, "type");
		ASSERT_STREQ(ev.pod_uid, UID_A, "uid");
		ASSERT_STREQ(ev.container_id, CID_A, "id");
		ASSERT_EQ(ev.ctype, PCG_CTYPE_CONTAINER, "ctype");
		ASSERT_EQ(ev.meta_len[PCG_META_POD_NAME], 5, "pod len");
		ASSERT_TRUE(!memcmp(ev.meta[PCG_META_POD_NAME], "web-0", 5), "pod");
		ASSERT_TRUE(!memcmp(ev.meta[PCG_META_IMAGE], "docker.io/", 10), "image");
	}
	ASSERT_EQ(pcg_decode(b, n - 1, &ev), -EBADMSG, "cut");
	/* every single-byte change either decodes to valid strings or is rejected */
	for (size_t i = 0; i < n; i++) {
		unsigned char c[PCG_META_REC_MAX];
		static const unsigned char vals[] = { 0, 0x1b, '_', 'A', 0xff, ' ', '"' };

		for (size_t k = 0; k < sizeof(vals); k++) {
			memcpy(c, b, n);
			c[i] = vals[k];
			if (pcg_decode(c, n, &ev))
				continue;
			for (int f = 0; f < PCG_META_NR; f++)
				if (!ASSERT_TRUE(pcg_meta_str_ok(f, ev.meta[f], ev.meta_len[f]),
						 "decoded strings are valid"))
					return;
		}
	}
	/* lengths that do not add up to the size */
	memcpy(&e, b, sizeof(e));
	e.len[PCG_META_IMAGE]++;
	memcpy(b, &e, sizeof(e));
	ASSERT_EQ(pcg_decode(b, n, &ev), -EBADMSG, "lengths past the size");
	e.len[PCG_META_IMAGE] -= 2;
	memcpy(b, &e, sizeof(e));
	ASSERT_EQ(pcg_decode(b, n, &ev), -EBADMSG, "bytes left over");
	/* a pod's record carries the pod's names only */
	n = pcg_meta_encode(&m, UID_A, "", 7, b, sizeof(b));
	if (ASSERT_OK(pcg_decode(b, n, &ev), "pod record")) {
		ASSERT_STREQ(ev.container_id, "", "no container");
		ASSERT_EQ(ev.meta_len[PCG_META_IMAGE], 0, "no image");
		ASSERT_EQ(ev.ctype, 0, "no type");
	}
	ASSERT_EQ(pcg_meta_encode(&m, "nope", CID_A, 7, b, sizeof(b)), 0, "bad uid");
	ASSERT_EQ(pcg_meta_encode(&m, UID_A, CID_A, 7, b, 100), 0, "small buffer");
	ASSERT_STREQ(pcg_ev_name(PCG_EV_META), "meta", "name");
}

/* ---- through the pipeline --------------------------------------------------------------- */

struct out {
	struct pcg_sbuf sb;
	int lines;
};

static int sink(void *ctx, const char *buf, size_t len)
{
	struct out *o = ctx;

	pcg_sbuf_add(&o->sb, buf, len);
	o->lines++;
	return 0;
}

static void cg_rec(struct pcg_pipeline *p, __u16 type, __u64 cgid, const char *path, __u64 ts)
{
	union {
		struct pcg_ev_cgroup e;
		char b[sizeof(struct pcg_ev_cgroup) + 512];
	} u;
	size_t n = strlen(path);

	memset(&u, 0, sizeof(u));
	u.e.hdr.type = type;
	u.e.hdr.size = sizeof(u.e) + n + 1;
	u.e.hdr.ts = ts;
	u.e.cgid = cgid;
	u.e.path_len = n;
	memcpy(u.b + sizeof(u.e), path, n + 1);
	pcg_pipeline__feed(p, &u, u.e.hdr.size);
}

static void meta_rec(struct pcg_pipeline *p, const struct pcg_meta *m, const char *uid,
		     const char *cid, __u64 ts)
{
	unsigned char b[PCG_META_REC_MAX];
	size_t n = pcg_meta_encode(m, uid, cid, ts, b, sizeof(b));

	pcg_pipeline__feed(p, b, n);
}

static struct pcg_pipeline *new_pl(struct out *o, bool json, const char *pod, const char *ctr,
				   const char *ns)
{
	struct pcg_pipeline_opts po = { .corr = { .traced_hier_mask = 1 },
					.fmt = { .json = json },
					.pod_filter = pod,
					.container_filter = ctr,
					.namespace_filter = ns };

	memset(o, 0, sizeof(*o));
	pcg_sbuf_init(&o->sb);
	return pcg_pipeline__new(&po, sink, NULL, o);
}

static bool has(const struct out *o, const char *s)
{
	if (strstr(o->sb.buf, s))
		return true;
	fprintf(stderr, "  missing %s in:\n%s", s, o->sb.buf);
	return false;
}

/* Names before the container's cgroup (found at once) and after it (a retry). */
PCG_TEST(meta_pipeline_json)
{
	struct pcg_meta m = full_meta(), sb = { 0 };
	struct out o;
	struct pcg_pipeline *p = new_pl(&o, true, NULL, NULL, NULL);
	char *line2;

	if (!ASSERT_TRUE(p != NULL, "pipeline"))
		return;
	cg_rec(p, PCG_EV_CGROUP_MKDIR, 10, POD_A, 1 * MS);
	meta_rec(p, &m, UID_A, CID_A, 2 * MS);
	cg_rec(p, PCG_EV_CGROUP_MKDIR, 11, CTR_A, 2 * MS);
	ASSERT_EQ(o.lines, 2, "pod_create, container_create");
	line2 = strchr(o.sb.buf, '\n') + 1;
	ASSERT_TRUE(strstr(o.sb.buf, "\"pod_name\":null,\"pod_namespace\":null") < line2,
		    "pod_create before any name: null");
	ASSERT_TRUE(has(&o,
			"\"pod_name\":\"web-0\",\"pod_namespace\":\"shop\",\"qos\":\"besteffort\""),
		    "pod names on the container");
	ASSERT_TRUE(has(&o,
			"\"container_name\":\"web\",\"container_type\":\"container\","
			"\"image\":\"docker.io/library/nginx:1.25\",\"sandbox_id\":\"" CID_S "\""),
		    "container names");
	for (char *l = o.sb.buf; *l; l = strchr(l, '\n') + 1)
		ASSERT_TRUE(jv_line(l, strchr(l, '\n') + 1 - l, false, NULL), "valid JSON");
	/* the sandbox: names arrive after its container_create (a retry) */
	cg_rec(p, PCG_EV_CGROUP_MKDIR, 12, CTR_S, 3 * MS);
	sb.ctype = PCG_CTYPE_SANDBOX;
	strcpy(sb.str[PCG_META_SANDBOX_ID], CID_S);
	meta_rec(p, &sb, UID_A, CID_S, 4 * MS);
	cg_rec(p, PCG_EV_CGROUP_RMDIR, 12, CTR_S, 5 * MS);
	ASSERT_TRUE(has(&o, "\"event\":\"container_remove\",\"pod_uid\":\"" UID_A
			    "\",\"pod_name\":\"web-0\",\"pod_namespace\":\"shop\""),
		    "the pod's names on the sandbox, from the pod");
	ASSERT_TRUE(has(&o, "\"container_id\":\"" CID_S "\",\"container_name\":null,"
			    "\"container_type\":\"sandbox\",\"image\":null"),
		    "sandbox type after the retry");
	/* a record naming another pod is ignored */
	{
		struct pcg_pipeline_stats st;
		struct pcg_meta bad = full_meta();

		strcpy(bad.str[PCG_META_POD_NAME], "evil");
		meta_rec(p, &bad, UID_B, CID_A, 6 * MS);
		cg_rec(p, PCG_EV_CGROUP_RMDIR, 11, CTR_A, 7 * MS);
		ASSERT_TRUE(!strstr(o.sb.buf, "evil"), "mismatch ignored");
		pcg_pipeline__stats(p, &st);
		ASSERT_EQ(st.bad_records, 0, "valid record");
	}
	pcg_pipeline__free(p);
	pcg_sbuf_done(&o.sb);
}

PCG_TEST(meta_pipeline_text_and_filters)
{
	struct pcg_meta m = full_meta();
	const char *filters[][3] = {
		{ "web-0", NULL, NULL },  { UIDU_A, NULL, NULL }, { NULL, "web", NULL },
		{ NULL, "aaaa11", NULL }, { NULL, NULL, "shop" }, { "web-0", "web", "shop" },
	};

	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		struct out o, x;
		struct pcg_pipeline *p =
			new_pl(&o, false, filters[i][0], filters[i][1], filters[i][2]);
		struct pcg_pipeline *q = new_pl(&x, false, filters[i][0] ? "db-0" : NULL,
						filters[i][1] ? "db" : NULL,
						filters[i][2] ? "other" : NULL);

		cg_rec(p, PCG_EV_CGROUP_MKDIR, 10, POD_A, 1 * MS);
		meta_rec(p, &m, UID_A, CID_A, 2 * MS);
		cg_rec(p, PCG_EV_CGROUP_MKDIR, 11, CTR_A, 2 * MS);
		cg_rec(q, PCG_EV_CGROUP_MKDIR, 10, POD_A, 1 * MS);
		meta_rec(q, &m, UID_A, CID_A, 2 * MS);
		cg_rec(q, PCG_EV_CGROUP_MKDIR, 11, CTR_A, 2 * MS);
		ASSERT_TRUE(has(&o, "container_create   shop/web-0 web          -       "
				    "besteffort containerd id=" CID_A),
			    "text columns");
		ASSERT_TRUE(has(&o, " type=container image=docker.io/library/nginx:1.25 "),
			    "text details");
		ASSERT_EQ(x.lines, 0, "other names: nothing");
		pcg_pipeline__free(p);
		pcg_pipeline__free(q);
		pcg_sbuf_done(&o.sb);
		pcg_sbuf_done(&x.sb);
	}
}

static int snap_to(void *ctx, const void *rec, size_t len)
{
	return pcg_pipeline__feed(ctx, rec, len);
}

/* A rotated file's snapshot carries the names. */
PCG_TEST(meta_snapshot)
{
	struct pcg_meta m = full_meta();
	struct out o, o2;
	struct pcg_pipeline *p = new_pl(&o, true, NULL, NULL, NULL);
	struct pcg_pipeline *q = new_pl(&o2, true, NULL, NULL, NULL);

	cg_rec(p, PCG_EV_CGROUP_MKDIR, 10, POD_A, 1 * MS);
	meta_rec(p, &m, UID_A, CID_A, 2 * MS);
	cg_rec(p, PCG_EV_CGROUP_MKDIR, 11, CTR_A, 2 * MS);
	ASSERT_OK(pcg_pipeline__snapshot(p, 3 * MS, snap_to, q), "snapshot");
	ASSERT_TRUE(has(&o2, "\"event\":\"container_existing\""), "existing");
	ASSERT_TRUE(has(&o2, "\"pod_name\":\"web-0\",\"pod_namespace\":\"shop\""), "pod names");
	ASSERT_TRUE(has(&o2, "\"container_name\":\"web\",\"container_type\":\"container\""),
		    "container names");
	pcg_pipeline__free(p);
	pcg_pipeline__free(q);
	pcg_sbuf_done(&o.sb);
	pcg_sbuf_done(&o2.sb);
}
