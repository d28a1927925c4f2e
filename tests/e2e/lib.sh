# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# lib.sh - shared helpers of the podcg-trace end-to-end tests: real runc pods laid out like a kubelet
# makes them, ground truth from /proc and cgroupfs, tracer control, jq assertions, safe cleanup.
#
# Sourced (bash >= 4.4) by tests/e2e/t_*.sh and scripts/demo-pod.sh; needs root, runc, jq and
# busybox-static (dockerd/containerd only for t_docker.sh).  Nothing here touches a cgroup, a
# process or a mount it did not create: every step that creates something first writes the command
# that undoes it to a per-test journal ($E2E_TMP/cleanup.journal) that runs in reverse on exit
# (EXIT/INT/TERM/HUP trap) and, if the test was SIGKILLed, the next test that starts replays it.
#
# Typical test:
#   . "$(dirname "$0")/lib.sh"
#   e2e_init t_example            # temp dir, traps, journal, stale-run reaper
#   e2e_require_tracer            # root/runc/jq/busybox/binary, else skip (CI=true: fail)
#   tracer_start                  # $PODCG --json in the background, waits for "attached"
#   pod_create P systemd besteffort                  # kubepods/QoS/pod dirs, every hierarchy
#   ctr_create S P containerd -- /bin/sleep 30       # sandbox: new pid/mnt/uts/ipc/net; runc
#   ctr_start S                                      #   create + truth (before start), start
#   ctr_create A P containerd --join S -- /bin/sleep 30   # app: joins S's net/ipc/uts
#   ctr_start A
#   ctr_exec A XPID -- /bin/sleep 1; ctr_exec_wait A "$XPID"   # runc exec, truth, exit code
#   e2e_teardown                  # kill -9 + runc delete (apps first) + rmdir pods, while tracing
#   e2e_standard_checks           # SIGINT the tracer; exit 0, stream, every pod and container
#   e2e_finish
#
# Helpers by group: results (e2e_ok/e2e_not_ok/e2e_skip, check_begin/check_fail/check_end,
# e2e_bail, e2e_finish); cleanup (e2e_defer, e2e_reap_stale); hierarchies (E2E_HIER_IDS,
# E2E_HIER_MNT, E2E_MEM_HID, cg_mkdir, cg_id); pods (pod_create, pod_remove); containers
# (ctr_create, ctr_start, ctr_exec, ctr_kill, ctr_delete, ctr_stop, ctr_wait_stopped,
# ctr_expect_exit, ctr_mark_existing); ground truth ($E2E_TMP/truth/<id>.json, e2e_proc_truth);
# tracer (tracer_start, tracer_wait_for, tracer_stop); assertions (check_tracer_exit,
# check_stream, check_container, check_pod, check_no_mention, jq_events, event_ns); a private
# dockerd (dockerd_start, e2e_docker_image_tar, docker_run, docker_rm).
#
# Result lines (one per check group): "ok <name>", "not ok <name>" + "# diagnostics", "skip <name>".
# Env: PODCG (binary, default <repo>/podcg-trace), CI=true (skips become failures), E2E_KEEP=1
# (keep the temp dir), E2E_VERBOSE=1 (progress as "# " lines), E2E_ATTACH_TIMEOUT (s, default 15),
# E2E_RESULTS=0 (no ok/not ok lines: plain errors on stderr, for scripts such as the demo).

if [ -n "${_E2E_LIB_SOURCED:-}" ]; then return 0; fi
_E2E_LIB_SOURCED=1

set -u
set -o pipefail

E2E_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_REPO_ROOT=$(cd "$E2E_LIB_DIR/../.." && pwd)
PODCG=${PODCG:-$E2E_REPO_ROOT/podcg-trace}
E2E_CACHE=${E2E_CACHE:-/var/tmp/podcg-e2e}  # rootfs / image cache, lock, shared-dir markers
# PCG_TEST_TIME_SCALE (the runner's, 3 for a sanitized tracer) stretches the tracer's deadlines
E2E_TIME_SCALE=${PCG_TEST_TIME_SCALE:-1}
E2E_ATTACH_TIMEOUT=${E2E_ATTACH_TIMEOUT:-$((15 * E2E_TIME_SCALE))}
E2E_NS_NAMES=(mnt uts ipc pid net user cgroup time)
E2E_EVENTS='["pod_create","container_create","container_start","container_existing","exec","exit","container_remove","pod_remove","lost"]'

E2E_TEST=${E2E_TEST:-e2e}
E2E_TMP=
E2E_NFAIL=0
E2E_NOK=0
E2E_NSKIP=0
E2E_T0=$(date +%s)

# Handles: P (pod) and C (container) names chosen by the test map to these.
declare -A POD_UID=() POD_QOS=() POD_DRIVER=() POD_CG=() POD_EXISTING=()
declare -A CTR_ID=() CTR_POD=() CTR_CG=() CTR_PID=() CTR_BUNDLE=() CTR_TRUTH=() CTR_SANDBOX=()
declare -A CTR_USERNS=()
E2E_PODS=()
E2E_CTRS=()

# ---------------------------------------------------------------------------------------------
# output and results

e2e_diag() { local l; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done; }
e2e_log() { [ "${E2E_VERBOSE:-0}" = 1 ] && e2e_diag "$E2E_TEST: $*"; return 0; }
e2e_ok() { echo "ok $1"; E2E_NOK=$((E2E_NOK + 1)); }
e2e_not_ok() {
	local n=$1; shift
	echo "not ok $n"; E2E_NFAIL=$((E2E_NFAIL + 1))
	[ $# -gt 0 ] && e2e_diag "$@"
	return 0
}
# A missing prerequisite.  Under CI=true a skipped real test is a failure.
e2e_skip() {
	local n=$1; shift
	if [ "${CI:-}" = true ]; then
		e2e_not_ok "$n" "skip turned into a failure because CI=true: $*"
	else
		echo "skip $n"; E2E_NSKIP=$((E2E_NSKIP + 1))
		[ $# -gt 0 ] && e2e_diag "$@"
	fi
	return 0
}

# Check groups: check_begin NAME; check_fail "msg"...; check_end  -> exactly one result line.
_E2E_CG_NAME=
_E2E_CG_DIAG=()
check_begin() { _E2E_CG_NAME="$E2E_TEST: $1"; _E2E_CG_DIAG=(); }
check_fail() { _E2E_CG_DIAG+=("$@"); }
check_end() {
	if [ ${#_E2E_CG_DIAG[@]} -gt 0 ]; then
		e2e_not_ok "$_E2E_CG_NAME" "${_E2E_CG_DIAG[@]}"
	else
		e2e_ok "$_E2E_CG_NAME"
	fi
	_E2E_CG_NAME=
	_E2E_CG_DIAG=()
}

# Fatal error in the test's own set-up: one "not ok", then exit (the trap cleans up).
# With E2E_RESULTS=0 (scripts, e.g. the demo) a plain "NAME: error: ..." on stderr instead.
e2e_bail() {
	if [ "${E2E_RESULTS:-1}" = 0 ]; then
		printf '%s: error: %s\n' "$E2E_TEST" "$1" >&2
		[ $# -gt 1 ] && printf '  %s\n' "${@:2}" >&2
		E2E_NFAIL=$((E2E_NFAIL + 1))
	else
		e2e_not_ok "$E2E_TEST: setup" "$@"
	fi
	exit 1
}

# Skip the whole test (prerequisite missing) and exit.
e2e_skip_all() {
	[ "${E2E_RESULTS:-1}" = 0 ] && e2e_bail "$@"
	e2e_skip "$E2E_TEST" "$@"
	exit $([ "$E2E_NFAIL" -gt 0 ] && echo 1 || echo 0)
}

e2e_finish() {
	e2e_log "done in $(($(date +%s) - E2E_T0)) s"
	if [ "$E2E_NFAIL" -gt 0 ]; then exit 1; fi
	exit 0
}

# ---------------------------------------------------------------------------------------------
# small utilities

e2e_hex() { od -An -tx1 -N"$(($1 / 2))" /dev/urandom | tr -d ' \n'; }
e2e_uuid() { cat /proc/sys/kernel/random/uuid; }
# starttime (clock ticks since boot) of a pid, "" if gone: pid + starttime names a process safely.
e2e_starttime() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	s=${s##*) }
	set -- $s
	echo "${20}"
}
# Poll COMMAND until it succeeds or TIMEOUT (seconds, may be fractional) passes.
e2e_wait_until() {
	local timeout=$1; shift
	local end=$(($(date +%s%N) + ${timeout%.*} * 1000000000))
	[[ $timeout == *.* ]] && end=$((end + ${timeout#*.} * 100000000))
	while ! "$@"; do
		[ "$(date +%s%N)" -ge "$end" ] && return 1
		sleep 0.05
	done
	return 0
}
_e2e_pid_alive() { [ -n "$(e2e_starttime "$1")" ] && [ "$(e2e_starttime "$1")" = "$2" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
_e2e_pid_gone() { ! _e2e_pid_alive "$1" "$2"; }
# Signal a process we started, identified by pid AND starttime (never a reused pid).
e2e_kill_recorded() {
	local pid=$1 st=$2 sig=${3:-TERM}
	[ -n "$pid" ] && [ "$(e2e_starttime "$pid")" = "$st" ] && kill "-$sig" "$pid" 2>/dev/null
	return 0
}

# ---------------------------------------------------------------------------------------------
# cleanup journal (LIFO), trap, reaper of SIGKILLed runs

# e2e_defer CMD ARGS...: run at cleanup, last deferred first.  Only lib.sh functions and plain
# commands with absolute arguments: the journal may be replayed by another test's reaper.
e2e_defer() {
	local c
	printf -v c '%q ' "$@"
	printf '%s\n' "$c" >>"$E2E_TMP/cleanup.journal"
}

# Replays a journal in reverse.  Errors are logged to DIR/cleanup.log, never fatal.
_e2e_replay_journal() {
	local dir=$1 lines=() i
	[ -f "$dir/cleanup.journal" ] || return 0
	mapfile -t lines <"$dir/cleanup.journal"
	for ((i = ${#lines[@]} - 1; i >= 0; i--)); do
		[ -n "${lines[i]}" ] || continue
		eval "${lines[i]}" >>"$dir/cleanup.log" 2>&1 || echo "cleanup step failed: ${lines[i]}" >>"$dir/cleanup.log"
	done
	: >"$dir/cleanup.journal"
}

_E2E_CLEANED=0
_e2e_cleanup() {
	local rc=$?
	[ "$_E2E_CLEANED" = 1 ] && return 0
	_E2E_CLEANED=1
	trap '' INT TERM HUP
	[ -n "$E2E_TMP" ] && [ -d "$E2E_TMP" ] || exit "$rc"
	local had_journal=0
	[ -s "$E2E_TMP/cleanup.journal" ] && had_journal=1
	_e2e_replay_journal "$E2E_TMP"
	if [ "$had_journal" = 1 ]; then
		# Verify: nothing this test created may be left behind.
		local left
		left=$(_e2e_leftovers "$E2E_TMP")
		if [ -n "$left" ]; then
			if [ "${E2E_RESULTS:-1}" = 0 ]; then
				printf '%s: cleanup left behind:\n%s\n' "$E2E_TEST" "$left" >&2
			else
				e2e_not_ok "$E2E_TEST: cleanup" "left behind:" "$left" "see $E2E_TMP/cleanup.log"
			fi
			rc=1
			E2E_KEEP=1
		elif [ "${E2E_RESULTS:-1}" != 0 ]; then
			e2e_ok "$E2E_TEST: cleanup"
		fi
	fi
	if [ "${E2E_KEEP:-0}" = 1 ]; then
		rm -f "$E2E_TMP/owner"
		e2e_diag "kept $E2E_TMP" >&2
	else
		rm -rf "$E2E_TMP"
	fi
	[ "$rc" = 0 ] && [ "$E2E_NFAIL" -gt 0 ] && rc=1
	exit "$rc"
}

# Things a test records as created (cleanup.created: "cg <relpath>" / "runc <root> <id>" /
# "proc <pid> <starttime>" lines) that still exist.
_e2e_leftovers() {
	local dir=$1 kind a b h
	[ -f "$dir/cleanup.created" ] || return 0
	_e2e_hier_load
	while read -r kind a b; do
		case $kind in
		cg)
			for h in "${E2E_HIER_IDS[@]}"; do
				[ -d "${E2E_HIER_MNT[$h]}$a" ] && echo "cgroup ${E2E_HIER_MNT[$h]}$a"
			done ;;
		runc)
			[ -d "$a/$b" ] && echo "runc state $a/$b" ;;
		proc)
			_e2e_pid_alive "$a" "$b" && echo "process $a ($(cat /proc/$a/comm 2>/dev/null))" ;;
		esac
	done <"$dir/cleanup.created"
	return 0
}
_e2e_created() { echo "$*" >>"$E2E_TMP/cleanup.created"; }

# Replay the journals of earlier runs whose owner died without cleaning (SIGKILL, OOM, reboot).
e2e_reap_stale() {
	local d pid st
	for d in /tmp/podcg-e2e.*; do
		[ -d "$d" ] && [ -f "$d/owner" ] || continue
		[ "$d" = "$E2E_TMP" ] && continue
		read -r pid st <"$d/owner" || continue
		_e2e_pid_alive "$pid" "$st" && continue
		mkdir "$d/.reaping" 2>/dev/null || continue   # another reaper has it
		e2e_diag "reaping stale e2e run $d (owner $pid died)"
		_e2e_replay_journal "$d"
		rm -rf "$d"
	done
}

# e2e_init NAME: temp dir, owner record, traps, hierarchy table, reaper.
e2e_init() {
	E2E_TEST=$1
	E2E_TMP=$(mktemp -d "/tmp/podcg-e2e.$1.XXXXXX") || { echo "not ok $1: setup"; e2e_diag "mktemp failed"; exit 1; }
	chmod 755 "$E2E_TMP"
	echo "$$ $(e2e_starttime $$)" >"$E2E_TMP/owner"
	mkdir -p "$E2E_TMP/truth" "$E2E_TMP/bundles"
	E2E_RUNC_ROOT=$E2E_TMP/runc
	trap _e2e_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	if [ "$(id -u)" = 0 ]; then
		mkdir -p "$E2E_CACHE/state/owned" 2>/dev/null
		e2e_reap_stale
	fi
	_e2e_hier_load
}

# ---------------------------------------------------------------------------------------------
# prerequisites

_e2e_missing() {
	local c m=()
	for c in "$@"; do command -v "$c" >/dev/null 2>&1 || m+=("$c"); done
	echo "${m[*]}"
}
# Root, runc, jq, static busybox (+ any extra commands given).  Skips (CI: fails) and exits.
e2e_require_runtime() {
	[ "$(id -u)" = 0 ] || e2e_skip_all "needs root (run with sudo)"
	local m
	m=$(_e2e_missing runc jq busybox od stat awk flock sha256sum timeout "$@")
	[ -z "$m" ] || e2e_skip_all "missing commands: $m (apt-get install runc jq busybox-static)"
	[ ${#E2E_HIER_IDS[@]} -gt 0 ] || e2e_skip_all "no cgroup filesystem mounted"
	_e2e_busybox_static || e2e_skip_all "$(command -v busybox) is not static (apt-get install busybox-static)"
}
# e2e_exec_storm N: N fork+exec+wait of a tiny static binary outside any container, with the
# benchmark's own workload (tests/bench/execstorm.c), built into the test's temp dir.  Sets
# E2E_STORM_TRUE to the path exec'd, so events of the storm can be told apart.
e2e_exec_storm() {
	local src=$E2E_REPO_ROOT/tests/bench/execstorm.c
	if [ ! -x "$E2E_TMP/execstorm" ]; then
		gcc -O2 -static "$src" -o "$E2E_TMP/execstorm" &&
			gcc -O2 -static -DPCG_BENCH_TRUE_LIBC "$src" -o "$E2E_TMP/storm_true" ||
			e2e_bail "cannot build the exec storm from $src"
	fi
	E2E_STORM_TRUE=$E2E_TMP/storm_true
	"$E2E_TMP/execstorm" -b "$E2E_STORM_TRUE" -n "$1" >/dev/null
}

# check_clone_into_reported HANDLE NAME: a check that a process started straight into container
# HANDLE's cgroup2 directory by clone3(CLONE_INTO_CGROUP) (no attach event) has its exec and
# exit reported in that container (tests/e2e/clone_into.c, built once, runs a busybox true).
check_clone_into_reported() {
	local h=$1 out cpid helper=$E2E_TMP/clone_into
	if [ ! -x "$helper" ]; then
		gcc -O2 -static "$E2E_REPO_ROOT/tests/e2e/clone_into.c" -o "$helper" ||
			e2e_bail "cannot build clone_into"
		mkdir -p "$E2E_TMP/bin" && cp "$(command -v busybox)" "$E2E_TMP/bin/true" || e2e_bail "no busybox"
	fi
	check_begin "$2"
	out=$("$helper" "${E2E_HIER_MNT[0]}${CTR_CG[$h]}" "$E2E_TMP/bin/true") ||
		check_fail "clone_into failed: $out"
	cpid=${out#pid=}
	if [[ "$cpid" =~ ^[0-9]+$ ]]; then
		tracer_wait_for ".event == \"exec\" and .pid == $cpid and .container_id == \"${CTR_ID[$h]}\" and .filename == \"$E2E_TMP/bin/true\"" 5 ||
			check_fail "no exec event for pid $cpid in container $h"
		tracer_wait_for ".event == \"exit\" and .pid == $cpid and .container_id == \"${CTR_ID[$h]}\"" 5 ||
			check_fail "no exit event for pid $cpid in container $h"
	else
		check_fail "clone_into printed '$out'"
	fi
	check_end
}

# check_names HANDLE [MIN]: a check that every event of container HANDLE carries the names
# WANT[HANDLE] holds (a JSON object of pod_name, pod_namespace, container_name,
# container_type, image, sandbox_id), and that there are at least MIN such events.
check_names() {
	local h=$1 min=${2:-0} n bad
	check_begin "names of $h on every event"
	n=$(jq -c --arg id "${CTR_ID[$h]}" 'select(.container_id == $id)' "$E2E_TRACE_OUT" | wc -l)
	[ "$n" -ge "$min" ] || check_fail "only $n events for $h"
	bad=$(jq -c --arg id "${CTR_ID[$h]}" --argjson w "${WANT[$h]}" '
		select(.container_id == $id)
		| {pod_name, pod_namespace, container_name, container_type, image, sandbox_id} as $g
		| select($g != $w) | {event, got: $g}' "$E2E_TRACE_OUT" | head -3)
	[ -z "$bad" ] || check_fail "expected ${WANT[$h]}" "$bad"
	check_end
}

# check_replay_as_nobody REC [CONTAINER_NAME]: a check that the recording REC, replayed as
# nobody (the files that named the containers already removed by the caller), prints exactly
# the live output, in which some container is named CONTAINER_NAME when one is given.
check_replay_as_nobody() {
	local rec=$1 name=${2:-}
	check_begin "replay as nobody without the files equals the live output"
	cp "$rec" "$E2E_TMP/copy.pcgt" && chmod 644 "$E2E_TMP/copy.pcgt"
	if setpriv --reuid=65534 --regid=65534 --clear-groups "$PODCG" -r "$E2E_TMP/copy.pcgt" \
		--json >"$E2E_TMP/replay.jsonl" 2>"$E2E_TMP/replay.err"; then
		cmp -s "$E2E_TRACE_OUT" "$E2E_TMP/replay.jsonl" ||
			check_fail "replay differs:" "$(diff "$E2E_TRACE_OUT" "$E2E_TMP/replay.jsonl" | head -6)"
		[ -z "$name" ] || grep -q "\"container_name\":\"$name\"" "$E2E_TMP/replay.jsonl" ||
			check_fail "no names in the replay"
	else
		check_fail "replay as nobody failed: $(cat "$E2E_TMP/replay.err")"
	fi
	check_end
}

# check_storm_not_reported NAME: a check that 50 execs outside every container are not reported.
check_storm_not_reported() {
	local n
	check_begin "$1"
	e2e_exec_storm 50
	sleep 0.3
	n=$(jq_events ".filename == \"$E2E_STORM_TRUE\"" | wc -l)
	[ "$n" = 0 ] || check_fail "$n events of the storm outside containers were reported"
	check_end
}

# e2e_layout_scenario WHAT REGEX: the scenario the layout tests (t_crun, t_cgroup2) run on
# their own view of the cgroup filesystem: a CRI-O-style burstable pod with a sandbox and an
# app that exits with 4, every event checked against ground truth; then the tracer's
# "attached" line must match REGEX (the hierarchies it found), reported as WHAT.
e2e_layout_scenario() {
	local what=$1 re=$2
	tracer_start
	pod_create P systemd burstable
	ctr_create S P crio -- /bin/sleep 30
	ctr_start S
	ctr_create A P crio --join S -- /bin/sh -c 'sleep 0.5; exit 4'
	ctr_start A
	ctr_wait_stopped A
	ctr_expect_exit A "${CTR_PID[A]}" 4 0
	e2e_teardown
	e2e_standard_checks
	check_begin "$what"
	grep -q "$re" "$E2E_TRACE_ERR" ||
		check_fail "tracer layout: $(grep attached "$E2E_TRACE_ERR" | head -1)"
	check_end
}

# Everything above plus the tracer binary.
e2e_require_tracer() {
	e2e_require_runtime "$@"
	[ -x "$PODCG" ] || e2e_skip_all "tracer binary $PODCG not found (run make, or set PODCG)"
}

# ---------------------------------------------------------------------------------------------
# cgroup hierarchies (from /proc/self/mountinfo and /proc/self/cgroup, nothing hard-coded)

declare -A E2E_HIER_MNT=()  # hierarchy id -> mount point ("0" = cgroup2)
E2E_HIER_IDS=()
E2E_MEM_HID=                # hierarchy id of the v1 memory controller ("" on pure cgroup2)
E2E_TRACED_HIDS=()          # what the tracer traces by default: "0" and the memory one

_e2e_hier_load() {
	[ ${#E2E_HIER_IDS[@]} -gt 0 ] && return 0
	local line id ctrls path first mp opts fstype root rest
	local -a v1mnt=() v1opt=()
	local v2mnt=''
	while read -r line; do
		rest=${line#* - }
		set -- $rest
		fstype=$1; opts=${3:-}
		set -- $line
		root=$4; mp=$5
		[ "$root" = / ] || continue
		case $fstype in
		cgroup2) [ -z "$v2mnt" ] && v2mnt=$mp ;;
		cgroup) v1mnt+=("$mp"); v1opt+=(",$opts,") ;;
		esac
	done </proc/self/mountinfo
	while IFS=: read -r id ctrls path; do
		if [ "$id" = 0 ]; then
			[ -n "$v2mnt" ] && E2E_HIER_MNT[0]=$v2mnt && E2E_HIER_IDS+=(0)
			continue
		fi
		first=${ctrls%%,*}
		[ -n "$first" ] || continue
		local i
		for i in "${!v1mnt[@]}"; do
			if [[ ${v1opt[i]} == *",$first,"* ]]; then
				E2E_HIER_MNT[$id]=${v1mnt[i]}
				E2E_HIER_IDS+=("$id")
				[[ ",$ctrls," == *,memory,* ]] && E2E_MEM_HID=$id
				break
			fi
		done
	done </proc/self/cgroup
	E2E_TRACED_HIDS=()
	[ -n "${E2E_HIER_MNT[0]:-}" ] && E2E_TRACED_HIDS+=(0)
	[ -n "$E2E_MEM_HID" ] && E2E_TRACED_HIDS+=("$E2E_MEM_HID")
	return 0
}

# Copy cpuset.cpus/mems from the parent into a v1 cpuset dir we just made (else no task fits).
_e2e_cpuset_fix() {
	local d=$1 f
	for f in cpuset.cpus cpuset.mems; do
		[ -f "$d/$f" ] || return 0
		[ -n "$(cat "$d/$f")" ] || cat "$d/../$f" >"$d/$f"
	done
}

# Lock serialising creation/removal of the shared kubepods/QoS dirs between concurrent tests.
_e2e_lock() { exec {_E2E_LOCK_FD}>>"$E2E_CACHE/state/lock" && flock "$_E2E_LOCK_FD"; }
_e2e_unlock() { exec {_E2E_LOCK_FD}>&-; }
_e2e_marker() { local p=${1//\//%}; echo "$E2E_CACHE/state/owned/$p"; }

# Shared dir (kubepods root, QoS level): created if absent in every hierarchy, with an
# "e2e created this" marker; only dirs with a marker are ever removed, and only when empty.
# Caller holds the lock.
_e2e_ensure_shared() {
	local rel=$1 h d
	for h in "${E2E_HIER_IDS[@]}"; do
		d=${E2E_HIER_MNT[$h]}$rel
		if [ ! -d "$d" ]; then
			mkdir "$d" || return 1
			: >"$(_e2e_marker "$d")"
			_e2e_cpuset_fix "$d"
		fi
	done
}
# Journal entry: remove the shared dir where e2e created it and it is now empty.
_e2e_shared_release() {
	local rel=$1 h d m
	mkdir -p "$E2E_CACHE/state/owned"
	_e2e_hier_load
	_e2e_lock
	for h in "${E2E_HIER_IDS[@]}"; do
		d=${E2E_HIER_MNT[$h]}$rel
		m=$(_e2e_marker "$d")
		[ -e "$m" ] || continue
		if [ ! -d "$d" ]; then rm -f "$m"; continue; fi
		# not empty (another test's pod in it): that test removes it when it finishes
		[ -z "$(find "$d" -mindepth 1 -maxdepth 1 -type d -print -quit)" ] || continue
		rmdir "$d" 2>/dev/null && rm -f "$m"
	done
	_e2e_unlock
	return 0
}
# A dir of our own (pod, container, non-kube test dir): unique name, must not exist yet.
_e2e_mkdir_own() {
	local rel=$1 h d
	for h in "${E2E_HIER_IDS[@]}"; do
		d=${E2E_HIER_MNT[$h]}$rel
		mkdir "$d" || return 1
		_e2e_cpuset_fix "$d"
	done
}
# Journal entry: remove one of our own dirs in every hierarchy.  A dir of ours that still holds
# processes holds only processes we started (runc/dockerd containers, helpers): kill them first.
_e2e_rmdir_all() {
	local rel=$1 h d p try
	_e2e_hier_load
	for h in "${E2E_HIER_IDS[@]}"; do
		d=${E2E_HIER_MNT[$h]}$rel
		[ -d "$d" ] || continue
		for try in 1 2 3 4 5 6 7 8 9 10; do
			rmdir "$d" 2>/dev/null && break
			# children first (cgroups a runtime made below ours)
			find "$d" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null
			for p in $(cat "$d/cgroup.procs" 2>/dev/null); do
				echo "killing pid $p ($(cat /proc/$p/comm 2>/dev/null)) left in our cgroup $d"
				kill -KILL "$p" 2>/dev/null
			done
			sleep 0.2
		done
		[ -d "$d" ] && echo "could not remove $d"
	done
	return 0
}

# cg_mkdir REL: a cgroup of our own in every hierarchy (journaled).
cg_mkdir() {
	local rel=$1
	_e2e_created cg "$rel"
	e2e_defer _e2e_rmdir_all "$rel"
	_e2e_mkdir_own "$rel" || e2e_bail "cannot create cgroup $rel"
}

# Inode (= cgroup id) of REL in hierarchy H.
cg_id() { stat -c %i "${E2E_HIER_MNT[$1]}$2"; }

# Many pods at once, with plain mkdir below a private top (a kubelet --cgroup-root) in every
# traced hierarchy.  e2e_bulk_init NAME sets E2E_BULK_TOP and E2E_BULK_MNTS (removed at exit);
# e2e_bulk_pods N FILE writes the dirs of N pods of one container each (systemd driver,
# besteffort, containerd names, parents first; relative to the top) to FILE and makes them.
E2E_BULK_TOP=
E2E_BULK_MNTS=()
_e2e_bulk_cleanup() {
	local m
	for m in "${E2E_BULK_MNTS[@]}"; do
		[ -d "$m$E2E_BULK_TOP" ] && find "$m$E2E_BULK_TOP" -depth -type d -print0 | xargs -0 -r rmdir 2>/dev/null
		[ -d "$m$E2E_BULK_TOP" ] && echo "could not remove $m$E2E_BULK_TOP"
	done
	return 0
}
e2e_bulk_init() {
	local h
	_e2e_hier_load
	E2E_BULK_TOP=/podcg-e2e-$1-$$-$RANDOM
	E2E_BULK_MNTS=()
	for h in "${E2E_TRACED_HIDS[@]}"; do E2E_BULK_MNTS+=("${E2E_HIER_MNT[$h]}"); done
	[ "${#E2E_BULK_MNTS[@]}" -ge 1 ] || e2e_bail "no traced hierarchy found"
	e2e_defer _e2e_bulk_cleanup
}
e2e_bulk_pods() {
	local m
	awk -v n="$1" -v q=kubepods.slice/kubepods-besteffort.slice \
		-f "$E2E_REPO_ROOT/tests/bench/kubepods-dirs.awk" >"$2"
	for m in "${E2E_BULK_MNTS[@]}"; do
		mkdir -p "$m$E2E_BULK_TOP/kubepods.slice/kubepods-besteffort.slice" &&
			(cd "$m$E2E_BULK_TOP" && xargs -a "$2" mkdir) ||
			e2e_bail "cannot make the cgroups below $m$E2E_BULK_TOP"
	done
}

# ---------------------------------------------------------------------------------------------
# pods (kubelet layouts)

# pod_create HANDLE DRIVER QOS [UID]: the kubepods/QoS/pod dirs in every hierarchy, like the
# kubelet makes them before any runtime runs.  DRIVER systemd|cgroupfs, QOS besteffort|burstable|
# guaranteed.  Sets POD_UID/POD_QOS/POD_DRIVER/POD_CG[HANDLE].
pod_create() {
	local h=$1 driver=$2 qos=$3 uid=${4:-$(e2e_uuid)}
	local u_=${uid//-/_} top qosdir='' pod
	case $driver/$qos in
	systemd/guaranteed) top=/kubepods.slice; pod=$top/kubepods-pod$u_.slice ;;
	systemd/besteffort | systemd/burstable)
		top=/kubepods.slice; qosdir=$top/kubepods-$qos.slice; pod=$qosdir/kubepods-$qos-pod$u_.slice ;;
	cgroupfs/guaranteed) top=/kubepods; pod=$top/pod$uid ;;
	cgroupfs/besteffort | cgroupfs/burstable) top=/kubepods; qosdir=$top/$qos; pod=$qosdir/pod$uid ;;
	*) e2e_bail "pod_create: bad driver/qos $driver/$qos" ;;
	esac
	POD_UID[$h]=$uid; POD_QOS[$h]=$qos; POD_DRIVER[$h]=$driver; POD_CG[$h]=$pod
	POD_EXISTING[$h]=0
	E2E_PODS+=("$h")
	# journal first: partial creation is undone too
	e2e_defer _e2e_shared_release "$top"
	[ -n "$qosdir" ] && e2e_defer _e2e_shared_release "$qosdir"
	_e2e_created cg "$pod"
	e2e_defer _e2e_rmdir_all "$pod"
	_e2e_lock || e2e_bail "cannot take $E2E_CACHE/state/lock"
	local ok=1
	_e2e_ensure_shared "$top" && { [ -z "$qosdir" ] || _e2e_ensure_shared "$qosdir"; } &&
		_e2e_mkdir_own "$pod" || ok=0
	_e2e_unlock
	[ "$ok" = 1 ] || e2e_bail "pod_create $h: cannot create $pod"
	e2e_log "pod $h $driver/$qos uid=$uid cgroup=$pod"
}

# pod_remove HANDLE: rmdir the pod dir (after its containers are deleted), as the kubelet does.
pod_remove() {
	local h=$1
	_e2e_rmdir_all "${POD_CG[$h]}" >>"$E2E_TMP/cleanup.log" 2>&1
}

# ---------------------------------------------------------------------------------------------
# rootfs (busybox-static), OCI config

# Static = no PT_INTERP program header (64-bit little-endian ELF, as on x86_64/arm64).
_e2e_busybox_static() {
	local bb phoff phentsize phnum i t
	bb=$(readlink -f "$(command -v busybox)") || return 1
	phoff=$(od -An -j32 -N8 -tu8 "$bb" | tr -d ' ')
	phentsize=$(od -An -j54 -N2 -tu2 "$bb" | tr -d ' ')
	phnum=$(od -An -j56 -N2 -tu2 "$bb" | tr -d ' ')
	[ -n "$phoff" ] && [ -n "$phnum" ] || return 1
	for ((i = 0; i < phnum; i++)); do
		t=$(od -An -j$((phoff + i * phentsize)) -N4 -tu4 "$bb" | tr -d ' ')
		[ "$t" = 3 ] && return 1
	done
	return 0
}

# Prints the path of a busybox rootfs, built once into $E2E_CACHE (atomic rename).
e2e_rootfs() {
	local bb key dir tmp a
	bb=$(readlink -f "$(command -v busybox)")
	key=$(sha256sum "$bb" | cut -c1-16)
	dir=$E2E_CACHE/rootfs-$key
	if [ ! -x "$dir/bin/busybox" ]; then
		mkdir -p "$E2E_CACHE" && chmod 755 "$E2E_CACHE"
		tmp=$(mktemp -d "$E2E_CACHE/.rootfs.XXXXXX") || return 1
		mkdir -p "$tmp"/{bin,proc,dev,sys,tmp,etc,root,run,var}
		cp "$bb" "$tmp/bin/busybox"
		for a in $("$bb" --list); do
			[ "$a" = busybox ] || ln -sf busybox "$tmp/bin/$a"
		done
		echo 'root:x:0:0:root:/root:/bin/sh' >"$tmp/etc/passwd"
		echo 'root:x:0:' >"$tmp/etc/group"
		chmod 755 "$tmp" "$tmp"/{bin,proc,dev,sys,etc,root,run,var}
		chmod 1777 "$tmp/tmp"
		mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"  # lost a race: the other one is fine
	fi
	echo "$dir"
}

# Base config.json from `runc spec`, generated once per test.
_e2e_base_spec() {
	local f=$E2E_TMP/base-config.json
	if [ ! -f "$f" ]; then
		local d
		d=$(mktemp -d "$E2E_TMP/spec.XXXXXX")
		(cd "$d" && runc spec) || return 1
		mv "$d/config.json" "$f"
		rmdir "$d"
	fi
	echo "$f"
}

# e2e_oci_config OUT ROOTFS CGPATH HOSTNAME NSJSON USERNSMAP ARGS...
#   NSJSON: the .linux.namespaces array (JSON); USERNSMAP: "" or host uid/gid base for
#   container 0..65535.  Drops the /sys mounts (not needed, and simpler in user namespaces).
#   $E2E_ANNOTATIONS (a JSON object, if set) is merged into .annotations.
e2e_oci_config() {
	local out=$1 rootfs=$2 cgpath=$3 hn=$4 ns=$5 umap=$6
	shift 6
	local base args
	base=$(_e2e_base_spec) || return 1
	args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
	jq --arg rootfs "$rootfs" --arg cg "$cgpath" --arg hn "$hn" --argjson ns "$ns" \
		--argjson args "$args" --arg umap "$umap" --argjson ann "${E2E_ANNOTATIONS:-"{}"}" '
		.process.terminal = false
		| .process.args = $args
		| .root = {path: $rootfs, readonly: true}
		| .hostname = $hn
		| .mounts |= map(select(.destination != "/sys" and .destination != "/sys/fs/cgroup"))
		| .linux.cgroupsPath = $cg
		| .linux.namespaces = $ns
		| .annotations = ((.annotations // {}) + $ann)
		| if $umap != "" then
			.linux.uidMappings = [{containerID: 0, hostID: ($umap|tonumber), size: 65536}]
			| .linux.gidMappings = [{containerID: 0, hostID: ($umap|tonumber), size: 65536}]
		  else . end
	' "$base" >"$out"
}

# ---------------------------------------------------------------------------------------------
# ground truth

# JSON of a live process: pid, nspid, ppid, uid, comm, ns{8}.  Fails if the process is gone.
e2e_proc_truth() {
	local pid=$1 n v nsj='' nspid ppid uid comm status
	for n in "${E2E_NS_NAMES[@]}"; do
		v=$(stat -L -c %i "/proc/$pid/ns/$n" 2>/dev/null) || v=null
		nsj+="${nsj:+,}\"$n\":$v"
	done
	status=$(cat "/proc/$pid/status" 2>/dev/null) && comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
	nspid=$(awk '/^NSpid:/ {print $NF}' <<<"$status")
	ppid=$(awk '/^PPid:/ {print $2}' <<<"$status")
	uid=$(awk '/^Uid:/ {print $2}' <<<"$status")
	jq -n -c --argjson pid "$pid" --argjson nspid "${nspid:-null}" --argjson ppid "${ppid:-null}" \
		--argjson uid "${uid:-null}" --arg comm "$comm" --argjson ns "{$nsj}" \
		'{pid: $pid, nspid: $nspid, ppid: $ppid, uid: $uid, comm: $comm, ns: $ns}'
}

# truth_update HANDLE JQFILTER [jq args...]: edit the container's truth file.
truth_update() {
	local h=$1 f=$2; shift 2
	local t=${CTR_TRUTH[$h]}
	jq "$@" "$f" "$t" >"$t.new" && mv "$t.new" "$t"
}

# Expected runtime name(s) for a leaf naming scheme.
_e2e_rt_json() {
	case $1 in
	docker) echo '["docker"]' ;; containerd) echo '["containerd"]' ;; crio) echo '["crio"]' ;;
	podman) echo '["podman"]' ;; bare) echo '[null]' ;; *) echo '[null]' ;;
	esac
}

# Container identity truth: pod fields, runtime, cgroup path and the cgroup id per traced
# hierarchy (must be read while the dir exists).
_e2e_truth_container() {
	local h=$1 pod=$2 rt=$3 cgpath=$4 id=$5
	local ids='{}' all='{}' hid v
	for hid in "${E2E_HIER_IDS[@]}"; do
		v=$(cg_id "$hid" "$cgpath") || v=null
		all=$(jq -c --arg k "$hid" --argjson v "$v" '.[$k] = $v' <<<"$all")
	done
	for hid in "${E2E_TRACED_HIDS[@]}"; do
		ids=$(jq -c --arg k "$hid" '.[$k] = $a[$k]' --argjson a "$all" <<<"$ids")
	done
	local puid='' qos='' drv=''
	if [ -n "$pod" ]; then puid=${POD_UID[$pod]}; qos=${POD_QOS[$pod]}; drv=${POD_DRIVER[$pod]}; fi
	jq -n --arg handle "$h" --arg id "$id" --arg cg "$cgpath" --arg puid "$puid" --arg qos "$qos" \
		--arg drv "$drv" --argjson rt "$(_e2e_rt_json "$rt")" --argjson ids "$ids" --argjson all "$all" '
		{handle: $handle,
		 container: {pod_uid: $puid, qos: $qos, driver: $drv, container_id: $id, cgroup: $cg,
			     cgroup_ids: $ids},
		 runtime_ok: $rt, cgroup_ids_all: $all,
		 init_pid: null, procs: {}, exits: {}, execs: [], existing_pids: null,
		 expect: {create: 1, start: 1, existing: 0, remove: 1}}' >"${CTR_TRUTH[$h]}"
}

# ---------------------------------------------------------------------------------------------
# containers (runc)

# The OCI runtime: runc, or crun with E2E_OCI=crun (same command line for what is used here).
E2E_OCI=${E2E_OCI:-runc}
e2e_runc() { "$E2E_OCI" --root "$E2E_RUNC_ROOT" "$@"; }

# Leaf name of a container cgroup for a pod driver and runtime naming.
_e2e_leaf() {
	local driver=$1 rt=$2 id=$3
	case $driver/$rt in
	systemd/docker) echo "docker-$id.scope" ;;
	systemd/containerd) echo "cri-containerd-$id.scope" ;;
	systemd/crio) echo "crio-$id.scope" ;;
	systemd/podman) echo "libpod-$id.scope" ;;
	cgroupfs/crio) echo "crio-$id" ;;
	cgroupfs/bare | cgroupfs/docker | cgroupfs/containerd) echo "$id" ;;
	*) return 1 ;;
	esac
}

# ctr_create HANDLE POD RT [--join SANDBOX] [--userns HOSTUID] [--cgroup PATH] [--reexec FILE]
#            -- ARGS...
#   POD: pod handle ("-" with --cgroup for a container outside any pod); RT: docker|containerd|
#   crio|podman|bare (cgroup leaf naming, and the runtime the tracer must report).  Without
#   --join: a sandbox (new pid/mnt/uts/ipc/net, + user with --userns).  With --join S: an app
#   container (new pid/mnt) joining S's net/ipc/uts (and user) namespaces via /proc/<pid>/ns/*.
#   --cgroup: the cgroupsPath (@ID@ is replaced by the container id).  --reexec FILE: the
#   entrypoint later execs FILE in the same process (sh -c 'exec FILE'): one "exec" event.
#   Runs `runc create` and records ground truth before `start`.
ctr_create() {
	local h=$1 pod=$2 rt=$3; shift 3
	local join='' userns='' cgpath='' reexec=''
	while [ $# -gt 0 ]; do
		case $1 in
		--join) join=$2; shift 2 ;;
		--userns) userns=$2; shift 2 ;;
		--cgroup) cgpath=$2; shift 2 ;;
		--reexec) reexec=$2; shift 2 ;;
		--) shift; break ;;
		*) e2e_bail "ctr_create: unknown option $1" ;;
		esac
	done
	[ $# -gt 0 ] || e2e_bail "ctr_create $h: no process args"
	local id leaf rootfs bundle ns
	id=${E2E_CTR_ID:-$(e2e_hex 64)} # E2E_CTR_ID: an id chosen ahead (annotations naming it)
	if [ -z "$cgpath" ]; then
		leaf=$(_e2e_leaf "${POD_DRIVER[$pod]}" "$rt" "$id") || e2e_bail "ctr_create: bad rt $rt"
		cgpath=${POD_CG[$pod]}/$leaf
	else
		cgpath=${cgpath//@ID@/$id}
	fi
	[ "$pod" = - ] && pod=
	rootfs=$(e2e_rootfs) || e2e_bail "cannot build the busybox rootfs"
	bundle=${E2E_BUNDLE_DIR:-$E2E_TMP/bundles}/$id # E2E_BUNDLE_DIR: bundles elsewhere
	mkdir -p "$bundle"
	if [ -z "$join" ]; then
		ns='[{"type":"pid"},{"type":"mount"},{"type":"uts"},{"type":"ipc"},{"type":"network"}]'
		[ -n "$userns" ] && ns=$(jq -c '. + [{"type":"user"}]' <<<"$ns")
	else
		local sp=${CTR_PID[$join]}
		ns=$(jq -n -c --arg p "/proc/$sp/ns" '[{type:"pid"},{type:"mount"},
			{type:"network",path:($p+"/net")},{type:"ipc",path:($p+"/ipc")},{type:"uts",path:($p+"/uts")}]')
		if [ -n "${CTR_USERNS[$join]}" ]; then
			userns=${CTR_USERNS[$join]}
			ns=$(jq -c --arg p "/proc/$sp/ns/user" '. + [{type:"user",path:$p}]' <<<"$ns")
		fi
	fi
	e2e_oci_config "$bundle/config.json" "$rootfs" "$cgpath" "e2e-${id:0:12}" "$ns" "$userns" "$@" ||
		e2e_bail "ctr_create $h: config.json generation failed"
	# E2E_CONFIG_HOOK: a function called with the bundle dir before `runc create`
	[ -z "${E2E_CONFIG_HOOK:-}" ] || "$E2E_CONFIG_HOOK" "$bundle" ||
		e2e_bail "ctr_create $h: $E2E_CONFIG_HOOK failed"
	CTR_ID[$h]=$id; CTR_POD[$h]=$pod; CTR_CG[$h]=$cgpath; CTR_BUNDLE[$h]=$bundle
	CTR_TRUTH[$h]=$E2E_TMP/truth/$id.json; CTR_SANDBOX[$h]=$join; CTR_USERNS[$h]=$userns
	E2E_CTRS+=("$h")
	# journal: the container's own cgroup (if runc leaves it), then the container itself
	_e2e_created cg "$cgpath"
	e2e_defer _e2e_rmdir_all "$cgpath"
	_e2e_created runc "$E2E_RUNC_ROOT" "$id"
	e2e_defer _e2e_runc_cleanup "$E2E_RUNC_ROOT" "$id" "$E2E_OCI"
	if ! e2e_runc create --bundle "$bundle" --pid-file "$bundle/pid" "$id" \
		</dev/null >"$bundle/stdout" 2>"$bundle/stderr"; then
		e2e_bail "runc create $h ($cgpath) failed:" "$(cat "$bundle/stderr")"
	fi
	local pid
	pid=$(e2e_runc state "$id" | jq -r .pid)
	# process truth: read now, between create and start (the entrypoint may live 1 ms)
	_e2e_ctr_truth "$h" "$pod" "$rt" "$cgpath" "$id" "$pid" "$1" "$reexec"
	e2e_log "container $h id=$id pid=$pid cgroup=$cgpath"
}

# _e2e_ctr_truth HANDLE POD RT CGPATH ID PID FILENAME [REEXEC]: ground truth of a container
# whose init PID is about to exec (or has exec'd) FILENAME.
_e2e_ctr_truth() {
	local h=$1 pod=$2 rt=$3 cgpath=$4 id=$5 pid=$6 filename=$7 reexec=${8:-}
	local pt comm
	CTR_PID[$h]=$pid
	_e2e_truth_container "$h" "$pod" "$rt" "$cgpath" "$id"
	ctr_check_placement "$h"
	pt=$(e2e_proc_truth "$pid") || e2e_bail "cannot read /proc/$pid"
	comm=$(basename -- "$filename"); comm=${comm:0:15}
	truth_update "$h" '.init_pid = $pid | .procs[($pid|tostring)] = ($pt + {comm: $comm, filename: $fn})' \
		--argjson pid "$pid" --argjson pt "$pt" --arg comm "$comm" --arg fn "$filename"
	if [ -n "$reexec" ]; then
		comm=$(basename -- "$reexec"); comm=${comm:0:15}
		truth_update "$h" '.procs[($pid|tostring)].reexec = {comm: $comm, filename: $fn} | .execs += [$pid]' \
			--argjson pid "$pid" --arg comm "$comm" --arg fn "$reexec"
	fi
}

# Every hierarchy of the container's init must show exactly the container's cgroup.
ctr_check_placement() {
	local h=$1 pid=${CTR_PID[$1]} line hid ctrls path bad=''
	while IFS=: read -r hid ctrls path; do
		[ -n "${E2E_HIER_MNT[$hid]:-}" ] || continue
		[ "$path" = "${CTR_CG[$h]}" ] || bad+="$hid:$ctrls:$path "
	done <"/proc/$pid/cgroup"
	[ -z "$bad" ] || e2e_bail "container $h (pid $pid) not in ${CTR_CG[$h]} in every hierarchy: $bad"
}

ctr_start() {
	local h=$1
	e2e_runc start "${CTR_ID[$h]}" </dev/null >>"${CTR_BUNDLE[$h]}/stderr" 2>&1 ||
		e2e_bail "runc start $h failed:" "$(tail -5 "${CTR_BUNDLE[$h]}/stderr")"
}

ctr_status() { e2e_runc state "${CTR_ID[$1]}" 2>/dev/null | jq -r .status; }
_e2e_ctr_stopped() { [ "$(ctr_status "$1")" = stopped ]; }
# Wait until the container's init has exited (short-lived containers).
ctr_wait_stopped() {
	e2e_wait_until "${2:-10}" _e2e_ctr_stopped "$1" || e2e_bail "container $1 did not stop (status $(ctr_status "$1"))"
}

# ctr_expect_exit HANDLE PID CODE SIGNAL: the exit event the tracer must report.
ctr_expect_exit() {
	truth_update "$1" '.exits[$pid] = {exit_code: $c, signal: $s}' --arg pid "$2" --argjson c "$3" --argjson s "$4"
}

# ctr_kill HANDLE [SIG]: runc kill, wait for stop; SIGKILL of the init -> exit code 0, signal 9
# (also for the other processes of the container: the pid namespace dies with its init).
ctr_kill() {
	local h=$1 sig=${2:-KILL}
	local livepids
	livepids=$(cat "${E2E_HIER_MNT[${E2E_HIER_IDS[0]}]}${CTR_CG[$h]}/cgroup.procs" 2>/dev/null)
	e2e_runc kill "${CTR_ID[$h]}" "$sig" >>"${CTR_BUNDLE[$h]}/stderr" 2>&1 ||
		e2e_bail "runc kill $h failed:" "$(tail -5 "${CTR_BUNDLE[$h]}/stderr")"
	ctr_wait_stopped "$h"
	if [ "$sig" = KILL ] || [ "$sig" = 9 ]; then
		local p
		for p in $livepids; do
			if [ "$(jq -r --arg p "$p" '.procs[$p] != null' "${CTR_TRUTH[$h]}")" = true ]; then
				ctr_expect_exit "$h" "$p" 0 9
			fi
		done
	fi
}

ctr_delete() {
	local h=$1
	e2e_runc delete "${CTR_ID[$h]}" >>"${CTR_BUNDLE[$h]}/stderr" 2>&1 ||
		e2e_bail "runc delete $h failed:" "$(tail -5 "${CTR_BUNDLE[$h]}/stderr")"
	# runc deletes the container's own cgroup in every hierarchy
	_e2e_rmdir_all "${CTR_CG[$h]}" >>"$E2E_TMP/cleanup.log" 2>&1
}

# ctr_stop HANDLE: kill -9 + delete (the kubelet's StopContainer + RemoveContainer).
ctr_stop() { ctr_kill "$1" KILL; ctr_delete "$1"; }

# Journal entry: force-remove a runc container of ours.
_e2e_runc_cleanup() {
	local root=$1 id=$2 oci=${3:-runc}
	[ -d "$root/$id" ] || return 0
	"$oci" --root "$root" kill "$id" KILL >/dev/null 2>&1
	local i
	for i in $(seq 1 50); do
		[ "$("$oci" --root "$root" state "$id" 2>/dev/null | jq -r .status)" = running ] || break
		sleep 0.1
	done
	"$oci" --root "$root" delete -f "$id" || echo "$oci delete -f $id failed"
}

# ctr_exec HANDLE VAR -- ARGS...: `runc exec` (not detached) in the background; waits until the
# exec'd process runs, records its truth (ppid = the runc exec process) and stores its host pid
# in VAR.  ctr_exec_wait HANDLE PID waits for it and records its exit.
declare -A _E2E_EXEC_RUNC=()
ctr_exec() {
	local h=$1 var=$2; shift 2
	[ "${1:-}" = -- ] && shift
	local pf=$E2E_TMP/exec.$$.$RANDOM.pid runcpid pid pt comm
	e2e_runc exec --pid-file "$pf" "${CTR_ID[$h]}" "$@" </dev/null >>"${CTR_BUNDLE[$h]}/exec.out" 2>&1 &
	runcpid=$!
	_e2e_created proc "$runcpid" "$(e2e_starttime "$runcpid")"
	e2e_wait_until 10 test -s "$pf" || e2e_bail "runc exec into $h: no pid file" "$(tail -5 "${CTR_BUNDLE[$h]}/exec.out")"
	pid=$(cat "$pf")
	pt=$(e2e_proc_truth "$pid") || e2e_bail "exec'd process $pid vanished before its truth was read"
	comm=$(basename -- "$1"); comm=${comm:0:15}
	truth_update "$h" '.procs[($pid|tostring)] = ($pt + {comm: $comm, filename: $fn}) | .execs += [$pid]' \
		--argjson pid "$pid" --argjson pt "$pt" --arg comm "$comm" --arg fn "$1"
	_E2E_EXEC_RUNC[$pid]=$runcpid
	printf -v "$var" '%s' "$pid"
}
ctr_exec_wait() {
	local h=$1 pid=$2 rc
	wait "${_E2E_EXEC_RUNC[$pid]}"; rc=$?
	if [ "$rc" -gt 128 ]; then ctr_expect_exit "$h" "$pid" 0 $((rc - 128)); else ctr_expect_exit "$h" "$pid" "$rc" 0; fi
}

# ctr_existing HANDLE: the container was started before the tracer: expect container_existing
# (no create/start) with pids = every process now in its cgroup, each with its truth.
ctr_mark_existing() {
	local h=$1 p pt pids
	pids=$(sort -n "${E2E_HIER_MNT[${E2E_HIER_IDS[0]}]}${CTR_CG[$h]}/cgroup.procs")
	for p in $pids; do
		pt=$(e2e_proc_truth "$p") || continue
		# the comm each has now (the init's is the one of its entrypoint exec)
		truth_update "$h" '.procs[($p|tostring)] = $pt' --argjson p "$p" --argjson pt "$pt"
	done
	truth_update "$h" '.existing_pids = $pids | .expect.create = 0 | .expect.start = 0 | .expect.existing = 1' \
		--argjson pids "$(printf '%s\n' $pids | jq -s -c .)"
	POD_EXISTING[${CTR_POD[$h]}]=1
}

# ---------------------------------------------------------------------------------------------
# the tracer

E2E_TRACE_OUT=
E2E_TRACE_ERR=
E2E_TRACER_PID=
E2E_TRACER_ST=
E2E_TRACER_RC=

# tracer_start [ARGS...]: `$PODCG --json [--duration 180] ARGS` in the background, JSON Lines to
# $E2E_TMP/trace.jsonl, stderr to trace.err; waits (E2E_ATTACH_TIMEOUT) for the stderr line
# "podcg-trace: attached".  If the array E2E_TRACER_CMD is set, it replaces "$PODCG" (e.g.
# `podman run ... IMAGE`, whose entrypoint is the tracer); it must pass SIGINT on to the tracer
# and end with the tracer's exit status.
tracer_start() {
	E2E_TRACE_OUT=$E2E_TMP/trace.jsonl
	E2E_TRACE_ERR=$E2E_TMP/trace.err
	: >"$E2E_TRACE_OUT"; : >"$E2E_TRACE_ERR"
	# a safety net if this shell is SIGKILLed and no later test reaps the tracer
	local dur=()
	[[ " $* " == *" --duration "* ]] || dur=(--duration "${E2E_TRACER_DURATION:-180}")
	# non-interactive bash starts background jobs with SIGINT ignored: give it back its default
	local cmd=("$PODCG")
	[ -n "${E2E_TRACER_CMD+x}" ] && cmd=("${E2E_TRACER_CMD[@]}")
	env --default-signal=INT,TERM "${cmd[@]}" --json "${dur[@]}" "$@" </dev/null >"$E2E_TRACE_OUT" 2>"$E2E_TRACE_ERR" &
	E2E_TRACER_PID=$!
	E2E_TRACER_ST=$(e2e_starttime "$E2E_TRACER_PID")
	_e2e_created proc "$E2E_TRACER_PID" "$E2E_TRACER_ST"
	e2e_defer _e2e_tracer_cleanup "$E2E_TRACER_PID" "$E2E_TRACER_ST"
	local t0=$(date +%s%N)
	if ! e2e_wait_until "$E2E_ATTACH_TIMEOUT" _e2e_tracer_attached; then
		if _e2e_pid_alive "$E2E_TRACER_PID" "$E2E_TRACER_ST"; then
			e2e_bail "tracer not attached after ${E2E_ATTACH_TIMEOUT}s" "stderr:" "$(tail -20 "$E2E_TRACE_ERR")"
		fi
		wait "$E2E_TRACER_PID"
		e2e_bail "tracer exited with $? before attaching: $PODCG --json $*" "stderr:" "$(tail -20 "$E2E_TRACE_ERR")"
	fi
	e2e_log "tracer attached in $((($(date +%s%N) - t0) / 1000000)) ms"
}
_e2e_tracer_attached() {
	grep -q '^podcg-trace: attached' "$E2E_TRACE_ERR" && return 0
	_e2e_pid_alive "$E2E_TRACER_PID" "$E2E_TRACER_ST" || { grep -q '^podcg-trace: attached' "$E2E_TRACE_ERR"; return $?; }
	return 1
}
# Journal entry.
_e2e_tracer_cleanup() {
	local pid=$1 st=$2 i
	_e2e_pid_alive "$pid" "$st" || return 0
	e2e_kill_recorded "$pid" "$st" INT
	for i in $(seq 1 50); do _e2e_pid_alive "$pid" "$st" || return 0; sleep 0.1; done
	e2e_kill_recorded "$pid" "$st" KILL
}

# tracer_wait_for JQ-CONDITION [TIMEOUT]: until some event in the output satisfies the jq
# condition (e.g. '.event == "pod_remove"'); returns 1 on timeout (not a failure by itself:
# the tracer may buffer its output until it drains at exit).
tracer_wait_for() {
	e2e_wait_until "${2:-5}" _e2e_trace_has "$1"
}
_e2e_trace_has() {
	[ -n "$(jq -R -c "fromjson? | select(type == \"object\") | select($1)" "$E2E_TRACE_OUT" 2>/dev/null | head -1)" ]
}
# Wait until every pod of the test has its pod_remove (or the timeout passes).
tracer_wait_pods_removed() {
	local p cond=''
	for p in "${E2E_PODS[@]}"; do
		_e2e_trace_has ".event == \"pod_remove\" and .pod_uid == \"${POD_UID[$p]}\"" && continue
		tracer_wait_for ".event == \"pod_remove\" and .pod_uid == \"${POD_UID[$p]}\"" "${1:-5}" || return 1
	done
}

# tracer_stop: SIGINT, wait (10 s x E2E_TIME_SCALE) for it to drain and exit; exit status in E2E_TRACER_RC.
tracer_stop() {
	local i
	[ -n "$E2E_TRACER_PID" ] || return 0
	e2e_kill_recorded "$E2E_TRACER_PID" "$E2E_TRACER_ST" INT
	for i in $(seq 1 $((100 * E2E_TIME_SCALE))); do _e2e_pid_alive "$E2E_TRACER_PID" "$E2E_TRACER_ST" || break; sleep 0.1; done
	if _e2e_pid_alive "$E2E_TRACER_PID" "$E2E_TRACER_ST"; then
		e2e_kill_recorded "$E2E_TRACER_PID" "$E2E_TRACER_ST" KILL
		wait "$E2E_TRACER_PID" 2>/dev/null
		E2E_TRACER_RC=timeout
	else
		wait "$E2E_TRACER_PID"; E2E_TRACER_RC=$?
	fi
	E2E_TRACER_PID=
}

# ---------------------------------------------------------------------------------------------
# assertions on the JSON Lines output

# check_tracer_exit: SIGINT -> drained, summary on stderr, exit 0.
check_tracer_exit() {
	check_begin "tracer exits 0 on SIGINT"
	[ "$E2E_TRACER_RC" = 0 ] || check_fail "exit status: $E2E_TRACER_RC (expected 0)" "stderr:" "$(tail -10 "$E2E_TRACE_ERR")"
	check_end
}

# check_stream: every line is a JSON object with schema 1, an RFC 3339 UTC ns "ts" within the
# test's run, a known "event"; no "lost" event (nothing may be dropped in a quiet test).
check_stream() {
	check_begin "JSON Lines stream well-formed"
	local out
	out=$(jq -R -r --argjson evs "$E2E_EVENTS" --argjson t0 "$E2E_T0" --argjson t1 "$(($(date +%s) + 2))" '
		. as $line | input_line_number as $n |
		(try fromjson catch null) as $e |
		if ($e | type) != "object" then "line \($n): not a JSON object: \($line[0:200])"
		else
		  (if $e.schema != 1 then "line \($n): schema=\($e.schema|tojson) expected 1" else empty end),
		  (if ($e.ts|type) != "string" or ($e.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}Z$") | not)
		   then "line \($n): ts=\($e.ts|tojson) is not RFC 3339 UTC with 9 fractional digits"
		   else (($e.ts[0:19] + "Z") | fromdateiso8601) as $s |
		     if $s < ($t0 - 5) or $s > $t1 then "line \($n): ts=\($e.ts) outside the test run [\($t0 | todate), \($t1 | todate)]" else empty end
		   end),
		  (if ($evs | index($e.event)) == null then "line \($n): unknown event \($e.event|tojson)" else empty end),
		  (if $e.event == "lost" then "line \($n): lost events: \($e|tojson)" else empty end)
		end' "$E2E_TRACE_OUT" 2>&1)
	[ -n "$out" ] && check_fail "$(head -30 <<<"$out")"
	[ -s "$E2E_TRACE_OUT" ] || check_fail "no output at all"
	check_end
}

# jq program: every event of one container against its truth file ($T).  Input: the output lines
# that mention the container, as "N:json" (grep -n).  Prints one line per mismatch:
# "<event>@line<N> [pid=P]: <field>: actual=<json> expected=<json>".
_E2E_JQ_CONTAINER='
def where(e): "\(e.event)@line\(e._n)\(if e.pid != null then " pid=\(e.pid)" else "" end)";
def cmp(e; f; a; x): if a == x then empty else "\(where(e)): \(f): actual=\(a|tojson) expected=\(x|tojson)" end;
def idx(sel): [ .[] | select(sel) | ._n ];
$T[0] as $t | $t.container as $c | $c.container_id as $cid |
[ split("\n")[] | select(length > 0) | index(":") as $i
  | (.[$i + 1:] | try fromjson catch null) as $e
  | select(($e|type) == "object") | $e + {_n: (.[0:$i] | tonumber)} ] as $all |
[ $all[] | select(.container_id == $cid) ] as $evs |
($evs | map(select(.event == "container_create"))) as $cr |
($evs | map(select(.event == "container_start"))) as $st |
($evs | map(select(.event == "container_existing"))) as $ex |
($evs | map(select(.event == "container_remove"))) as $rm |
($evs | map(select(.event == "exec"))) as $xe |
($evs | map(select(.event == "exit"))) as $xt |
($t.init_pid) as $ip |
# counts
( if ($cr|length) != $t.expect.create then "container_create: \($cr|length) events, expected \($t.expect.create)" else empty end ),
( if ($st|length) != $t.expect.start then "container_start: \($st|length) events, expected \($t.expect.start)\(if ($st|length) > 1 then " (pids \($st|map(.pid)|tojson), filenames \($st|map(.filename)|tojson))" else "" end)" else empty end ),
( if ($ex|length) != $t.expect.existing then "container_existing: \($ex|length) events, expected \($t.expect.existing)" else empty end ),
( if ($rm|length) != $t.expect.remove then "container_remove: \($rm|length) events, expected \($t.expect.remove)" else empty end ),
# exec events: exactly the execs the test made (runc internals must not count), plus any exec
# by a child of a process the test started (busybox sh runs applets by exec /proc/self/exe)
( ($t.procs | keys) as $known |
  ($xe | map((.ppid|tostring) as $pp | .pid as $pid |
    select(($known | index($pp)) == null or ($t.execs | index($pid)) != null))) as $xt2 |
  ($xt2 | map(.pid) | sort) as $got | ($t.execs | sort) as $want |
  if $got != $want then "exec events for pids \($got|tojson), expected \($want|tojson) (\($xt2 | map("pid \(.pid) ppid \(.ppid) \(.filename)") | join(", ")))" else empty end ),
# exits the test caused: exactly one each
( $t.exits | to_entries[] | .key as $p | .value as $w |
  [ $xt[] | select((.pid|tostring) == $p) ] as $m |
  if ($m|length) != 1 then "exit for pid \($p): \($m|length) events, expected 1" else
    ($m[0] | cmp(.; "exit_code"; .exit_code; $w.exit_code), cmp(.; "signal"; .signal; $w.signal)) end ),
# fields of every event
( $evs[] | . as $e |
  cmp($e; "pod_uid"; $e.pod_uid; $c.pod_uid),
  cmp($e; "qos"; $e.qos; $c.qos),
  cmp($e; "driver"; $e.driver; $c.driver),
  cmp($e; "cgroup"; $e.cgroup; $c.cgroup),
  ( if ($t.runtime_ok | index($e.runtime)) == null then "\(where($e)): runtime: actual=\($e.runtime|tojson) expected \($t.runtime_ok | map(tojson) | join(" or "))" else empty end ),
  ( if ($e.cgroup_ids|type) != "object" then "\(where($e)): cgroup_ids: actual=\($e.cgroup_ids|tojson) expected=\($c.cgroup_ids|tojson)"
    else ( (($e.cgroup_ids|keys) + ($c.cgroup_ids|keys) | unique)[] as $k |
           cmp($e; "cgroup_ids[\($k)]"; $e.cgroup_ids[$k]; $c.cgroup_ids[$k]) ) end ),
  ( if $e.event == "container_create" or $e.event == "container_existing" then
      cmp($e; "hierarchies"; (($e.hierarchies // null) | if type == "array" then map(tostring) | sort else . end); ($c.cgroup_ids | keys | sort))
    else empty end ),
  ( if ["container_start","container_existing","exec","exit"] | index($e.event) then
      ($t.procs[($e.pid|tostring)]) as $p |
      if $p == null then
        ( if $e.event == "exit" then empty   # runc bootstrap processes exiting in the cgroup
          elif $e.event == "exec" and $t.procs[($e.ppid|tostring)] != null then
            # a child of a known process: same namespaces as its parent (none of these fork new ones)
            ( ["mnt","uts","ipc","pid","net","user","cgroup","time"][] as $n |
              cmp($e; "ns.\($n) (as its parent \($e.ppid))"; $e.ns[$n]; $t.procs[($e.ppid|tostring)].ns[$n]) )
          else "\(where($e)): pid: actual=\($e.pid|tojson) is not a process the test started (init \($ip)): comm=\($e.comm|tojson) filename=\($e.filename|tojson) ppid=\($e.ppid|tojson)" end )
      else
        cmp($e; "nspid"; $e.nspid; $p.nspid),
        cmp($e; "ppid"; $e.ppid; $p.ppid),
        cmp($e; "uid"; $e.uid; $p.uid),
        ( if ($e.event == "exec" or $e.event == "exit") and $p.reexec != null
          then cmp($e; "comm"; $e.comm; $p.reexec.comm) else cmp($e; "comm"; $e.comm; $p.comm) end ),
        ( if ($e.ns|type) != "object" then "\(where($e)): ns: actual=\($e.ns|tojson) expected=\($p.ns|tojson)"
          else ( ["mnt","uts","ipc","pid","net","user","cgroup","time"][] as $n | cmp($e; "ns.\($n)"; $e.ns[$n]; $p.ns[$n]) ) end ),
        ( if $e.event == "container_start" then cmp($e; "filename"; $e.filename; $p.filename)
          elif $e.event == "exec" then cmp($e; "filename"; $e.filename; ($p.reexec // $p).filename) else empty end )
      end
    else empty end ),
  ( if $e.event == "container_start" then cmp($e; "pid (container init, runc state .pid)"; $e.pid; $ip) else empty end ),
  ( if $e.event == "container_existing" then
      cmp($e; "pid (container init, runc state .pid)"; $e.pid; $ip),
      cmp($e; "pids"; (($e.pids // null) | if type == "array" then sort else . end); $t.existing_pids)
    else empty end )
),
# order: create/existing first, remove last, start before the init exit, exec before its exit
( ($evs | map(._n)) as $ns |
  ((if $t.expect.existing == 1 then $ex else $cr end) | map(._n) | min) as $first |
  ($rm | map(._n) | max) as $last |
  ( if $first != null and ($ns | min) < $first then "order: \(($evs | map(select(._n < $first) | "\(.event)@line\(._n)")) | join(", ")) before container_\(if $t.expect.existing == 1 then "existing" else "create" end)@line\($first)" else empty end ),
  ( if $last != null and ($ns | max) > $last then "order: \(($evs | map(select(._n > $last) | "\(.event)@line\(._n)")) | join(", ")) after container_remove@line\($last)" else empty end ),
  ( ($st | map(._n) | min) as $s |
    ($xt | map(select(.pid == $ip) | ._n) | min) as $x |
    if $s != null and $x != null and $x < $s then "order: exit of the init@line\($x) before container_start@line\($s)" else empty end ),
  ( $xe[] as $x | ($xt | map(select(.pid == $x.pid) | ._n) | min) as $y |
    if $y != null and $y < $x._n then "order: exit@line\($y) before exec@line\($x._n) of pid \($x.pid)" else empty end )
)
'

# check_container HANDLE [NAME]: every event of the container against its ground truth.
check_container() {
	local h=$1 name=${2:-"container $1 (${CTR_ID[$1]:0:12}) events match ground truth"}
	check_begin "$name"
	local out
	# only the lines that mention the container ("N:json", N = line number in the output)
	out=$(grep -n -F -- "${CTR_ID[$h]}" "$E2E_TRACE_OUT" |
		jq -R -s -r --slurpfile T "${CTR_TRUTH[$h]}" "$_E2E_JQ_CONTAINER" 2>&1)
	if [ -n "$out" ]; then
		check_fail "$(head -40 <<<"$out")" "container ${CTR_ID[$h]} cgroup ${CTR_CG[$h]}"
		check_fail "events: $(grep -c -F "${CTR_ID[$h]}" "$E2E_TRACE_OUT") lines mention it; truth: $E2E_TMP/truth/${CTR_ID[$h]}.json"
		[ "${E2E_VERBOSE:-0}" = 1 ] && check_fail "truth: $(jq -c . "${CTR_TRUTH[$h]}")" "$(grep -F "${CTR_ID[$h]}" "$E2E_TRACE_OUT")"
		E2E_KEEP=${E2E_KEEP:-1}
	fi
	check_end
}

_E2E_JQ_POD='
def where(e): "\(e.event)@line\(e._n)";
def cmp(e; f; a; x): if a == x then empty else "\(where(e)): \(f): actual=\(a|tojson) expected=\(x|tojson)" end;
[ split("\n")[] | select(length > 0) | index(":") as $i
  | (.[$i + 1:] | try fromjson catch null) as $e
  | select(($e|type) == "object") | $e + {_n: (.[0:$i] | tonumber)} ] as $all |
[ $all[] | select(.pod_uid == $uid and (.event == "pod_create" or .event == "pod_remove")) ] as $pev |
($pev | map(select(.event == "pod_create"))) as $cr |
($pev | map(select(.event == "pod_remove"))) as $rm |
[ $all[] | select(.pod_uid == $uid and .event == "container_create") | ._n ] as $ccr |
[ $all[] | select(.pod_uid == $uid and .event == "container_remove") | ._n ] as $crm |
( if $existing == 0 and ($cr|length) != 1 then "pod_create: \($cr|length) events, expected 1"
  elif $existing == 1 and ($cr|length) > 1 then "pod_create: \($cr|length) events, expected at most 1" else empty end ),
( if ($rm|length) != 1 then "pod_remove: \($rm|length) events, expected 1" else empty end ),
( $pev[] | . as $e | cmp($e; "qos"; $e.qos; $qos), cmp($e; "driver"; $e.driver; $driver), cmp($e; "cgroup"; $e.cgroup; $cg) ),
( ($cr | map(._n) | min) as $c | ($ccr | min) as $f |
  if $c != null and $f != null and $f < $c then "order: container_create@line\($f) before pod_create@line\($c)" else empty end ),
( ($rm | map(._n) | max) as $r | ($crm | max) as $l |
  if $r != null and $l != null and $l > $r then "order: container_remove@line\($l) after pod_remove@line\($r)" else empty end )
'

# check_pod HANDLE [NAME]: pod_create / pod_remove once each, fields, order around containers.
check_pod() {
	local h=$1 name=${2:-"pod $1 (${POD_QOS[$1]}, ${POD_DRIVER[$1]}) events match ground truth"}
	check_begin "$name"
	local out
	out=$(grep -n -F -- "${POD_UID[$h]}" "$E2E_TRACE_OUT" |
		jq -R -s -r --arg uid "${POD_UID[$h]}" --arg qos "${POD_QOS[$h]}" --arg driver "${POD_DRIVER[$h]}" \
		--arg cg "${POD_CG[$h]}" --argjson existing "${POD_EXISTING[$h]}" "$_E2E_JQ_POD" 2>&1)
	[ -n "$out" ] && check_fail "$(head -20 <<<"$out")" "pod ${POD_UID[$h]} cgroup ${POD_CG[$h]}"
	check_end
}

check_all_containers() { local h; for h in "${E2E_CTRS[@]}"; do [ -n "${CTR_POD[$h]}" ] && check_container "$h"; done; return 0; }
check_all_pods() { local h; for h in "${E2E_PODS[@]}"; do check_pod "$h"; done; return 0; }

# check_no_mention NAME STRING...: no output line contains any of the strings.
check_no_mention() {
	local name=$1 s hits; shift
	check_begin "$name"
	for s in "$@"; do
		hits=$(grep -n -F -- "$s" "$E2E_TRACE_OUT" | head -5)
		[ -n "$hits" ] && check_fail "output mentions $s:" "$hits"
	done
	check_end
}

# jq_events FILTER: the output's events (objects) passing a jq select condition, one per line.
jq_events() { jq -R -c "fromjson? | select(type == \"object\") | select($1)" "$E2E_TRACE_OUT"; }

# ---------------------------------------------------------------------------------------------
# common test tail

# e2e_teardown: like the kubelet: stop (kill -9) and remove every container still there, apps
# before sandboxes (reverse creation order), then remove every pod dir.  Runs while tracing.
e2e_teardown() {
	local i h st
	for ((i = ${#E2E_CTRS[@]} - 1; i >= 0; i--)); do
		h=${E2E_CTRS[i]}
		[ -d "$E2E_RUNC_ROOT/${CTR_ID[$h]}" ] || continue
		st=$(ctr_status "$h")
		case $st in
		running | created | paused) ctr_kill "$h" KILL ;;
		esac
		ctr_delete "$h"
	done
	for h in "${E2E_PODS[@]}"; do pod_remove "$h"; done
}

# e2e_standard_checks: wait for the pod_remove events, stop the tracer, then check its exit,
# the stream, every pod and every pod container against ground truth.
e2e_standard_checks() {
	tracer_wait_pods_removed 5 || e2e_log "not every pod_remove seen before SIGINT"
	tracer_stop
	check_tracer_exit
	check_stream
	check_all_pods
	check_all_containers
}

# ns inode of a container's init from the tracer's container_start/_existing event ("" if none).
event_ns() {
	local h=$1 n=$2
	jq_events ".container_id == \"${CTR_ID[$h]}\" and (.event == \"container_start\" or .event == \"container_existing\")" |
		head -1 | jq -r --arg n "$n" '.ns[$n] // empty'
}

# ---------------------------------------------------------------------------------------------
# a real dockerd (Debian docker.io, cgroupfs driver), private to the test

E2E_DOCKER_DIR=
E2E_DOCKER=()  # the client command, e.g. "${E2E_DOCKER[@]}" ps
E2E_DOCKERD_PID=

# Image tarball in `docker save` format built with tar from the busybox rootfs (cached).
e2e_docker_image_tar() {
	local rootfs key out tmp diff cfg
	rootfs=$(e2e_rootfs) || return 1
	key=${rootfs##*rootfs-}
	out=$E2E_CACHE/image-$key.tar
	if [ ! -s "$out" ]; then
		tmp=$(mktemp -d "$E2E_CACHE/.image.XXXXXX") || return 1
		tar --numeric-owner -C "$rootfs" -cf "$tmp/layer.tar" . || return 1
		diff=$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)
		jq -n -c --arg d "sha256:$diff" '{architecture: "amd64", os: "linux",
			created: "2026-01-01T00:00:00Z",
			config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["/bin/sh"]},
			rootfs: {type: "layers", diff_ids: [$d]},
			history: [{created: "2026-01-01T00:00:00Z", created_by: "podcg-e2e busybox-static rootfs"}]}' \
			| jq -c --arg a "$(uname -m | sed 's/x86_64/amd64/;s/aarch64/arm64/')" '.architecture = $a' >"$tmp/config.json"
		cfg=$(sha256sum "$tmp/config.json" | cut -d' ' -f1)
		mv "$tmp/config.json" "$tmp/$cfg.json"
		mkdir "$tmp/$diff"
		mv "$tmp/layer.tar" "$tmp/$diff/layer.tar"
		echo 1.0 >"$tmp/$diff/VERSION"
		jq -n -c --arg id "$diff" '{id: $id, created: "2026-01-01T00:00:00Z"}' >"$tmp/$diff/json"
		jq -n -c --arg c "$cfg.json" --arg l "$diff/layer.tar" \
			'[{Config: $c, RepoTags: ["podcg-e2e/busybox:latest"], Layers: [$l]}]' >"$tmp/manifest.json"
		tar -C "$tmp" -cf "$tmp/image.tar" manifest.json "$cfg.json" "$diff" || return 1
		mv "$tmp/image.tar" "$out"
		rm -rf "$tmp"
	fi
	echo "$out"
}

# dockerd_start [TIMEOUT]: dockerd (+ the containerd it manages) in a private mount namespace
# (tmpfs /run, overlays on /etc /opt /var/lib: the host's stay untouched) with data-root,
# exec-root, pidfile and socket under $E2E_TMP/docker; cgroupfs driver, no networking setup.
# $E2E_DOCKER_DATA_ROOT: another data-root (a directory of the test's).
dockerd_start() {
	local timeout=${1:-30} d=$E2E_TMP/docker client
	E2E_DOCKER_DIR=$d
	mkdir -p "$d"/{data,exec,ov}
	echo '{}' >"$d/daemon.json"
	client=/usr/bin/docker
	[ -x "$client" ] || client=$(command -v docker)
	E2E_DOCKER=("$client" -H "unix://$d/docker.sock")
	local ov=$d/ov
	# journal first: whatever comes up is torn down
	e2e_defer _e2e_dockerd_cleanup "$d" "$client"
	unshare --mount --propagation private -- /bin/sh -c '
		set -e
		ov=$1; shift
		mount -t tmpfs -o mode=755 podcg-e2e-run /run
		for m in etc opt var/lib; do
			n=$(echo "$m" | tr / _)
			mkdir -p "$ov/$n.up" "$ov/$n.work"
			mount -t overlay -o "lowerdir=/$m,upperdir=$ov/$n.up,workdir=$ov/$n.work" podcg-e2e-$n "/$m"
		done
		exec "$@"' sh "$ov" \
		dockerd --data-root "${E2E_DOCKER_DATA_ROOT:-$d/data}" --exec-root "$d/exec" --pidfile "$d/dockerd.pid" \
		-H "unix://$d/docker.sock" --config-file "$d/daemon.json" \
		--exec-opt native.cgroupdriver=cgroupfs --storage-driver vfs \
		--bridge none --iptables=false --ip-masq=false --userland-proxy=false --log-level warn \
		</dev/null >"$d/dockerd.log" 2>&1 &
	E2E_DOCKERD_PID=$!
	echo "$E2E_DOCKERD_PID $(e2e_starttime "$E2E_DOCKERD_PID")" >"$d/dockerd.owner"
	_e2e_created proc "$E2E_DOCKERD_PID" "$(e2e_starttime "$E2E_DOCKERD_PID")"
	if ! e2e_wait_until "$timeout" _e2e_dockerd_up; then
		e2e_bail "dockerd not up after ${timeout}s" "$(tail -15 "$d/dockerd.log")"
	fi
	stat -L -c %i "/proc/$E2E_DOCKERD_PID/ns/mnt" >"$d/mntns"
	local cpid
	cpid=$(cat "$d/exec/containerd/containerd.pid" 2>/dev/null)
	[ -n "$cpid" ] && echo "$cpid $(e2e_starttime "$cpid")" >"$d/containerd.owner" &&
		_e2e_created proc "$cpid" "$(e2e_starttime "$cpid")"
	e2e_log "dockerd up (pid $E2E_DOCKERD_PID, containerd ${cpid:-?})"
}
_e2e_dockerd_up() {
	read -r p s <"$E2E_DOCKER_DIR/dockerd.owner"
	_e2e_pid_alive "$p" "$s" || e2e_bail "dockerd exited:" "$(tail -15 "$E2E_DOCKER_DIR/dockerd.log")"
	"${E2E_DOCKER[@]}" version >/dev/null 2>&1
}

# Journal entry: remove our docker containers, stop dockerd and its containerd by their recorded
# pids, then any process left in their private mount namespace (shims).
_e2e_dockerd_cleanup() {
	local d=$1 client=$2 pid st i ns p c
	[ -f "$d/dockerd.owner" ] || return 0
	read -r pid st <"$d/dockerd.owner"
	if _e2e_pid_alive "$pid" "$st"; then
		c=$(timeout 10 "$client" -H "unix://$d/docker.sock" ps -aq 2>/dev/null)
		[ -n "$c" ] && timeout 30 "$client" -H "unix://$d/docker.sock" rm -f $c
		e2e_kill_recorded "$pid" "$st" TERM
		for i in $(seq 1 150); do _e2e_pid_alive "$pid" "$st" || break; sleep 0.1; done
		_e2e_pid_alive "$pid" "$st" && { echo "dockerd $pid: SIGKILL"; e2e_kill_recorded "$pid" "$st" KILL; }
	fi
	if [ -f "$d/containerd.owner" ]; then
		read -r pid st <"$d/containerd.owner"
		e2e_kill_recorded "$pid" "$st" TERM
		for i in $(seq 1 50); do _e2e_pid_alive "$pid" "$st" || break; sleep 0.1; done
		e2e_kill_recorded "$pid" "$st" KILL
	fi
	if [ -s "$d/mntns" ]; then
		ns=$(cat "$d/mntns")
		for p in /proc/[0-9]*; do
			[ "$(stat -L -c %i "$p/ns/mnt" 2>/dev/null)" = "$ns" ] || continue
			echo "killing ${p#/proc/} ($(cat "$p/comm" 2>/dev/null)) left in dockerd's mount namespace"
			kill -KILL "${p#/proc/}" 2>/dev/null
		done
	fi
	return 0
}

# docker_run HANDLE POD [DOCKER-RUN-OPTIONS...] -- ARGS...: `docker run -d` with --cgroup-parent = the pod's cgroup
# (the cgroupfs layout /kubepods/<qos>/pod<uid>/<64hex>); truth from docker inspect + /proc.
docker_run() {
	local h=$1 pod=$2 dargs=(); shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do dargs+=("$1"); shift; done # docker run options
	[ "${1:-}" = -- ] && shift
	local id pid cgpath
	id=$("${E2E_DOCKER[@]}" run -d --network none --cgroup-parent "${POD_CG[$pod]}" "${dargs[@]}" \
		podcg-e2e/busybox:latest "$@" 2>"$E2E_TMP/docker-run.err") ||
		e2e_bail "docker run failed:" "$(cat "$E2E_TMP/docker-run.err")" "$(tail -5 "$E2E_DOCKER_DIR/dockerd.log")"
	id=$("${E2E_DOCKER[@]}" inspect -f '{{.Id}}' "$id")
	pid=$("${E2E_DOCKER[@]}" inspect -f '{{.State.Pid}}' "$id")
	cgpath=${POD_CG[$pod]}/$id
	CTR_ID[$h]=$id; CTR_POD[$h]=$pod; CTR_CG[$h]=$cgpath; CTR_BUNDLE[$h]=$E2E_TMP
	CTR_TRUTH[$h]=$E2E_TMP/truth/$id.json; CTR_SANDBOX[$h]=; CTR_USERNS[$h]=
	E2E_CTRS+=("$h")
	_e2e_created cg "$cgpath"
	e2e_defer _e2e_rmdir_all "$cgpath"
	[ "$pid" -gt 0 ] 2>/dev/null || e2e_bail "docker inspect: State.Pid=$pid"
	_e2e_ctr_truth "$h" "$pod" docker "$cgpath" "$id" "$pid" "$1"
	e2e_log "docker container $h id=$id pid=$pid cgroup=$cgpath"
}

# docker_rm HANDLE: docker rm -f (SIGKILL of the init -> exit signal 9), cgroup removed.
docker_rm() {
	local h=$1
	"${E2E_DOCKER[@]}" rm -f "${CTR_ID[$h]}" >/dev/null 2>"$E2E_TMP/docker-rm.err" ||
		e2e_bail "docker rm -f failed:" "$(cat "$E2E_TMP/docker-rm.err")"
	ctr_expect_exit "$h" "${CTR_PID[$h]}" 0 9
}
