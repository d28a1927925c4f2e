/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* timeline_io.h - wires --timeline into the live and replay paths (impure: writes the SVG).
 *
 * The one timeline (timeline.h) lives here, so main only makes two calls: one where it builds
 * the pipeline's options, one when the run ends. */
#ifndef __PCG_TIMELINE_IO_H
#define __PCG_TIMELINE_IO_H

struct pcg_opts;
struct pcg_pipeline_opts;

/* With --timeline: makes the timeline (once) and sets it as @po's observer, in place of the
 * per-event output.  Nothing otherwise. */
void pcg_timeline_io_attach(const struct pcg_opts *o, struct pcg_pipeline_opts *po);
/* End of the run with exit code @ret: writes --timeline-svg FILE, frees the timeline.
 * Returns @ret, or 1 when the SVG cannot be written. */
int pcg_timeline_io_finish(const struct pcg_opts *o, int ret);

#endif /* __PCG_TIMELINE_IO_H */
