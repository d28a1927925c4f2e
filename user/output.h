/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* output.h - the formatted output on stdout (impure, thin): the pipeline's sink for live
 * tracing and replay.  A reader that goes away (`| head`, EPIPE) ends the output quietly;
 * any other write error is kept and makes the run fail at the end. */
#ifndef __PCG_OUTPUT_H
#define __PCG_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

struct pcg_fmt_opts;

struct pcg_output {
	bool quiet; /* -q: write nothing */
	bool wrote; /* written since the last flush */
	bool gone;  /* the reader closed its end (EPIPE) */
	int err;    /* first other write error (errno), 0 if none */
};

/* Before any output, in every mode: a buffer of PCG_OUTPUT_BUF bytes on stdout, written when
 * full or at pcg_output_flush() (the live loop flushes once per turn), so a burst of lines
 * costs one write, not one per 4 KiB (glibc's default for a file or a pipe, whatever size
 * setvbuf() is given without a buffer of its own: a replay made 16 times the writes). */
#define PCG_OUTPUT_BUF (64u << 10)
void pcg_output_buffer(void);

/* pcg_sink_fn; ctx is a struct pcg_output.  Returns 0 or -errno (not for EPIPE). */
int pcg_output_sink(void *ctx, const char *buf, size_t len);
/* Writes the text output's column header. */
void pcg_output_header(struct pcg_output *o, const struct pcg_fmt_opts *fo);
/* fflush(stdout), noting a reader that went away or an error. */
void pcg_output_flush(struct pcg_output *o);
/* The last flush at exit: a write error (a full disk) turns @ret PCG_EXIT_OK into
 * PCG_EXIT_FAIL, with one line on stderr; a reader that went away does not. */
int pcg_output_finish(struct pcg_output *o, int ret);

#endif /* __PCG_OUTPUT_H */
