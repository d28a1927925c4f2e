/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* core_compat.bpf.h - CO-RE accessors for kernel layouts that changed across versions.
 * Each workaround names the kernel change that made it necessary.
 */
#ifndef __PCG_CORE_COMPAT_BPF_H
#define __PCG_CORE_COMPAT_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>

/* A cgroup's parent directory, through the parent cgroup's css (cgroup::self.parent, set by
 * cgroup_create() before the mkdir tracepoint) rather than kernfs_node::parent: v6.15 renamed
 * that one to __parent (RCU-protected; seen breaking tracers in exein-io/pulsar PR #351), and
 * the flavor type its CO-RE fallback needs costs libbpf one more scan of every vmlinux BTF type
 * at each start (~1.5 ms).  These types are relocated anyway. */
static __always_inline struct kernfs_node *pcg_cgroup_parent_kn(struct cgroup *cgrp)
{
	return BPF_CORE_READ(cgrp, self.parent, cgroup, kn);
}

/* v5.6 added time namespaces (commit 769071ac9f20 "ns: Introduce Time Namespace"). */

static __always_inline __u32 pcg_time_ns(struct nsproxy *nsp)
{
	if (!bpf_core_field_exists(nsp->time_ns))
		return 0;
	/* direct loads (the caller's @nsp came from a BTF load): without the field, libbpf
	 * poisons them and the verifier never reaches them */
	return nsp->time_ns->ns.inum;
}

/* v5.5 made kernfs_node::id a plain u64, equal to the cgroup directory's inode
 * (commit 743210386c03); before, it was a union whose first member held the same
 * 64-bit value.  A raw u64 read at the field's relocated offset works for both. */
static __always_inline __u64 pcg_kn_id(struct kernfs_node *kn)
{
	__u64 id = 0;

	bpf_core_read(&id, sizeof(id), &kn->id);
	return id;
}

/* Whether any BPF task-local storage hangs on @t (task_struct::bpf_storage, 5.11+, only with
 * CONFIG_BPF_SYSCALL): NULL means none of ours either, known without a helper call.  A
 * kernel without the field says "maybe", and the caller asks the helper. */
static __always_inline bool pcg_task_has_storage(struct task_struct *t)
{
	if (!bpf_core_field_exists(t->bpf_storage))
		return true;
	return t->bpf_storage != NULL;
}

#endif /* __PCG_CORE_COMPAT_BPF_H */
