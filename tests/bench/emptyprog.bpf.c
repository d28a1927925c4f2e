// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* emptyprog.bpf.c - the bench's in-kernel floor: three tp_btf programs on the tracepoints that
 * podcg-trace's pcg_fork, pcg_exec and pcg_exit run on, which do nothing.  Their ns per run
 * (bpf_stats) is what any tp_btf program costs a process on this machine: the trampoline's
 * entry and exit, and the accounting of bpf_stats itself. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/sched_process_fork")
int BPF_PROG(empty_fork, struct task_struct *parent, struct task_struct *child)
{
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(empty_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(empty_exit, struct task_struct *p)
{
	return 0;
}
