/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* cgpath.c - pure, table-driven cgroup path parser: kubepods layouts and container leaves. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "cgpath.h"

/* A path component: path[off..off+len), never empty, never containing '/'. */
struct pcg_span {
	size_t off;
	size_t len;
};

#define SCOPE_SFX ".scope"
#define SLICE_SFX ".slice"

/* Runtime leaf prefixes.  A row matches "<prefix><64 lowercase hex>[.scope]". */
enum pcg_rtp_flags {
	RTP_SCOPE = 1 << 0,  /* "<prefix><id>.scope" is accepted */
	RTP_BARE = 1 << 1,   /* "<prefix><id>" (no .scope) is accepted */
	RTP_HELPER = 1 << 2, /* a runtime helper (conmon): PCG_CG_IGNORED */
};

struct pcg_rt_prefix {
	const char *prefix;
	size_t len; /* strlen(prefix) */
	enum pcg_runtime rt;
	unsigned int flags;
};

#define RTP(s) s, sizeof(s) - 1

static const struct pcg_rt_prefix rt_prefixes[] = {
	/* containerd CRI with SystemdCgroup=true; cri-dockerd; nerdctl without CRI */
	{ RTP("cri-containerd-"), PCG_RT_CONTAINERD, RTP_SCOPE },
	{ RTP("docker-"), PCG_RT_DOCKER, RTP_SCOPE },
	{ RTP("nerdctl-"), PCG_RT_CONTAINERD, RTP_SCOPE },
	/* CRI-O: systemd scope, or a plain dir for cgroupfs and for the dropped-infra sandbox */
	{ RTP("crio-conmon-"), PCG_RT_CRIO, RTP_SCOPE | RTP_BARE | RTP_HELPER },
	{ RTP("crio-"), PCG_RT_CRIO, RTP_SCOPE | RTP_BARE },
	/* podman: systemd scope, cgroupfs libpod_parent/libpod-<id>, split-mode payload */
	{ RTP("libpod-conmon-"), PCG_RT_PODMAN, RTP_SCOPE | RTP_BARE | RTP_HELPER },
	{ RTP("libpod-payload-"), PCG_RT_PODMAN, RTP_SCOPE | RTP_BARE },
	{ RTP("libpod-"), PCG_RT_PODMAN, RTP_SCOPE | RTP_BARE },
};

/* The shortest leaf a prefix row matches: "crio-" or "docker-" + an id, no suffix. */
#define LEAF_MIN (sizeof("crio-") - 1 + PCG_CONTAINER_ID_LEN)

/* The non-systemd runc form "<slice>:<prefix>:<id>", one path component. */
struct pcg_rt_colon {
	const char *prefix;
	enum pcg_runtime rt;
};

static const struct pcg_rt_colon rt_colons[] = {
	{ "cri-containerd", PCG_RT_CONTAINERD },
	{ "docker", PCG_RT_DOCKER },
	{ "crio", PCG_RT_CRIO },
};

/* Parents under which a bare 64-hex component is a container (docker's cgroupfs driver, GitHub
 * Actions job containers).  Below a pod a bare id is a container too, with unknown runtime. */
struct pcg_rt_parent {
	const char *name;
	enum pcg_runtime rt;
};

static const struct pcg_rt_parent rt_parents[] = {
	{ "docker", PCG_RT_DOCKER },
	{ "actions_job", PCG_RT_DOCKER },
};

static const char *const driver_names[] = {
	[PCG_DRIVER_SYSTEMD] = "systemd",
	[PCG_DRIVER_CGROUPFS] = "cgroupfs",
};

static const char *const qos_names[] = {
	[PCG_QOS_GUARANTEED] = "guaranteed",
	[PCG_QOS_BURSTABLE] = "burstable",
	[PCG_QOS_BESTEFFORT] = "besteffort",
};

static const char *const runtime_names[] = {
	[PCG_RT_DOCKER] = "docker",
	[PCG_RT_CONTAINERD] = "containerd",
	[PCG_RT_CRIO] = "crio",
	[PCG_RT_PODMAN] = "podman",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *pcg_driver_name(enum pcg_driver d)
{
	return (unsigned int)d < ARRAY_SIZE(driver_names) ? driver_names[d] : NULL;
}

const char *pcg_qos_name(enum pcg_qos q)
{
	return (unsigned int)q < ARRAY_SIZE(qos_names) ? qos_names[q] : NULL;
}

const char *pcg_runtime_name(enum pcg_runtime r)
{
	return (unsigned int)r < ARRAY_SIZE(runtime_names) ? runtime_names[r] : NULL;
}

/* Byte-span helpers: nothing below relies on NUL termination. */
static bool mem_eq(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n == l && memcmp(s, lit, l) == 0;
}

static bool mem_prefix(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && memcmp(s, lit, l) == 0;
}

static bool mem_suffix(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && memcmp(s + n - l, lit, l) == 0;
}

/* Per byte: HEX_ANY for a hex digit of either case, HEX_LOWER too for a digit or a-f, and
 * the lowercase digit itself in the low byte (a lookup per byte, no branch: a parse of a
 * container's path checks 100 of them). */
#define HEX_ANY	  0x100
#define HEX_LOWER 0x200
#define HD(c, l)  (HEX_ANY | (l) | (c))
static const unsigned short hex_tab[256] = {
	['0'] = HD('0', HEX_LOWER), ['1'] = HD('1', HEX_LOWER), ['2'] = HD('2', HEX_LOWER),
	['3'] = HD('3', HEX_LOWER), ['4'] = HD('4', HEX_LOWER), ['5'] = HD('5', HEX_LOWER),
	['6'] = HD('6', HEX_LOWER), ['7'] = HD('7', HEX_LOWER), ['8'] = HD('8', HEX_LOWER),
	['9'] = HD('9', HEX_LOWER), ['a'] = HD('a', HEX_LOWER), ['b'] = HD('b', HEX_LOWER),
	['c'] = HD('c', HEX_LOWER), ['d'] = HD('d', HEX_LOWER), ['e'] = HD('e', HEX_LOWER),
	['f'] = HD('f', HEX_LOWER), ['A'] = HD('a', 0),		['B'] = HD('b', 0),
	['C'] = HD('c', 0),	    ['D'] = HD('d', 0),		['E'] = HD('e', 0),
	['F'] = HD('f', 0),
};

/* Exactly PCG_CONTAINER_ID_LEN lowercase hex digits: runc-family ids are never uppercase. */
static bool is_container_id(const char *s, size_t n)
{
	unsigned all = HEX_LOWER;

	if (n != PCG_CONTAINER_ID_LEN)
		return false;
	for (size_t i = 0; i < PCG_CONTAINER_ID_LEN; i++)
		all &= hex_tab[(unsigned char)s[i]];
	return all;
}

/* "8-4-4-4-12" hex with '-' or '_' (systemd escaping) separators, either case, into the
 * dashed lowercase form.  @ret is written only on success. */
static bool parse_pod_uid(const char *s, size_t n, char ret[PCG_POD_UID_LEN + 1])
{
	static const unsigned char uid_groups[] = { 8, 4, 4, 4, 12 };
	char buf[PCG_POD_UID_LEN + 1];
	unsigned all = HEX_ANY;
	bool seps = true;

	if (n != PCG_POD_UID_LEN)
		return false;
	for (size_t g = 0, i = 0; g < sizeof(uid_groups); g++) {
		if (g) {
			seps &= s[i] == '-' || s[i] == '_';
			buf[i++] = '-';
		}
		for (size_t end = i + uid_groups[g]; i < end; i++) {
			unsigned h = hex_tab[(unsigned char)s[i]];

			all &= h;
			buf[i] = (char)h;
		}
	}
	if (!all || !seps)
		return false;
	buf[PCG_POD_UID_LEN] = '\0';
	memcpy(ret, buf, sizeof(buf));
	return true;
}

/* Next non-empty component at or after *pos; advances *pos past it. */
static bool next_comp(const char *path, size_t len, size_t *pos, struct pcg_span *ret)
{
	size_t i = *pos;
	const char *slash;

	while (i < len && path[i] == '/')
		i++;
	if (i >= len)
		return false;
	ret->off = i;
	slash = memchr(path + i, '/', len - i);
	i = slash ? (size_t)(slash - path) : len;
	ret->len = i - ret->off;
	*pos = i;
	return true;
}

/* The kubepods root: cgroupfs "kubepods", systemd "kubepods.slice" or "<root>-kubepods.slice"
 * (--cgroup-root, e.g. kind's kubelet-kubepods.slice).  For systemd, @ret_stem_len is the name
 * without ".slice": children are "<stem>-<token>.slice". */
static enum pcg_driver match_root(const char *c, size_t n, size_t *ret_stem_len)
{
	size_t stem;

	if (mem_eq(c, n, "kubepods")) {
		*ret_stem_len = 0;
		return PCG_DRIVER_CGROUPFS;
	}
	if (!mem_suffix(c, n, SLICE_SFX))
		return PCG_DRIVER_UNKNOWN;
	stem = n - strlen(SLICE_SFX);
	if (mem_eq(c, stem, "kubepods") ||
	    (stem > strlen("-kubepods") && mem_suffix(c, stem, "-kubepods"))) {
		*ret_stem_len = stem;
		return PCG_DRIVER_SYSTEMD;
	}
	return PCG_DRIVER_UNKNOWN;
}

/* The kubelet's name token of a child cgroup: the component itself under cgroupfs, the part
 * between "<parent stem>-" and ".slice" under systemd.  False if the component does not
 * follow the parent's naming. */
static bool child_token(enum pcg_driver drv, const char *stem, size_t stem_len, const char *c,
			size_t n, const char **ret_tok, size_t *ret_tok_len)
{
	size_t head = stem_len + 1, tail = strlen(SLICE_SFX);

	if (drv == PCG_DRIVER_CGROUPFS) {
		*ret_tok = c;
		*ret_tok_len = n;
		return true;
	}
	if (n <= head + tail || memcmp(c, stem, stem_len) != 0 || c[stem_len] != '-' ||
	    !mem_suffix(c, n, SLICE_SFX))
		return false;
	*ret_tok = c + head;
	*ret_tok_len = n - head - tail;
	return true;
}

static enum pcg_qos qos_token(const char *t, size_t n)
{
	if (mem_eq(t, n, "besteffort"))
		return PCG_QOS_BESTEFFORT;
	if (mem_eq(t, n, "burstable"))
		return PCG_QOS_BURSTABLE;
	return PCG_QOS_UNKNOWN;
}

/* A recognised container-ish leaf. */
struct pcg_leaf {
	enum pcg_cg_kind kind; /* CONTAINER or IGNORED; NONE if nothing matched */
	enum pcg_runtime rt;
	const char *id;	   /* PCG_CONTAINER_ID_LEN bytes inside the path */
	const char *slice; /* colon form only: the "<slice>" part, else NULL */
	size_t slice_len;
};

static bool match_prefixed(const char *c, size_t n, struct pcg_leaf *ret)
{
	size_t sl = strlen(SCOPE_SFX);

	/* every prefix starts with c, d, l or n, and no leaf is shorter than LEAF_MIN */
	if (n < LEAF_MIN || (c[0] != 'c' && c[0] != 'd' && c[0] != 'l' && c[0] != 'n'))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(rt_prefixes); i++) {
		const struct pcg_rt_prefix *p = &rt_prefixes[i];
		size_t pl = p->len, rest;

		if (c[0] != p->prefix[0] || n < pl || memcmp(c, p->prefix, pl) != 0)
			continue;
		rest = n - pl;
		if (rest == PCG_CONTAINER_ID_LEN + sl && (p->flags & RTP_SCOPE) &&
		    mem_suffix(c, n, SCOPE_SFX))
			rest = PCG_CONTAINER_ID_LEN;
		else if (!(rest == PCG_CONTAINER_ID_LEN && (p->flags & RTP_BARE)))
			continue;
		if (!is_container_id(c + pl, rest))
			continue;
		ret->kind = (p->flags & RTP_HELPER) ? PCG_CG_IGNORED : PCG_CG_CONTAINER;
		ret->rt = p->rt;
		ret->id = c + pl;
		return true;
	}
	return false;
}

/* "<slice>:<prefix>:<id>": exactly two colons, known prefix, 64-hex id. */
static bool match_colon(const char *c, size_t n, struct pcg_leaf *ret)
{
	const char *a, *b;
	size_t mid_len;

	a = memchr(c, ':', n);
	if (!a)
		return false;
	b = memchr(a + 1, ':', n - (size_t)(a + 1 - c));
	if (!b || memchr(b + 1, ':', n - (size_t)(b + 1 - c)))
		return false;
	if (!is_container_id(b + 1, n - (size_t)(b + 1 - c)))
		return false;
	mid_len = (size_t)(b - a - 1);
	for (size_t i = 0; i < ARRAY_SIZE(rt_colons); i++) {
		if (!mem_eq(a + 1, mid_len, rt_colons[i].prefix))
			continue;
		ret->kind = PCG_CG_CONTAINER;
		ret->rt = rt_colons[i].rt;
		ret->id = b + 1;
		ret->slice = c;
		ret->slice_len = (size_t)(a - c);
		return true;
	}
	return false;
}

/* Matches component @c (parent @p, may be NULL) as a container leaf.  @in_pod: @c sits
 * directly below a pod cgroup, where a bare 64-hex id is a container of unknown runtime. */
static bool match_leaf(const char *c, size_t n, const char *p, size_t pn, bool in_pod,
		       struct pcg_leaf *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (match_prefixed(c, n, ret) || match_colon(c, n, ret))
		return true;
	if (!is_container_id(c, n))
		return false;
	if (in_pod) {
		ret->kind = PCG_CG_CONTAINER;
		ret->rt = PCG_RT_UNKNOWN;
		ret->id = c;
		return true;
	}
	for (size_t i = 0; p && i < ARRAY_SIZE(rt_parents); i++) {
		if (!mem_eq(p, pn, rt_parents[i].name))
			continue;
		ret->kind = PCG_CG_CONTAINER;
		ret->rt = rt_parents[i].rt;
		ret->id = c;
		return true;
	}
	return false;
}

/* The colon form's "<slice>" when it is a kubelet pod slice, systemd-named:
 * "[<root>-]kubepods[-besteffort|-burstable]-pod<uid_>.slice".  Parsed from the end. */
static bool parse_pod_slice(const char *s, size_t n, struct pcg_cgpath *ret)
{
	static const struct {
		const char *stem; /* how the parent slice's name ends */
		enum pcg_qos qos;
	} parents[] = {
		{ "kubepods-besteffort", PCG_QOS_BESTEFFORT },
		{ "kubepods-burstable", PCG_QOS_BURSTABLE },
		{ "kubepods", PCG_QOS_GUARANTEED },
	};
	size_t tok = strlen("pod") + PCG_POD_UID_LEN, stem;
	char uid[PCG_POD_UID_LEN + 1];

	if (!mem_suffix(s, n, SLICE_SFX))
		return false;
	n -= strlen(SLICE_SFX);
	if (n < tok + 1 || !mem_prefix(s + n - tok, tok, "pod") || s[n - tok - 1] != '-')
		return false;
	if (!parse_pod_uid(s + n - PCG_POD_UID_LEN, PCG_POD_UID_LEN, uid))
		return false;
	stem = n - tok - 1; /* s[0..stem) is the parent slice's name without ".slice" */
	for (size_t i = 0; i < ARRAY_SIZE(parents); i++) {
		size_t pl = strlen(parents[i].stem);

		/* the whole stem, or its tail after a '-' (a --cgroup-root prefix) */
		if (!mem_suffix(s, stem, parents[i].stem) || (stem > pl && s[stem - pl - 1] != '-'))
			continue;
		ret->driver = PCG_DRIVER_SYSTEMD;
		ret->qos = parents[i].qos;
		memcpy(ret->pod_uid, uid, sizeof(uid));
		return true;
	}
	return false;
}

static void set_container(struct pcg_cgpath *ret, const struct pcg_leaf *leaf, size_t end)
{
	ret->kind = leaf->kind;
	ret->runtime = leaf->rt;
	if (leaf->kind != PCG_CG_CONTAINER)
		return; /* a helper is not a container: no id, no container_end */
	memcpy(ret->container_id, leaf->id, PCG_CONTAINER_ID_LEN);
	ret->container_id[PCG_CONTAINER_ID_LEN] = '\0';
	ret->container_end = end;
}

/* One step of the kubepods state machine: @c follows the cgroup described by @ret. */
static void k8s_step(const char *path, struct pcg_span c, struct pcg_span parent,
		     struct pcg_span *stem, struct pcg_cgpath *ret)
{
	const char *s = path + c.off, *tok;
	size_t end = c.off + c.len, tok_len;
	struct pcg_leaf leaf;

	switch (ret->kind) {
	case PCG_CG_KUBEPODS:
	case PCG_CG_QOS:
		if (!child_token(ret->driver, path + stem->off, stem->len, s, c.len, &tok,
				 &tok_len))
			break;
		if (ret->kind == PCG_CG_KUBEPODS && qos_token(tok, tok_len) != PCG_QOS_UNKNOWN) {
			ret->kind = PCG_CG_QOS;
			ret->qos = qos_token(tok, tok_len);
			stem->off = c.off;
			stem->len =
				c.len - (ret->driver == PCG_DRIVER_SYSTEMD ? strlen(SLICE_SFX) : 0);
			return;
		}
		if (mem_prefix(tok, tok_len, "pod") &&
		    parse_pod_uid(tok + strlen("pod"), tok_len - strlen("pod"), ret->pod_uid)) {
			if (ret->kind == PCG_CG_KUBEPODS)
				ret->qos = PCG_QOS_GUARANTEED;
			ret->kind = PCG_CG_POD;
			ret->pod_end = end;
			return;
		}
		break;
	case PCG_CG_POD:
		if (match_leaf(s, c.len, path + parent.off, parent.len, true, &leaf))
			set_container(ret, &leaf, end);
		else
			ret->kind = PCG_CG_POD_OTHER;
		return;
	case PCG_CG_CONTAINER:
		ret->kind = PCG_CG_CONTAINER_SUB;
		return;
	default:
		/* CONTAINER_SUB, IGNORED, POD_OTHER and KUBEPODS_OTHER absorb everything below */
		return;
	}
	ret->kind = PCG_CG_KUBEPODS_OTHER;
}

/* Resets @ret to a kubepods root that ends at @end. */
static void k8s_root(struct pcg_cgpath *ret, enum pcg_driver drv, size_t end)
{
	memset(ret, 0, sizeof(*ret));
	ret->kind = PCG_CG_KUBEPODS;
	ret->driver = drv;
	ret->kubepods_end = end;
}

int pcg_cgpath_parse(const char *path, size_t len, struct pcg_cgpath *ret)
{
	struct pcg_span c, parent = { 0, 0 }, stem = { 0, 0 };
	struct pcg_cgpath k8s, plain;
	struct pcg_leaf leaf, last = { 0 };
	size_t pos = 0, root_off = 0, first_end = 0, last_end = 0, stem_len;
	bool have_root = false, have_parent = false, below_last = false;
	enum pcg_driver drv;
	const char *nul;

	if (!path || !ret)
		return -EINVAL;
	memset(ret, 0, sizeof(*ret));
	nul = memchr(path, '\0', len);
	if (nul)
		len = (size_t)(nul - path);

	/* One forward pass.  Every kubepods root restarts the kubepods state machine, so the
	 * innermost one wins.  Before the first root, containers are tracked the plain way
	 * (innermost wins); first_end remembers the outermost container for outer_end. */
	memset(&k8s, 0, sizeof(k8s));
	while (next_comp(path, len, &pos, &c)) {
		const char *s = path + c.off;
		size_t end = c.off + c.len;

		drv = match_root(s, c.len, &stem_len);
		if (drv != PCG_DRIVER_UNKNOWN) {
			k8s_root(&k8s, drv, end);
			stem.off = c.off;
			stem.len = stem_len;
			root_off = c.off;
			have_root = true;
		} else if (have_root) {
			k8s_step(path, c, parent, &stem, &k8s);
			if (k8s.kind == PCG_CG_CONTAINER && k8s.container_end == end && !first_end)
				first_end = end;
		} else if (match_leaf(s, c.len, have_parent ? path + parent.off : NULL, parent.len,
				      false, &leaf)) {
			last = leaf;
			last_end = end;
			below_last = false;
			if (leaf.kind == PCG_CG_CONTAINER && !first_end)
				first_end = end;
		} else if (last_end) {
			below_last = true;
		}
		parent = c;
		have_parent = true;
	}

	if (have_root) {
		*ret = k8s;
		if (first_end && first_end <= root_off)
			ret->outer_end = first_end;
		return 0;
	}
	if (!last_end)
		return -ENOENT;

	memset(&plain, 0, sizeof(plain));
	set_container(&plain, &last, last_end);
	if (last.kind == PCG_CG_CONTAINER && below_last)
		plain.kind = PCG_CG_CONTAINER_SUB;
	if (last.slice)
		parse_pod_slice(last.slice, last.slice_len, &plain);
	if (first_end && first_end < last_end)
		plain.outer_end = first_end;
	*ret = plain;
	return 0;
}

int pcg_cgpath_parse_memo(struct pcg_cgpath_memo *m, const char *path, size_t len,
			  struct pcg_cgpath *ret)
{
	struct pcg_cgpath_memo_ent *e;

	if (!path || !ret)
		return pcg_cgpath_parse(path, len, ret);
	for (unsigned i = 0; i < PCG_CGPATH_MEMO; i++) {
		e = &m->e[i];
		if (e->len == len && len && !memcmp(e->path, path, len)) {
			*ret = e->pp;
			return e->rc;
		}
	}
	e = &m->e[m->next++ % PCG_CGPATH_MEMO];
	e->len = 0;
	e->rc = pcg_cgpath_parse(path, len, &e->pp);
	*ret = e->pp;
	if (len <= sizeof(e->path)) {
		memcpy(e->path, path, len);
		e->len = len;
	}
	return e->rc;
}
