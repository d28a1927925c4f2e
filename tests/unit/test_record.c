/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_record.c - unit tests of the recording codec: round trips, damage, hostile lengths. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <linux/types.h>

#include "pcg_abi.h"
#include "record.h"
#include "test.h"

#define MAX_WRITES 4096
#define MAX_DMG	   16
#define EV_BUF_MAX 65536

/* ---- a memory sink for the writer ------------------------------------------------------- */

struct sink {
	unsigned char *p;
	size_t len, cap;
	long fail_at; /* fail a write that would go past this many bytes; -1 = never */
	int fail_err;
	size_t nr_writes;
	size_t offs[MAX_WRITES]; /* start offset of each write: [0] header, then one per block */
};

static void sink_init(struct sink *s)
{
	memset(s, 0, sizeof(*s));
	s->fail_at = -1;
}

static void buf_put(unsigned char **p, size_t *len, size_t *cap, const void *buf, size_t n)
{
	if (*len + n > *cap) {
		*cap = (*len + n) * 2;
		*p = realloc(*p, *cap);
		if (!*p)
			abort();
	}
	memcpy(*p + *len, buf, n);
	*len += n;
}

static int sink_write(void *ctx, const void *buf, size_t len)
{
	struct sink *s = ctx;

	if (s->fail_at >= 0 && s->len + len > (size_t)s->fail_at)
		return s->fail_err;
	if (s->nr_writes < MAX_WRITES)
		s->offs[s->nr_writes] = s->len;
	s->nr_writes++;
	buf_put(&s->p, &s->len, &s->cap, buf, len);
	return 0;
}

/* ---- synthetic events ------------------------------------------------------------------- */

static __u32 prng(__u32 *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

/* Fills a raw event of the given size: a valid pcg_ev_hdr, then a payload that is
 * compressible or random. */
static void make_event(unsigned char *buf, __u16 type, size_t size, __u64 ts, __u32 seed,
		       bool random)
{
	struct pcg_ev_hdr h = { .type = type, .size = size, .cpu = seed % 8, .ts = ts };

	memcpy(buf, &h, sizeof(h));
	for (size_t i = sizeof(h); i < size; i++)
		buf[i] = random ? prng(&seed) : (unsigned char)("abcabcabd"[i % 9] + seed % 3);
}

/* A list of events kept concatenated, as the reader delivers them. */
struct evlist {
	unsigned char *p;
	size_t len, cap, nr;
};

static void evlist_add(struct evlist *l, const void *ev, size_t len)
{
	buf_put(&l->p, &l->len, &l->cap, ev, len);
	l->nr++;
}

static void evlist_free(struct evlist *l)
{
	free(l->p);
	memset(l, 0, sizeof(*l));
}

static void fill_header(struct pcg_rec_header *h)
{
	memset(h, 0, sizeof(*h));
	h->abi_version = PCG_ABI_VERSION;
	strcpy(h->tool_version, "0.1.0-test");
	strcpy(h->hostname, "node-7.example");
	strcpy(h->node, "worker-7");
	strcpy(h->kernel_release, "6.18.0-1-amd64");
	strcpy(h->boot_id, "0b1c8a3e-5d9f-4f6b-a3b6-1d2e3f405162");
	h->boot_to_realtime_ns = 1764230400123456789ll;
	h->cgroup_mode = 3;
	h->key_v1_hier = 5;
	h->traced_hier_mask = (1ull << 0) | (1ull << 5);
	h->nsfs_dev = 4;
	h->flags = PCG_REC_F_ALL;
	h->nr_hier = 3;
	h->hier[0].id = 0;
	h->hier[1].id = 5;
	strcpy(h->hier[1].controllers, "memory");
	h->hier[2].id = 1;
	strcpy(h->hier[2].controllers, "name=systemd");
}

/* Writes a recording: snapshot of nr_snap events, then nr events of varied sizes. */
struct rec {
	struct sink s;
	struct evlist snap, evs;
	size_t hdr_end; /* bytes of the file header */
};

static const size_t sizes[] = { 16, 24, 40, 112, 129, 200, 1041, 17, 64, 300 };

static void make_recording(struct rec *rec, size_t nr_snap, size_t nr, size_t block_size, int level,
			   bool random, bool finish)
{
	unsigned char ev[EV_BUF_MAX];
	struct pcg_rec_writer_opts opts = { .block_size = block_size, .level = level };
	struct pcg_rec_header h;
	struct pcg_rec_writer *w;
	__u32 seed = 42;

	memset(rec, 0, sizeof(*rec));
	sink_init(&rec->s);
	for (size_t i = 0; i < nr_snap; i++) {
		size_t sz = sizes[i % 10];

		make_event(ev, i % 2 ? PCG_EV_EXISTING_TASK : PCG_EV_EXISTING_CGROUP, sz, 1000 + i,
			   i, random);
		evlist_add(&rec->snap, ev, sz);
	}
	fill_header(&h);
	h.snapshot = rec->snap.p;
	h.snapshot_len = rec->snap.len;
	w = pcg_rec_writer__new(&h, sink_write, &rec->s, &opts);
	if (!w)
		abort();
	rec->hdr_end = rec->s.len;
	for (size_t i = 0; i < nr; i++) {
		size_t sz = sizes[prng(&seed) % 10];

		if (i % 997 == 500)
			sz = 65535; /* the largest record there can be */
		make_event(ev, 1 + i % 9, sz, 2000 + i * 10, i, random);
		if (pcg_rec_writer__append(w, ev, sz))
			abort();
		evlist_add(&rec->evs, ev, sz);
	}
	if (finish) {
		if (pcg_rec_writer__finish(w))
			abort();
	} else {
		/* a file cut after its last block: __free() cannot add the trailer */
		pcg_rec_writer__flush(w);
		rec->s.fail_at = rec->s.len;
	}
	pcg_rec_writer__free(w);
}

static void rec_free(struct rec *rec)
{
	free(rec->s.p);
	evlist_free(&rec->snap);
	evlist_free(&rec->evs);
}

/* Events in block k of a recording (k counts blocks; the trailer is the last write). */
static __u32 rec_block_nr(const struct rec *rec, size_t k)
{
	const unsigned char *b = rec->s.p + rec->s.offs[k + 1];

	return b[12] | b[13] << 8 | b[14] << 16 | (__u32)b[15] << 24;
}

static size_t rec_nr_blocks(const struct rec *rec)
{
	return rec->s.nr_writes - 2; /* minus the header and the trailer */
}

/* ---- a collecting reader ---------------------------------------------------------------- */

struct got {
	struct evlist evs;
	int misaligned, invalid;
	int headers, trailers;
	struct pcg_rec_header h;
	struct evlist snap;
	struct pcg_rec_trailer t;
	int damage;
	__u64 dmg_off[MAX_DMG], dmg_skip[MAX_DMG];
	char dmg_what[MAX_DMG][240];
	long stop_at; /* event callback fails at this event; -1 = never */
};

static void got_init(struct got *g)
{
	memset(g, 0, sizeof(*g));
	g->stop_at = -1;
}

static void got_free(struct got *g)
{
	evlist_free(&g->evs);
	evlist_free(&g->snap);
}

static int got_header(void *ctx, const struct pcg_rec_header *h)
{
	struct got *g = ctx;

	g->headers++;
	g->h = *h;
	if (h->snapshot_len)
		buf_put(&g->snap.p, &g->snap.len, &g->snap.cap, h->snapshot, h->snapshot_len);
	g->h.snapshot = NULL;
	return 0;
}

static int got_event(void *ctx, const void *ev, size_t len)
{
	struct got *g = ctx;
	struct pcg_ev_hdr h;

	if ((long)g->evs.nr == g->stop_at)
		return -ECANCELED;
	if ((uintptr_t)ev & 7)
		g->misaligned++;
	memcpy(&h, ev, sizeof(h));
	if (len < sizeof(h) || h.size != len)
		g->invalid++;
	evlist_add(&g->evs, ev, len);
	return 0;
}

static void got_damage(void *ctx, __u64 off, __u64 skipped, const char *what)
{
	struct got *g = ctx;

	if (g->damage < MAX_DMG) {
		g->dmg_off[g->damage] = off;
		g->dmg_skip[g->damage] = skipped;
		snprintf(g->dmg_what[g->damage], sizeof(g->dmg_what[0]), "%s", what);
	}
	g->damage++;
}

static int got_trailer(void *ctx, const struct pcg_rec_trailer *t)
{
	struct got *g = ctx;

	g->trailers++;
	g->t = *t;
	return 0;
}

static const struct pcg_rec_reader_cbs got_cbs = {
	.header = got_header,
	.event = got_event,
	.damage = got_damage,
	.trailer = got_trailer,
};

/* chunk: bytes per feed; 0 = all at once; CHUNK_RANDOM = 1..4999 pseudo-randomly. */
#define CHUNK_RANDOM ((size_t)-1)

static int read_mem(const void *data, size_t len, size_t chunk, size_t max_mem, struct got *g,
		    struct pcg_rec_stats *st)
{
	struct pcg_rec_reader *r = pcg_rec_reader__new(&got_cbs, g, max_mem);
	const unsigned char *p = data;
	size_t off = 0, n;
	__u32 seed = len;
	int ret = 0, fin;

	if (!r)
		abort();
	while (off < len) {
		n = chunk == CHUNK_RANDOM ? 1 + prng(&seed) % 4999 : chunk ? chunk : len;
		n = n < len - off ? n : len - off;
		ret = pcg_rec_reader__feed(r, p + off, n);
		if (ret)
			break;
		off += n;
	}
	fin = pcg_rec_reader__finish(r);
	if (st)
		pcg_rec_reader__stats(r, st);
	pcg_rec_reader__free(r);
	return ret < 0 ? ret : fin;
}

/* Is got's event stream the original with whole blocks left out, in order? */
static bool is_block_subsequence(const struct rec *rec, const struct evlist *got)
{
	size_t go = 0, oo = 0, gi = 0, k;

	for (k = 0; k < rec_nr_blocks(rec) && gi < got->nr; k++) {
		__u32 nr = rec_block_nr(rec, k), i;
		size_t blen = 0, o = oo;

		for (i = 0; i < nr; i++) {
			__u16 sz;

			memcpy(&sz, rec->evs.p + o + 2, 2);
			o += sz;
		}
		blen = o - oo;
		if (go + blen <= got->len && !memcmp(got->p + go, rec->evs.p + oo, blen)) {
			go += blen;
			gi += nr;
		}
		oo = o;
	}
	return gi == got->nr && go == got->len;
}

/* ---- round trips ------------------------------------------------------------------------ */

static void check_round_trip(size_t block_size, int level, bool random, size_t chunk)
{
	struct pcg_rec_stats st;
	struct pcg_rec_header want;
	struct rec rec;
	struct got g;
	int ret;

	make_recording(&rec, 50, 3000, block_size, level, random, true);
	got_init(&g);
	ret = read_mem(rec.s.p, rec.s.len, chunk, 0, &g, &st);
	fill_header(&want);
	if (!ASSERT_OK(ret, "read"))
		goto out;
	ASSERT_EQ(g.headers, 1, "header callbacks");
	ASSERT_EQ(g.h.major, PCG_REC_MAJOR, "major");
	ASSERT_EQ(g.h.minor, PCG_REC_MINOR, "minor");
	ASSERT_EQ(g.h.abi_version, PCG_ABI_VERSION, "abi_version");
	ASSERT_STREQ(g.h.tool_version, want.tool_version, "tool_version");
	ASSERT_STREQ(g.h.hostname, want.hostname, "hostname");
	ASSERT_STREQ(g.h.node, want.node, "node");
	ASSERT_STREQ(g.h.kernel_release, want.kernel_release, "kernel_release");
	ASSERT_STREQ(g.h.boot_id, want.boot_id, "boot_id");
	ASSERT_EQ(g.h.boot_to_realtime_ns, want.boot_to_realtime_ns, "boot_to_realtime_ns");
	ASSERT_EQ(g.h.cgroup_mode, 3, "cgroup_mode");
	ASSERT_EQ(g.h.key_v1_hier, 5, "key_v1_hier");
	ASSERT_EQ(g.h.traced_hier_mask, want.traced_hier_mask, "traced_hier_mask");
	ASSERT_EQ(g.h.nsfs_dev, 4, "nsfs_dev");
	ASSERT_EQ(g.h.flags, PCG_REC_F_ALL, "flags");
	ASSERT_EQ(g.h.nr_hier, 3, "nr_hier");
	ASSERT_EQ(g.h.hier[1].id, 5, "hier[1].id");
	ASSERT_STREQ(g.h.hier[1].controllers, "memory", "hier[1]");
	ASSERT_STREQ(g.h.hier[2].controllers, "name=systemd", "hier[2]");
	ASSERT_STREQ(g.h.hier[0].controllers, "", "hier[0]");
	ASSERT_EQ(g.snap.len, rec.snap.len, "snapshot_len");
	ASSERT_TRUE(g.snap.len == rec.snap.len && !memcmp(g.snap.p, rec.snap.p, g.snap.len),
		    "snapshot bytes");
	ASSERT_EQ(g.evs.nr, rec.evs.nr, "events");
	ASSERT_TRUE(g.evs.len == rec.evs.len && !memcmp(g.evs.p, rec.evs.p, g.evs.len),
		    "event bytes");
	ASSERT_EQ(g.misaligned, 0, "misaligned events");
	ASSERT_EQ(g.invalid, 0, "invalid events");
	ASSERT_EQ(g.damage, 0, "damage reports");
	ASSERT_EQ(g.trailers, 1, "trailer callbacks");
	ASSERT_EQ(g.t.events, rec.evs.nr, "trailer events");
	ASSERT_EQ(g.t.raw_bytes, rec.evs.len, "trailer raw_bytes");
	ASSERT_EQ(g.t.blocks, rec_nr_blocks(&rec), "trailer blocks");
	ASSERT_EQ(g.t.first_ts, 2000, "trailer first_ts");
	ASSERT_EQ(g.t.last_ts, 2000 + (rec.evs.nr - 1) * 10, "trailer last_ts");
	ASSERT_EQ(st.blocks, rec_nr_blocks(&rec), "stats blocks");
	ASSERT_EQ(st.events, rec.evs.nr, "stats events");
	ASSERT_EQ(st.bad_blocks, 0, "stats bad_blocks");
	ASSERT_EQ(st.bytes_skipped, 0, "stats bytes_skipped");
	ASSERT_EQ(st.bytes_in, rec.s.len, "stats bytes_in");
	ASSERT_EQ(st.flags, PCG_REC_S_HEADER | PCG_REC_S_TRAILER, "stats flags");
out:
	got_free(&g);
	rec_free(&rec);
}

PCG_TEST(record_round_trip)
{
	check_round_trip(0, 0, false, 0);
	check_round_trip(4096, 1, false, 1);
	check_round_trip(1000, 9, false, CHUNK_RANDOM);
	check_round_trip(100, 0, false, 4096); /* a block per event or two */
	check_round_trip(1 << 20, 0, false, 65536);
}

PCG_TEST(record_round_trip_incompressible)
{
	/* random payloads do not deflate: blocks and the snapshot are stored */
	check_round_trip(0, 0, true, 0);
	check_round_trip(3000, 6, true, CHUNK_RANDOM);
}

PCG_TEST(record_block_size_respected)
{
	struct rec rec;

	make_recording(&rec, 0, 2000, 4096, 0, false, true);
	for (size_t k = 0; k < rec_nr_blocks(&rec); k++) {
		const unsigned char *b = rec.s.p + rec.s.offs[k + 1];
		__u32 raw = b[16] | b[17] << 8 | b[18] << 16 | (__u32)b[19] << 24;

		/* a block holds at most block_size raw bytes, or one record bigger than that */
		if (!ASSERT_TRUE(raw <= 4096 || rec_block_nr(&rec, k) == 1, "block raw size"))
			break;
	}
	ASSERT_TRUE(rec_nr_blocks(&rec) > 50, "many blocks");
	rec_free(&rec);
}

PCG_TEST(record_big_snapshot)
{
	struct pcg_rec_header h;
	struct pcg_rec_writer *w;
	struct evlist snap = {};
	unsigned char ev[512];
	struct sink s;
	struct got g;
	int ret;

	for (int i = 0; i < 20000; i++) { /* ~2.2 MB of existing_task records */
		make_event(ev, PCG_EV_EXISTING_TASK, 112, i, i, false);
		evlist_add(&snap, ev, 112);
	}
	sink_init(&s);
	fill_header(&h);
	h.snapshot = snap.p;
	h.snapshot_len = snap.len;
	w = pcg_rec_writer__new(&h, sink_write, &s, NULL);
	ASSERT_TRUE(w != NULL, "writer");
	pcg_rec_writer__free(w);
	ASSERT_TRUE(s.len < snap.len / 4, "snapshot compressed");
	got_init(&g);
	ret = read_mem(s.p, s.len, 65536, 0, &g, NULL);
	ASSERT_OK(ret, "read");
	ASSERT_TRUE(g.snap.len == snap.len && !memcmp(g.snap.p, snap.p, snap.len), "snapshot");
	ASSERT_EQ(g.damage, 0, "damage");
	got_free(&g);
	free(s.p);
	evlist_free(&snap);
}

PCG_TEST(record_empty_recording)
{
	struct pcg_rec_header h;
	struct pcg_rec_writer *w;
	struct pcg_rec_stats st;
	struct sink s;
	struct got g;

	sink_init(&s);
	fill_header(&h);
	w = pcg_rec_writer__new(&h, sink_write, &s, NULL);
	ASSERT_OK(pcg_rec_writer__flush(w), "flush of nothing");
	ASSERT_EQ(s.nr_writes, 1, "flush of nothing writes nothing");
	ASSERT_OK(pcg_rec_writer__finish(w), "finish");
	ASSERT_EQ(pcg_rec_writer__finish(w), -EINVAL, "finish twice");
	ASSERT_EQ(pcg_rec_writer__bytes(w), s.len, "bytes");
	pcg_rec_writer__free(w);
	got_init(&g);
	ASSERT_OK(read_mem(s.p, s.len, 0, 0, &g, &st), "read");
	ASSERT_EQ(g.headers, 1, "header");
	ASSERT_EQ(g.snap.len, 0, "no snapshot");
	ASSERT_EQ(g.evs.nr, 0, "no events");
	ASSERT_EQ(g.trailers, 1, "trailer");
	ASSERT_EQ(g.damage, 0, "no damage");
	got_free(&g);
	free(s.p);
}

/* ---- the writer's contract -------------------------------------------------------------- */

PCG_TEST(record_writer_rejects)
{
	unsigned char ev[64];
	struct pcg_rec_writer_opts opts = {};
	struct pcg_rec_header h;
	struct pcg_rec_writer *w;
	struct sink s;
	size_t before;

	sink_init(&s);
	fill_header(&h);
	memset(h.hostname, 'x', sizeof(h.hostname));
	errno = 0;
	ASSERT_TRUE(!pcg_rec_writer__new(&h, sink_write, &s, NULL) && errno == EINVAL,
		    "unterminated string");
	fill_header(&h);
	h.nr_hier = PCG_REC_MAX_HIER + 1;
	ASSERT_TRUE(!pcg_rec_writer__new(&h, sink_write, &s, NULL) && errno == EINVAL,
		    "too many hierarchies");
	fill_header(&h);
	make_event(ev, 1, 40, 0, 0, false);
	h.snapshot = ev;
	h.snapshot_len = 39; /* a record cut short */
	ASSERT_TRUE(!pcg_rec_writer__new(&h, sink_write, &s, NULL) && errno == EINVAL,
		    "malformed snapshot");
	h.snapshot_len = PCG_REC_SNAPSHOT_MAX + 1;
	ASSERT_TRUE(!pcg_rec_writer__new(&h, sink_write, &s, NULL) && errno == E2BIG,
		    "snapshot too big");
	fill_header(&h);
	opts.block_size = PCG_REC_BLOCK_RAW_MAX + 1;
	ASSERT_TRUE(!pcg_rec_writer__new(&h, sink_write, &s, &opts) && errno == EINVAL,
		    "block size");
	opts.block_size = 0;
	opts.level = 10;
	ASSERT_TRUE(!pcg_rec_writer__new(&h, sink_write, &s, &opts) && errno == EINVAL, "level");
	ASSERT_TRUE(!pcg_rec_writer__new(NULL, sink_write, &s, NULL) && errno == EINVAL, "no hdr");
	ASSERT_TRUE(!pcg_rec_writer__new(&h, NULL, &s, NULL) && errno == EINVAL, "no callback");
	ASSERT_EQ(s.len, 0, "nothing written");

	w = pcg_rec_writer__new(&h, sink_write, &s, NULL);
	if (!ASSERT_TRUE(w != NULL, "writer"))
		return;
	before = s.len;
	make_event(ev, 1, 40, 0, 0, false);
	ASSERT_EQ(pcg_rec_writer__append(w, ev, 15), -EINVAL, "shorter than a header");
	ASSERT_EQ(pcg_rec_writer__append(w, ev, 41), -EINVAL, "len != hdr.size");
	ASSERT_EQ(pcg_rec_writer__append(w, NULL, 40), -EINVAL, "NULL event");
	ASSERT_OK(pcg_rec_writer__append(w, ev + 0, 40), "valid event");
	ASSERT_OK(pcg_rec_writer__flush(w), "flush");
	ASSERT_TRUE(s.len > before, "flush wrote a block");
	ASSERT_EQ(pcg_rec_writer__bytes(w), s.len, "bytes");
	pcg_rec_writer__free(w);
	pcg_rec_writer__free(NULL);
	free(s.p);
}

PCG_TEST(record_writer_unaligned_event)
{
	unsigned char buf[200], ev[100];
	struct pcg_rec_header h;
	struct pcg_rec_writer *w;
	struct sink s;
	struct got g;

	sink_init(&s);
	fill_header(&h);
	w = pcg_rec_writer__new(&h, sink_write, &s, NULL);
	make_event(ev, 3, 100, 7, 1, false);
	memcpy(buf + 3, ev, 100);
	ASSERT_OK(pcg_rec_writer__append(w, buf + 3, 100), "unaligned append");
	pcg_rec_writer__free(w);
	got_init(&g);
	ASSERT_OK(read_mem(s.p, s.len, 0, 0, &g, NULL), "read");
	ASSERT_TRUE(g.evs.nr == 1 && !memcmp(g.evs.p, ev, 100), "event");
	got_free(&g);
	free(s.p);
}

PCG_TEST(record_writer_write_error)
{
	unsigned char ev[200];
	struct pcg_rec_header h;
	struct pcg_rec_writer_opts opts = { .block_size = 1000 };
	struct pcg_rec_writer *w;
	struct sink s;
	int err = 0, i;

	sink_init(&s);
	fill_header(&h);
	w = pcg_rec_writer__new(&h, sink_write, &s, &opts);
	s.fail_at = s.len + 2000;
	s.fail_err = -ENOSPC;
	for (i = 0; i < 10000 && !err; i++) {
		make_event(ev, 4, 200, i, i, true);
		err = pcg_rec_writer__append(w, ev, 200);
	}
	ASSERT_EQ(err, -ENOSPC, "append reports ENOSPC");
	ASSERT_EQ(pcg_rec_writer__append(w, ev, 200), -ENOSPC, "sticky");
	ASSERT_EQ(pcg_rec_writer__flush(w), -ENOSPC, "flush sticky");
	ASSERT_EQ(pcg_rec_writer__bytes(w), s.len, "bytes counts what was written");
	ASSERT_EQ(pcg_rec_writer__finish(w), -ENOSPC, "finish");
	pcg_rec_writer__free(w);
	free(s.p);

	/* the header itself cannot be written */
	sink_init(&s);
	s.fail_at = 0;
	s.fail_err = -EPIPE;
	errno = 0;
	ASSERT_TRUE(!pcg_rec_writer__new(&h, sink_write, &s, NULL) && errno == EPIPE,
		    "header write error");
}

PCG_TEST(record_trailer_counts_lost)
{
	struct pcg_ev_lost lost = { .hdr = { .type = PCG_EV_LOST, .size = sizeof(lost), .ts = 5 } };
	struct pcg_rec_header h;
	struct pcg_rec_writer *w;
	struct sink s;
	struct got g;

	sink_init(&s);
	fill_header(&h);
	w = pcg_rec_writer__new(&h, sink_write, &s, NULL);
	lost.count[PCG_EV_EXEC] = 7;
	lost.count[PCG_EV_FORK] = 3;
	pcg_rec_writer__append(w, &lost, sizeof(lost));
	lost.hdr.ts = 9;
	lost.count[PCG_EV_FORK] = 0;
	pcg_rec_writer__append(w, &lost, sizeof(lost));
	pcg_rec_writer__free(w);
	got_init(&g);
	ASSERT_OK(read_mem(s.p, s.len, 0, 0, &g, NULL), "read");
	ASSERT_EQ(g.evs.nr, 2, "lost records are ordinary events");
	ASSERT_EQ(g.t.lost, 17, "trailer lost");
	ASSERT_EQ(g.t.first_ts, 5, "first_ts");
	ASSERT_EQ(g.t.last_ts, 9, "last_ts");
	got_free(&g);
	free(s.p);
}

/* ---- damage ----------------------------------------------------------------------------- */

PCG_TEST(record_zero_length)
{
	struct pcg_rec_stats st;
	struct got g;

	got_init(&g);
	ASSERT_EQ(read_mem("", 0, 0, 0, &g, &st), -EBADMSG, "empty input");
	ASSERT_EQ(g.headers, 0, "no header");
	ASSERT_EQ(g.damage, 0, "nothing to report");
	ASSERT_EQ(st.flags, 0, "flags");
	got_free(&g);
}

PCG_TEST(record_header_only)
{
	struct pcg_rec_stats st;
	struct rec rec;
	struct got g;

	make_recording(&rec, 5, 0, 0, 0, false, false);
	ASSERT_EQ(rec.s.len, rec.hdr_end, "only the header was written");
	got_init(&g);
	ASSERT_OK(read_mem(rec.s.p, rec.s.len, 0, 0, &g, &st), "header only is readable");
	ASSERT_EQ(g.headers, 1, "header");
	ASSERT_EQ(g.snap.len, rec.snap.len, "snapshot");
	ASSERT_EQ(g.evs.nr, 0, "events");
	ASSERT_EQ(g.damage, 1, "one damage report");
	ASSERT_EQ(g.dmg_skip[0], 0, "nothing skipped");
	ASSERT_EQ(g.dmg_off[0], rec.hdr_end, "offset");
	ASSERT_TRUE(strstr(g.dmg_what[0], "no end-of-file trailer") != NULL, "what");
	ASSERT_EQ(st.flags, PCG_REC_S_HEADER, "no trailer flag");
	got_free(&g);
	rec_free(&rec);
}

/* Cut a small recording at every byte offset and check exactly what comes out. */
PCG_TEST(record_truncated_everywhere)
{
	struct pcg_rec_stats st;
	struct rec rec;
	struct got g;
	size_t L, nr_blocks, k, want, boundaries = 0;
	int ret;

	make_recording(&rec, 3, 60, 600, 0, false, true);
	nr_blocks = rec_nr_blocks(&rec);
	ASSERT_TRUE(nr_blocks >= 8, "several blocks");
	for (L = 0; L <= rec.s.len; L++) {
		bool at_boundary = false;

		got_init(&g);
		ret = read_mem(rec.s.p, L, L % 3 ? CHUNK_RANDOM : 1 + L % 7, 0, &g, &st);
		if (L < rec.hdr_end) {
			if (!ASSERT_EQ(ret, -EBADMSG, "cut header") ||
			    !ASSERT_EQ(g.damage, L ? 1 : 0, "cut header damage") ||
			    !ASSERT_EQ(g.headers, 0, "no header callback")) {
				got_free(&g);
				break;
			}
			got_free(&g);
			continue;
		}
		/* events of the blocks that end at or before L */
		want = 0;
		for (k = 0; k < nr_blocks && rec.s.offs[k + 2] <= L; k++)
			want += rec_block_nr(&rec, k);
		for (k = 1; k < rec.s.nr_writes; k++)
			at_boundary |= rec.s.offs[k] == L;
		boundaries += at_boundary;
		if (!ASSERT_OK(ret, "readable") ||
		    !ASSERT_EQ(g.evs.nr, want, "events up to the cut") ||
		    !ASSERT_TRUE(!g.evs.len || !memcmp(g.evs.p, rec.evs.p, g.evs.len),
				 "event bytes") ||
		    !ASSERT_EQ(g.damage, L == rec.s.len ? 0 : 1, "damage reports") ||
		    !ASSERT_EQ(g.trailers, L == rec.s.len, "trailer") ||
		    !ASSERT_EQ(g.invalid + g.misaligned, 0, "events valid")) {
			fprintf(stderr, "cut at %zu of %zu\n", L, rec.s.len);
			got_free(&g);
			break;
		}
		if (L < rec.s.len) {
			ASSERT_TRUE(strstr(g.dmg_what[0], "truncated") != NULL, "says truncated");
			ASSERT_EQ(g.dmg_skip[0] + g.dmg_off[0], L, "the damage runs to the cut");
			ASSERT_EQ(g.dmg_skip[0] == 0, at_boundary, "nothing skipped at a boundary");
			ASSERT_EQ(st.bytes_skipped, g.dmg_skip[0], "bytes_skipped");
		}
		got_free(&g);
	}
	ASSERT_EQ(boundaries, nr_blocks + 1, "cuts at every block boundary were tried");
	rec_free(&rec);
}

/* Flip each byte (and each low bit) of a small recording and check the outcome. */
static void check_flips(unsigned char mask)
{
	struct pcg_rec_stats st;
	struct rec rec;
	size_t o, nr_blocks, k, hit, trailer_off;
	struct got g;
	int ret;

	make_recording(&rec, 3, 60, 600, 0, false, true);
	nr_blocks = rec_nr_blocks(&rec);
	trailer_off = rec.s.offs[nr_blocks + 1];
	for (o = 0; o < rec.s.len; o++) {
		size_t want = rec.evs.nr;
		bool ok;

		rec.s.p[o] ^= mask;
		got_init(&g);
		ret = read_mem(rec.s.p, rec.s.len, o % 2 ? 0 : CHUNK_RANDOM, 0, &g, &st);
		rec.s.p[o] ^= mask;

		if (o < 8) {
			ok = ASSERT_EQ(ret, -ENOMSG, "flip in magic");
		} else if (o < 10) {
			ok = ASSERT_EQ(ret, -EPROTONOSUPPORT, "flip in major");
		} else if (o < rec.hdr_end) {
			ok = ASSERT_EQ(ret, -EBADMSG, "flip in header") &&
			     ASSERT_EQ(g.headers, 0, "no header callback");
		} else {
			hit = nr_blocks;
			for (k = 0; k < nr_blocks; k++)
				if (o >= rec.s.offs[k + 1] && o < rec.s.offs[k + 2])
					hit = k;
			if (hit < nr_blocks)
				want -= rec_block_nr(&rec, hit);
			ok = ASSERT_OK(ret, "flip in body") &&
			     ASSERT_EQ(g.evs.nr, want, "events outside the damaged block") &&
			     ASSERT_TRUE(is_block_subsequence(&rec, &g.evs), "whole blocks") &&
			     ASSERT_TRUE(g.damage >= 1, "damage reported") &&
			     /* a trailer whose header is unreadable is not known to be a block */
			     ASSERT_TRUE(st.bad_blocks >= 1 ||
						 (o >= trailer_off && o < trailer_off + 32),
					 "bad block counted") &&
			     ASSERT_EQ(g.invalid + g.misaligned, 0, "events valid");
			if (ok && o >= trailer_off)
				ok = ASSERT_EQ(g.trailers, 0, "corrupt trailer not used");
			if (ok)
				ok = ASSERT_EQ(g.dmg_off[0], rec.s.offs[hit + 1], "damage offset");
		}
		got_free(&g);
		if (!ok) {
			fprintf(stderr, "flip 0x%02x at %zu of %zu\n", mask, o, rec.s.len);
			break;
		}
	}
	rec_free(&rec);
}

PCG_TEST(record_flipped_bytes)
{
	check_flips(0xff);
	check_flips(0x01);
	check_flips(0x80);
}

PCG_TEST(record_flip_reports_block_offset)
{
	struct rec rec;
	struct got g;
	size_t k = 3, off;

	make_recording(&rec, 0, 60, 600, 0, false, true);
	off = rec.s.offs[k + 1];
	rec.s.p[off + 40] ^= 0x55; /* in block 3's payload */
	got_init(&g);
	ASSERT_OK(read_mem(rec.s.p, rec.s.len, 0, 0, &g, NULL), "read");
	ASSERT_EQ(g.dmg_off[0], off, "offset of the corrupt block");
	ASSERT_EQ(g.dmg_skip[0], rec.s.offs[k + 2] - off, "skipped: the whole block");
	ASSERT_TRUE(strstr(g.dmg_what[0], "block 3: payload CRC mismatch") != NULL, "what");
	ASSERT_EQ(g.evs.nr, rec.evs.nr - rec_block_nr(&rec, k), "the rest delivered");
	ASSERT_EQ(g.trailers, 1, "trailer");
	ASSERT_EQ(g.damage, 2, "the block, then the trailer's totals");
	got_free(&g);
	rec_free(&rec);
}

PCG_TEST(record_garbage_between_blocks)
{
	unsigned char *buf, garbage[3000];
	struct pcg_rec_stats st;
	struct rec rec;
	struct got g;
	size_t at;
	__u32 seed = 7;

	make_recording(&rec, 0, 200, 1000, 0, false, true);
	at = rec.s.offs[5];
	for (size_t i = 0; i < sizeof(garbage); i++)
		garbage[i] = i % 100 == 0 ? 0xd3 : prng(&seed); /* with false magic starts */
	buf = malloc(rec.s.len + sizeof(garbage));
	memcpy(buf, rec.s.p, at);
	memcpy(buf + at, garbage, sizeof(garbage));
	memcpy(buf + at + sizeof(garbage), rec.s.p + at, rec.s.len - at);
	got_init(&g);
	ASSERT_OK(read_mem(buf, rec.s.len + sizeof(garbage), CHUNK_RANDOM, 0, &g, &st), "read");
	ASSERT_EQ(g.evs.nr, rec.evs.nr, "every event");
	ASSERT_EQ(g.damage, 1, "one report");
	ASSERT_EQ(g.dmg_off[0], at, "offset");
	ASSERT_EQ(g.dmg_skip[0], sizeof(garbage), "skipped");
	ASSERT_EQ(st.bytes_skipped, sizeof(garbage), "bytes_skipped");
	ASSERT_EQ(st.bad_blocks, 0, "no block lost");
	ASSERT_EQ(g.trailers, 1, "trailer");
	got_free(&g);
	free(buf);
	rec_free(&rec);
}

PCG_TEST(record_block_removed)
{
	struct pcg_rec_stats st;
	unsigned char *buf;
	struct rec rec;
	struct got g;
	size_t a, b;

	make_recording(&rec, 0, 200, 1000, 0, false, true);
	a = rec.s.offs[4]; /* block 3 */
	b = rec.s.offs[5];
	buf = malloc(rec.s.len);
	memcpy(buf, rec.s.p, a);
	memcpy(buf + a, rec.s.p + b, rec.s.len - b);
	got_init(&g);
	ASSERT_OK(read_mem(buf, rec.s.len - (b - a), 0, 0, &g, &st), "read");
	ASSERT_EQ(g.evs.nr, rec.evs.nr - rec_block_nr(&rec, 3), "events");
	ASSERT_EQ(st.bad_blocks, 1, "one block lost");
	ASSERT_TRUE(g.damage == 2 && strstr(g.dmg_what[0], "sequence gap") &&
			    strstr(g.dmg_what[1], "trailer"),
		    "gap and trailer totals reported");
	got_free(&g);
	free(buf);
	rec_free(&rec);
}

PCG_TEST(record_data_after_trailer)
{
	unsigned char *buf;
	struct rec rec;
	struct got g;

	make_recording(&rec, 0, 20, 0, 0, false, true);
	buf = malloc(rec.s.len + 100);
	memcpy(buf, rec.s.p, rec.s.len);
	memset(buf + rec.s.len, 'A', 100);
	got_init(&g);
	ASSERT_OK(read_mem(buf, rec.s.len + 100, 0, 0, &g, NULL), "read");
	ASSERT_EQ(g.evs.nr, 20, "events");
	ASSERT_EQ(g.trailers, 1, "trailer");
	ASSERT_TRUE(g.damage == 1 && g.dmg_off[0] == rec.s.len && g.dmg_skip[0] == 100,
		    "trailing data reported");
	got_free(&g);
	free(buf);
	rec_free(&rec);
}

PCG_TEST(record_wrong_magic_and_version)
{
	struct rec rec;
	struct got g;
	struct pcg_rec_reader *r;

	make_recording(&rec, 0, 5, 0, 0, false, true);
	got_init(&g);
	r = pcg_rec_reader__new(&got_cbs, &g, 0);
	ASSERT_EQ(pcg_rec_reader__feed(r, "GIF89a", 6), -ENOMSG, "wrong magic, at once");
	ASSERT_EQ(pcg_rec_reader__feed(r, rec.s.p, rec.s.len), -ENOMSG, "sticky");
	ASSERT_EQ(pcg_rec_reader__finish(r), -ENOMSG, "finish");
	ASSERT_EQ(pcg_rec_reader__feed(r, "x", 1), -EINVAL, "feed after finish");
	pcg_rec_reader__free(r);

	rec.s.p[8] = PCG_REC_MAJOR + 1; /* a newer major: refused before the CRC is looked at */
	ASSERT_EQ(read_mem(rec.s.p, rec.s.len, 0, 0, &g, NULL), -EPROTONOSUPPORT, "newer major");
	ASSERT_EQ(read_mem(rec.s.p, 10, 0, 0, &g, NULL), -EPROTONOSUPPORT, "seen in 10 bytes");
	ASSERT_EQ(g.headers, 0, "no header callback");
	got_free(&g);
	rec_free(&rec);
}

/* ---- hand-made files: valid CRCs around hostile contents -------------------------------- */

static void le16(unsigned char *p, __u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void le32(unsigned char *p, __u32 v)
{
	le16(p, v);
	le16(p + 2, v >> 16);
}

/* A file prefix + TLV area (given), with a correct CRC. */
static size_t craft_header(unsigned char *buf, __u16 major, __u16 minor, const void *tlvs,
			   size_t len)
{
	static const unsigned char magic[8] = { 0x89, 'P', 'C', 'G', '\r', '\n', 0x1a, '\n' };

	memcpy(buf, magic, 8);
	le16(buf + 8, major);
	le16(buf + 10, minor);
	le32(buf + 12, len);
	le32(buf + 16, 0);
	memcpy(buf + 24, tlvs, len);
	le32(buf + 20, crc32(crc32(0, buf + 8, 12), buf + 24, len));
	return 24 + len;
}

/* A block with correct CRCs around whatever it is told. */
static size_t craft_block(unsigned char *buf, __u16 type, __u16 flags, __u32 seq, __u32 nr,
			  __u32 raw_len, const void *payload, __u32 comp_len)
{
	static const unsigned char bmagic[4] = { 0xd3, 'P', 'C', 'B' };

	memcpy(buf, bmagic, 4);
	le16(buf + 4, type);
	le16(buf + 6, flags);
	le32(buf + 8, seq);
	le32(buf + 12, nr);
	le32(buf + 16, raw_len);
	le32(buf + 20, comp_len);
	memcpy(buf + 32, payload, comp_len);
	le32(buf + 24, crc32(0, buf + 32, comp_len));
	le32(buf + 28, crc32(0, buf, 28));
	return 32 + comp_len;
}

static size_t craft_tlv(unsigned char *p, __u16 type, __u16 flags, const void *v, __u32 len)
{
	le16(p, type);
	le16(p + 2, flags);
	le32(p + 4, len);
	memcpy(p + 8, v, len);
	memset(p + 8 + len, 0, ((len + 7) & ~7u) - len);
	return 8 + ((len + 7) & ~7u);
}

PCG_TEST(record_header_tlvs)
{
	unsigned char tlvs[256], file[512], v[16];
	struct pcg_rec_stats st;
	size_t n = 0, len;
	struct got g;

	/* an unknown TLV is skipped; a newer minor is fine */
	n += craft_tlv(tlvs + n, 200, 0, "future", 6);
	le32(v, 77);
	n += craft_tlv(tlvs + n, 1 /* abi */, 0, v, 4);
	n += craft_tlv(tlvs + n, 3 /* hostname */, 0, "a-very-long-hostname", 20);
	len = craft_header(file, PCG_REC_MAJOR, PCG_REC_MINOR + 5, tlvs, n);
	got_init(&g);
	ASSERT_OK(read_mem(file, len, 0, 0, &g, &st), "unknown TLV skipped");
	ASSERT_EQ(g.h.abi_version, 77, "abi after unknown TLV");
	ASSERT_EQ(g.h.minor, PCG_REC_MINOR + 5, "minor reported");
	ASSERT_STREQ(g.h.hostname, "a-very-long-hostname", "hostname");
	ASSERT_EQ(g.damage, 1, "only the missing trailer");
	got_free(&g);

	/* ... unless it is marked critical */
	n = craft_tlv(tlvs, 200, 1, "future", 6);
	len = craft_header(file, PCG_REC_MAJOR, PCG_REC_MINOR + 1, tlvs, n);
	got_init(&g);
	ASSERT_EQ(read_mem(file, len, 0, 0, &g, NULL), -EPROTONOSUPPORT, "critical TLV");
	got_free(&g);

	/* a scalar too short, a TLV running past the area, two snapshots */
	n = craft_tlv(tlvs, 1, 0, v, 3);
	len = craft_header(file, PCG_REC_MAJOR, 0, tlvs, n);
	got_init(&g);
	ASSERT_EQ(read_mem(file, len, 0, 0, &g, NULL), -EBADMSG, "short scalar");
	n = craft_tlv(tlvs, 3, 0, "host", 4);
	le32(tlvs + 4, 1000);
	len = craft_header(file, PCG_REC_MAJOR, 0, tlvs, n);
	ASSERT_EQ(read_mem(file, len, 0, 0, &g, NULL), -EBADMSG, "TLV overruns the header");
	le32(v, 0);
	le32(v + 4, 0);
	n = craft_tlv(tlvs, 13, 0, v, 8);
	n += craft_tlv(tlvs + n, 13, 0, v, 8);
	len = craft_header(file, PCG_REC_MAJOR, 0, tlvs, n);
	ASSERT_EQ(read_mem(file, len, 0, 0, &g, NULL), -EBADMSG, "two snapshots");
	/* a snapshot that claims a huge inflated size */
	le32(v, 0xffffffffu);
	le32(v + 4, 1);
	n = craft_tlv(tlvs, 13, 0, v, 8);
	len = craft_header(file, PCG_REC_MAJOR, 0, tlvs, n);
	ASSERT_EQ(read_mem(file, len, 0, 0, &g, &st), -EBADMSG, "snapshot raw_len over the cap");
	ASSERT_TRUE(st.mem_peak < (1 << 20), "nothing big allocated");
	/* an empty header area is a valid (if useless) header */
	len = craft_header(file, PCG_REC_MAJOR, 0, tlvs, 0);
	ASSERT_OK(read_mem(file, len, 0, 0, &g, NULL), "empty TLV area");
	got_free(&g);
}

PCG_TEST(record_huge_lengths)
{
	unsigned char file[4096], raw[256];
	struct pcg_rec_stats st;
	size_t len;
	struct got g;

	/* header length over the cap: refused as soon as the prefix is read */
	len = craft_header(file, PCG_REC_MAJOR, 0, "", 0);
	le32(file + 12, 0xffffffffu);
	got_init(&g);
	ASSERT_EQ(read_mem(file, len, 0, 0, &g, &st), -EBADMSG, "hdr_len 4 GiB");
	ASSERT_TRUE(st.mem_peak < (1 << 20), "no allocation for it");
	/* within the cap but over the reader's memory limit */
	le32(file + 12, 15u << 20);
	ASSERT_EQ(read_mem(file, len, 0, 1 << 20, &g, &st), -EFBIG, "hdr_len over max_mem");

	/* blocks claiming 4 GiB, with good CRCs: not trusted, skipped by resync */
	len = craft_header(file, PCG_REC_MAJOR, 0, "", 0);
	make_event(raw, 4, 100, 1, 1, false);
	len += craft_block(file + len, 1, 1, 0, 1, 0xffffffffu, raw, 100);
	len += craft_block(file + len, 1, 1, 1, 1, 100, raw, 100);
	got_free(&g);
	got_init(&g);
	ASSERT_OK(read_mem(file, len, 0, 0, &g, &st), "huge raw_len");
	ASSERT_EQ(g.evs.nr, 1, "the good block");
	ASSERT_TRUE(g.damage == 2 && strstr(g.dmg_what[0], "corrupt block header"),
		    "first block reported");
	ASSERT_TRUE(st.mem_peak < (1 << 20), "no allocation for it");

	/* nr_events that cannot fit raw_len */
	len = craft_header(file, PCG_REC_MAJOR, 0, "", 0);
	len += craft_block(file + len, 1, 1, 0, 1000, 100, raw, 100);
	got_free(&g);
	got_init(&g);
	ASSERT_OK(read_mem(file, len, 0, 0, &g, &st), "huge nr_events");
	ASSERT_EQ(g.evs.nr, 0, "no events");
	got_free(&g);
}

PCG_TEST(record_bad_events_in_good_block)
{
	unsigned char file[4096], raw[512];
	struct pcg_rec_stats st;
	size_t len;
	struct got g;

	/* three events, the second claims more bytes than the block has */
	make_event(raw, 4, 100, 1, 1, false);
	make_event(raw + 100, 4, 100, 2, 2, false);
	make_event(raw + 200, 4, 100, 3, 3, false);
	le16(raw + 102, 250);
	len = craft_header(file, PCG_REC_MAJOR, 0, "", 0);
	len += craft_block(file + len, 1, 1, 0, 3, 300, raw, 300);
	got_init(&g);
	ASSERT_OK(read_mem(file, len, 0, 0, &g, &st), "overrun");
	ASSERT_EQ(g.evs.nr, 1, "events before the bad one");
	ASSERT_TRUE(strstr(g.dmg_what[0], "overruns") != NULL, "reported");
	ASSERT_EQ(st.bad_blocks, 1, "bad block");
	ASSERT_EQ(st.blocks, 0, "not a whole block");
	got_free(&g);

	/* a record smaller than its header */
	le16(raw + 102, 8);
	len = craft_header(file, PCG_REC_MAJOR, 0, "", 0);
	len += craft_block(file + len, 1, 1, 0, 3, 300, raw, 300);
	got_init(&g);
	ASSERT_OK(read_mem(file, len, 0, 0, &g, &st), "undersized");
	ASSERT_EQ(g.evs.nr, 1, "events before the bad one");
	ASSERT_TRUE(strstr(g.dmg_what[0], "below the header size") != NULL, "reported");
	got_free(&g);

	/* a count that does not match */
	le16(raw + 102, 100);
	len = craft_header(file, PCG_REC_MAJOR, 0, "", 0);
	len += craft_block(file + len, 1, 1, 0, 2, 300, raw, 300);
	got_init(&g);
	ASSERT_OK(read_mem(file, len, 0, 0, &g, &st), "count mismatch");
	ASSERT_EQ(g.evs.nr, 3, "events delivered");
	ASSERT_TRUE(strstr(g.dmg_what[0], "holds 3 records, its header says 2") != NULL,
		    "reported");
	got_free(&g);

	/* a deflated payload that inflates to something else than it claims */
	{
		unsigned char z[600];
		uLongf zlen = sizeof(z);

		compress2(z, &zlen, raw, 300, 6);
		len = craft_header(file, PCG_REC_MAJOR, 0, "", 0);
		len += craft_block(file + len, 1, 0, 0, 3, 299, z, zlen);
		got_init(&g);
		ASSERT_OK(read_mem(file, len, 0, 0, &g, &st), "wrong raw_len");
		ASSERT_EQ(g.evs.nr, 0, "nothing from it");
		ASSERT_TRUE(strstr(g.dmg_what[0], "does not inflate") != NULL, "reported");
		got_free(&g);
	}
}

PCG_TEST(record_unknown_block_type_skipped)
{
	unsigned char file[4096], raw[256];
	size_t len;
	struct got g;

	make_event(raw, 4, 100, 1, 1, false);
	len = craft_header(file, PCG_REC_MAJOR, 1, "", 0);
	len += craft_block(file + len, 1, 1, 0, 1, 100, raw, 100);
	len += craft_block(file + len, 9, 0, 1, 0, 0, "index-or-whatever", 17);
	len += craft_block(file + len, 1, 1, 2, 1, 100, raw, 100);
	got_init(&g);
	ASSERT_OK(read_mem(file, len, 0, 0, &g, NULL), "read");
	ASSERT_EQ(g.evs.nr, 2, "events around it");
	ASSERT_EQ(g.damage, 1, "only the missing trailer");
	got_free(&g);
}

PCG_TEST(record_max_mem_skips_big_blocks)
{
	struct pcg_rec_stats st;
	struct rec rec;
	struct got g;

	/* 4 MiB raw blocks (compressible) against a 1 MiB reader */
	make_recording(&rec, 0, 100000, 4 << 20, 0, false, true);
	got_init(&g);
	ASSERT_OK(read_mem(rec.s.p, rec.s.len, 65536, 1 << 20, &g, &st), "read");
	ASSERT_TRUE(g.evs.nr < rec.evs.nr, "big blocks not delivered");
	ASSERT_EQ(st.bad_blocks, rec_nr_blocks(&rec) - st.blocks, "all counted");
	ASSERT_TRUE(g.damage >= 1 && strstr(g.dmg_what[0], "memory limit"), "reported");
	ASSERT_TRUE(st.mem_peak <= (1 << 20), "memory bounded");
	ASSERT_TRUE(is_block_subsequence(&rec, &g.evs), "the small ones delivered whole");
	got_free(&g);
	rec_free(&rec);
}

PCG_TEST(record_callback_error_stops)
{
	struct pcg_rec_reader *r;
	struct rec rec;
	struct got g;

	make_recording(&rec, 0, 500, 1000, 0, false, true);
	got_init(&g);
	g.stop_at = 10;
	r = pcg_rec_reader__new(&got_cbs, &g, 0);
	ASSERT_EQ(pcg_rec_reader__feed(r, rec.s.p, rec.s.len), -ECANCELED, "feed");
	ASSERT_EQ(g.evs.nr, 10, "stopped at once");
	ASSERT_EQ(pcg_rec_reader__feed(r, rec.s.p, 1), -ECANCELED, "sticky");
	ASSERT_EQ(pcg_rec_reader__finish(r), -ECANCELED, "finish");
	ASSERT_EQ(g.damage, 0, "no damage invented");
	pcg_rec_reader__free(r);
	got_free(&g);
	rec_free(&rec);
}

PCG_TEST(record_zeros_64mib)
{
	static const unsigned char zeros[65536];
	struct pcg_rec_stats st;
	struct pcg_rec_reader *r;
	struct rec rec;
	struct got g;
	size_t fed = 0;
	int ret = 0;

	/* no header: refused at the first bytes, the rest not even looked at */
	got_init(&g);
	r = pcg_rec_reader__new(&got_cbs, &g, 0);
	for (int i = 0; i < 1024; i++) {
		ret = pcg_rec_reader__feed(r, zeros, sizeof(zeros));
		if (ret)
			break;
	}
	ASSERT_EQ(ret, -ENOMSG, "zeros are not a recording");
	ASSERT_EQ(pcg_rec_reader__finish(r), -ENOMSG, "finish");
	pcg_rec_reader__stats(r, &st);
	ASSERT_TRUE(st.mem_peak < (1 << 20), "bounded memory");
	pcg_rec_reader__free(r);

	/* a good header, then zeros forever: scanning gives up after the default cap */
	make_recording(&rec, 0, 0, 0, 0, false, false);
	r = pcg_rec_reader__new(&got_cbs, &g, 0);
	ret = pcg_rec_reader__feed(r, rec.s.p, rec.s.len);
	ASSERT_OK(ret, "header");
	while (!ret && fed < (256u << 20)) {
		ret = pcg_rec_reader__feed(r, zeros, sizeof(zeros));
		fed += sizeof(zeros);
	}
	ASSERT_EQ(ret, 1, "gave up");
	ASSERT_TRUE(fed > PCG_REC_DEFAULT_MAX_SKIP && fed <= PCG_REC_DEFAULT_MAX_SKIP + 65536,
		    "after the cap");
	ASSERT_EQ(pcg_rec_reader__feed(r, zeros, sizeof(zeros)), 1, "still given up");
	ASSERT_OK(pcg_rec_reader__finish(r), "the header was good");
	pcg_rec_reader__stats(r, &st);
	ASSERT_TRUE(st.flags & PCG_REC_S_GAVE_UP, "gave-up flag");
	ASSERT_TRUE(st.mem_peak < (1 << 20), "bounded memory");
	ASSERT_EQ(g.damage, 1, "one report");
	ASSERT_TRUE(strstr(g.dmg_what[0], "giving up") != NULL, "says so");
	pcg_rec_reader__free(r);
	got_free(&g);
	rec_free(&rec);
}

PCG_TEST(record_max_skip_setting)
{
	unsigned char junk[5000];
	struct pcg_rec_reader *r;
	struct rec rec;
	struct got g;

	memset(junk, 0xd3, sizeof(junk)); /* every byte starts a possible block magic */
	make_recording(&rec, 0, 0, 0, 0, false, false);
	got_init(&g);
	r = pcg_rec_reader__new(&got_cbs, &g, 0);
	pcg_rec_reader__set_max_skip(r, 4096);
	ASSERT_OK(pcg_rec_reader__feed(r, rec.s.p, rec.s.len), "header");
	ASSERT_EQ(pcg_rec_reader__feed(r, junk, sizeof(junk)), 1, "gave up at 4 KiB");
	ASSERT_OK(pcg_rec_reader__finish(r), "finish");
	pcg_rec_reader__free(r);
	got_free(&g);
	rec_free(&rec);
}

static int count_cb(void *ctx, const void *ev, size_t len)
{
	int *n = ctx;

	if ((uintptr_t)ev & 7 || len < 16)
		return -EFAULT;
	(*n)++;
	return 0;
}

PCG_TEST(record_foreach_event)
{
	unsigned char buf[400];
	int n = 0;

	make_event(buf + 1, 1, 40, 0, 0, false); /* misaligned on purpose */
	make_event(buf + 41, 2, 17, 0, 0, false);
	make_event(buf + 58, 3, 16, 0, 0, false);
	ASSERT_OK(pcg_rec_foreach_event(buf + 1, 73, count_cb, &n), "walk");
	ASSERT_EQ(n, 3, "three records, aligned");
	n = 0;
	ASSERT_EQ(pcg_rec_foreach_event(buf + 1, 72, count_cb, &n), -EBADMSG, "cut record");
	ASSERT_EQ(n, 2, "those before it");
	ASSERT_OK(pcg_rec_foreach_event(NULL, 0, count_cb, &n), "empty");
}

/* The fuzz seeds (and crashers found since) must read without trouble. */
PCG_TEST(record_fuzz_corpus)
{
	const char *dir = "tests/fuzz/corpus/record";
	struct dirent *de;
	char path[512];
	DIR *d = opendir(dir);
	int files = 0;

	if (!d) {
		pcg_test__skip("no tests/fuzz/corpus/record here (run from the repository root)");
		return;
	}
	while ((de = readdir(d))) {
		unsigned char *buf = NULL;
		size_t len = 0, cap = 0, n;
		unsigned char tmp[65536];
		struct got g;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		while ((n = fread(tmp, 1, sizeof(tmp), f)))
			buf_put(&buf, &len, &cap, tmp, n);
		fclose(f);
		got_init(&g);
		read_mem(buf, len, CHUNK_RANDOM, 0, &g, NULL);
		ASSERT_EQ(g.invalid + g.misaligned, 0, path);
		got_free(&g);
		free(buf);
		files++;
	}
	closedir(d);
	ASSERT_TRUE(files > 0, "corpus files");
}

PCG_TEST(record_snapshot_stored_and_malformed)
{
	unsigned char ev[96], tlvs[256], file[512];
	struct pcg_rec_header h;
	struct pcg_rec_writer *w;
	struct sink s;
	struct got g;
	size_t n, len;

	/* a snapshot too small to deflate is stored */
	make_event(ev, PCG_EV_SCAN_DONE, 16, 3, 0, false);
	sink_init(&s);
	fill_header(&h);
	h.snapshot = ev;
	h.snapshot_len = 16;
	w = pcg_rec_writer__new(&h, sink_write, &s, NULL);
	pcg_rec_writer__free(w);
	got_init(&g);
	ASSERT_OK(read_mem(s.p, s.len, 1, 0, &g, NULL), "read");
	ASSERT_TRUE(g.snap.len == 16 && !memcmp(g.snap.p, ev, 16), "stored snapshot");
	got_free(&g);
	free(s.p);

	/* a stored snapshot whose second record is cut: the first is kept, the cut reported */
	make_event(ev, PCG_EV_EXISTING_TASK, 40, 1, 0, false);
	make_event(ev + 40, PCG_EV_EXISTING_TASK, 40, 2, 0, false);
	le32(tlvs + 8, 60);
	le32(tlvs + 12, 0);
	memcpy(tlvs + 16, ev, 60);
	n = craft_tlv(tlvs, 13, 0, tlvs + 8, 68);
	len = craft_header(file, PCG_REC_MAJOR, 0, tlvs, n);
	got_init(&g);
	ASSERT_OK(read_mem(file, len, 0, 0, &g, NULL), "read");
	ASSERT_TRUE(g.snap.len == 40 && !memcmp(g.snap.p, ev, 40), "the valid prefix");
	ASSERT_TRUE(g.damage == 2 && strstr(g.dmg_what[0], "snapshot: malformed record at byte 40"),
		    "reported");
	got_free(&g);
}

/* Resync through a long run of would-be magics: the scan window slides and is compacted. */
PCG_TEST(record_resync_long_garbage)
{
	size_t glen = 300000, at;
	struct pcg_rec_stats st;
	unsigned char *buf;
	struct rec rec;
	struct got g;

	make_recording(&rec, 0, 300, 1000, 0, false, true);
	at = rec.s.offs[3];
	buf = malloc(rec.s.len + glen);
	memcpy(buf, rec.s.p, at);
	for (size_t i = 0; i < glen; i++)
		buf[at + i] = i % 5 == 4 ? 'P' : 0xd3; /* partial magics everywhere */
	memcpy(buf + at + glen, rec.s.p + at, rec.s.len - at);
	for (int pass = 0; pass < 3; pass++) {
		got_init(&g);
		ASSERT_OK(read_mem(buf, rec.s.len + glen,
				   pass == 0 ? 0 :
				   pass == 1 ? 65536 :
					       4093,
				   0, &g, &st),
			  "read");
		ASSERT_EQ(g.evs.nr, rec.evs.nr, "every event");
		ASSERT_TRUE(g.damage == 1 && g.dmg_off[0] == at && g.dmg_skip[0] == glen,
			    "one report of the garbage");
		ASSERT_TRUE(st.mem_peak < (1 << 20), "bounded memory");
		got_free(&g);
	}
	free(buf);
	rec_free(&rec);
}

PCG_TEST(record_gives_up_after_trailer)
{
	static const unsigned char junk[65536];
	struct pcg_rec_reader *r;
	struct rec rec;
	struct got g;
	int ret = 0;

	make_recording(&rec, 0, 10, 0, 0, false, true);
	got_init(&g);
	r = pcg_rec_reader__new(&got_cbs, &g, 0);
	pcg_rec_reader__set_max_skip(r, 100000);
	ASSERT_OK(pcg_rec_reader__feed(r, rec.s.p, rec.s.len), "recording");
	for (int i = 0; i < 10 && !ret; i++)
		ret = pcg_rec_reader__feed(r, junk, sizeof(junk));
	ASSERT_EQ(ret, 1, "gave up");
	ASSERT_OK(pcg_rec_reader__finish(r), "finish");
	ASSERT_EQ(g.evs.nr, 10, "events");
	ASSERT_EQ(g.trailers, 1, "trailer");
	ASSERT_TRUE(g.damage == 1 && strstr(g.dmg_what[0], "after the end-of-file trailer") &&
			    strstr(g.dmg_what[0], "giving up"),
		    "one report");
	pcg_rec_reader__free(r);
	got_free(&g);
	rec_free(&rec);
}

PCG_TEST(record_foreach_event_short_tail)
{
	unsigned char buf[64];
	int n = 0;

	make_event(buf, 1, 40, 0, 0, false);
	ASSERT_EQ(pcg_rec_foreach_event(buf, 45, count_cb, &n), -EBADMSG, "5 stray bytes");
	ASSERT_EQ(n, 1, "the record before them");
	ASSERT_EQ(pcg_rec_foreach_event(buf, 40, NULL, &n), -EINVAL, "no callback");
}

PCG_TEST(record_block_out_of_sequence)
{
	struct pcg_rec_stats st;
	unsigned char *buf;
	struct rec rec;
	struct got g;
	size_t a, b, c;

	/* block 3 spliced in again after block 4: delivered (its CRCs are good) but reported */
	make_recording(&rec, 0, 200, 1000, 0, false, true);
	a = rec.s.offs[4];
	b = rec.s.offs[5];
	c = rec.s.offs[6];
	buf = malloc(rec.s.len + (b - a));
	memcpy(buf, rec.s.p, c);
	memcpy(buf + c, rec.s.p + a, b - a);
	memcpy(buf + c + (b - a), rec.s.p + c, rec.s.len - c);
	got_init(&g);
	ASSERT_OK(read_mem(buf, rec.s.len + (b - a), 0, 0, &g, &st), "read");
	ASSERT_EQ(g.evs.nr, rec.evs.nr + rec_block_nr(&rec, 3), "duplicate delivered");
	ASSERT_TRUE(g.damage == 2 &&
			    strstr(g.dmg_what[0], "block 3 out of sequence (expected 5)") &&
			    strstr(g.dmg_what[1], "trailer"),
		    "the duplicate and the trailer's totals reported");
	ASSERT_EQ(st.bad_blocks, 0, "nothing lost");
	got_free(&g);
	free(buf);
	rec_free(&rec);
}
