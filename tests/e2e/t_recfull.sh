#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_recfull.sh - e2e: never a silent success (issue 11).  Recording with rotation (-C) onto a
# 64 KiB tmpfs fills it: the tracer says once which file could not be written (the rotated
# name), live output goes on, and it exits 1.  Live output into /dev/full exits 1 too.
. "$(dirname "$0")/lib.sh"
e2e_init t_recfull
e2e_require_tracer

mnt=$E2E_TMP/full
mkdir "$mnt"
mount -t tmpfs -o size=64k,mode=0700 podcg-e2e-full "$mnt" || e2e_skip_all "cannot mount a tmpfs"
e2e_defer umount "$mnt"

tracer_start --all -w "$mnt/rec" -C 30k
e2e_exec_storm 3000
sleep 1.5
tracer_stop

check_begin "a full disk under a rotating recording: exit 1, one line naming the file"
[ "$E2E_TRACER_RC" = 1 ] || check_fail "exit status $E2E_TRACER_RC, expected 1"
n=$(grep -c "error: cannot write the recording to '$mnt/rec[0-9]*': No space left on device" "$E2E_TRACE_ERR")
[ "$n" = 1 ] || check_fail "$n matching error lines" "$(grep error "$E2E_TRACE_ERR")"
[ "$(grep -c error "$E2E_TRACE_ERR")" = 1 ] || check_fail "more than one error line" "$(grep error "$E2E_TRACE_ERR")"
ls "$mnt"/rec?* >/dev/null 2>&1 || check_fail "no rotation happened: $(ls "$mnt")"
[ -n "$(jq_events ".event == \"exec\" and .filename == \"$E2E_STORM_TRUE\"" | tail -1)" ] ||
	check_fail "live output stopped with the recording"
check_end

check_begin "live output into a full device: exit 1, one line (the text header alone fails)"
timeout 30 "$PODCG" --duration 1 >/dev/full 2>"$E2E_TMP/devfull.err"
rc=$?
[ "$rc" = 1 ] || check_fail "exit $rc"
[ "$(grep -c 'error: cannot write the output: No space left on device' "$E2E_TMP/devfull.err")" = 1 ] ||
	check_fail "$(cat "$E2E_TMP/devfull.err")"
# JSON has no header: something must be written for the error to happen
timeout 30 "$PODCG" --all --duration 2 --json >/dev/full 2>"$E2E_TMP/devfull.err" &
p=$!
sleep 1
e2e_exec_storm 200
wait $p
rc=$?
[ "$rc" = 1 ] || check_fail "--json: exit $rc"
[ "$(grep -c 'error: cannot write the output: No space left on device' "$E2E_TMP/devfull.err")" = 1 ] ||
	check_fail "--json: $(cat "$E2E_TMP/devfull.err")"
check_end
e2e_finish
