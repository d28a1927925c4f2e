#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_userns.sh - e2e: a user-namespace pod (container root = host uid BASE): ns.user differs from
# the host's and equals /proc truth; uid is the mapped host uid.
. "$(dirname "$0")/lib.sh"
e2e_init t_userns
e2e_require_tracer

base=$((1000000 + (RANDOM % 256) * 65536))
tracer_start
pod_create P systemd besteffort
ctr_create S P containerd --userns "$base" -- /bin/sleep 60
ctr_start S
ctr_create A P containerd --join S -- /bin/sleep 60
ctr_start A
map=$(tr -s ' ' <"/proc/${CTR_PID[S]}/uid_map" | sed 's/^ //')
[ "$map" = "0 $base 65536" ] || e2e_bail "uid_map of the sandbox is '$map', expected '0 $base 65536'"
e2e_teardown
e2e_standard_checks

check_begin "user namespace and uid mapping reported"
host_user=$(stat -L -c %i /proc/self/ns/user)
for c in S A; do
	v=$(event_ns "$c" user)
	want=$(jq -r '.procs[.init_pid|tostring].ns.user' "${CTR_TRUTH[$c]}")
	[ -n "$v" ] && [ "$v" != "$host_user" ] || check_fail "$c ns.user=${v:-missing}: must differ from the host's $host_user"
	[ "$v" = "$want" ] || check_fail "$c ns.user=${v:-missing} expected $want"
	u=$(jq_events ".container_id == \"${CTR_ID[$c]}\" and .event == \"container_start\"" | head -1 | jq -r '.uid // empty')
	[ "$u" = "$base" ] || check_fail "$c uid=${u:-missing} expected $base (container root mapped to host uid $base)"
done
check_end
e2e_finish
