#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_runner.sh - the test runner (scripts/run-tests.sh) itself, run on the fake tests in
# tests/runner/: a test that exits 3, dies of SIGSEGV (shell and C program), is aborted by ASan,
# hangs past its timeout (also ignoring SIGTERM), prints nothing, or whose child writes an
# ASan/UBSan/LSan report the test ignores, is counted as failed, by name, even after printing
# "ok" lines; passing fakes count as passed; CI=true turns a skip into a failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
fakes=$root/tests/runner
tmp=$(mktemp -d /tmp/podcg-runner.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export PCG_FAKE_BIN=$tmp
cc=${CC:-cc}
command -v clang >/dev/null && cc=clang # one sanitizer runtime: UBSan reports go to log_path
if ! $cc -g -O0 -o "$tmp/fake-plain" "$fakes/fake.c" 2>"$tmp/cc.err" ||
	! $cc -g -O0 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
		-o "$tmp/fake-san" "$fakes/fake.c" 2>>"$tmp/cc.err"; then
	echo "not ok runner_build_fakes"
	sed 's/^/# /' "$tmp/cc.err"
	exit 1
fi
fail=0
# runner DIRS [env...]: the real runner on fake test dirs; output in $tmp/out, status in $st
runner() {
	local dirs=$1
	shift
	env -u CI -u PCG_TEST_TIME_SCALE "$@" PCG_TEST_DIRS="$dirs" PCG_TEST_TIMEOUT=2 \
		PCG_TEST_KILL_AFTER=1 "$root/scripts/run-tests.sh" >"$tmp/out" 2>&1
	st=$?
}
check() { # name, condition command...
	local name=$1
	shift
	if "$@"; then
		echo "ok runner_$name"
	else
		echo "not ok runner_$name"
		sed -e 's/^/# /' "$tmp/out" | tail -60
		fail=1
	fi
}
has() { grep -Eq -- "$1" "$tmp/out"; }
last() { [[ $(tail -n 1 "$tmp/out") == "$1" ]]; }

runner "$fakes/pass"
check passing_fakes_pass eval '((st == 0)) && last "2 passed, 0 failed, 1 skipped"'
runner "$fakes/pass" CI=true
check ci_skip_is_failure eval '((st != 0)) && last "2 passed, 1 failed, 1 skipped"'

t0=$(date +%s)
runner "$fakes/fail"
secs=$(($(date +%s) - t0))
check exit_3 has '^not ok fail/t_exit3\.sh \(exit status 3\)$'
check shell_sigsegv has '^not ok fail/t_kill_segv\.sh \(killed by signal SIGSEGV \(status 139\)\)$'
check shell_stops_at_sigsegv eval '! has "fake_kill_segv_after"'
check c_sigsegv has '^not ok fail/t_segv\.sh \(killed by signal SIGSEGV \(status 139\)\)$'
check asan_abort has '^not ok fail/t_asan\.sh \(exit status 1, sanitizer report\)$'
check asan_report_in_ignored_child has '^not ok fail/t_asan_ignored\.sh \(sanitizer report\)$'
check ubsan_report_in_ignored_child has '^not ok fail/t_ubsan\.sh \(sanitizer report\)$'
check lsan_report_in_ignored_child has '^not ok fail/t_leak\.sh \(sanitizer report\)$'
check report_shown has 'ERROR: AddressSanitizer: heap-buffer-overflow'
check timeout has '^not ok fail/t_hang\.sh \(timed out after 2 s\)$'
check timeout_ignoring_sigterm has '^not ok fail/t_hang_ignores_term\.sh \(timed out after 2 s\)$'
gone() { # pid file: written, and the process is gone or a zombie waiting for init
	local s
	[[ -s $1 ]] || return 1
	s=$(cat "/proc/$(cat "$1")/stat" 2>/dev/null) || return 0
	s=${s##*) }
	[[ ${s:0:1} == Z ]]
}
check hung_processes_killed eval 'gone "$tmp/hang.pid" && gone "$tmp/hang2.pid"'
check no_result_line has '^not ok fail/t_silent\.sh \(no ok / not ok / skip line\)$'
check not_ok_counted_once eval '[[ $(grep -c "^not ok .*not_ok" "$tmp/out") == 1 ]]'
# every fake's own "ok" line counts as passed, every fake as one failure (t_not_ok: its own line)
check summary eval '((st != 0)) && last "10 passed, 11 failed, 0 skipped"'
check timeouts_bounded eval '((secs < 30))'
exit $fail
