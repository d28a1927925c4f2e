/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* timeline_io.c - wires --timeline into the live and replay paths (impure: writes the SVG). */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "pipeline.h"
#include "sbuf.h"
#include "timeline.h"
#include "timeline_io.h"

static struct pcg_timeline *the_tl;

/* Makes the one timeline (once), and sets it as @po's observer (@ctx, with @ob) in place of the
 * per-event output.  False without --timeline, or when it cannot be made (said). */
static bool attach(const struct pcg_opts *o, struct pcg_pipeline_opts *po,
		   const struct pcg_timeline_opts *to, const struct pcg_observer *ob, void *ctx)
{
	if (!o->timeline)
		return false;
	if (!the_tl) {
		the_tl = pcg_timeline__new(to);
		if (!the_tl) {
			pcg_err("cannot set up the timeline: %s", strerror(errno));
			return false;
		}
	}
	po->observer = ob;
	po->observer_ctx = ctx ? ctx : the_tl;
	po->observer_only = true;
	/* no event is formatted: this only keeps the event columns' header off the output */
	po->fmt.json = true;
	return true;
}

void pcg_timeline_io_attach(const struct pcg_opts *o, struct pcg_pipeline_opts *po)
{
	struct pcg_timeline_opts to = {
		.json = o->json,
		.boot_to_realtime_ns = po->fmt.boot_to_realtime_ns,
		.node = po->fmt.node,
	};

	attach(o, po, &to, &pcg_timeline_observer, NULL);
}

void pcg_timeline_io_attach_input(const struct pcg_opts *o, struct pcg_pipeline_opts *po,
				  struct pcg_timeline_input *in, const char *node, __s64 ref_b2r)
{
	struct pcg_timeline_opts to = {
		.json = o->json,
		.boot_to_realtime_ns = ref_b2r,
	};

	if (!attach(o, po, &to, &pcg_timeline_input_observer, in))
		return;
	in->tl = the_tl;
	in->node = node;
}

void pcg_timeline_io_flush(struct pcg_sbuf *sb)
{
	if (the_tl)
		pcg_timeline__flush(the_tl, sb);
}

static int write_all(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
	int err = 0;

	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
		buf += n;
		len -= n;
	}
	if (close(fd) && !err)
		err = -errno;
	return err;
}

int pcg_timeline_io_finish(const struct pcg_opts *o, int ret)
{
	struct pcg_sbuf sb;
	int err;

	if (!the_tl)
		return ret;
	if (o->timeline_svg) {
		pcg_sbuf_init(&sb);
		sb.max = 256u << 20;
		pcg_timeline__svg(the_tl, &sb);
		err = sb.oom ? -ENOMEM : write_all(o->timeline_svg, sb.buf, sb.len);
		if (err) {
			pcg_err("cannot write the timeline chart '%s': %s", o->timeline_svg,
				strerror(-err));
			ret = 1;
		} else {
			pcg_info("timeline chart written to '%s' (%zu bytes)", o->timeline_svg,
				 sb.len);
		}
		pcg_sbuf_done(&sb);
	}
	pcg_timeline__free(the_tl);
	the_tl = NULL;
	return ret;
}
