#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_shortlived.sh - e2e: containers whose process exits at once (/bin/true; sh -c 'exit 3'):
# container_start with the right pid/namespaces (truth read after create, before start) and exit
# with the right exit code, in order create < start < exit < remove.
. "$(dirname "$0")/lib.sh"
e2e_init t_shortlived
e2e_require_tracer

tracer_start
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
