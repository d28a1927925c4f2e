/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* output.c - the formatted output on stdout. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "log.h"
#include "modes.h"
#include "output.h"
#include "sbuf.h"

void pcg_output_buffer(void)
{
	static char buf[PCG_OUTPUT_BUF]; /* glibc ignores the size without a buffer */

	setvbuf(stdout, buf, _IOFBF, sizeof(buf)); /* best effort */
}

int pcg_output_sink(void *ctx, const char *buf, size_t len)
{
	struct pcg_output *o = ctx;

	if (o->quiet || o->gone)
		return 0;
	if (fwrite(buf, 1, len, stdout) != len) {
		/* the reader went away (`| head`): stop like other tools do, quietly; a
		 * recording in progress is still finished properly */
		if (errno == EPIPE) {
			o->gone = true;
			return 0;
		}
		o->err = errno ? errno : EIO;
		return -o->err;
	}
	o->wrote = true;
	return 0;
}

void pcg_output_header(struct pcg_output *o, const struct pcg_fmt_opts *fo)
{
	struct pcg_sbuf hb;

	pcg_sbuf_init(&hb);
	pcg_fmt_header(&hb, fo);
	fputs(hb.buf, stdout);
	pcg_sbuf_done(&hb);
}

void pcg_output_flush(struct pcg_output *o)
{
	o->wrote = false;
	if (!fflush(stdout))
		return;
	if (errno == EPIPE)
		o->gone = true;
	else if (!o->err)
		o->err = errno ? errno : EIO;
}

int pcg_output_finish(struct pcg_output *o, int ret)
{
	pcg_output_flush(o);
	if (o->err && !o->gone && ret == PCG_EXIT_OK) {
		pcg_err("cannot write the output: %s", strerror(o->err));
		return PCG_EXIT_FAIL;
	}
	return ret;
}
