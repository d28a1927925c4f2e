/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* loader.h - BPF skeleton lifecycle and the ring buffer: open -> rodata -> load -> seed ->
 * attach -> poll.  The only module that includes libbpf and the skeleton.  It hands raw
 * record bytes to a callback and knows nothing about correlation. */
#ifndef __PCG_LOADER_H
#define __PCG_LOADER_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "pcg_abi.h"

struct pcg_loader_opts {
	bool all;
	__u64 hier_mask;
	int v1_ctrl;
	__u32 v1_hier;
	unsigned ringbuf_mb;
	int verbose; /* 1: libbpf debug, 2: + verifier log */
};

typedef int (*pcg_ring_fn)(void *ctx, const void *data, size_t len);

struct pcg_loader;

/* Opens and loads the BPF object.  Logs one clear line and returns NULL (errno set) on
 * failure. */
struct pcg_loader *pcg_loader__load(const struct pcg_loader_opts *opts);
/* Adds a cgroup to the in-kernel filter. */
int pcg_loader__track(struct pcg_loader *l, __u32 hier, __u64 cgid);
/* Attaches every program and sets up the ring buffer with @fn as its consumer. */
int pcg_loader__attach(struct pcg_loader *l, pcg_ring_fn fn, void *ctx);
/* An fd that becomes readable when records wait (for the caller's epoll). */
int pcg_loader__fd(struct pcg_loader *l);
/* Says that the in-kernel filter is complete (every tracked cgroup that existed before the
 * programs were attached is in it): processes started from now on are decided once, at fork.
 * Call it after the last pcg_loader__track of the start-up seed; the first
 * pcg_loader__consume calls it if the caller did not. */
void pcg_loader__filter_complete(struct pcg_loader *l);
/* Records one pcg_loader__consume() takes at most: under a flood, the caller's loop still
 * sees its signals, flushes its output and counts drops between batches. */
#define PCG_LOADER_BUDGET 4096
/* Consumes the waiting records, PCG_LOADER_BUDGET at most; returns the number consumed
 * (PCG_LOADER_BUDGET: more may wait) or -errno. */
int pcg_loader__consume(struct pcg_loader *l);
/* Tells the kernel side that the consumer polls at least every 20 ms until @until_ns
 * (CLOCK_BOOTTIME): a process's fork, exec and exit, a cgroup's removal and a move need not
 * wake it (a cgroup's creation and a container's first exec still do). */
void pcg_loader__set_lazy_until(struct pcg_loader *l, __u64 until_ns);
/* Before the consumer sleeps: asks the kernel side to wake it.  Returns false (and asks
 * nothing) if records wait already: read them first.  Between this and the sleep, a record
 * that needs the consumer wakes it (the ring buffer's fd becomes readable). */
bool pcg_loader__arm_wakeup(struct pcg_loader *l);
/* After it woke: records need not wake it while it reads. */
void pcg_loader__disarm_wakeup(struct pcg_loader *l);
/* Cgroup records (mkdir, rmdir, attach) the last pcg_loader__consume() took. */
unsigned pcg_loader__cgroup_records(const struct pcg_loader *l);
/* Sums the per-CPU drop counters into @ret (indexed by PCG_EV_*). */
int pcg_loader__drops(struct pcg_loader *l, __u64 ret[PCG_LOST_SLOTS]);
void pcg_loader__free(struct pcg_loader *l);

#endif /* __PCG_LOADER_H */
