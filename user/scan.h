/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* scan.h - the host's cgroup layout, and the containers that exist when tracing starts.
 *
 * Impure and thin: reads /proc/self/cgroup, /proc/self/mountinfo, walks the
 * cgroup mounts and /proc/PID, and turns what it finds into raw ABI records
 * (PCG_EV_EXISTING_CGROUP, PCG_EV_EXISTING_TASK, then PCG_EV_SCAN_DONE) fed through the same
 * pipeline as the kernel's events, so a recording holds them too.
 */
#ifndef __PCG_SCAN_H
#define __PCG_SCAN_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "procfs.h"

/* Reads the layout; @all_hier: trace every hierarchy rather than cgroup2 + the key v1 one.
 * Returns 0 or -errno (-ENOENT: no cgroup filesystem mounted). */
int pcg_scan_layout(bool all_hier, struct pcg_layout *ret);
/* The same, saying on stderr why a mode cannot start without it. */
int pcg_scan_layout_said(bool all_hier, struct pcg_layout *ret);

typedef int (*pcg_scan_fn)(void *ctx, const void *rec, size_t len);
typedef int (*pcg_seed_fn)(void *ctx, __u32 hier, __u64 cgid);

/* Calls @fn for every cgroup directory at or below a kubepods root in the traced hierarchies
 * (the BPF filter's seed).  Returns the number of directories or -errno. */
int pcg_scan_seed(const struct pcg_layout *l, pcg_seed_fn fn, void *ctx);

/* Emits PCG_EV_EXISTING_CGROUP for every pod/container cgroup (every container cgroup with
 * @all), PCG_EV_EXISTING_TASK for every process in a container, then PCG_EV_SCAN_DONE.
 * Returns 0 or the callback's error; unreadable entries (processes that exit meanwhile) are
 * skipped. */
int pcg_scan_existing(const struct pcg_layout *l, bool all, pcg_scan_fn fn, void *ctx);
/* The same walk also seeding the BPF filter (@seed as in pcg_scan_seed(), NULL for none):
 * one walk of the tree after attaching instead of a scan and a second seed walk. */
int pcg_scan_existing_seed(const struct pcg_layout *l, bool all, pcg_scan_fn fn, void *ctx,
			   pcg_seed_fn seed, void *seed_ctx);

/* The container runtime behind a process, from its own and its ancestors' command lines
 * (containerd-shim "-namespace moby" = docker, "k8s.io" = containerd; conmon = crio or podman).
 * @pid: the runtime process that made a cgroup, or the parent of a container's process
 * (never a process inside the container: its name is not to be trusted).
 * Returns an enum pcg_runtime value, 0 when it cannot tell. */
int pcg_scan_runtime_of(int pid);
/* The parent of @pid, 0 if it cannot be read. */
int pcg_scan_parent_of(int pid);
/* The first process listed in @hier's cgroup @path, 0 if none. */
int pcg_scan_first_pid(const struct pcg_layout *l, __u32 hier, const char *path);

struct pcg_pipeline;
struct pcg_rec_header;
union pcg_enc_buf;

/* What a recording's header says of this host (and what the pipeline is built from): host
 * name, kernel, boot id, clock offset, @lay; @node: --node or NULL; @all: --all. */
void pcg_scan_header(const struct pcg_layout *lay, const char *node, bool all,
		     struct pcg_rec_header *ret);

/* When a container's cgroup name does not tell its runtime (a bare 64-hex id) and @pl does not
 * know it yet, asks the process tree (the runtime that made the cgroup, or the parent of a
 * process already in it) for the cgroup record @rec (a mkdir or an existing cgroup) and
 * encodes the answer as a PCG_EV_HINT into @ret, to be fed ahead of @rec so a replay sees it
 * too.  Returns the hint's size, 0 when there is none. */
size_t pcg_scan_hint(const struct pcg_layout *l, struct pcg_pipeline *pl, const void *rec,
		     size_t len, union pcg_enc_buf *ret);

#endif /* __PCG_SCAN_H */
