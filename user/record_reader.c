/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* record_reader.c - pure, bounded push reader of recordings: resyncs past damage, reports it. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <linux/types.h>

#include "pcg_abi.h"
#include "record.h"
#include "record_wire.h"

/* ------------------------------------------------------------------------------------------ */
/* Reader                                                                                      */

#define RD_CHUNK   (64u << 10) /* bytes taken at once while scanning for a block */
#define RD_MIN_MEM (1u << 20)

enum rd_state {
	RD_PREFIX,  /* waiting for the 24-byte file prefix */
	RD_HEADER,  /* waiting for the header TLVs */
	RD_BLOCK,   /* waiting for (or scanning for) a block header */
	RD_PAYLOAD, /* waiting for the payload of a block whose header is good */
	RD_DISCARD, /* dropping a block's bytes without buffering them */
	RD_END,	    /* after the trailer: anything more is reported */
	RD_DONE,    /* gave up */
};

struct rd_block {
	__u16 type, flags;
	__u32 seq, nr, raw_len, comp_len, crc;
};

struct pcg_rec_reader {
	struct pcg_rec_reader_cbs cbs;
	void *ctx;
	size_t max_mem;
	__u64 max_skip;
	size_t max_event; /* larger events are damage (0: no limit) */
	enum rd_state st;
	int err; /* sticky fatal or callback error */
	bool finished;

	/* input window: unconsumed bytes are in[in_off, in_off + in_len) */
	unsigned char *in;
	size_t in_cap, in_off, in_len;
	__u64 pos;   /* input offset of in[in_off] */
	size_t need; /* bytes from in_off the current state waits for */

	unsigned char *raw; /* inflated block payload */
	size_t raw_cap;
	unsigned char *scratch;
	unsigned char *snap; /* inflated snapshot, during the header callback only */
	size_t snap_cap;
	z_stream zs;
	bool zs_ready;

	struct rd_block b;
	__u64 block_pos; /* input offset of the current block */
	__u64 discard_left;
	bool discard_is_damage;

	/* a run of skipped bytes, reported when it ends */
	bool skipping;
	__u64 skip_pos, skip_len, skip_run;
	char skip_what[96];

	__u32 next_seq;
	__u64 after_end, after_end_pos;
	char msg[224];
	struct pcg_rec_stats stats;
};

static void rd_mem_update(struct pcg_rec_reader *r)
{
	__u64 mem = r->in_cap + r->raw_cap + (r->scratch ? RD_SCRATCH_LEN : 0) + r->snap_cap;

	if (mem > r->stats.mem_peak)
		r->stats.mem_peak = mem;
}

static size_t rd_mem(const struct pcg_rec_reader *r)
{
	return r->in_cap + r->raw_cap + (r->scratch ? RD_SCRATCH_LEN : 0) + r->snap_cap;
}

__attribute__((format(printf, 4, 5))) static void rd_damage(struct pcg_rec_reader *r, __u64 off,
							    __u64 skipped, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	r->stats.damage++;
	if (r->cbs.damage)
		r->cbs.damage(r->ctx, off, skipped, r->msg);
}

static void rd_consume(struct pcg_rec_reader *r, size_t n)
{
	r->in_off += n;
	r->in_len -= n;
	r->pos += n;
	if (!r->in_len)
		r->in_off = 0;
}

/* Ensures room for n more bytes after the window and appends them. */
static int rd_append(struct pcg_rec_reader *r, const void *buf, size_t n)
{
	size_t want = r->in_len + n;
	unsigned char *p;

	if (r->in_off + want > r->in_cap && r->in_off) {
		memmove(r->in, r->in + r->in_off, r->in_len);
		r->in_off = 0;
	}
	if (want > r->in_cap) {
		if (rd_mem(r) - r->in_cap + want > r->max_mem)
			return -ENOMEM; /* callers size n so that this cannot happen */
		p = realloc(r->in, want);
		if (!p)
			return -ENOMEM;
		r->in = p;
		r->in_cap = want;
		rd_mem_update(r);
	}
	memcpy(r->in + r->in_off + r->in_len, buf, n);
	r->in_len += n;
	return 0;
}

static int rd_inflate(struct pcg_rec_reader *r, const void *src, size_t len, void *dst,
		      size_t raw_len)
{
	const unsigned char *z = src;

	/* A zlib stream (RFC 1950) inflated as raw DEFLATE between its 2-byte header and its
	 * Adler-32: the payload's CRC32 is checked already, and the Adler-32 was 9% of a
	 * replay's instructions (callgrind). */
	if (len < 6 || (z[0] & 0x0f) != 8 || (z[0] >> 4) > 7 || (z[1] & 0x20) ||
	    ((unsigned)z[0] << 8 | z[1]) % 31)
		return -EBADMSG;
	if (inflateReset(&r->zs) != Z_OK)
		return -EBADMSG;
	r->zs.next_in = (Bytef *)z + 2;
	r->zs.avail_in = len - 2;
	r->zs.next_out = dst;
	r->zs.avail_out = raw_len;
	if (inflate(&r->zs, Z_FINISH) != Z_STREAM_END || r->zs.total_out != raw_len ||
	    r->zs.avail_in != 4)
		return -EBADMSG;
	return 0;
}

/* Inflates a block payload in steps of INFLATE_STEP bytes, walking the record headers as they
 * come out, and stops at the first record that cannot be valid (size below the header, or
 * running past raw_len): the block is damaged from there, so the rest is not worth the CPU (a
 * crafted block of 16 MiB of zeros costs one step, not 16 MiB of inflation).  Returns the
 * bytes to hand to the record walk (raw_len when the block inflated whole; up to and
 * including the bad record's header otherwise), or -EBADMSG if the stream is bad. */
#define INFLATE_STEP (256u << 10)

static long rd_inflate_block(struct pcg_rec_reader *r, const void *src, size_t len, void *dst,
			     size_t raw_len)
{
	const unsigned char *out = dst, *z = src;
	size_t scan = 0;
	int zr = Z_OK;

	/* raw DEFLATE between the zlib header and its Adler-32, as rd_inflate() */
	if (len < 6 || (z[0] & 0x0f) != 8 || (z[0] >> 4) > 7 || (z[1] & 0x20) ||
	    ((unsigned)z[0] << 8 | z[1]) % 31)
		return -EBADMSG;
	if (inflateReset(&r->zs) != Z_OK)
		return -EBADMSG;
	r->zs.next_in = (Bytef *)z + 2;
	r->zs.avail_in = len - 2;
	r->zs.next_out = dst;
	while (zr != Z_STREAM_END) {
		size_t room = raw_len - r->zs.total_out;

		r->zs.avail_out = room < INFLATE_STEP ? room : INFLATE_STEP;
		zr = inflate(&r->zs, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END && !(zr == Z_BUF_ERROR && !room))
			return -EBADMSG;
		while (scan + sizeof(struct pcg_ev_hdr) <= r->zs.total_out) {
			size_t sz = get_le16(out + scan + 2);

			if (sz < sizeof(struct pcg_ev_hdr) || (r->max_event && sz > r->max_event))
				return (long)(scan + sizeof(struct pcg_ev_hdr));
			if (sz > raw_len - scan)
				break; /* inflate on: the stream's own length check decides */
			scan += sz;
		}
		if (zr == Z_BUF_ERROR || (!room && zr != Z_STREAM_END))
			break;
	}
	if (zr != Z_STREAM_END || r->zs.total_out != raw_len || r->zs.avail_in != 4)
		return -EBADMSG;
	return (long)raw_len;
}

static void copy_str(char *dst, size_t size, const unsigned char *v, size_t len)
{
	len = MIN(len, size - 1);
	memcpy(dst, v, len);
	dst[len] = '\0';
}

/* Parses the TLV area into h; the snapshot is left in r->snap (inflated) or points into a. */
static int rd_parse_tlvs(struct pcg_rec_reader *r, const unsigned char *a, size_t len,
			 struct pcg_rec_header *h, size_t *ret_snap_off)
{
	bool have_snap = false;
	size_t off = 0;

	while (off < len) {
		const unsigned char *v;
		__u16 type, fl;
		__u32 vlen;

		if (len - off < TLV_HDR_LEN)
			return -EBADMSG;
		type = get_le16(a + off);
		fl = get_le16(a + off + 2);
		vlen = get_le32(a + off + 4);
		/* the value and its padding must fit */
		if (ALIGN8((size_t)vlen) > len - off - TLV_HDR_LEN)
			return -EBADMSG;
		v = a + off + TLV_HDR_LEN;

		switch (type) {
		case T_ABI_VERSION:
		case T_CGROUP_MODE:
		case T_KEY_V1_HIER:
		case T_FLAGS:
			if (vlen < 4)
				return -EBADMSG;
			if (type == T_ABI_VERSION)
				h->abi_version = get_le32(v);
			else if (type == T_CGROUP_MODE)
				h->cgroup_mode = get_le32(v);
			else if (type == T_KEY_V1_HIER)
				h->key_v1_hier = get_le32(v);
			else
				h->flags = get_le32(v);
			break;
		case T_BOOT_TO_REALTIME:
		case T_TRACED_HIER_MASK:
		case T_NSFS_DEV:
			if (vlen < 8)
				return -EBADMSG;
			if (type == T_BOOT_TO_REALTIME)
				h->boot_to_realtime_ns = (__s64)get_le64(v);
			else if (type == T_TRACED_HIER_MASK)
				h->traced_hier_mask = get_le64(v);
			else
				h->nsfs_dev = get_le64(v);
			break;
		case T_TOOL_VERSION:
			copy_str(h->tool_version, sizeof(h->tool_version), v, vlen);
			break;
		case T_HOSTNAME:
			copy_str(h->hostname, sizeof(h->hostname), v, vlen);
			break;
		case T_KERNEL_RELEASE:
			copy_str(h->kernel_release, sizeof(h->kernel_release), v, vlen);
			break;
		case T_BOOT_ID:
			copy_str(h->boot_id, sizeof(h->boot_id), v, vlen);
			break;
		case T_NODE:
			copy_str(h->node, sizeof(h->node), v, vlen);
			break;
		case T_HIER:
			if (vlen < 4)
				return -EBADMSG;
			/* more than we can hold: ignored (a newer writer may know more) */
			if (h->nr_hier < PCG_REC_MAX_HIER) {
				struct pcg_rec_hier *e = &h->hier[h->nr_hier++];

				e->id = get_le32(v);
				copy_str(e->controllers, sizeof(e->controllers), v + 4, vlen - 4);
			}
			break;
		case T_SNAPSHOT: {
			__u32 raw_len, sflags;

			if (have_snap || vlen < 8)
				return -EBADMSG;
			have_snap = true;
			raw_len = get_le32(v);
			sflags = get_le32(v + 4);
			if (raw_len > PCG_REC_SNAPSHOT_MAX)
				return -EBADMSG;
			if (sflags & ~SNAP_F_DEFLATE)
				return -EPROTONOSUPPORT;
			if (!(sflags & SNAP_F_DEFLATE)) {
				if (vlen - 8 != raw_len)
					return -EBADMSG;
				*ret_snap_off = off + TLV_HDR_LEN + 8;
				h->snapshot_len = raw_len;
				break;
			}
			if (rd_mem(r) + raw_len > r->max_mem)
				return -EFBIG;
			r->snap = malloc(MAX(raw_len, 1u));
			if (!r->snap)
				return -ENOMEM;
			r->snap_cap = raw_len;
			rd_mem_update(r);
			if (rd_inflate(r, v + 8, vlen - 8, r->snap, raw_len))
				return -EBADMSG;
			h->snapshot = r->snap;
			h->snapshot_len = raw_len;
			break;
		}
		default:
			if (fl & TLV_F_CRITICAL)
				return -EPROTONOSUPPORT;
			break;
		}
		off += TLV_HDR_LEN + ALIGN8((size_t)vlen);
	}
	return 0;
}

static int rd_prefix(struct pcg_rec_reader *r)
{
	const unsigned char *p = r->in + r->in_off;
	size_t n = r->in_len;
	__u32 hdr_len;

	if (memcmp(p, pcg_rec_file_magic, MIN(n, sizeof(pcg_rec_file_magic))))
		return -ENOMSG;
	if (n >= 10 && get_le16(p + 8) != PCG_REC_MAJOR)
		return -EPROTONOSUPPORT;
	if (n < FILE_PREFIX_LEN) {
		r->need = FILE_PREFIX_LEN;
		return 0;
	}
	hdr_len = get_le32(p + 12);
	if (hdr_len > PCG_REC_HDR_MAX)
		return -EBADMSG;
	if (rd_mem(r) - r->in_cap + MAX(r->in_cap, FILE_PREFIX_LEN + (size_t)hdr_len) > r->max_mem)
		return -EFBIG;
	r->st = RD_HEADER;
	r->need = FILE_PREFIX_LEN + hdr_len;
	return 1;
}

static int rd_header(struct pcg_rec_reader *r)
{
	const unsigned char *p = r->in + r->in_off;
	struct pcg_rec_header h;
	size_t hdr_len = r->need - FILE_PREFIX_LEN, snap_off = 0, good;
	__u32 nr;
	int err;

	if (r->in_len < r->need)
		return 0;
	if (crc(crc(0, p + 8, 12), p + FILE_PREFIX_LEN, hdr_len) != get_le32(p + 20))
		return -EBADMSG;
	memset(&h, 0, sizeof(h));
	h.major = get_le16(p + 8);
	h.minor = get_le16(p + 10);
	err = rd_parse_tlvs(r, p + FILE_PREFIX_LEN, hdr_len, &h, &snap_off);
	if (err)
		return err;
	if (snap_off)
		h.snapshot = p + FILE_PREFIX_LEN + snap_off;
	if (h.snapshot_len) {
		good = pcg_rec_events_valid_prefix(h.snapshot, h.snapshot_len, &nr);
		if (good != h.snapshot_len) {
			rd_damage(r, FILE_PREFIX_LEN, 0,
				  "snapshot: malformed record at byte %zu of %zu; the rest dropped",
				  good, h.snapshot_len);
			h.snapshot_len = good;
		}
	}
	if (!h.snapshot_len)
		h.snapshot = NULL;
	r->stats.flags |= PCG_REC_S_HEADER;
	if (r->cbs.header) {
		err = r->cbs.header(r->ctx, &h);
		if (err < 0)
			return err;
	}
	free(r->snap);
	r->snap = NULL;
	r->snap_cap = 0;
	rd_consume(r, r->need);
	r->st = RD_BLOCK;
	r->need = BLOCK_HDR_LEN;
	return 1;
}

/* Index of the first byte that may start a block magic (a partial match at the end counts). */
static size_t rd_scan(const unsigned char *p, size_t n)
{
	const unsigned char *q = p, *end = p + n;

	while ((q = memchr(q, pcg_rec_block_magic[0], end - q))) {
		if (!memcmp(q, pcg_rec_block_magic,
			    MIN((size_t)(end - q), sizeof(pcg_rec_block_magic))))
			return q - p;
		q++;
	}
	return n;
}

/* Validates a block header: 0 if it can be trusted, -1 if not (then we resync). */
static int rd_parse_bhdr(const unsigned char *p, struct rd_block *b)
{
	if (memcmp(p, pcg_rec_block_magic, sizeof(pcg_rec_block_magic)) ||
	    crc(0, p, 28) != get_le32(p + 28))
		return -1;
	b->type = get_le16(p + 4);
	b->flags = get_le16(p + 6);
	b->seq = get_le32(p + 8);
	b->nr = get_le32(p + 12);
	b->raw_len = get_le32(p + 16);
	b->comp_len = get_le32(p + 20);
	b->crc = get_le32(p + 24);
	switch (b->type) {
	case BT_EVENTS:
		if (!b->nr || b->raw_len > PCG_REC_BLOCK_RAW_MAX ||
		    (__u64)b->nr * EV_HDR_LEN > b->raw_len || b->comp_len > b->raw_len ||
		    ((b->flags & BF_STORED) && b->comp_len != b->raw_len))
			return -1;
		return 0;
	case BT_TRAILER:
		if (b->flags != BF_STORED || b->nr || b->raw_len > PCG_REC_TRAILER_MAX ||
		    b->comp_len != b->raw_len)
			return -1;
		return 0;
	default:
		/* a block type from a newer minor version: skipped by its length */
		if (b->comp_len > PCG_REC_BLOCK_RAW_MAX)
			return -1;
		return 0;
	}
}

static void rd_skip_begin(struct pcg_rec_reader *r, const char *what)
{
	size_t n = strnlen(what, sizeof(r->skip_what) - 1);

	r->skipping = true;
	r->skip_pos = r->pos;
	r->skip_len = 0;
	memcpy(r->skip_what, what, n);
	r->skip_what[n] = '\0';
}

/* Reports the current run of skipped bytes; lost = blocks missing by sequence number. */
static void rd_skip_end(struct pcg_rec_reader *r, __u32 lost, const char *tail)
{
	if (lost)
		rd_damage(r, r->skip_pos, r->skip_len, "%s; %u block(s) lost%s", r->skip_what, lost,
			  tail);
	else
		rd_damage(r, r->skip_pos, r->skip_len, "%s%s", r->skip_what, tail);
	r->skipping = false;
	r->skip_run = 0;
}

/* Counts n garbage bytes (already consumed or about to be) and gives up past max_skip. */
static void rd_count_skip(struct pcg_rec_reader *r, __u64 n)
{
	r->stats.bytes_skipped += n;
	r->skip_run += n;
	if (r->max_skip && r->skip_run > r->max_skip && r->st != RD_DONE) {
		char tail[80];

		snprintf(tail, sizeof(tail), "; giving up after %llu bytes without a valid block",
			 (unsigned long long)r->skip_run);
		if (r->skipping)
			rd_skip_end(r, 0, tail);
		else
			rd_damage(r, r->after_end_pos, r->after_end,
				  "data after the end-of-file trailer%s", tail);
		r->st = RD_DONE;
		r->stats.flags |= PCG_REC_S_GAVE_UP;
	}
}

static void rd_skip(struct pcg_rec_reader *r, size_t n)
{
	rd_consume(r, n);
	r->skip_len += n;
	rd_count_skip(r, n);
}

/* Sequence bookkeeping for a block whose header is good; reports gaps.  A block from the past
 * (spliced in again or reordered) is reported and does not move the expected number. */
static void rd_seq(struct pcg_rec_reader *r)
{
	__u32 gap = r->b.seq - r->next_seq;

	if (gap >= 0x80000000u) {
		if (r->skipping)
			rd_skip_end(r, 0, "");
		rd_damage(r, r->block_pos, 0, "block %u out of sequence (expected %u)", r->b.seq,
			  r->next_seq);
		return;
	} else if (r->skipping) {
		rd_skip_end(r, gap, "");
	} else if (gap) {
		rd_damage(r, r->block_pos, 0, "%u block(s) missing before block %u (sequence gap)",
			  gap, r->b.seq);
	}
	r->stats.bad_blocks += gap;
	r->next_seq = r->b.seq + 1;
}

static void rd_discard(struct pcg_rec_reader *r, bool damage)
{
	r->st = RD_DISCARD;
	r->discard_left = BLOCK_HDR_LEN + (__u64)r->b.comp_len;
	r->discard_is_damage = damage;
}

static int rd_block(struct pcg_rec_reader *r)
{
	const unsigned char *p;
	size_t i, mem;

	if (r->skipping) {
		i = rd_scan(r->in + r->in_off, r->in_len);
		if (i) {
			rd_skip(r, i);
			return 1;
		}
	}
	if (r->in_len < BLOCK_HDR_LEN) {
		r->need = BLOCK_HDR_LEN;
		return 0;
	}
	p = r->in + r->in_off;
	if (rd_parse_bhdr(p, &r->b)) {
		if (!r->skipping)
			rd_skip_begin(r, "corrupt block header, skipped to the next block");
		rd_skip(r, 1);
		return 1;
	}
	r->block_pos = r->pos;
	rd_seq(r);

	if (r->b.type != BT_EVENTS && r->b.type != BT_TRAILER) {
		rd_discard(r, false);
		return 1;
	}
	if (r->b.type == BT_EVENTS && (r->b.flags & ~BF_STORED)) {
		r->stats.bad_blocks++;
		rd_damage(r, r->pos, BLOCK_HDR_LEN + (__u64)r->b.comp_len,
			  "block %u: unsupported flags 0x%x, skipped", r->b.seq, r->b.flags);
		rd_discard(r, true);
		return 1;
	}
	mem = MAX(r->in_cap, BLOCK_HDR_LEN + (size_t)r->b.comp_len) + RD_SCRATCH_LEN +
	      (r->b.flags & BF_STORED ? r->raw_cap : MAX(r->raw_cap, (size_t)r->b.raw_len));
	if (mem > r->max_mem) {
		r->stats.bad_blocks++;
		rd_damage(r, r->pos, BLOCK_HDR_LEN + (__u64)r->b.comp_len,
			  "block %u: needs %zu bytes, over the memory limit of %zu; skipped",
			  r->b.seq, mem, r->max_mem);
		rd_discard(r, true);
		return 1;
	}
	r->st = RD_PAYLOAD;
	r->need = BLOCK_HDR_LEN + r->b.comp_len;
	return 1;
}

/* Delivers the events of a good block; returns a callback error, else 0. */
static int rd_deliver(struct pcg_rec_reader *r, const unsigned char *data, size_t len)
{
	struct pcg_rec_ev_iter it;
	const void *ev;
	size_t sz;
	int err;

	pcg_rec_ev_iter_init(&it, data, len, &r->scratch);
	while ((err = pcg_rec_ev_iter_next(&it, &ev, &sz)) > 0) {
		if (r->max_event && sz > r->max_event) {
			it.bad = "record larger than any event of its ABI";
			it.off -= sz;
			it.nr--;
			break;
		}
		rd_mem_update(r);
		if (r->cbs.event) {
			err = r->cbs.event(r->ctx, ev, sz);
			if (err < 0)
				return err;
		}
		r->stats.events++;
	}
	if (err == -ENOMEM)
		return err;
	if (it.bad) {
		r->stats.bad_blocks++;
		rd_damage(r, r->block_pos, 0,
			  "block %u: %s at byte %zu of %zu; the rest of the block "
			  "(%u of %u records) dropped",
			  r->b.seq, it.bad, it.off, len, r->b.nr > it.nr ? r->b.nr - it.nr : 0,
			  r->b.nr);
	} else if (it.nr != r->b.nr) {
		r->stats.bad_blocks++;
		rd_damage(r, r->block_pos, 0, "block %u: holds %u records, its header says %u",
			  r->b.seq, it.nr, r->b.nr);
	} else {
		r->stats.blocks++;
	}
	return 0;
}

static int rd_trailer(struct pcg_rec_reader *r, const unsigned char *p)
{
	struct pcg_rec_trailer t;
	int err;

	t.blocks = get_le64(p);
	t.events = get_le64(p + 8);
	t.raw_bytes = get_le64(p + 16);
	t.lost = get_le64(p + 24);
	t.first_ts = get_le64(p + 32);
	t.last_ts = get_le64(p + 40);
	r->stats.flags |= PCG_REC_S_TRAILER;
	if (t.blocks != r->stats.blocks || t.events != r->stats.events)
		rd_damage(r, r->block_pos, 0,
			  "end-of-file trailer: %llu records in %llu blocks written, "
			  "%llu records in %llu whole blocks read",
			  (unsigned long long)t.events, (unsigned long long)t.blocks,
			  (unsigned long long)r->stats.events, (unsigned long long)r->stats.blocks);
	if (r->cbs.trailer) {
		err = r->cbs.trailer(r->ctx, &t);
		if (err < 0)
			return err;
	}
	return 0;
}

static int rd_payload(struct pcg_rec_reader *r)
{
	const unsigned char *payload;
	unsigned char *p;
	size_t total = BLOCK_HDR_LEN + (size_t)r->b.comp_len;
	int err;

	if (r->in_len < total)
		return 0;
	payload = r->in + r->in_off + BLOCK_HDR_LEN;
	r->st = RD_BLOCK;
	r->need = BLOCK_HDR_LEN;

	if (crc(0, payload, r->b.comp_len) != r->b.crc) {
		/* The length may be what is wrong: resync from the byte after this block's magic
		 * rather than trusting it. */
		r->stats.bad_blocks++;
		snprintf(r->msg, sizeof(r->msg), "%s %u: payload CRC mismatch",
			 r->b.type == BT_TRAILER ? "end-of-file trailer, block" : "block",
			 r->b.seq);
		rd_skip_begin(r, r->msg);
		rd_skip(r, 1);
		return 1;
	}

	if (r->b.type == BT_TRAILER) {
		if (r->b.raw_len < TRAILER_LEN) {
			r->stats.bad_blocks++;
			rd_damage(r, r->pos, total, "end-of-file trailer too short (%u bytes)",
				  r->b.raw_len);
			rd_consume(r, total);
			r->stats.bytes_skipped += total;
			return 1;
		}
		err = rd_trailer(r, payload);
		if (err)
			return err;
		rd_consume(r, total);
		r->st = RD_END;
		r->after_end_pos = r->pos;
		return 1;
	}

	if (r->b.flags & BF_STORED) {
		err = rd_deliver(r, payload, r->b.raw_len);
	} else {
		if (r->raw_cap < r->b.raw_len) {
			p = realloc(r->raw, r->b.raw_len);
			if (!p)
				return -ENOMEM;
			r->raw = p;
			r->raw_cap = r->b.raw_len;
			rd_mem_update(r);
		}
		long n = rd_inflate_block(r, payload, r->b.comp_len, r->raw, r->b.raw_len);

		if (n < 0) {
			r->stats.bad_blocks++;
			r->stats.bytes_skipped += total;
			rd_damage(r, r->pos, total,
				  "block %u: payload does not inflate to its %u bytes; skipped",
				  r->b.seq, r->b.raw_len);
			rd_consume(r, total);
			return 1;
		}
		err = rd_deliver(r, r->raw, (size_t)n);
	}
	if (err)
		return err;
	rd_consume(r, total);
	return 1;
}

/* Bytes after the trailer: counted and reported at the end, never buffered. */
static void rd_after_end(struct pcg_rec_reader *r, size_t n)
{
	r->after_end += n;
	rd_count_skip(r, n);
}

static int rd_step(struct pcg_rec_reader *r)
{
	size_t n;

	switch (r->st) {
	case RD_PREFIX:
		return rd_prefix(r);
	case RD_HEADER:
		return rd_header(r);
	case RD_BLOCK:
		return rd_block(r);
	case RD_PAYLOAD:
		return rd_payload(r);
	case RD_DISCARD:
		n = MIN((__u64)r->in_len, r->discard_left);
		rd_consume(r, n);
		r->discard_left -= n;
		if (r->discard_is_damage)
			r->stats.bytes_skipped += n;
		if (r->discard_left)
			return 0;
		r->st = RD_BLOCK;
		r->need = BLOCK_HDR_LEN;
		return 1;
	case RD_END:
		n = r->in_len;
		rd_consume(r, n);
		rd_after_end(r, n);
		return 0;
	case RD_DONE:
		return 0;
	}
	return -EINVAL;
}

struct pcg_rec_reader *pcg_rec_reader__new(const struct pcg_rec_reader_cbs *cbs, void *ctx,
					   size_t max_mem)
{
	struct pcg_rec_reader *r;

	r = calloc(1, sizeof(*r));
	if (!r) {
		errno = ENOMEM;
		return NULL;
	}
	if (cbs)
		r->cbs = *cbs;
	r->ctx = ctx;
	r->max_mem = max_mem ? MAX(max_mem, (size_t)RD_MIN_MEM) : PCG_REC_DEFAULT_MAX_MEM;
	r->max_skip = PCG_REC_DEFAULT_MAX_SKIP;
	r->st = RD_PREFIX;
	r->need = FILE_PREFIX_LEN;
	r->in_cap = BLOCK_HDR_LEN + RD_CHUNK;
	r->in = malloc(r->in_cap);
	if (!r->in || inflateInit2(&r->zs, -MAX_WBITS) != Z_OK) {
		free(r->in);
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	r->zs_ready = true;
	rd_mem_update(r);
	return r;
}

void pcg_rec_reader__set_max_event(struct pcg_rec_reader *r, size_t max_event)
{
	r->max_event = max_event;
}

void pcg_rec_reader__set_max_skip(struct pcg_rec_reader *r, __u64 max_skip)
{
	if (r)
		r->max_skip = max_skip;
}

int pcg_rec_reader__feed(struct pcg_rec_reader *r, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t want, n;
	int ret;

	if (!r || (!buf && len) || r->finished)
		return -EINVAL;
	if (r->err)
		return r->err;
	for (;;) {
		if (r->st == RD_DONE)
			return 1;
		ret = rd_step(r);
		if (ret < 0) {
			r->err = ret;
			return ret;
		}
		if (r->st == RD_DONE)
			return 1;
		if (ret > 0)
			continue;
		if (!len)
			return 0;
		if (!r->in_len && (r->st == RD_DISCARD || r->st == RD_END)) {
			/* bytes nobody will look at: never buffered */
			if (r->st == RD_DISCARD) {
				n = MIN((__u64)len, r->discard_left);
				r->discard_left -= n;
				if (r->discard_is_damage)
					r->stats.bytes_skipped += n;
			} else {
				n = len;
				rd_after_end(r, n);
			}
			r->pos += n;
			r->stats.bytes_in += n;
			p += n;
			len -= n;
			continue;
		}
		want = r->need > r->in_len ? r->need - r->in_len : 1;
		/* while scanning, take what fits in the buffer we have, to scan in big steps */
		if (r->skipping && r->in_cap - r->in_len > want)
			want = r->in_cap - r->in_len;
		n = MIN(want, len);
		ret = rd_append(r, p, n);
		if (ret < 0) {
			r->err = ret;
			return ret;
		}
		r->stats.bytes_in += n;
		p += n;
		len -= n;
	}
}

int pcg_rec_reader__finish(struct pcg_rec_reader *r)
{
	if (!r)
		return -EINVAL;
	if (r->finished || r->err) {
		r->finished = true;
		goto out;
	}
	r->finished = true;
	if (!(r->stats.flags & PCG_REC_S_HEADER)) {
		if (r->in_len)
			rd_damage(r, 0, r->in_len, "file header cut after %zu bytes", r->in_len);
		goto out;
	}
	switch (r->st) {
	case RD_BLOCK:
		if (r->skipping) {
			r->skip_len += r->in_len;
			rd_count_skip(r, r->in_len);
			rd_consume(r, r->in_len);
			if (r->skipping)
				rd_skip_end(r, 0, "; the input ends before another good block");
		} else if (r->in_len) {
			r->stats.bytes_skipped += r->in_len;
			rd_damage(r, r->pos, r->in_len,
				  "truncated: input ends inside a block header");
			rd_consume(r, r->in_len);
			break;
		}
		if (r->st == RD_DONE)
			break;
		rd_damage(r, r->pos, 0,
			  "truncated: no end-of-file trailer (the recording was cut or killed)");
		break;
	case RD_PAYLOAD:
		r->stats.bytes_skipped += r->in_len;
		r->stats.bad_blocks++;
		rd_damage(r, r->pos, r->in_len,
			  "truncated: input ends inside block %u (%zu of %zu bytes)", r->b.seq,
			  r->in_len, BLOCK_HDR_LEN + (size_t)r->b.comp_len);
		rd_consume(r, r->in_len);
		break;
	case RD_DISCARD:
		rd_damage(r, r->pos, 0, "truncated: input ends inside skipped block %u", r->b.seq);
		break;
	case RD_END:
		if (r->after_end)
			rd_damage(r, r->after_end_pos, r->after_end,
				  "data after the end-of-file trailer, ignored");
		break;
	default:
		break;
	}
out:
	if (r->err)
		return r->err;
	return (r->stats.flags & PCG_REC_S_HEADER) ? 0 : -EBADMSG;
}

void pcg_rec_reader__stats(const struct pcg_rec_reader *r, struct pcg_rec_stats *ret)
{
	if (!r || !ret)
		return;
	*ret = r->stats;
}

void pcg_rec_reader__free(struct pcg_rec_reader *r)
{
	if (!r)
		return;
	if (r->zs_ready)
		inflateEnd(&r->zs);
	free(r->in);
	free(r->raw);
	free(r->scratch);
	free(r->snap);
	free(r);
}

int pcg_rec_foreach_event(const void *buf, size_t len,
			  int (*fn)(void *ctx, const void *ev, size_t len), void *ctx)
{
	struct pcg_rec_ev_iter it;
	unsigned char *scratch = NULL;
	const void *ev;
	size_t sz;
	int err;

	if (!fn || (!buf && len))
		return -EINVAL;
	pcg_rec_ev_iter_init(&it, buf, len, &scratch);
	while ((err = pcg_rec_ev_iter_next(&it, &ev, &sz)) > 0) {
		err = fn(ctx, ev, sz);
		if (err < 0)
			break;
	}
	free(scratch);
	return err > 0 ? 0 : err;
}
