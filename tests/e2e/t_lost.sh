#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_lost.sh - e2e: nothing is lost silently.  A stopped tracer (SIGSTOP) with a 1 MiB ring
# buffer and --all cannot keep up with an exec storm; the kernel side counts every failed
# ring-buffer write and the tracer reports them in a "lost" record: reported + lost execs of
# the storm's binary add up to at least the storm, and the lost record is in the recording.
. "$(dirname "$0")/lib.sh"
e2e_init t_lost
e2e_require_tracer

N=6000
rec=$E2E_TMP/lost.pcgt
tracer_start --all --ringbuf-mb 1 -w "$rec"
e2e_kill_recorded "$E2E_TRACER_PID" "$E2E_TRACER_ST" STOP
e2e_exec_storm "$N"
e2e_kill_recorded "$E2E_TRACER_PID" "$E2E_TRACER_ST" CONT
sleep 1.5 # the drop counters are read once a second
tracer_stop
check_tracer_exit

check_begin "ring-buffer drops are reported, not silent"
seen=$(jq -c --arg f "$E2E_STORM_TRUE" 'select(.event == "exec" and .filename == $f)' "$E2E_TRACE_OUT" | wc -l)
lost=$(jq -s '[.[] | select(.event == "lost") | .counts.exec // 0] | add // 0' "$E2E_TRACE_OUT")
total=$(jq -s '[.[] | select(.event == "lost") | .total] | add // 0' "$E2E_TRACE_OUT")
[ "$lost" -gt 0 ] || check_fail "no lost exec events reported (saw $seen of $N execs): the storm did not overflow the ring?"
[ $((seen + lost)) -ge "$N" ] || check_fail "execs reported ($seen) + lost ($lost) < storm ($N): some vanished silently"
[ "$seen" -lt "$N" ] || check_fail "all $N execs arrived: nothing was dropped, the test proves nothing"
grep -q "lost" "$E2E_TRACE_ERR" || check_fail "the exit summary does not mention losses"
e2e_log "storm $N, reported $seen, lost exec $lost, lost total $total"
check_end

check_begin "the lost record is in the recording and replays"
"$PODCG" -r "$rec" --json >"$E2E_TMP/replay.jsonl" 2>/dev/null || check_fail "replay failed"
rl=$(jq -s '[.[] | select(.event == "lost") | .total] | add // 0' "$E2E_TMP/replay.jsonl")
[ "$rl" = "$total" ] || check_fail "replay shows $rl lost, live showed $total"
check_end
e2e_finish
