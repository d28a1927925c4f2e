/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* timeline_io.h - wires --timeline into the live and replay paths (impure: writes the SVG).
 *
 * The one timeline (timeline.h) lives here, so main only makes two calls: one where it builds
 * the pipeline's options, one when the run ends. */
#ifndef __PCG_TIMELINE_IO_H
#define __PCG_TIMELINE_IO_H

#include <linux/types.h>

struct pcg_opts;
struct pcg_pipeline_opts;
struct pcg_sbuf;
struct pcg_timeline_input;

/* With --timeline: makes the timeline (once) and sets it as @po's observer, in place of the
 * per-event output.  Nothing otherwise. */
void pcg_timeline_io_attach(const struct pcg_opts *o, struct pcg_pipeline_opts *po);
/* The same for one input of a merged replay (several nodes or boots): the inputs share the
 * timeline through @in, each on its own clock; @ref_b2r is the smallest boot_to_realtime_ns
 * of all inputs (the timeline's clock), @node the input's node name (must outlive the run).
 * Set in->delta_ns = (each file's boot_to_realtime_ns) - @ref_b2r before feeding it. */
void pcg_timeline_io_attach_input(const struct pcg_opts *o, struct pcg_pipeline_opts *po,
				  struct pcg_timeline_input *in, const char *node, __s64 ref_b2r);
/* A merged replay's end of input, once after every input ended: the pods not yet reported and
 * the one summary, into @sb.  Nothing without --timeline. */
void pcg_timeline_io_flush(struct pcg_sbuf *sb);
/* End of the run with exit code @ret: writes --timeline-svg FILE, frees the timeline.
 * Returns @ret, or 1 when the SVG cannot be written. */
int pcg_timeline_io_finish(const struct pcg_opts *o, int ret);

#endif /* __PCG_TIMELINE_IO_H */
