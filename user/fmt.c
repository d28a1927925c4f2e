/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* fmt.c - output records -> text lines or JSON Lines (pure). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "correlate.h"
#include "decode.h"
#include "fmt.h"
#include "sbuf.h"

/* The JSON "ns" object's keys, the first with its brace. */
#define NS_KEY(i, name) \
	[i] = { i ? ",\"" name "\":" : "{\"" name "\":", sizeof("{\"" name "\":") - 1 }
static const struct {
	const char *s;
	size_t len;
} ns_keys[PCG_NS_COUNT] = {
	NS_KEY(PCG_NS_MNT, "mnt"),	 NS_KEY(PCG_NS_UTS, "uts"),   NS_KEY(PCG_NS_IPC, "ipc"),
	NS_KEY(PCG_NS_PID, "pid"),	 NS_KEY(PCG_NS_NET, "net"),   NS_KEY(PCG_NS_USER, "user"),
	NS_KEY(PCG_NS_CGROUP, "cgroup"), NS_KEY(PCG_NS_TIME, "time"),
};

static void split_ns(__s64 ns, __s64 *sec, long *frac)
{
	*sec = ns / 1000000000;
	*frac = ns % 1000000000;
	if (*frac < 0) {
		*frac += 1000000000;
		*sec -= 1;
	}
}

/* @n as exactly @w digits, zero-padded, at @d. */
static void put_digits(char *d, unsigned long n, int w)
{
	while (w--) {
		d[w] = '0' + n % 10;
		n /= 10;
	}
}

/* The last second formatted: its date and time stand for every record in that second. */
static __s64 memo_sec = -1; /* the tracer formats on one thread */
static char memo_buf[30];

/* @n < 10^9 as 9 digits at @d, two at a time. */
static void put_9digits(char *d, unsigned long n)
{
	static const char pairs[] = "00010203040506070809101112131415161718192021222324"
				    "25262728293031323334353637383940414243444546474849"
				    "50515253545556575859606162636465666768697071727374"
				    "75767778798081828384858687888990919293949596979899";

	for (int i = 7; i > 0; i -= 2) {
		unsigned r = n % 100;

		n /= 100;
		d[i] = pairs[2 * r];
		d[i + 1] = pairs[2 * r + 1];
	}
	d[0] = '0' + n;
}

void pcg_fmt_rfc3339(struct pcg_sbuf *sb, __s64 realtime_ns)
{
	struct tm tm;
	__s64 sec;
	long frac;
	time_t t;

	split_ns(realtime_ns, &sec, &frac);
	if (sec >= 0 && sec == memo_sec) { /* records come in bursts within a second */
		put_9digits(memo_buf + 20, frac);
		pcg_sbuf_add(sb, memo_buf, sizeof(memo_buf));
		return;
	}
	if (sec >= 0 && sec < 253402300800ll) { /* years 1970-9999: the civil date directly */
		/* days -> year, month, day (H. Hinnant's civil_from_days), no printf */
		__s64 z = sec / 86400 + 719468, r = sec % 86400;
		__s64 era = z / 146097, doe = z - era * 146097;
		__s64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
		__s64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
		unsigned day = doy - (153 * mp + 2) / 5 + 1, mon = mp < 10 ? mp + 3 : mp - 9;
		unsigned year = yoe + era * 400 + (mon <= 2);
		char b[30] = "0000-00-00T00:00:00.000000000Z";

		put_digits(b, year, 4);
		put_digits(b + 5, mon, 2);
		put_digits(b + 8, day, 2);
		put_digits(b + 11, r / 3600, 2);
		put_digits(b + 14, r / 60 % 60, 2);
		put_digits(b + 17, r % 60, 2);
		put_9digits(b + 20, frac);
		pcg_sbuf_add(sb, b, sizeof(b));
		memcpy(memo_buf, b, sizeof(b));
		memo_sec = sec;
		return;
	}
	t = (time_t)sec;
	if (!gmtime_r(&t, &tm)) {
		pcg_sbuf_adds(sb, "1970-01-01T00:00:00.000000000Z");
		return;
	}
	pcg_sbuf_addf(sb, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

/* Wall-clock time of a boot-time stamp; wraps instead of overflowing on hostile input. */
static __s64 wall_ns(const struct pcg_fmt_opts *opts, __u64 ts)
{
	return (__s64)(ts + (__u64)opts->boot_to_realtime_ns);
}

static bool is_process(enum pcg_out_kind k)
{
	return k == PCG_OUT_CONTAINER_START || k == PCG_OUT_CONTAINER_EXISTING ||
	       k == PCG_OUT_EXEC || k == PCG_OUT_EXIT;
}

static bool is_pod(enum pcg_out_kind k)
{
	return k == PCG_OUT_POD_CREATE || k == PCG_OUT_POD_REMOVE;
}

/* ,"k": for a literal key @k, in one copy of a constant length */
#define JSON_KEY_LIT(k) ",\"" k "\":"
#define json_key(sb, k) pcg_sbuf_add((sb), JSON_KEY_LIT(k), sizeof(JSON_KEY_LIT(k)) - 1)

static void json_str_or_null_(struct pcg_sbuf *sb, const char *key, size_t key_len, const char *v)
{
	pcg_sbuf_add(sb, key, key_len);
	if (v && v[0])
		pcg_sbuf_add_json_str(sb, v, strlen(v));
	else
		pcg_sbuf_add(sb, "null", 4);
}
#define json_str_or_null(sb, k, v) \
	json_str_or_null_((sb), JSON_KEY_LIT(k), sizeof(JSON_KEY_LIT(k)) - 1, (v))

/* A string from the traced system: "key":"..." and, when its bytes are not valid UTF-8 (which
 * the JSON string then shows with U+FFFD), "key_b64":"<the exact bytes, base64>". */
static void json_raw_str_(struct pcg_sbuf *sb, const char *k, const char *key, size_t key_len,
			  const char *v, size_t len)
{
	pcg_sbuf_add(sb, key, key_len);
	if (!pcg_sbuf_add_json_str(sb, v, len)) {
		pcg_sbuf_addf(sb, ",\"%s_b64\":\"", k);
		pcg_sbuf_add_base64(sb, v, len);
		pcg_sbuf_addc(sb, '"');
	}
}
#define json_raw_str(sb, k, v, len) \
	json_raw_str_((sb), k, JSON_KEY_LIT(k), sizeof(JSON_KEY_LIT(k)) - 1, (v), (len))

/* The JSON of an object's fields up to "cgroup_truncated", kept by object and stamp: a
 * container's create, start, exec, exit and remove lines repeat it. */
#define OBJ_MEMO_N     64
#define OBJ_MEMO_BYTES 1024
static struct obj_memo {
	const struct pcg_obj_info *o;
	__u64 stamp, pod_stamp;
	bool pod;
	unsigned len; /* 0: empty */
	char buf[OBJ_MEMO_BYTES];
} * obj_memo; /* allocated at the first use; the tracer formats on one thread */

static struct obj_memo *obj_memo_of(const struct pcg_obj_info *o)
{
	__u64 k = (__u64)(uintptr_t)o * 0x9e3779b97f4a7c15ull;

	if (!obj_memo && !(obj_memo = calloc(OBJ_MEMO_N, sizeof(*obj_memo))))
		return NULL;
	return &obj_memo[k >> 58 & (OBJ_MEMO_N - 1)];
}

static void json_obj(struct pcg_sbuf *sb, const struct pcg_out *out)
{
	const struct pcg_obj_info *o = out->obj;
	bool pod = is_pod(out->kind);
	__u64 pod_stamp = o && o->pod ? o->pod->stamp : 0;
	struct obj_memo *m = o && o->stamp ? obj_memo_of(o) : NULL; /* 0: not the correlator's */
	size_t start = sb->len;

	if (!o && !pod) { /* a process outside containers (--all): the same every time */
		static const char none[] =
			",\"pod_uid\":null,\"pod_name\":null,\"pod_namespace\":null,\"qos\":null,"
			"\"driver\":null,\"runtime\":null,\"container_id\":null,\"container_name\":null,"
			"\"container_type\":null,\"image\":null,\"sandbox_id\":null,\"cgroup\":null";

		pcg_sbuf_add(sb, none, sizeof(none) - 1);
		return;
	}
	if (m && m->len && m->o == o && m->stamp == o->stamp && m->pod_stamp == pod_stamp &&
	    m->pod == pod) {
		pcg_sbuf_add(sb, m->buf, m->len);
		goto rest;
	}
	json_str_or_null(sb, "pod_uid", o ? o->pod_uid : NULL);
	json_str_or_null(sb, "pod_name", pcg_obj_name(o, PCG_META_POD_NAME));
	json_str_or_null(sb, "pod_namespace", pcg_obj_name(o, PCG_META_POD_NAMESPACE));
	json_str_or_null(sb, "qos", o ? pcg_qos_name(o->qos) : NULL);
	json_str_or_null(sb, "driver", o ? pcg_driver_name(o->driver) : NULL);
	if (!pod) {
		json_str_or_null(sb, "runtime", o ? pcg_runtime_name(o->runtime) : NULL);
		json_str_or_null(sb, "container_id", o ? o->container_id : NULL);
		json_str_or_null(sb, "container_name", pcg_obj_name(o, PCG_META_CONTAINER_NAME));
		json_str_or_null(sb, "container_type",
				 !o				 ? NULL :
				 o->ctype == PCG_CTYPE_SANDBOX	 ? "sandbox" :
				 o->ctype == PCG_CTYPE_CONTAINER ? "container" :
								   NULL);
		json_str_or_null(sb, "image", pcg_obj_name(o, PCG_META_IMAGE));
		json_str_or_null(sb, "sandbox_id", pcg_obj_name(o, PCG_META_SANDBOX_ID));
	}
	if (o && o->cgroup && o->cgroup[0])
		json_raw_str(sb, "cgroup", o->cgroup, strlen(o->cgroup));
	else
		json_str_or_null(sb, "cgroup", NULL);
	if (!o)
		return;
	if (o->cgroup_truncated)
		pcg_sbuf_adds(sb, ",\"cgroup_truncated\":true");
	if (m && !sb->oom && sb->len - start <= sizeof(m->buf)) {
		m->o = o;
		m->stamp = o->stamp;
		m->pod_stamp = pod_stamp;
		m->pod = pod;
		m->len = sb->len - start;
		memcpy(m->buf, sb->buf + start, m->len);
	}
rest:
	if (o->reconciled)
		pcg_sbuf_adds(sb, ",\"reconciled\":true");
	json_key(sb, "cgroup_ids");
	pcg_sbuf_addc(sb, '{');
	for (unsigned i = 0; i < o->nr_ids; i++) {
		pcg_sbuf_adds(sb, i ? ",\"" : "\"");
		pcg_sbuf_addu(sb, o->ids[i].hier);
		pcg_sbuf_add(sb, "\":", 2);
		pcg_sbuf_addu(sb, o->ids[i].cgid);
	}
	pcg_sbuf_addc(sb, '}');
	if (out->kind == PCG_OUT_POD_CREATE || out->kind == PCG_OUT_CONTAINER_CREATE ||
	    out->kind == PCG_OUT_CONTAINER_EXISTING) {
		json_key(sb, "hierarchies");
		pcg_sbuf_addc(sb, '[');
		for (unsigned i = 0; i < o->nr_ids; i++) {
			if (i)
				pcg_sbuf_addc(sb, ',');
			pcg_sbuf_addu(sb, o->ids[i].hier);
		}
		pcg_sbuf_addc(sb, ']');
	}
}

/* The last namespace set formatted: most processes share their namespaces with the one before
 * (the host's, their container's), and this saves 8 numbers of 10 digits a line. */
static __u32 ns_memo_key[PCG_NS_COUNT];
static char ns_memo[PCG_NS_COUNT * 24];
static size_t ns_memo_len; /* 0: none */

static void json_ns(struct pcg_sbuf *sb, const __u32 ns[PCG_NS_COUNT])
{
	size_t start = sb->len;

	if (ns_memo_len && !memcmp(ns, ns_memo_key, sizeof(ns_memo_key))) {
		pcg_sbuf_add(sb, ns_memo, ns_memo_len);
		return;
	}
	for (int i = 0; i < PCG_NS_COUNT; i++) {
		pcg_sbuf_add(sb, ns_keys[i].s, ns_keys[i].len); /* {"mnt": ... ,"uts": */
		pcg_sbuf_addu(sb, ns[i]);
	}
	pcg_sbuf_addc(sb, '}');
	if (!sb->oom && sb->len - start <= sizeof(ns_memo)) {
		memcpy(ns_memo_key, ns, sizeof(ns_memo_key));
		ns_memo_len = sb->len - start;
		memcpy(ns_memo, sb->buf + start, ns_memo_len);
	}
}

static void json_task(struct pcg_sbuf *sb, const struct pcg_task *t)
{
	json_key(sb, "pid");
	pcg_sbuf_addu(sb, t->tgid);
	json_key(sb, "nspid");
	pcg_sbuf_addu(sb, t->nspid);
	json_key(sb, "ppid");
	pcg_sbuf_addu(sb, t->ppid);
	json_key(sb, "uid");
	pcg_sbuf_addu(sb, t->uid);
	json_raw_str(sb, "comm", t->comm, sizeof(t->comm));
	json_key(sb, "ns");
	json_ns(sb, t->ns);
}

static void json_cmdline(struct pcg_sbuf *sb, const char *args, size_t len)
{
	pcg_sbuf_addc(sb, '[');
	for (size_t off = 0; off < len;) {
		size_t n = strnlen(args + off, len - off);

		if (off)
			pcg_sbuf_addc(sb, ',');
		pcg_sbuf_add_json_str(sb, args + off, n);
		off += n + 1;
	}
	pcg_sbuf_addc(sb, ']');
}

/* "processes" of a container_existing: one object per process, by pid. */
static void json_procs(struct pcg_sbuf *sb, const struct pcg_out *out)
{
	json_key(sb, "processes");
	pcg_sbuf_addc(sb, '[');
	for (size_t i = 0; i < out->nr_procs && i < PCG_FMT_MAX_PIDS; i++) {
		const struct pcg_out_proc *p = &out->procs[i];
		size_t start;

		if (i)
			pcg_sbuf_addc(sb, ',');
		start = sb->len;
		json_task(sb, p->task); /* ",\"pid\":..." : its comma opens the object */
		if (sb->len > start)
			sb->buf[start] = '{';
		json_key(sb, "cmdline");
		if (p->cmdline)
			json_cmdline(sb, p->cmdline, p->cmdline_len);
		else
			pcg_sbuf_adds(sb, "null");
		pcg_sbuf_addf(sb, ",\"cmdline_truncated\":%s}", p->cmdline_cut ? "true" : "false");
	}
	pcg_sbuf_addc(sb, ']');
}

static void fmt_json(struct pcg_sbuf *sb, const struct pcg_fmt_opts *opts,
		     const struct pcg_out *out)
{
	pcg_sbuf_adds(sb, "{\"schema\":");
	pcg_sbuf_addu(sb, PCG_JSON_SCHEMA);
	pcg_sbuf_adds(sb, ",\"ts\":\"");
	pcg_fmt_rfc3339(sb, wall_ns(opts, out->ts));
	pcg_sbuf_adds(sb, "\",\"event\":\"");
	pcg_sbuf_adds(sb, pcg_out_name(out->kind));
	pcg_sbuf_addc(sb, '"');
	if (opts->node) {
		json_key(sb, "node");
		pcg_sbuf_add_json_str(sb, opts->node, strlen(opts->node));
	}

	if (out->kind == PCG_OUT_LOST) {
		__u64 total = 0;
		bool first = true;

		json_key(sb, "counts");
		pcg_sbuf_addc(sb, '{');
		for (int i = 0; i < PCG_LOST_SLOTS; i++) {
			if (!out->lost[i])
				continue;
			pcg_sbuf_addf(sb, "%s\"%s\":%llu", first ? "" : ",", pcg_ev_name(i),
				      (unsigned long long)out->lost[i]);
			total = total + out->lost[i] < total ? ~0ull : total + out->lost[i];
			first = false;
		}
		pcg_sbuf_addf(sb, "},\"total\":%llu}\n", (unsigned long long)total);
		return;
	}
	json_obj(sb, out);
	if (is_process(out->kind) && out->task)
		json_task(sb, out->task);
	if (out->kind == PCG_OUT_EXEC || out->kind == PCG_OUT_CONTAINER_START) {
		json_raw_str(sb, "filename", out->filename ? out->filename : "",
			     out->filename ? out->filename_len : 0);
		if (out->filename_truncated)
			pcg_sbuf_adds(sb, ",\"filename_truncated\":true");
	}
	if (out->kind == PCG_OUT_EXIT) {
		pcg_sbuf_adds(sb, ",\"exit_code\":");
		pcg_sbuf_addu(sb, (out->exit_status >> 8) & 0xff);
		pcg_sbuf_adds(sb, ",\"signal\":");
		pcg_sbuf_addu(sb, out->exit_status & 0x7f);
		pcg_sbuf_adds(sb, out->exit_status & 0x80 ? ",\"core_dumped\":true" :
							    ",\"core_dumped\":false");
	}
	if (out->kind == PCG_OUT_CONTAINER_EXISTING) {
		size_t n = out->nr_pids < PCG_FMT_MAX_PIDS ? out->nr_pids : PCG_FMT_MAX_PIDS;

		json_key(sb, "pids");
		pcg_sbuf_addc(sb, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				pcg_sbuf_addc(sb, ',');
			pcg_sbuf_addu(sb, out->pids[i]);
		}
		pcg_sbuf_addc(sb, ']');
		if (n < out->nr_pids)
			pcg_sbuf_addf(sb, ",\"pids_truncated\":true,\"pids_total\":%zu",
				      out->nr_pids);
		if (out->procs) /* from the correlator: a list, empty or not */
			json_procs(sb, out);
	}
	pcg_sbuf_adds(sb, "}\n");
}

void pcg_fmt_header(struct pcg_sbuf *sb, const struct pcg_fmt_opts *opts)
{
	if (opts->json)
		return;
	if (opts->node_column)
		pcg_sbuf_addf(sb, "%-16s ", "NODE");
	pcg_sbuf_addf(sb, "%-15s %-18s %-8s %-12s %-7s %s\n", "TIME(UTC)", "EVENT", "POD",
		      "CONTAINER", "PID", "DETAILS");
}

static void text_field(struct pcg_sbuf *sb, const char *key, const char *val, size_t len)
{
	pcg_sbuf_addf(sb, " %s=", key);
	pcg_sbuf_add_safe(sb, val, len);
}

/* A column of at least @width characters, escaped, and the blank after it. */
static void text_col(struct pcg_sbuf *sb, const char *a, const char *sep, const char *b,
		     size_t width)
{
	size_t start = sb->len;

	pcg_sbuf_add_safe(sb, a, strlen(a));
	if (sep) {
		pcg_sbuf_adds(sb, sep);
		pcg_sbuf_add_safe(sb, b, strlen(b));
	}
	while (sb->len - start < width && !sb->oom)
		pcg_sbuf_addc(sb, ' ');
	pcg_sbuf_addc(sb, ' ');
}

static void fmt_text(struct pcg_sbuf *sb, const struct pcg_fmt_opts *opts,
		     const struct pcg_out *out)
{
	const struct pcg_obj_info *o = out->obj;
	const struct pcg_task *t = out->task;
	const char *pod_name, *pod_ns, *ctr_name, *image;
	__s64 sec;
	long frac;
	char pid[16] = "-";

	if (opts->node_column) {
		const char *node = opts->node ? opts->node : "-";
		size_t start = sb->len;

		pcg_sbuf_add_safe(sb, node, strlen(node));
		do
			pcg_sbuf_addc(sb, ' ');
		while (sb->len - start < 17);
	}
	split_ns(wall_ns(opts, out->ts), &sec, &frac);
	sec %= 86400;
	if (sec < 0)
		sec += 86400;
	pcg_sbuf_addf(sb, "%02d:%02d:%02d.%06ld %-18s ", (int)(sec / 3600), (int)(sec / 60 % 60),
		      (int)(sec % 60), frac / 1000, pcg_out_name(out->kind));
	if (out->kind == PCG_OUT_LOST) {
		pcg_sbuf_adds(sb, "-        -            -       lost events:");
		for (int i = 0; i < PCG_LOST_SLOTS; i++)
			if (out->lost[i])
				pcg_sbuf_addf(sb, " %s=%llu", pcg_ev_name(i),
					      (unsigned long long)out->lost[i]);
		pcg_sbuf_addc(sb, '\n');
		return;
	}
	if (t)
		snprintf(pid, sizeof(pid), "%u", t->tgid);
	pod_name = pcg_obj_name(o, PCG_META_POD_NAME);
	pod_ns = pcg_obj_name(o, PCG_META_POD_NAMESPACE);
	ctr_name = pcg_obj_name(o, PCG_META_CONTAINER_NAME);
	if (pod_name && pod_ns) /* namespace/pod and the container's name once known */
		text_col(sb, pod_ns, "/", pod_name, 8);
	else
		pcg_sbuf_addf(sb, "%-8.8s ", o && o->pod_uid[0] ? o->pod_uid : "-");
	if (ctr_name && o->container_id[0])
		text_col(sb, ctr_name, NULL, NULL, 12);
	else
		pcg_sbuf_addf(sb, "%-12.12s ", o && o->container_id[0] ? o->container_id : "-");
	pcg_sbuf_addf(sb, "%-7s", pid);
	if (o) {
		if (o->qos)
			pcg_sbuf_addf(sb, " %s", pcg_qos_name(o->qos));
		if (o->container_id[0])
			pcg_sbuf_addf(sb, " %s", pcg_runtime_name(o->runtime) ?: "runtime?");
	}
	if (t) {
		text_field(sb, "comm", t->comm, sizeof(t->comm));
		pcg_sbuf_addf(sb, " nspid=%u ppid=%u uid=%u", t->nspid, t->ppid, t->uid);
	}
	if (out->filename)
		text_field(sb, "file", out->filename, out->filename_len);
	if (out->filename && out->filename_truncated)
		pcg_sbuf_adds(sb, " file_truncated=1");
	if (out->kind == PCG_OUT_EXIT) {
		if (out->exit_status & 0x7f)
			pcg_sbuf_addf(sb, " signal=%u%s", out->exit_status & 0x7f,
				      out->exit_status & 0x80 ? " (core dumped)" : "");
		else
			pcg_sbuf_addf(sb, " code=%u", (out->exit_status >> 8) & 0xff);
	}
	if (t && out->kind != PCG_OUT_EXIT)
		pcg_sbuf_addf(sb,
			      " ns=mnt:%u,pid:%u,net:%u,ipc:%u,uts:%u,user:%u,cgroup:%u,time:%u",
			      t->ns[PCG_NS_MNT], t->ns[PCG_NS_PID], t->ns[PCG_NS_NET],
			      t->ns[PCG_NS_IPC], t->ns[PCG_NS_UTS], t->ns[PCG_NS_USER],
			      t->ns[PCG_NS_CGROUP], t->ns[PCG_NS_TIME]);
	if (out->kind == PCG_OUT_CONTAINER_EXISTING) {
		size_t n = out->nr_pids < PCG_FMT_MAX_PIDS ? out->nr_pids : PCG_FMT_MAX_PIDS;

		pcg_sbuf_adds(sb, " pids=");
		for (size_t i = 0; i < n; i++)
			pcg_sbuf_addf(sb, "%s%u", i ? "," : "", out->pids[i]);
		if (n < out->nr_pids)
			pcg_sbuf_addf(sb, ",... pids_total=%zu", out->nr_pids);
	}
	if (o && (out->kind == PCG_OUT_POD_CREATE || out->kind == PCG_OUT_CONTAINER_CREATE ||
		  out->kind == PCG_OUT_CONTAINER_EXISTING)) {
		if (o->container_id[0])
			pcg_sbuf_addf(sb, " id=%s", o->container_id);
		else if (o->pod_uid[0])
			pcg_sbuf_addf(sb, " uid=%s", o->pod_uid);
		if (o->container_id[0] && o->ctype)
			pcg_sbuf_adds(sb, o->ctype == PCG_CTYPE_SANDBOX ? " type=sandbox" :
									  " type=container");
		image = pcg_obj_name(o, PCG_META_IMAGE);
		if (image && o->container_id[0])
			text_field(sb, "image", image, strlen(image));
		text_field(sb, "cgroup", o->cgroup, strlen(o->cgroup));
	}
	if (o && o->cgroup_truncated &&
	    (out->kind == PCG_OUT_POD_CREATE || out->kind == PCG_OUT_CONTAINER_CREATE ||
	     out->kind == PCG_OUT_CONTAINER_EXISTING))
		pcg_sbuf_adds(sb, " cgroup_truncated=1");
	if (o && o->reconciled)
		pcg_sbuf_adds(sb, " reconciled=1");
	pcg_sbuf_addc(sb, '\n');
}

void pcg_fmt_record(struct pcg_sbuf *sb, const struct pcg_fmt_opts *opts, const struct pcg_out *out)
{
	if (opts->snapshot && !opts->json && out->kind == PCG_OUT_CONTAINER_EXISTING)
		pcg_fmt_snapshot_container(sb, opts, out);
	else if (opts->json)
		fmt_json(sb, opts, out);
	else
		fmt_text(sb, opts, out);
}
