#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_names_crun.sh - e2e: t_names.sh with crun as the OCI runtime (the bundle read through the
# crun process that made the cgroup).  crun 1.8 refuses hybrid hosts: like t_crun.sh, it runs
# in a private mount namespace with cgroup2 unmounted (a cgroup v1-only view).
if ! command -v crun >/dev/null; then
	if [ "${CI:-}" = true ]; then
		echo "not ok t_names_crun: setup"; echo "# crun is not installed (scripts/install-deps.sh)"; exit 1
	fi
	echo "skip t_names_crun (crun is not installed)"; exit 0
fi
exec env PODCG_E2E_V1NS=1 E2E_OCI=crun E2E_NAMES_TEST=t_names_crun unshare -m --propagation private \
	bash -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$0"' "$(dirname "$0")/t_names.sh"
