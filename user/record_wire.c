/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* record_wire.c - the one walk over concatenated raw events, for the writer and the reader. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record_wire.h"

int pcg_rec_ev_iter_next(struct pcg_rec_ev_iter *it, const void **ret_ev, size_t *ret_len)
{
	const unsigned char *ev;
	size_t left = it->len - it->off;
	__u32 sz;

	if (!left)
		return 0; /* before any pointer arithmetic: p may be NULL with len 0 */
	ev = it->p + it->off;
	if (left < EV_HDR_LEN) {
		it->bad = "truncated record header";
		return -EBADMSG;
	}
	sz = get_le16(ev + 2);
	if (sz < EV_HDR_LEN) {
		it->bad = "record size below the header size";
		return -EBADMSG;
	}
	if (sz > left) {
		it->bad = "record overruns the block";
		return -EBADMSG;
	}
	if (it->scratch && ((uintptr_t)ev & 7)) {
		if (!*it->scratch) {
			*it->scratch = malloc(RD_SCRATCH_LEN);
			if (!*it->scratch)
				return -ENOMEM;
		}
		memcpy(*it->scratch, ev, sz);
		ev = *it->scratch;
	}
	it->off += sz;
	it->nr++;
	*ret_ev = ev;
	*ret_len = sz;
	return 1;
}

size_t pcg_rec_events_valid_prefix(const void *buf, size_t len, __u32 *ret_nr)
{
	struct pcg_rec_ev_iter it;
	const void *ev;
	size_t sz;

	pcg_rec_ev_iter_init(&it, buf, len, NULL);
	while (pcg_rec_ev_iter_next(&it, &ev, &sz) > 0)
		;
	if (ret_nr)
		*ret_nr = it.nr;
	return it.off;
}
