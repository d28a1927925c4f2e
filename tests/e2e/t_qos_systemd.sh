#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_qos_systemd.sh - e2e: besteffort, burstable and guaranteed pods (systemd driver, cri-containerd-
# scopes; sandbox + app each) are reported field by field as ground truth says.
. "$(dirname "$0")/lib.sh"
e2e_init t_qos_systemd
e2e_require_tracer

tracer_start
for q in besteffort burstable guaranteed; do
	pod_create "P_$q" systemd "$q"
	ctr_create "S_$q" "P_$q" containerd -- /bin/sleep 60
	ctr_start "S_$q"
	ctr_create "A_$q" "P_$q" containerd --join "S_$q" -- /bin/sleep 60
	ctr_start "A_$q"
done
e2e_teardown
e2e_standard_checks
e2e_finish
