#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_shortlived.sh - e2e: containers whose process exits at once (/bin/true; sh -c 'exit 3'):
# container_start with the right pid/namespaces (truth read after create, before start) and exit
# with the right exit code, in order create < start < exit < remove; all of it traced by a
# tracer that dropped every capability once attached.
. "$(dirname "$0")/lib.sh"
e2e_init t_shortlived
e2e_require_tracer

tracer_start
# least privilege after attach: every later check runs against a tracer without capabilities
check_begin "no capabilities left after attach"
st=$(cat "/proc/$E2E_TRACER_PID/status")
for f in CapEff CapPrm CapBnd CapInh; do
	grep -Eq "^$f:[[:space:]]+0+$" <<<"$st" || check_fail "$(grep "^$f:" <<<"$st")"
done
grep -Eq "^NoNewPrivs:[[:space:]]+1$" <<<"$st" || check_fail "no_new_privs not set"
check_end
pod_create P systemd besteffort
ctr_create T P containerd -- /bin/true
ctr_create X P containerd -- /bin/sh -c 'exit 3'
ctr_start T
ctr_start X
ctr_wait_stopped T
ctr_wait_stopped X
ctr_expect_exit T "${CTR_PID[T]}" 0 0
ctr_expect_exit X "${CTR_PID[X]}" 3 0
e2e_teardown
e2e_standard_checks
e2e_finish
