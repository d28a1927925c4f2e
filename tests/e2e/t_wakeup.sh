#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_wakeup.sh - e2e: the kernel side wakes an idle reader.  After 200 ms without records the
# reader sleeps up to a second and only the programs wake it: a pod's cgroups, a container's
# cgroup and its first exec through the "asleep" flag (the mkdir that completes a cgroup in
# every traced hierarchy, the first exec of a process that came into a container), a later
# exec in the container as the first record after the quiet time.  Each line must show up
# within 150 ms of the act that makes it (10-20 ms here).  The act comes 0.8 s after the last
# record, when the reader has slept for about 0.6 s of its second: a missed wakeup would leave
# the line for the reader's timeout, about 0.4 s later (a build without the wakeups failed
# here).  Both program sets (pcg_* and, PODCG_BPF_COMPAT=1,
# pcgc_*), each checked against runc's state and /proc as well.
. "$(dirname "$0")/lib.sh"
e2e_init t_wakeup
e2e_require_tracer

QUIET=0.8 # s: 200 ms after the last record (at most 250 ms after the act) the reader sleeps 1 s
BOUND_MS=$((150 * E2E_TIME_SCALE))

# ms from now until a line of the tracer's output matches the extended regex $1 (grep, every
# 5 ms, for up to 3 s); 99999 if none does
ms_until() {
	local t0 i
	t0=$(date +%s%N)
	for i in $(seq 1 600); do
		if grep -Eq "$1" "$E2E_TRACE_OUT"; then
			echo $((($(date +%s%N) - t0) / 1000000))
			return
		fi
		sleep 0.005
	done
	echo 99999
}

run_set() {
	local set=$1 r
	local -a late=()
	tracer_start
	for r in 1 2; do
		sleep "$QUIET"
		pod_create "P$set$r" systemd besteffort
		late+=("pod_create $(ms_until "\"event\":\"pod_create\",.*\"pod_uid\":\"${POD_UID[P$set$r]}\"")")
		sleep "$QUIET"
		ctr_create "C$set$r" "P$set$r" containerd -- /bin/sleep 30
		late+=("container_create $(ms_until "\"event\":\"container_create\",.*\"container_id\":\"${CTR_ID[C$set$r]}\"")")
		sleep "$QUIET"
		ctr_start "C$set$r"
		late+=("container_start $(ms_until "\"event\":\"container_start\",.*\"container_id\":\"${CTR_ID[C$set$r]}\"")")
		sleep "$QUIET"
		ctr_exec "C$set$r" XPID -- /bin/sleep 0.2
		late+=("exec $(ms_until "\"event\":\"exec\",.*\"pid\":$XPID,")")
		ctr_exec_wait "C$set$r" "$XPID"
	done
	check_begin "$set: each line within ${BOUND_MS} ms of its act after ${QUIET} s of quiet (${#late[@]} lines)"
	local l
	for l in "${late[@]}"; do
		[ "${l##* }" -le "$BOUND_MS" ] || check_fail "$l ms"
	done
	[ ${#late[@]} -eq 8 ] || check_fail "only ${#late[@]} measurements"
	e2e_log "$set: ${late[*]}"
	check_end
	e2e_teardown
	e2e_standard_checks
}

run_set pcg
# the compat set: same checks on a fresh tracer, pods and containers
E2E_PODS=()
E2E_CTRS=()
export PODCG_BPF_COMPAT=1
run_set pcgc
e2e_finish
