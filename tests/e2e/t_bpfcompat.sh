#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_bpfcompat.sh - e2e: the two sets of BPF programs.  pcg_* walk kernel pointers through
# bpf_rdonly_cast() (6.2+: a fast load); pcgc_* do without, for older kernels, and are what the
# loader falls back to when the kernel refuses pcg_*.  This kernel may have either:
#   - by default, the set the kernel can take is loaded (pcg_* when vmlinux has the kfunc);
#   - PODCG_BPF_COMPAT=1 loads pcgc_* here too, and they report what pcg_* report: a container
#     started under the tracer (start with its namespaces, exec, exit code), a process
#     clone3(CLONE_INTO_CGROUP)'d into it, nothing of an exec storm outside containers.
. "$(dirname "$0")/lib.sh"
e2e_init t_bpfcompat
e2e_require_tracer bpftool

# "name name ..." of the BPF programs the tracer holds
tracer_progs() {
	local id
	for id in $(awk '/^prog_id:/ { print $2 }' /proc/"$E2E_TRACER_PID"/fdinfo/* 2>/dev/null | sort -un); do
		bpftool prog show id "$id" 2>/dev/null | awk 'NR == 1 { for (i = 1; i < NF; i++) if ($i == "name") print $(i + 1) }'
	done | sort | tr '\n' ' '
}

# (grep -c reads it all: grep -q would SIGPIPE bpftool, a failure under pipefail)
if bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -c "FUNC 'bpf_rdonly_cast'" >/dev/null; then
	want_default=pcg_fork
else
	want_default=pcgc_fork
fi
tracer_start --duration 5
check_begin "by default the programs the kernel can take are loaded ($want_default)"
progs=$(tracer_progs)
[[ " $progs " == *" $want_default "* ]] || check_fail "programs held: $progs"
check_end
tracer_stop

export PODCG_BPF_COMPAT=1
tracer_start
check_begin "PODCG_BPF_COMPAT=1 loads the six pcgc_* programs and no pcg_* twin"
progs=$(tracer_progs)
for p in pcgc_fork pcgc_exec pcgc_exit pcgc_cgroup_attach pcgc_cgroup_mkdir pcgc_cgroup_rmdir; do
	[[ " $progs " == *" $p "* ]] || check_fail "$p not loaded; programs held: $progs"
done
for p in pcg_fork pcg_exec pcg_exit pcg_cgroup_attach pcg_cgroup_mkdir pcg_cgroup_rmdir; do
	[[ " $progs " != *" $p "* ]] || check_fail "$p loaded too; programs held: $progs"
done
check_end

pod_create P systemd burstable
ctr_create S P containerd -- /bin/sleep 60
ctr_start S
ctr_create X P containerd --join S -- /bin/sh -c 'exit 3'
ctr_start X
ctr_wait_stopped X
ctr_expect_exit X "${CTR_PID[X]}" 3 0

[ -n "${E2E_HIER_MNT[0]:-}" ] &&
	check_clone_into_reported S "pcgc_*: clone3(CLONE_INTO_CGROUP) into a container: exec and exit reported"
check_storm_not_reported "pcgc_*: outside every container, an exec storm is not reported"

e2e_teardown
# S also holds the clone_into process, which its ground truth does not know: X and the pod
# are checked against theirs (start, namespaces, exit code 3, removal)
tracer_wait_pods_removed 5 || e2e_log "not every pod_remove seen before SIGINT"
tracer_stop
check_tracer_exit
check_stream
check_pod P
check_container X
e2e_finish
