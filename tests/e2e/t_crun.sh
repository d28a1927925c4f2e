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

e2e_layout_scenario "only v1 hierarchies were visible, and the tracer said so" "hierarchies traced: 0x10,"
e2e_finish
