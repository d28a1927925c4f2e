#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_reliab_output.sh - never a silent success (issue 11): output and recording write errors
# exit 1 with one line naming what could not be written; a replay whose reader went away
# stops reading; damage warnings are rate-limited; -w explains what is in the way.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PODCG:-$root/podcg-trace}
gold=$root/tests/golden/hybrid-besteffort-pod.pcgt
tmp=$(mktemp -d /tmp/podcg-reliab.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok $1"; }
nok() { echo "not ok $1"; shift; printf '# %s\n' "$@"; fail=1; }

size=$(stat -c %s "$gold")
head -c $((size - 30)) "$gold" >"$tmp/cut.pcgt"

# replay into a full device: exit 1, one error line naming the output, for a whole and a cut
# recording (the damage report path used to flush stdout and drop the error), JSON and text
for f in cut.pcgt whole; do
	for fmt in --json ""; do
		src=$tmp/cut.pcgt
		[[ $f == whole ]] && src=$gold
		"$bin" -r "$src" $fmt >/dev/full 2>"$tmp/err"
		rc=$?
		name="replay_${f%.pcgt}${fmt:+_json}_to_dev_full"
		if [[ $rc == 1 ]] && [[ $(grep -c 'error: cannot write the output: No space left' "$tmp/err") == 1 ]] &&
			[[ $(grep -c error "$tmp/err") == 1 ]]; then
			ok "$name"
		else
			nok "$name" "exit $rc" "$(cat "$tmp/err")"
		fi
	done
done

# a replay whose reader went away stops reading: an endless recording on stdin, `| head -1`
python3 - "$root" >"$tmp/endless.py" <<'PY'
import sys
print("""
import sys
sys.path.insert(0, %r)
import pcgt
E = pcgt.EV
out = sys.stdout.buffer
out.write(pcgt.header())
seq = 0
try:
    while True:
        evs = []
        for k in range(50):
            i = seq * 50 + k
            uid = b"%%08x-0000-4000-8000-%%012x" %% (i, i)
            evs.append(pcgt.ev_cgroup(E["CGROUP_MKDIR"], 10 + i, 100000 + i,
                                      b"/kubepods/besteffort/pod" + uid))
        out.write(pcgt.block(seq, b"".join(evs), len(evs)))
        seq += 1
except BrokenPipeError:
    pass
""" % (sys.argv[1] + "/tests/robust"))
PY
start=$(date +%s)
timeout 30 bash -c "python3 '$tmp/endless.py' | '$bin' -r - --json 2>'$tmp/err' | head -1 >'$tmp/head'; echo \${PIPESTATUS[1]} >'$tmp/rc'"
trc=$?
end=$(date +%s)
if [[ $trc == 0 && $(cat "$tmp/rc") == 0 && $(wc -l <"$tmp/head") == 1 ]] && ((end - start < 25)); then
	ok replay_stops_when_reader_goes
else
	nok replay_stops_when_reader_goes "timeout exit $trc, podcg-trace exit $(cat "$tmp/rc" 2>/dev/null), $((end - start)) s" "$(head -3 "$tmp/err")"
fi

# 5,000 damaged blocks: a few lines of warnings and one summary, not 5,000 lines
python3 - "$root/tests/robust" "$tmp/bad.pcgt" <<'PY'
import sys, struct, zlib
sys.path.insert(0, sys.argv[1])
import pcgt
good = pcgt.ev_plain(pcgt.EV["TICK"], 1)
parts = [pcgt.header()]
for seq in range(5000):
    b = bytearray(pcgt.block(seq, good * 3, 3, stored=True))
    b[-1] ^= 0xff
    parts.append(bytes(b))
parts.append(pcgt.block(5000, good, 1, stored=True))
open(sys.argv[2], "wb").write(b"".join(parts))
PY
"$bin" -r "$tmp/bad.pcgt" --json >/dev/null 2>"$tmp/err"
rc=$?
n=$(wc -l <"$tmp/err")
if [[ $rc == 0 ]] && ((n <= 25)) && grep -Eq '5000 blocks .* lost; [0-9]+ damage reports, the first 20 shown' "$tmp/err"; then
	ok replay_damage_rate_limited
else
	nok replay_damage_rate_limited "exit $rc, $n stderr lines" "$(tail -2 "$tmp/err")"
fi

# -w: what is in the way, and --force only where it would help
mkdir "$tmp/dir"
ln -s /nonexistent/podcg "$tmp/dangling"
ln -s "$gold" "$tmp/symlink"
: >"$tmp/regular"
check_w() { # name, expected regex, must-not regex, args...
	local name=$1 re=$2 not=$3
	shift 3
	timeout 20 "$bin" "$@" --duration 0.1 -q >/dev/null 2>"$tmp/err"
	local rc=$?
	if [[ $rc == 1 ]] && grep -q "$re" "$tmp/err" && ! grep -q -- "$not" "$tmp/err"; then
		ok "$name"
	else
		nok "$name" "exit $rc" "$(cat "$tmp/err")"
	fi
}
check_w write_dir_says_directory "it is a directory" "--force" -w "$tmp/dir"
check_w write_dir_force_says_directory "it is a directory" "--force" -w "$tmp/dir" --force
check_w write_dev_full_force_no_force_hint "it is a character device" "--force" -w /dev/full --force
check_w write_dangling_symlink "it is a dangling symbolic link" "--force" -w "$tmp/dangling"
check_w write_symlink_force "it is a symbolic link" "--force" -w "$tmp/symlink" --force
check_w write_existing_suggests_force "use --force to overwrite" "it is" -w "$tmp/regular"
exit $fail
