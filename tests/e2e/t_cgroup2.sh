#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_cgroup2.sh - e2e: a pure cgroup v2 node (what most current Kubernetes nodes are).  The
# test re-runs itself in a private mount namespace where the v1 hierarchies are unmounted and
# cgroup2 is mounted at /sys/fs/cgroup: runc then works in unified mode, and the tracer traces
# one hierarchy, with membership from the cgroup2 id alone.  CRI-O-style names, a sandbox and
# an app that exits with a code, checked against runc's state and /proc.
if [ -z "${PODCG_E2E_V2NS:-}" ]; then
	exec env PODCG_E2E_V2NS=1 unshare -m --propagation private bash -c \
		'umount -R /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup && exec "$0"' "$0"
fi
. "$(dirname "$0")/lib.sh"

e2e_init t_cgroup2
e2e_require_tracer

e2e_layout_scenario "only cgroup2 was visible, and the tracer said so" "cgroup v2, hierarchies traced: 0x1,"
e2e_finish
