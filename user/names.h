/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* names.h - live only: pod and container names from the node's own files, into the stream.
 *
 * Thin and impure: at the first cgroup event of a pod or a container it reads, best first,
 * the bundle config.json of the runtime process that made the cgroup (through
 * /proc/<writer>/root, only when that writer runs outside every container cgroup), then the
 * runtimes' state dirs (containerd, CRI-O, Docker, runc) and the kubelet's log dirs under the
 * host root, parses them with the pure user/meta.c and feeds a PCG_EV_META record ahead of the
 * cgroup record, so a recording replays with the same names anywhere.  Files are opened
 * without following any symlink, bounded in size; a source naming another pod UID is ignored
 * and counted.  What finds nothing is retried with the lasting sources for a short while (on
 * later calls), then given up: the container is reported without names.
 *
 * The lookup is synchronous and bounded (a few small files on tmpfs or local disk, no
 * network, no blocking open: O_NONBLOCK); the kernel's ring buffer keeps filling meanwhile
 * and is drained right after.
 */
#ifndef __PCG_NAMES_H
#define __PCG_NAMES_H

#include <linux/types.h>
#include <stddef.h>

struct pcg_names;

/* Feeds one raw record into the pipeline (the live loop's feed). */
typedef int (*pcg_names_feed_fn)(void *ctx, const void *rec, size_t len);

struct pcg_names_stats {
	unsigned long long lookups;	/* pods and containers looked up */
	unsigned long long found;	/* ... that got a name */
	unsigned long long retried;	/* lookups retried later with the lasting sources */
	unsigned long long cancelled;	/* retries dropped: the pod's or container's cgroup went */
	unsigned long long not_retried; /* lookups not retried: RETRY_MAX waited already */
	unsigned long long mismatch;	/* files naming another pod UID or container: ignored */
	unsigned long long refused;	/* files refused: symlink, not regular, too big, broken */
	unsigned long long ns_total;	/* time spent looking up (retries included) */
	unsigned long long ns_max;	/* the longest single lookup */
};

/* @host_root: where the host's files are ("/" or NULL by default; --host-root).  Opened now,
 * so it stays readable after the capabilities are dropped.  NULL with errno on failure. */
struct pcg_names *pcg_names__new(const char *host_root);
/* Called with every live record before it is fed: looks up the pod or container a cgroup
 * record is about (once each), and retries what is due; any PCG_EV_META record found goes
 * through @feed first. */
void pcg_names__before(struct pcg_names *n, const void *rec, size_t len, pcg_names_feed_fn feed,
		       void *ctx);
/* Parses cgroup paths through @m (the pipeline's, pcg_pipeline__path_memo()) from now on, so
 * that the correlator does not parse them again. */
void pcg_names__share_path_memo(struct pcg_names *n, struct pcg_cgpath_memo *m);
void pcg_names__stats(const struct pcg_names *n, struct pcg_names_stats *ret);
/* Frees; logs one summary line (pcg_info) when something was looked up. */
void pcg_names__free(struct pcg_names *n);
/* pcg_names__new() for a mode: an explicit @host_root that cannot be opened is an error
 * (said, -errno); any other failure is a warning and *ret is NULL (no names).  0 or -errno. */
int pcg_names__start(const char *host_root, struct pcg_names **ret);

#endif /* __PCG_NAMES_H */
