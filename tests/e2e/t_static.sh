#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_static.sh - e2e: the incident-response build.  `make static` gives a binary with no
# dynamic dependencies (ldd: "not a dynamic executable"), and that binary traces a real pod
# exactly like the regular one (checked field by field against ground truth).
root=$(cd "$(dirname "$0")/../.." && pwd)
if ! make -C "$root" --no-print-directory -s static >/tmp/podcg-static-build.$$ 2>&1; then
	echo "not ok t_static: make static"
	sed 's/^/# /' /tmp/podcg-static-build.$$ | tail -20
	rm -f /tmp/podcg-static-build.$$
	exit 1
fi
rm -f /tmp/podcg-static-build.$$
export PODCG=$root/podcg-trace-static
. "$(dirname "$0")/lib.sh"
e2e_init t_static
e2e_require_tracer

check_begin "make static gives a binary without dynamic dependencies"
out=$(ldd "$PODCG" 2>&1)
grep -q "not a dynamic executable" <<<"$out" || check_fail "ldd: $out"
check_end

tracer_start
pod_create P cgroupfs burstable
ctr_create S P crio -- /bin/sleep 1
ctr_start S
ctr_wait_stopped S
e2e_teardown
e2e_standard_checks
e2e_finish
