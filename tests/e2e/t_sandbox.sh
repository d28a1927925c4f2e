#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_sandbox.sh - e2e: a pod with a sandbox and two app containers that join its net/ipc/uts
# namespaces: the reported apps' net/ipc/uts equal the sandbox's, their mnt/pid differ.
. "$(dirname "$0")/lib.sh"
e2e_init t_sandbox
e2e_require_tracer

tracer_start
pod_create P systemd besteffort
ctr_create S P containerd -- /bin/sleep 60
ctr_start S
ctr_create A1 P containerd --join S -- /bin/sleep 60
ctr_start A1
ctr_create A2 P containerd --join S --reexec /bin/sleep -- /bin/sh -c 'exec /bin/sleep 60'
ctr_start A2
e2e_teardown
e2e_standard_checks

check_begin "apps share the sandbox's net/ipc/uts, not its mnt/pid (as reported)"
for a in A1 A2; do
	for n in net ipc uts; do
		s=$(event_ns S "$n"); v=$(event_ns "$a" "$n")
		[ -n "$v" ] && [ "$v" = "$s" ] || check_fail "$a ns.$n=${v:-missing} sandbox ns.$n=${s:-missing} (must be equal)"
	done
	for n in mnt pid; do
		s=$(event_ns S "$n"); v=$(event_ns "$a" "$n")
		[ -n "$v" ] && [ -n "$s" ] && [ "$v" != "$s" ] || check_fail "$a ns.$n=${v:-missing} sandbox ns.$n=${s:-missing} (must differ)"
	done
done
for n in mnt pid; do
	v1=$(event_ns A1 "$n"); v2=$(event_ns A2 "$n")
	[ -n "$v1" ] && [ "$v1" != "$v2" ] || check_fail "A1 ns.$n=${v1:-missing} A2 ns.$n=${v2:-missing} (must differ)"
done
check_end
e2e_finish
