/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_cgpath.c - table-driven tests of the cgroup path parser: real layouts and hostile input. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgpath.h"
#include "test.h"

/* the pod uid of the kubelet documentation examples */
#define UID    "7e44ee88-1e65-4a16-8cdf-9a90c819180e"
#define UID_   "7e44ee88_1e65_4a16_8cdf_9a90c819180e"
#define CID    "4f1b8e0c2d3a49e8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4"
#define NODE   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define CID_UP "4F1B8E0C2D3A49E8B7C6D5E4F3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4"
#define CID63  "4f1b8e0c2d3a49e8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a"
#define CID65  CID "0"

/* systemd driver */
#define SD	  "/kubepods.slice"
#define SD_BE	  SD "/kubepods-besteffort.slice"
#define SD_BU	  SD "/kubepods-burstable.slice"
#define SD_BE_POD SD_BE "/kubepods-besteffort-pod" UID_ ".slice"
#define SD_BU_POD SD_BU "/kubepods-burstable-pod" UID_ ".slice"
#define SD_G_POD  SD "/kubepods-pod" UID_ ".slice"
/* cgroupfs driver */
#define FS	  "/kubepods"
#define FS_BE	  FS "/besteffort"
#define FS_BU	  FS "/burstable"
#define FS_BE_POD FS_BE "/pod" UID
#define FS_BU_POD FS_BU "/pod" UID
#define FS_G_POD  FS "/pod" UID
/* kind node, host view: --cgroup-root=/kubelet inside a docker container */
#define KIND_NODE   "/system.slice/docker-" NODE ".scope"
#define KIND	    KIND_NODE "/kubelet.slice/kubelet-kubepods.slice"
#define KIND_BE	    KIND "/kubelet-kubepods-besteffort.slice"
#define KIND_BE_POD KIND_BE "/kubelet-kubepods-besteffort-pod" UID_ ".slice"
#define KIND_G_POD  KIND "/kubelet-kubepods-pod" UID_ ".slice"

#define CRI(x)	  "/cri-containerd-" x ".scope"
#define CRIO(x)	  "/crio-" x ".scope"
#define CONMON(x) "/crio-conmon-" x ".scope"
#define DOCKER(x) "/docker-" x ".scope"

#define SD_	  PCG_DRIVER_SYSTEMD
#define FS_	  PCG_DRIVER_CGROUPFS
#define NODRV	  PCG_DRIVER_UNKNOWN
#define BE	  PCG_QOS_BESTEFFORT
#define BU	  PCG_QOS_BURSTABLE
#define G	  PCG_QOS_GUARANTEED
#define NOQOS	  PCG_QOS_UNKNOWN
#define RT_CD	  PCG_RT_CONTAINERD
#define RT_CRIO	  PCG_RT_CRIO
#define RT_DOCKER PCG_RT_DOCKER
#define RT_PODMAN PCG_RT_PODMAN
#define RT_UNK	  PCG_RT_UNKNOWN

/* Prefix lengths are given as the expected prefix strings (NULL: 0), so each row checks itself. */
struct cg_case {
	const char *path;
	int rc;
	enum pcg_cg_kind kind;
	enum pcg_driver driver;
	enum pcg_qos qos;
	enum pcg_runtime rt;
	const char *uid;
	const char *cid;
	const char *kp;	   /* expected path[0..kubepods_end) */
	const char *pod;   /* expected path[0..pod_end) */
	const char *ctr;   /* expected path[0..container_end) */
	const char *outer; /* expected path[0..outer_end) */
};

#define ROOT(p, drv, kpp)                                                                \
	{                                                                                \
		p, 0, PCG_CG_KUBEPODS, drv, NOQOS, RT_UNK, "", "", kpp, NULL, NULL, NULL \
	}
#define QOS(p, drv, q, kpp)                                                     \
	{                                                                       \
		p, 0, PCG_CG_QOS, drv, q, RT_UNK, "", "", kpp, NULL, NULL, NULL \
	}
#define KOTHER(p, drv, q, kpp)                                                             \
	{                                                                                  \
		p, 0, PCG_CG_KUBEPODS_OTHER, drv, q, RT_UNK, "", "", kpp, NULL, NULL, NULL \
	}
#define POD(p, drv, q, kpp)                                                   \
	{                                                                     \
		p, 0, PCG_CG_POD, drv, q, RT_UNK, UID, "", kpp, p, NULL, NULL \
	}
#define POTHER(p, drv, q, kpp, podp)                                                   \
	{                                                                              \
		p, 0, PCG_CG_POD_OTHER, drv, q, RT_UNK, UID, "", kpp, podp, NULL, NULL \
	}
#define CTR(p, drv, q, rt, kpp, podp)                                            \
	{                                                                        \
		p, 0, PCG_CG_CONTAINER, drv, q, rt, UID, CID, kpp, podp, p, NULL \
	}
#define SUB(p, drv, q, rt, kpp, podp, ctrp)                                             \
	{                                                                               \
		p, 0, PCG_CG_CONTAINER_SUB, drv, q, rt, UID, CID, kpp, podp, ctrp, NULL \
	}
#define IGN(p, drv, q, rt, kpp, podp)                                            \
	{                                                                        \
		p, 0, PCG_CG_IGNORED, drv, q, rt, UID, "", kpp, podp, NULL, NULL \
	}
/* outside Kubernetes */
#define PLAIN(p, kind, rt, cid, ctrp, outerp)                                   \
	{                                                                       \
		p, 0, kind, NODRV, NOQOS, rt, "", cid, NULL, NULL, ctrp, outerp \
	}
#define NOENT(p)                                                                              \
	{                                                                                     \
		p, -ENOENT, PCG_CG_NONE, NODRV, NOQOS, RT_UNK, "", "", NULL, NULL, NULL, NULL \
	}

static const struct cg_case cases[] = {
	/* --- systemd driver: hierarchy levels (3.2) --- */
	ROOT(SD, SD_, SD),
	ROOT(SD "/", SD_, SD),
	QOS(SD_BE, SD_, BE, SD),
	QOS(SD_BU, SD_, BU, SD),
	POD(SD_BE_POD, SD_, BE, SD),
	POD(SD_BU_POD, SD_, BU, SD),
	POD(SD_G_POD, SD_, G, SD),
	/* --- systemd driver: containers (3.3), each QoS x containerd / CRI-O / cri-dockerd --- */
	CTR(SD_BE_POD CRI(CID), SD_, BE, RT_CD, SD, SD_BE_POD),
	CTR(SD_BU_POD CRI(CID), SD_, BU, RT_CD, SD, SD_BU_POD),
	CTR(SD_G_POD CRI(CID), SD_, G, RT_CD, SD, SD_G_POD),
	CTR(SD_BE_POD CRIO(CID), SD_, BE, RT_CRIO, SD, SD_BE_POD),
	CTR(SD_BU_POD CRIO(CID), SD_, BU, RT_CRIO, SD, SD_BU_POD),
	CTR(SD_G_POD CRIO(CID), SD_, G, RT_CRIO, SD, SD_G_POD),
	CTR(SD_BE_POD DOCKER(CID), SD_, BE, RT_DOCKER, SD, SD_BE_POD),
	CTR(SD_BU_POD DOCKER(CID), SD_, BU, RT_DOCKER, SD, SD_BU_POD),
	CTR(SD_G_POD DOCKER(CID), SD_, G, RT_DOCKER, SD, SD_G_POD),
	/* CRI-O: dropped-infra sandbox dir, crun's /container child, conmon ignored */
	CTR(SD_BU_POD "/crio-" CID, SD_, BU, RT_CRIO, SD, SD_BU_POD),
	SUB(SD_BU_POD CRIO(CID) "/container", SD_, BU, RT_CRIO, SD, SD_BU_POD, SD_BU_POD CRIO(CID)),
	IGN(SD_BU_POD CONMON(CID), SD_, BU, RT_CRIO, SD, SD_BU_POD),
	IGN(SD_G_POD CONMON(CID), SD_, G, RT_CRIO, SD, SD_G_POD),
	/* systemd inside a container, deeper sub-cgroups */
	SUB(SD_G_POD CRI(CID) "/init.scope", SD_, G, RT_CD, SD, SD_G_POD, SD_G_POD CRI(CID)),
	SUB(SD_G_POD CRI(CID) "/system.slice/foo.service/x", SD_, G, RT_CD, SD, SD_G_POD,
	    SD_G_POD CRI(CID)),
	/* DinD inside a pod container: still the pod's container (the CRI pair) */
	SUB(SD_BE_POD CRI(CID) "/docker/" NODE, SD_, BE, RT_CD, SD, SD_BE_POD, SD_BE_POD CRI(CID)),
	/* --- cgroupfs driver: levels, containers (containerd and cri-dockerd: bare id) --- */
	ROOT(FS, FS_, FS),
	QOS(FS_BE, FS_, BE, FS),
	QOS(FS_BU, FS_, BU, FS),
	POD(FS_BE_POD, FS_, BE, FS),
	POD(FS_BU_POD, FS_, BU, FS),
	POD(FS_G_POD, FS_, G, FS),
	CTR(FS_BE_POD "/" CID, FS_, BE, RT_UNK, FS, FS_BE_POD),
	CTR(FS_BU_POD "/" CID, FS_, BU, RT_UNK, FS, FS_BU_POD),
	CTR(FS_G_POD "/" CID, FS_, G, RT_UNK, FS, FS_G_POD),
	CTR(FS_BE_POD "/crio-" CID, FS_, BE, RT_CRIO, FS, FS_BE_POD),
	CTR(FS_BU_POD "/crio-" CID, FS_, BU, RT_CRIO, FS, FS_BU_POD),
	CTR(FS_G_POD "/crio-" CID, FS_, G, RT_CRIO, FS, FS_G_POD),
	IGN(FS_BU_POD "/crio-conmon-" CID, FS_, BU, RT_CRIO, FS, FS_BU_POD),
	SUB(FS_G_POD "/crio-" CID "/container", FS_, G, RT_CRIO, FS, FS_G_POD,
	    FS_G_POD "/crio-" CID),
	SUB(FS_BE_POD "/" CID "/a/b", FS_, BE, RT_UNK, FS, FS_BE_POD, FS_BE_POD "/" CID),
	/* cgroupfs with --cgroup-root and a cgroup v1 style prefix */
	CTR("/kubelet" FS_BU_POD "/" CID, FS_, BU, RT_UNK, "/kubelet" FS, "/kubelet" FS_BU_POD),
	/* pod uid with '_' under cgroupfs: accepted (Pixie's [-_]) */
	{ FS "/pod" UID_, 0, PCG_CG_POD, FS_, G, RT_UNK, UID, "", FS, FS "/pod" UID_, NULL, NULL },
	/* --- kind: host view, node scope is only a prefix, reported as outer --- */
	{ KIND, 0, PCG_CG_KUBEPODS, SD_, NOQOS, RT_UNK, "", "", KIND, NULL, NULL, KIND_NODE },
	{ KIND_BE, 0, PCG_CG_QOS, SD_, BE, RT_UNK, "", "", KIND, NULL, NULL, KIND_NODE },
	{ KIND_BE_POD, 0, PCG_CG_POD, SD_, BE, RT_UNK, UID, "", KIND, KIND_BE_POD, NULL,
	  KIND_NODE },
	{ KIND_BE_POD CRI(CID), 0, PCG_CG_CONTAINER, SD_, BE, RT_CD, UID, CID, KIND, KIND_BE_POD,
	  KIND_BE_POD CRI(CID), KIND_NODE },
	{ KIND_G_POD CRI(CID), 0, PCG_CG_CONTAINER, SD_, G, RT_CD, UID, CID, KIND, KIND_G_POD,
	  KIND_G_POD CRI(CID), KIND_NODE },
	/* kind: inside the node's cgroup namespace the prefix is hidden */
	CTR("/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice"
	    "/kubelet-kubepods-besteffort-pod" UID_ ".slice" CRI(CID),
	    SD_, BE, RT_CD, "/kubelet.slice/kubelet-kubepods.slice",
	    "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice"
	    "/kubelet-kubepods-besteffort-pod" UID_ ".slice"),
	/* kind node's own processes: a sub-cgroup of the node container */
	PLAIN(KIND_NODE "/system.slice/containerd.service", PCG_CG_CONTAINER_SUB, RT_DOCKER, NODE,
	      KIND_NODE, NULL),
	/* kind inside a pod: the innermost kubepods wins, the pod's container is the outer */
	{ SD_BE_POD CRI(NODE) "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-pod" UID_
			      ".slice" CRI(CID),
	  0, PCG_CG_CONTAINER, SD_, G, RT_CD, UID, CID,
	  SD_BE_POD CRI(NODE) "/kubelet.slice/kubelet-kubepods.slice",
	  SD_BE_POD CRI(NODE) "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-pod" UID_
			      ".slice",
	  SD_BE_POD CRI(NODE) "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-pod" UID_
			      ".slice" CRI(CID),
	  SD_BE_POD CRI(NODE) },
	/* --- containerd with runc not in systemd mode: the colon form (3.3) --- */
	{ "/system.slice/containerd.service/kubepods-besteffort-pod" UID_
	  ".slice:cri-containerd:" CID,
	  0, PCG_CG_CONTAINER, SD_, BE, RT_CD, UID, CID, NULL, NULL,
	  "/system.slice/containerd.service/kubepods-besteffort-pod" UID_
	  ".slice:cri-containerd:" CID,
	  NULL },
	{ "/system.slice/containerd.service/kubepods-burstable-pod" UID_ ".slice:docker:" CID, 0,
	  PCG_CG_CONTAINER, SD_, BU, RT_DOCKER, UID, CID, NULL, NULL,
	  "/system.slice/containerd.service/kubepods-burstable-pod" UID_ ".slice:docker:" CID,
	  NULL },
	{ "/kubepods-pod" UID_ ".slice:crio:" CID "/container", 0, PCG_CG_CONTAINER_SUB, SD_, G,
	  RT_CRIO, UID, CID, NULL, NULL, "/kubepods-pod" UID_ ".slice:crio:" CID, NULL },
	{ "/x/kubelet-kubepods-burstable-pod" UID_ ".slice:cri-containerd:" CID, 0,
	  PCG_CG_CONTAINER, SD_, BU, RT_CD, UID, CID, NULL, NULL,
	  "/x/kubelet-kubepods-burstable-pod" UID_ ".slice:cri-containerd:" CID, NULL },
	/* colon form whose slice is not a pod slice: a container without pod */
	PLAIN("/system.slice:cri-containerd:" CID, PCG_CG_CONTAINER, RT_CD, CID,
	      "/system.slice:cri-containerd:" CID, NULL),
	NOENT("/system.slice:runc:" CID),
	NOENT("/a:b:cri-containerd:" CID),
	/* --- outside Kubernetes --- */
	PLAIN("/docker/" CID, PCG_CG_CONTAINER, RT_DOCKER, CID, "/docker/" CID, NULL),
	PLAIN("/docker/" CID "/", PCG_CG_CONTAINER, RT_DOCKER, CID, "/docker/" CID, NULL),
	PLAIN("/actions_job/" CID, PCG_CG_CONTAINER, RT_DOCKER, CID, "/actions_job/" CID, NULL),
	PLAIN("/system.slice/docker-" CID ".scope", PCG_CG_CONTAINER, RT_DOCKER, CID,
	      "/system.slice/docker-" CID ".scope", NULL),
	PLAIN("/machine.slice/libpod-" CID ".scope", PCG_CG_CONTAINER, RT_PODMAN, CID,
	      "/machine.slice/libpod-" CID ".scope", NULL),
	PLAIN("/machine.slice/libpod-" CID ".scope/container", PCG_CG_CONTAINER_SUB, RT_PODMAN, CID,
	      "/machine.slice/libpod-" CID ".scope", NULL),
	PLAIN("/machine.slice/libpod-conmon-" CID ".scope", PCG_CG_IGNORED, RT_PODMAN, "", NULL,
	      NULL),
	PLAIN("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" CID
	      ".scope/container",
	      PCG_CG_CONTAINER_SUB, RT_PODMAN, CID,
	      "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" CID ".scope",
	      NULL),
	PLAIN("/libpod_parent/libpod-" CID, PCG_CG_CONTAINER, RT_PODMAN, CID,
	      "/libpod_parent/libpod-" CID, NULL),
	PLAIN("/libpod_parent/libpod-payload-" CID, PCG_CG_CONTAINER, RT_PODMAN, CID,
	      "/libpod_parent/libpod-payload-" CID, NULL),
	PLAIN("/crio/crio-" CID, PCG_CG_CONTAINER, RT_CRIO, CID, "/crio/crio-" CID, NULL),
	PLAIN("/system.slice/crio-" CID ".scope", PCG_CG_CONTAINER, RT_CRIO, CID,
	      "/system.slice/crio-" CID ".scope", NULL),
	PLAIN("/system.slice/crio-conmon-" CID ".scope", PCG_CG_IGNORED, RT_CRIO, "", NULL, NULL),
	PLAIN("/system.slice/nerdctl-" CID ".scope", PCG_CG_CONTAINER, RT_CD, CID,
	      "/system.slice/nerdctl-" CID ".scope", NULL),
	/* DinD: the innermost container wins, the outermost is reported as outer */
	PLAIN("/docker/" NODE "/docker/" CID, PCG_CG_CONTAINER, RT_DOCKER, CID,
	      "/docker/" NODE "/docker/" CID, "/docker/" NODE),
	PLAIN("/docker/" NODE "/docker/" CID "/x", PCG_CG_CONTAINER_SUB, RT_DOCKER, CID,
	      "/docker/" NODE "/docker/" CID, "/docker/" NODE),
	PLAIN(KIND_NODE "/system.slice/docker-" CID ".scope", PCG_CG_CONTAINER, RT_DOCKER, CID,
	      KIND_NODE "/system.slice/docker-" CID ".scope", KIND_NODE),
	/* bare 64-hex with an unknown parent: not recognised (documented decision) */
	NOENT("/" CID),
	NOENT("/system.slice/" CID),
	NOENT("/user.slice/user-1000.slice/user@1000.service/app.slice/" CID),
	NOENT("/docker/" CID_UP),
	NOENT("/docker/" CID63),
	NOENT("/docker/" CID65),
	/* --- not kubepods, not a container --- */
	NOENT(""),
	NOENT("/"),
	NOENT("//"),
	NOENT("/system.slice/cron.service"),
	NOENT("/user.slice"),
	NOENT("/init.scope"),
	NOENT("/system.slice/docker.service"),
	NOENT("/system.slice/containerd.service"),
	NOENT("/kubepods-besteffort-pod" UID_ ".slice"),
	NOENT("/kubepodsx/pod" UID),
	NOENT("/xkubepods.slice"),
	NOENT("/-kubepods.slice"),
	NOENT("/kubepods.slicex"),
	NOENT("/system.slice/runc-" CID ".scope"),
	NOENT("/machine.slice/machine-lxc\\x2d1234\\x2dfoo.scope"),
	NOENT("/lxc/foo"),
	/* --- unrecognised dirs below the root, a QoS dir or a pod --- */
	KOTHER(SD "/kubepods-guaranteed.slice", SD_, NOQOS, SD),
	KOTHER(SD "/kubepods-guaranteed.slice/kubepods-guaranteed-pod" UID_ ".slice", SD_, NOQOS,
	       SD),
	KOTHER(FS "/guaranteed/pod" UID, FS_, NOQOS, FS),
	KOTHER(FS_BU "/foo", FS_, BU, FS),
	KOTHER(FS_BU "/besteffort", FS_, BU, FS),
	KOTHER(SD_BE "/kubepods-burstable-pod" UID_ ".slice", SD_, BE, SD),
	KOTHER(SD "/kubepods-besteffort-pod" UID_ ".slice", SD_, NOQOS, SD),
	KOTHER(SD "/besteffort", SD_, NOQOS, SD),
	KOTHER(SD "/kubepods-.slice", SD_, NOQOS, SD),
	/* a root below a root: the inner one wins */
	ROOT(FS "/kubepods.slice", SD_, FS "/kubepods.slice"),
	KOTHER(SD "/kubepods-pod"
		  "7e44ee88\\x2d1e65\\x2d4a16\\x2d8cdf\\x2d9a90c819180e.slice",
	       SD_, NOQOS, SD),
	KOTHER(FS "/pod7e44ee88-1e65-4a16-8cdf-9a90c819180g", FS_, NOQOS, FS),
	KOTHER(FS "/pod7e44ee88-1e65-4a16-8cdf-9a90c819180", FS_, NOQOS, FS),
	KOTHER(FS "/pod7e44ee88-1e65-4a16-8cdf-9a90c819180ee", FS_, NOQOS, FS),
	KOTHER(FS "/pod7e44ee881e65-4a16-8cdf-9a90c819180e0", FS_, NOQOS, FS),
	KOTHER(FS "/pod/" UID, FS_, NOQOS, FS),
	POTHER(FS_BE_POD "/foo", FS_, BE, FS, FS_BE_POD),
	POTHER(FS_BE_POD "/foo/" CID, FS_, BE, FS, FS_BE_POD),
	POTHER(FS_G_POD "/" CID_UP, FS_, G, FS, FS_G_POD),
	POTHER(FS_G_POD "/" CID63, FS_, G, FS, FS_G_POD),
	POTHER(FS_G_POD "/" CID65, FS_, G, FS, FS_G_POD),
	POTHER(SD_BE_POD "/docker-" CID63 ".scope", SD_, BE, SD, SD_BE_POD),
	POTHER(SD_BE_POD "/cri-containerd-" CID, SD_, BE, SD, SD_BE_POD),
	POTHER(SD_BE_POD "/docker-" CID, SD_, BE, SD, SD_BE_POD),
	POTHER(SD_BE_POD "/cri-containerd-" CID ".scopex", SD_, BE, SD, SD_BE_POD),
	POTHER(SD_BE_POD "/cri-containerd-" CID_UP ".scope", SD_, BE, SD, SD_BE_POD),
	POTHER(SD_BE_POD "/runc-" CID ".scope", SD_, BE, SD, SD_BE_POD),
	/* --- odd but legal spellings --- */
	{ "//kubepods.slice//kubepods-pod" UID_ ".slice///", 0, PCG_CG_POD, SD_, G, RT_UNK, UID, "",
	  "//kubepods.slice", "//kubepods.slice//kubepods-pod" UID_ ".slice", NULL, NULL },
	{ "kubepods/pod" UID, 0, PCG_CG_POD, FS_, G, RT_UNK, UID, "", "kubepods",
	  "kubepods/pod" UID, NULL, NULL },
	{ FS "/pod7E44EE88-1E65-4A16-8CDF-9A90C819180E", 0, PCG_CG_POD, FS_, G, RT_UNK, UID, "", FS,
	  FS "/pod7E44EE88-1E65-4A16-8CDF-9A90C819180E", NULL, NULL },
	/* the innermost root wins even above an unrelated pod */
	{ FS_BE_POD "/" CID "/kubepods", 0, PCG_CG_KUBEPODS, FS_, NOQOS, RT_UNK, "", "",
	  FS_BE_POD "/" CID "/kubepods", NULL, NULL, FS_BE_POD "/" CID },
};

/* Parses @s (@n bytes) from an exactly sized heap copy, so ASan catches any read past @n. */
static int parse_exact(const char *s, size_t n, struct pcg_cgpath *ret)
{
	char *copy = malloc(n ? n : 1);
	int rc;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, s, n);
	rc = pcg_cgpath_parse(copy, n, ret);
	free(copy);
	return rc;
}

static bool check_end(const char *path, size_t end, const char *want, const char *what)
{
	size_t wl = want ? strlen(want) : 0;

	if (!ASSERT_EQ(end, wl, what))
		return false;
	return ASSERT_TRUE(wl == 0 || strncmp(path, want, wl) == 0, what);
}

/* Re-parsing path[0..end) must yield @kind again (header contract). */
static void check_reparse(const char *path, size_t end, enum pcg_cg_kind kind, const char *what)
{
	struct pcg_cgpath r;

	if (!end)
		return;
	ASSERT_OK(parse_exact(path, end, &r), what);
	ASSERT_EQ(r.kind, kind, what);
}

PCG_TEST(cgpath_layouts)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct cg_case *c = &cases[i];
		struct pcg_cgpath r;
		int rc;

		memset(&r, 0xa5, sizeof(r));
		rc = parse_exact(c->path, strlen(c->path), &r);
		if (!ASSERT_EQ(rc, c->rc, c->path) || !ASSERT_EQ(r.kind, c->kind, c->path))
			continue;
		ASSERT_EQ(r.driver, c->driver, c->path);
		ASSERT_EQ(r.qos, c->qos, c->path);
		ASSERT_EQ(r.runtime, c->rt, c->path);
		ASSERT_STREQ(r.pod_uid, c->uid, c->path);
		ASSERT_STREQ(r.container_id, c->cid, c->path);
		check_end(c->path, r.kubepods_end, c->kp, c->path);
		check_end(c->path, r.pod_end, c->pod, c->path);
		check_end(c->path, r.container_end, c->ctr, c->path);
		check_end(c->path, r.outer_end, c->outer, c->path);
		check_reparse(c->path, r.kubepods_end, PCG_CG_KUBEPODS, c->path);
		check_reparse(c->path, r.pod_end, PCG_CG_POD, c->path);
		check_reparse(c->path, r.container_end, PCG_CG_CONTAINER, c->path);
		check_reparse(c->path, r.outer_end, PCG_CG_CONTAINER, c->path);
	}
}

PCG_TEST(cgpath_enoent_zeroes)
{
	struct pcg_cgpath r, zero;

	memset(&r, 0xa5, sizeof(r));
	memset(&zero, 0, sizeof(zero));
	ASSERT_EQ(pcg_cgpath_parse("/user.slice", 11, &r), -ENOENT, "rc");
	ASSERT_TRUE(memcmp(&r, &zero, sizeof(r)) == 0, "all fields zero");
}

PCG_TEST(cgpath_null_args)
{
	struct pcg_cgpath r;

	ASSERT_EQ(pcg_cgpath_parse(NULL, 0, &r), -EINVAL, "NULL path");
	ASSERT_EQ(pcg_cgpath_parse(NULL, 10, &r), -EINVAL, "NULL path with len");
	ASSERT_EQ(pcg_cgpath_parse("/kubepods", 9, NULL), -EINVAL, "NULL ret");
	ASSERT_EQ(pcg_cgpath_parse("", 0, &r), -ENOENT, "empty");
}

PCG_TEST(cgpath_embedded_nul)
{
	static const char p1[] = FS "\0/besteffort";
	static const char p2[] = FS_BE_POD "/4f1b8e0c2d3a49e8b7c6d5e4\0"
					   "f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4";
	static const char p3[] = "\0" FS;
	struct pcg_cgpath r;

	/* parsing stops at the first NUL */
	ASSERT_OK(parse_exact(p1, sizeof(p1) - 1, &r), "p1 rc");
	ASSERT_EQ(r.kind, PCG_CG_KUBEPODS, "p1 kind");
	ASSERT_EQ(r.kubepods_end, strlen(FS), "p1 kubepods_end");
	ASSERT_OK(parse_exact(p2, sizeof(p2) - 1, &r), "p2 rc");
	ASSERT_EQ(r.kind, PCG_CG_POD_OTHER, "p2 kind");
	ASSERT_STREQ(r.container_id, "", "p2 id");
	ASSERT_EQ(parse_exact(p3, sizeof(p3) - 1, &r), -ENOENT, "p3 rc");
	/* a length that counts the terminator parses like the string */
	ASSERT_OK(parse_exact(FS_G_POD "/" CID, sizeof(FS_G_POD "/" CID), &r), "terminator rc");
	ASSERT_EQ(r.kind, PCG_CG_CONTAINER, "terminator kind");
	ASSERT_STREQ(r.container_id, CID, "terminator id");
}

PCG_TEST(cgpath_truncated_len)
{
	static const char p[] = FS_G_POD "/" CID;
	struct pcg_cgpath r;

	/* every prefix of a container path parses without reading past len */
	for (size_t n = 0; n <= sizeof(p) - 1; n++) {
		int rc = parse_exact(p, n, &r);

		if (!ASSERT_TRUE(rc == 0 || rc == -ENOENT, "rc"))
			return;
		ASSERT_TRUE(r.kubepods_end <= n && r.pod_end <= n && r.container_end <= n, "ends");
		if (n < strlen(FS))
			ASSERT_EQ(rc, -ENOENT, "short prefix");
	}
	ASSERT_EQ(parse_exact(p, strlen(FS_G_POD "/") + 10, &r), 0, "cut id");
	ASSERT_EQ(r.kind, PCG_CG_POD_OTHER, "cut id kind");
}

PCG_TEST(cgpath_long_input)
{
	size_t n = 1 << 20;
	char *p = malloc(n);
	struct pcg_cgpath r;

	if (!ASSERT_TRUE(p != NULL, "malloc"))
		return;
	/* one huge component */
	memset(p, 'a', n);
	p[0] = '/';
	ASSERT_EQ(pcg_cgpath_parse(p, n, &r), -ENOENT, "huge component");
	/* a huge run of slashes */
	memset(p, '/', n);
	ASSERT_EQ(pcg_cgpath_parse(p, n, &r), -ENOENT, "slashes");
	/* many kubepods roots: linear time, the last one wins */
	for (size_t i = 0; i + 9 <= n; i += 9)
		memcpy(p + i, "/kubepods", 9);
	ASSERT_OK(pcg_cgpath_parse(p, n - n % 9, &r), "many roots");
	ASSERT_EQ(r.kind, PCG_CG_KUBEPODS, "many roots kind");
	ASSERT_EQ(r.kubepods_end, n - n % 9, "many roots end");
	/* many containers below a pod */
	{
		size_t off = strlen(FS_G_POD);

		memcpy(p, FS_G_POD, off);
		for (; off + 65 <= n; off += 65)
			memcpy(p + off, "/" CID, 65);
		ASSERT_OK(pcg_cgpath_parse(p, off, &r), "deep sub");
		ASSERT_EQ(r.kind, PCG_CG_CONTAINER_SUB, "deep sub kind");
		ASSERT_EQ(r.container_end, strlen(FS_G_POD "/" CID), "deep sub container_end");
	}
	free(p);
}

PCG_TEST(cgpath_all_bytes)
{
	char p[sizeof(FS_G_POD "/" CID) - 1];
	struct pcg_cgpath r;

	/* every byte value in every position of a container path: no crash, sane ends */
	for (size_t i = 0; i < sizeof(p); i++) {
		for (int b = 0; b < 256; b++) {
			int rc;

			memcpy(p, FS_G_POD "/" CID, sizeof(p));
			p[i] = (char)b;
			rc = parse_exact(p, sizeof(p), &r);
			if (!ASSERT_TRUE(rc == 0 || rc == -ENOENT, "rc"))
				return;
			if (!ASSERT_TRUE(r.container_end <= sizeof(p) && r.pod_end <= sizeof(p),
					 "ends"))
				return;
		}
	}
}

PCG_TEST(cgpath_names)
{
	ASSERT_STREQ(pcg_driver_name(PCG_DRIVER_SYSTEMD), "systemd", "systemd");
	ASSERT_STREQ(pcg_driver_name(PCG_DRIVER_CGROUPFS), "cgroupfs", "cgroupfs");
	ASSERT_STREQ(pcg_driver_name(PCG_DRIVER_UNKNOWN), NULL, "driver unknown");
	ASSERT_STREQ(pcg_driver_name((enum pcg_driver)77), NULL, "driver out of range");
	ASSERT_STREQ(pcg_driver_name((enum pcg_driver) - 1), NULL, "driver negative");
	ASSERT_STREQ(pcg_qos_name(PCG_QOS_GUARANTEED), "guaranteed", "guaranteed");
	ASSERT_STREQ(pcg_qos_name(PCG_QOS_BURSTABLE), "burstable", "burstable");
	ASSERT_STREQ(pcg_qos_name(PCG_QOS_BESTEFFORT), "besteffort", "besteffort");
	ASSERT_STREQ(pcg_qos_name(PCG_QOS_UNKNOWN), NULL, "qos unknown");
	ASSERT_STREQ(pcg_qos_name((enum pcg_qos)4), NULL, "qos out of range");
	ASSERT_STREQ(pcg_runtime_name(PCG_RT_DOCKER), "docker", "docker");
	ASSERT_STREQ(pcg_runtime_name(PCG_RT_CONTAINERD), "containerd", "containerd");
	ASSERT_STREQ(pcg_runtime_name(PCG_RT_CRIO), "crio", "crio");
	ASSERT_STREQ(pcg_runtime_name(PCG_RT_PODMAN), "podman", "podman");
	ASSERT_STREQ(pcg_runtime_name(PCG_RT_UNKNOWN), NULL, "runtime unknown");
	ASSERT_STREQ(pcg_runtime_name(_PCG_RT_MAX), NULL, "runtime max");
}

/* The memo gives what a parse gives, hit or miss, in any order (cases twice over, then
 * backwards, so most lookups hit and the ring turns over), for paths the memo cannot hold,
 * for lengths that are a prefix of a held path, and for NULL. */
PCG_TEST(cgpath_memo_same_as_parse)
{
	static struct pcg_cgpath_memo m; /* 16 KB: not on the stack */
	const size_t n = sizeof(cases) / sizeof(cases[0]);
	char big[PCG_CGPATH_MEMO_PATH + 200];
	struct pcg_cgpath want, got;
	int wrc, grc;

	memset(&m, 0, sizeof(m));
	for (size_t k = 0; k < 4 * n; k++) {
		/* 0, 0, 1, 1, ... then n-1, n-1, ..., 0, 0 */
		size_t i = k < 2 * n ? k / 2 : n - 1 - (k - 2 * n) / 2;
		const char *p = cases[i].path;
		size_t len = strlen(p) - (k % 3 == 2 && strlen(p) > 1); /* a prefix now and then */

		memset(&want, 0x5a, sizeof(want));
		memset(&got, 0xa5, sizeof(got));
		wrc = pcg_cgpath_parse(p, len, &want);
		grc = pcg_cgpath_parse_memo(&m, p, len, &got);
		if (!ASSERT_EQ(grc, wrc, p) || !ASSERT_TRUE(!memcmp(&got, &want, sizeof(got)), p))
			return;
	}
	memset(big, 'a', sizeof(big));
	memcpy(big, "/kubepods/besteffort/pod", 24);
	for (int k = 0; k < 2; k++) {
		wrc = pcg_cgpath_parse(big, sizeof(big), &want);
		grc = pcg_cgpath_parse_memo(&m, big, sizeof(big), &got);
		ASSERT_EQ(grc, wrc, "a path longer than the memo holds");
		ASSERT_TRUE(!memcmp(&got, &want, sizeof(got)), "a path longer than the memo holds");
	}
	ASSERT_EQ(pcg_cgpath_parse_memo(&m, NULL, 3, &got), -EINVAL, "NULL path");
	ASSERT_EQ(pcg_cgpath_parse_memo(&m, "/x", 2, NULL), -EINVAL, "NULL result");
}
