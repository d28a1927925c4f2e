#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_record.sh - e2e: record (-w) while real pods start, then replay (-r, no root needed) gives
# exactly the live --json output of the same run; a recording cut mid-file and one killed
# with SIGKILL still replay up to their last complete block; `-w -` pipes.
. "$(dirname "$0")/lib.sh"
e2e_init t_record
e2e_require_tracer

rec=$E2E_TMP/rec.pcgt
tracer_start -w "$rec"
pod_create P systemd besteffort
ctr_create S P containerd -- /bin/sleep 30
ctr_start S
ctr_create A P containerd --join S -- /bin/sh -c 'exit 5'
ctr_start A
ctr_wait_stopped A
ctr_exec S X1 -- /bin/sleep 0.5
ctr_exec_wait S "$X1"
e2e_teardown
e2e_standard_checks

check_begin "replay of the recording equals the live --json output"
if [ ! -s "$rec" ]; then
	check_fail "no recording written at $rec"
else
	mode=$(stat -c %a "$rec")
	[ "$mode" = 600 ] || check_fail "recording mode $mode, expected 600"
	# replay as an unprivileged user: no root, no BPF
	cp "$rec" "$E2E_TMP/copy.pcgt" && chmod 644 "$E2E_TMP/copy.pcgt"
	if setpriv --reuid=65534 --regid=65534 --clear-groups "$PODCG" -r "$E2E_TMP/copy.pcgt" \
		--json >"$E2E_TMP/replay.jsonl" 2>"$E2E_TMP/replay.err"; then
		if ! cmp -s "$E2E_TRACE_OUT" "$E2E_TMP/replay.jsonl"; then
			check_fail "replay differs from live output:" \
				"$(diff "$E2E_TRACE_OUT" "$E2E_TMP/replay.jsonl" | head -10)"
		fi
	else
		check_fail "replay as nobody failed: $(cat "$E2E_TMP/replay.err")"
	fi
	n=$(wc -l <"$E2E_TRACE_OUT")
	[ "$n" -ge 8 ] || check_fail "only $n live lines: the run recorded too little to compare"
fi
check_end

check_begin "replay with --container filter equals the filtered live view"
cid=${CTR_ID[S]}
jq -c --arg c "$cid" 'select(.container_id == $c)' "$E2E_TRACE_OUT" >"$E2E_TMP/want.jsonl"
"$PODCG" -r "$rec" --json --container "${cid:0:12}" >"$E2E_TMP/got.jsonl" 2>/dev/null
cmp -s "$E2E_TMP/want.jsonl" "$E2E_TMP/got.jsonl" ||
	check_fail "filtered replay differs: $(diff "$E2E_TMP/want.jsonl" "$E2E_TMP/got.jsonl" | head -5)"
[ -s "$E2E_TMP/got.jsonl" ] || check_fail "filtered replay is empty"
check_end

check_begin "a cut recording replays its complete blocks and says what was lost"
size=$(stat -c %s "$rec")
head -c $((size - 7)) "$rec" >"$E2E_TMP/cut.pcgt"
"$PODCG" -r "$E2E_TMP/cut.pcgt" --json >"$E2E_TMP/cut.jsonl" 2>"$E2E_TMP/cut.err"
rc=$?
[ "$rc" = 0 ] || check_fail "replay of a cut file exited $rc (expected 0: events were readable)"
grep -q "damaged\|truncated\|cut" "$E2E_TMP/cut.err" || check_fail "no damage report on stderr: $(cat "$E2E_TMP/cut.err")"
[ -s "$E2E_TMP/cut.jsonl" ] || check_fail "nothing replayed from the cut file"
head -c 100 "$rec" >"$E2E_TMP/hdr.pcgt"
"$PODCG" -r "$E2E_TMP/hdr.pcgt" --json >/dev/null 2>&1 && check_fail "a file cut inside its header replayed with exit 0"
check_end

check_begin "a tracer killed with SIGKILL leaves a replayable recording"
rec2=$E2E_TMP/killed.pcgt
env --default-signal=INT,TERM "$PODCG" -q -w "$rec2" --duration 60 </dev/null 2>"$E2E_TMP/k.err" &
kpid=$!
kst=$(e2e_starttime "$kpid")
_e2e_created proc "$kpid" "$kst"
e2e_wait_until 10 grep -q '^podcg-trace: attached$' "$E2E_TMP/k.err"
pod_create Q systemd burstable
ctr_create K Q crio -- /bin/sleep 1
ctr_start K
ctr_wait_stopped K
sleep 1.5 # one periodic flush
e2e_kill_recorded "$kpid" "$kst" KILL
wait "$kpid" 2>/dev/null
"$PODCG" -r "$rec2" --json >"$E2E_TMP/killed.jsonl" 2>"$E2E_TMP/killed.err" ||
	check_fail "replay of the SIGKILLed recording failed: $(cat "$E2E_TMP/killed.err")"
jq -c --arg c "${CTR_ID[K]}" 'select(.event == "container_start" and .container_id == $c)' \
	"$E2E_TMP/killed.jsonl" | grep -q . || check_fail "the container started before SIGKILL is not in the replay" \
	"replay: $(jq -c '[.event, .container_id]' "$E2E_TMP/killed.jsonl" | tr '\n' ' ')" \
	"stderr: $(cat "$E2E_TMP/killed.err" "$E2E_TMP/k.err")" "K=${CTR_ID[K]}"
grep -q "truncated\|trailer\|damaged" "$E2E_TMP/killed.err" || check_fail "replay did not say the recording was not closed cleanly"
ctr_delete K
pod_remove Q
check_end

check_begin "-w - writes the recording to stdout and -r - reads stdin"
env --default-signal=INT,TERM "$PODCG" -q -w - --duration 1 </dev/null 2>/dev/null |
	"$PODCG" -r - --json >/dev/null 2>"$E2E_TMP/pipe.err" || check_fail "pipe replay failed: $(cat "$E2E_TMP/pipe.err")"
"$PODCG" -w "$rec" --duration 1 >/dev/null 2>&1 && check_fail "-w overwrote an existing file without --force"
check_end
e2e_finish
