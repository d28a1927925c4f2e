#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_crun.sh - e2e: a second OCI runtime (crun) on a cgroup v1-only view.  crun 1.8 refuses
# hybrid hosts, so the test re-runs itself in a private mount namespace with cgroup2
# unmounted: tracer and runtime then see only v1 hierarchies, and membership comes from the
# memory hierarchy alone (the pure v1 path).  CRI-O-style names, a sandbox and an app that
# exits with a code, checked against crun's state and /proc.
if [ -z "${PODCG_E2E_V1NS:-}" ]; then
	if ! command -v crun >/dev/null; then
		if [ "${CI:-}" = true ]; then
			echo "not ok t_crun: setup"; echo "# crun is not installed (scripts/install-deps.sh)"; exit 1
		fi
		echo "skip t_crun (crun is not installed)"; exit 0
	fi
	exec env PODCG_E2E_V1NS=1 unshare -m --propagation private bash -c \
		'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$0"' "$0"
fi
. "$(dirname "$0")/lib.sh"
E2E_OCI=crun
e2e_init t_crun
e2e_require_tracer

tracer_start
pod_create P systemd burstable
ctr_create S P crio -- /bin/sleep 30
ctr_start S
ctr_create A P crio --join S -- /bin/sh -c 'sleep 0.5; exit 4'
ctr_start A
ctr_wait_stopped A
ctr_expect_exit A "${CTR_PID[A]}" 4 0
e2e_teardown
e2e_standard_checks

check_begin "only v1 hierarchies were visible, and the tracer said so"
grep -q "hierarchies traced: 0x10," "$E2E_TRACE_ERR" ||
	check_fail "tracer layout: $(grep attached "$E2E_TRACE_ERR" | head -1)"
check_end
e2e_finish
