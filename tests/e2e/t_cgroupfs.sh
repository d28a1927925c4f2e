#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_cgroupfs.sh - e2e: kubelet cgroupfs-driver layouts: /kubepods/besteffort/pod<uid>/<64hex>,
# /kubepods/pod<uid>/<64hex> (guaranteed) -> runtime null (runc alone: nothing can resolve it),
# and /kubepods/burstable/pod<uid>/crio-<64hex> -> runtime crio.
. "$(dirname "$0")/lib.sh"
e2e_init t_cgroupfs
e2e_require_tracer

tracer_start
pod_create P_be cgroupfs besteffort
ctr_create S_be P_be bare -- /bin/sleep 60
ctr_start S_be
ctr_create A_be P_be bare --join S_be -- /bin/sleep 60
ctr_start A_be

pod_create P_gu cgroupfs guaranteed
ctr_create S_gu P_gu bare -- /bin/sleep 60
ctr_start S_gu
ctr_create A_gu P_gu bare --join S_gu -- /bin/sleep 60
ctr_start A_gu

pod_create P_bu cgroupfs burstable
ctr_create S_bu P_bu crio -- /bin/sleep 60
ctr_start S_bu
ctr_create A_bu P_bu crio --join S_bu -- /bin/sleep 60
ctr_start A_bu

e2e_teardown
e2e_standard_checks
e2e_finish
