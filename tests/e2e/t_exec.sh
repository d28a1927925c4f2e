#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_exec.sh - e2e: `runc exec` into a running container -> "exec" events with the exec'd pid,
# the container's namespaces, and their exits (codes 0 and 7); runc's own re-exec is not an exec.
. "$(dirname "$0")/lib.sh"
e2e_init t_exec
e2e_require_tracer

tracer_start
pod_create P systemd burstable
ctr_create S P containerd -- /bin/sleep 60
ctr_start S
ctr_create A P containerd --join S -- /bin/sleep 60
ctr_start A
ctr_exec A X1 -- /bin/sleep 1
ctr_exec A X2 -- /bin/sh -c 'sleep 1; exit 7'
ctr_exec_wait A "$X1"
ctr_exec_wait A "$X2"
e2e_teardown
e2e_standard_checks

check_begin "exec'd processes are in the container's namespaces (as reported)"
for p in "$X1" "$X2"; do
	ev=$(jq_events ".event == \"exec\" and .pid == $p" | head -1)
	[ -n "$ev" ] || { check_fail "no exec event for pid $p"; continue; }
	for n in "${E2E_NS_NAMES[@]}"; do
		v=$(jq -r --arg n "$n" '.ns[$n] // empty' <<<"$ev")
		c=$(jq -r --arg n "$n" '.procs[.init_pid|tostring].ns[$n]' "${CTR_TRUTH[A]}")
		[ "$v" = "$c" ] || check_fail "exec pid $p ns.$n=${v:-missing}, container init's $c"
	done
done
check_end
e2e_finish
