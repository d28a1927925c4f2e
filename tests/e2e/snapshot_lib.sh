# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# snapshot_lib.sh - ground truth and checks of --snapshot's output, shared by t_snapshot*.sh
# (sourced after lib.sh): the processes of containers from /proc, and a jq check of every
# container_existing's "processes" against them.

# Ground truth of every process of a container, read now: {"<pid>": {ppid, nspid, uid, comm,
# ns, cmdline}} (cmdline from /proc/PID/cmdline, split at its NULs).
procs_truth() {
	local h=$1 p pt args out='{}'
	for p in $(sort -n "${E2E_HIER_MNT[${E2E_HIER_IDS[0]}]}${CTR_CG[$h]}/cgroup.procs"); do
		pt=$(e2e_proc_truth "$p") || continue
		args=$(tr '\0' '\n' <"/proc/$p/cmdline" | jq -R . | jq -s -c .) || continue
		out=$(jq -c --arg p "$p" --argjson pt "$pt" --argjson a "$args" \
			'.[$p] = ($pt | del(.pid)) + {cmdline: $a}' <<<"$out")
	done
	echo "$out"
}

# TRUTH: {"<container id>": {pod_uid, procs}} for the handles given (build_truth also marks
# them existing in their truth files, for check_container).
build_truth() {
	local h
	for h in "$@"; do
		ctr_mark_existing "$h"
		truth_update "$h" '.expect.remove = 0'
	done
	build_truth_procs "$@"
}
build_truth_procs() {
	local h t='{}'
	for h in "$@"; do
		t=$(jq -c --arg id "${CTR_ID[$h]}" --arg pod "${POD_UID[${CTR_POD[$h]}]}" \
			--argjson pr "$(procs_truth "$h")" '.[$id] = {pod_uid: $pod, procs: $pr}' <<<"$t")
	done
	echo "$t" >"$E2E_TMP/truth.all.json"
}

# check_processes NAME FILE [NS_UNKNOWN]: every container of the truth is in FILE (JSON Lines)
# once, with exactly its processes and their fields.  NS_UNKNOWN=1: namespaces must read 0
# (no right to read them) instead.
check_processes() {
	local name=$1 file=$2 nsu=${3:-0} out
	check_begin "$name"
	out=$(jq -s -r --slurpfile T "$E2E_TMP/truth.all.json" --argjson nsu "$nsu" '
		$T[0] as $t |
		[ .[] | select(.event == "container_existing" and $t[.container_id] != null) ] as $ev |
		( $t | to_entries[] | .key as $id | .value as $c |
		  [ $ev[] | select(.container_id == $id) ] as $m |
		  if ($m | length) != 1 then "\($id[0:12]): \($m | length) container_existing, expected 1"
		  else $m[0] as $e |
		    ( if $e.pod_uid != $c.pod_uid then "\($id[0:12]): pod_uid \($e.pod_uid)" else empty end ),
		    ( ($e.processes | map(.pid | tostring) | sort) as $got | ($c.procs | keys | sort) as $want |
		      if $got != $want then "\($id[0:12]): processes \($got|tojson), expected \($want|tojson)" else empty end ),
		    ( if ($e.processes | map(.pid)) != ($e.pids) then "\($id[0:12]): processes not in pids order" else empty end ),
		    ( $e.processes[] | . as $p | $c.procs[($p.pid|tostring)] as $w | select($w != null) |
		      ( ["ppid","nspid","uid","comm","cmdline"][] as $f |
		        if $p[$f] != $w[$f] then "\($id[0:12]) pid \($p.pid): \($f): actual=\($p[$f]|tojson) expected=\($w[$f]|tojson)" else empty end ),
		      ( if $p.cmdline_truncated != false then "\($id[0:12]) pid \($p.pid): cmdline_truncated" else empty end ),
		      ( ["mnt","uts","ipc","pid","net","user","cgroup","time"][] as $n |
		        (if $nsu == 1 then 0 else $w.ns[$n] end) as $x |
		        if $p.ns[$n] != $x then "\($id[0:12]) pid \($p.pid): ns.\($n): actual=\($p.ns[$n]) expected=\($x)" else empty end ) )
		  end )' "$file" 2>&1)
	[ -n "$out" ] && check_fail "$(head -30 <<<"$out")"
	check_end
}

