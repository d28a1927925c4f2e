/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* meta.c - names of pods and containers from what the node keeps on disk (pure). */
#include <errno.h>
#include <string.h>

#include <json-c/json.h>

#include "decode.h"
#include "encode.h"
#include "meta.h"

/* What an allowlisted key gives. */
enum key_what { K_NAME, K_NS, K_CTR, K_IMAGE, K_SANDBOX, K_UID, K_TYPE, K_CID };

static const struct {
	const char *key;
	enum key_what what;
} allow[] = {
	/* containerd CRI annotations (config.json; runc state.json labels) */
	{ "io.kubernetes.cri.container-type", K_TYPE },
	{ "io.kubernetes.cri.sandbox-id", K_SANDBOX },
	{ "io.kubernetes.cri.sandbox-name", K_NAME },
	{ "io.kubernetes.cri.sandbox-namespace", K_NS },
	{ "io.kubernetes.cri.sandbox-uid", K_UID },
	{ "io.kubernetes.cri.container-name", K_CTR },
	{ "io.kubernetes.cri.image-name", K_IMAGE },
	/* CRI-O annotations; the io.kubernetes.pod/container ones are cri-dockerd's labels too */
	{ "io.kubernetes.pod.name", K_NAME },
	{ "io.kubernetes.pod.namespace", K_NS },
	{ "io.kubernetes.pod.uid", K_UID },
	{ "io.kubernetes.container.name", K_CTR },
	{ "io.kubernetes.cri-o.ContainerType", K_TYPE },
	{ "io.kubernetes.cri-o.ImageName", K_IMAGE },
	{ "io.kubernetes.cri-o.SandboxID", K_SANDBOX },
	{ "io.kubernetes.cri-o.ContainerID", K_CID },
	/* cri-dockerd / dockershim labels */
	{ "io.kubernetes.docker.type", K_TYPE },
	{ "io.kubernetes.sandbox.id", K_SANDBOX },
};

static void set_field(struct pcg_meta *m, unsigned field, const char *v, size_t n)
{
	char *dst = m->str[field];
	bool cut = false;

	if (dst[0] || !n)
		return;
	if (field == PCG_META_IMAGE && n > PCG_META_IMAGE_MAX) {
		n = PCG_META_IMAGE_MAX;
		cut = true;
	}
	if (!pcg_meta_str_ok(field, v, n)) {
		m->dropped++;
		return;
	}
	memcpy(dst, v, n);
	dst[n] = 0;
	if (cut)
		m->trunc = true;
}

static void set_uid(struct pcg_meta *m, const char *v, size_t n)
{
	if (m->pod_uid[0])
		return;
	if (!pcg_meta_uid_ok(v, n)) {
		m->dropped++;
		return;
	}
	memcpy(m->pod_uid, v, n);
	m->pod_uid[n] = 0;
}

static void set_cid(struct pcg_meta *m, const char *v, size_t n)
{
	if (m->container_id[0])
		return;
	if (!pcg_meta_id_ok(v, n)) {
		m->dropped++;
		return;
	}
	memcpy(m->container_id, v, n);
	m->container_id[n] = 0;
}

static bool eq(const char *v, size_t n, const char *lit)
{
	return n == strlen(lit) && !memcmp(v, lit, n);
}

static void set_type(struct pcg_meta *m, const char *v, size_t n)
{
	if (m->ctype)
		return;
	if (eq(v, n, "sandbox") || eq(v, n, "podsandbox"))
		m->ctype = PCG_CTYPE_SANDBOX;
	else if (eq(v, n, "container"))
		m->ctype = PCG_CTYPE_CONTAINER;
	else
		m->dropped++;
}

/* The sandbox's container name is "POD" in CRI-O and cri-dockerd, absent in containerd:
 * reported as no name, with the type saying sandbox. */
static void set_ctr(struct pcg_meta *m, const char *v, size_t n)
{
	if (eq(v, n, "POD")) {
		if (!m->ctype)
			m->ctype = PCG_CTYPE_SANDBOX;
		return;
	}
	set_field(m, PCG_META_CONTAINER_NAME, v, n);
}

/* One key/value pair: used only if the key is allowlisted. */
static bool take(struct pcg_meta *m, const char *k, size_t kn, const char *v, size_t vn)
{
	for (size_t i = 0; i < sizeof(allow) / sizeof(allow[0]); i++) {
		if (!eq(k, kn, allow[i].key))
			continue;
		switch (allow[i].what) {
		case K_NAME:
			set_field(m, PCG_META_POD_NAME, v, vn);
			break;
		case K_NS:
			set_field(m, PCG_META_POD_NAMESPACE, v, vn);
			break;
		case K_CTR:
			set_ctr(m, v, vn);
			break;
		case K_IMAGE:
			set_field(m, PCG_META_IMAGE, v, vn);
			break;
		case K_SANDBOX:
			set_field(m, PCG_META_SANDBOX_ID, v, vn);
			break;
		case K_UID:
			set_uid(m, v, vn);
			break;
		case K_TYPE:
			set_type(m, v, vn);
			break;
		case K_CID:
			set_cid(m, v, vn);
			break;
		}
		return true;
	}
	return false;
}

/* Parses a bounded JSON document; NULL when it is not one. */
static struct json_object *parse(const void *buf, size_t len)
{
	struct json_tokener *tok;
	struct json_object *o;
	size_t end;

	if (!buf || !len || len > PCG_META_FILE_MAX || memchr(buf, 0, len))
		return NULL;
	tok = json_tokener_new_ex(PCG_META_DEPTH_MAX);
	if (!tok)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, buf, (int)len);
	if (o && json_tokener_get_error(tok) == json_tokener_success) {
		end = json_tokener_get_parse_end(tok);
		for (; end < len; end++)
			if (!strchr(" \t\r\n", ((const char *)buf)[end]))
				break;
		if (end != len) {
			json_object_put(o);
			o = NULL;
		}
	} else {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static struct json_object *member(struct json_object *o, const char *key, enum json_type t)
{
	struct json_object *v;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, t))
		return NULL;
	return v;
}

/* The allowlisted string members of a JSON object of annotations or labels.  Returns how
 * many keys were allowlisted. */
static int take_object(struct pcg_meta *m, struct json_object *o)
{
	int n = 0;

	if (!o)
		return 0;
	for (size_t i = 0; i < sizeof(allow) / sizeof(allow[0]); i++) {
		struct json_object *v = member(o, allow[i].key, json_type_string);

		if (v)
			n += take(m, allow[i].key, strlen(allow[i].key), json_object_get_string(v),
				  json_object_get_string_len(v));
	}
	return n;
}

static int found(const struct pcg_meta *m, int n)
{
	return n || m->pod_uid[0] ? 0 : -ENOENT;
}

int pcg_meta_from_oci(struct pcg_meta *m, const void *buf, size_t len)
{
	struct json_object *root = parse(buf, len);
	int n;

	if (!root)
		return -EBADMSG;
	n = take_object(m, member(root, "annotations", json_type_object));
	json_object_put(root);
	return found(m, n);
}

int pcg_meta_from_docker(struct pcg_meta *m, const void *buf, size_t len)
{
	struct json_object *root = parse(buf, len), *cfg, *v;
	int n;

	if (!root)
		return -EBADMSG;
	cfg = member(root, "Config", json_type_object);
	n = take_object(m, member(cfg, "Labels", json_type_object));
	if (n) {
		/* the image only for a Kubernetes container: a label says it is one */
		v = member(cfg, "Image", json_type_string);
		if (v)
			set_field(m, PCG_META_IMAGE, json_object_get_string(v),
				  json_object_get_string_len(v));
		v = member(root, "ID", json_type_string);
		if (v)
			set_cid(m, json_object_get_string(v), json_object_get_string_len(v));
	}
	v = member(root, "Name", json_type_string);
	if (v &&
	    !pcg_meta_from_k8s_name(m, json_object_get_string(v), json_object_get_string_len(v)))
		n++;
	json_object_put(root);
	return found(m, n);
}

int pcg_meta_from_runc_state(struct pcg_meta *m, const void *buf, size_t len)
{
	struct json_object *root = parse(buf, len), *labels, *v;
	int n = 0;

	if (!root)
		return -EBADMSG;
	labels = member(member(root, "config", json_type_object), "labels", json_type_array);
	for (size_t i = 0; labels && i < json_object_array_length(labels); i++) {
		struct json_object *e = json_object_array_get_idx(labels, i);
		const char *s, *eqs;
		size_t sl;

		if (!json_object_is_type(e, json_type_string))
			continue;
		s = json_object_get_string(e);
		sl = json_object_get_string_len(e);
		eqs = memchr(s, '=', sl);
		if (eqs)
			n += take(m, s, eqs - s, eqs + 1, sl - (eqs - s) - 1);
	}
	if (n) {
		v = member(root, "id", json_type_string);
		if (v)
			set_cid(m, json_object_get_string(v), json_object_get_string_len(v));
	}
	json_object_put(root);
	return found(m, n);
}

/* Splits @s at @sep into at most @max parts; returns the number of parts. */
static int split(const char *s, size_t len, char sep, const char **part, size_t *plen, int max)
{
	int n = 0;
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != sep)
			continue;
		if (n == max)
			return max + 1;
		part[n] = s + start;
		plen[n++] = i - start;
		start = i + 1;
	}
	return n;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

int pcg_meta_from_k8s_name(struct pcg_meta *m, const char *name, size_t len)
{
	const char *p[6];
	size_t pl[6];

	if (len && name[0] == '/') {
		name++;
		len--;
	}
	/* k8s_<ctr>_<pod>_<ns>_<uid>_<attempt>: no part holds '_' (Kubernetes names cannot) */
	if (len > 4 * PCG_META_NAME_MAX || split(name, len, '_', p, pl, 6) != 6 ||
	    !eq(p[0], pl[0], "k8s") || !all_digits(p[5], pl[5]) || !pcg_meta_uid_ok(p[4], pl[4]) ||
	    !pl[1] || !pl[2] || !pl[3])
		return -ENOENT;
	set_uid(m, p[4], pl[4]);
	set_ctr(m, p[1], pl[1]);
	set_field(m, PCG_META_POD_NAME, p[2], pl[2]);
	set_field(m, PCG_META_POD_NAMESPACE, p[3], pl[3]);
	return 0;
}

int pcg_meta_from_conmon(struct pcg_meta *m, const char *args, size_t len)
{
	bool named = false;

	for (size_t i = 0; i < len;) {
		const char *a = args + i, *v = NULL;
		size_t al = strnlen(a, len - i), next = i + al + 1, vl = 0;

		if (al > 7 && !memcmp(a, "--name=", 7)) {
			v = a + 7;
			vl = al - 7;
		} else if ((eq(a, al, "-n") || eq(a, al, "--name")) && next < len) {
			v = args + next;
			vl = strnlen(v, len - next);
		}
		if (v && !named)
			named = !pcg_meta_from_k8s_name(m, v, vl);
		if ((eq(a, al, "-c") || eq(a, al, "--cid")) && next < len)
			set_cid(m, args + next, strnlen(args + next, len - next));
		i = next;
	}
	return named ? 0 : -ENOENT;
}

int pcg_meta_from_pod_log_dir(struct pcg_meta *m, const char *name, size_t len)
{
	const char *p[3];
	size_t pl[3];

	if (len > 2 * PCG_META_NAME_MAX || split(name, len, '_', p, pl, 3) != 3 ||
	    !pcg_meta_uid_ok(p[2], pl[2]) || !pl[0] || !pl[1])
		return -ENOENT;
	set_uid(m, p[2], pl[2]);
	set_field(m, PCG_META_POD_NAMESPACE, p[0], pl[0]);
	set_field(m, PCG_META_POD_NAME, p[1], pl[1]);
	return 0;
}

int pcg_meta_from_container_log(struct pcg_meta *m, const char *name, size_t len)
{
	const char *p[3];
	size_t pl[3];

	/* <pod>_<ns>_<ctr>-<id>.log */
	if (len > 3 * PCG_META_NAME_MAX || split(name, len, '_', p, pl, 3) != 3 ||
	    pl[2] < 1 + 1 + 64 + 4 || memcmp(p[2] + pl[2] - 4, ".log", 4) ||
	    p[2][pl[2] - 4 - 64 - 1] != '-' || !pcg_meta_id_ok(p[2] + pl[2] - 4 - 64, 64) ||
	    !pl[0] || !pl[1])
		return -ENOENT;
	set_cid(m, p[2] + pl[2] - 4 - 64, 64);
	set_field(m, PCG_META_POD_NAME, p[0], pl[0]);
	set_field(m, PCG_META_POD_NAMESPACE, p[1], pl[1]);
	set_ctr(m, p[2], pl[2] - 4 - 64 - 1);
	return 0;
}

int pcg_meta_check(const struct pcg_meta *m, const char *pod_uid, const char *container_id)
{
	bool any = false;

	if (!m->pod_uid[0])
		return -ENOENT; /* a source that does not name the pod cannot be checked */
	if (strcmp(m->pod_uid, pod_uid))
		return -EXDEV;
	if (container_id[0] && m->container_id[0] && strcmp(m->container_id, container_id))
		return -EXDEV;
	for (int i = 0; i < PCG_META_NR; i++)
		any |= m->str[i][0] != 0;
	return any || (container_id[0] && m->ctype) ? 0 : -ENOENT;
}

bool pcg_meta_complete(const struct pcg_meta *m)
{
	return m->pod_uid[0] && m->str[PCG_META_POD_NAME][0] && m->str[PCG_META_POD_NAMESPACE][0] &&
	       m->ctype && (m->ctype == PCG_CTYPE_SANDBOX || m->str[PCG_META_CONTAINER_NAME][0]) &&
	       m->str[PCG_META_IMAGE][0] && m->str[PCG_META_SANDBOX_ID][0];
}

size_t pcg_meta_encode(const struct pcg_meta *m, const char *pod_uid, const char *container_id,
		       __u64 ts, void *buf, size_t size)
{
	const char *str[PCG_META_NR];
	size_t len[PCG_META_NR], n;
	union pcg_enc_buf b;

	if (!pcg_meta_uid_ok(pod_uid, strlen(pod_uid)) ||
	    (container_id[0] && !pcg_meta_id_ok(container_id, strlen(container_id))))
		return 0;
	for (int i = 0; i < PCG_META_NR; i++) {
		str[i] = m->str[i];
		len[i] = strnlen(m->str[i], PCG_META_IMAGE_MAX);
		if (!pcg_meta_str_ok(i, m->str[i], len[i]))
			len[i] = 0;
	}
	n = pcg_enc_meta(&b, ts, pod_uid, container_id,
			 m->ctype <= PCG_CTYPE_CONTAINER ? m->ctype : 0,
			 m->src < _PCG_META_SRC_MAX ? m->src : 0, m->trunc, str, len);
	if (n > size)
		return 0;
	memcpy(buf, &b, n);
	return n;
}
