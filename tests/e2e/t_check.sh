#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_check.sh - e2e: --check against the real kernel and the real tracer.
#  - as root: exit 0, every probe ok, the cgroup layout the e2e library reads, nothing left
#    loaded in the kernel;
#  - as nobody: exit 1, the reasons name the missing capabilities;
#  - as nobody with CAP_BPF, CAP_PERFMON (+ SYS_PTRACE, DAC_READ_SEARCH): exit 0, and the tracer
#    run the same way attaches;
#  - in a private mount namespace without the cgroup2 mount: the v1 hierarchies still carry
#    the trace (exit 0, mode v1), and the tracer itself attaches there;
#  - in a private mount namespace with a tmpfs over /sys/fs/cgroup (a container without the
#    host's cgroup mounts): --check's verdict is the tracer's own fate there.  Here PID 1's
#    namespaces cannot be read, so no host view through /proc/1/root: exit 1 naming the cgroup
#    filesystem, and the tracer fails too.  Where the host view is readable, both succeed.
. "$(dirname "$0")/lib.sh"
e2e_init t_check
e2e_require_tracer setpriv unshare bpftool

out=$E2E_TMP/check.json
check_begin "as root: exit 0, every probe ok, the layout as mounted"
"$PODCG" --check --json >"$out" 2>"$E2E_TMP/check.err"
rc=$?
[ "$rc" = 0 ] || check_fail "exit $rc (expected 0): $(jq -c .reasons "$out" 2>/dev/null) $(cat "$E2E_TMP/check.err")"
jq -e '.ok == true and ([.probes[] | .ok] | all) and (.probes | length) == 9' "$out" >/dev/null ||
	check_fail "probes: $(jq -c .probes "$out")"
want_ids=$(printf '%s\n' "${E2E_HIER_IDS[@]}" | sort -n | tr '\n' ' ')
got_ids=$(jq -r '.cgroup.hierarchies[].id' "$out" | sort -n | tr '\n' ' ')
[ "$want_ids" = "$got_ids" ] || check_fail "hierarchies: got [$got_ids], /proc/self/cgroup + mountinfo say [$want_ids]"
if [ -n "$E2E_MEM_HID" ]; then
	[ "$(jq -r .cgroup.key_v1_hierarchy "$out")" = "$E2E_MEM_HID" ] ||
		check_fail "key v1 hierarchy $(jq -r .cgroup.key_v1_hierarchy "$out"), memory is $E2E_MEM_HID"
fi
[ "$(jq -r .kernel_release "$out")" = "$(uname -r)" ] || check_fail "kernel release"
# ground truth for the namespaces: the initial pid namespace's inode is fixed (proc_ns.h)
pidns=$(stat -Lc %i /proc/self/ns/pid)
want=$([ "$pidns" = 4026531836 ] && echo true || echo false)
[ "$(jq -r .namespaces.pid.initial "$out")" = "$want" ] || check_fail "pid namespace initial != $want"
"$PODCG" --check >"$E2E_TMP/check.txt" 2>&1 || check_fail "text mode exit $?"
grep -q '^verdict: tracing would work$' "$E2E_TMP/check.txt" || check_fail "text verdict: $(tail -1 "$E2E_TMP/check.txt")"
[ "$(grep -c '^tracepoint .* ok .*loaded, attached, detached$' "$E2E_TMP/check.txt")" = 6 ] ||
	check_fail "six tracepoint rows: $(grep '^tracepoint' "$E2E_TMP/check.txt")"
# nothing lasting: no program of ours stays loaded (the kernel frees them after an RCU grace
# period, so allow it a moment)
no_probe_left() { ! bpftool prog show name pcg_check 2>/dev/null | grep -q .; }
e2e_wait_until 5 no_probe_left || check_fail "a pcg_check program is still loaded 5 s later"
check_end

check_begin "as nobody: exit 1, reasons name the missing capabilities"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$PODCG" --check --json >"$E2E_TMP/nobody.json" 2>&1
rc=$?
[ "$rc" = 1 ] || check_fail "exit $rc (expected 1)"
jq -e '.ok == false' "$E2E_TMP/nobody.json" >/dev/null || check_fail "ok is not false: $(cat "$E2E_TMP/nobody.json")"
for c in CAP_BPF CAP_PERFMON; do
	jq -e --arg c "$c" '[.reasons[] | select(contains($c))] | length > 0' "$E2E_TMP/nobody.json" >/dev/null ||
		check_fail "no reason names $c: $(jq -c .reasons "$E2E_TMP/nobody.json")"
	jq -e --arg c "$c" '.capabilities.missing | index($c)' "$E2E_TMP/nobody.json" >/dev/null ||
		check_fail "$c not listed missing"
done
jq -e '.probes.ringbuf.ok == false' "$E2E_TMP/nobody.json" >/dev/null || check_fail "the ring buffer probe passed as nobody"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$PODCG" --check >"$E2E_TMP/nobody.txt" 2>&1
grep -q '^reason: missing capability CAP_BPF' "$E2E_TMP/nobody.txt" || check_fail "text: no CAP_BPF reason"
grep -q '^verdict: tracing would NOT work$' "$E2E_TMP/nobody.txt" || check_fail "text verdict"
check_end

check_begin "as nobody with CAP_BPF and CAP_PERFMON: exit 0, and the tracer attaches too"
caps=+bpf,+perfmon,+sys_ptrace,+dac_read_search
setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=$caps --ambient-caps=$caps \
	"$PODCG" --check --json >"$E2E_TMP/capped.json" 2>&1
rc=$?
[ "$rc" = 0 ] || check_fail "exit $rc: $(jq -c .reasons "$E2E_TMP/capped.json" 2>/dev/null || cat "$E2E_TMP/capped.json")"
jq -e '.euid == 65534 and (.capabilities.held | index("CAP_BPF") and index("CAP_PERFMON"))' \
	"$E2E_TMP/capped.json" >/dev/null || check_fail "capabilities: $(jq -c .capabilities "$E2E_TMP/capped.json")"
(cd / && timeout 20 setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=$caps \
	--ambient-caps=$caps "$PODCG" --duration 1 >/dev/null 2>"$E2E_TMP/capped.tracer")
rc=$?
[ "$rc" = 0 ] && grep -q '^podcg-trace: attached' "$E2E_TMP/capped.tracer" ||
	check_fail "the tracer with the same capabilities exited $rc: $(tail -2 "$E2E_TMP/capped.tracer")"
check_end

# Runs "$@" in a private mount namespace after the mount command $1.
in_ns() {
	local setup=$1
	shift
	unshare -m --propagation private bash -c "$setup"' && exec "$@"' bash "$@"
}

if [ -n "${E2E_HIER_MNT[0]:-}" ] && [ ${#E2E_HIER_IDS[@]} -gt 1 ]; then
	check_begin "cgroup2 unmounted: the v1 hierarchies carry it (exit 0, mode v1), as the tracer does"
	v2=${E2E_HIER_MNT[0]}
	in_ns "umount '$v2'" "$PODCG" --check --json >"$E2E_TMP/nov2.json" 2>&1
	rc=$?
	[ "$rc" = 0 ] || check_fail "exit $rc: $(jq -c .reasons "$E2E_TMP/nov2.json" 2>/dev/null || cat "$E2E_TMP/nov2.json")"
	jq -e '.cgroup.mode == "v1" and ([.cgroup.hierarchies[].id] | index(0) == null)' "$E2E_TMP/nov2.json" >/dev/null ||
		check_fail "layout: $(jq -c .cgroup "$E2E_TMP/nov2.json")"
	in_ns "umount '$v2'" timeout 20 "$PODCG" --duration 1 >/dev/null 2>"$E2E_TMP/nov2.tracer"
	rc=$?
	[ "$rc" = 0 ] && grep -q '^podcg-trace: attached' "$E2E_TMP/nov2.tracer" ||
		check_fail "the tracer did not work there (exit $rc): $(tail -3 "$E2E_TMP/nov2.tracer")"
	check_end
else
	e2e_skip "$E2E_TEST: cgroup2 unmounted" "not a hybrid node"
fi

check_begin "tmpfs over /sys/fs/cgroup: --check's verdict is the tracer's fate"
in_ns "mount -t tmpfs none /sys/fs/cgroup" "$PODCG" --check --json >"$E2E_TMP/hidden.json" 2>&1
crc=$?
in_ns "mount -t tmpfs none /sys/fs/cgroup" timeout 20 "$PODCG" --duration 1 >/dev/null 2>"$E2E_TMP/hidden.tracer"
trc=$?
e2e_log "check exit $crc, tracer exit $trc"
if stat -L /proc/1/ns/mnt >/dev/null 2>&1; then
	# PID 1's view is readable: the host's hierarchy stays reachable through /proc/1/root
	[ "$crc" = 0 ] || check_fail "exit $crc with /proc/1/root readable: $(jq -c .reasons "$E2E_TMP/hidden.json")"
	jq -e '.cgroup.host_view == true' "$E2E_TMP/hidden.json" >/dev/null || check_fail "no host view reported"
else
	[ "$crc" = 1 ] || check_fail "exit $crc (expected 1: no cgroup filesystem and no host view)"
	jq -e '.cgroup == null and .host_hierarchy_reachable == false and
		([.reasons[] | select(contains("no cgroup filesystem visible"))] | length == 1)' \
		"$E2E_TMP/hidden.json" >/dev/null || check_fail "reasons: $(jq -c .reasons "$E2E_TMP/hidden.json")"
fi
# the verdict must be the tracer's own fate in the same namespace
if [ "$crc" = 0 ]; then
	[ "$trc" = 0 ] || check_fail "--check said yes, the tracer exited $trc: $(tail -2 "$E2E_TMP/hidden.tracer")"
else
	[ "$trc" != 0 ] || check_fail "--check said no, the tracer ran"
fi
check_end
e2e_finish
