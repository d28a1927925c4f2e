/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* fuzz_record.c - libFuzzer target for the recording reader: any bytes, fed in odd chunk sizes.
 *
 * Each input is read twice, in pseudo-random chunks derived from the input and all at once;
 * both runs must agree (events, damage, result), every event must be valid and aligned, and
 * memory must stay within the reader's limit.  Anything else aborts.
 *
 * Built with -DPCG_FUZZ_RECORD_GEN this file is instead a program that writes the seed corpus:
 *	cc -DPCG_FUZZ_RECORD_GEN -Ibpf -Iuser tests/fuzz/fuzz_record.c user/record_*.c -lz -o gen
 *	./gen tests/fuzz/corpus/record
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <linux/types.h>

#include "pcg_abi.h"
#include "record.h"

#define FUZZ_MAX_MEM  (1u << 20)   /* the smallest limit: big blocks take the skip path */
#define FUZZ_MAX_SKIP (256u << 10) /* garbage-heavy inputs end quickly */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct outcome {
	__u64 events, damage, headers, trailers;
	__u32 crc; /* of every event and snapshot byte, in order */
	int ret;
};

static int check_snap_event(void *ctx, const void *ev, size_t len)
{
	struct outcome *o = ctx;
	struct pcg_ev_hdr h;

	if (len < sizeof(h) || ((uintptr_t)ev & 7))
		abort();
	memcpy(&h, ev, sizeof(h));
	if (h.size != len)
		abort();
	o->crc = crc32(o->crc, ev, len);
	return 0;
}

static int on_header(void *ctx, const struct pcg_rec_header *h)
{
	struct outcome *o = ctx;

	if (o->headers++ || o->events)
		abort();
	if (!memchr(h->tool_version, 0, sizeof(h->tool_version)) ||
	    !memchr(h->hostname, 0, sizeof(h->hostname)) ||
	    !memchr(h->kernel_release, 0, sizeof(h->kernel_release)) ||
	    !memchr(h->boot_id, 0, sizeof(h->boot_id)) || h->nr_hier > PCG_REC_MAX_HIER)
		abort();
	for (__u32 i = 0; i < h->nr_hier; i++)
		if (!memchr(h->hier[i].controllers, 0, sizeof(h->hier[i].controllers)))
			abort();
	if (h->snapshot_len && (!h->snapshot || ((uintptr_t)h->snapshot & 7)))
		abort();
	/* the reader validated the snapshot: walking it cannot fail */
	if (pcg_rec_foreach_event(h->snapshot, h->snapshot_len, check_snap_event, o))
		abort();
	return 0;
}

static int on_event(void *ctx, const void *ev, size_t len)
{
	struct outcome *o = ctx;
	struct pcg_ev_hdr h;

	if (!o->headers || o->trailers || len < sizeof(h) || ((uintptr_t)ev & 7))
		abort();
	memcpy(&h, ev, sizeof(h));
	if (h.size != len)
		abort();
	o->events++;
	o->crc = crc32(o->crc, ev, len);
	return 0;
}

static void on_damage(void *ctx, __u64 off, __u64 skipped, const char *what)
{
	struct outcome *o = ctx;

	(void)off;
	(void)skipped;
	if (!what || !*what || strlen(what) > 1000)
		abort();
	o->damage++;
}

static int on_trailer(void *ctx, const struct pcg_rec_trailer *t)
{
	struct outcome *o = ctx;

	(void)t;
	if (o->trailers++)
		abort();
	return 0;
}

static const struct pcg_rec_reader_cbs cbs = {
	.header = on_header,
	.event = on_event,
	.damage = on_damage,
	.trailer = on_trailer,
};

static void run(const uint8_t *data, size_t size, bool chunked, struct outcome *o)
{
	struct pcg_rec_reader *r = pcg_rec_reader__new(&cbs, o, FUZZ_MAX_MEM);
	struct pcg_rec_stats st;
	__u32 seed = 2166136261u;
	size_t off = 0, n;
	int ret = 0;

	if (!r)
		abort();
	pcg_rec_reader__set_max_skip(r, FUZZ_MAX_SKIP);
	for (size_t i = 0; i < size && i < 64; i++)
		seed = (seed ^ data[i]) * 16777619u;
	memset(o, 0, sizeof(*o));
	while (off < size) {
		n = size - off;
		if (chunked) {
			seed = seed * 1103515245u + 12345u;
			/* mostly tiny pieces, sometimes big ones */
			n = (seed >> 16) % 8 ? 1 + (seed >> 8) % 97 : 1 + (seed >> 4) % 70000;
			n = n < size - off ? n : size - off;
		}
		ret = pcg_rec_reader__feed(r, data + off, n);
		if (ret)
			break;
		off += n;
	}
	o->ret = pcg_rec_reader__finish(r);
	if (ret < 0 && o->ret != ret)
		abort(); /* errors are sticky */
	if (pcg_rec_reader__feed(r, data, size ? 1 : 0) != -EINVAL)
		abort();
	pcg_rec_reader__stats(r, &st);
	if (st.events != o->events || st.damage != o->damage || st.bytes_in > size ||
	    st.mem_peak > FUZZ_MAX_MEM || st.bytes_skipped > size)
		abort();
	pcg_rec_reader__free(r);
}

static __u32 get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (__u32)p[3] << 24;
}

static void put32(uint8_t *p, __u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* Recomputes the CRCs a mutation broke, so that the fuzzer also reaches what they guard: the
 * header TLVs, block payloads and the records inside.  Returns true if anything changed. */
static bool fix_crcs(uint8_t *d, size_t size)
{
	static const uint8_t magic[8] = { 0x89, 'P', 'C', 'G', '\r', '\n', 0x1a, '\n' };
	static const uint8_t bmagic[4] = { 0xd3, 'P', 'C', 'B' };
	size_t off, hdr_len, comp;
	bool changed = false;
	__u32 c;

	if (size < 24 || memcmp(d, magic, sizeof(magic)))
		return false;
	hdr_len = get32(d + 12);
	if (hdr_len > size - 24)
		return false;
	c = crc32(crc32(0, d + 8, 12), d + 24, hdr_len);
	changed |= get32(d + 20) != c;
	put32(d + 20, c);
	for (off = 24 + hdr_len; size - off >= 32;) {
		if (memcmp(d + off, bmagic, sizeof(bmagic))) {
			off++;
			continue;
		}
		comp = get32(d + off + 20);
		if (comp <= size - off - 32) {
			c = crc32(0, d + off + 32, comp);
			changed |= get32(d + off + 24) != c;
			put32(d + off + 24, c);
		}
		c = crc32(0, d + off, 28);
		changed |= get32(d + off + 28) != c;
		put32(d + off + 28, c);
		off += comp <= size - off - 32 ? 32 + comp : 4;
	}
	return changed;
}

static void check(const uint8_t *data, size_t size)
{
	struct outcome a, b;

	run(data, size, true, &a);
	run(data, size, false, &b);
	/* chunking must not change what comes out */
	if (a.ret != b.ret || a.events != b.events || a.damage != b.damage || a.crc != b.crc ||
	    a.headers != b.headers || a.trailers != b.trailers)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *fixed;

	check(data, size);
	fixed = malloc(size ? size : 1);
	if (!fixed)
		return 0;
	memcpy(fixed, data, size);
	if (fix_crcs(fixed, size))
		check(fixed, size);
	free(fixed);
	return 0;
}

#ifdef PCG_FUZZ_RECORD_GEN
/* ---- seed corpus generator ------------------------------------------------------------- */

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static int buf_write(void *ctx, const void *data, size_t len)
{
	struct buf *b = ctx;

	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return 0;
}

static void save(const char *dir, const char *name, const void *p, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void event(unsigned char *e, __u16 type, __u16 size, __u64 ts, bool random)
{
	struct pcg_ev_hdr h = { .type = type, .size = size, .ts = ts };
	__u32 s = ts;

	memcpy(e, &h, sizeof(h));
	for (size_t i = sizeof(h); i < size; i++) {
		s = s * 1103515245u + 12345u;
		e[i] = random ? s >> 16 : (__u32) "/kubepods.slice/cri-containerd-"[i % 31];
	}
}

/* A small recording: 2 snapshot records, nr events, block_size bytes per block. */
static struct buf recording(size_t nr, size_t block_size, bool random, bool finish)
{
	struct pcg_rec_writer_opts opts = { .block_size = block_size };
	struct pcg_rec_header h = { .abi_version = PCG_ABI_VERSION, .cgroup_mode = 2 };
	unsigned char snap[200], e[300];
	struct pcg_rec_writer *w;
	struct buf b = {};

	strcpy(h.tool_version, "0.1.0");
	strcpy(h.hostname, "node");
	strcpy(h.kernel_release, "6.18.0");
	strcpy(h.boot_id, "00000000-0000-0000-0000-000000000001");
	h.nr_hier = 1;
	event(snap, PCG_EV_EXISTING_CGROUP, 60, 1, false);
	event(snap + 60, PCG_EV_EXISTING_TASK, 112, 2, false);
	h.snapshot = snap;
	h.snapshot_len = 172;
	w = pcg_rec_writer__new(&h, buf_write, &b, &opts);
	if (!w)
		abort();
	for (size_t i = 0; i < nr; i++) {
		__u16 sz = 16 + (i * 37) % 150;

		event(e, 1 + i % 10, sz, 100 + i, random);
		pcg_rec_writer__append(w, e, sz);
	}
	if (finish)
		pcg_rec_writer__free(w);
	else
		pcg_rec_writer__flush(w); /* leaked on purpose: no trailer, as after SIGKILL */
	return b;
}

/* Appends a block with correct CRCs around whatever it is told. */
static void craft_block(struct buf *b, __u16 type, __u16 flags, __u32 seq, __u32 nr, __u32 raw_len,
			const void *payload, __u32 comp_len)
{
	uint8_t h[32] = { 0xd3, 'P', 'C', 'B' };

	h[4] = type;
	h[6] = flags;
	put32(h + 8, seq);
	put32(h + 12, nr);
	put32(h + 16, raw_len);
	put32(h + 20, comp_len);
	put32(h + 24, crc32(0, payload, comp_len));
	put32(h + 28, crc32(0, h, 28));
	buf_write(b, h, sizeof(h));
	buf_write(b, payload, comp_len);
}

/* Appends a file header made of the given TLV area, with a correct CRC. */
static void craft_header(struct buf *b, const void *tlvs, __u32 len)
{
	uint8_t h[24] = { 0x89, 'P', 'C', 'G', '\r', '\n', 0x1a, '\n', 1 };

	put32(h + 12, len);
	put32(h + 20, crc32(crc32(0, h + 8, 12), tlvs, len));
	buf_write(b, h, sizeof(h));
	buf_write(b, tlvs, len);
}

/* Seeds with valid CRCs around hostile contents: what random mutation rarely reaches. */
static void crafted(const char *dir)
{
	uint8_t raw[400], tlv[128] = {};
	struct buf b = {};

	/* a stored snapshot (2 records, the second cut), an unknown TLV, a hierarchy */
	tlv[0] = 13; /* snapshot */
	put32(tlv + 4, 8 + 60);
	put32(tlv + 8, 60); /* raw_len; flags 0 = stored */
	event(tlv + 16, PCG_EV_EXISTING_CGROUP, 40, 1, false);
	event(tlv + 56, PCG_EV_EXISTING_TASK, 40, 2, false);
	tlv[80] = 99; /* unknown, not critical */
	put32(tlv + 84, 3);
	memcpy(tlv + 88, "new", 3);
	tlv[96] = 12; /* hier 5 = memory */
	put32(tlv + 100, 10);
	put32(tlv + 104, 5);
	memcpy(tlv + 108, "memory", 6);
	craft_header(&b, tlv, 120);
	/* a good stored block; one whose second record overruns it; an unknown block type */
	event(raw, PCG_EV_FORK, 100, 10, false);
	event(raw + 100, PCG_EV_EXEC, 100, 11, false);
	event(raw + 200, PCG_EV_EXIT, 100, 12, false);
	craft_block(&b, 1, 1, 0, 3, 300, raw, 300);
	raw[102] = 250;
	craft_block(&b, 1, 1, 1, 3, 300, raw, 300);
	craft_block(&b, 7, 0, 2, 0, 0, "later", 5);
	save(dir, "crafted-records.pcgt", b.p, b.len);
	free(b.p);
}

int main(int argc, char **argv)
{
	struct buf b, c;
	const char *dir = argc > 1 ? argv[1] : ".";

	crafted(dir);

	b = recording(30, 400, false, true);
	save(dir, "valid.pcgt", b.p, b.len);
	save(dir, "truncated-mid-block.pcgt", b.p, b.len - 150);
	b.p[b.len / 2] ^= 0x20; /* a payload byte */
	b.p[b.len - 100] ^= 0x01;
	save(dir, "corrupt.pcgt", b.p, b.len);
	free(b.p);

	b = recording(0, 0, false, false);
	save(dir, "header-only.pcgt", b.p, b.len);
	free(b.p);

	b = recording(20, 300, true, true); /* stored blocks */
	save(dir, "stored-blocks.pcgt", b.p, b.len);
	free(b.p);

	b = recording(40, 500, false, false); /* cut after a block: no trailer */
	save(dir, "no-trailer.pcgt", b.p, b.len);
	/* garbage with false block magics between two blocks */
	c.cap = b.len + 64;
	c.p = malloc(c.cap);
	memcpy(c.p, b.p, b.len / 2);
	for (int i = 0; i < 64; i++)
		c.p[b.len / 2 + i] = i % 9 ? 0xd3 : 'P';
	memcpy(c.p + b.len / 2 + 64, b.p + b.len / 2, b.len - b.len / 2);
	save(dir, "garbage-inside.pcgt", c.p, b.len + 64);
	free(c.p);
	free(b.p);
	return 0;
}
#endif /* PCG_FUZZ_RECORD_GEN */
